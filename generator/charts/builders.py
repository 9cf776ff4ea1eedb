"""The charts of a page: a design filled with the page's rows, a table and a description.

Every builder takes plain rows (lists of dicts) from the published, disclosure-
checked tables. A share of None is a suppressed figure: it is drawn as "not
published" at its place, never as 0, and the table and description say so.
Only the fields a chart documents are copied into its spec, so nothing else a
row carries can end up in a page's inline data.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping

from . import designs
from .model import (DESTINATIONS, NOT_PUBLISHED, RELATED_ANSWERS, STATUSES, Chart, ChartTable,
                    currency_affixes, interval, join_words, money, percent, whole_number)

Rows = Iterable[Mapping]

#: How many sectors are drawn by name before the rest are summed into "Other sectors".
TOP_SECTORS = 8
OTHER_SECTORS = "Other sectors"


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
    """A copy of a cached design with the page's rows (a JSON round trip: about 0.3 ms)."""
    spec = json.loads(json.dumps(design))
    spec["data"] = {"values": values}
    return spec


def _hidden_sentence(hidden: list[tuple[str, str]], what: str = "figure") -> str:
    """ "The figures for 2017 and 2023 are not published (fewer than 25 graduates in the base)." """
    if not hidden:
        return ""
    by_reason: dict[str, list[str]] = {}
    for name, reason in hidden:
        by_reason.setdefault(reason, []).append(name)
    if len(by_reason) > 1:
        return _not_published(by_reason)
    [(reason, names)] = by_reason.items()
    subject = f"The {what} for {names[0]} is" if len(names) == 1 else f"The {what}s for {join_words(names)} are"
    return f"{subject} {NOT_PUBLISHED}" + (f" ({reason})." if reason else ".")


