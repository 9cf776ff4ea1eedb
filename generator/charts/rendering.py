"""Charts to static SVG with vl-convert: content-hash cache first, then in-process or spawned workers."""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import vl_convert

from .model import Chart
from .svg import accessible_svg

#: Bump when accessible_svg changes what it makes, so cached SVGs from before are not reused.
POSTPROCESS_VERSION = "2"
#: A spawned worker costs about a second to start (Python, then V8 inside vl-convert), the
#: time of some 25-40 charts; fewer charts than this per worker are rendered in-process.
MIN_CHARTS_PER_WORKER = 20


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


def _chunks(items: list, parts: int) -> list[list]:
    """Split into ``parts`` contiguous chunks of nearly equal length (order kept)."""
    size, extra = divmod(len(items), parts)
    chunks, start = [], 0
    for part in range(parts):
        end = start + size + (1 if part < extra else 0)
        chunks.append(items[start:end])
        start = end
    return chunks


def _render_raw(specs: list[str], workers: int) -> list[str]:
    workers = min(workers, len(specs) // MIN_CHARTS_PER_WORKER)
    if workers <= 1:
        return _render_specs(specs)
    # vl-convert hangs in forked children (its V8 and thread pool do not survive fork): spawn only.
    # One chunk per worker, so each pays its start-up once.
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        return [svg for chunk in pool.map(_render_specs, _chunks(specs, workers)) for svg in chunk]


def _store(cache_dir: Path, key: str, svg: str) -> None:
    """Write one cache entry atomically: a concurrent build sees the whole file or none."""
    path = cache_dir / f"{key}.svg"
    partial = cache_dir / f".{key}.{os.getpid()}.tmp"
    partial.write_text(svg, encoding="utf-8")
    os.replace(partial, path)


def render_svgs(charts: list[Chart], cache_dir: Path | None = None, workers: int = 1) -> list[str]:
    """The accessible static SVG of each chart, in order; unchanged charts come from ``cache_dir``."""
    keys = [cache_key(chart) for chart in charts]
    svgs: list[str | None] = [None] * len(charts)
    if cache_dir is not None:
        cache_dir = Path(cache_dir)
        cache_dir.mkdir(parents=True, exist_ok=True)
        for index, key in enumerate(keys):
            path = cache_dir / f"{key}.svg"
            if path.is_file():
                svgs[index] = path.read_text(encoding="utf-8")
    missing = [index for index, svg in enumerate(svgs) if svg is None]
    # Charts whose specs are equal (the same design and rows on two pages) are drawn once.
    unique = list(dict.fromkeys(_canonical(charts[index].spec) for index in missing))
    drawn = dict(zip(unique, _render_raw(unique, workers)))
    for index in missing:
        svg = accessible_svg(drawn[_canonical(charts[index].spec)], charts[index])
        if cache_dir is not None:
            _store(cache_dir, keys[index], svg)
        svgs[index] = svg
    return svgs
