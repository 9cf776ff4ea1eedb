-- ontrack's aggregation, for engines built for it (DuckDB, Spark SQL, ...).
--
-- It computes, from record-level observations, the aggregated input that ontrack
-- accepts instead of records: the resource graduate_counts, whose columns, in this
-- order, are described in generator/schemas/graduate_counts.json. Built from its
-- output, a site is byte for byte the one built from the records.
--
-- Input: two views (or tables) that the caller creates, with the columns and types
-- of ontrack's Table Schemas (generator/schemas/graduates.json, programmes.json):
--   graduates    one row per graduate per observation point; codes as strings,
--                cohort_year, months_after and months_employed as integers,
--                earnings_month as a double, in_education as a boolean, NULL where
--                a value is missing (not '');
--   programmes   the programmes code list (programme_code and isced_f are used).
-- The records are assumed to pass ontrack's input checks (`ontrack check` on them,
-- or on a sample): the SQL does not check them again.
--
-- Setting: pooled_cohorts in the `settings` query below must equal [indicators]
-- pooled_cohorts in content/site.toml (3 by default). ontrack refuses counts pooled
-- otherwise.
--
-- Engines: the SQL is meant to run unchanged wherever CTEs, CASE, CAST(... AS
-- STRING/BIGINT), concat, substr, floor, window functions (row_number,
-- dense_rank, count OVER) and COUNT(DISTINCT ...) exist.
--   DuckDB (checked with 2.0): `ontrack aggregate` runs it (generator/upstream.py).
--   By hand, with the views made from Parquet files already typed as above:
--     CREATE VIEW graduates AS SELECT * FROM read_parquet('graduates/*.parquet');
--     CREATE VIEW programmes AS SELECT * FROM read_parquet('programmes.parquet');
--     COPY (<this query>) TO 'graduate_counts.csv' (HEADER);
--   Spark SQL (checked with 3.5): the same, with temporary views:
--     spark.read.parquet('graduates').createOrReplaceTempView('graduates')
--     spark.sql(open('aggregate.sql').read()).write.csv('graduate_counts', header=True)
--   Do not swap the quartiles below for quantile_cont (DuckDB), percentile or
--   percentile_approx (Spark): the first two differ from ontrack's in the last
--   bit now and then, the third is an approximation.

WITH settings AS (
  SELECT 3 AS pooled_cohorts
),

