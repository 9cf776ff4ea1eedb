"""Disclosure control: rounding, primary and secondary suppression.

The rules (defaults in ``content/site.toml``, section ``[disclosure]``):

* counts are published rounded to the nearest ``rounding_base`` (5); rates are
  computed from the unrounded values;
* a rate whose base is under ``min_base`` (25) is hidden (MIN_BASE);
* a median, quartile or mean computed from fewer than ``min_n_statistic`` (30)
  values is hidden (MIN_N);
* optionally, a rate whose numerator, or base minus numerator, is at most
  ``group_threshold`` is hidden (GROUP): it would tell nearly everyone's status;
* secondary suppression (SECONDARY): wherever cells add up to a published
  total (programmes within a field and a country, countries within all
  countries, single cohorts within the pooled cohorts, ...), a breakdown may
  not have exactly one hidden cell, because the total minus its published
  siblings would give it away. The smallest published sibling is hidden too,
  or the total when there is no sibling, until no such breakdown is left.

The result is a ``SafeTable``. It holds no numerator and no exact count, and
only this module can make one: render, charts and publish accept nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import DisclosureOptions
from .indicators import LEVELS, UNIT_COLUMNS, IndicatorCells

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
    """Indicator cells fit to publish: rounded counts, hidden cells empty and flagged.

    Only ``apply_disclosure`` can make one. It carries no numerator and no
    exact base, so nothing downstream can reach the records through it.
    """

    __slots__ = ("_cells", "cohorts", "pooled_label", "months", "options")

    def __init__(self, cells: pd.DataFrame, cohorts, pooled_label, months, options, *, _token=None):
        if _token is not _TOKEN:
            raise TypeError("a SafeTable is made only by disclosure.apply_disclosure")
        self._cells = cells
        self.cohorts = cohorts
        self.pooled_label = pooled_label
        self.months = months
        self.options = options

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


def round_count(values, base: int) -> np.ndarray:
    """Round counts to the nearest multiple of ``base``, halves up (12.5 -> 15 for base 5)."""
    v = np.asarray(values, dtype="float64")
    return (np.floor(v / base + 0.5) * base).astype("int64")


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


def _relation_frames(cells: pd.DataFrame, pooled_label: str, pooled_cohorts: set[str]):
    """Yield (children index, parent index, join keys) for every additive breakdown."""
    additive = cells["kind"].isin(["rate", "mean"])
    for child, parent in RELATIONS:
        keys = [*LEVELS[parent], "cohort", "months_after", "indicator"]
        yield (cells.index[additive & (cells["level"] == child)], cells.index[additive & (cells["level"] == parent)], keys)
    for level, units in LEVELS.items():
        keys = ["level", *units, "months_after", "indicator"]
        at_level = additive & (cells["level"] == level)
        yield (cells.index[at_level & cells["cohort"].isin(pooled_cohorts)],
               cells.index[at_level & (cells["cohort"] == pooled_label)], keys)


def secondary_suppression(cells: pd.DataFrame, hidden: np.ndarray, pooled_label: str,
                          pooled_cohorts: set[str]) -> np.ndarray:
    """Mark further cells hidden until no published total exposes a single hidden cell.

    Returns a boolean array: True where a cell was hidden by this rule.
    """
    hidden = pd.Series(hidden.copy(), index=cells.index)
    secondary = pd.Series(False, index=cells.index)
    relations = list(_relation_frames(cells, pooled_label, pooled_cohorts))
    changed = True
    while changed:
        changed = False
        for child_idx, parent_idx, keys in relations:
            if not len(child_idx) or not len(parent_idx):
                continue
            children = cells.loc[child_idx, keys + ["base"]].assign(hidden=hidden[child_idx].to_numpy())
            parents = cells.loc[parent_idx, keys].assign(parent_hidden=hidden[parent_idx].to_numpy(),
                                                         parent_index=parent_idx)
            stats = children.groupby(keys, sort=False, observed=True)["hidden"].agg(["sum", "size"]).reset_index()
            stats = stats.merge(parents, on=keys, how="inner")
            exposed = stats[(stats["sum"] == 1) & ~stats["parent_hidden"]]
            if exposed.empty:
                continue
            changed = True
            alone = exposed[exposed["size"] == 1]
            hidden[alone["parent_index"].to_numpy()] = True
            secondary[alone["parent_index"].to_numpy()] = True
            with_siblings = exposed.loc[exposed["size"] > 1, keys]
            candidates = children[~children["hidden"]].reset_index().merge(with_siblings, on=keys, how="inner")
            if len(candidates):
                # Hide the smallest published sibling: it costs the least information.
                pick = candidates.sort_values(["base", "index"]).drop_duplicates(subset=keys, keep="first")["index"]
                hidden[pick.to_numpy()] = True
                secondary[pick.to_numpy()] = True
    return secondary.to_numpy()


def apply_disclosure(indicators: IndicatorCells, options: DisclosureOptions) -> tuple[SafeTable, DisclosureReport]:
    """Round, suppress and package the cells that may be published."""
    cells = indicators.cells
    reason = primary_reasons(cells, options)
    if options.secondary:
        pooled_cohorts = {str(c) for c in indicators.cohorts if _in_pool(c, indicators.pooled_label)}
        extra = secondary_suppression(cells, reason != "", indicators.pooled_label, pooled_cohorts)
        reason[extra & (reason == "")] = "SECONDARY"
    hidden = reason != ""
    safe = pd.DataFrame({
        "level": cells["level"].to_numpy(),
        **{c: cells[c].to_numpy() for c in UNIT_COLUMNS},
        "cohort": cells["cohort"].to_numpy(),
        "months_after": cells["months_after"].to_numpy(),
        "indicator": cells["indicator"].to_numpy(),
        "kind": cells["kind"].to_numpy(),
        "value": np.where(hidden, np.nan, cells["value"].to_numpy()),
        "ci_low": np.where(hidden, np.nan, cells["ci_low"].to_numpy()),
        "ci_high": np.where(hidden, np.nan, cells["ci_high"].to_numpy()),
        "base_rounded": pd.array(np.where(hidden, -1, round_count(cells["base"], options.rounding_base)), dtype="Int64"),
        "currency": cells["currency"].to_numpy(),
        "flag": np.where(hidden, FLAG_SUPPRESSED, ""),
        "suppression_reason": reason.astype(str),
    })
    safe.loc[hidden, "base_rounded"] = pd.NA
    report = _report(safe)
    table = SafeTable(safe, indicators.cohorts, indicators.pooled_label, indicators.months, options, _token=_TOKEN)
    return table, report


def _in_pool(cohort: int, pooled_label: str) -> bool:
    first, _, last = pooled_label.partition("-")
    return int(first) <= cohort <= int(last or first)


def _report(safe: pd.DataFrame) -> DisclosureReport:
    counts = pd.crosstab(safe["level"], safe["suppression_reason"].replace("", "published"))
    for col in ["published", *REASONS]:
        if col not in counts:
            counts[col] = 0
    order = [lvl for lvl in LEVELS if lvl in counts.index]
    counts = counts.loc[order, ["published", *REASONS]].reset_index()
    return DisclosureReport(counts)


def reason_text(reason: str, options: DisclosureOptions) -> str:
    """The plain-language reason a cell is not published."""
    return REASONS[reason].format(min_base=options.min_base, min_n_statistic=options.min_n_statistic)
