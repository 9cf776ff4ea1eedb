"""Pure tabulations: checked records in, indicator cells out.

Every indicator of DESIGN.md is computed for each cohort year and observation
point at six levels (programme, provider, field within a country, country,
field across countries, all countries), plus a pooled figure over the latest
cohorts. Each rate keeps its numerator and base; the disclosure stage decides
what may be published. Nothing here is rounded or hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .codelists import nace_sections

#: z for a two-sided 95% interval.
Z95 = 1.959963984540054

#: The levels, the unit columns that identify a cell at each level.
LEVELS = {
    "programme": ("geo", "field", "programme_code"),
    "provider": ("geo", "provider_code"),
    "country_field": ("geo", "field"),
    "country": ("geo",),
    "field": ("field",),
    "all": (),
}
UNIT_COLUMNS = ("geo", "field", "programme_code", "provider_code")

#: Indicator id -> (numerator column, base column, kind, EQAVET reference, definition).
#: kind: rate (share of the base), mean, quantile. The columns are per-record flags built below.
RATES: dict[str, tuple[str, str, str]] = {
    "EMP": ("emp", "status_known", "EQAVET 5b"),
    "PLACE": ("placed", "dest_known", "EQAVET 5a"),
    "NEET": ("neet", "dest_known", ""),
    "DEST_WORK_STUDY": ("work_study", "dest_known", "EQAVET 5a"),
    "DEST_WORK_ONLY": ("work_only", "dest_known", "EQAVET 5a"),
    "DEST_STUDY_ONLY": ("study_only", "dest_known", "EQAVET 5a"),
    "DEST_UNEMPLOYED": ("unemployed", "dest_known", "EQAVET 5a"),
    "DEST_INACTIVE": ("inactive", "dest_known", "EQAVET 5a"),
    "RELEVANT": ("related_yes", "related_known", "EQAVET 6a"),
    "RELATED_PARTLY": ("related_partly", "related_known", "EQAVET 6a"),
    "RELATED_NO": ("related_no", "related_known", "EQAVET 6a"),
    "FT_SHARE": ("full_time", "regime_known", ""),
    "COVERAGE": ("observed", "cohort_size", ""),
}
for _letter in nace_sections():
    RATES[f"SECTOR_{_letter}"] = (f"nace_{_letter}", "nace_known", "")

DESTINATIONS = ("DEST_WORK_STUDY", "DEST_WORK_ONLY", "DEST_STUDY_ONLY", "DEST_UNEMPLOYED", "DEST_INACTIVE")
RELATED = ("RELEVANT", "RELATED_PARTLY", "RELATED_NO")
SECTORS = tuple(f"SECTOR_{letter}" for letter in nace_sections())
EARNINGS = ("EARN_Q1", "EARN_MED", "EARN_Q3")
#: Levels whose cells can hold one currency only (earnings are never averaged across currencies).
EARNING_LEVELS = ("programme", "provider", "country_field", "country")

CELL_COLUMNS = ["level", *UNIT_COLUMNS, "cohort", "months_after", "indicator", "kind",
                "numerator", "base", "value", "ci_low", "ci_high", "currency"]


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


def wilson_interval(numerator, base, z: float = Z95):
    """Wilson score interval for a binomial proportion, vectorised; NaN where base is 0."""
    n = np.asarray(base, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.asarray(numerator, dtype="float64") / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def record_flags(graduates: pd.DataFrame, programmes: pd.DataFrame) -> pd.DataFrame:
    """One 0/1 column per numerator and base, plus the dimensions, for every record."""
    g = graduates
    status = g["lm_status"].astype("string")
    observed = g["contact"].isin(["RESPONDED", "MATCHED"]).to_numpy()
    status_known = observed & (status != "UNK").fillna(False).to_numpy()
    emp = status_known & (status == "EMP").fillna(False).to_numpy()
    edu_known = g["in_education"].notna().to_numpy()
    edu = g["in_education"].fillna(False).to_numpy(dtype=bool)
    dest_known = status_known & edu_known
    une = (status == "UNE").fillna(False).to_numpy()
    ina = (status == "INA").fillna(False).to_numpy()
    related = g["job_related"].astype("string")
    nace = g["nace_section"].astype("string")
    regime = g["work_regime"].astype("string")
    field_of = programmes.set_index("programme_code")["isced_f"].str[:2]
    flags = {
        "cohort_size": np.ones(len(g), dtype=bool),
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
        "related_known": emp & related.notna().to_numpy(),
        "related_yes": emp & (related == "YES").fillna(False).to_numpy(),
        "related_partly": emp & (related == "PARTLY").fillna(False).to_numpy(),
        "related_no": emp & (related == "NO").fillna(False).to_numpy(),
        "regime_known": emp & regime.notna().to_numpy(),
        "full_time": emp & (regime == "FT").fillna(False).to_numpy(),
        "nace_known": emp & nace.notna().to_numpy(),
    }
    for letter in nace_sections():
        flags[f"nace_{letter}"] = emp & (nace == letter).fillna(False).to_numpy()
    months_emp = g["months_employed"].to_numpy(dtype="float64", na_value=np.nan)
    months_known = status_known & ~np.isnan(months_emp)
    frame = pd.DataFrame({k: v.astype(np.int32) for k, v in flags.items()})
    frame["months_known"] = months_known.astype(np.int32)
    frame["months_sum"] = np.where(months_known, months_emp, 0.0)
    earn = g["earnings_month"].to_numpy(dtype="float64", na_value=np.nan)
    frame["earnings_ft"] = np.where(emp & (regime == "FT").fillna(False).to_numpy(), earn, np.nan)
    frame["currency"] = g["currency"].astype("string").fillna("").to_numpy()
    frame["geo"] = g["geo"].astype("string").to_numpy()
    frame["programme_code"] = g["programme_code"].astype("string").to_numpy()
    frame["provider_code"] = g["provider_code"].astype("string").to_numpy()
    frame["field"] = frame["programme_code"].map(field_of).fillna("").to_numpy()
    frame["cohort_year"] = g["cohort_year"].to_numpy(dtype="int64")
    frame["months_after"] = g["months_after"].to_numpy(dtype="int64")
    for name in ("geo", "programme_code", "provider_code", "field", "currency"):
        frame[name] = frame[name].astype("category")
    return frame


_SUM_COLUMNS = sorted({c for num, base, _ in RATES.values() for c in (num, base)} | {"months_known", "months_sum"})


def _tabulate(flags: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sums of every flag per group, and earnings quartiles where a group has a single currency."""
    grouped = flags.groupby(keys, observed=True, sort=True)
    sums = grouped[_SUM_COLUMNS].sum()
    earnings = flags[flags["earnings_ft"].notna()]
    if len(earnings):
        eg = earnings.groupby(keys, observed=True, sort=True)
        quart = eg["earnings_ft"].quantile([0.25, 0.5, 0.75]).unstack()
        quart.columns = list(EARNINGS)
        quart["earn_n"] = eg["earnings_ft"].count()
        currency = eg["currency"].agg(["nunique", "first"])
        # Earnings are summarised only where a group has one currency; mixed groups get none.
        quart["currency"] = np.where(currency["nunique"].to_numpy() == 1, currency["first"].astype(str).to_numpy(), "")
        sums = sums.join(quart, how="left")
    return sums.reset_index()


