"""Charts: each builder inlines exactly its rows, hidden figures read "not published", SVGs are accessible.

The inputs are small and hand-made, so each expected row, figure and sentence can
be checked by eye.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from pathlib import Path

import pytest
import vl_convert
from babel.messages.extract import extract_from_dir
from babel.support import NullTranslations

from generator.cache import BuildCache
from generator import charts
from generator.charts import (Chart, ChartTable, accessible_svg, benchmark_chart, cohort_chart, comparison_chart,
                              destinations_chart, earnings_chart, related_chart, render_svgs, sectors_chart,
                              spec_json, timeline_chart)
from generator.charts import designs, rendering
from generator.i18n import Language

SVG = "{http://www.w3.org/2000/svg}"
FEW = "fewer than 25 graduates in the base"
SECONDARY = "hidden so that a smaller group cannot be worked out from the totals"


def destination_rows(months_after, shares, reason=""):
    names = ("Working and studying", "Working only", "Studying only", "Unemployed", "Inactive")
    return [{"months_after": months_after, "destination": name, "share": share,
             "reason": reason if share is None else ""} for name, share in zip(names, shares)]


DESTINATIONS = (destination_rows(6, [10.0, 50.0, 10.0, 20.0, 10.0])
                + destination_rows(12, [10.0, 60.0, 10.0, None, None], SECONDARY))
COHORTS = [
    {"cohort": "2021", "share": 78.1, "ci_low": 70.0, "ci_high": 84.6, "base": 120, "reason": ""},
    {"cohort": "2022", "share": None, "ci_low": None, "ci_high": None, "base": None, "reason": FEW},
]
SECTORS = [
    {"code": "C", "sector": "Manufacturing", "share": 60.0, "reason": ""},
    {"code": "F", "sector": "Construction", "share": 40.0, "reason": ""},
    {"code": "B", "sector": "Mining and quarrying", "share": None, "reason": FEW},
]
RELATED = [
    {"answer": "Related", "share": 70.0, "reason": ""},
    {"answer": "Partly related", "share": None, "reason": SECONDARY},
    {"answer": "Not related", "share": None, "reason": FEW},
]
EARNINGS = [
    {"group": "This programme", "q1": None, "median": None, "q3": None, "reason": "fewer than 30 values"},
    {"group": "Country", "q1": 1500.0, "median": 1850.0, "q3": 2200.0, "reason": ""},
]
COMPARISON = [
    {"group": "This programme", "share": None, "ci_low": None, "ci_high": None, "base": None, "reason": FEW},
    {"group": "Same field, same country", "share": 80.2, "ci_low": 78.5, "ci_high": 81.8, "base": 2400,
     "reason": ""},
]
TIMELINE = [{"year": 2017, "status": "Pilot"}, {"year": 2018, "status": "Pilot"},
            {"year": 2018, "status": "Implementation"}]
BENCHMARK = [{"label": "EU27 2024", "value": 80.0, "source": "Eurostat"},
             {"label": "Malta 2024", "value": None, "source": "Eurostat"}]

#: (builder call, the rows given, the field that may be None)
BUILT = {
    "destinations": (lambda: destinations_chart(DESTINATIONS), DESTINATIONS, "share"),
    "cohorts": (lambda: cohort_chart(COHORTS), COHORTS, "share"),
    "sectors": (lambda: sectors_chart(SECTORS), SECTORS, "share"),
    "related": (lambda: related_chart(RELATED), RELATED, "share"),
    "earnings": (lambda: earnings_chart(EARNINGS, "EUR"), EARNINGS, "median"),
    "comparison": (lambda: comparison_chart(COMPARISON, "Employment rate 12 months after qualifying"),
                   COMPARISON, "share"),
    "timeline": (lambda: timeline_chart(TIMELINE), TIMELINE, None),
    "benchmark": (lambda: benchmark_chart(BENCHMARK), BENCHMARK, "value"),
}


def canonical(rows):
    return sorted(json.dumps(row, sort_keys=True) for row in rows)


def keys_anywhere(spec, key):
    if isinstance(spec, dict):
        return [value for k, value in spec.items() if k == key] + [
            found for value in spec.values() for found in keys_anywhere(value, key)]
    if isinstance(spec, list):
        return [found for value in spec for found in keys_anywhere(value, key)]
    return []


@pytest.fixture(scope="module")
def built():
    return {name: make() for name, (make, _, _) in BUILT.items()}


@pytest.fixture(scope="module")
def svgs(built):
    return dict(zip(built, render_svgs(list(built.values()))))


@pytest.mark.parametrize("name", BUILT)
def test_each_spec_inlines_exactly_the_rows_given(built, name):
    spec = built[name].spec
    assert canonical(spec["data"]["values"]) == canonical(BUILT[name][1])
    # One inline dataset, nothing loaded from elsewhere.
    assert len(keys_anywhere(spec, "data")) == 1
    assert keys_anywhere(spec, "url") == []


@pytest.mark.parametrize("name", [name for name, (_, _, field) in BUILT.items() if field])
def test_a_hidden_figure_is_none_in_the_data_and_not_published_in_table_and_description(built, name):
    chart, (_, rows, field) = built[name], BUILT[name]
    hidden = [row for row in chart.spec["data"]["values"] if row[field] is None]
    assert len(hidden) == sum(row[field] is None for row in rows) > 0
    assert 0 not in [row[field] for row in chart.spec["data"]["values"]]
    assert any("not published" in cell for row in chart.table.rows for cell in row)
    assert "not published" in chart.description.lower()


@pytest.mark.parametrize("name", [name for name, (_, _, field) in BUILT.items() if field])
def test_a_hidden_figure_is_written_not_published_in_the_svg(svgs, name):
    texts = [" ".join(element.itertext()) for element in ET.fromstring(svgs[name]).iter(f"{SVG}text")]
    assert any("not published" in text for text in texts)


def test_tables_read_as_a_person_would(built):
    assert built["destinations"].table == ChartTable(
        ("Time after qualifying", "Working and studying", "Working only", "Studying only", "Unemployed",
         "Inactive"),
        (("6 months", "10%", "50%", "10%", "20%", "10%"),
         ("12 months", "10%", "60%", "10%", "not published", "not published")))
    assert built["cohorts"].table.rows == (("2021", "78.1%", "70–84.6%", "120"),
                                           ("2022", "not published", "", ""))
    assert built["earnings"].table.rows == (("This programme", "not published", "not published", "not published"),
                                            ("Country", "€1,500", "€1,850", "€2,200"))
    assert built["timeline"].table.rows == (("2017", "Pilot"), ("2018", "Pilot and Implementation"))


def test_descriptions_name_the_largest_values_and_the_hidden_ones(built):
    assert built["cohorts"].description == (
        "Of those who qualified in 2021, 78.1% were employed 12 months later (95% interval 70–84.6%, "
        "120 graduates). The figure for 2022 is not published (fewer than 25 graduates in the base).")
    assert "Working only was the largest group at every point: 50% after 6 months and 60% after 12 months." \
        in built["destinations"].description
    assert f"unemployed and inactive after 12 months ({SECONDARY})" in built["destinations"].description
    assert built["sectors"].description.startswith("The largest sectors are Manufacturing (60%) and Construction")
    assert "The EU target for 2025 is 82%." in built["benchmark"].description


def test_more_than_nine_sectors_become_the_top_eight_and_other_sectors():
    rows = [{"code": chr(65 + i), "sector": f"Sector {i}", "share": float(20 - i), "reason": ""} for i in range(11)]
    drawn = sectors_chart(rows).spec["data"]["values"]
    assert [row["sector"] for row in drawn] == [f"Sector {i}" for i in range(8)] + ["Other sectors (3)"]
    assert drawn[-1]["share"] == 12.0 + 11.0 + 10.0
    assert len(sectors_chart(rows).table.rows) == 11  # the table keeps every sector


def test_unknown_categories_are_refused():
    with pytest.raises(ValueError, match="unknown destinations"):
        destinations_chart([{"months_after": 6, "destination": "Retired", "share": 1.0, "reason": ""}])
    with pytest.raises(ValueError, match="chart id"):
        Chart("two words", "t", "d", {}, ChartTable((), ()))


def test_rendered_svg_is_an_accessible_scalable_image(svgs, built):
    for name, svg in svgs.items():
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img" and root.get("focusable") == "false"
        assert "width" not in root.attrib and "height" not in root.attrib
        assert re.fullmatch(r"0 0 \d+(\.\d+)? \d+(\.\d+)?", root.get("viewBox"))
        title, desc = list(root)[:2]
        assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
        assert (title.text, desc.text) == (built[name].title, built[name].description)
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_two_charts_on_a_page_share_no_id():
    clipped = {"data": {"values": [{"a": 1, "b": 150}]}, "mark": {"type": "bar", "clip": True},
               "encoding": {"x": {"field": "a", "type": "quantitative"},
                            "y": {"field": "b", "type": "quantitative", "scale": {"domain": [0, 100]}}}}
    first, second = render_svgs([Chart("first", "One", "One.", clipped, ChartTable((), ())),
                                 Chart("second", "Two", "Two.", clipped, ChartTable((), ()))])
    ids = [set(re.findall(r'\sid="([^"]+)"', svg)) for svg in (first, second)]
    assert "first-clip1" in ids[0] and "second-clip1" in ids[1]
    assert not ids[0] & ids[1]
    for svg, found in zip((first, second), ids):
        assert set(re.findall(r"url\(#([^)]+)\)", svg)) <= found


def test_accessible_svg_prefixes_every_id_and_reference():
    chart = Chart("c", "T & co", "D <1>", {}, ChartTable((), ()))
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="20"><defs><clipPath id="clip1"/></defs>'
           '<g clip-path="url(#clip1)"><use href="#clip1"/></g></svg>')
    assert accessible_svg(svg, chart) == (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 20" role="img" aria-labelledby="c-title c-desc" '
        'focusable="false"><title id="c-title">T &amp; co</title><desc id="c-desc">D &lt;1&gt;</desc>'
        '<defs><clipPath id="c-clip1"/></defs><g clip-path="url(#c-clip1)"><use href="#c-clip1"/></g></svg>')


def test_a_hostile_title_stays_text():
    hostile = "</title><script>alert(1)</script>"
    [svg] = render_svgs([comparison_chart(COMPARISON, hostile)])
    root = ET.fromstring(svg)
    assert not [element for element in root.iter() if element.tag.endswith("script")]
    assert root.find(f"{SVG}title").text == hostile


def test_spec_json_cannot_end_its_script_element():
    spec = comparison_chart([{**COMPARISON[1], "group": "</script><script>alert(1)</script> & more"}], "t").spec
    text = spec_json(spec)
    assert "</" not in text and "<" not in text and "&" not in text
    assert json.loads(text) == spec


def break_vl_convert(monkeypatch, message):
    """Make every vl-convert call this module's rendering uses fail, in this process only."""
    def refuse(*args, **kwargs):
        raise AssertionError(message)

    for name in ("vegalite_to_svg", "vegalite_to_vega", "vega_to_svg"):
        monkeypatch.setattr(rendering.vl_convert, name, refuse)
    monkeypatch.setattr(rendering, "_compiled", {})


