"""The same aggregation as ``generator.indicators.compute_indicators``, in one DuckDB query.

It is the floor the benchmark holds ontrack's data stages against: DuckDB reads
the same ``graduates.csv`` and computes, in one scan, every sum ontrack
tabulates (cohort size, observed, status known, employed, the five
destinations, job relevance, full time, the 21 NACE sections, months employed),
the rate and 95% Wilson interval of each rate indicator, and the quartiles of
full-time earnings where a group has one currency, for the same six levels
(programme, provider, field within a country, country, field, all) per cohort
and pooled over the latest cohorts, per observation point.

The SQL is generated from ``generator.indicators.RATES``, so both sides compute
the same list of indicators. What DuckDB does not do: ontrack's validation of
every cell against the Table Schema, the long (one row per indicator) layout,
and disclosure control (rounding, primary and secondary suppression).
"""

from __future__ import annotations

from pathlib import Path

from generator.codelists import nace_sections
from generator.indicators import EARNING_LEVELS, LEVELS, RATES, Z95
from generator.schemas import table_schema

_SQL_TYPES = {"string": "VARCHAR", "integer": "INTEGER", "number": "DOUBLE", "boolean": "BOOLEAN"}

#: Each per-record flag of ``generator.indicators.record_flags``, as SQL over one graduates row.
FLAGS = {
    "cohort_size": "TRUE",
    "observed": "contact IN ('RESPONDED', 'MATCHED')",
    "status_known": "observed AND lm_status <> 'UNK'",
    "emp": "status_known AND lm_status = 'EMP'",
    "dest_known": "status_known AND in_education IS NOT NULL",
    "placed": "dest_known AND (emp OR in_education)",
    "neet": "dest_known AND NOT emp AND NOT in_education",
    "work_study": "dest_known AND emp AND in_education",
    "work_only": "dest_known AND emp AND NOT in_education",
    "study_only": "dest_known AND NOT emp AND in_education",
    "unemployed": "dest_known AND lm_status = 'UNE' AND NOT in_education",
    "inactive": "dest_known AND lm_status = 'INA' AND NOT in_education",
    "related_known": "emp AND job_related IS NOT NULL",
    "related_yes": "emp AND job_related = 'YES'",
    "related_partly": "emp AND job_related = 'PARTLY'",
    "related_no": "emp AND job_related = 'NO'",
    "regime_known": "emp AND work_regime IS NOT NULL",
    "full_time": "emp AND work_regime = 'FT'",
    "nace_known": "emp AND nace_section IS NOT NULL",
    **{f"nace_{letter}": f"emp AND nace_section = '{letter}'" for letter in nace_sections()},
}

#: GROUPING() bit order: geo, field, programme_code, provider_code, cohort_year, in_pool.
_GROUP_COLUMNS = ("geo", "field", "programme_code", "provider_code", "cohort_year", "in_pool")


def read_csv_sql(path: Path, name: str) -> str:
    """``read_csv`` with the column types of ontrack's Table Schema (no sniffing of the types)."""
    columns = ", ".join(f"'{f['name']}': '{_SQL_TYPES[f['type']]}'" for f in table_schema(name)["fields"])
    return f"read_csv('{path}', header = true, columns = {{{columns}}})"


def level_of_grouping() -> dict[int, tuple[str, str]]:
    """GROUPING() id -> (level, 'cohort' or 'pooled'), for the grouping sets made below."""
    out = {}
    for level, units in LEVELS.items():
        for which, time_column in (("cohort", "cohort_year"), ("pooled", "in_pool")):
            kept = set(units) | {time_column}
            bits = 0
            for column in _GROUP_COLUMNS:
                bits = (bits << 1) | (0 if column in kept else 1)
            out[bits] = (level, which)
    return out


def load_sql(folder: Path) -> list[str]:
    """Load the package's graduates and programmes CSV files into DuckDB tables."""
    return [f"CREATE TABLE graduates AS SELECT * FROM {read_csv_sql(folder / 'graduates.csv', 'graduates')}",
            f"CREATE TABLE programmes AS SELECT * FROM {read_csv_sql(folder / 'programmes.csv', 'programmes')}"]