-- Per record, 1 or 0 for every numerator and base, as generator/indicators.py's record_flags.
observation AS (
  SELECT
    g.geo AS record_geo,
    substr(p.isced_f, 1, 2) AS record_field,
    g.programme_code AS record_programme,
    g.provider_code AS record_provider,
    g.cohort_year,
    g.months_after,
    g.lm_status,
    g.in_education,
    g.job_related,
    g.work_regime,
    g.nace_section,
    g.months_employed,
    g.earnings_month,
    g.currency,
    CASE WHEN g.contact IN ('RESPONDED', 'MATCHED') THEN 1 ELSE 0 END AS observed,
    CASE WHEN g.contact IN ('RESPONDED', 'MATCHED') AND g.lm_status <> 'UNK' THEN 1 ELSE 0 END AS status_known
  FROM graduates AS g
  LEFT JOIN programmes AS p ON p.programme_code = g.programme_code
),
status AS (
  SELECT
    *,
    CASE WHEN status_known = 1 AND lm_status = 'EMP' THEN 1 ELSE 0 END AS emp,
    CASE WHEN status_known = 1 AND in_education IS NOT NULL THEN 1 ELSE 0 END AS dest_known,
    CASE WHEN in_education THEN 1 ELSE 0 END AS edu
  FROM observation
),
flags AS (
  SELECT
    record_geo,
    record_field,
    record_programme,
    record_provider,
    cohort_year,
    months_after,
    1 AS cohort_size,
    observed,
    status_known,
    emp,
    dest_known,
    CASE WHEN dest_known = 1 AND (emp = 1 OR edu = 1) THEN 1 ELSE 0 END AS placed,
    CASE WHEN dest_known = 1 AND emp = 0 AND edu = 0 THEN 1 ELSE 0 END AS neet,
    CASE WHEN dest_known = 1 AND emp = 1 AND edu = 1 THEN 1 ELSE 0 END AS work_study,
    CASE WHEN dest_known = 1 AND emp = 1 AND edu = 0 THEN 1 ELSE 0 END AS work_only,
    CASE WHEN dest_known = 1 AND emp = 0 AND edu = 1 THEN 1 ELSE 0 END AS study_only,
    CASE WHEN dest_known = 1 AND lm_status = 'UNE' AND edu = 0 THEN 1 ELSE 0 END AS unemployed,
    CASE WHEN dest_known = 1 AND lm_status = 'INA' AND edu = 0 THEN 1 ELSE 0 END AS inactive,
    CASE WHEN emp = 1 AND job_related IS NOT NULL THEN 1 ELSE 0 END AS related_known,
    CASE WHEN emp = 1 AND job_related = 'YES' THEN 1 ELSE 0 END AS related_yes,
    CASE WHEN emp = 1 AND job_related = 'PARTLY' THEN 1 ELSE 0 END AS related_partly,
    CASE WHEN emp = 1 AND job_related = 'NO' THEN 1 ELSE 0 END AS related_no,
    CASE WHEN emp = 1 AND work_regime IS NOT NULL THEN 1 ELSE 0 END AS regime_known,
    CASE WHEN emp = 1 AND work_regime = 'FT' THEN 1 ELSE 0 END AS full_time,
    CASE WHEN emp = 1 AND nace_section IS NOT NULL THEN 1 ELSE 0 END AS nace_known,
    CASE WHEN emp = 1 AND nace_section = 'A' THEN 1 ELSE 0 END AS nace_A,
    CASE WHEN emp = 1 AND nace_section = 'B' THEN 1 ELSE 0 END AS nace_B,
    CASE WHEN emp = 1 AND nace_section = 'C' THEN 1 ELSE 0 END AS nace_C,
    CASE WHEN emp = 1 AND nace_section = 'D' THEN 1 ELSE 0 END AS nace_D,
    CASE WHEN emp = 1 AND nace_section = 'E' THEN 1 ELSE 0 END AS nace_E,
    CASE WHEN emp = 1 AND nace_section = 'F' THEN 1 ELSE 0 END AS nace_F,
    CASE WHEN emp = 1 AND nace_section = 'G' THEN 1 ELSE 0 END AS nace_G,
    CASE WHEN emp = 1 AND nace_section = 'H' THEN 1 ELSE 0 END AS nace_H,
    CASE WHEN emp = 1 AND nace_section = 'I' THEN 1 ELSE 0 END AS nace_I,
    CASE WHEN emp = 1 AND nace_section = 'J' THEN 1 ELSE 0 END AS nace_J,
    CASE WHEN emp = 1 AND nace_section = 'K' THEN 1 ELSE 0 END AS nace_K,
    CASE WHEN emp = 1 AND nace_section = 'L' THEN 1 ELSE 0 END AS nace_L,
    CASE WHEN emp = 1 AND nace_section = 'M' THEN 1 ELSE 0 END AS nace_M,
    CASE WHEN emp = 1 AND nace_section = 'N' THEN 1 ELSE 0 END AS nace_N,
    CASE WHEN emp = 1 AND nace_section = 'O' THEN 1 ELSE 0 END AS nace_O,
    CASE WHEN emp = 1 AND nace_section = 'P' THEN 1 ELSE 0 END AS nace_P,
    CASE WHEN emp = 1 AND nace_section = 'Q' THEN 1 ELSE 0 END AS nace_Q,
    CASE WHEN emp = 1 AND nace_section = 'R' THEN 1 ELSE 0 END AS nace_R,
    CASE WHEN emp = 1 AND nace_section = 'S' THEN 1 ELSE 0 END AS nace_S,
    CASE WHEN emp = 1 AND nace_section = 'T' THEN 1 ELSE 0 END AS nace_T,
    CASE WHEN emp = 1 AND nace_section = 'U' THEN 1 ELSE 0 END AS nace_U,
    CASE WHEN status_known = 1 AND months_employed IS NOT NULL THEN 1 ELSE 0 END AS months_known,
    CASE WHEN status_known = 1 AND months_employed IS NOT NULL THEN months_employed ELSE 0 END AS months_sum,
    -- Earnings of the full-time employed only: the quartiles are of full-time pay.
    CASE WHEN emp = 1 AND work_regime = 'FT' THEN earnings_month END AS earnings_ft,
    CASE WHEN emp = 1 AND work_regime = 'FT' AND earnings_month IS NOT NULL THEN currency END AS currency_ft
  FROM status
),

