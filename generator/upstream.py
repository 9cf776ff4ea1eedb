"""The aggregation that can run upstream: the shipped SQL, run here with DuckDB or Spark.

``generator/sql/aggregate.sql`` turns record-level observations into the
aggregated input (``graduate_counts``) on any engine built for it. This module
runs it over a record-level input package (CSV or Parquet), with DuckDB in
this process or with Spark (``spark.py``: local mode or a cluster), and writes
an aggregated input package: the same code lists, ``graduate_counts`` and
``programme_providers``. The records are not checked here (that is the point
of running upstream); the counts are checked when ontrack reads them.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

from .errors import BuildError, InputError, raise_if
from .inputs.package import PACKAGE_FILE, read_descriptor, resource_path, shown_path
from .schemas import AGGREGATED_RESOURCES, table_schema
from .validate import Report, check_header

#: The line of aggregate.sql that says how many of the latest cohorts are pooled.
POOLED_SETTING = "SELECT 3 AS pooled_cohorts"

#: The SQL file (in generator/sql/) that makes each aggregated resource.
SQL_FILES = {"graduate_counts": "aggregate", "programme_providers": "programme_providers"}

_SQL_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN"}


def aggregation_sql(name: str = "aggregate", pooled_cohorts: int = 3) -> str:
    """The text of ``generator/sql/<name>.sql``, pooling the latest ``pooled_cohorts`` cohorts."""
    sql = resources.files("generator").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")
    return sql.replace(POOLED_SETTING, f"SELECT {int(pooled_cohorts)} AS pooled_cohorts")


def typed_view_sql(name: str, source: str, columns: list[str], dialect: str = "duckdb") -> str:
    """A view with the columns and types of ontrack's Table Schema ``name`` over the text table ``source``.

    Input files hold text ('' for missing, 'true'/'false', as ontrack reads
    them); the SQL expects typed columns with NULL for missing. Spark SQL
    quotes names with backticks (a double-quoted name is a string there), has
    STRING for VARCHAR, and a view over a temporary view must be temporary.
    """
    spark = dialect == "spark"
    quote, text_type = ("`", "STRING") if spark else ('"', "VARCHAR")
    types = _SQL_TYPES | {"string": text_type}
    selected = []
    for field in table_schema(name)["fields"]:
        column, sql_type = field["name"], types[field["type"]]
        text = f"nullif(CAST({quote}{column}{quote} AS {text_type}), '')" if column in columns else "NULL"  # optional
        selected.append(f"CAST({text} AS {sql_type}) AS {quote}{column}{quote}")
    create = "CREATE OR REPLACE TEMPORARY VIEW" if spark else "CREATE VIEW"
    return f"{create} {name} AS SELECT {', '.join(selected)} FROM {source}"


#: The engines ``write_aggregated_package`` runs the SQL on.
ENGINES = ("duckdb", "spark")


def write_aggregated_package(source: Path, out: Path, project: Path, pooled_cohorts: int = 3,
                             fmt: str = "csv", engine: str = "duckdb", spark=None) -> dict:
    """Aggregate the record-level package in ``source`` into an aggregated input package in ``out``.

    ``engine`` is ``duckdb`` or ``spark``; for Spark, ``spark`` runs the queries: ``spark.spark_results`` bound
    to a session (``spark.spark_session`` makes one for a master URL). It is handed in, not imported, because
    ``spark.py`` builds on this module's SQL.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}")
    descriptor, file = read_descriptor(source, project)
    by_name = {r["name"]: r for r in descriptor["resources"]}
    if "graduates" not in by_name:
        raise BuildError("the package has no record-level graduates resource to aggregate", code="aggregation",
                         file=file)
    problems = []
    paths = {name: resource_path(source, by_name[name], file, problems)
             for name in ("programmes", "providers", "graduates")}
    raise_if(problems)
    if engine == "spark":
        results = spark({name: (paths[name], _format(by_name[name], paths[name]))
                                        for name in ("graduates", "programmes")}, pooled_cohorts, project)
        return _write_package(descriptor, by_name, paths, out, fmt, lambda name, path: _write_frame(
            results[name], name, path, fmt))
    try:
        import duckdb
    except ImportError:
        raise BuildError("DuckDB is not installed: `pip install duckdb` to run the aggregation here, or run "
                         "generator/sql/aggregate.sql on your own engine", code="aggregation") from None
    con = duckdb.connect()
    report = Report()
    for name in ("graduates", "programmes"):
        path = str(paths[name])
        if _format(by_name[name], paths[name]) == "parquet":
            raw = con.read_parquet(path)
        else:
            raw = con.read_csv(path, all_varchar=True, header=True)
        # The columns at least: unknown ones are refused and required ones must be there, as ontrack's own load.
        if check_header(raw.columns, table_schema(name), shown_path(paths[name], project), report):
            raw.create_view(f"{name}_text")
            con.execute(typed_view_sql(name, f"{name}_text", raw.columns))
    if report:
        raise InputError(report.sorted())

    def write(name: str, path: Path) -> None:
        relation = con.sql(aggregation_sql(SQL_FILES[name], pooled_cohorts))
        if fmt == "parquet":
            relation.write_parquet(str(path))
        else:
            relation.write_csv(str(path), header=True)

    return _write_package(descriptor, by_name, paths, out, fmt, write)


def _format(resource: dict, path: Path) -> str:
    return resource.get("format") or path.suffix.lstrip(".")


def _write_frame(frame, name: str, path: Path, fmt: str) -> None:
    """An engine's result set written as DuckDB writes it: the schema's types, '' for NULL, rows as they came."""
    import pandas as pd

    typed = {}
    for field in table_schema(name)["fields"]:
        column = frame[field["name"]]
        if field["type"] == "integer":  # a count with NULLs comes back from Spark as float: 12.0 would be written
            typed[field["name"]] = column.astype("Int64")
        elif field["type"] == "number":
            typed[field["name"]] = column.astype("float64")
        else:
            typed[field["name"]] = column.astype(object).where(column.notna(), None)
    table = pd.DataFrame(typed)
    if fmt == "parquet":
        table.to_parquet(path, index=False)
    else:
        table.to_csv(path, index=False, lineterminator="\n")


def _write_package(descriptor: dict, by_name: dict, paths: dict, out: Path, fmt: str, write) -> dict:
    """The aggregated package: the code lists copied, each aggregated resource written by ``write(name, path)``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in AGGREGATED_RESOURCES:
        if name in paths:  # a code list, copied as it is
            shutil.copyfile(paths[name], out / paths[name].name)
            written.append({**by_name[name], "path": paths[name].name, "schema": table_schema(name)})
            continue
        path = f"{name}.{fmt}"
        write(name, out / path)
        written.append({"name": name, "path": path, "format": fmt,
                        **({"mediatype": "text/csv", "encoding": "utf-8"} if fmt == "csv" else {}),
                        "schema": table_schema(name)})
    aggregated = {key: value for key, value in descriptor.items() if key != "resources"}
    aggregated["description"] = (str(descriptor.get("description", "")) + " Aggregated with ontrack's "
                                 "generator/sql/aggregate.sql: counts per cell instead of records.").strip()
    aggregated["resources"] = written
    (out / PACKAGE_FILE).write_text(json.dumps(aggregated, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return aggregated
