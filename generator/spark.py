"""The shipped aggregation SQL run on Spark, for records that live where Spark runs.

``ontrack aggregate --engine spark`` reads a record-level input package with
Spark (local mode by default, or any master URL), puts the same typed views
over it as the DuckDB engine (``upstream.typed_view_sql`` in Spark's dialect)
and runs ``generator/sql/aggregate.sql`` unchanged. Only the result, one row
per published cell (a few thousand rows for a national cohort), is collected
to the driver and written; the records stay with Spark. pyspark needs Java 17
or newer on the machine that runs it.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from .errors import BuildError, InputError
from .inputs.package import shown_path
from .schemas import table_schema
from .upstream import SQL_FILES, aggregation_sql, typed_view_sql
from .validate import Report, check_header

#: The master when none is given: Spark in this process's machine, on two cores.
DEFAULT_MASTER = "local[2]"


@contextmanager
def spark_session(master: str = DEFAULT_MASTER):
    """A Spark session on ``master``, stopped at the end if this made it (a session already active is used as is).

    A local session is set for a few thousand result rows, not a cluster's defaults.
    """
    try:
        from pyspark.errors import PySparkException
        from pyspark.sql import SparkSession
    except ImportError:
        raise BuildError("pyspark is not installed: `pip install pyspark` (it needs Java 17 or newer) to aggregate "
                         "with --engine spark", code="aggregation") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    builder = SparkSession.builder.master(master).appName("ontrack aggregate")
    if master.startswith("local"):
        # The default 200 shuffle partitions are sized for a cluster; on one machine they only add tasks.
        builder = (builder.config("spark.sql.shuffle.partitions", "2").config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false"))
    try:
        session = builder.getOrCreate()
    except (PySparkException, OSError) as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise BuildError(f"Spark did not start on {master!r} (is Java 17 or newer installed, and the master "
                         f"reachable?): {first_line}", code="spark") from None
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


def spark_results(spark, inputs: dict[str, tuple[Path, str]], pooled_cohorts: int, project: Path) -> dict:
    """Each aggregated resource's rows (pandas, in the SQL's order) from the ``graduates`` and ``programmes`` files.

    ``inputs`` maps each of the two to its path and format (csv or parquet).
    Their columns are checked as ontrack's own load checks them: unknown
    ones are refused and required ones must be there.
    """
    report = Report()
    for name, (path, fmt) in inputs.items():
        if fmt == "parquet":
            raw = spark.read.parquet(str(path))
        else:  # every column as text, '' as NULL, quotes doubled inside quotes (RFC 4180; Spark's default is \)
            raw = spark.read.options(header=True, escape='"', multiLine=True, encoding="UTF-8").csv(str(path))
        if check_header(raw.columns, table_schema(name), shown_path(path, project), report):
            raw.createOrReplaceTempView(f"{name}_text")
            spark.sql(typed_view_sql(name, f"{name}_text", raw.columns, dialect="spark"))
    if report:
        raise InputError(report.sorted())
    # Both queries read the records more than once: parse and type them once, kept by Spark (memory, then disk).
    for name in inputs:
        spark.catalog.cacheTable(name)
    try:
        return {resource: spark.sql(aggregation_sql(sql, pooled_cohorts)).toPandas()
                for resource, sql in SQL_FILES.items()}
    finally:
        for name in inputs:
            spark.catalog.uncacheTable(name)