def test_the_cache_returns_the_same_svg_without_calling_vl_convert(tmp_path, monkeypatch):
    chart = related_chart(RELATED)
    [first] = render_svgs([chart], cache=BuildCache(tmp_path))
    break_vl_convert(monkeypatch, "vl-convert was called for a cached chart")
    assert render_svgs([chart], cache=BuildCache(tmp_path)) == [first]
    # A change in the spec is a miss.
    changed = related_chart([{**RELATED[0], "share": 71.0}, *RELATED[1:]])
    with pytest.raises(AssertionError, match="vl-convert was called"):
        render_svgs([changed], cache=BuildCache(tmp_path))


def test_a_design_compiled_once_draws_what_vl_convert_draws_from_the_whole_spec(built):
    # The renderer compiles each design's Vega-Lite once and puts each page's rows into the Vega.
    for chart in built.values():
        assert rendering._render_specs([json.dumps(chart.spec)]) == [vl_convert.vegalite_to_svg(chart.spec)]


def test_rendering_is_deterministic(built):
    chart = built["earnings"]
    assert render_svgs([chart]) == render_svgs([chart])


def test_spawned_workers_draw_the_same_svgs(built, svgs, monkeypatch):
    monkeypatch.setattr(rendering, "MIN_CHARTS_PER_WORKER", 1)
    # vl-convert is broken in this process only: the SVGs below can only come from the workers.
    break_vl_convert(monkeypatch, "rendered in the parent process")
    assert render_svgs(list(built.values()), workers=2) == list(svgs.values())