def aggregation_sql(graduates: str = "graduates", programmes: str = "programmes", pooled_cohorts: int = 3) -> str:
    """One query over the loaded tables: flags per record, sums per grouping set, rates, intervals, quartiles."""
    flag_sql = ",\n    ".join(f"{expr} AS {name}" for name, expr in FLAGS.items())
    # Flags refer to earlier flags (emp uses status_known ...): DuckDB resolves these lateral aliases.
    sums = ",\n    ".join(f"count(*) FILTER (WHERE {name}) AS {name}" for name in FLAGS)
    sets = []
    for units in LEVELS.values():
        for time_column in ("cohort_year", "in_pool"):
            sets.append("(" + ", ".join([*units, time_column, "months_after"]) + ")")
    z2 = Z95 * Z95
    rates = []
    for indicator, (num, base, _ref) in RATES.items():
        n, p = f"{base}::DOUBLE", f"({num}::DOUBLE / nullif({base}, 0))"
        rates.append(f"{p} AS {indicator}")
        centre = f"(({p} + {z2} / (2 * {n})) / (1 + {z2} / {n}))"
        half = f"({Z95} * sqrt({p} * (1 - {p}) / {n} + {z2} / (4 * {n} * {n})) / (1 + {z2} / {n}))"
        rates.append(f"greatest({centre} - {half}, 0) AS {indicator}_ci_low, least({centre} + {half}, 1) AS {indicator}_ci_high")
    rate_sql = ",\n  ".join(rates)
    earning_ids = ", ".join(str(gid) for gid, (level, _) in level_of_grouping().items() if level in EARNING_LEVELS)
    return f"""
WITH graduates AS (
  SELECT g.*, substr(p.isced_f, 1, 2) AS field,
         g.cohort_year > (SELECT max(cohort_year) FROM {graduates}) - {pooled_cohorts} AS in_pool
  FROM {graduates} AS g JOIN {programmes} AS p USING (programme_code)
),
flags AS (
  SELECT geo, field, programme_code, provider_code, cohort_year, in_pool, months_after, currency,
    {flag_sql},
    CASE WHEN status_known AND months_employed IS NOT NULL THEN months_employed END AS months_employed_known,
    CASE WHEN emp AND work_regime = 'FT' THEN earnings_month END AS earnings_ft
  FROM graduates
),
sums AS (
  SELECT GROUPING({", ".join(_GROUP_COLUMNS)}) AS grouping_id,
    geo, field, programme_code, provider_code, cohort_year, in_pool, months_after,
    {sums},
    count(months_employed_known) AS months_known, sum(months_employed_known) AS months_sum,
    quantile_cont(earnings_ft, [0.25, 0.5, 0.75]) AS earnings_quartiles,
    count(earnings_ft) AS earn_n,
    min(currency) FILTER (WHERE earnings_ft IS NOT NULL) AS currency_min,
    max(currency) FILTER (WHERE earnings_ft IS NOT NULL) AS currency_max
  FROM flags
  GROUP BY GROUPING SETS ({", ".join(sets)})
)
SELECT grouping_id, geo, field, programme_code, provider_code, cohort_year, months_after, *
         EXCLUDE (grouping_id, geo, field, programme_code, provider_code, cohort_year, in_pool, months_after,
                  earnings_quartiles, currency_min, currency_max),
  {rate_sql},
  months_sum / nullif(months_known, 0) AS MONTHS_EMP,
  CASE WHEN grouping_id IN ({earning_ids}) AND currency_min = currency_max
       THEN currency_min END AS currency,
  CASE WHEN grouping_id IN ({earning_ids}) AND currency_min = currency_max
       THEN earnings_quartiles[1] END AS EARN_Q1,
  CASE WHEN grouping_id IN ({earning_ids}) AND currency_min = currency_max
       THEN earnings_quartiles[2] END AS EARN_MED,
  CASE WHEN grouping_id IN ({earning_ids}) AND currency_min = currency_max
       THEN earnings_quartiles[3] END AS EARN_Q3
FROM sums
WHERE in_pool IS NULL OR in_pool
"""