-- The six levels and the unit columns that identify a cell at each, as LEVELS in
-- generator/indicators.py. Earnings are summarised only where a cell holds one
-- country, so one currency at most.
levels AS (
  SELECT 'programme' AS level, 1 AS by_geo, 1 AS by_field, 1 AS by_programme, 0 AS by_provider, 1 AS with_earnings
  UNION ALL SELECT 'provider', 1, 0, 0, 1, 1
  UNION ALL SELECT 'country_field', 1, 1, 0, 0, 1
  UNION ALL SELECT 'country', 1, 0, 0, 0, 1
  UNION ALL SELECT 'field', 0, 1, 0, 0, 0
  UNION ALL SELECT 'all', 0, 0, 0, 0, 0
),

-- Each cohort on its own, and the latest pooled_cohorts cohorts together (when
-- there are two or more), labelled first-last (e.g. 2021-2023).
cohorts AS (
  SELECT DISTINCT cohort_year FROM graduates
),
pool AS (
  SELECT min(cohort_year) AS first_year, max(cohort_year) AS last_year, count(*) AS size
  FROM (SELECT cohort_year, dense_rank() OVER (ORDER BY cohort_year DESC) AS recency FROM cohorts) AS ranked
  CROSS JOIN settings
  WHERE recency <= pooled_cohorts
),
periods AS (
  SELECT cohort_year, CAST(cohort_year AS STRING) AS cohort FROM cohorts
  UNION ALL
  SELECT c.cohort_year, concat(CAST(pool.first_year AS STRING), '-', CAST(pool.last_year AS STRING)) AS cohort
  FROM cohorts AS c CROSS JOIN pool
  WHERE pool.size > 1 AND c.cohort_year >= pool.first_year
),

-- Every record once per level and period it belongs to. Each level is summed from
-- the records, not from the level below, and so are the pooled cohorts: quartiles
-- do not add up, and a supplier's rounding should not either.
cells AS (
  SELECT
    l.level,
    CASE WHEN l.by_geo = 1 THEN f.record_geo END AS geo,
    CASE WHEN l.by_field = 1 THEN f.record_field END AS field,
    CASE WHEN l.by_programme = 1 THEN f.record_programme END AS programme_code,
    CASE WHEN l.by_provider = 1 THEN f.record_provider END AS provider_code,
    p.cohort,
    CASE WHEN l.with_earnings = 1 THEN f.earnings_ft END AS earnings,
    CASE WHEN l.with_earnings = 1 THEN f.currency_ft END AS earnings_currency,
    f.*
  FROM flags AS f
  JOIN periods AS p ON p.cohort_year = f.cohort_year
  CROSS JOIN levels AS l
),

