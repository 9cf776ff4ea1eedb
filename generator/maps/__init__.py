"""A map of Europe as an accessible inline SVG.

The shapes come from ``europe.json`` in this folder (Natural Earth via the
npm package world-atlas; see ``NOTICE.md``, and ``bench/make_europe.py`` in the repository), already
projected and simplified, keyed by Eurostat geo code (EL, UK, ...).

``europe_map_svg`` colours countries by CSS class, never by inline colour, so
the site's stylesheet decides the palette; an optional hatch pattern per
country keeps the meaning readable without colour. The SVG has no width or
height: size it with CSS (``.europe-map { width: 100%; height: auto; }``).

Accessibility:

* the ``<svg>`` is labelled by its own ``<title>`` and ``<desc>``;
* with no links it is ``role="img"`` (one image with a description); with
  links it is ``role="group"`` instead, because ``img`` makes its children
  presentational and would hide the links from screen readers (axe's
  ``nested-interactive``);
* a country with an ``href`` is an SVG 2 ``<a href>``, focusable with the
  keyboard, named by ``aria-label``;
* a coloured country without a link is ``role="img"`` with ``aria-label``;
* the countries not in ``fills`` are ``aria-hidden``.

The page should also show the same facts as a table: a map is never the only
way to read them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["MapRegion", "PATTERNS", "europe_map_svg", "map_data"]

DATA_FILE = Path(__file__).resolve().parent / "europe.json"

#: Belgium is drawn as one shape; these regional codes may stand in for it.
BELGIUM_REGIONS = {
    "BE-VLG": "Flemish Community (BE-VLG)",
    "BE-FR": "French Community (BE-FR)",
}

#: Pattern name -> SVG content of a ``<pattern>`` tile (user units).
PATTERNS = {
    "hatch": (
        'width="7" height="7" patternTransform="rotate(45)"',
        '<path d="M0 0V7" class="map-pattern-ink" stroke="#1a1a1a" stroke-width="2" stroke-opacity=".55"/>',
    ),
    "dots": (
        'width="7" height="7"',
        '<circle cx="3.5" cy="3.5" r="1.5" class="map-pattern-ink" fill="#1a1a1a" fill-opacity=".6"/>',
    ),
    "crosshatch": (
        'width="7" height="7" patternTransform="rotate(45)"',
        '<path d="M0 0V7M0 0H7" class="map-pattern-ink" stroke="#1a1a1a" stroke-width="1.5" '
        'stroke-opacity=".55"/>',
    ),
}

_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_CLASS_RE = re.compile(r"^[A-Za-z_-][A-Za-z0-9_-]*( [A-Za-z_-][A-Za-z0-9_-]*)*$")


@dataclass(frozen=True)
class MapRegion:
    """How one country is shown.

    ``label``: its accessible name and tooltip, e.g. "Austria: implementation".
    ``css_class``: class(es) that colour it, e.g. "status-implementation".
    ``href``: a relative URL or ``#fragment`` to its page, or None.
    ``pattern``: one of ``PATTERNS`` drawn over the colour, or None.
    """

    label: str
    css_class: str
    href: str | None = None
    pattern: str | None = None


@lru_cache(maxsize=1)
def map_data() -> dict:
    """The parsed ``europe.json`` (cached; treat it as read-only)."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def _attr(value: str) -> str:
    return escape(value, quote=True)


def check_href(href: str) -> str:
    """Return ``href`` if it is a relative URL or a ``#fragment``; else raise.

    Refused: anything with a scheme (``javascript:``, ``data:``, ``https:``),
    protocol-relative ``//host``, backslashes (browsers read them as slashes),
    whitespace and control characters (browsers strip them, which can turn
    ``java\\tscript:`` into a scheme), and the empty string.
    """
    if not isinstance(href, str) or not href:
        raise ValueError(f"map link must be a non-empty relative URL, got {href!r}")
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in href) or "\\" in href:
        raise ValueError(f"map link may not contain whitespace, control characters or backslashes: {href!r}")
    if href.startswith("//"):
        raise ValueError(f"map link must be relative, not protocol-relative: {href!r}")
    # A colon before the first '/', '?' or '#' makes a scheme to a browser.
    head = re.split(r"[/?#]", href, maxsplit=1)[0]
    if ":" in head or urlsplit(href).scheme or urlsplit(href).netloc:
        raise ValueError(f"map link must be a relative URL or #fragment, not {href!r}")
    return href


def _resolve_fills(fills: dict[str, MapRegion], shapes: dict[str, str]) -> dict[str, MapRegion]:
    """Check the keys and fold Belgium's regions into BE when BE is absent."""
    out: dict[str, MapRegion] = {}
    unknown = []
    for code, region in fills.items():
        if not isinstance(region, MapRegion):
            raise TypeError(f"fills[{code!r}] must be a MapRegion, got {type(region).__name__}")
        if code in shapes:
            out[code] = region
        elif "-" in code and code.split("-", 1)[0] in shapes:
            continue  # a sub-national region: not drawn (Belgium handled below)
        else:
            unknown.append(code)
    if unknown:
        raise ValueError(f"no map shape for geo code(s): {', '.join(sorted(unknown))}")
    if "BE" not in out and "BE" in shapes:
        present = [c for c in BELGIUM_REGIONS if c in fills]
        if present:
            chosen = present[0]
            region = fills[chosen]
            note = f"map shows all of Belgium with the {BELGIUM_REGIONS[chosen]}"
            others = [BELGIUM_REGIONS[c] for c in present[1:]]
            if others:
                note += "; the " + " and the ".join(others) + " is listed separately"
            out["BE"] = MapRegion(
                label=f"{region.label} ({note})",
                css_class=region.css_class,
                href=region.href,
                pattern=region.pattern,
            )
    return out


