"""The Vega, Vega-Lite and vega-embed script served with the site (no CDN)."""

from __future__ import annotations

from functools import cache

import vl_convert

from ..cache import BuildCache, cache_key

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


def vega_bundle(cache: BuildCache | None = None) -> str:
    """The bundle as one classic script exposing only ``window.ontrackVegaEmbed`` (about 900 KB, 300 KB gzip).

    Making it takes vl-convert 2-3 s; ``cache`` keeps it per vl-convert and ontrack version (kind ``vega-bundle``).
    """
    if cache is None:
        return _bundle()
    # Keyed by ontrack's code too (GLOBAL_NAME, the wrapper above).
    key = cache_key("vega-bundle", vl_convert.__version__)
    return cache.get_or_compute("vega-bundle", key, _bundle)
