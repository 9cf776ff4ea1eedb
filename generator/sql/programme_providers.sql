-- Which providers' graduates each programme's counts include: the resource
-- programme_providers of an aggregated input (generator/schemas/programme_providers.json).
-- Runs, like aggregate.sql, over a view named graduates, on DuckDB and Spark SQL unchanged.

SELECT DISTINCT programme_code, provider_code
FROM graduates
ORDER BY programme_code, provider_code