def _not_published(by_reason: Mapping[str, list[str]]) -> str:
    """ "Not published: A and B (reason one); C (reason two)." """
    groups = [join_words(names) + (f" ({reason})" if reason else "") for reason, names in by_reason.items()]
    return "Not published: " + "; ".join(groups) + "."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _sentences(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def destinations_chart(rows: Rows, *, chart_id: str = "destinations") -> Chart:
    """Where graduates were at each observation point: a stacked bar of the five destinations."""
    values = [{"months_after": int(row["months_after"]), "destination": row["destination"],
               "share": _number(row["share"]), "reason": _reason(row)} for row in rows]
    unknown = {v["destination"] for v in values} - set(DESTINATIONS)
    if unknown:
        raise ValueError(f"unknown destinations {sorted(unknown)}; expected {DESTINATIONS}")
    points = sorted({v["months_after"] for v in values})
    cell = {(v["months_after"], v["destination"]): v for v in values}
    table_rows = tuple((f"{m} months", *(percent(cell[m, d]["share"]) if (m, d) in cell else "no data"
                                         for d in DESTINATIONS)) for m in points)
    largest, hidden = [], {}
    for m in points:
        published = [v for v in values if v["months_after"] == m and v["share"] is not None]
        if published:
            largest.append((m, max(published, key=lambda v: (v["share"], -DESTINATIONS.index(v["destination"])))))
        missing = [v for v in values if v["months_after"] == m and v["share"] is None]
        by_reason: dict[str, list[str]] = {}
        for v in missing:
            by_reason.setdefault(v["reason"], []).append(v["destination"].lower())
        for reason, names in by_reason.items():
            what = "all destinations" if len(missing) == len(DESTINATIONS) == len(names) else join_words(names)
            hidden.setdefault(reason, []).append(f"{what} after {m} months")
    if not largest:
        lead = ""
    elif len({top["destination"] for _, top in largest}) == 1 and len(largest) > 1:
        lead = (f"{largest[0][1]['destination']} was the largest group at every point: "
                + join_words([f"{percent(top['share'])} after {m} months" for m, top in largest]) + ".")
    else:
        lead = ("The largest group was " + join_words([f"{top['destination'].lower()} after {m} months "
                                                      f"({percent(top['share'])})" for m, top in largest]) + ".")
    last = points[-1] if points else None
    unemployed = cell.get((last, "Unemployed"), {}).get("share")
    title = "What graduates were doing " + join_words([str(m) for m in points]) + " months after qualifying" \
        if points else "What graduates were doing after qualifying"
    description = _sentences(
        lead,
        f"After {last} months, {percent(unemployed)} were unemployed." if unemployed is not None and
        all(top["destination"] != "Unemployed" for m, top in largest if m == last) else "",
        _not_published(hidden) if hidden else "")
    return Chart(chart_id, title, description or "No figures are available.",
                 _filled(designs.destinations(), values),
                 ChartTable(("Time after qualifying", *DESTINATIONS), table_rows))


def cohort_chart(rows: Rows, *, chart_id: str = "cohorts") -> Chart:
    """Employment rate 12 months after qualifying, one point with its 95% interval per cohort."""
    values = [{"cohort": str(row["cohort"]), "share": _number(row["share"]), "ci_low": _number(row.get("ci_low")),
               "ci_high": _number(row.get("ci_high")), "base": _integer(row.get("base")), "reason": _reason(row)}
              for row in rows]
    values.sort(key=lambda v: v["cohort"])
    title = "Employed 12 months after qualifying, year by year"
    table = ChartTable(("Year of qualifying", "Employment rate", "95% interval", "Graduates in base"),
                       tuple((v["cohort"], percent(v["share"]), interval(v["ci_low"], v["ci_high"]),
                              whole_number(v["base"])) for v in values))
    published = [v for v in values if v["share"] is not None]
    latest = ""
    if published:
        last = published[-1]
        detail = ", ".join(part for part in (
            f"95% interval {interval(last['ci_low'], last['ci_high'])}" if last["ci_low"] is not None else "",
            f"{whole_number(last['base'])} graduates" if last["base"] is not None else "") if part)
        latest = (f"Of those who qualified in {last['cohort']}, {percent(last['share'])} were employed "
                  f"12 months later{f' ({detail})' if detail else ''}.")
    spread = ""
    if len(published) > 1:
        low = min(published, key=lambda v: (v["share"], v["cohort"]))
        high = max(published, key=lambda v: (v["share"], v["cohort"]))
        spread = (f"Across the years shown the rate ranged from {percent(low['share'])} ({low['cohort']}) "
                  f"to {percent(high['share'])} ({high['cohort']}).")
    hidden = _hidden_sentence([(v["cohort"], v["reason"]) for v in values if v["share"] is None])
    # What fits under each year depends on how many years there are; a design per case.
    design = designs.cohorts(years=min(len(values), 10))
    return Chart(chart_id, title, _sentences(latest, spread, hidden) or "No figures are available.",
                 _filled(design, values), table)


def _sector_rows(values: list[dict]) -> list[dict]:
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
        drawn = published[:TOP_SECTORS] + [{"code": "", "sector": f"{OTHER_SECTORS} ({len(rest)})",
                                            "share": round(sum(v["share"] for v in rest), 1), "reason": ""}]
    if len(hidden) > 3:
        reasons = sorted({v["reason"] for v in hidden if v["reason"]})
        name = f"{len(hidden)} other sectors" if drawn else f"{len(hidden)} sectors"
        hidden = [{"code": "", "sector": name, "share": None, "reason": "; ".join(reasons)}]
    return drawn + hidden


def sectors_chart(rows: Rows, *, chart_id: str = "sectors") -> Chart:
    """Sectors of employment (NACE sections), largest first, the smallest grouped as "Other sectors"."""
    values = [{"code": str(row.get("code") or ""), "sector": row["sector"], "share": _number(row["share"]),
               "reason": _reason(row)} for row in rows]
    ordered = sorted(values, key=lambda v: (v["share"] is None, -(v["share"] or 0), v["sector"]))
    title = "Sectors where employed graduates work"
    table = ChartTable(("Sector", "Share of employed graduates"),
                       tuple((v["sector"], percent(v["share"])) for v in ordered))
    top = [v for v in ordered if v["share"] is not None][:3]
    lead = (f"The largest sector{'s are' if len(top) > 1 else ' is'} "
            + join_words([f"{v['sector']} ({percent(v['share'])})" for v in top]) + ".") if top else ""
    hidden = _hidden_sentence([(v["sector"], v["reason"]) for v in ordered if v["share"] is None], "share")
    design = designs.shares("sector", "Sector", "Share of employed graduates")
    return Chart(chart_id, title, _sentences(lead, hidden) or "No figures are available.",
                 _filled(design, _sector_rows(values)), table)


_RELATED_PHRASES = {"Related": "a job related to their training", "Partly related": "a partly related job",
                    "Not related": "an unrelated job"}


def related_chart(rows: Rows, *, chart_id: str = "related") -> Chart:
    """Whether employed graduates' jobs are related to their training (EQAVET indicator 6)."""
    values = [{"answer": row["answer"], "share": _number(row["share"]), "reason": _reason(row)} for row in rows]
    unknown = {v["answer"] for v in values} - set(RELATED_ANSWERS)
    if unknown:
        raise ValueError(f"unknown answers {sorted(unknown)}; expected {RELATED_ANSWERS}")
    values.sort(key=lambda v: RELATED_ANSWERS.index(v["answer"]))
    title = "Is the job related to the training?"
    table = ChartTable(("Job related to the training", "Share of employed graduates"),
                       tuple((v["answer"], percent(v["share"])) for v in values))
    shown = [f"{percent(v['share'])} {_RELATED_PHRASES[v['answer']]}" for v in values if v["share"] is not None]
    if shown:
        shown[0] = shown[0].replace(" ", " had ", 1)
    lead = f"Of employed graduates, {join_words(shown)}." if shown else ""
    hidden = _hidden_sentence([(v["answer"].lower(), v["reason"]) for v in values if v["share"] is None], "share")
    design = designs.shares("answer", "Job related to the training", "Share of employed graduates")
    return Chart(chart_id, title, _sentences(lead, hidden) or "No figures are available.",
                 _filled(design, values), table)


def earnings_chart(rows: Rows, currency: str, *, chart_id: str = "earnings") -> Chart:
    """Median gross monthly earnings with the lower and upper quartile, per comparison group."""
    values = [{"group": row["group"], "q1": _number(row.get("q1")), "median": _number(row["median"]),
               "q3": _number(row.get("q3")), "reason": _reason(row)} for row in rows]
    title = f"Gross monthly earnings of full-time employed graduates ({currency})"
    table = ChartTable(("Group", "Lower quartile", "Median", "Upper quartile"),
                       tuple((v["group"], money(v["q1"], currency), money(v["median"], currency),
                              money(v["q3"], currency)) for v in values))
    shown = [f"{v['group']}: {money(v['median'], currency)}" for v in values if v["median"] is not None]
    lead = f"Median gross monthly earnings — {'; '.join(shown)}." if shown else ""
    spread = next((f"For {_lower_first(v['group'])}, the middle half earned between {money(v['q1'], currency)} and "
                   f"{money(v['q3'], currency)}." for v in values if v["q1"] is not None and v["q3"] is not None), "")
    hidden = _hidden_sentence([(_lower_first(v["group"]), v["reason"]) for v in values if v["median"] is None],
                              "median")
    return Chart(chart_id, title, _sentences(lead, spread, hidden) or "No figures are available.",
                 _filled(designs.earnings(*currency_affixes(currency)), values), table)


def comparison_chart(rows: Rows, title: str, *, chart_id: str = "comparison") -> Chart:
    """Rates side by side (a programme, its field, its country; or up to six programmes) with intervals."""
    values = [{"group": row["group"], "share": _number(row["share"]), "ci_low": _number(row.get("ci_low")),
               "ci_high": _number(row.get("ci_high")), "base": _integer(row.get("base")), "reason": _reason(row)}
              for row in rows]
    table = ChartTable(("Group", "Rate", "95% interval", "Graduates in base"),
                       tuple((v["group"], percent(v["share"]), interval(v["ci_low"], v["ci_high"]),
                              whole_number(v["base"])) for v in values))
    published = [v for v in values if v["share"] is not None]
    shown = [f"{v['group']}: {percent(v['share'])}"
             + (f" ({whole_number(v['base'])} graduates)" if v["base"] is not None else "") for v in published]
    lead = f"{title} — {'; '.join(shown)}." if shown else ""
    highest = ""
    if len(published) > 2:
        top = max(published, key=lambda v: v["share"])
        highest = f"The highest is {top['group']}."
    hidden = _hidden_sentence([(v["group"], v["reason"]) for v in values if v["share"] is None])
    return Chart(chart_id, title, _sentences(lead, highest, hidden) or "No figures are available.",
                 _filled(designs.comparison(), values), table)


def timeline_chart(rows: Rows, *, chart_id: str = "timeline") -> Chart:
    """A country's graduate tracking status year by year, the status written in each cell."""
    values = [{"year": int(row["year"]), "status": row["status"]} for row in rows]
    unknown = {v["status"] for v in values} - set(STATUSES)
    if unknown:
        raise ValueError(f"unknown statuses {sorted(unknown)}; expected {STATUSES}")
    values.sort(key=lambda v: (v["year"], STATUSES.index(v["status"])))
    by_year: dict[int, list[str]] = {}
    for v in values:
        by_year.setdefault(v["year"], []).append(v["status"])
    title = "Graduate tracking status by year"
    table = ChartTable(("Year", "Status"), tuple((str(year), " and ".join(statuses))
                                                 for year, statuses in by_year.items()))
    spans = []
    for status in dict.fromkeys(v["status"] for v in values):
        years = [v["year"] for v in values if v["status"] == status]
        spans.append(f"{status.lower()} {years[0]}" + (f"–{years[-1]}" if years[-1] != years[0] else ""))
    description = (f"Status by year: {join_words(spans)}. In {values[-1]['year']} the status was "
                   f"{' and '.join(by_year[values[-1]['year']]).lower()}.") if values else "No status is recorded."
    return Chart(chart_id, title, description, _filled(designs.timeline(), values), table)


def benchmark_chart(rows: Rows, target: float = 82.0, *, chart_id: str = "benchmark") -> Chart:
    """Employment rates of recent VET graduates against the EU-level 2025 target (a dashed rule)."""
    values = [{"label": row["label"], "value": _number(row["value"]), "source": row.get("source") or ""}
              for row in rows]
    title = "Employment rate of recent VET graduates and the EU target"
    table = ChartTable(("Figure", "Employment rate", "Source"),
                       tuple((v["label"], percent(v["value"]), v["source"]) for v in values))
    shown = [f"{v['label']}: {percent(v['value'])}" for v in values if v["value"] is not None]
    reached = [v["label"] for v in values if v["value"] is not None and v["value"] >= target]
    description = _sentences(
        f"Employment rate of recent VET graduates — {'; '.join(shown)}." if shown else "",
        f"The EU target for 2025 is {target:g}%" + (f"; {join_words(reached)} {'is' if len(reached) == 1 else 'are'}"
                                                    " at or above it." if reached else "."),
        _hidden_sentence([(v["label"], "") for v in values if v["value"] is None]))
    return Chart(chart_id, title, description, _filled(designs.benchmark(float(target)), values), table)
