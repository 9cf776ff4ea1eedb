"""``ontrack aggregate --engine spark``: generator/sql/aggregate.sql on Spark gives DuckDB's package, byte for byte.

The SQL promises to run unchanged on Spark SQL, where a statistics office's
records live. Here it runs on pyspark in local mode (a real Spark: a JVM, its
SQL parser and planner, its shuffles) over the demo's records, once as the
CSV files of the demo package (through the command) and once stored as typed
Parquet, as an office's tables would be. Spark's package must be DuckDB's to
the last byte, and read back by ontrack as an aggregated input it must give
exactly the cells ontrack counts from the records itself. One Spark session
serves the whole run, as statistics offices test their Spark code.
"""

from __future__ import annotations

import filecmp
import functools
import json
import os
import shutil
import subprocess
import sys
import time

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.counts import cells_from_counts
from generator.indicators import compute_indicators
from generator.inputs.package import load_input_package
from generator.schemas import table_schema
from generator.spark import spark_results
from generator.upstream import SQL_FILES, typed_view_sql, write_aggregated_package

from conftest import REPO

DEMO = REPO / "datasets" / "demo"


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the test run (Java must be installed: tests/install.sh does it)."""
    from pyspark.sql import SparkSession  # a test dependency: pip install -e '.[test]'

    session = (SparkSession.builder.master("local[2]").appName("ontrack-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2")   # the default 200 is for clusters, not 80,000 rows
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.driver.memory", "2g")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def duckdb_package(tmp_path_factory):
    """DuckDB's aggregated package of the demo: what Spark must give."""
    out = tmp_path_factory.mktemp("duckdb") / "counts"
    write_aggregated_package(DEMO, out, REPO)
    return out


@pytest.fixture(scope="module")
def on_spark(spark, tmp_path_factory):
    """``ontrack aggregate --engine spark`` on the demo package (in the test's Spark session), and its seconds."""
    out = tmp_path_factory.mktemp("spark") / "counts"
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["aggregate", str(DEMO), str(out), "--engine", "spark"])
    assert result.exit_code == 0, result.output
    assert not spark.sparkContext._jsc.sc().isStopped()  # the command leaves a session it did not make running
    return out, time.perf_counter() - started


def _same_files(left, right) -> list[str]:
    names = sorted(p.name for p in left.iterdir())
    assert names == sorted(p.name for p in right.iterdir())
    return [name for name in names if not filecmp.cmp(left / name, right / name, shallow=False)]


def test_the_spark_engine_writes_duckdbs_package_byte_for_byte(on_spark, duckdb_package):
    out, seconds = on_spark
    assert _same_files(out, duckdb_package) == []
    rows = {resource: len(pd.read_csv(out / f"{resource}.csv")) for resource in SQL_FILES}
    assert rows["graduate_counts"] > 1_000 and rows["programme_providers"] > 10
    print(f"Spark engine: {rows} rows, every file equal to DuckDB's; {seconds:.1f} s")


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
def parquet_records(tmp_path_factory):
    """The demo's records as typed Parquet (as an office's tables would be), in a package that declares them."""
    root = tmp_path_factory.mktemp("parquet")
    descriptor = json.loads((DEMO / "datapackage.json").read_text(encoding="utf-8"))
    con = duckdb.connect()
    for resource in descriptor["resources"]:
        name = resource["name"]
        if name in ("graduates", "programmes"):
            raw = con.read_csv(str(DEMO / resource["path"]), all_varchar=True, header=True)
            raw.create_view(f"{name}_text")
            con.execute(typed_view_sql(name, f"{name}_text", raw.columns))
            con.execute(f"COPY {name} TO '{root / name}.parquet' (FORMAT parquet)")
            resource.update(path=f"{name}.parquet", format="parquet")
            resource.pop("mediatype", None), resource.pop("encoding", None)
        else:
            shutil.copyfile(DEMO / resource["path"], root / resource["path"])
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return root


def test_spark_over_typed_parquet_gives_duckdbs_cells_cell_for_cell(spark, parquet_records, duckdb_package,
                                                                     tmp_path):
    write_aggregated_package(parquet_records, tmp_path / "spark", REPO, engine="spark", spark=functools.partial(spark_results, spark))
    for resource in SQL_FILES:
        read = {"all_varchar": True}
        spark_rows = duckdb.connect().read_csv(str(tmp_path / "spark" / f"{resource}.csv"), **read).df()
        duck_rows = duckdb.connect().read_csv(str(duckdb_package / f"{resource}.csv"), **read).df()
        assert list(spark_rows.columns) == [f["name"] for f in table_schema(resource)["fields"]]
        pd.testing.assert_frame_equal(typed(spark_rows.replace({"": None}), resource),
                                      typed(duck_rows.replace({"": None}), resource), check_exact=True)


def test_spark_counts_read_back_give_ontracks_own_cells(on_spark):
    """Spark's package as an aggregated input: ontrack's cells from it are those of the records."""
    package, _seconds = on_spark
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


def test_without_java_the_spark_engine_says_so_and_writes_nothing(tmp_path):
    """A machine without Java: one line naming the problem, exit status 1, no package half written."""
    env = {**os.environ, "JAVA_HOME": str(tmp_path / "no-java"), "PATH": "/usr/bin:/bin"}
    env.pop("SPARK_HOME", None)
    out = tmp_path / "counts"
    run = subprocess.run([sys.executable, "-m", "generator.cli", "aggregate", str(DEMO), str(out), "--engine", "spark"],
                         capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Spark did not start on 'local[2]'" in run.stdout + run.stderr
    assert "Java 17" in run.stdout + run.stderr
    assert not out.exists()
