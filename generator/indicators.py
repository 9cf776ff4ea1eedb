"""Pure tabulations: checked records in, indicator cells out.

Every indicator (``definitions.py`` names them and the levels) is computed for each cohort year and observation
point at six levels (programme, provider, field within a country, country,
field across countries, all countries), plus a pooled figure over the latest
cohorts. Each rate keeps its numerator and base; the disclosure stage decides
what may be published. Nothing here is rounded or hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .codelists import nace_sections
from .definitions import CELL_COLUMNS, EARNING_LEVELS, EARNINGS, LEVELS, RATES, UNIT_COLUMNS
from .grouping import Groups, grouped_quantiles

#: z for a two-sided 95% interval.
Z95 = 1.959963984540054


@dataclass(frozen=True)
class IndicatorCells:
    """Unrounded indicator cells in long format (one row per unit, cohort, point, indicator).

    Holds numerators and exact bases, so it is as private as the records: only
    the disclosure stage may read it.
    """

    cells: pd.DataFrame
    cohorts: tuple[int, ...]
    pooled_label: str
    months: tuple[int, ...]
    #: which providers each programme's graduates came from, by programme code (codes only, no count)
    offered_by: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def pooled_cohorts(self) -> set[str]:
        """The cohorts that the pooled figures add up, as they are written in the ``cohort`` column."""
        first, _, last = self.pooled_label.partition("-")
        return {str(c) for c in self.cohorts if int(first) <= c <= int(last or first)}


def wilson_interval(numerator, base, z: float = Z95):
    """Wilson score interval for a binomial proportion, vectorised; NaN where base is 0."""
    n = np.asarray(base, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.asarray(numerator, dtype="float64") / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def destination_flags(contact: pd.Series, status: pd.Series, in_education: pd.Series) -> dict[str, np.ndarray]:
    """The 0/1 flags that a graduate's contact, labour-market status and education decide."""
    status = status.astype("string")
    observed = contact.isin(["RESPONDED", "MATCHED"]).to_numpy()
    status_known = observed & (status != "UNK").fillna(False).to_numpy()
    emp = status_known & (status == "EMP").fillna(False).to_numpy()
    edu_known = in_education.notna().to_numpy()
    edu = in_education.fillna(False).to_numpy(dtype=bool)
    dest_known = status_known & edu_known
    une = (status == "UNE").fillna(False).to_numpy()
    ina = (status == "INA").fillna(False).to_numpy()
    return {
        "cohort_size": np.ones(len(contact), dtype=bool),
        "observed": observed,
        "status_known": status_known,
        "emp": emp,
        "dest_known": dest_known,
        "placed": dest_known & (emp | edu),
        "neet": dest_known & ~emp & ~edu,
        "work_study": dest_known & emp & edu,
        "work_only": dest_known & emp & ~edu,
        "study_only": dest_known & ~emp & edu,
        "unemployed": dest_known & une & ~edu,
        "inactive": dest_known & ina & ~edu,
    }


#: Sums over employed graduates, one answer each: column -> (those who answered, {sum: answer counted}).
JOB_SUMS = {
    "job_related": ("related_known", {"related_yes": "YES", "related_partly": "PARTLY", "related_no": "NO"}),
    "work_regime": ("regime_known", {"full_time": "FT"}),
    "nace_section": ("nace_known", {f"nace_{letter}": letter for letter in nace_sections()}),
}