-- Earnings in order within each cell, for the quartiles: pandas' definition
-- (numpy's default, 'linear'), written out so that every engine gives the same
-- bits. With n values in order from position 0, quantile p lies at
-- h = p * (n - 1): the value at floor(h), plus the fraction of h times the
-- step to the next value. DuckDB's quantile_cont and Spark's percentile agree
-- with it only to the last bit or so of a double.
ranked AS (
  SELECT
    *,
    row_number() OVER (PARTITION BY level, geo, field, programme_code, provider_code, cohort, months_after
                       ORDER BY earnings ASC NULLS LAST) - 1 AS earnings_position,
    count(earnings) OVER (PARTITION BY level, geo, field, programme_code, provider_code, cohort, months_after) AS earnings_n
  FROM cells
),
order_statistics AS (
  SELECT
    *,
    CASE WHEN earnings_position = floor(0.25 * (earnings_n - 1)) THEN earnings END AS q1_low,
    CASE WHEN earnings_position = floor(0.25 * (earnings_n - 1)) + 1 THEN earnings END AS q1_high,
    0.25 * (earnings_n - 1) - floor(0.25 * (earnings_n - 1)) AS q1_fraction,
    CASE WHEN earnings_position = floor(0.5 * (earnings_n - 1)) THEN earnings END AS med_low,
    CASE WHEN earnings_position = floor(0.5 * (earnings_n - 1)) + 1 THEN earnings END AS med_high,
    0.5 * (earnings_n - 1) - floor(0.5 * (earnings_n - 1)) AS med_fraction,
    CASE WHEN earnings_position = floor(0.75 * (earnings_n - 1)) THEN earnings END AS q3_low,
    CASE WHEN earnings_position = floor(0.75 * (earnings_n - 1)) + 1 THEN earnings END AS q3_high,
    0.75 * (earnings_n - 1) - floor(0.75 * (earnings_n - 1)) AS q3_fraction
  FROM ranked
)

SELECT
  level,
  geo,
  field,
  programme_code,
  provider_code,
  cohort,
  months_after,
  CAST(NULL AS STRING) AS flag,
  CAST(sum(cohort_size) AS BIGINT) AS cohort_size,
  CAST(sum(observed) AS BIGINT) AS observed,
  CAST(sum(status_known) AS BIGINT) AS status_known,
  CAST(sum(emp) AS BIGINT) AS emp,
  CAST(sum(dest_known) AS BIGINT) AS dest_known,
  CAST(sum(placed) AS BIGINT) AS placed,
  CAST(sum(neet) AS BIGINT) AS neet,
  CAST(sum(work_study) AS BIGINT) AS work_study,
  CAST(sum(work_only) AS BIGINT) AS work_only,
  CAST(sum(study_only) AS BIGINT) AS study_only,
  CAST(sum(unemployed) AS BIGINT) AS unemployed,
  CAST(sum(inactive) AS BIGINT) AS inactive,
  CAST(sum(related_known) AS BIGINT) AS related_known,
  CAST(sum(related_yes) AS BIGINT) AS related_yes,
  CAST(sum(related_partly) AS BIGINT) AS related_partly,
  CAST(sum(related_no) AS BIGINT) AS related_no,
  CAST(sum(regime_known) AS BIGINT) AS regime_known,
  CAST(sum(full_time) AS BIGINT) AS full_time,
  CAST(sum(nace_known) AS BIGINT) AS nace_known,
  CAST(sum(nace_A) AS BIGINT) AS nace_A,
  CAST(sum(nace_B) AS BIGINT) AS nace_B,
  CAST(sum(nace_C) AS BIGINT) AS nace_C,
  CAST(sum(nace_D) AS BIGINT) AS nace_D,
  CAST(sum(nace_E) AS BIGINT) AS nace_E,
  CAST(sum(nace_F) AS BIGINT) AS nace_F,
  CAST(sum(nace_G) AS BIGINT) AS nace_G,
  CAST(sum(nace_H) AS BIGINT) AS nace_H,
  CAST(sum(nace_I) AS BIGINT) AS nace_I,
  CAST(sum(nace_J) AS BIGINT) AS nace_J,
  CAST(sum(nace_K) AS BIGINT) AS nace_K,
  CAST(sum(nace_L) AS BIGINT) AS nace_L,
  CAST(sum(nace_M) AS BIGINT) AS nace_M,
  CAST(sum(nace_N) AS BIGINT) AS nace_N,
  CAST(sum(nace_O) AS BIGINT) AS nace_O,
  CAST(sum(nace_P) AS BIGINT) AS nace_P,
  CAST(sum(nace_Q) AS BIGINT) AS nace_Q,
  CAST(sum(nace_R) AS BIGINT) AS nace_R,
  CAST(sum(nace_S) AS BIGINT) AS nace_S,
  CAST(sum(nace_T) AS BIGINT) AS nace_T,
  CAST(sum(nace_U) AS BIGINT) AS nace_U,
  CAST(sum(months_known) AS BIGINT) AS months_known,
  CAST(sum(months_sum) AS BIGINT) AS months_sum,
  -- Earnings are summarised only where a cell has one currency (and some earnings).
  CASE WHEN count(DISTINCT earnings_currency) = 1 THEN count(earnings) END AS earn_n,
  CASE WHEN count(DISTINCT earnings_currency) = 1 THEN
    CASE WHEN max(q1_fraction) = 0 THEN max(q1_low)
    ELSE max(q1_low) + (max(q1_high) - max(q1_low)) * max(q1_fraction) END
  END AS earn_q1,
  CASE WHEN count(DISTINCT earnings_currency) = 1 THEN
    CASE WHEN max(med_fraction) = 0 THEN max(med_low)
    ELSE max(med_low) + (max(med_high) - max(med_low)) * max(med_fraction) END
  END AS earn_med,
  CASE WHEN count(DISTINCT earnings_currency) = 1 THEN
    CASE WHEN max(q3_fraction) = 0 THEN max(q3_low)
    ELSE max(q3_low) + (max(q3_high) - max(q3_low)) * max(q3_fraction) END
  END AS earn_q3,
  CASE WHEN count(DISTINCT earnings_currency) = 1 THEN min(earnings_currency) END AS currency
FROM order_statistics
GROUP BY level, geo, field, programme_code, provider_code, cohort, months_after
ORDER BY level, geo, field, programme_code, provider_code, cohort, months_after