def test_vega_bundle_is_one_classic_script_with_one_global():
    bundle = charts.vega_bundle()
    body = bundle.split("\n", 1)[1]
    assert body.startswith('(function () {\n"use strict";\n')
    assert body.rstrip().endswith("}).call(undefined);")
    assert re.search(r"window\.ontrackVegaEmbed\s*=", bundle)
    assert not re.search(r"^\s*(import|export)\b", body, re.MULTILINE)


# -- languages ---------------------------------------------------------------------------------------


class Untranslated(Language):
    """A language whose catalogue has nothing translated yet: English words, the locale's numbers and lists."""

    @property
    def translations(self):
        return NullTranslations()


FRENCH, DUTCH = Untranslated("fr", "fr/"), Untranslated("nl", "nl/")
NBSP, NNBSP = "\u00a0", "\u202f"  # Babel's French: "81,2 %" (no-break space), "1 250" (narrow no-break space)
#: Two cohorts whose figures show a decimal comma, a thousands separator and a percent sign.
FRENCH_COHORTS = [{"cohort": "2021", "share": 78.1, "ci_low": 70.0, "ci_high": 84.6, "base": 120, "reason": ""},
                  {"cohort": "2022", "share": 81.2, "ci_low": 79.0, "ci_high": 83.4, "base": 1250, "reason": ""}]


