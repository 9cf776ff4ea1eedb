"""Countries' tracking statuses: one definition, and the map and the timeline agree on what a colour means."""

from __future__ import annotations

from generator.charts.model import STATUS_COLOURS, STATUSES
from generator.inputs.content import NATIONAL_SYSTEMS
from generator.statuses import NATIONAL_SYSTEM, NOT_ASSESSED, TIMELINE_STATUS, map_stylesheet


def test_a_colour_means_one_stage_on_the_map_and_on_the_timeline():
    assert TIMELINE_STATUS["Implementation"].colour == NATIONAL_SYSTEM["runs"].colour
    assert TIMELINE_STATUS["Pilot"].colour == NATIONAL_SYSTEM["partial"].colour
    on_map = {s.colour: s.code for s in NATIONAL_SYSTEM.values()}
    # Design and Completed have no system of the map that means the same: their colours are not on the map.
    assert TIMELINE_STATUS["Design"].colour not in on_map and TIMELINE_STATUS["Completed"].colour not in on_map


def test_the_chart_the_content_checks_and_the_stylesheet_take_the_one_definition():
    assert STATUSES == tuple(TIMELINE_STATUS)
    assert STATUS_COLOURS == tuple(s.colour for s in TIMELINE_STATUS.values())
    assert NATIONAL_SYSTEMS == tuple(code for code in NATIONAL_SYSTEM if code)
    assert f"--system-unknown: {NOT_ASSESSED.colour.lower()};" in map_stylesheet()


def test_the_built_stylesheet_colours_the_map_from_the_definition(golden_build):
    css = (golden_build / "assets" / "site.css").read_text(encoding="utf-8")
    assert css.startswith(map_stylesheet())
    assert css.count("--system-runs:") == 1
