"""The policymaker's country pages: the index with the map, and one profile per country.

The cross-country page against the EU target is ``crosscountry.py``.
"""

from __future__ import annotations

from . import charts as chart_designs
from .codelists import EU_CODE
from .inputs.content import CountryProfile
from .inputs.reference import EU_TARGET, EU_TARGET_SOURCE, EU_TARGET_YEAR
from .model import Page, SiteContext
from .prose import markdown_to_html
from .statuses import TIMELINE_STATUSES
from .words import TIMELINE_EDITION, benchmark_source

STATUS_ORDER = tuple(s.code for s in TIMELINE_STATUSES)


def countries_index(ctx: SiteContext) -> Page:
    """Every profiled country with its national system and Timeline status, as a table and a map."""
    return ctx.page("countries/index.html", "countries.html", ctx._("Countries"), "countries", {
        "profiles": [{"profile": c, "name": ctx.country_name(c.geo), "url": ctx.country_url(c.geo),
                      "system_name": shown.system_name, "system_in_english": "system_name" in in_english,
                      "status_label": ctx.status_label(c.current_status),
                      "system_label": ctx.national_system_label(c.national_system)}
                     for c in ctx.countries_by_name()
                     for shown, in_english in [ctx.profile_in_language(c)]],
        "status_map": ctx.status_map(), "with_data": set(ctx.geos), "statuses": STATUS_ORDER,
        "timeline_edition": ctx._(TIMELINE_EDITION),
    }, description=ctx._("How far each European country has come with tracking its VET graduates."))


def country(ctx: SiteContext, profile: CountryProfile) -> Page:
    """One country's profile: its text, its tracking facts, its figures by field and its benchmark."""
    _ = ctx._
    geo = profile.geo
    name = ctx.country_name(geo)
    text, translated = ctx.document("countries", profile)
    profile, in_english = ctx.profile_in_language(profile)
    by_field = []
    if geo in ctx.geos:
        for fc in sorted({p[:2] for p in ctx.programmes.loc[ctx.programmes["geo"] == geo, "isced_f"]}):
            by_field.append({"field": ctx.field_label(fc),
                             "emp": ctx.fig("EMP", "country_field", geo=geo, field=fc),
                             "relevant": ctx.fig("RELEVANT", "country_field", geo=geo, field=fc)})
    national = ctx.fig("EMP", "country", geo=geo) if geo in ctx.geos else None
    bench = ctx.benchmark[ctx.benchmark["geo"].isin([geo, EU_CODE])]
    charts = []
    if profile.timeline:
        charts.append(chart_designs.timeline_chart([{"year": t.year, "status": t.status} for t in profile.timeline],
                                                   lang=ctx.lang))
    own = bench[bench["geo"] == geo]
    if len(own):
        charts.append(chart_designs.benchmark_chart(
            [{"label": (_("EU27 {year}") if r.geo == EU_CODE else _("{country} {year}")).format(
                country=name, year=r.year), "value": float(r.value),
              "source": benchmark_source(r.source_url)} for r in bench.sort_values(["geo", "year"]).itertuples()],
            target=EU_TARGET, lang=ctx.lang))
    return ctx.page(ctx.country_url(geo), "country.html", name, "countries", {
        "profile": profile, "name": name, "status_label": ctx.status_label(profile.current_status),
        "system_label": ctx.national_system_label(profile.national_system),
        "timeline_edition": _(TIMELINE_EDITION),
        "body": markdown_to_html(text.body, shift_headings=0), "translated": translated, "in_english": in_english,
        "by_field": by_field, "national": national, "has_data": geo in ctx.geos,
        "benchmark": own.to_dict("records"), "eu_benchmark": bench[bench["geo"] == EU_CODE].to_dict("records"),
        "target": EU_TARGET, "target_year": EU_TARGET_YEAR, "target_source": EU_TARGET_SOURCE,
        "package": next((p for p in ctx.packages if p.geo == geo), None),
        "dataset_jsonld": ctx.dataset_script(next((p.name for p in ctx.packages if p.geo == geo), "")),
        "programmes": [r for r in ctx.programme_rows if r["geo"] == geo],
    }, charts=charts, description=_("Graduate tracking in {country}: who runs it, what it measures, "
                                    "and the figures.").format(country=name))
