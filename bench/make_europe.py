"""Build ``generator/maps/europe.json`` (and ``NOTICE.md``) from Natural Earth.

The map of Europe on the site is shipped as data: one SVG path per country,
already projected, clipped and simplified, keyed by Eurostat geo code (EL for
Greece, UK for the United Kingdom, XK for Kosovo; ISO 3166-1 alpha-2
otherwise). This script makes that file. It is run by hand when the map
should change, never during a site build, and its output is committed. It is a
maintainer's tool, so it lives in ``bench/`` beside the other ones and is not
part of the installed package.

Source: the npm package ``world-atlas`` (ISC licence, Mike Bostock), file
``countries-50m.json``: Natural Earth 1:50m admin-0 countries (public domain)
as TopoJSON, ids being zero-padded ISO 3166-1 numeric codes.

Re-run it like this (only the npm registry is needed)::

    mkdir -p /tmp/wa && cd /tmp/wa && npm install world-atlas@2
    cd path/to/ontrack  # the repository root
    python bench/make_europe.py --atlas /tmp/wa/node_modules/world-atlas

What it does, all in plain Python (no node, no GIS library):

1. decodes the TopoJSON arcs (quantised, delta-encoded) to longitude/latitude;
2. projects every arc with a spherical Lambert azimuthal equal-area projection
   centred on Europe (lon0=10, lat0=52, as ETRS89-LAEA / EPSG:3035);
3. simplifies each *arc* once with Douglas-Peucker, so that two neighbours
   share exactly the same simplified border (no slivers, no gaps);
4. assembles each country's rings from its arcs, merging the pieces that
   Eurostat maps show as one country (Northern Cyprus into CY, Aland into FI),
   and dissolving the borders between merged pieces;
5. clips the rings to a rectangular window around Europe (Iceland, the
   Canaries and Cyprus are inside; Turkey, Russia, North Africa and the Middle
   East are cut at the frame and drawn as context);
6. rounds to 0.1 unit, drops rings smaller than a fraction of a unit, and
   writes absolute-coordinate path data.

The output is deterministic: same atlas, same bytes.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import pycountry

#: The package's map folder: the script writes its two files there.
HERE = Path(__file__).resolve().parent.parent / "generator" / "maps"
OUT_JSON = HERE / "europe.json"
OUT_NOTICE = HERE / "NOTICE.md"

#: Projection centre (ETRS89-LAEA style).
LON0, LAT0 = 10.0, 52.0

#: Width of the viewBox in user units; the height follows from the window.
VIEW_WIDTH = 1000.0

#: The frame is the smallest rectangle (in projected coordinates) around
#: these points, plus a margin: Iceland's west cape, Portugal's Cabo de Sao
#: Vicente, the North Cape, Cyprus's Cape Andreas and Gavdos south of Crete,
#: and 45E on 52N in the east (Russia, Belarus and Ukraine as context).
MUST_SHOW = (
    (-24.5, 65.0),
    (-9.5, 38.8),
    (-9.0, 37.0),
    (25.8, 71.2),
    (34.6, 35.6),
    (24.1, 34.8),
    (45.0, 52.0),
)
WINDOW_MARGIN = 0.02  # fraction of the width added around the window

#: Islands far outside the frame, drawn in boxes in the open Atlantic west of
#: the Bay of Biscay, each with its own projection centred on it (so the
#: Azores are not skewed) at INSET_SCALE times the map's scale, and kept in
#: their country's path so they take its colour. (name, geo code, test on a
#: polygon's first point (lon, lat), row of the layout).
INSETS = (
    ("Açores", "PT", lambda lon, lat: lon < -24.0, 0),
    ("Madeira", "PT", lambda lon, lat: lon < -15.0 and lat < 34.0, 1),
    ("Canarias", "ES", lambda lon, lat: lat < 30.0, 1),
)
#: Top-left corner of the inset layout in viewBox units: in the Atlantic
#: south of Ireland, west of Brittany, north of Galicia.
INSET_ORIGIN = (6.0, 532.0)
INSET_SCALE = 0.8
INSET_PADDING = 4.0
INSET_MIN_SIZE = 24.0  # a box is at least this wide and tall
INSET_GAP = 4.0
INSET_LABEL_HEIGHT = 9.0
INSET_LABEL_CHAR = 4.4  # width of one character of the 7.5-unit label

#: Douglas-Peucker tolerance in viewBox units (about 0.6 px at 1000 px wide).
SIMPLIFY_TOLERANCE = 0.55
#: Rings whose area (in square units) is below this are dropped, except a
#: country's largest ring, which is always kept (Malta, Liechtenstein...).
MIN_RING_AREA = 1.5

#: EU, EFTA and UK countries smaller than this (square units, all rings
#: together) also get a circle marker, so they can be seen, hovered and
#: clicked (Malta, Liechtenstein): {code: [cx, cy, r]} in the output.
MARKER_MAX_AREA = 60.0
MARKER_RADIUS = 5.5

#: Eurostat's geo codes that differ from ISO 3166-1 alpha-2.
EUROSTAT_CODES = {"GR": "EL", "GB": "UK"}

#: Shapes without an ISO numeric id in Natural Earth, matched by name.
BY_NAME = {"Kosovo": "XK", "N. Cyprus": "CY"}

#: Shapes drawn as part of another country (as Eurostat's maps do).
MERGE_INTO = {"AX": "FI"}

EU27 = (
    "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
).split()
EFTA_UK = "CH IS LI NO UK".split()
#: Other European states and territories drawn for context.
EUROPE_OTHER = (
    "AD AL BA BY FO GG IM JE MC MD ME MK RS RU SM TR UA VA XK"
).split()
#: Non-European neighbours that appear inside the window, drawn for context.
NEIGHBOURS = "AM AZ DZ EG GE GL IL IQ IR JO KZ LB LY MA PS SY TN".split()

WANTED = set(EU27) | set(EFTA_UK) | set(EUROPE_OTHER) | set(NEIGHBOURS)

Point = tuple[float, float]


# --------------------------------------------------------------------------
# TopoJSON decoding
# --------------------------------------------------------------------------


def decode_arcs(topology: dict) -> list[list[tuple[int, int]]]:
    """Absolute quantised positions of every arc (integers, exact)."""
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x, y))
        arcs.append(points)
    return arcs


def eurostat_code(geometry: dict) -> str | None:
    name = (geometry.get("properties") or {}).get("name", "")
    if geometry.get("id") is None:
        return BY_NAME.get(name)
    country = pycountry.countries.get(numeric=str(geometry["id"]))
    if country is None:
        return None
    code = EUROSTAT_CODES.get(country.alpha_2, country.alpha_2)
    return MERGE_INTO.get(code, code)


def polygons_of(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def merge_rings(rings: list[list[int]], qarcs: list[list[tuple[int, int]]]) -> list[list[int]]:
    """Dissolve the arcs that two of ``rings`` share (one uses ``i``, the
    other ``~i``) and stitch what is left into closed rings.

    Rings are returned without telling outer from inner; the paths are drawn
    with ``fill-rule="evenodd"`` so that does not matter.
    """
    used = [a for ring in rings for a in ring]
    index_set = set(used)
    kept = [a for a in used if ~a not in index_set]
    if len(kept) == len(used):
        return rings

    def start(a: int) -> tuple[int, int]:
        return qarcs[a][0] if a >= 0 else qarcs[~a][-1]

    def end(a: int) -> tuple[int, int]:
        return qarcs[a][-1] if a >= 0 else qarcs[~a][0]

    by_start: dict[tuple[int, int], list[int]] = {}
    for a in kept:
        by_start.setdefault(start(a), []).append(a)
    remaining = list(kept)
    done: set[int] = set()
    out = []
    for first in remaining:
        if first in done:
            continue
        ring = [first]
        done.add(first)
        while end(ring[-1]) != start(first):
            nxt = next(a for a in by_start[end(ring[-1])] if a not in done)
            ring.append(nxt)
            done.add(nxt)
        out.append(ring)
    return out


# --------------------------------------------------------------------------
# Projection, simplification, clipping
# --------------------------------------------------------------------------


def laea(lon: float, lat: float, lon0: float = LON0, lat0: float = LAT0) -> Point:
    """Spherical Lambert azimuthal equal-area, unit sphere, y up."""
    lam = math.radians(lon - lon0)
    phi = math.radians(lat)
    phi0 = math.radians(lat0)
    cos_c = math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam)
    k = math.sqrt(2.0 / max(1.0 + cos_c, 1e-12))
    x = k * math.cos(phi) * math.sin(lam)
    y = k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam))
    return x, y


class Frame:
    """Maps projected coordinates to viewBox units (y down)."""

    def __init__(self) -> None:
        xs, ys = zip(*(laea(lon, lat) for lon, lat in MUST_SHOW))
        west, east, north, south = min(xs), max(xs), max(ys), min(ys)
        margin = (east - west) * WINDOW_MARGIN
        self.x0 = west - margin
        self.y0 = north + margin
        self.scale = VIEW_WIDTH / (east - west + 2 * margin)
        self.width = VIEW_WIDTH
        self.height = round((north - south + 2 * margin) * self.scale)

    def __call__(self, lon: float, lat: float) -> Point:
        x, y = laea(lon, lat)
        return (x - self.x0) * self.scale, (self.y0 - y) * self.scale


def _perp_distance(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return math.hypot(px - ax, py - ay)
    t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
    t = max(0.0, min(1.0, t))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def douglas_peucker(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Iterative Douglas-Peucker keeping both ends."""
    n = len(points)
    if n < 3:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        lo, hi = stack.pop()
        best, best_i = -1.0, -1
        for i in range(lo + 1, hi):
            d = _perp_distance(points[i], points[lo], points[hi])
            if d > best:
                best, best_i = d, i
        if best > tolerance:
            keep[best_i] = True
            stack.append((lo, best_i))
            stack.append((best_i, hi))
    return [p for p, k in zip(points, keep) if k]


