"""Chart designs kept once made: in this process, and across builds in the build cache.

Making a design with Altair costs 0.3-1.5 s (Altair validates it against the
Vega-Lite schema), several seconds a build for designs that only change with
ontrack's code or Altair's version, which are both part of the cache key.
"""

from __future__ import annotations

from functools import cache, wraps

from ..cache import memoised


def design(make):
    """Decorate a design function: the same arguments give the same (shared) Vega-Lite dict."""

    @cache
    @wraps(make)
    def made(*args, **kwargs):
        parts = (make.__module__, make.__qualname__, args, sorted(kwargs.items()))
        return memoised("chart-design", parts, lambda: make(*args, **kwargs))

    return made
