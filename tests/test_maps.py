"""The Europe map: shipped data and the accessible inline SVG made from it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from generator.maps import DATA_FILE, PATTERNS, MapRegion, check_href, europe_map_svg, map_data

SVG = "{http://www.w3.org/2000/svg}"
EU27 = "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def paths_by_geo(root: ET.Element) -> dict[str, ET.Element]:
    """The coloured country paths, keyed by the data-geo of their wrapper."""
    out = {}
    for wrapper in root.iter():
        geo = wrapper.get("data-geo")
        if geo:
            path = next(p for p in wrapper.iter(f"{SVG}path") if "country" in p.get("class", "").split())
            out[geo] = path
    return out


def coordinates(d: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    assert len(numbers) % 2 == 0
    return list(zip(numbers[::2], numbers[1::2]))


def all_fills(codes, **kwargs) -> dict[str, MapRegion]:
    return {c: MapRegion(label=f"{c}: implementation", css_class="status-implementation", **kwargs) for c in codes}


def test_svg_parses_and_is_labelled():
    svg = europe_map_svg(all_fills(EU27), title="Tracking status", description="Status by country.", id_prefix="home-map")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"  # no links: one image
    assert root.get("aria-labelledby") == "home-map-title home-map-desc"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.get("id") == "home-map-title" and title.text == "Tracking status"
    assert desc is not None and desc.get("id") == "home-map-desc" and desc.text == "Status by country."
    assert root.get("viewBox") == map_data()["viewBox"]
    assert root.get("width") is None and root.get("height") is None
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)) and all(i.startswith("home-map-") for i in ids)
    for name in PATTERNS:
        assert root.find(f".//{SVG}pattern[@id='home-map-{name}']") is not None


def test_every_eu_country_and_is_no_has_a_labelled_path():
    codes = EU27 + ["IS", "NO"]
    root = parse(europe_map_svg(all_fills(codes), title="t", description="d"))
    paths = paths_by_geo(root)
    assert sorted(paths) == sorted(codes)
    for code, path in paths.items():
        assert path.get("class") == "country status-implementation"
        assert path.find(f"{SVG}title").text == f"{code}: implementation"
        assert path.get("d").startswith("M") and path.get("d").endswith("Z")
    # The rest of Europe is drawn, uncoloured and hidden from screen readers.
    others = [p for p in root.iter(f"{SVG}path") if p.get("class") == "country other"]
    assert len(others) >= 20
    assert all(p.get("aria-hidden") == "true" for p in others)


def test_links_make_a_group_of_focusable_links():
    fills = all_fills(["AT", "EL"], href="countries/at/")
    fills["FR"] = MapRegion("France: pilot", "status-pilot", href="#fr", pattern="hatch")
    root = parse(europe_map_svg(fills, title="t", description="d"))
    assert root.get("role") == "group"  # img would hide the links from screen readers
    links = root.findall(f".//{SVG}a")
    assert [a.get("data-geo") for a in links] == ["AT", "EL", "FR"]
    assert links[2].get("href") == "#fr" and links[2].get("aria-label") == "France: pilot"
    overlay = [p for p in links[2].iter(f"{SVG}path") if p.get("class") == "country-pattern"]
    assert overlay and overlay[0].get("fill") == "url(#map-hatch)"


def test_hostile_text_is_escaped():
    evil = '<script>alert(1)</script>"onload="x'
    fills = {"AT": MapRegion(label=evil, css_class="status-x", href="countries/at/?a=1&b=2")}
    svg = europe_map_svg(fills, title=evil, description=evil, id_prefix="m")
    root = parse(svg)
    for el in root.iter():
        assert not el.tag.endswith("script")
        assert "onload" not in el.attrib
    assert "<script" not in svg
    assert root.find(f"{SVG}title").text == evil  # shown as text, intact
    assert paths_by_geo(root)["AT"].find(f"{SVG}title").text == evil
    assert root.find(f".//{SVG}a").get("href") == "countries/at/?a=1&b=2"


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://example.org/",
        "//example.org/",
        "/\\example.org/",
        "",
    ],
)
def test_unsafe_href_is_refused(href):
    with pytest.raises(ValueError):
        check_href(href)
    with pytest.raises(ValueError):
        europe_map_svg({"AT": MapRegion("Austria", "s", href=href)}, title="t", description="d")


@pytest.mark.parametrize("href", ["countries/at/", "../countries/at/index.html", "/countries/at/", "#at", "at.html?x=1"])
def test_relative_href_is_accepted(href):
    assert check_href(href) == href


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        europe_map_svg({"ZZ": MapRegion("Nowhere", "s")}, title="t", description="d")
    with pytest.raises(ValueError):
        europe_map_svg({"AT": MapRegion("Austria", "s", pattern="stripes")}, title="t", description="d")
    with pytest.raises(ValueError):
        europe_map_svg({"AT": MapRegion("Austria", 's" onclick="x')}, title="t", description="d")
    with pytest.raises(ValueError):
        europe_map_svg({}, title="t", description="d", id_prefix='x" onload="y')


def test_belgium_regions_stand_in_for_belgium():
    fills = {"BE-FR": MapRegion("Belgium (French Community): pilot", "status-pilot")}
    root = parse(europe_map_svg(fills, title="t", description="d"))
    path = paths_by_geo(root)["BE"]
    assert path.get("class") == "country status-pilot"
    assert "French Community" in path.find(f"{SVG}title").text

    fills["BE-VLG"] = MapRegion("Belgium (Flemish Community): implementation", "status-implementation")
    path = paths_by_geo(parse(europe_map_svg(fills, title="t", description="d")))["BE"]
    assert path.get("class") == "country status-implementation"
    label = path.find(f"{SVG}title").text
    assert "Flemish Community" in label and "all of Belgium" in label

    fills["BE"] = MapRegion("Belgium: design", "status-design")
    path = paths_by_geo(parse(europe_map_svg(fills, title="t", description="d")))["BE"]
    assert path.find(f"{SVG}title").text == "Belgium: design"


def test_output_is_deterministic():
    fills = all_fills(EU27, href="#x")
    assert europe_map_svg(dict(fills), title="t", description="d") == europe_map_svg(
        dict(reversed(list(fills.items()))), title="t", description="d"
    )


def test_data_file_is_small():
    assert DATA_FILE.stat().st_size < 200_000


def test_every_eu_country_is_inside_the_viewbox():
    data = map_data()
    x0, y0, width, height = (float(v) for v in data["viewBox"].split())
    for code in EU27 + ["IS", "NO", "CH", "LI", "UK"]:
        points = coordinates(data["countries"][code])
        assert len(points) >= 3, code
        for x, y in points:
            assert x0 <= x <= x0 + width and y0 <= y <= y0 + height, (code, x, y)
    for code in ["CY", "MT", "IS"]:  # the far corners are in the frame, not only clipped edges
        xs = [x for x, _ in coordinates(data["countries"][code])]
        assert 5 < min(xs) and max(xs) < width - 5, code


def test_data_is_keyed_by_eurostat_codes():
    codes = set(map_data()["countries"])
    assert {"EL", "UK"} <= codes
    assert not {"GR", "GB"} & codes
