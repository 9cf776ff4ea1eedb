"""The policymaker's cross-country page: the real national reference figures over time, against the EU target.

Its numbers are the reference figures (``datasets/reference``: published Eurostat and Cedefop
figures, each with its source), never the site's graduate figures: on a demonstration site those
are synthetic, and the two measure different populations. The page says both things.
"""

from __future__ import annotations

from .charts import benchmark_chart
from .codelists import EU_CODE
from .inputs.reference import EU_TARGET, EU_TARGET_SOURCE, EU_TARGET_YEAR, benchmark_notes
from .model import SiteContext
from .paths import CROSS_COUNTRY_PAGE as PAGE
from .words import benchmark_source


def cross_country(builder: SiteContext):
    """The page for a ``SiteContext``'s language (see the module's docstring)."""
    b, _ = builder, builder._
    bench = b.benchmark.sort_values(["geo", "year"])
    years = sorted({int(y) for y in bench["year"]})
    profiled = {c.geo for c in b.content.countries}

    def name(geo: str) -> str:
        return "EU27" if geo == EU_CODE else b.country_name(geo)

    rows = []
    for geo, group in bench.groupby("geo", sort=False):
        by_year = {int(r.year): {"value": float(r.value), "source": benchmark_source(r.source_url),
                                 "url": r.source_url, **benchmark_notes(r)} for r in group.itertuples()}
        latest = by_year[max(by_year)]
        rows.append({"geo": geo, "name": name(geo), "eu": geo == EU_CODE,
                     "url": b.country_url(geo) if geo in profiled else None,
                     "cells": [by_year.get(y) for y in years], "latest_year": max(by_year),
                     "latest": latest["value"], "gap": latest["value"] - EU_TARGET})
    # The EU first, then the countries in the alphabetical order of their names in this language.
    rows.sort(key=lambda r: (not r["eu"], b.lang.sort_key(r["name"])))
    chart_rows = [{"label": _("{country} {year}").format(country=r["name"], year=year),
                   "value": cell["value"], "source": cell["source"]}
                  for r in rows for year, cell in zip(years, r["cells"]) if cell is not None]
    charts = [benchmark_chart(chart_rows, target=EU_TARGET, lang=b.lang)] if chart_rows else []
    without = [b.country_name(c.geo) for c in b.countries_by_name() if c.geo not in set(bench["geo"])]
    return b.page(PAGE, "eu_target.html", _("Countries against the EU target"), "countries", {
        "rows": rows, "years": years, "target": EU_TARGET, "target_year": EU_TARGET_YEAR,
        "target_source": EU_TARGET_SOURCE, "without": without, "package": b.packages[0],
    }, charts=charts, description=_("Published employment rates of recent VET graduates, country by country and "
                                    "year by year, against the EU target of 82%."))