def _long(wide: pd.DataFrame, level: str, cohort: pd.Series, earnings: bool) -> pd.DataFrame:
    """Turn the per-group sums into one row per indicator."""
    n = len(wide)
    units = {c: (wide[c].astype(str).to_numpy() if c in wide else np.full(n, "", dtype=object)) for c in UNIT_COLUMNS}
    pieces = []
    for indicator, (num, base, _ref) in RATES.items():
        pieces.append(pd.DataFrame({**units, "cohort": cohort, "months_after": wide["months_after"].to_numpy(),
                                    "indicator": indicator, "kind": "rate",
                                    "numerator": wide[num].to_numpy(dtype="float64"),
                                    "base": wide[base].to_numpy(dtype="int64"), "currency": ""}))
    pieces.append(pd.DataFrame({**units, "cohort": cohort, "months_after": wide["months_after"].to_numpy(),
                                "indicator": "MONTHS_EMP", "kind": "mean",
                                "numerator": wide["months_sum"].to_numpy(dtype="float64"),
                                "base": wide["months_known"].to_numpy(dtype="int64"), "currency": ""}))
    if earnings and "EARN_MED" in wide:
        single = wide["currency"].fillna("").astype(str) != ""
        w = wide[single]
        for indicator in EARNINGS:
            pieces.append(pd.DataFrame({**{c: v[single.to_numpy()] for c, v in units.items()},
                                        "cohort": np.asarray(cohort)[single.to_numpy()],
                                        "months_after": w["months_after"].to_numpy(), "indicator": indicator,
                                        "kind": "quantile", "numerator": w[indicator].to_numpy(dtype="float64"),
                                        "base": w["earn_n"].to_numpy(dtype="int64"),
                                        "currency": w["currency"].astype(str).to_numpy()}))
    out = pd.concat(pieces, ignore_index=True)
    out.insert(0, "level", level)
    return out


