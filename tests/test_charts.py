"""Charts: each builder inlines exactly its rows, hidden figures read "not published", SVGs are accessible.

The inputs are small and hand-made, so each expected row, figure and sentence can
be checked by eye.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
import vl_convert

from generator import charts
from generator.charts import (Chart, ChartTable, accessible_svg, benchmark_chart, cohort_chart, comparison_chart,
                              destinations_chart, earnings_chart, related_chart, render_svgs, sectors_chart,
                              spec_json, timeline_chart)
from generator.charts import rendering

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
        (("6 months", "10.0%", "50.0%", "10.0%", "20.0%", "10.0%"),
         ("12 months", "10.0%", "60.0%", "10.0%", "not published", "not published")))
    assert built["cohorts"].table.rows == (("2021", "78.1%", "70.0–84.6%", "120"),
                                           ("2022", "not published", "", ""))
    assert built["earnings"].table.rows == (("This programme", "not published", "not published", "not published"),
                                            ("Country", "€1,500", "€1,850", "€2,200"))
    assert built["timeline"].table.rows == (("2017", "Pilot"), ("2018", "Pilot and Implementation"))


def test_descriptions_name_the_largest_values_and_the_hidden_ones(built):
    assert built["cohorts"].description == (
        "Of those who qualified in 2021, 78.1% were employed 12 months later (95% interval 70.0–84.6%, "
        "120 graduates). The figure for 2022 is not published (fewer than 25 graduates in the base).")
    assert "Working only was the largest group at every point: 50.0% after 6 months and 60.0% after 12 months." \
        in built["destinations"].description
    assert f"unemployed and inactive after 12 months ({SECONDARY})" in built["destinations"].description
    assert built["sectors"].description.startswith("The largest sectors are Manufacturing (60.0%) and Construction")
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
    [first] = render_svgs([chart], cache_dir=tmp_path)
    break_vl_convert(monkeypatch, "vl-convert was called for a cached chart")
    assert render_svgs([chart], cache_dir=tmp_path) == [first]
    # A change in the spec is a miss.
    changed = related_chart([{**RELATED[0], "share": 71.0}, *RELATED[1:]])
    with pytest.raises(AssertionError, match="vl-convert was called"):
        render_svgs([changed], cache_dir=tmp_path)


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
