"""Disclosure control: primary suppression, secondary suppression, and the attacker's rounds.

The rules (defaults in ``content/site.toml``, section ``[disclosure]``):

* what is published is decided in ``precision``: bases rounded to ``rounding_base`` (5), rates to a
  step their rounded base supports, intervals worked out from the published figures only;
* a rate whose base is under ``min_base`` (25) is hidden (MIN_BASE);
* a median, quartile or mean computed from fewer than ``min_n_statistic`` (30)
  values is hidden (MIN_N);
* optionally, a rate whose numerator, or base minus numerator, is at most
  ``group_threshold`` is hidden (GROUP): it would tell nearly everyone's status;
* secondary suppression (SECONDARY): wherever cells add up to a published
  total (programmes within a field and a country, countries within all
  countries, single cohorts within the pooled cohorts, ...), a breakdown may
  not have exactly one hidden cell. The smallest published sibling is hidden
  too, or the total when there is no sibling, until no such breakdown is left;
* with ``attack`` on, the attacker (``attack``) is then run on what would be
  published, and the cells that hold a primary cell within its protection are
  hidden too (SECONDARY), until it narrows none.

The result is a ``SafeTable``: only this module can make one, and render, charts and publish accept nothing
else. It holds the figures as published (no numerator, no exact base, values to their published step);
that nothing hidden can be worked out from them is what the attacker checks, not what the type ensures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import DisclosureOptions
from .grouping import Groups
from .definitions import LEVELS, UNIT_COLUMNS
from .indicators import IndicatorCells
from .attack import PRIMARY_REASONS, Protection, Shown, attack, true_atoms
from .errors import BuildError, Problem
from .identities import GROUP_COLUMNS, build_system, group_keys, offer_pairs, offer_totals
from .precision import published_figures, round_count

#: Eurostat's flag for a value not published for confidentiality.
FLAG_SUPPRESSED = "c"

REASONS = {
    "MIN_BASE": "fewer than {min_base} graduates in the base",
    "MIN_N": "fewer than {min_n_statistic} values",
    "GROUP": "the figure would reveal the situation of almost every graduate in the group",
    "SECONDARY": "hidden so that a smaller group cannot be worked out from the totals",
}

#: (child level, parent level): children's cells add up to the parent's cell.
#: Every ancestor is listed, not only the direct parent: a total minus every
#: published programme gives away a single hidden one even across fields.
RELATIONS = (
    ("programme", "country_field"),
    ("programme", "country"),
    ("programme", "field"),
    ("programme", "all"),
    ("provider", "country"),
    ("provider", "all"),
    ("country_field", "country"),
    ("country_field", "field"),
    ("country_field", "all"),
    ("country", "all"),
    ("field", "all"),
)

SAFE_COLUMNS = ["level", *UNIT_COLUMNS, "cohort", "months_after", "indicator", "kind", "value",
                "ci_low", "ci_high", "base_rounded", "currency", "flag", "suppression_reason"]

_TOKEN = object()


class SafeTable:
    """Indicator cells fit to publish: rounded bases, values to their published step, hidden cells empty
    and flagged.

    Only ``apply_disclosure`` can make one. It carries no numerator and no exact base: what downstream code
    can show is what the published files show, and the attacker checks what can be worked out of that.
    """

    __slots__ = ("_cells", "cohorts", "pooled_label", "months", "options", "offered_by")

    def __init__(self, cells: pd.DataFrame, cohorts, pooled_label, months, options, *, offered_by=None,
                 _token=None):
        if _token is not _TOKEN:
            raise TypeError("a SafeTable is made only by disclosure.apply_disclosure")
        self._cells = cells
        self.cohorts = cohorts
        self.pooled_label = pooled_label
        self.months = months
        self.options = options
        #: which providers each programme's graduates came from (programme code -> provider codes)
        self.offered_by = offered_by or {}

    @property
    def cells(self) -> pd.DataFrame:
        """The published cells (a read-only view: modify a copy)."""
        return self._cells

    def __len__(self) -> int:
        return len(self._cells)


@dataclass(frozen=True)
class DisclosureReport:
    """What was hidden and why, as counts only."""

    counts: pd.DataFrame  # level, kind, published, MIN_BASE, MIN_N, GROUP, SECONDARY

    def lines(self) -> list[str]:
        total = self.counts.drop(columns=["level"]).sum()
        out = [f"Disclosure report: {int(total.sum() - total['published'])} of {int(total.sum())} cells hidden"]
        for row in self.counts.itertuples(index=False):
            hidden = ", ".join(f"{r} {int(getattr(row, r))}" for r in REASONS if getattr(row, r))
            out.append(f"  {row.level:<14} published {int(row.published):>7}" + (f"  hidden: {hidden}" if hidden else ""))
        return out


def primary_reasons(cells: pd.DataFrame, options: DisclosureOptions) -> np.ndarray:
    """The primary suppression reason of each cell ('' when it may be published)."""
    base = cells["base"].to_numpy()
    num = cells["numerator"].to_numpy()
    kind = cells["kind"].to_numpy()
    rate = kind == "rate"
    reason = np.full(len(cells), "", dtype=object)
    reason[rate & (base < options.min_base)] = "MIN_BASE"
    reason[~rate & (base < options.min_n_statistic)] = "MIN_N"
    if options.group_rule:
        t = options.group_threshold
        group = rate & (reason == "") & ((num <= t) | (base - num <= t))
        reason[group] = "GROUP"
    return reason


@dataclass(frozen=True)
class _Breakdown:
    """One additive breakdown: children whose cells add up to a parent cell, per group of the same keys.

    Children are listed by group, smallest base first (then earliest cell), the
    order in which a published sibling is chosen to be hidden.
    """

    children: np.ndarray   # cell index of each child
    group: np.ndarray      # the child's group
    size: np.ndarray       # children per group
    parent: np.ndarray     # cell index of each group's parent, -1 where no parent cell exists
    hide_total: bool = False  # a total given away is hidden itself rather than a second part


def _breakdowns(cells: pd.DataFrame, pooled_label: str, pooled_cohorts: set[str],
                offerings: pd.DataFrame | None = None) -> list[_Breakdown]:
    """Every additive breakdown of the cells, as integer index arrays made once."""
    codes = {name: pd.factorize(cells[name])[0] for name in ("level", *UNIT_COLUMNS, "cohort", "months_after",
                                                            "indicator")}
    # Compare codes, not strings: a million string comparisons per breakdown add up.
    levels = pd.Index(pd.unique(cells["level"]))
    level = codes["level"]
    at = {name: level == (levels.get_loc(name) if name in levels else -1) for name in LEVELS}
    additive = cells["kind"].isin(["rate", "mean"]).to_numpy()
    pairs = []
    for child, parent in RELATIONS:
        keys = [*LEVELS[parent], "cohort", "months_after", "indicator"]
        pairs.append((additive & at[child], additive & at[parent], keys, False))
    in_pool = cells["cohort"].isin(pooled_cohorts).to_numpy()
    pooled = (cells["cohort"] == pooled_label).to_numpy()
    for name, units in LEVELS.items():
        pairs.append((additive & at[name] & in_pool, additive & at[name] & pooled,
                      ["level", *units, "months_after", "indicator"], False))
    # A linked set of offers: its providers' cells add up to its programmes' cells. What it gives away is
    # protected by hiding the provider's total, not a second programme: the programmes' figures are what
    # students compare, a provider's total is the same graduates seen once more (on the demo, hiding a
    # second programme left 50 of 160 programmes without a headline figure, the total 29, as before).
    offer, total = offer_totals(cells, offerings)
    if (offer >= 0).any():
        codes["offer"] = offer + 1
        pairs.append((additive & (offer >= 0) & ~total, additive & total, ["offer", "cohort", "months_after", "indicator"],
                      True))
    base = cells["base"].to_numpy()
    out = []
    for is_child, is_parent, keys, hide_total in pairs:
        children, parents = np.flatnonzero(is_child), np.flatnonzero(is_parent)
        rows = np.concatenate([children, parents])
        groups = Groups.of([codes[k][rows] for k in keys], [int(codes[k].max()) + 1 for k in keys])
        group, parent_group = groups.ids[:len(children)], groups.ids[len(children):]
        # Children are in cell order, so a stable sort by (group, base) breaks ties by the earliest cell.
        order = np.argsort(group * (int(base.max(initial=0)) + 1) + base[children], kind="stable")
        parent = np.full(groups.count, -1)
        parent[parent_group] = parents
        out.append(_Breakdown(children[order], group[order], np.bincount(group, minlength=groups.count), parent,
                              hide_total))
    return out


def secondary_suppression(cells: pd.DataFrame, hidden: np.ndarray, pooled_label: str,
                          pooled_cohorts: set[str], offerings: pd.DataFrame | None = None) -> np.ndarray:
    """Mark further cells hidden until no published total exposes a single hidden cell.

    Returns a boolean array: True where a cell was hidden by this rule.
    """
    hidden = hidden.copy()
    secondary = np.zeros(len(cells), dtype=bool)
    breakdowns = _breakdowns(cells, pooled_label, pooled_cohorts, offerings)
    changed = True
    while changed:
        changed = False
        for b in breakdowns:
            child_hidden = hidden[b.children]
            hidden_children = np.bincount(b.group[child_hidden], minlength=len(b.size))
            exposed = (hidden_children == 1) & (b.parent >= 0)
            exposed[exposed] = ~hidden[b.parent[exposed]]
            if not exposed.any():
                continue
            changed = True
            alone = b.parent[exposed & ((b.size == 1) | b.hide_total)]
            hidden[alone] = secondary[alone] = True
            if b.hide_total:
                continue
            # Hide the smallest published sibling: it costs the least information.
            candidates = np.flatnonzero(~child_hidden & exposed[b.group])
            first = np.diff(b.group[candidates], prepend=-1) != 0
            pick = b.children[candidates[first]]
            hidden[pick] = secondary[pick] = True
    return secondary


#: Rounds of the attacker and further suppression before disclosure control gives up.
ATTACK_ROUNDS = 30


def attacker_suppression(cells: pd.DataFrame, reason: np.ndarray, pooled_label: str, pooled_cohorts: set[str],
                         options: DisclosureOptions, offerings: pd.DataFrame | None = None) -> np.ndarray:
    """Hide further cells until the attacker narrows no primary cell below its protection.

    Each round the attacker (``attack.attack``, given what would be published) names, for every primary
    cell it narrows, the published cells whose figures hold its bound there; ``_to_hide`` orders those and
    the cells around it, and the first is hidden (twice as many each further round the cell stays
    narrowed). Returns True where a cell was hidden by this rule; a ``BuildError`` naming the cells when
    ``ATTACK_ROUNDS`` rounds do not settle them (nothing is published then).
    """
    frame = cells.reset_index(drop=True)
    groups, group_of_cell = group_keys(frame)
    system = build_system(groups, pooled_label, pooled_cohorts, offerings)
    atoms = true_atoms(system, frame, group_of_cell)
    primary = np.isin(reason, PRIMARY_REASONS)
    hidden = reason != ""
    extra = np.zeros(len(frame), dtype=bool)
    base = frame["base"].to_numpy()
    indicator = frame["indicator"].to_numpy()
    stuck = np.zeros(len(frame), dtype=np.int64)
    protection = Protection.of(options)
    neighbours = _neighbours(system, frame, group_of_cell)
    # Hiding a cell takes a fact from the attacker, so a cell it could not narrow mostly stays so: after the
    # first round, only the cells it narrowed are attacked again, until none is; then all of them once more
    # (hiding a total can take away what made a small figure public, and so its exemption).
    targets = primary
    for _ in range(ATTACK_ROUNDS):
        shown = Shown.of_counts(frame, ~hidden, options.rounding_base)
        findings = attack(system, frame, group_of_cell, shown, targets, protection, atoms)
        if not findings.breaches:
            if targets is primary:
                return extra
            targets = primary
            continue
        targets = np.zeros(len(frame), dtype=bool)
        for interval in findings.breaches:
            targets[interval.cell] = True
            # A cell still narrowed round after round gets twice as many cells hidden for it each time.
            stuck[interval.cell] += 1
            picks = _to_hide(interval.cell, findings.binding.get(interval.cell, np.zeros(0, dtype=np.int64)),
                             neighbours, hidden, indicator, base)[:2 ** (stuck[interval.cell] - 1)]
            hidden[picks] = extra[picks] = True
    named = [" ".join(str(v) for v in frame.iloc[i.cell][[*GROUP_COLUMNS, "indicator"]] if str(v))
             for i in findings.breaches[:10]]
    raise BuildError([Problem("", None, None, "attack", f"{cell}: still narrowed below its protection") for cell in named],
                     len(findings.breaches[10:]),
                     headline=f"disclosure control: after {ATTACK_ROUNDS} rounds of further suppression the attacker "
                              f"still narrows {len(findings.breaches):,} primary cells; nothing was published. Set "
                              "[disclosure] attack = false to publish with protection against subtraction only")


def _to_hide(cell: int, holding: np.ndarray, neighbours, hidden: np.ndarray, indicator: np.ndarray,
             base: np.ndarray) -> np.ndarray:
    """The published cells to hide for a cell the attacker narrows, in order: of the cells that hold its
    bound, those of the same indicator; then those of the same indicator around it; then any that hold it;
    then any around it; each by smallest base first (it tells least)."""
    holding = holding[~hidden[holding]]
    near = neighbours(cell)
    near = near[~hidden[near]]
    same, near_same = (c[indicator[c] == indicator[cell]] for c in (holding, near))
    near_other = near[indicator[near] != indicator[cell]]
    ordered = [c[np.argsort(base[c], kind="stable")] for c in (same, near_same, holding, near_other)]
    return pd.unique(np.concatenate(ordered).astype(np.int64))


def _neighbours(system, frame: pd.DataFrame, group_of_cell: np.ndarray):
    """A function giving, for a cell, the cells in its own group and in the groups next to it (those it adds
    up to, those that add up to it, and those that add up to the same group): those of the same indicator
    first, then the others."""
    links = system.links
    up = pd.Series(links["parent"].to_numpy()).groupby(links["child"].to_numpy()).agg(list).to_dict()
    down = pd.Series(links["child"].to_numpy()).groupby(links["parent"].to_numpy()).agg(list).to_dict()
    indicator = frame["indicator"].to_numpy()
    cells_of = pd.Series(np.arange(len(frame))).groupby(group_of_cell).agg(list).to_dict()

    def find(cell: int) -> np.ndarray:
        group = group_of_cell[cell]
        parents = up.get(group, [])
        near = {group, *parents, *down.get(group, []), *(s for p in parents for s in down.get(p, []))}
        found = np.asarray([c for g in sorted(near) for c in cells_of.get(g, []) if c != cell], dtype=np.int64)
        return np.concatenate([found[indicator[found] == indicator[cell]], found[indicator[found] != indicator[cell]]])

    return find


def apply_disclosure(indicators: IndicatorCells, options: DisclosureOptions) -> tuple[SafeTable, DisclosureReport]:
    """Round, suppress and package the cells that may be published."""
    cells = indicators.cells
    reason = primary_reasons(cells, options)
    if options.secondary:
        extra = secondary_suppression(cells, reason != "", indicators.pooled_label, indicators.pooled_cohorts,
                                      offer_pairs(indicators.offered_by))
        reason[extra & (reason == "")] = "SECONDARY"
    if options.attack:
        extra = attacker_suppression(cells, reason, indicators.pooled_label, indicators.pooled_cohorts, options,
                                     offer_pairs(indicators.offered_by))
        reason[extra] = "SECONDARY"
    hidden = reason != ""
    # The code columns are passed on as they are (no copy); only the figures change.
    safe = cells[["level", *UNIT_COLUMNS, "cohort", "months_after", "indicator", "kind", "currency"]].reset_index(drop=True)
    rounded = round_count(cells["base"], options.rounding_base)
    kind = cells["kind"].to_numpy()
    value, low, high = published_figures(kind, cells["numerator"].to_numpy(), cells["base"].to_numpy(), rounded)
    quantile = kind == "quantile"
    value = np.where(quantile, cells["value"].to_numpy(), value)
    safe["value"] = np.where(hidden, np.nan, value)
    safe["ci_low"] = np.where(hidden, np.nan, low)
    safe["ci_high"] = np.where(hidden, np.nan, high)
    safe["base_rounded"] = pd.arrays.IntegerArray(rounded, hidden)
    safe["flag"] = _text(hidden.astype(np.intp), ["", FLAG_SUPPRESSED])
    safe["suppression_reason"] = _text(*pd.factorize(reason))
    safe = safe[SAFE_COLUMNS]
    report = _report(safe)
    # Which providers offer a programme is passed on as it is: it holds codes, no count, and every programme
    # and provider page names it whatever their figures (a programme with every figure hidden still has its
    # providers). Only what crosses here reaches the site model.
    table = SafeTable(safe, indicators.cohorts, indicators.pooled_label, indicators.months, options,
                      offered_by=dict(indicators.offered_by), _token=_TOKEN)
    return table, report


def _text(codes: np.ndarray, labels) -> pd.api.extensions.ExtensionArray:
    """Codes as pandas strings, made from the few labels rather than a million Python strings."""
    return pd.array(list(labels), dtype="str").take(codes)


def _report(safe: pd.DataFrame) -> DisclosureReport:
    counts = pd.crosstab(safe["level"], safe["suppression_reason"].replace("", "published"))
    for col in ["published", *REASONS]:
        if col not in counts:
            counts[col] = 0
    order = [lvl for lvl in LEVELS if lvl in counts.index]
    counts = counts.loc[order, ["published", *REASONS]].reset_index()
    return DisclosureReport(counts)
