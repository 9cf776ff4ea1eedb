"""Aggregated input: counts per cell instead of records, made upstream by generator/sql/aggregate.sql.

The promise: run the SQL (here with DuckDB) over record-level data, feed its
counts back in, and the published site is the one built from the records, byte
for byte. And a bad aggregated input is refused with one line per problem.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from generator.build import build
from generator.cli import main
from generator.counts import cells_from_counts
from generator.errors import BuildError, InputError
from generator.indicators import compute_indicators
from generator.inputs.package import load_input_package
from generator.schemas import AGGREGATED_RESOURCES, field_names, table_schema
from generator.synthetic import write_demo_package
from generator.upstream import aggregation_sql, write_aggregated_package

from conftest import GOLDEN_PROJECT, PROGRAMMES, PROVIDERS, graduate, write_package

duckdb = pytest.importorskip("duckdb")


def write_records(folder, fmt):
    """A small synthetic cohort, with earnings in cents so that quartiles must interpolate to the last bit alike."""
    write_demo_package(folder, records=3_000, seed=11, programmes=12, countries=3, fmt=fmt)
    path = folder / f"graduates.{fmt}"
    graduates = pd.read_parquet(path) if fmt == "parquet" else pd.read_csv(path, dtype=str, keep_default_na=False)
    given = graduates["earnings_month"] != ""
    cents = np.random.default_rng(3).integers(0, 1000, given.sum()) / 100
    earnings = graduates.loc[given, "earnings_month"].astype(float) + cents
    graduates.loc[given, "earnings_month"] = [f"{e:.2f}" for e in earnings]
    if fmt == "parquet":
        graduates.to_parquet(path, index=False)
    else:
        graduates.to_csv(path, index=False, lineterminator="\n")


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """Record-level Parquet, and its counts made by `ontrack aggregate`, as CSV and as Parquet."""
    root = tmp_path_factory.mktemp("aggregated")
    write_records(root / "records", "parquet")
    runner = CliRunner()
    for fmt in ("csv", "parquet"):
        result = runner.invoke(main, ["aggregate", str(root / "records"), str(root / f"counts-{fmt}"), "--format", fmt])
        assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The golden project's content and reference figures, without its data, and without the attacker's rounds:
    on this 3,000-record cohort they do not settle yet (README, "Privacy"), and what is compared here is the
    two inputs, not the control."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(GOLDEN_PROJECT / "content", root / "content")
    config = root / "content" / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("attack = true", "attack = false"), encoding="utf-8")
    shutil.copytree(GOLDEN_PROJECT / "datasets" / "reference", root / "datasets" / "reference")
    return root


def test_the_aggregated_package_declares_code_lists_counts_and_programme_providers(packages):
    descriptor = json.loads((packages / "counts-csv" / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]] == list(AGGREGATED_RESOURCES)
    assert [r["path"] for r in descriptor["resources"]] == [
        "programmes.parquet", "providers.parquet", "graduate_counts.csv", "programme_providers.csv"]
    with (packages / "counts-csv" / "graduate_counts.csv").open(encoding="utf-8") as f:
        assert next(csv.reader(f)) == field_names("graduate_counts")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_counts_from_the_sql_give_exactly_the_cells_of_the_records(packages, fmt):
    records = load_input_package(packages / "records", packages)
    counts = load_input_package(packages / f"counts-{fmt}", packages)
    assert counts.aggregated and not records.aggregated
    expected = compute_indicators(records.graduates, records.programmes)
    got = cells_from_counts(counts.graduate_counts)
    assert (got.cohorts, got.pooled_label, got.months) == (expected.cohorts, expected.pooled_label, expected.months)
    assert len(got.cells) > 5_000
    # Row for row and to the last bit: numerators, bases, rates, intervals, quartiles.
    pd.testing.assert_frame_equal(got.cells, expected.cells, check_exact=True)
    assert counts.offered_by() == records.offered_by()
    assert counts.record_ids() == set()


def test_a_site_built_from_the_counts_is_byte_identical_to_the_one_from_the_records(packages, project, tmp_path):
    build(project, tmp_path / "from-records", data=packages / "records")
    build(project, tmp_path / "from-counts", data=packages / "counts-csv")

    def files(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    from_records, from_counts = files(tmp_path / "from-records"), files(tmp_path / "from-counts")
    assert any(name.startswith("programmes/") for name in from_records)
    assert any(name.endswith(".csv") for name in from_records)
    assert sorted(from_counts) == sorted(from_records)
    assert [name for name in from_records if from_counts[name] != from_records[name]] == []


def test_records_as_csv_give_the_same_counts_as_parquet(packages, tmp_path):
    write_records(tmp_path / "records", "csv")
    write_aggregated_package(tmp_path / "records", tmp_path / "counts", tmp_path)
    assert (tmp_path / "counts" / "graduate_counts.csv").read_bytes() == \
        (packages / "counts-csv" / "graduate_counts.csv").read_bytes()


def test_aggregate_refuses_a_column_outside_the_schema(tmp_path):
    folder = write_package(tmp_path / "pkg", [graduate(1)], extra_columns={"email": "a@example.org"})
    result = CliRunner().invoke(main, ["aggregate", str(folder), str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "graduates.csv:1:email: column not in the schema; refused" in result.output
    assert not (tmp_path / "out").exists()


def test_the_sql_reads_the_pooled_cohorts_setting():
    assert "SELECT 3 AS pooled_cohorts" in aggregation_sql()
    assert "SELECT 2 AS pooled_cohorts" in aggregation_sql(pooled_cohorts=2)


def test_every_field_of_the_aggregated_schemas_is_described():
    for name in ("graduate_counts", "programme_providers"):
        schema = table_schema(name)
        assert schema["description"]
        assert all(field.get("description") for field in schema["fields"]), name


def test_aggregate_without_duckdb_says_how_to_get_it(packages, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb now raises ImportError
    with pytest.raises(BuildError, match=r"DuckDB is not installed: `pip install duckdb`"):
        write_aggregated_package(packages / "records", tmp_path / "out", packages)


# Bad aggregated inputs, on a hand-made package: one programme cell of 50 graduates at 12 months.

COUNTS = {
    "level": "programme", "geo": "AT", "field": "07", "programme_code": "AT-071-4-001", "provider_code": "",
    "cohort": "2023", "months_after": "12", "flag": "",
    "cohort_size": 50, "observed": 50, "status_known": 50, "emp": 40, "dest_known": 50, "placed": 40, "neet": 10,
    "work_study": 0, "work_only": 40, "study_only": 0, "unemployed": 10, "inactive": 0, "related_known": 0,
    "related_yes": 0, "related_partly": 0, "related_no": 0, "regime_known": 40, "full_time": 40, "nace_known": 40,
    "nace_F": 40, "months_known": 50, "months_sum": 400,
}


def cell(**changes) -> dict:
    """A row of graduate_counts: 40 of 50 electricians employed, every count not named above 0."""
    row = {name: 0 for name in field_names("graduate_counts")}
    row.update({name: "" for name in ("earn_n", "earn_q1", "earn_med", "earn_q3", "currency")})
    row.update(COUNTS)
    row.update(changes)
    return row


def write_counts_package(folder, rows, programme_providers=(("AT-071-4-001", "AT-P001"),)):
    folder.mkdir(parents=True, exist_ok=True)
    tables = {"programmes": PROGRAMMES, "providers": PROVIDERS, "graduate_counts": rows,
              "programme_providers": [dict(zip(("programme_code", "provider_code"), p)) for p in programme_providers]}
    for name in AGGREGATED_RESOURCES:
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=field_names(name), lineterminator="\n")
            writer.writeheader()
            writer.writerows(tables[name])
    resources = [{"name": n, "path": f"{n}.csv", "format": "csv", "schema": table_schema(n)} for n in AGGREGATED_RESOURCES]
    (folder / "datapackage.json").write_text(json.dumps({"name": "counts", "resources": resources}), encoding="utf-8")
    return folder


def problems(folder, root):
    with pytest.raises(InputError) as info:
        load_input_package(folder, root)
    return info.value


def test_a_hand_made_cell_gives_the_figures_a_reader_expects(tmp_path):
    package = load_input_package(write_counts_package(tmp_path / "pkg", [cell()]), tmp_path)
    cells = cells_from_counts(package.graduate_counts).cells.set_index("indicator")
    assert cells.loc["EMP", ["numerator", "base", "value"]].tolist() == [40, 50, 0.8]
    assert cells.loc["NEET", "value"] == 0.2
    assert cells.loc["MONTHS_EMP", "value"] == 8.0
    assert "RELEVANT" not in cells.index  # nobody said whether the job is related: base 0, no cell
    assert package.offered_by() == {"AT-071-4-001": ("AT-P001",)}


def test_a_numerator_larger_than_its_base_is_refused_with_its_place(tmp_path):
    error = problems(write_counts_package(tmp_path / "pkg", [cell(), cell(months_after="18", emp=60)]), tmp_path)
    assert [p.as_tuple() for p in error.problems] == [("pkg/graduate_counts.csv", 3, "emp", "part-of-whole")]
    assert error.lines() == ["pkg/graduate_counts.csv:3:emp: 60 is more than status_known (50), which it is part of"]


def test_units_keys_and_codes_of_a_cell_are_checked(tmp_path):
    rows = [cell(),
            cell(level="country", field="07", programme_code=""),           # a field at the country level
            cell(programme_code="AT-999", months_after="18"),                 # not in the programmes code list
            cell(),                                                           # the first row again
            cell(months_after="24", geo="DE", currency="EUR")]                # wrong country; currency alone
    error = problems(write_counts_package(tmp_path / "pkg", rows), tmp_path)
    assert error.lines() == [
        "pkg/graduate_counts.csv:3:field: must be empty at the country level",
        "pkg/graduate_counts.csv:4:programme_code: 'AT-999' is not a programme_code listed in pkg/programmes.csv",
        "pkg/graduate_counts.csv:5:level: duplicate key (level=programme, geo=AT, field=07, "
        "programme_code=AT-071-4-001, provider_code=, cohort=2023, months_after=12)",
        "pkg/graduate_counts.csv:6:currency: given without earn_n",
        "pkg/graduate_counts.csv:6:geo: 'DE' differs from the programme's geo 'AT'",
    ]


def test_the_cli_exits_1_on_a_bad_aggregated_input(tmp_path, project):
    folder = write_counts_package(tmp_path / "pkg", [cell(observed=51)])
    result = CliRunner().invoke(main, ["check", str(project), "--data", str(folder)])
    assert result.exit_code == 1
    assert "graduate_counts.csv:2:observed: 51 is more than cohort_size (50), which it is part of" in result.output


def test_a_withheld_cell_gives_no_figure_and_must_have_no_counts(tmp_path):
    figures = field_names("graduate_counts")[field_names("graduate_counts").index("flag") + 1:]
    withheld = cell(months_after="18", flag="c", **dict.fromkeys(figures, ""))
    package = load_input_package(write_counts_package(tmp_path / "ok", [cell(), withheld]), tmp_path)
    assert set(cells_from_counts(package.graduate_counts).cells["months_after"]) == {12}
    error = problems(write_counts_package(tmp_path / "bad", [cell(flag="c")]), tmp_path)
    assert {(p.field, p.code) for p in error.problems} >= {("emp", "withheld"), ("cohort_size", "withheld")}
    assert "bad/graduate_counts.csv:2:emp: must be empty: the supplier withheld this cell (flag c)" in error.lines()


def test_counts_pooled_otherwise_than_the_config_says_are_refused(tmp_path):
    rows = [cell(cohort=str(year)) for year in (2021, 2022, 2023)] + [cell(cohort="2021-2023")]
    package = load_input_package(write_counts_package(tmp_path / "pkg", rows), tmp_path)
    assert cells_from_counts(package.graduate_counts, pooled_cohorts=3).pooled_label == "2021-2023"
    with pytest.raises(InputError) as info:
        cells_from_counts(package.graduate_counts, pooled_cohorts=2)
    assert info.value.lines() == ["content/site.toml:indicators.pooled_cohorts: is 2, which pools 2022-2023, "
                                  "but the aggregated input pools 2021-2023; make them agree"]
    without_pool = load_input_package(write_counts_package(tmp_path / "unpooled", rows[:3]), tmp_path)
    with pytest.raises(InputError) as info:
        cells_from_counts(without_pool.graduate_counts, pooled_cohorts=3)
    assert info.value.lines() == ["content/site.toml:indicators.pooled_cohorts: is 3, which pools 2021-2023, "
                                  "but the aggregated input pools no cohorts; make them agree"]


def test_records_and_counts_in_one_package_are_refused(tmp_path):
    folder = write_counts_package(tmp_path / "pkg", [cell()])
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"].append({"name": "graduates", "path": "graduates.csv"})
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    assert [p.as_tuple() for p in problems(folder, tmp_path).problems] == [
        ("pkg/datapackage.json", None, "resources", "records-and-counts")]