def europe_map_svg(
    fills: dict[str, MapRegion],
    *,
    title: str,
    description: str,
    id_prefix: str = "map",
) -> str:
    """An inline ``<svg>`` map of Europe with the ``fills`` countries coloured.

    ``fills`` is keyed by Eurostat geo code ("AT", "EL", "UK"; "BE-VLG" or
    "BE-FR" stand for Belgium when "BE" is not given). Raises ValueError for
    a code with no shape, an unsafe ``href``, an unknown pattern, a bad
    ``id_prefix`` or ``css_class``. Same input, same bytes.
    """
    if not _ID_RE.match(id_prefix):
        raise ValueError(f"id_prefix must be a letter then letters, digits, '-' or '_': {id_prefix!r}")
    data = map_data()
    shapes: dict[str, str] = data["countries"]
    regions = _resolve_fills(fills, shapes)
    for code, region in regions.items():
        if region.pattern is not None and region.pattern not in PATTERNS:
            raise ValueError(f"{code}: unknown pattern {region.pattern!r}; use one of {sorted(PATTERNS)}")
        if not _CLASS_RE.match(region.css_class):
            raise ValueError(f"{code}: css_class must be class names separated by single spaces: {region.css_class!r}")
        if region.href is not None:
            check_href(region.href)

    has_links = any(r.href is not None for r in regions.values())
    title_id = f"{id_prefix}-title"
    desc_id = f"{id_prefix}-desc"
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="europe-map" viewBox="{_attr(data["viewBox"])}" '
        f'role="{"group" if has_links else "img"}" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{_attr(title)}</title>',
        f'<desc id="{desc_id}">{_attr(description)}</desc>',
        "<defs>",
    ]
    for name in sorted(PATTERNS):
        tile, ink = PATTERNS[name]
        out.append(f'<pattern id="{id_prefix}-{name}" patternUnits="userSpaceOnUse" {tile}>{ink}</pattern>')
    out.append("</defs>")
    _, _, width, height = data["viewBox"].split()
    out.append(f'<rect class="map-sea" width="{_attr(width)}" height="{_attr(height)}" fill="#eef3f7"/>')
    # Defaults as presentation attributes: the stylesheet's classes override them.
    out.append(
        '<g class="countries" fill="#d9d9d9" stroke="#ffffff" stroke-width="0.6" '
        'stroke-linejoin="round" fill-rule="evenodd">'
    )

    # Drawing order: uncoloured countries, then the inset boxes (which cover
    # the North African coast), then the uncoloured countries that have
    # islands in the boxes, then the coloured countries; each by code.
    insets = data.get("insets", [])
    inset_geos = {inset["geo"] for inset in insets}
    others = [code for code in sorted(shapes) if code not in regions]
    for code in others:
        if code not in inset_geos:
            out.append(f'<path class="country other" aria-hidden="true" d="{_attr(shapes[code])}"/>')
    for inset in insets:
        x, y, w, h = (f"{v:g}" for v in inset["box"])
        out.append(
            f'<g class="map-inset" aria-hidden="true">'
            f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#eef3f7" stroke="#8a8a8a" stroke-width="0.8"/>'
            f'<text x="{float(x) + 3:g}" y="{float(y) + 8:g}" font-size="7.5" font-family="sans-serif" '
            f'fill="#444444" stroke="none">{_attr(inset["name"])}</text></g>'
        )
    for code in others:
        if code in inset_geos:
            out.append(f'<path class="country other" aria-hidden="true" d="{_attr(shapes[code])}"/>')
    markers = data.get("markers", {})
    for code in sorted(regions):
        region = regions[code]
        d = _attr(shapes[code])
        label = _attr(region.label)
        css = _attr(region.css_class)
        marker = ""
        if code in markers:
            # A country too small to see or click gets a circle under its shape.
            cx, cy, r = (f"{v:g}" for v in markers[code])
            marker = f'<circle class="country-marker {css}" cx="{cx}" cy="{cy}" r="{r}" stroke="#595959"/>'
        pattern = ""
        if region.pattern is not None:
            pattern = (
                f'<path class="country-pattern" fill="url(#{id_prefix}-{region.pattern})" '
                f'stroke="none" pointer-events="none" aria-hidden="true" d="{d}"/>'
            )
        body = f'{marker}<path class="country {css}" d="{d}"><title>{label}</title></path>{pattern}'
        if region.href is not None:
            out.append(
                f'<a class="country-link" href="{_attr(region.href)}" aria-label="{label}" '
                f'data-geo="{_attr(code)}">{body}</a>'
            )
        else:
            out.append(f'<g class="country-shape" role="img" aria-label="{label}" data-geo="{_attr(code)}">{body}</g>')
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
