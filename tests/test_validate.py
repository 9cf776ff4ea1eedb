"""Input checks: every problem named with file, row and field, all at once."""

from __future__ import annotations

import pytest

from generator.errors import InputError
from generator.inputs.package import load_input_package

from conftest import graduate, write_package


def problems(folder):
    with pytest.raises(InputError) as info:
        load_input_package(folder, folder.parent)
    return info.value


def test_clean_package_loads(tiny_package):
    package = load_input_package(tiny_package, tiny_package.parent)
    assert len(package.graduates) == 50
    assert str(package.graduates["lm_status"].dtype) == "category"


def test_extra_email_column_is_refused(tmp_path):
    folder = write_package(tmp_path / "p", [graduate(1)], extra_columns={"email": "someone@example.org"})
    error = problems(folder)
    assert [p.as_tuple() for p in error.problems] == [
        ("p/graduates.csv", 1, "email", "extra-column")]
    assert "not in the schema" in error.lines()[0]


def test_each_bad_cell_is_located(tmp_path):
    rows = [graduate(1), graduate(2, earnings_month="-5", currency="EUR"), graduate(3, lm_status="WORKING"),
            graduate(4, months_after="7"), graduate(5, cohort_year="20x3"), graduate(6, programme_code="NOPE")]
    found = {p.as_tuple() for p in problems(write_package(tmp_path / "p", rows)).problems}
    assert ("p/graduates.csv", 3, "earnings_month", "minimum") in found
    assert ("p/graduates.csv", 4, "lm_status", "enum") in found
    assert ("p/graduates.csv", 5, "months_after", "enum") in found
    assert ("p/graduates.csv", 6, "cohort_year", "type") in found
    assert ("p/graduates.csv", 7, "programme_code", "foreign-key") in found


def test_impossible_combinations(tmp_path):
    rows = [
        graduate(1, status="UNE", earnings_month="1500", currency="EUR", employment_type="", work_regime="",
                 nace_section="", months_employed=""),
        graduate(2, contact="UNMATCHED", status="EMP"),
        graduate(3, source="SURVEY", contact="MATCHED"),
        graduate(4, earnings_month="1500"),
        graduate(5, months_employed="30"),
    ]
    found = {p.as_tuple()[1:] for p in problems(write_package(tmp_path / "p", rows)).problems}
    assert (2, "earnings_month", "not-employed") in found
    assert (3, "lm_status", "unobserved-status") in found
    assert (4, "contact", "contact-source") in found
    assert (5, "currency", "currency-missing") in found
    assert (6, "months_employed", "months-employed") in found


def test_duplicate_key_is_reported_on_the_second_row(tmp_path):
    rows = [graduate(1), graduate(1)]
    found = [p.as_tuple() for p in problems(write_package(tmp_path / "p", rows)).problems]
    assert found == [("p/graduates.csv", 3, "record_id", "primary-key")]


def test_many_problems_are_counted_after_fifty(tmp_path):
    rows = [graduate(i, sex="X") for i in range(300)]
    error = problems(write_package(tmp_path / "p", rows))
    lines = error.lines()
    assert len(lines) == 51
    assert lines[-1] == "... and 250 more problem(s)"
    assert error.total == 300


@pytest.mark.parametrize("content, code", [
    (b"", "empty-file"),
    (b"\xef\xbb\xbfrecord_id\n", "bom"),
    (b"record_id,geo\n\xff\xfe,AT\n", "encoding"),
    (b'record_id,geo\n"abc,AT\n', "csv"),
])
def test_malformed_files(tmp_path, content, code):
    folder = write_package(tmp_path / "p", [graduate(1)])
    (folder / "graduates.csv").write_bytes(content)
    assert [p.code for p in problems(folder).problems] == [code]


def test_path_outside_the_package_is_refused(tmp_path):
    import json

    folder = write_package(tmp_path / "p", [graduate(1)])
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"][2]["path"] = "../../etc/passwd"
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    assert [p.code for p in problems(folder).problems] == ["path"]
