"""The pages a student starts from: home, the programmes list, each programme, and the comparison.

Each function makes one ``Page`` of one language from a ``SiteContext``. The compare page's figures
travel with it as ``script_data``; rendering writes them beside the page.
"""

from __future__ import annotations

from dataclasses import replace as dataclass_replace

from . import charts as chart_designs
from .codelists import EU_CODE, isced_fields, nace_sections
from .definitions import DEFINITIONS, DESTINATIONS
from .figures import NOT_MEASURED, indicator_label
from .inputs.reference import EU_TARGET, EU_TARGET_SOURCE, EU_TARGET_YEAR
from .model import COMPARE_LIMIT, Page, ScriptData, SiteContext
from .paths import compare_data_path, relative_url, slugify
from .words import LOW_COVERAGE, any_published, benchmark_source, beside, by_reason, figure_parts, in_ten, \
    months_words, sentence_start, share, share_row


def home(ctx: SiteContext) -> Page:
    """The home page: headline figures of all countries, the map of tracking systems, the EU benchmark."""
    _ = ctx._
    headline = [ctx.fig(i, "all") for i in ("EMP", "PLACE", "RELEVANT", "COVERAGE")]
    eu_rows = ctx.benchmark[ctx.benchmark["geo"] == EU_CODE]
    bench = chart_designs.benchmark_chart(
        [{"label": _("EU27 {year}").format(year=r.year), "value": float(r.value), "source": benchmark_source(r.source_url)}
         for r in eu_rows.itertuples()], target=EU_TARGET, lang=ctx.lang)
    return ctx.page("index.html", "home.html", ctx.config.site.title, "home", {
        "headline": headline,
        "emp": headline[0], "pooled": ctx.pooled,
        "in_ten": sentence_start(in_ten(headline[0], ctx.lang)),
        "months_words": months_words(ctx.months, ctx.lang),
        "n_programmes": len(ctx.programmes),
        "n_countries": len(ctx.geos),
        "n_profiles": len(ctx.content.countries),
        "status_map": ctx.status_map(),
        "benchmark_rows": eu_rows.to_dict("records"),
        "target": EU_TARGET, "target_year": EU_TARGET_YEAR, "target_source": EU_TARGET_SOURCE,
    }, charts=[bench], description=ctx.config.site.description)


def programmes_index(ctx: SiteContext, rows: list[dict]) -> Page:
    """Every programme in one filterable table (``rows``: ``SiteContext.programme_rows``)."""
    return ctx.page("programmes/index.html", "programmes.html", ctx._("Programmes"), "programmes", {
        "rows": rows,
        "countries": sorted({(r["geo"], r["country"]) for r in rows}, key=lambda c: ctx.lang.sort_key(c[1])),
        "fields": sorted({(r["field"], r["field_label"]) for r in rows}),
        "levels": sorted({r["eqf"] for r in rows}),
        "months_words": months_words(ctx.months, ctx.lang), "limit": COMPARE_LIMIT,
    }, description=ctx._("Every programme with its employment rate a year after graduation, "
                         "by country, field and level."))