_QUARTILES = (0.25, 0.5, 0.75)


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Category codes (-1 where missing) and the sorted categories of a column of codes."""
    as_category = column.astype("category")  # no copy: the loader already stores codes as categories
    categories = as_category.cat.categories
    if not categories.is_monotonic_increasing:
        as_category = as_category.cat.reorder_categories(categories.sort_values())
    return as_category.cat.codes.to_numpy().astype(np.int32), as_category.cat.categories


def _with_missing(categories) -> pd.Series:
    """The categories then a missing value: indexed by a code, -1 (missing) reads the last one."""
    return pd.Series([*categories, None], dtype="object")


@dataclass(frozen=True)
class _Tabulation:
    """Every sum of the indicators per finest group (country, field, programme, provider, cohort, point).

    Counts add up, so each level's sums are sums of these rows; earnings are
    kept per record (with their finest group), as quartiles do not add up.
    """

    keys: dict[str, np.ndarray]        # key codes of each finest group
    labels: dict[str, np.ndarray]      # what each key code stands for
    sums: dict[str, np.ndarray]        # sum name -> per finest group
    earnings: np.ndarray               # earnings of the full-time employed, sorted ascending
    earnings_group: np.ndarray         # their finest group
    earnings_currency: np.ndarray      # their currency code (0 when missing)
    currencies: np.ndarray             # currency code -> ISO code ("" for missing)


def _tabulation(graduates: pd.DataFrame, programmes: pd.DataFrame) -> _Tabulation:
    g = graduates
    geo, geo_labels = _codes(g["geo"])
    programme, programme_labels = _codes(g["programme_code"])
    provider, provider_labels = _codes(g["provider_code"])
    field_of = programmes.set_index("programme_code")["isced_f"].str[:2]
    field_of_programme, field_labels = pd.factorize(
        pd.Series(programme_labels, dtype="object").map(field_of).fillna(""), sort=True)
    field = field_of_programme[programme]
    cohort, cohort_labels = pd.factorize(g["cohort_year"].to_numpy(dtype="int16"), sort=True)
    months, months_labels = pd.factorize(g["months_after"].to_numpy(dtype="int16"), sort=True)
    # Key columns are required by the schema, so no code is -1.
    key_codes = {"geo": geo, "field": field, "programme_code": programme, "provider_code": provider,
                 "cohort_year": cohort, "months_after": months}
    labels = {"geo": np.asarray(geo_labels, dtype=object), "field": np.asarray(field_labels, dtype=object),
              "programme_code": np.asarray(programme_labels, dtype=object),
              "provider_code": np.asarray(provider_labels, dtype=object),
              "cohort_year": np.asarray(cohort_labels, dtype="int64"),
              "months_after": np.asarray(months_labels, dtype="int64")}
    groups = Groups.of(list(key_codes.values()), [len(labels[name]) for name in key_codes])
    keys = {name: codes[groups.first] for name, codes in key_codes.items()}
    del key_codes, geo, programme, provider, field, cohort, months  # a national file has ten million of each

    # The destination flags depend on three columns only: count the graduates of each group by their
    # combination of the three, then add up the combinations each flag is true for.
    contact, contact_labels = _codes(g["contact"])
    status, status_labels = _codes(g["lm_status"])
    in_education = g["in_education"]
    education = in_education.notna().to_numpy() * (1 + in_education.fillna(False).to_numpy(dtype=bool))
    n_contact, n_status = len(contact_labels) + 1, len(status_labels) + 1
    combination = ((contact + 1) * n_status + (status + 1)) * 3 + education.astype(np.int32)
    every = np.indices((n_contact, n_status, 3)).reshape(3, -1)
    table = destination_flags(_with_missing(contact_labels).iloc[every[0] - 1].reset_index(drop=True),
                              _with_missing(status_labels).iloc[every[1] - 1].reset_index(drop=True),
                              pd.Series(pd.array([None, False, True], dtype="boolean")[every[2]]))
    by_combination = groups.counts(combination, n_contact * n_status * 3)
    sums = {name: by_combination @ flag.astype(np.int64) for name, flag in table.items()}
    employed = table["emp"][combination]

    for column, (answered, counted) in JOB_SUMS.items():
        answer, answer_labels = _codes(g[column])
        by_answer = groups.counts(answer + 1, len(answer_labels) + 1, rows=employed)
        sums[answered] = by_answer[:, 1:].sum(axis=1)
        where = {label: k + 1 for k, label in enumerate(answer_labels)}
        for name, label in counted.items():
            sums[name] = by_answer[:, where[label]] if label in where else np.zeros(groups.count, dtype=np.int64)

    months_employed = g["months_employed"].to_numpy(dtype="float64", na_value=np.nan)
    months_known = table["status_known"][combination] & ~np.isnan(months_employed)
    sums["months_known"] = np.bincount(groups.ids[months_known], minlength=groups.count)
    sums["months_sum"] = np.bincount(groups.ids[months_known], weights=months_employed[months_known],
                                     minlength=groups.count)

    earnings = g["earnings_month"].to_numpy(dtype="float64", na_value=np.nan)
    regime, regime_labels = _codes(g["work_regime"])
    full_time = regime == (regime_labels.get_loc("FT") if "FT" in regime_labels else -2)
    earning = employed & full_time & ~np.isnan(earnings)
    by_value = np.argsort(earnings[earning], kind="stable")
    currency, currency_labels = _codes(g["currency"])
    return _Tabulation(
        keys=keys,
        labels=labels,
        sums=sums,
        earnings=earnings[earning][by_value],
        earnings_group=groups.ids[earning][by_value],
        earnings_currency=(currency[earning] + 1)[by_value],
        currencies=np.asarray(["", *currency_labels], dtype=object),
    )


@dataclass(frozen=True)
class _Part:
    """The cells of one level, per cohort or pooled: one row per group, before the long layout."""

    level: str
    keys: dict[str, np.ndarray]       # unit codes (-1 where the level has no such unit), months code
    cohort: np.ndarray                # index into the cohort labels (the pooled label last)
    sums: dict[str, np.ndarray]
    earnings: np.ndarray | None       # (groups × 3) quartiles, NaN where not summarised
    earn_n: np.ndarray | None
    currency: np.ndarray | None       # currency code, 0 where the group has none or several


def _part(tab: _Tabulation, level: str, rows: np.ndarray, pooled: bool) -> _Part:
    """Sum the finest groups in ``rows`` up to the level's groups (per cohort, or over the pooled cohorts)."""
    names = [*LEVELS[level], *(() if pooled else ("cohort_year",)), "months_after"]
    codes = [tab.keys[name][rows] for name in names]
    groups = Groups.of(codes, [len(tab.labels[name]) for name in names])
    values = np.column_stack([tab.sums[name][rows] for name in _SUM_COLUMNS])
    summed = groups.sums(values)
    sums = {name: summed[:, k] for k, name in enumerate(_SUM_COLUMNS)}
    keys = {name: (tab.keys[name][rows][groups.first] if name in names else np.full(groups.count, -1))
            for name in (*UNIT_COLUMNS, "months_after")}
    cohort = (np.full(groups.count, len(tab.labels["cohort_year"])) if pooled
              else tab.keys["cohort_year"][rows][groups.first])
    if level not in EARNING_LEVELS:
        return _Part(level, keys, cohort, sums, None, None, None)
    # The finest groups outside ``rows`` belong to no group of this part.
    group_of_finest = np.full(len(tab.keys["geo"]), -1)
    group_of_finest[rows] = groups.ids
    group = group_of_finest[tab.earnings_group]
    kept = group >= 0
    group, values, currency = group[kept], tab.earnings[kept], tab.earnings_currency[kept]
    earn_n = np.bincount(group, minlength=groups.count)
    # Earnings are summarised only where a group has one currency; mixed groups get none.
    by_currency = np.bincount(group * len(tab.currencies) + currency,
                              minlength=groups.count * len(tab.currencies)).reshape(groups.count, -1)
    single = (by_currency > 0).sum(axis=1) == 1
    currency_of_group = np.where(single, by_currency.argmax(axis=1), 0)
    quartiles = grouped_quantiles(group, groups.count, values, _QUARTILES)
    return _Part(level, keys, cohort, sums, quartiles, earn_n, currency_of_group)