def simplify_arc(points: Sequence[Point], tolerance: float) -> list[Point]:
    if len(points) > 3 and points[0] == points[-1]:
        # A closed arc (an island): split at the point farthest from the start.
        far = max(range(len(points)), key=lambda i: math.dist(points[0], points[i]))
        left = douglas_peucker(points[: far + 1], tolerance)
        right = douglas_peucker(points[far:], tolerance)
        return left[:-1] + right
    return douglas_peucker(points, tolerance)


def clip_ring(ring: Sequence[Point], xmin: float, ymin: float, xmax: float, ymax: float) -> list[Point]:
    """Sutherland-Hodgman clipping of a closed ring to a rectangle."""

    def clip(points: list[Point], inside, intersect) -> list[Point]:
        if not points:
            return points
        out: list[Point] = []
        prev = points[-1]
        for cur in points:
            if inside(cur):
                if not inside(prev):
                    out.append(intersect(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(intersect(prev, cur))
            prev = cur
        return out

    def at_x(x: float):
        return lambda p, q: (x, p[1] + (q[1] - p[1]) * (x - p[0]) / (q[0] - p[0]))

    def at_y(y: float):
        return lambda p, q: (p[0] + (q[0] - p[0]) * (y - p[1]) / (q[1] - p[1]), y)

    pts = list(ring)
    if pts and pts[0] == pts[-1]:
        pts = pts[:-1]
    pts = clip(pts, lambda p: p[0] >= xmin, at_x(xmin))
    pts = clip(pts, lambda p: p[0] <= xmax, at_x(xmax))
    pts = clip(pts, lambda p: p[1] >= ymin, at_y(ymin))
    pts = clip(pts, lambda p: p[1] <= ymax, at_y(ymax))
    return pts


def ring_area(points: Sequence[Point]) -> float:
    s = 0.0
    for (x1, y1), (x2, y2) in zip(points, list(points[1:]) + [points[0]]):
        s += x1 * y2 - x2 * y1
    return abs(s) / 2.0


def fmt(v: float) -> str:
    text = f"{v:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    if text == "-0":
        text = "0"
    return text


def ring_to_path(points: Sequence[Point]) -> str:
    coords = [f"{fmt(x)} {fmt(y)}" for x, y in points]
    return "M" + " ".join(coords) + "Z"


def tidy(points: Iterable[Point]) -> list[Point]:
    """Round to 0.1 and drop repeated and collinear points."""
    out: list[Point] = []
    for x, y in points:
        p = (round(x, 1) + 0.0, round(y, 1) + 0.0)
        if not out or out[-1] != p:
            out.append(p)
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    changed = True
    while changed and len(out) > 3:
        changed = False
        for i in range(len(out)):
            a, b, c = out[i - 2], out[i - 1], out[i]
            cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
            if abs(cross) < 1e-9:
                del out[i - 1]
                changed = True
                break
    return out


# --------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------


def build(atlas_dir: Path) -> dict:
    topology = json.loads((atlas_dir / "countries-50m.json").read_text(encoding="utf-8"))
    version = json.loads((atlas_dir / "package.json").read_text(encoding="utf-8"))["version"]
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    qarcs = decode_arcs(topology)
    frame = Frame()

    # Group the polygons (as lists of rings of arc indices) by Eurostat code.
    countries: dict[str, list[list[list[int]]]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = eurostat_code(geometry)
        if code in WANTED:
            countries.setdefault(code, []).extend(polygons_of(geometry))
    missing = sorted((set(EU27) | set(EFTA_UK)) - set(countries))
    if missing:
        raise SystemExit(f"not found in the atlas: {missing}")

    # Project and simplify every arc that is used, once.
    needed = sorted({a if a >= 0 else ~a for polys in countries.values() for poly in polys for ring in poly for a in ring})
    simplified: dict[int, list[Point]] = {}
    for i in needed:
        projected = [frame(x * sx + tx, y * sy + ty) for x, y in qarcs[i]]
        simplified[i] = simplify_arc(projected, SIMPLIFY_TOLERANCE)

    def ring_points(ring: list[int]) -> list[Point]:
        pts: list[Point] = []
        for a in ring:
            seg = simplified[a] if a >= 0 else simplified[~a][::-1]
            pts.extend(seg if not pts else seg[1:])
        return pts

    def lonlat(arc: int) -> tuple[float, float]:
        x, y = qarcs[arc][0] if arc >= 0 else qarcs[~arc][-1]
        return x * sx + tx, y * sy + ty

    # Take the inset islands out of their countries' polygons.
    inset_polygons: list[list[list[list[int]]]] = []
    for name, code, test, _row in INSETS:
        chosen = [poly for poly in countries[code] if test(*lonlat(poly[0][0]))]
        if not chosen:
            raise SystemExit(f"inset {name}: no polygon of {code} matched")
        countries[code] = [poly for poly in countries[code] if poly not in chosen]
        inset_polygons.append(chosen)

    box = (0.0, 0.0, frame.width, frame.height)
    rings_by_code: dict[str, list[list[Point]]] = {}
    for code in sorted(countries):
        rings = [ring for poly in countries[code] for ring in poly]
        rings = merge_rings(rings, qarcs)
        for ring in rings:
            pts = tidy(clip_ring(ring_points(ring), *box))
            if len(pts) >= 3:
                rings_by_code.setdefault(code, []).append(pts)

    # Lay the insets out in rows, from INSET_ORIGIN.
    insets = []
    origin_x, origin_y = INSET_ORIGIN
    row_top, row_height, cursor, current_row = origin_y, 0.0, origin_x, 0
    for (name, code, _test, row), polys in zip(INSETS, inset_polygons):
        if row != current_row:
            row_top += row_height + INSET_GAP
            row_height, cursor, current_row = 0.0, origin_x, row
        arcs_used = sorted({a if a >= 0 else ~a for poly in polys for ring in poly for a in ring})
        lons = [x * sx + tx for a in arcs_used for x, _ in qarcs[a]]
        lats = [y * sy + ty for a in arcs_used for _, y in qarcs[a]]
        lon_c, lat_c = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
        k = frame.scale * INSET_SCALE
        local: dict[int, list[Point]] = {}
        for a in arcs_used:
            pts = [laea(x * sx + tx, y * sy + ty, lon_c, lat_c) for x, y in qarcs[a]]
            local[a] = simplify_arc([(px * k, -py * k) for px, py in pts], SIMPLIFY_TOLERANCE)
        raw = []
        for poly in polys:
            for ring in poly:
                pts: list[Point] = []
                for a in ring:
                    seg = local[a] if a >= 0 else local[~a][::-1]
                    pts.extend(seg if not pts else seg[1:])
                raw.append(pts)
        xs = [x for ring in raw for x, _ in ring]
        ys = [y for ring in raw for _, y in ring]
        cw, ch = max(xs) - min(xs), max(ys) - min(ys)
        w = max(cw + 2 * INSET_PADDING, INSET_MIN_SIZE, len(name) * INSET_LABEL_CHAR + 6)
        h = max(ch + 2 * INSET_PADDING, INSET_MIN_SIZE) + INSET_LABEL_HEIGHT
        left, top = cursor, row_top
        # Centre the content in the box, below the name.
        dx = left + (w - cw) / 2 - min(xs)
        dy = top + INSET_LABEL_HEIGHT + (h - INSET_LABEL_HEIGHT - ch) / 2 - min(ys)
        for ring in raw:
            moved = tidy((x + dx, y + dy) for x, y in ring)
            if len(moved) >= 3:
                rings_by_code.setdefault(code, []).append(moved)
        insets.append(
            {
                "name": name,
                "geo": code,
                "box": [round(left, 1), round(top, 1), round(w, 1), round(h, 1)],
                "scale": INSET_SCALE,
            }
        )
        cursor += w + INSET_GAP
        row_height = max(row_height, h)

    paths: dict[str, str] = {}
    markers: dict[str, list[float]] = {}
    for code in sorted(rings_by_code):
        rings = rings_by_code[code]
        largest = max(range(len(rings)), key=lambda i: ring_area(rings[i]))
        kept = [r for i, r in enumerate(rings) if i == largest or ring_area(r) >= MIN_RING_AREA]
        paths[code] = "".join(ring_to_path(r) for r in kept)
        if code in EU27 or code in EFTA_UK:
            if sum(ring_area(r) for r in kept) < MARKER_MAX_AREA:
                xs = [x for r in kept for x, _ in r]
                ys = [y for r in kept for _, y in r]
                markers[code] = [
                    round((min(xs) + max(xs)) / 2, 1),
                    round((min(ys) + max(ys)) / 2, 1),
                    MARKER_RADIUS,
                ]

    return {
        "viewBox": f"0 0 {fmt(frame.width)} {fmt(frame.height)}",
        "projection": (
            f"Lambert azimuthal equal-area (spherical), lon0={LON0:g}, lat0={LAT0:g}; "
            f"simplified (Douglas-Peucker {SIMPLIFY_TOLERANCE:g} units), clipped to the frame"
        ),
        "source": (
            f"Natural Earth 1:50m admin-0 countries via the npm package world-atlas "
            f"{version} (countries-50m.json); built by bench/make_europe.py"
        ),
        "licence": (
            "Natural Earth: public domain. world-atlas: ISC licence, "
            "Copyright 2013-2019 Michael Bostock. See NOTICE.md."
        ),
        "notes": (
            "Keyed by Eurostat geo code (EL Greece, UK United Kingdom, XK Kosovo). "
            "Northern Cyprus is drawn as part of CY and Aland as part of FI. "
            "Boundaries are not an endorsement of any territorial claim."
        ),
        "eu27": sorted(EU27),
        "context": sorted(set(paths) - set(EU27) - set(EFTA_UK)),
        "insets": insets,
        "markers": markers,
        "countries": paths,
    }


NOTICE_TEMPLATE = """\
# Map data: attribution and licence

`europe.json` in this folder is derived from **Natural Earth** 1:50m Cultural
Vectors, Admin 0 – Countries (<https://www.naturalearthdata.com/>). Natural
Earth data is in the **public domain**; no permission is needed to use it.
"Made with Natural Earth."

It was taken from the npm package **world-atlas** {version}
(`countries-50m.json`, TopoJSON), by Mike Bostock, distributed under the ISC
licence, whose text follows. The file was projected, clipped, simplified and
re-keyed by `bench/make_europe.py` in ontrack's repository.

Country boundaries follow Natural Earth's de facto depiction; they imply no
opinion on the legal status of any territory or on the delimitation of its
frontiers. Kosovo (XK) is shown in line with UNSCR 1244/1999 and the ICJ
Opinion on the Kosovo declaration of independence.

## world-atlas licence (ISC)

```
{licence}
```
"""


def write(atlas_dir: Path, out_json: Path = OUT_JSON, out_notice: Path = OUT_NOTICE) -> dict:
    data = build(atlas_dir)
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    out_json.write_text(text, encoding="utf-8")
    licence = (atlas_dir / "LICENSE").read_text(encoding="utf-8").strip()
    version = json.loads((atlas_dir / "package.json").read_text(encoding="utf-8"))["version"]
    out_notice.write_text(NOTICE_TEMPLATE.format(version=version, licence=licence), encoding="utf-8")
    return data


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--atlas",
        type=Path,
        default=Path("/tmp/wa/node_modules/world-atlas"),
        help="folder of the installed npm package world-atlas",
    )
    args = parser.parse_args(argv)
    data = write(args.atlas)
    size = OUT_JSON.stat().st_size
    print(f"{OUT_JSON}: {len(data['countries'])} countries, viewBox {data['viewBox']}, {size} bytes")


if __name__ == "__main__":
    main()
