"""The benchmark figures (datasets/reference): each cites the edition it was read in, and says where a series breaks.

A Statistics Explained article is rewritten in place at each yearly update, so
its address does not name the edition that gave a figure: the reference row
carries the month the data were extracted and the Eurostat table to look the
figure up in again. Cedefop flags a break in the 2020 series for Germany and
Malta; every page and file that shows those two figures says so.
"""

from __future__ import annotations

import csv
import json
import re
import shutil

import pytest

from generator.errors import InputError
from generator.inputs.reference import EUROSTAT_TABLE_URL, load_reference

from conftest import REPO

REFERENCE = REPO / "datasets" / "reference"
ARTICLE = "https://ec.europa.eu/eurostat/statistics-explained/index.php"
EDAT = EUROSTAT_TABLE_URL.format(code="edat_lfse_24")
#: What a page says beside a figure, per language: the month of extraction and the break in the series.
WORDS = {"en": ("data extracted in July 2025", "break in the time series in 2020"),
         "nl": ("gegevens opgehaald in juli 2025", "breuk in de tijdreeks in 2020"),
         "fr": ("données extraites en juillet 2025", "rupture de série en 2020")}
PREFIX = {"en": "", "nl": "nl/", "fr": "fr/"}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).replace("&nbsp;", "\u00a0")


@pytest.fixture(scope="module")
def reference():
    return load_reference(REFERENCE, REPO)


def test_a_figure_read_on_a_page_rewritten_in_place_names_its_edition(reference):
    unversioned = reference[reference["source_url"].str.startswith(ARTICLE) & ~reference["source_url"].str.contains(
        "oldid=")]
    assert len(unversioned) == 1
    assert (unversioned["extracted"] != "").all(), "an article without a revision id needs its extraction month"
    latest = reference[(reference["geo"] == "EU27") & (reference["year"] == 2024)].iloc[0]
    assert (latest["value"], latest["extracted"], latest["eurostat_table"]) == (80.0, "2025-07", "edat_lfse_24")
    assert latest["table_url"] == "https://ec.europa.eu/eurostat/databrowser/view/edat_lfse_24/default/table?lang=en"
    # Guide chapter 1 cites the same edition: one set of facts in both places.
    chapter = (REPO / "content" / "guide" / "01-why-track.md").read_text(encoding="utf-8")
    assert "data extracted in July 2025" in chapter and "edat_lfse_24" in chapter


def test_the_2020_series_breaks_are_those_cedefop_flags(reference):
    flagged = reference[reference["series_break"].map(lambda v: v is True)]
    assert sorted(zip(flagged["geo"], flagged["year"])) == [("DE", 2020), ("MT", 2020)]
    # The same Cedefop table flags none for the other 2020 figures; the other sources say nothing either way.
    cedefop_2020 = reference[reference["source_url"].str.contains("19-how-many-recent-ivet-graduates")]
    assert cedefop_2020["series_break"].map(lambda v: v is not None).all()
    assert reference.loc[reference["geo"] == "HR", "series_break"].map(lambda v: v is None).all()


def test_the_reference_copies_in_the_golden_and_new_projects_are_the_demos():
    for folder in (REPO / "tests" / "golden" / "project" / "datasets" / "reference",
                   REPO / "generator" / "scaffold" / "project" / "datasets" / "reference"):
        for name in ("eurostat_vet_employment.csv", "datapackage.json"):
            assert (folder / name).read_bytes() == (REFERENCE / name).read_bytes(), folder / name
    declared = json.loads((REFERENCE / "datapackage.json").read_text(encoding="utf-8"))["resources"][0]["schema"]
    assert declared == json.loads((REPO / "generator" / "schemas" / "reference_employment.json").read_text())


def test_a_reference_file_without_the_optional_columns_still_loads(tmp_path):
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE, folder)
    with (REFERENCE / "eurostat_vet_employment.csv").open(encoding="utf-8", newline="") as f:
        rows = [row[:4] for row in csv.reader(f)]
    with (folder / "eurostat_vet_employment.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    loaded = load_reference(folder, tmp_path)
    assert len(loaded) == 12
    assert set(loaded["extracted"]) == {""} and set(loaded["eurostat_table"]) == {""}
    assert set(loaded["series_break"].map(repr)) == {"None"}


def test_an_extraction_month_that_is_no_month_is_named_by_file_row_and_field(tmp_path):
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE, folder)
    csv_file = folder / "eurostat_vet_employment.csv"
    csv_file.write_text(csv_file.read_text(encoding="utf-8").replace(",2025-07,", ",July 2025,"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_reference(folder, tmp_path)
    assert [(p.file, p.row, p.field, p.code) for p in caught.value.problems] == [
        ("reference/eurostat_vet_employment.csv", 13, "extracted", "pattern")]


def test_the_published_benchmark_table_carries_edition_table_and_break(demo_build):
    with (demo_build / "data" / "employment_benchmark.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["geo", "year", "value", "source_url", "extracted", "eurostat_table", "series_break"]
    by_key = {(r["geo"], r["year"]): r for r in rows}
    assert (by_key["EU27", "2024"]["extracted"], by_key["EU27", "2024"]["eurostat_table"]) == ("2025-07", "edat_lfse_24")
    assert {k for k, r in by_key.items() if r["series_break"] == "true"} == {("DE", "2020"), ("MT", "2020")}
    descriptor = json.loads((demo_build / "data" / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "employment_benchmark")
    assert [f["name"] for f in resource["schema"]["fields"]][-3:] == ["extracted", "eurostat_table", "series_break"]
    # Germany's own package keeps its row and its break.
    with (demo_build / "data" / "DE" / "employment_benchmark.csv").open(encoding="utf-8", newline="") as f:
        assert [r["series_break"] for r in csv.DictReader(f) if r["geo"] == "DE"] == ["true"]


def test_the_published_benchmark_table_is_a_valid_frictionless_resource(demo_build):
    from frictionless import Package

    package = Package(str(demo_build / "data" / "datapackage.json"))
    report = package.get_resource("employment_benchmark").validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.parametrize("lang", ["en", "nl", "fr"])
def test_the_pages_name_the_edition_beside_the_2024_eu_figure(demo_build, lang):
    month, _ = WORDS[lang]
    for page in ("index.html", "countries/at/index.html", "countries/eu-target/index.html"):
        html = (demo_build / PREFIX[lang] / page).read_text(encoding="utf-8")
        assert f'href="{EDAT}"' in html, (lang, page)
        assert month in _text(html), (lang, page)


@pytest.mark.parametrize("lang", ["en", "nl", "fr"])
def test_every_page_showing_the_german_or_maltese_2020_figure_says_the_series_breaks(demo_build, lang):
    _, words = WORDS[lang]
    for geo in ("de", "mt"):
        text = _text((demo_build / PREFIX[lang] / "countries" / geo / "index.html").read_text(encoding="utf-8"))
        assert words in text, (lang, geo)
    # The other countries with a 2020 figure from the same table have no break, and their pages say none.
    for geo in ("el", "es", "no"):
        page = demo_build / PREFIX[lang] / "countries" / geo / "index.html"
        if page.exists():
            assert words not in _text(page.read_text(encoding="utf-8")), (lang, geo)
    table = (demo_build / PREFIX[lang] / "countries" / "eu-target" / "index.html").read_text(encoding="utf-8")
    rows = dict(re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', table, re.S))
    assert {geo for geo, row in rows.items() if 'class="series-flag"' in row} == {"DE", "MT"}
    note = re.search(r'<p class="note">b\u00a0?:(.*?)</p>', table, re.S)
    assert note and note.group(1).count("2020") == 2, lang