def programme(ctx: SiteContext, p, where_to_study: dict) -> Page:
    """A programme's page; ``where_to_study`` is ``Directory.where_to_study`` of it (providers, similar programmes)."""
    _ = ctx._
    geo, field_code, code = p.geo, p.isced_f[:2], p.programme_code
    dims = {"geo": geo, "field": field_code, "programme": code}
    f = ctx.fig
    headline_ids = ("EMP", "PLACE", "RELEVANT", "FT_SHARE", "MONTHS_EMP", "COVERAGE")
    headline = [f(i, "programme", **dims) for i in headline_ids]
    emp = headline[0]
    earn = f("EARN_MED", "programme", **dims)
    country = ctx.country_name(geo)
    peers = [(_("This programme"), "programme", dims),
             (_("{field} in {country}").format(field=ctx.field_label(field_code), country=country),
              "country_field", {"geo": geo, "field": field_code}),
             (_("All programmes in {country}").format(country=country), "country", {"geo": geo})]
    comparison = [(label, f("EMP", level, **d)) for label, level, d in peers]
    lang = ctx.lang
    charts = [
        chart_designs.comparison_chart([share_row(label, fg) for label, fg in comparison],
                                       _("Employment {months} after graduation: this programme, its field "
                                         "and its country").format(months=months_words(ctx.months, lang)),
                                       lang=lang)]
    # A chart with nothing published would be empty axes: what is known of the field in the country (or
    # failing that, the country) is drawn instead, titled and introduced as not the programme's own.
    fallbacks = {}
    for chart_id, (chart, published) in outcome_charts(ctx, "programme", dims).items():
        for label, level, d in peers[1:] if not published else ():
            chart, published = outcome_charts(ctx, level, d)[chart_id]
            if published:
                chart = dataclass_replace(chart, title=_("{title} ({group})").format(title=chart.title,
                                                                                  group=label))
                fallbacks[chart_id] = label
                break
        charts.append(chart)
    currency = earn.currency or next((fg.currency for _label, lvl, d in peers
                                      for fg in [f("EARN_MED", lvl, **d)] if fg.currency), "")
    if currency:  # no group here has earnings data at all: no chart rather than an empty one
        charts.append(chart_designs.earnings_chart([
            {"group": label, "q1": f("EARN_Q1", level, **d).value, "median": f("EARN_MED", level, **d).value,
             "q3": f("EARN_Q3", level, **d).value, "reason": f("EARN_MED", level, **d).reason}
            for label, level, d in peers], currency, lang=lang))
    offered_by = ctx.provider_names(code)
    hidden = [fg for fg in headline + [earn] if not fg.published]
    # A hidden figure is followed by what is known instead: its field in the country, else the country.
    fallback = {}
    for fg in hidden:
        fallback[fg.indicator] = next(((label, known) for label, level, d in peers[1:]
                                       for known in [f(fg.indicator, level, **d)] if known.published), None)
    # Named in the middle of a sentence ("Below its field in Germany (90.4%)"), so in lower case.
    peer_emp = [(comparison[1][1], _("its field in {country}").format(country=country)),
                (comparison[2][1], _("all programmes in {country}").format(country=country))]
    coverage = headline[-1]
    return ctx.page(ctx.programme_url(code), "programme.html", p.name, "programmes", {
        "programme": p, "country": country, "country_url": ctx.country_url(geo),
        "field_label": ctx.field_label(field_code), "narrow_label": ctx._(isced_fields()[p.isced_f].label),
        "providers": offered_by,
        "headline": headline, "emp": emp, "earn": earn, "in_ten": sentence_start(in_ten(emp, lang)),
        "months_words": months_words(ctx.months, lang), "comparison": comparison, "hidden": hidden,
        "fallbacks": fallbacks, "fallback": fallback, "twin": code in ctx.twins,
        "verdicts": [v for v in (beside(emp, fg, label, lang) for fg, label in peer_emp) if v],
        "low_coverage": coverage.published and coverage.value < LOW_COVERAGE, "coverage": coverage,
        "reasons": by_reason(hidden),
        # The guide's chapter on the indicators explains base, interval and coverage in plain words.
        "plain_words": next((f"guide/{slugify(d.slug)}/index.html" for d in ctx.content.guide
                             if d.slug == "indicators"), None),
        "csv": f"{ctx.slugs[code]}.csv", "pooled": ctx.pooled,
        **where_to_study,
    }, charts=charts, description=_("Where graduates of {programme} in {country} went after finishing.").format(
        programme=p.name, country=country))


