"""Static chart SVG made fit for a page, and chart specs made safe to embed in one."""

from __future__ import annotations

import json
import re
from xml.sax.saxutils import escape

from .model import Chart

_ROOT = re.compile(r"<svg\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([^\s=]+)="([^"]*)"')
_ID = re.compile(r'(\sid)="([^"]+)"')
_URL_REFERENCE = re.compile(r"""url\((['"]?)#([^)'"]+)\1\)""")
_HREF_REFERENCE = re.compile(r'(\s(?:xlink:)?href)="#([^"]+)"')
#: Vega's per-mark ARIA attributes. Inside a ``role="img"`` root they are meaningless (its children are
#: presentational), and the unnamed ``graphics-symbol`` marks fail WCAG 1.1.1 checks (axe ``svg-img-alt``).
_MARK_ARIA = re.compile(r'\s(?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"')


def accessible_svg(svg: str, chart: Chart) -> str:
    """vl-convert's SVG with a title and description for assistive technology and scalable size.

    The fixed width and height go (the viewBox stays, so CSS ``width:100%;
    height:auto`` scales it); the root gets ``role="img"`` named by a ``<title>``
    and ``<desc>`` put first, with the per-mark ARIA roles and labels inside it
    removed; and every id and reference to one is prefixed
    with the chart id, because vl-convert numbers its clip paths from 1 in
    every chart and two charts on one page would otherwise share ids.
    """
    prefix = chart.id
    svg = _ID.sub(lambda m: f'{m.group(1)}="{prefix}-{m.group(2)}"', svg.strip())
    svg = _URL_REFERENCE.sub(lambda m: f"url(#{prefix}-{m.group(2)})", svg)
    svg = _HREF_REFERENCE.sub(lambda m: f'{m.group(1)}="#{prefix}-{m.group(2)}"', svg)
    root = _ROOT.search(svg)
    if root is None:
        raise ValueError(f"chart {chart.id!r}: vl-convert returned no <svg> element")
    attributes = dict(_ATTRIBUTE.findall(root.group(1)))
    width, height = attributes.pop("width", None), attributes.pop("height", None)
    if "viewBox" not in attributes:
        if width is None or height is None:
            raise ValueError(f"chart {chart.id!r}: the SVG has neither a viewBox nor a size")
        attributes["viewBox"] = f"0 0 {width} {height}"
    attributes.update({"role": "img", "aria-labelledby": f"{prefix}-title {prefix}-desc", "focusable": "false"})
    opening = "<svg " + " ".join(f'{name}="{value}"' for name, value in attributes.items()) + ">"
    text = (f'<title id="{prefix}-title">{escape(chart.title)}</title>'
            f'<desc id="{prefix}-desc">{escape(chart.description)}</desc>')
    return svg[:root.start()] + opening + text + _MARK_ARIA.sub("", svg[root.end():])


def spec_json(spec: dict) -> str:
    """The spec as JSON for a ``<script type="application/json">``: no ``</script>`` can end it early.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where their ``\\u`` escapes mean the same.
    """
    text = json.dumps(spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
