"""The aggregate stage for an aggregated input: supplied counts in, indicator cells out.

When the counting ran upstream (``generator/sql/aggregate.sql`` or a statistics
office's own pipeline), the input holds, per cell, the numerators and bases
that ``indicators.compute_indicators`` would have summed from the records, and
the earnings quartiles. This module lays them out as the same
``IndicatorCells``, row for row, so that disclosure control and everything
after it cannot tell the two inputs apart. Nothing is re-derived: a cell the
supplier withheld (flag ``c``) gives no figure, and supplier-rounded counts are
used as they are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .definitions import CELL_COLUMNS, EARNINGS, EARNING_LEVELS, LEVELS, RATES, UNIT_COLUMNS
from .indicators import IndicatorCells, wilson_interval

#: The aggregated-input column of each earnings quartile (EARN_Q1 -> earn_q1).
QUARTILE_COLUMNS = {indicator: indicator.lower() for indicator in EARNINGS}


def pooled_cohorts_of(cohorts: tuple[int, ...], pooled_cohorts: int) -> tuple[tuple[int, ...], str]:
    """The cohorts pooled together and their label, as ``compute_indicators`` chooses them."""
    pooled = cohorts[-pooled_cohorts:]
    return pooled, f"{pooled[0]}-{pooled[-1]}" if len(pooled) > 1 else str(pooled[0])


def cells_from_counts(counts: pd.DataFrame, pooled_cohorts: int = 3) -> IndicatorCells:
    """All indicator cells of an aggregated input, in the order ``compute_indicators`` gives them."""
    single = counts["cohort"].str.fullmatch(r"\d{4}")
    cohorts = tuple(sorted(int(c) for c in pd.unique(counts.loc[single, "cohort"])))
    pooled, pooled_label = pooled_cohorts_of(cohorts, pooled_cohorts)
    supplied = sorted(set(counts.loc[~single, "cohort"]))
    if supplied != ([pooled_label] if len(pooled) > 1 else []):
        pools = f"pools {pooled_label}" if len(pooled) > 1 else "pools no cohorts"
        raise InputError([Problem("content/site.toml", None, "indicators.pooled_cohorts", "pooled-cohorts",
                                  f"is {pooled_cohorts}, which {pools}, but the aggregated input pools "
                                  f"{', '.join(supplied) or 'no cohorts'}; make them agree")])
    kept = counts[counts["flag"].isna()]  # withheld by the supplier: no figure, and none worked out
    parts = []
    for level, units in LEVELS.items():
        at_level = kept[kept["level"] == level]
        # compute_indicators sorts its groups by unit, cohort year and observation point.
        by_cohort = at_level[single[at_level.index]].assign(year=lambda f: f["cohort"].astype(int))
        parts.append(_long(by_cohort.sort_values([*units, "year", "months_after"]), level))
        if len(pooled) > 1:
            by_pool = at_level[at_level["cohort"] == pooled_label]
            parts.append(_long(by_pool.sort_values([*units, "months_after"]), level))
    cells = pd.concat(parts, ignore_index=True)
    # From here on, as compute_indicators: drop empty bases, then values and Wilson intervals.
    cells = cells[cells["base"] > 0].reset_index(drop=True)
    rate = cells["kind"] == "rate"
    mean = cells["kind"] == "mean"
    with np.errstate(divide="ignore", invalid="ignore"):
        cells["value"] = np.where(rate | mean, cells["numerator"] / cells["base"], cells["numerator"])
    low, high = wilson_interval(cells["numerator"], cells["base"])
    cells["ci_low"] = np.where(rate, low, np.nan)
    cells["ci_high"] = np.where(rate, high, np.nan)
    months = tuple(sorted(int(m) for m in pd.unique(counts["months_after"])))
    return IndicatorCells(cells[CELL_COLUMNS], cohorts, pooled_label, months)


def _long(wide: pd.DataFrame, level: str) -> pd.DataFrame:
    """One row per indicator of every supplied cell (counts as integers, quartiles as given)."""
    units = {c: wide[c].fillna("").astype(str).to_numpy(dtype=object) for c in UNIT_COLUMNS}
    common = {**units, "cohort": wide["cohort"].astype(str).to_numpy(dtype=object),
              "months_after": wide["months_after"].to_numpy(dtype="int64")}

    def count(column: str) -> np.ndarray:
        return wide[column].fillna(0).to_numpy(dtype="int64")

    pieces = [pd.DataFrame({**common, "indicator": indicator, "kind": "rate",
                            "numerator": count(num).astype("float64"), "base": count(base), "currency": ""})
              for indicator, (num, base, _ref) in RATES.items()]
    pieces.append(pd.DataFrame({**common, "indicator": "MONTHS_EMP", "kind": "mean",
                                "numerator": count("months_sum").astype("float64"), "base": count("months_known"),
                                "currency": ""}))
    if level in EARNING_LEVELS:
        summarised = wide["earn_n"].notna().to_numpy()
        for indicator, column in QUARTILE_COLUMNS.items():
            pieces.append(pd.DataFrame({**{c: v[summarised] for c, v in common.items()}, "indicator": indicator,
                                        "kind": "quantile",
                                        "numerator": wide[column].to_numpy(dtype="float64")[summarised],
                                        "base": count("earn_n")[summarised],
                                        "currency": wide["currency"].astype(str).to_numpy(dtype=object)[summarised]}))
    out = pd.concat(pieces, ignore_index=True)
    out.insert(0, "level", level)
    return out
