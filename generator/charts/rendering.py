"""Charts to static SVG with vl-convert: content-hash cache first, then in-process or spawned workers.

Drawn SVGs are kept in the build cache (kind ``charts``), which checks each entry: a damaged one is drawn again.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from itertools import accumulate
from multiprocessing import get_context

import vl_convert

from ..cache import MISSING, BuildCache
from .model import Chart
from .svg import accessible_svg

#: The build cache's kind for drawn SVGs.
CACHE_KIND = "charts"
#: Bump when accessible_svg changes what it makes, so cached SVGs from before are not reused.
POSTPROCESS_VERSION = "2"
#: A spawned worker costs about a second to start (Python, then V8 inside vl-convert), the
#: time of some 25-40 charts; fewer charts than this per worker are rendered in-process.
MIN_CHARTS_PER_WORKER = 20
#: Fixes the number of rendering processes (``1``: render in the build's own process).
WORKERS_ENV = "ONTRACK_CHART_WORKERS"
#: Charts are handed to the workers in batches of about this many, so that progress can be
#: reported as they finish and a worker that is slowed down by the machine's load gets fewer.
BATCH = 16


def _canonical(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def cache_key(chart: Chart) -> str:
    """sha256 of the spec (with its number format, ``usermeta.formatLocale``) and the vl-convert version,
    and of what the post-processing writes into the SVG."""
    # The chart's id, title and description go into the cached (post-processed) SVG, so they are
    # part of the key too: the same spec on two pages under two ids must not share one file.
    identity = {"spec": chart.spec, "vl_convert": vl_convert.__version__, "postprocess": POSTPROCESS_VERSION,
                "id": chart.id, "title": chart.title, "description": chart.description}
    return hashlib.sha256(_canonical(identity).encode("utf-8")).hexdigest()


#: Compiled Vega of each design seen in this process, keyed by the Vega-Lite spec without its rows.
_compiled: dict[str, dict] = {}


def _vega_with_rows(spec: dict) -> dict | None:
    """The spec compiled to Vega with its rows put back, compiling each design only once.

    Vega-Lite's compiler does not look at inline rows, so a page's chart is its
    design's compiled Vega with the rows in the one inline dataset: this saves
    10-25 ms of the 35-90 ms a chart takes. None when the spec does not have that
    shape (the caller then converts the Vega-Lite spec directly).
    """
    if set(spec.get("data", {})) != {"values"}:
        return None
    design = _canonical({**spec, "data": {"values": []}})
    if design not in _compiled:
        _compiled[design] = vl_convert.vegalite_to_vega(json.loads(design))
    vega = json.loads(json.dumps(_compiled[design]))
    inline = [dataset for dataset in vega.get("data", []) if "values" in dataset]
    if len(inline) != 1:
        return None
    inline[0]["values"] = spec["data"]["values"]
    return vega


def _render_specs(specs: list[str]) -> list[str]:
    """Run in a worker (or in-process): canonical JSON Vega-Lite specs to raw SVG."""
    svgs = []
    for text in specs:
        spec = json.loads(text)
        vega = _vega_with_rows(spec)
        # The chart's number format (designs.py puts it in the spec, so it is part of the cache key too).
        locale = spec.get("usermeta", {}).get("formatLocale")
        svgs.append(vl_convert.vegalite_to_svg(text, format_locale=locale) if vega is None
                    else vl_convert.vega_to_svg(vega, format_locale=locale))
    return svgs


def worker_count(charts: int, requested: int | None = None) -> int:
    """How many processes draw ``charts`` charts: ``requested``, else $ONTRACK_CHART_WORKERS, else one per core.

    Never more than one per MIN_CHARTS_PER_WORKER charts: for a handful, starting a
    worker costs more than it saves, and they are drawn in-process.
    """
    if requested is None:
        setting = os.environ.get(WORKERS_ENV, "").strip()
        requested = int(setting) if setting.isdigit() and int(setting) > 0 else os.cpu_count() or 1
    return max(1, min(requested, charts // MIN_CHARTS_PER_WORKER))


def _batches(items: list, workers: int) -> list[list]:
    """Contiguous batches (order kept) of about BATCH items, at least two per worker when there are several."""
    count = max(math.ceil(len(items) / BATCH), 2 * workers if workers > 1 else 1)
    size = math.ceil(len(items) / count) if items else 1
    return [items[start:start + size] for start in range(0, len(items), size)]


def _render_raw(specs: list[str], workers: int, progress: Callable[[int, int], None] | None = None) -> list[str]:
    svgs: list[str] = []
    batches = _batches(specs, workers)

    def done(batch: list[str]) -> None:
        svgs.extend(batch)
        if progress is not None:
            progress(len(svgs), len(specs))

    if workers <= 1:
        for batch in batches:
            done(_render_specs(batch))
        return svgs
    # vl-convert hangs in forked children (its V8 and thread pool do not survive fork): spawn only.
    # The workers live for the whole map, so each pays its start-up (and compiles each design) once.
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        for batch in pool.map(_render_specs, batches):
            done(batch)
    return svgs


def render_svgs(charts: list[Chart], cache: BuildCache | None = None, workers: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> list[str]:
    """The accessible static SVG of each chart, in order; unchanged charts come from ``cache`` (kind ``charts``).

    The others are drawn by ``worker_count(...)`` processes (``workers`` fixes it);
    ``progress(done, total)`` hears as they are drawn. The cache counts the charts
    found (hits) and drawn (misses).
    """
    cache = cache or BuildCache(None)
    keys = [cache_key(chart) for chart in charts]
    svgs: list[str | None] = [None] * len(charts)
    for index, key in enumerate(keys):
        cached = cache.load(CACHE_KIND, key)
        if cached is not MISSING:
            svgs[index] = cached.decode("utf-8")
    missing = [index for index, svg in enumerate(svgs) if svg is None]
    # Charts whose specs are equal (the same design and rows on two pages) are drawn once.
    specs = [_canonical(charts[index].spec) for index in missing]
    copies = Counter(specs)
    unique = list(copies)  # in order of first appearance
    # Progress counts charts, as the build's summary does: a drawing counts once for each chart showing it.
    charts_done = list(accumulate(copies[spec] for spec in unique))
    by_chart = (lambda done, total: progress(charts_done[done - 1], len(missing))) if progress else None
    drawn = dict(zip(unique, _render_raw(unique, worker_count(len(unique), workers), by_chart)))
    del unique
    # Each spec and each drawing goes as soon as its last chart has its SVG: at a million records the specs and
    # the drawings were some 500 MB held beside the finished SVGs.
    for position, index in enumerate(missing):
        spec, specs[position] = specs[position], None
        copies[spec] -= 1
        raw = drawn[spec] if copies[spec] else drawn.pop(spec)
        svg = accessible_svg(raw, charts[index])
        cache.store(CACHE_KIND, keys[index], svg.encode("utf-8"))
        svgs[index] = svg
    return svgs