def compute_indicators(graduates: pd.DataFrame, programmes: pd.DataFrame, pooled_cohorts: int = 3) -> IndicatorCells:
    """All indicator cells, per cohort and pooled over the latest ``pooled_cohorts`` cohorts."""
    flags = record_flags(graduates, programmes)
    cohorts = tuple(sorted(int(c) for c in pd.unique(flags["cohort_year"])))
    pooled = cohorts[-pooled_cohorts:]
    pooled_label = f"{pooled[0]}-{pooled[-1]}" if len(pooled) > 1 else str(pooled[0])
    in_pool = flags[flags["cohort_year"].isin(pooled)]
    parts = []
    for level, units in LEVELS.items():
        earnings = level in EARNING_LEVELS
        by_cohort = _tabulate(flags, [*units, "cohort_year", "months_after"])
        parts.append(_long(by_cohort, level, by_cohort["cohort_year"].astype(str).to_numpy(), earnings))
        if len(pooled) > 1:
            by_pool = _tabulate(in_pool, [*units, "months_after"])
            parts.append(_long(by_pool, level, np.full(len(by_pool), pooled_label, dtype=object), earnings))
    cells = pd.concat(parts, ignore_index=True)
    cells = cells[cells["base"] > 0].reset_index(drop=True)
    rate = cells["kind"] == "rate"
    mean = cells["kind"] == "mean"
    with np.errstate(divide="ignore", invalid="ignore"):
        cells["value"] = np.where(rate | mean, cells["numerator"] / cells["base"], cells["numerator"])
    low, high = wilson_interval(cells["numerator"], cells["base"])
    cells["ci_low"] = np.where(rate, low, np.nan)
    cells["ci_high"] = np.where(rate, high, np.nan)
    months = tuple(sorted(int(m) for m in pd.unique(flags["months_after"])))
    return IndicatorCells(cells[CELL_COLUMNS], cohorts, pooled_label, months)


@dataclass(frozen=True)
class Definition:
    id: str
    label: str
    numerator: str
    denominator: str
    unit: str
    eqavet: str


def _sector_definitions() -> list[Definition]:
    return [Definition(f"SECTOR_{c.code}", f"Working in {c.label}", f"employed in NACE section {c.code}",
                       "employed graduates whose sector is known", "percent", "") for c in nace_sections().values()]


#: What each published indicator means: the source of the methodology page and the data dictionary.
DEFINITIONS: dict[str, Definition] = {d.id: d for d in [
    Definition("EMP", "Employment rate", "graduates in employment (ILO)",
               "graduates observed with a known labour-market status", "percent", "EQAVET 5b"),
    Definition("PLACE", "In work or in education", "graduates employed or in formal education or training",
               "graduates observed with known status and known education", "percent", "EQAVET 5a"),
    Definition("NEET", "Neither in work nor in education", "graduates neither employed nor in education or training",
               "graduates observed with known status and known education", "percent", ""),
    Definition("DEST_WORK_STUDY", "Working and studying", "employed and in education",
               "graduates observed with known status and known education", "percent", "EQAVET 5a"),
    Definition("DEST_WORK_ONLY", "Working only", "employed, not in education",
               "graduates observed with known status and known education", "percent", "EQAVET 5a"),
    Definition("DEST_STUDY_ONLY", "Studying only", "in education, not employed",
               "graduates observed with known status and known education", "percent", "EQAVET 5a"),
    Definition("DEST_UNEMPLOYED", "Unemployed", "unemployed (ILO), not in education",
               "graduates observed with known status and known education", "percent", "EQAVET 5a"),
    Definition("DEST_INACTIVE", "Inactive", "inactive (ILO), not in education",
               "graduates observed with known status and known education", "percent", "EQAVET 5a"),
    Definition("RELEVANT", "Job related to the training", "employed in a job related to the training",
               "employed graduates who said whether the job is related", "percent", "EQAVET 6a"),
    Definition("RELATED_PARTLY", "Job partly related to the training", "employed in a partly related job",
               "employed graduates who said whether the job is related", "percent", "EQAVET 6a"),
    Definition("RELATED_NO", "Job not related to the training", "employed in an unrelated job",
               "employed graduates who said whether the job is related", "percent", "EQAVET 6a"),
    Definition("FT_SHARE", "Working full time", "employed full time",
               "employed graduates whose working time is known", "percent", ""),
    *_sector_definitions(),
    Definition("EARN_MED", "Median gross monthly earnings, full time", "median of gross monthly earnings",
               "graduates employed full time with earnings known", "currency per month", ""),
    Definition("EARN_Q1", "Lower quartile of gross monthly earnings, full time", "25th percentile of earnings",
               "graduates employed full time with earnings known", "currency per month", ""),
    Definition("EARN_Q3", "Upper quartile of gross monthly earnings, full time", "75th percentile of earnings",
               "graduates employed full time with earnings known", "currency per month", ""),
    Definition("MONTHS_EMP", "Months in work since graduation (mean)", "sum of months employed since graduation",
               "graduates observed with known status and months employed", "months", ""),
    Definition("COVERAGE", "Coverage (response or match rate)", "graduates observed (responded or matched)",
               "all graduates of the cohort", "percent", ""),
]}