def outcome_charts(ctx: SiteContext, level: str, dims: dict) -> dict[str, tuple]:
    """Where a group's graduates went and the work they found, as {chart id: (chart, anything published)}."""
    _, f, lang = ctx._, ctx.fig, ctx.lang
    not_measured = _(NOT_MEASURED)
    destinations = {(m, d): f(d, level, months=m, **dims) for m in ctx.safe.months for d in DESTINATIONS}
    cohorts = {str(c): f("EMP", level, cohort=str(c), **dims) for c in ctx.safe.cohorts}
    sectors = {s: f(f"SECTOR_{s.code}", level, **dims) for s in nace_sections().values()}
    # Sections nobody works in are left out rather than drawn as a row of zeros.
    sectors = {s: fg for s, fg in sectors.items() if fg.value != 0 and fg.reason != not_measured}
    related = {answer: f(i, level, **dims) for answer, i in (
        ("Related", "RELEVANT"), ("Partly related", "RELATED_PARTLY"), ("Not related", "RELATED_NO"))}
    return {
        "destinations": (chart_designs.destinations_chart([
            {"months_after": m, "destination": DEFINITIONS[d].label, **share(fg)}
            for (m, d), fg in destinations.items()], lang=lang), any_published(destinations)),
        "cohorts": (chart_designs.cohort_chart([{"cohort": c, **share_row("", fg)} for c, fg in cohorts.items()],
                                               lang=lang), any_published(cohorts)),
        "sectors": (chart_designs.sectors_chart([{"code": s.code, "sector": _(s.label), **share(fg)}
                                                 for s, fg in sectors.items()], lang=lang),
                    any_published(sectors)),
        "related": (chart_designs.related_chart([{"answer": answer, **share(fg)} for answer, fg in related.items()],
                                                lang=lang), any_published(related)),
    }


def compare(ctx: SiteContext, rows: list[dict]) -> Page:
    """The compare page; every programme's figures go with it as ``script_data`` for its script."""
    _ = ctx._
    indicators = ("EMP", "PLACE", "RELEVANT", "FT_SHARE", "EARN_MED", "COVERAGE")
    programmes = []
    for p in ctx.programmes.itertuples():
        dims = {"geo": p.geo, "field": p.isced_f[:2], "programme": p.programme_code}
        earnings = [ctx.fig("EARN_MED", "programme", months=m, **dims) for m in ctx.safe.months]
        programmes.append({
            "code": p.programme_code, "name": p.name, "country": ctx.country_name(p.geo), "eqf": int(p.eqf_level),
            "provider": ctx.lang.join(ctx.provider_names(p.programme_code)),
            "twin": p.programme_code in ctx.twins,
            "currency": next((e.currency for e in earnings if e.published), ""),
            "url": relative_url("compare/index.html", ctx.programme_url(p.programme_code)),
            # For each observation point, each indicator as [value, interval and base].
            "figures": {str(m): {i: figure_parts(ctx.fig(i, "programme", months=m, **dims), ctx.lang)
                                 for i in indicators} for m in ctx.safe.months},
        })
    payload = {"months": [{"value": str(m), "label": months_words(m, ctx.lang)} for m in ctx.safe.months],
               "headline_months": str(ctx.months), "programmes": programmes,
               "indicators": [{"id": i, "label": indicator_label(i, ctx.lang)} for i in indicators],
               "text": {
                   "empty": _("No programme chosen yet. Add one with the list above, or tick programmes in "
                              "the table of programmes."),
                   "heading": _("{indicator}, {months} after graduation"),
                   "remove": _("Remove"), "remove_label": _("Remove {name}, {country}"),
                   "removed": _("{name} removed. {count} programme(s) in the comparison."),
                   "added": _("{name} added. {count} programme(s) in the comparison."),
                   "choose": _("Choose a programme first."),
                   "already": _("{name} is already in the comparison."),
                   "limit": _("At most {limit} programmes can be compared. Remove one first."),
                   "too_many": _("The link named {count} programmes; only the first {limit} are shown, "
                                 "because at most {limit} can be compared."),
                   "unknown": _("Not found in this release, so left out: {codes}."),
                   "chosen": _("{count} of {limit} programmes chosen"),
                   "hidden": _("“Not published”: the group is too small to show safely, or its figure would let a "
                               "smaller group be worked out. Each programme's page says which."),
                   "currencies": _("Earnings are in different currencies ({currencies}) and are not converted: "
                                   "compare them only within one currency."),
                   "copied": _("Link copied."),
                   "copy_failed": _("Copying did not work here: select the link and copy it yourself."),
               }}
    return ctx.page("compare/index.html", "compare.html", _("Compare programmes"), "compare", {
        "rows": rows, "months_words": months_words(ctx.months, ctx.lang), "limit": COMPARE_LIMIT,
        "compare_data": compare_data_path(ctx.lang.code),
    }, description=_("Compare up to six programmes side by side."),
        script_data=ScriptData(compare_data_path(ctx.lang.code), "ONTRACK_PROGRAMMES", payload))
