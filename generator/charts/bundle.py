"""The Vega, Vega-Lite and vega-embed script served with the site (no CDN)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import vl_convert

from ..cache import cache_key, read_checked, write_checked

#: The only name the bundle leaves on ``window``; ``templates/assets/charts.js`` calls it.
GLOBAL_NAME = "ontrackVegaEmbed"


@cache
def _bundle() -> str:
    # javascript_bundle() is ES module code (top-level const/function declarations, no import or
    # export) ending in a snippet that runs against its names. As a classic script its top-level
    # names would become page globals and clash with page scripts, so it runs inside a function,
    # in strict mode as module code would, and the snippet hands out vegaEmbed under one name.
    # A classic script also works from file://, where browsers refuse to load ES modules.
    code = vl_convert.javascript_bundle(snippet=f"window.{GLOBAL_NAME} = vegaEmbed;")
    header = (f"/*! Vega {vl_convert.get_vega_version()}, Vega-Lite {vl_convert.get_vegalite_versions()[-1]}, "
              f"vega-embed {vl_convert.get_vega_embed_version()} (BSD-3-Clause, https://vega.github.io) with "
              f"their dependencies, bundled by vl-convert {vl_convert.__version__}. */\n")
    return f'{header}(function () {{\n"use strict";\n{code}\n}}).call(undefined);\n'


def vega_bundle(cache_dir: Path | None = None) -> str:
    """The bundle as one classic script exposing only ``window.ontrackVegaEmbed`` (about 900 KB, 300 KB gzip).

    Making it takes vl-convert 2-3 s; with ``cache_dir`` it is kept there per vl-convert and ontrack version.
    """
    if cache_dir is None:
        return _bundle()
    # Keyed by ontrack's code too (GLOBAL_NAME, the wrapper above), and checksummed: a damaged entry is made again.
    path = Path(cache_dir) / f"vega-bundle-{vl_convert.__version__}-{cache_key('vega-bundle')[:16]}.js"
    cached = read_checked(path)
    if cached is not None:
        return cached.decode("utf-8")
    code = _bundle()
    write_checked(path, code.encode("utf-8"))
    return code
