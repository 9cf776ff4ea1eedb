"""Charts: Altair designs filled per page, rendered to accessible static SVG, made interactive by Vega.

A page asks a builder for each chart (``destinations_chart(rows, lang=lang)`` ...),
gets a ``Chart`` (spec, title, description, table, all in ``lang``; the spec carries
the locale's number format in ``usermeta.formatLocale``), renders all of a build's charts at
once with ``render_svgs`` and embeds each spec with ``spec_json`` for
``templates/assets/charts.js``, which swaps the static SVG for an interactive
one using the script from ``vega_bundle``.

Modules: ``model`` (the types, wording, formats and colours), ``designs`` (the
Altair designs), ``builders`` (a design + a page's rows), ``svg`` (post-processing
and embedding), ``rendering`` (vl-convert, cache, workers), ``bundle`` (the JS).
"""

from .builders import (benchmark_chart, cohort_chart, comparison_chart, destinations_chart, earnings_chart,
                       related_chart, sectors_chart, timeline_chart)
from .bundle import vega_bundle
from .model import NOT_PUBLISHED, Chart, ChartTable
from .rendering import render_svgs
from .svg import accessible_svg, spec_json

__all__ = [
    "NOT_PUBLISHED", "Chart", "ChartTable", "accessible_svg", "benchmark_chart", "cohort_chart",
    "comparison_chart", "destinations_chart", "earnings_chart", "related_chart", "render_svgs",
    "sectors_chart", "spec_json", "timeline_chart", "vega_bundle",
]