def svg_texts(svg: str) -> list[str]:
    return [" ".join(element.itertext()) for element in ET.fromstring(svg).iter(f"{SVG}text")]


def test_a_french_chart_writes_numbers_and_lists_the_french_way():
    cohorts = cohort_chart(FRENCH_COHORTS, lang=FRENCH)
    assert cohorts.table.rows == (("2021", f"78,1{NBSP}%", f"70–84,6{NBSP}%", "120"),
                                  ("2022", f"81,2{NBSP}%", f"79–83,4{NBSP}%", f"1{NNBSP}250"))
    assert cohorts.table.columns[2] == f"95{NBSP}% interval"
    assert f"81,2{NBSP}% were employed" in cohorts.description
    assert f"(95{NBSP}% interval 79–83,4{NBSP}%, 1{NNBSP}250 graduates)" in cohorts.description
    destinations = destinations_chart(DESTINATIONS, lang=FRENCH)
    assert f"50{NBSP}% after 6 months et 60{NBSP}% after 12 months." in destinations.description
    # The currency symbol where the locale puts it.
    assert earnings_chart(EARNINGS, "EUR", lang=FRENCH).table.rows[1] == (
        "Country", f"1{NNBSP}500{NBSP}€", f"1{NNBSP}850{NBSP}€", f"2{NNBSP}200{NBSP}€")


def test_a_dutch_chart_writes_numbers_and_lists_the_dutch_way():
    cohorts = cohort_chart(FRENCH_COHORTS, lang=DUTCH)
    assert cohorts.table.rows[1] == ("2022", "81,2%", "79–83,4%", "1.250")
    assert "50% after 6 months en 60% after 12 months." in destinations_chart(DESTINATIONS, lang=DUTCH).description
    assert earnings_chart(EARNINGS, "EUR", lang=DUTCH).table.rows[1] == (
        "Country", f"€{NBSP}1.500", f"€{NBSP}1.850", f"€{NBSP}2.200")
    assert timeline_chart(TIMELINE, lang=DUTCH).table.rows[1] == ("2018", "Pilot en Implementation")


def test_vega_draws_the_numbers_of_a_french_chart_as_its_table_writes_them():
    cohorts, earnings = render_svgs([cohort_chart(FRENCH_COHORTS, lang=FRENCH),
                                     earnings_chart(EARNINGS, "EUR", lang=FRENCH)])
    texts = svg_texts(cohorts)
    assert f"81,2{NBSP}%" in texts and f"2022 1{NNBSP}250 graduates" in texts  # format() in Vega expressions
    assert f"50{NBSP}%" in texts  # the axis
    texts = svg_texts(earnings)
    assert f"median 1{NNBSP}850{NBSP}€" in texts and f"1{NNBSP}000{NBSP}€" in texts


