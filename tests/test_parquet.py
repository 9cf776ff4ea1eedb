"""Parquet input: the same data as Parquet or as CSV give the same figures; a broken file is named."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from generator.errors import InputError
from generator.indicators import compute_indicators
from generator.inputs.package import load_input_package
from generator.synthetic import write_demo_package

RECORDS = 3_000
SEED = 11


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """The same synthetic cohort written twice, as CSV and as Parquet."""
    root = tmp_path_factory.mktemp("formats")
    for fmt in ("csv", "parquet"):
        write_demo_package(root / fmt, records=RECORDS, seed=SEED, fmt=fmt)
    return root


def test_demo_data_writes_parquet_resources(packages):
    descriptor = json.loads((packages / "parquet" / "datapackage.json").read_text(encoding="utf-8"))
    assert [(r["path"], r["format"]) for r in descriptor["resources"]] == [
        ("programmes.parquet", "parquet"), ("providers.parquet", "parquet"), ("graduates.parquet", "parquet")]
    assert all((packages / "parquet" / r["path"]).read_bytes()[:4] == b"PAR1" for r in descriptor["resources"])


def test_parquet_loads_to_the_same_tables_as_csv(packages):
    from_csv = load_input_package(packages / "csv", packages)
    from_parquet = load_input_package(packages / "parquet", packages)
    assert len(from_parquet.graduates) == len(from_csv.graduates) > 2_000
    for name in ("programmes", "providers", "graduates"):
        # Values only: the CSV reader gives pandas' string dtype and the Parquet reader object columns
        # for the code lists, and the record identifiers' categories come in the order each reader met
        # them; the figures do not depend on it (next test).
        pd.testing.assert_frame_equal(getattr(from_parquet, name), getattr(from_csv, name), check_exact=True,
                                      check_dtype=False, check_categorical=name != "graduates")


def test_parquet_gives_exactly_the_same_indicator_cells_as_csv(packages):
    def cells(fmt):
        package = load_input_package(packages / fmt, packages)
        return compute_indicators(package.graduates, package.programmes)

    from_csv, from_parquet = cells("csv"), cells("parquet")
    assert (from_parquet.cohorts, from_parquet.pooled_label, from_parquet.months) == (
        from_csv.cohorts, from_csv.pooled_label, from_csv.months)
    assert len(from_csv.cells) > 1_000
    # Exact: numerators, bases, rates, intervals and medians to the last bit.
    pd.testing.assert_frame_equal(from_parquet.cells, from_csv.cells, check_exact=True)


def test_broken_parquet_file_is_a_clean_input_error_naming_the_file(packages, tmp_path):
    folder = tmp_path / "broken"
    write_demo_package(folder, records=RECORDS, seed=SEED, fmt="parquet")
    data = (folder / "graduates.parquet").read_bytes()
    (folder / "graduates.parquet").write_bytes(data[: len(data) // 2])  # cut off, footer lost
    with pytest.raises(InputError) as info:
        load_input_package(folder, tmp_path)
    assert [p.as_tuple() for p in info.value.problems] == [("broken/graduates.parquet", None, None, "parquet")]
    assert info.value.lines()[0].startswith("broken/graduates.parquet")
    assert "cannot be read as Parquet" in info.value.lines()[0]


def test_a_csv_file_named_as_parquet_is_refused(tmp_path):
    folder = tmp_path / "renamed"
    write_demo_package(folder, records=RECORDS, seed=SEED, fmt="parquet")
    (folder / "providers.parquet").write_text("provider_code,geo,name,kind\nAT-P001,AT,School,SCHOOL\n")
    with pytest.raises(InputError) as info:
        load_input_package(folder, tmp_path)
    assert [p.as_tuple() for p in info.value.problems] == [("renamed/providers.parquet", None, None, "parquet")]
