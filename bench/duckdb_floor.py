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
from generator.definitions import EARNING_LEVELS, LEVELS, RATES
from generator.indicators import Z95
from generator.schemas import table_schema

_SQL_TYPES = {"string": "VARCHAR", "integer": "INTEGER", "number": "DOUBLE", "boolean": "BOOLEAN"}

#: Each per-record flag of ``generator.indicators`` (``destination_flags`` and ``JOB_SUMS``), as SQL over one
#: graduates row.
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
    """One query over the loaded tables: sums, rates, Wilson intervals and earnings quartiles of every cell.

    Written as a careful DuckDB user would, to make the floor a low one: the
    records are summed once to the finest groups (programme, provider, cohort,
    observation point), the levels above are sums of those sums (every count is
    additive), and only the quartiles, which are not, go back to the records,
    and then only to the employed full-time graduates with earnings.
    """
    flag_sql = ",\n    ".join(f"{expr} AS {name}" for name, expr in FLAGS.items())
    # Flags refer to earlier flags (emp uses status_known ...): DuckDB resolves these lateral aliases.
    fine_sums = ",\n    ".join(f"sum({name}::INTEGER) AS {name}" for name in FLAGS)
    rollup_sums = ",\n    ".join(f"sum({name})::BIGINT AS {name}" for name in [*FLAGS, "months_known"])
    sets, earning_sets = [], []
    for level, units in LEVELS.items():
        for time_column in ("cohort_year", "in_pool"):
            grouping_set = "(" + ", ".join([*units, time_column, "months_after"]) + ")"
            sets.append(grouping_set)
            if level in EARNING_LEVELS:
                earning_sets.append(grouping_set)
    z2 = Z95 * Z95
    rates = []
    for indicator, (num, base, _ref) in RATES.items():
        n, p = f"{base}::DOUBLE", f"({num}::DOUBLE / nullif({base}, 0))"
        rates.append(f"{p} AS {indicator}")
        centre = f"(({p} + {z2} / (2 * {n})) / (1 + {z2} / {n}))"
        half = f"({Z95} * sqrt({p} * (1 - {p}) / {n} + {z2} / (4 * {n} * {n})) / (1 + {z2} / {n}))"
        rates.append(f"greatest({centre} - {half}, 0) AS {indicator}_ci_low, "
                     f"least({centre} + {half}, 1) AS {indicator}_ci_high")
    rate_sql = ",\n  ".join(rates)
    group_columns = ", ".join(_GROUP_COLUMNS)
    same_group = " AND ".join(f"s.{c} IS NOT DISTINCT FROM e.{c}"
                              for c in ["grouping_id", *_GROUP_COLUMNS, "months_after"])
    return f"""
WITH pool AS (SELECT max(cohort_year) - {pooled_cohorts} AS before FROM {graduates}),
records AS (
  SELECT g.*, substr(p.isced_f, 1, 2) AS field, g.cohort_year > pool.before AS in_pool
  FROM {graduates} AS g JOIN {programmes} AS p USING (programme_code), pool
),
flags AS (
  SELECT geo, field, programme_code, provider_code, cohort_year, in_pool, months_after,
    {flag_sql},
    CASE WHEN status_known AND months_employed IS NOT NULL THEN months_employed END AS months_employed_known
  FROM records
),
fine AS (
  SELECT geo, field, programme_code, provider_code, cohort_year, in_pool, months_after,
    {fine_sums},
    count(months_employed_known) AS months_known, sum(months_employed_known) AS months_sum
  FROM flags
  GROUP BY ALL
),
sums AS (
  SELECT GROUPING({group_columns}) AS grouping_id, {group_columns}, months_after,
    {rollup_sums},
    sum(months_sum) AS months_sum
  FROM fine
  GROUP BY GROUPING SETS ({", ".join(sets)})
),
earnings AS (
  SELECT GROUPING({group_columns}) AS grouping_id, {group_columns}, months_after,
    quantile_cont(earnings_month, [0.25, 0.5, 0.75]) AS quartiles, count(*) AS earn_n,
    min(currency) AS currency_min, max(currency) AS currency_max
  FROM records
  WHERE contact IN ('RESPONDED', 'MATCHED') AND lm_status = 'EMP' AND work_regime = 'FT'
    AND earnings_month IS NOT NULL
  GROUP BY GROUPING SETS ({", ".join(earning_sets)})
)
SELECT s.grouping_id, s.geo, s.field, s.programme_code, s.provider_code, s.cohort_year, s.months_after,
  s.* EXCLUDE (grouping_id, geo, field, programme_code, provider_code, cohort_year, in_pool, months_after),
  coalesce(e.earn_n, 0) AS earn_n,
  {rate_sql},
  months_sum / nullif(months_known, 0) AS MONTHS_EMP,
  -- Earnings are summarised only where a group has one currency, as ontrack does.
  CASE WHEN e.currency_min = e.currency_max THEN e.currency_min END AS currency,
  CASE WHEN e.currency_min = e.currency_max THEN e.quartiles[1] END AS EARN_Q1,
  CASE WHEN e.currency_min = e.currency_max THEN e.quartiles[2] END AS EARN_MED,
  CASE WHEN e.currency_min = e.currency_max THEN e.quartiles[3] END AS EARN_Q3
FROM sums AS s LEFT JOIN earnings AS e ON {same_group}
WHERE s.in_pool IS NULL OR s.in_pool
"""