def test_a_chart_carries_its_number_format_for_the_renderer_the_browser_and_the_cache():
    french, english = related_chart(RELATED, lang=FRENCH), related_chart(RELATED)
    assert french.spec["usermeta"]["formatLocale"] == {
        "decimal": ",", "thousands": NNBSP, "grouping": [3], "currency": ["", ""], "minus": "-",
        "percent": f"{NBSP}%"}
    assert english.spec["usermeta"]["formatLocale"]["decimal"] == "."
    assert rendering.cache_key(french) != rendering.cache_key(english)
    assert json.loads(spec_json(french.spec))["usermeta"] == french.spec["usermeta"]


def test_designs_are_made_once_per_language():
    assert designs.timeline(FRENCH) is designs.timeline(FRENCH)
    assert designs.timeline(FRENCH) != designs.timeline(DUTCH)


#: Translations with both kinds of quote, as French ones have ("taux d'emploi").
QUOTED = {"not published": "pas d'info \"ici\"", "Working only": "L'emploi \"seul\"",
          "After {months} months": "Après {months} mois d'\"études\"", "Share of graduates": "Part d'\"élèves\"",
          "Implementation": "Mise en œuvre d'\"État\""}


class Quoting(Untranslated):
    def gettext(self, message):
        return QUOTED.get(message, message)

    def ngettext(self, singular, plural, n):
        message = singular if n == 1 else plural
        return QUOTED.get(message, message)


def test_a_translation_with_quotes_cannot_break_a_vega_expression():
    quoting = Quoting("fr", "fr/")
    destinations, timeline = (destinations_chart(DESTINATIONS, lang=quoting), timeline_chart(TIMELINE, lang=quoting))
    # Categories arrive as English keys and are drawn translated, in the order and colours of the keys.
    assert {row["destination"] for row in destinations.spec["data"]["values"]} >= {QUOTED["Working only"]}
    [domain] = {json.dumps(scale["domain"]) for scale in keys_anywhere(destinations.spec, "scale") if "range" in scale}
    assert json.loads(domain) == ["Working and studying", QUOTED["Working only"], "Studying only", "Unemployed",
                                  "Inactive"]
    assert destinations.table.columns[2] == QUOTED["Working only"]
    svgs = render_svgs([destinations, timeline])
    texts = svg_texts(svgs[0])
    for drawn in (QUOTED["not published"], QUOTED["Working only"], QUOTED["Share of graduates"],
                  "Après 6 mois d'\"études\""):
        assert drawn in texts
    # The expressions comparing a translated category still match: only "Working only" (50% and 60%) and
    # "Implementation" are written in white, on their blue.
    assert sorted(e.text for e in ET.fromstring(svgs[0]).iter(f"{SVG}text") if e.get("fill") == "white") == [
        f"50{NBSP}%", f"60{NBSP}%"]
    assert [e.text for e in ET.fromstring(svgs[1]).iter(f"{SVG}text") if e.get("fill") == "white"] == [
        QUOTED["Implementation"]]


def test_every_chart_message_is_a_literal_the_extractor_finds():
    # The charts' words, with the two they take from elsewhere: "not published" (i18n) and the statuses.
    found = extract_from_dir(Path(charts.__file__).parent.parent,
                             [("charts/**.py", "python"), ("i18n.py", "python"), ("statuses.py", "python")],
                             keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None})
    messages = {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}
    assert {"not published", "Working only", "Pilot", "Share of graduates", "{level} interval"} <= messages
    # lang.gettext(row["status"]) would have put the field name "status" in the catalogue.
    assert not [message for message in messages if message.isidentifier() and message.islower()]


def test_the_worker_count_follows_the_cores_the_work_and_the_setting(monkeypatch):
    monkeypatch.delenv(rendering.WORKERS_ENV, raising=False)
    monkeypatch.setattr(rendering.os, "cpu_count", lambda: 4)
    assert rendering.worker_count(5) == 1                      # a handful: no pool
    assert rendering.worker_count(1000) == 4                   # one per core
    assert rendering.worker_count(1000, requested=1) == 1
    monkeypatch.setenv(rendering.WORKERS_ENV, "1")
    assert rendering.worker_count(1000) == 1


def test_batches_keep_the_order_and_give_each_worker_several():
    items = list(range(45))
    for workers in (1, 2, 3):
        batches = rendering._batches(items, workers)
        assert [i for batch in batches for i in batch] == items
        assert len(batches) >= (2 * workers if workers > 1 else 1)
