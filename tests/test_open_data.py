"""Open data around the packages: checksums, schema.org metadata, the data dictionary, Excel, citation, changelog."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
import yaml

from generator.cache import BuildCache
from generator.config import Config
from generator.publish.excel import _NotPlain, _sheet_rows, indicator_workbook
from generator.publish.packages import all_packages
from generator.publish.release import open_data
from generator.publish.tables import PublishedTable

from conftest import DEMO_BASE_URL

BASE = DEMO_BASE_URL


def page_jsonld(path) -> dict:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', path.read_text(encoding="utf-8"), re.S)
    assert len(found) == 1, path
    assert "<" not in found[0]  # script_json escapes it: no "</script>" can end the element early
    return json.loads(found[0])


# -- SHA256SUMS -------------------------------------------------------------------------------------

def test_sha256sums_covers_every_data_file_and_matches(demo_build):
    data = demo_build / "data"
    lines = (data / "SHA256SUMS").read_text().splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    assert list(listed) == sorted(listed)
    on_disk = {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()
               and not p.name.endswith(".html") and p.name != "SHA256SUMS"}
    assert set(listed) == on_disk
    for name, digest in listed.items():
        assert hashlib.sha256((data / name).read_bytes()).hexdigest() == digest, name


# -- schema.org Dataset on the dataset pages ----------------------------------------------------------

REQUIRED = {"name", "description", "url", "identifier", "keywords", "license", "creator", "publisher", "version",
            "dateModified", "temporalCoverage", "spatialCoverage", "distribution", "isAccessibleForFree",
            "includedInDataCatalog"}


def check_dataset(dataset: dict, demo_build) -> None:
    assert dataset["@context"] == "https://schema.org/" and dataset["@type"] == "Dataset"
    assert REQUIRED <= set(dataset)
    assert 50 <= len(dataset["description"]) <= 5000
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert dataset["version"] == "2026.2" and dataset["dateModified"] == "2026-12-03"
    assert dataset["temporalCoverage"] == "2021/2023"
    assert dataset["isAccessibleForFree"] is True
    assert dataset["creator"]["name"] == "ontrack project (demonstration site)"
    assert dataset["url"].startswith(BASE)
    for download in dataset["distribution"]:
        assert download["@type"] == "DataDownload" and download["encodingFormat"]
        assert download["contentUrl"].startswith(BASE)
        assert (demo_build / download["contentUrl"][len(BASE):]).is_file(), download["contentUrl"]


def test_the_data_page_describes_the_whole_package(demo_build):
    dataset = page_jsonld(demo_build / "data" / "index.html")
    check_dataset(dataset, demo_build)
    assert dataset["url"] == BASE + "data/"
    assert {"text/csv", "application/zip", "application/json",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} == \
        {d["encodingFormat"] for d in dataset["distribution"]}
    assert len(dataset["spatialCoverage"]) == 14


def test_each_country_page_with_data_describes_its_package(demo_build):
    packages = sorted(p.parent.name for p in demo_build.glob("data/*/datapackage.json"))
    assert len(packages) == 14
    for geo in packages:
        dataset = page_jsonld(demo_build / "countries" / geo.lower() / "index.html")
        check_dataset(dataset, demo_build)
        assert dataset["url"] == f"{BASE}countries/{geo.lower()}/"
        assert len(dataset["spatialCoverage"]) == 1
        assert any(d["contentUrl"].endswith(f"data/{geo}/datapackage.json") for d in dataset["distribution"])


def test_a_country_without_data_has_no_dataset(demo_build):
    text = (demo_build / "countries" / "bg" / "index.html").read_text(encoding="utf-8")
    assert "application/ld+json" not in text


# -- the data dictionary -------------------------------------------------------------------------------

def test_the_dictionary_lists_every_resource_and_field_of_the_package(demo_build):
    page = (demo_build / "data" / "dictionary" / "index.html").read_text(encoding="utf-8")
    descriptor = json.loads((demo_build / "data" / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        assert f'id="res-{resource["name"]}"' in page, resource["name"]
        for field in resource["schema"]["fields"]:
            assert f'id="res-{resource["name"]}-{field["name"]}"' in page, (resource["name"], field["name"])
    assert 'id="input-graduates-nace_section"' in page  # the input files too


def test_the_dictionary_gives_codes_with_labels_and_the_definitions(demo_build):
    page = (demo_build / "data" / "dictionary" / "index.html").read_text(encoding="utf-8")
    assert "<code>SECTOR_F</code>: Working in Construction" in page          # indicator ids of a table
    assert "<code>071</code>: Engineering and engineering trades" in page     # ISCED-F labels
    assert "<code>EL</code>: Greece" in page                                  # geo names
    assert "<code>MIN_BASE</code>" in page and "fewer than 25 graduates" in page
    assert re.search(r'<tr id="indicator-EMP">.*?graduates in employment \(ILO\).*?EQAVET 5b', page)
    assert "<td>percent</td>" in page  # units


def test_the_dictionary_is_linked_from_the_data_and_methodology_pages(demo_build):
    assert 'href="dictionary/index.html"' in (demo_build / "data" / "index.html").read_text(encoding="utf-8")
    assert 'href="../data/dictionary/index.html"' in \
        (demo_build / "methodology" / "index.html").read_text(encoding="utf-8")


# -- downloads: everything in one ZIP, the workbook -----------------------------------------------------

def test_the_data_page_offers_everything_in_one_zip_and_the_extras(demo_build):
    page = (demo_build / "data" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="downloads/ontrack-2026\.2\.zip" download>Everything', page)
    for target in ("downloads/ontrack-indicators-2026.2.xlsx", "catalog.jsonld", "catalog.ttl", "SHA256SUMS",
                   "CITATION.cff", "../changelog/index.html"):
        assert f'href="{target}"' in page, target


@pytest.fixture(scope="module")
def workbook(demo_build):
    return openpyxl.load_workbook(demo_build / "data" / "downloads" / "ontrack-indicators-2026.2.xlsx", read_only=True)


def test_the_workbook_has_a_readme_and_one_sheet_per_resource(demo_build, workbook):
    descriptor = json.loads((demo_build / "data" / "datapackage.json").read_text())
    assert workbook.sheetnames[:2] == ["README", "indicators"]
    assert set(workbook.sheetnames) == {"README"} | {r["name"] for r in descriptor["resources"]}
    for name in ("geo", "nace", "employment_benchmark"):
        with (demo_build / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            expected = list(csv.reader(f))
        rows = [["" if v is None else v for v in row] for row in workbook[name].iter_rows(values_only=True)]
        # A read-only sheet gives a row only as far as its last filled cell.
        rows = [row + [""] * (len(expected[0]) - len(row)) for row in rows]
        if name == "employment_benchmark":  # numbers and booleans are typed in the workbook (Excel keeps no .0)
            truth = {"true": True, "false": False, "": ""}
            expected = [r if i == 0 else [r[0], int(r[1]), float(r[2]), *r[3:6], truth[r[6]]]
                        for i, r in enumerate(expected)]
        assert rows == expected, name
    readme = [row[0] for row in workbook["README"].iter_rows(values_only=True) if row and row[0]]
    assert any("never read it as 0" in str(text) for text in readme)


def test_the_workbook_types_cells_and_leaves_hidden_figures_empty(workbook):
    sheet = workbook["indicators"]
    header = [c for c in next(sheet.iter_rows(values_only=True))]
    value, flag, base = header.index("value"), header.index("flag"), header.index("base_rounded")
    hidden = published = 0
    for row in sheet.iter_rows(min_row=2, values_only=True):
        row = row + (None,) * (len(header) - len(row))  # a row's trailing empty cells are not stored
        if row[flag] == "c":
            hidden += 1
            assert row[value] is None
        elif row[value] is not None:
            published += 1
            assert isinstance(row[value], (int, float)) and isinstance(row[base], int)  # numbers, not text
    assert hidden and published


def small_table() -> PublishedTable:
    frame = pd.DataFrame({"geo": ["AT", "DE"], "value": ["81.5", ""], "base_rounded": ["40", ""]})
    schema = {"fields": [{"name": "geo", "type": "string"}, {"name": "value", "type": "number"},
                         {"name": "base_rounded", "type": "integer"}]}
    return PublishedTable("indicators", "Indicators", frame, schema)


def test_the_workbook_bytes_depend_only_on_the_tables_and_the_release_date(monkeypatch):
    release = dt.datetime(2026, 11, 1)
    first = indicator_workbook([small_table()], Config(), release)
    assert indicator_workbook([small_table()], Config(), release) == first
    book = openpyxl.load_workbook(io.BytesIO(first))
    assert book.properties.created == book.properties.modified == release
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {(2026, 11, 1, 0, 0, 0)}
    assert [c.value for c in book["indicators"][3]] == ["DE", None, None]


def _openpyxl_sheet_data(rows: list[list]) -> bytes:
    """The <row> elements openpyxl itself writes for ``rows`` (from row 2, as under a header)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("t")
    sheet.append(["header"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    xml = zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml")
    return xml.split(b"</row>", 1)[1].split(b"</sheetData>")[0]


def test_workbook_rows_are_the_bytes_openpyxl_writes():
    # The workbook's rows are written by ontrack (openpyxl took most of the publishing time at 1M records):
    # text that needs escaping, non-ASCII, numbers of every kind, booleans, empty cells and empty rows.
    rows = [["AT", 81.5, 40, True], [None, None, None, None], ["Österreich & <Tirol>", 0.1 + 0.2, 10**17, False],
            ["a \"quoted\" 'word'", -0.0, -3, None], ["Ελλάδα", 1e-07, 2**60, None], [None, 12.0, None, "x"]]
    out = io.BytesIO()
    _sheet_rows(rows, 2, 4, out)
    assert out.getvalue() == _openpyxl_sheet_data(rows)


@pytest.mark.parametrize("value", ["=SUM(A1:A2)", "#N/A", " padded", "line\r\nend", "", float("nan"), dt.date(2026, 1, 1)])
def test_workbook_values_openpyxl_writes_its_own_way_are_left_to_openpyxl(value):
    with pytest.raises(_NotPlain):
        _sheet_rows([["AT", value]], 2, 2, io.BytesIO())
    # ... and a table holding one is written by openpyxl, cell for cell as before.
    frame = pd.DataFrame({"geo": ["AT", "DE"], "note": ["fine", "=1+1"]})
    table = PublishedTable("indicators", "Indicators", frame, {"fields": [{"name": "geo", "type": "string"},
                                                                          {"name": "note", "type": "string"}]})
    book = openpyxl.load_workbook(io.BytesIO(indicator_workbook([table], Config(), dt.datetime(2026, 11, 1))))
    assert [c.value for c in book["indicators"][3]] == ["DE", "=1+1"]


def test_without_a_base_url_there_is_no_catalogue_but_the_rest_is_made(tmp_path):
    release = dt.datetime(2026, 11, 1)
    frame = pd.DataFrame({"geo": ["AT", ""], "cohort": ["2022", "2021-2023"], "indicator": ["EMP", "EMP"],
                          "value": ["81.5", ""]})
    schema = {"fields": [{"name": "geo", "type": "string"}, {"name": "cohort", "type": "string"},
                         {"name": "indicator", "type": "string"}, {"name": "value", "type": "number"}]}
    table = PublishedTable("indicators", "Indicators", frame, schema)
    files, packages = all_packages([table], [], Config(), release)
    extras = open_data(files, packages, {"indicators": table}, Config(), release, (), cache=BuildCache(tmp_path))
    assert extras.base is None and extras.catalogue == ()
    assert set(extras.files) == {"data/SHA256SUMS", "data/CITATION.cff", "data/downloads/ontrack-indicators-1.0.0.xlsx"}
    assert "url" not in yaml.safe_load(extras.files["data/CITATION.cff"])
    sums = extras.files["data/SHA256SUMS"].decode()
    assert "  indicators.csv\n" in sums and "  downloads/ontrack-1.0.0.zip\n" in sums
    assert extras.datasets[0].cohort_years == (2021, 2023)
    assert [f.name for f in extras.dictionary.published[0].fields] == ["geo", "cohort", "indicator", "value"]
    # The workbook is kept in the cache: the next build with the same tables takes it from there.
    assert len(list((tmp_path / "workbook").glob("*.pickle"))) == 1


# -- citation and changelog -------------------------------------------------------------------------------

def test_citation_cff_describes_the_release(demo_build):
    cff = yaml.safe_load((demo_build / "data" / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["version"] == "2026.2" and cff["date-released"] == dt.date(2026, 12, 3)
    assert cff["license"] == "CC-BY-4.0"
    assert cff["authors"] == [{"name": "ontrack project (demonstration site)", "website": BASE}]
    assert cff["url"] == BASE + "data/"
    assert {"message", "title"} <= set(cff)


def test_the_changelog_page_describes_the_release(demo_build):
    page = (demo_build / "changelog" / "index.html").read_text(encoding="utf-8")
    assert "2026.2" in page and "<h1>Data releases</h1>" in page
    assert 'aria-current="page"' in page and 'href="../data/dictionary/index.html"' in page