_SUM_COLUMNS = sorted({c for num, base, _ in RATES.values() for c in (num, base)} | {"months_known", "months_sum"})

#: Indicators in the order of the cells: every rate, the mean months employed, the earnings quartiles.
_INDICATORS = (*RATES, "MONTHS_EMP", *EARNINGS)
_KINDS = ("rate",) * len(RATES) + ("mean",) + ("quantile",) * len(EARNINGS)


def _long(part: _Part) -> dict[str, np.ndarray]:
    """One row per group and indicator (indicator by indicator), as codes."""
    n = len(part.cohort)
    numerators = [part.sums[num].astype("float64") for num, _base, _ref in RATES.values()]
    bases = [part.sums[base] for _num, base, _ref in RATES.values()]
    numerators.append(part.sums["months_sum"].astype("float64"))
    bases.append(part.sums["months_known"])
    rows = [np.tile(np.arange(n), len(numerators))]
    indicator = [np.repeat(np.arange(len(numerators)), n)]
    numerator, base = [np.concatenate(numerators)], [np.concatenate(bases)]
    currency = [np.zeros(n * len(numerators), dtype=np.int64)]
    if part.earnings is not None:
        single = np.flatnonzero(part.currency > 0)
        for k in range(len(EARNINGS)):
            rows.append(single)
            indicator.append(np.full(len(single), len(numerators) + k))
            numerator.append(part.earnings[single, k])
            base.append(part.earn_n[single])
            currency.append(part.currency[single])
    rows = np.concatenate(rows)
    return {**{name: codes[rows] for name, codes in part.keys.items()}, "cohort": part.cohort[rows],
            "indicator": np.concatenate(indicator), "numerator": np.concatenate(numerator),
            "base": np.concatenate(base), "currency": np.concatenate(currency),
            "level": np.full(len(rows), list(LEVELS).index(part.level))}


