"""generator/sql/aggregate.sql on Spark: the same counts as DuckDB's, cell for cell, and ontrack's own cells.

The SQL promises to run unchanged on Spark SQL, where a statistics office's
records live. Here it runs on pyspark in local mode (a real Spark: a JVM, its
SQL parser and planner, its shuffles) over the demo's records, typed as the
SQL expects and stored as Parquet, as an office's tables would be. Spark's
counts must equal DuckDB's to the last bit, and read back by ontrack as an
aggregated input they must give exactly the cells ontrack counts from the
records itself.
"""

from __future__ import annotations

import json
import shutil
import time

import duckdb
import pandas as pd
import pytest

from generator.counts import cells_from_counts
from generator.indicators import compute_indicators
from generator.inputs.package import load_input_package
from generator.schemas import table_schema
from generator.upstream import SQL_FILES, aggregation_sql, typed_view_sql, write_aggregated_package

from conftest import REPO

DEMO = REPO / "datasets" / "demo"


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the test run (Java must be installed: tests/install.sh does it)."""
    from pyspark.sql import SparkSession  # a test dependency: pip install -e '.[test]'

    session = (SparkSession.builder.master("local[2]").appName("ontrack-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4")   # the default 200 is for clusters, not 80,000 rows
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.driver.memory", "1g")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo's records as typed Parquet (the SQL's input), and DuckDB's aggregated package of them."""
    root = tmp_path_factory.mktemp("spark")
    con = duckdb.connect()
    for name in ("graduates", "programmes"):
        raw = con.read_csv(str(DEMO / f"{name}.csv"), all_varchar=True, header=True)
        raw.create_view(f"{name}_text")
        con.execute(typed_view_sql(name, f"{name}_text", raw.columns))
        con.execute(f"COPY {name} TO '{root / name}.parquet' (FORMAT parquet)")
    write_aggregated_package(DEMO, root / "duckdb", REPO)
    return root


def typed(frame: pd.DataFrame, resource: str) -> pd.DataFrame:
    """A result set with the types of its Table Schema, rows in key order, so two engines' results compare."""
    out = {}
    for field in table_schema(resource)["fields"]:
        column = frame[field["name"]]
        if field["type"] == "integer":
            out[field["name"]] = column.astype("Int64")
        elif field["type"] == "number":
            out[field["name"]] = column.astype("float64")
        else:
            out[field["name"]] = column.astype(object).where(column.notna(), None)
    keys = [f["name"] for f in table_schema(resource)["fields"] if f["type"] == "string"]
    return pd.DataFrame(out).sort_values(keys, na_position="first", kind="stable").reset_index(drop=True)


@pytest.fixture(scope="module")
def on_spark(spark, demo):
    """Both SQL files run unchanged on Spark: each resource's rows, and the seconds Spark took."""
    started = time.perf_counter()
    for name in ("graduates", "programmes"):
        spark.read.parquet(str(demo / f"{name}.parquet")).createOrReplaceTempView(name)
    results = {resource: spark.sql(aggregation_sql(sql)).toPandas() for resource, sql in SQL_FILES.items()}
    return results, time.perf_counter() - started


@pytest.mark.parametrize("resource", list(SQL_FILES))
def test_spark_gives_duckdbs_cells_cell_for_cell(on_spark, demo, resource):
    results, seconds = on_spark
    duck = duckdb.connect().read_csv(str(demo / "duckdb" / f"{resource}.csv"), all_varchar=True).df()
    duck = duck.replace({"": None})
    spark_rows, duck_rows = typed(results[resource], resource), typed(duck, resource)
    assert list(results[resource].columns) == list(duck.columns)  # the columns, in the schema's order
    assert len(spark_rows) == len(duck_rows) > (1_000 if resource == "graduate_counts" else 10)
    pd.testing.assert_frame_equal(spark_rows, duck_rows, check_exact=True)
    print(f"{resource}: {len(spark_rows):,} rows equal; Spark took {seconds:.1f} s for both queries")


def test_spark_counts_read_back_give_ontracks_own_cells(on_spark, demo, tmp_path):
    """Spark's counts as an aggregated input package: ontrack's cells from them are those of the records."""
    results, _seconds = on_spark
    package = tmp_path / "spark"
    shutil.copytree(demo / "duckdb", package)
    for resource in SQL_FILES:  # Spark's rows in place of DuckDB's, in the same package
        typed(results[resource], resource).to_csv(package / f"{resource}.csv", index=False, lineterminator="\n")
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in descriptor["resources"]} >= set(SQL_FILES)
    counts = load_input_package(package, REPO)
    records = load_input_package(DEMO, REPO)
    assert counts.aggregated
    expected = compute_indicators(records.graduates, records.programmes)
    got = cells_from_counts(counts.graduate_counts)
    assert (got.cohorts, got.pooled_label, got.months) == (expected.cohorts, expected.pooled_label, expected.months)
    pd.testing.assert_frame_equal(got.cells, expected.cells, check_exact=True)
    assert counts.offered_by() == records.offered_by()
