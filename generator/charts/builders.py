"""The charts of a page: a design filled with the page's rows, a table and a description.

Every builder takes plain rows (lists of dicts) from the published, disclosure-
checked tables. A share of None is a suppressed figure: it is drawn as "not
published" at its place, never as 0, and the table and description say so.
Only the fields a chart documents are copied into its spec, so nothing else a
row carries can end up in a page's inline data.

Every builder writes in ``lang``: its titles, sentences, tables and numbers, and
the categories it knows (destinations, answers, statuses, sectors), which callers
pass as English keys (``model.DESTINATIONS`` ...) and the chart shows translated.
Labels the caller composes (groups, benchmark figures) and suppression reasons
are shown as given, so callers pass them in ``lang`` already.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from ..i18n import ENGLISH, Language
from . import designs
from .model import (DESTINATIONS, RELATED_ANSWERS, STATUSES, Chart, ChartTable, currency_affixes, interval,
                    interval_title, money, percent, whole_number)

Rows = Iterable[Mapping]

#: How many sectors are drawn by name before the rest are summed into "Other sectors".
TOP_SECTORS = 8


def _number(value):
    """A plain float for the JSON spec (a numpy or Decimal value would not serialise).

    None, and NaN (how pandas holds a suppressed cell), become None: not published.
    """
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _integer(value):
    value = _number(value)
    return None if value is None else int(value)


def _reason(row: Mapping) -> str:
    return row.get("reason") or ""


def _filled(design: dict, values: list[dict]) -> dict:
    """A cached design with the page's rows: a new top level, everything below it shared with the design.

    Nothing changes a spec once made, so the charts of one design share its axes, scales and marks: a
    deep copy per chart (a JSON round trip) took a fifth of the site model's time and, at a million
    records, some 1 GB for 36,000 copies of 30 designs.
    """
    return {**design, "data": {"values": values}}


def _hidden_sentence(lang: Language, hidden: list[tuple[str, str]], what: str = "figure") -> str:
    """ "The figures for 2017 and 2023 are not published (fewer than 25 graduates in the base)."

    ``what`` is "figure", "share" or "median": each is its own sentence, so that
    translators get whole sentences with their plural forms.
    """
    if not hidden:
        return ""
    by_reason: dict[str, list[str]] = {}
    for name, reason in hidden:
        by_reason.setdefault(reason, []).append(name)
    if len(by_reason) > 1:
        return _not_published(lang, by_reason)
    [(reason, names)] = by_reason.items()
    n = len(names)
    if what == "share":
        sentence = (lang.ngettext("The share for {names} is not published ({reason}).",
                                  "The shares for {names} are not published ({reason}).", n) if reason else
                    lang.ngettext("The share for {names} is not published.",
                                  "The shares for {names} are not published.", n))
    elif what == "median":
        sentence = (lang.ngettext("The median for {names} is not published ({reason}).",
                                  "The medians for {names} are not published ({reason}).", n) if reason else
                    lang.ngettext("The median for {names} is not published.",
                                  "The medians for {names} are not published.", n))
    else:
        sentence = (lang.ngettext("The figure for {names} is not published ({reason}).",
                                  "The figures for {names} are not published ({reason}).", n) if reason else
                    lang.ngettext("The figure for {names} is not published.",
                                  "The figures for {names} are not published.", n))
    return sentence.format(names=lang.join(names), reason=reason)


def _not_published(lang: Language, by_reason: Mapping[str, list[str]]) -> str:
    """ "Not published: A and B (reason one); C (reason two)." """
    groups = [lang.join(names) + (f" ({reason})" if reason else "") for reason, names in by_reason.items()]
    # Translators: {groups} lists what is hidden with the reason in brackets, groups separated by ";".
    return lang.gettext("Not published: {groups}.").format(groups=lang.semicolons(groups))


def _labelled(lang: Language, label: str, value: str) -> str:
    # Translators: a name and its figure, e.g. "Country: 80.0%" (French puts a space before the colon).
    return lang.gettext("{label}: {value}").format(label=label, value=value)


def _shown(lang: Language, key: str) -> str:
    """A category key (a destination, answer, status or sector) as the chart shows it.

    A function rather than ``lang.gettext(row["status"])`` inline: the extractor would take "status" for a message.
    """
    return lang.gettext(key)


def _no_figures(lang: Language) -> str:
    return lang.gettext("No figures are available.")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _sentences(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def destinations_chart(rows: Rows, *, chart_id: str = "destinations", lang: Language = ENGLISH) -> Chart:
    """Where graduates were at each observation point: a stacked bar of the five destinations.

    Each row's ``destination`` is one of ``model.DESTINATIONS`` (in English); the chart shows it translated.
    """
    values = [{"months_after": int(row["months_after"]), "destination": row["destination"],
               "share": _number(row["share"]), "reason": _reason(row)} for row in rows]
    unknown = {v["destination"] for v in values} - set(DESTINATIONS)
    if unknown:
        raise ValueError(f"unknown destinations {sorted(unknown)}; expected {DESTINATIONS}")
    name = {d: _shown(lang, d) for d in DESTINATIONS}
    points = sorted({v["months_after"] for v in values})
    cell = {(v["months_after"], v["destination"]): v for v in values}
    table_rows = tuple((lang.ngettext("{months} month", "{months} months", m).format(months=m),
                        *(percent(cell[m, d]["share"], lang) if (m, d) in cell else lang.gettext("no data")
                          for d in DESTINATIONS)) for m in points)
    largest, hidden = [], {}
    for m in points:
        published = [v for v in values if v["months_after"] == m and v["share"] is not None]
        if published:
            largest.append((m, max(published, key=lambda v: (v["share"], -DESTINATIONS.index(v["destination"])))))
        missing = [v for v in values if v["months_after"] == m and v["share"] is None]
        by_reason: dict[str, list[str]] = {}
        for v in missing:
            by_reason.setdefault(v["reason"], []).append(name[v["destination"]].lower())
        for reason, names in by_reason.items():
            what = (lang.gettext("all destinations") if len(missing) == len(DESTINATIONS) == len(names)
                    else lang.join(names))
            hidden.setdefault(reason, []).append(lang.ngettext(
                "{destinations} after {months} month", "{destinations} after {months} months", m)
                .format(destinations=what, months=m))
    if not largest:
        lead = ""
    elif len({top["destination"] for _, top in largest}) == 1 and len(largest) > 1:
        lead = lang.gettext("{destination} was the largest group at every point: {shares}.").format(
            destination=name[largest[0][1]["destination"]],
            shares=lang.join([lang.ngettext("{share} after {months} month", "{share} after {months} months", m)
                              .format(share=percent(top["share"], lang), months=m) for m, top in largest]))
    else:
        lead = lang.gettext("The largest group was {groups}.").format(groups=lang.join([
            lang.ngettext("{destination} after {months} month ({share})",
                          "{destination} after {months} months ({share})", m)
            .format(destination=name[top["destination"]].lower(), months=m, share=percent(top["share"], lang))
            for m, top in largest]))
    last = points[-1] if points else None
    unemployed = cell.get((last, "Unemployed"), {}).get("share")
    title = (lang.ngettext("What graduates were doing {months} month after qualifying",
                           "What graduates were doing {months} months after qualifying", points[-1])
             .format(months=lang.join([str(m) for m in points])) if points
             else lang.gettext("What graduates were doing after qualifying"))
    description = _sentences(
        lead,
        lang.ngettext("After {months} month, {share} were unemployed.",
                      "After {months} months, {share} were unemployed.", last)
        .format(months=last, share=percent(unemployed, lang)) if unemployed is not None and
        all(top["destination"] != "Unemployed" for m, top in largest if m == last) else "",
        _not_published(lang, hidden) if hidden else "")
    shown = [{**v, "destination": name[v["destination"]]} for v in values]
    return Chart(chart_id, title, description or _no_figures(lang),
                 _filled(designs.destinations(lang), shown),
                 ChartTable((lang.gettext("Time after qualifying"), *name.values()), table_rows))


def cohort_chart(rows: Rows, *, chart_id: str = "cohorts", lang: Language = ENGLISH) -> Chart:
    """Employment rate 12 months after qualifying, one point with its 95% interval per cohort."""
    values = [{"cohort": str(row["cohort"]), "share": _number(row["share"]), "ci_low": _number(row.get("ci_low")),
               "ci_high": _number(row.get("ci_high")), "base": _integer(row.get("base")), "reason": _reason(row)}
              for row in rows]
    values.sort(key=lambda v: v["cohort"])
    title = lang.gettext("Employed 12 months after qualifying, year by year")
    table = ChartTable((lang.gettext("Year of qualifying"), lang.gettext("Employment rate"), interval_title(lang),
                        lang.gettext("Graduates in base")),
                       tuple((v["cohort"], percent(v["share"], lang), interval(v["ci_low"], v["ci_high"], lang),
                              whole_number(v["base"], lang)) for v in values))
    published = [v for v in values if v["share"] is not None]
    latest = ""
    if published:
        last = published[-1]
        details = []
        if last["ci_low"] is not None and last["ci_high"] is not None:
            # Translators: e.g. "95% interval 70.0–84.6%".
            details.append(lang.gettext("{level} interval {range}").format(
                level=lang.pct(95, 0), range=interval(last["ci_low"], last["ci_high"], lang)))
        if last["base"] is not None:
            details.append(lang.ngettext("{count} graduate", "{count} graduates", last["base"])
                           .format(count=whole_number(last["base"], lang)))
        latest = (lang.gettext("Of those who qualified in {year}, {share} were employed 12 months later ({details}).")
                  if details else
                  lang.gettext("Of those who qualified in {year}, {share} were employed 12 months later.")).format(
            year=last["cohort"], share=percent(last["share"], lang), details=", ".join(details))
    spread = ""
    if len(published) > 1:
        low = min(published, key=lambda v: (v["share"], v["cohort"]))
        high = max(published, key=lambda v: (v["share"], v["cohort"]))
        spread = lang.gettext("Across the years shown the rate ranged from {low} ({low_year}) to {high} "
                              "({high_year}).").format(low=percent(low["share"], lang), low_year=low["cohort"],
                                                       high=percent(high["share"], lang), high_year=high["cohort"])
    hidden = _hidden_sentence(lang, [(v["cohort"], v["reason"]) for v in values if v["share"] is None])
    # What fits under each year depends on how many years there are; a design per case.
    design = designs.cohorts(min(len(values), 10), lang)
    return Chart(chart_id, title, _sentences(latest, spread, hidden) or _no_figures(lang),
                 _filled(design, values), table)


def _sector_rows(lang: Language, values: list[dict]) -> list[dict]:
    """The rows drawn: the largest sectors by name, the rest of the published ones summed, hidden ones last.

    "Other sectors" only sums published shares, so it adds nothing that the
    published figures do not already give away. More than three hidden sectors
    are drawn as one "not published" row to keep the chart short.
    """
    published = sorted((v for v in values if v["share"] is not None), key=lambda v: (-v["share"], v["sector"]))
    hidden = sorted((v for v in values if v["share"] is None), key=lambda v: v["sector"])
    drawn = published
    if len(published) > TOP_SECTORS + 1:
        rest = published[TOP_SECTORS:]
        # Translators: the sectors summed into one bar, e.g. "Other sectors (3)".
        other = lang.gettext("Other sectors ({count})").format(count=lang.count(len(rest)))
        drawn = published[:TOP_SECTORS] + [{"code": "", "sector": other,
                                            "share": round(sum(v["share"] for v in rest), 1), "reason": ""}]
    if len(hidden) > 3:
        reasons = sorted({v["reason"] for v in hidden if v["reason"]})
        n = len(hidden)
        name = (lang.ngettext("{count} other sector", "{count} other sectors", n) if drawn
                else lang.ngettext("{count} sector", "{count} sectors", n)).format(count=lang.count(n))
        hidden = [{"code": "", "sector": name, "share": None, "reason": lang.semicolons(reasons)}]
    return drawn + hidden


def sectors_chart(rows: Rows, *, chart_id: str = "sectors", lang: Language = ENGLISH) -> Chart:
    """Sectors of employment (NACE sections), largest first, the smallest grouped as "Other sectors".

    Each row's ``sector`` is the NACE section's label in English (it is in the catalogue); the chart shows
    its translation.
    """
    values = [{"code": str(row.get("code") or ""), "sector": _shown(lang, row["sector"]),
               "share": _number(row["share"]), "reason": _reason(row)} for row in rows]
    ordered = sorted(values, key=lambda v: (v["share"] is None, -(v["share"] or 0), v["sector"]))
    title = lang.gettext("Sectors where employed graduates work")
    share_title = lang.gettext("Share of employed graduates")
    table = ChartTable((lang.gettext("Sector"), share_title),
                       tuple((v["sector"], percent(v["share"], lang)) for v in ordered))
    top = [v for v in ordered if v["share"] is not None][:3]
    named = lang.join([f"{v['sector']} ({percent(v['share'], lang)})" for v in top])
    lead = lang.ngettext("The largest sector is {sectors}.", "The largest sectors are {sectors}.",
                         len(top)).format(sectors=named) if top else ""
    hidden_rows = [(v["sector"], v["reason"]) for v in ordered if v["share"] is None]
    if len(hidden_rows) > 3:
        # Twenty sector names in a sentence say nothing a reader can use: their number and the reasons do.
        n = len(hidden_rows)
        reasons = lang.semicolons(sorted({reason for _, reason in hidden_rows if reason}))
        hidden = (lang.ngettext("The shares of {count} sector are not published ({reasons}).",
                                "The shares of {count} sectors are not published ({reasons}).", n) if reasons else
                  lang.ngettext("The shares of {count} sector are not published.",
                                "The shares of {count} sectors are not published.", n)).format(
            count=lang.count(n), reasons=reasons)
    else:
        hidden = _hidden_sentence(lang, hidden_rows, "share")
    design = designs.shares("sector", lang.gettext("Sector"), share_title, lang)
    return Chart(chart_id, title, _sentences(lead, hidden) or _no_figures(lang),
                 _filled(design, _sector_rows(lang, values)), table)


def _related_phrase(lang: Language, answer: str, share: str) -> str:
    if answer == "Related":
        return lang.gettext("{share} had a job related to their training").format(share=share)
    if answer == "Partly related":
        return lang.gettext("{share} had a partly related job").format(share=share)
    return lang.gettext("{share} had an unrelated job").format(share=share)


def related_chart(rows: Rows, *, chart_id: str = "related", lang: Language = ENGLISH) -> Chart:
    """Whether employed graduates' jobs are related to their training (EQAVET indicator 6).

    Each row's ``answer`` is one of ``model.RELATED_ANSWERS`` (in English); the chart shows it translated.
    """
    values = [{"answer": row["answer"], "share": _number(row["share"]), "reason": _reason(row)} for row in rows]
    unknown = {v["answer"] for v in values} - set(RELATED_ANSWERS)
    if unknown:
        raise ValueError(f"unknown answers {sorted(unknown)}; expected {RELATED_ANSWERS}")
    values.sort(key=lambda v: RELATED_ANSWERS.index(v["answer"]))
    title = lang.gettext("Is the job related to the training?")
    answer_title, share_title = lang.gettext("Job related to the training"), lang.gettext("Share of employed graduates")
    table = ChartTable((answer_title, share_title),
                       tuple((_shown(lang, v["answer"]), percent(v["share"], lang)) for v in values))
    shown = [_related_phrase(lang, v["answer"], percent(v["share"], lang)) for v in values if v["share"] is not None]
    lead = lang.gettext("Of employed graduates, {shares}.").format(shares=lang.join(shown)) if shown else ""
    hidden = _hidden_sentence(lang, [(_shown(lang, v["answer"]).lower(), v["reason"]) for v in values
                                     if v["share"] is None], "share")
    design = designs.shares("answer", answer_title, share_title, lang)
    return Chart(chart_id, title, _sentences(lead, hidden) or _no_figures(lang),
                 _filled(design, [{**v, "answer": _shown(lang, v["answer"])} for v in values]), table)


def earnings_chart(rows: Rows, currency: str, *, chart_id: str = "earnings", lang: Language = ENGLISH) -> Chart:
    """Median gross monthly earnings with the lower and upper quartile, per comparison group."""
    values = [{"group": row["group"], "q1": _number(row.get("q1")), "median": _number(row["median"]),
               "q3": _number(row.get("q3")), "reason": _reason(row)} for row in rows]
    # Translators: {currency} is an ISO 4217 code such as EUR.
    title = lang.gettext("Gross monthly earnings of full-time employed graduates ({currency})").format(
        currency=currency)
    table = ChartTable((lang.gettext("Group"), lang.gettext("Lower quartile"), lang.gettext("Median"),
                        lang.gettext("Upper quartile")),
                       tuple((v["group"], money(v["q1"], currency, lang), money(v["median"], currency, lang),
                              money(v["q3"], currency, lang)) for v in values))
    shown = [_labelled(lang, v["group"], money(v["median"], currency, lang)) for v in values if v["median"] is not None]
    # Translators: {groups} is a list such as "This programme: €1,850; Country: €1,700".
    lead = lang.gettext("Median gross monthly earnings — {groups}.").format(groups=lang.semicolons(shown)) if shown else ""
    spread = next((lang.gettext("For {group}, the middle half earned between {low} and {high}.").format(
        group=_lower_first(v["group"]), low=money(v["q1"], currency, lang), high=money(v["q3"], currency, lang))
        for v in values if v["q1"] is not None and v["q3"] is not None), "")
    hidden = _hidden_sentence(lang, [(_lower_first(v["group"]), v["reason"]) for v in values if v["median"] is None],
                              "median")
    return Chart(chart_id, title, _sentences(lead, spread, hidden) or _no_figures(lang),
                 _filled(designs.earnings(*currency_affixes(currency, lang), lang), values), table)


def comparison_chart(rows: Rows, title: str, *, chart_id: str = "comparison", lang: Language = ENGLISH) -> Chart:
    """Rates side by side (a programme, its field, its country; or up to six programmes) with intervals."""
    values = [{"group": row["group"], "share": _number(row["share"]), "ci_low": _number(row.get("ci_low")),
               "ci_high": _number(row.get("ci_high")), "base": _integer(row.get("base")), "reason": _reason(row)}
              for row in rows]
    table = ChartTable((lang.gettext("Group"), lang.gettext("Rate"), interval_title(lang),
                        lang.gettext("Graduates in base")),
                       tuple((v["group"], percent(v["share"], lang), interval(v["ci_low"], v["ci_high"], lang),
                              whole_number(v["base"], lang)) for v in values))
    published = [v for v in values if v["share"] is not None]
    shown = [lang.ngettext("{group}: {share} ({count} graduate)", "{group}: {share} ({count} graduates)", v["base"])
             .format(group=v["group"], share=percent(v["share"], lang), count=whole_number(v["base"], lang))
             if v["base"] is not None else _labelled(lang, v["group"], percent(v["share"], lang)) for v in published]
    # Translators: {title} is the chart's title, {figures} a list such as "This programme: 80.2%; Country: 78.0%".
    lead = lang.gettext("{title} — {figures}.").format(title=title, figures=lang.semicolons(shown)) if shown else ""
    highest = ""
    if len(published) > 2:
        top = max(published, key=lambda v: v["share"])
        highest = lang.gettext("The highest is {group}.").format(group=top["group"])
    hidden = _hidden_sentence(lang, [(v["group"], v["reason"]) for v in values if v["share"] is None])
    return Chart(chart_id, title, _sentences(lead, highest, hidden) or _no_figures(lang),
                 _filled(designs.comparison(lang), values), table)


def timeline_chart(rows: Rows, *, chart_id: str = "timeline", lang: Language = ENGLISH) -> Chart:
    """A country's graduate tracking status year by year, the status written in each cell.

    Each row's ``status`` is one of ``model.STATUSES`` (in English); the chart shows it translated.
    """
    values = [{"year": int(row["year"]), "status": row["status"]} for row in rows]
    unknown = {v["status"] for v in values} - set(STATUSES)
    if unknown:
        raise ValueError(f"unknown statuses {sorted(unknown)}; expected {STATUSES}")
    values.sort(key=lambda v: (v["year"], STATUSES.index(v["status"])))
    by_year: dict[int, list[str]] = {}
    for v in values:
        by_year.setdefault(v["year"], []).append(_shown(lang, v["status"]))
    title = lang.gettext("Graduate tracking status by year")
    table = ChartTable((lang.gettext("Year"), lang.gettext("Status")),
                       tuple((str(year), lang.join(statuses)) for year, statuses in by_year.items()))
    spans = []
    for status in dict.fromkeys(v["status"] for v in values):
        years = [v["year"] for v in values if v["status"] == status]
        shown = _shown(lang, status).lower()
        # Translators: a status and the years it lasted, e.g. "pilot 2017–2019".
        spans.append(lang.gettext("{status} {first_year}–{last_year}").format(
            status=shown, first_year=years[0], last_year=years[-1]) if years[-1] != years[0] else
            # Translators: a status and the one year it lasted, e.g. "pilot 2017".
            lang.gettext("{status} {year}").format(status=shown, year=years[0]))
    if values:
        year = values[-1]["year"]
        description = _sentences(
            lang.gettext("Status by year: {spans}.").format(spans=lang.join(spans)),
            lang.gettext("In {year} the status was {status}.").format(year=year,
                                                                      status=lang.join(by_year[year]).lower()))
    else:
        description = lang.gettext("No status is recorded.")
    shown_values = [{**v, "status": _shown(lang, v["status"])} for v in values]
    return Chart(chart_id, title, description, _filled(designs.timeline(lang), shown_values), table)


def benchmark_chart(rows: Rows, target: float = 82.0, *, chart_id: str = "benchmark",
                    lang: Language = ENGLISH) -> Chart:
    """Employment rates of recent VET graduates against the EU-level 2025 target (a dashed rule)."""
    values = [{"label": row["label"], "value": _number(row["value"]), "source": row.get("source") or ""}
              for row in rows]
    title = lang.gettext("Employment rate of recent VET graduates and the EU target")
    table = ChartTable((lang.gettext("Figure"), lang.gettext("Employment rate"), lang.gettext("Source")),
                       tuple((v["label"], percent(v["value"], lang), v["source"]) for v in values))
    shown = [_labelled(lang, v["label"], percent(v["value"], lang)) for v in values if v["value"] is not None]
    reached = [v["label"] for v in values if v["value"] is not None and v["value"] >= target]
    target_text = designs.target_percent(float(target), lang)
    description = _sentences(
        lang.gettext("Employment rate of recent VET graduates — {figures}.").format(figures=lang.semicolons(shown))
        if shown else "",
        lang.ngettext("The EU target for {year} is {target}; {names} is at or above it.",
                      "The EU target for {year} is {target}; {names} are at or above it.", len(reached))
        .format(year=2025, target=target_text, names=lang.join(reached)) if reached else
        lang.gettext("The EU target for {year} is {target}.").format(year=2025, target=target_text),
        _hidden_sentence(lang, [(v["label"], "") for v in values if v["value"] is None]))
    return Chart(chart_id, title, description, _filled(designs.benchmark(float(target), lang), values), table)