def _text(codes: np.ndarray, labels) -> pd.Series:
    """Codes as their labels, in pandas' string type ("" for -1, a unit the level does not have)."""
    lookup = pd.array([*(str(label) for label in labels), ""], dtype="str")
    return pd.Series(lookup.take(codes))


def compute_indicators(graduates: pd.DataFrame, programmes: pd.DataFrame, pooled_cohorts: int = 3) -> IndicatorCells:
    """All indicator cells, per cohort and pooled over the latest ``pooled_cohorts`` cohorts."""
    tab = _tabulation(graduates, programmes)
    cohorts = tuple(int(c) for c in tab.labels["cohort_year"])
    pooled = cohorts[-pooled_cohorts:]
    pooled_label = f"{pooled[0]}-{pooled[-1]}" if len(pooled) > 1 else str(pooled[0])
    every = np.arange(len(tab.keys["geo"]))
    in_pool = np.flatnonzero(np.isin(tab.labels["cohort_year"][tab.keys["cohort_year"]], pooled))
    parts = []
    for level in LEVELS:
        parts.append(_long(_part(tab, level, every, pooled=False)))
        if len(pooled) > 1:
            parts.append(_long(_part(tab, level, in_pool, pooled=True)))
    long = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    kept = long["base"] > 0
    long = {name: values[kept] for name, values in long.items()}
    numerator, base = long["numerator"], long["base"]
    kinds = np.asarray(_KINDS)[long["indicator"]]
    rate, mean = kinds == "rate", kinds == "mean"
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(rate | mean, numerator / base, numerator)
    low, high = wilson_interval(numerator, base)
    cells = pd.DataFrame({
        "level": _text(long["level"], LEVELS),
        **{name: _text(long[name], tab.labels[name]) for name in UNIT_COLUMNS},
        "cohort": _text(long["cohort"], [*map(str, cohorts), pooled_label]),
        "months_after": tab.labels["months_after"][long["months_after"]].astype("int64"),
        "indicator": _text(long["indicator"], _INDICATORS),
        "kind": _text(long["indicator"], _KINDS),
        "numerator": numerator,
        "base": base.astype("int64"),
        "value": value,
        "ci_low": np.where(rate, low, np.nan),
        "ci_high": np.where(rate, high, np.nan),
        "currency": _text(long["currency"] - 1, tab.currencies[1:]),
    })
    return IndicatorCells(cells[CELL_COLUMNS], cohorts, pooled_label, tuple(int(m) for m in tab.labels["months_after"]))
