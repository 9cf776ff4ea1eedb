"""Indicators from hand-made cohorts whose figures can be checked by hand."""

from __future__ import annotations

import math

import pytest

from generator.indicators import compute_indicators, wilson_interval
from generator.inputs.package import load_input_package

from conftest import graduate, write_package


def cells_for(tmp_path, rows):
    folder = write_package(tmp_path / "p", rows)
    package = load_input_package(folder, tmp_path)
    return compute_indicators(package.graduates, package.programmes).cells


def value(cells, indicator, level="programme", cohort="2023", months=12):
    row = cells[(cells.level == level) & (cells.indicator == indicator) & (cells.cohort == cohort)
                & (cells.months_after == months)]
    assert len(row) == 1, (indicator, level, len(row))
    return row.iloc[0]


def test_wilson_interval_matches_the_textbook_value():
    # 8 of 10: the Wilson 95% interval is 0.4902 to 0.9433 (Newcombe 1998, method 3).
    low, high = wilson_interval([8], [10])
    assert math.isclose(low[0], 0.4902, abs_tol=5e-4) and math.isclose(high[0], 0.9433, abs_tol=5e-4)


def test_rates_and_bases(tmp_path):
    rows = (
        [graduate(i) for i in range(6)]                                   # 6 employed, not studying
        + [graduate(10 + i, in_education="true") for i in range(2)]       # 2 employed and studying
        + [graduate(20, status="UNE"), graduate(21, status="INA", in_education="true")]
        + [graduate(30, contact="UNMATCHED", status="UNK"), graduate(31, contact="UNMATCHED", status="UNK")]
    )
    cells = cells_for(tmp_path, rows)
    emp = value(cells, "EMP")
    assert (emp.numerator, emp.base) == (8, 10)                         # unknown status excluded
    assert value(cells, "COVERAGE").numerator == 10 and value(cells, "COVERAGE").base == 12
    assert value(cells, "PLACE").numerator == 9                          # 8 employed + 1 studying
    assert value(cells, "NEET").numerator == 1                           # the unemployed one
    assert value(cells, "DEST_WORK_STUDY").numerator == 2
    assert value(cells, "DEST_STUDY_ONLY").numerator == 1
    assert value(cells, "DEST_UNEMPLOYED").numerator == 1
    assert value(cells, "DEST_INACTIVE").numerator == 0
    assert value(cells, "SECTOR_F").numerator == 8 and value(cells, "SECTOR_F").base == 8
    assert math.isclose(value(cells, "EMP").ci_low, wilson_interval([8], [10])[0][0])


def test_relevance_counts_only_employed_who_answered(tmp_path):
    rows = [graduate(i, source="SURVEY", contact="RESPONDED", job_related=answer)
            for i, answer in enumerate(["YES", "YES", "YES", "PARTLY", "NO", ""])]
    cells = cells_for(tmp_path, rows)
    assert (value(cells, "RELEVANT").numerator, value(cells, "RELEVANT").base) == (3, 5)
    assert value(cells, "RELATED_NO").numerator == 1


def test_median_earnings_of_full_time_employed(tmp_path):
    rows = [graduate(i, earnings_month=str(1000 + 100 * i), currency="EUR") for i in range(5)]
    rows.append(graduate(9, work_regime="PT", earnings_month="100", currency="EUR"))  # part time: left out
    cells = cells_for(tmp_path, rows)
    median = value(cells, "EARN_MED")
    assert (median.numerator, median.base, median.currency) == (1200, 5, "EUR")
    assert value(cells, "EARN_Q1").numerator == 1100


def test_levels_add_up_and_pooled_cohorts(tmp_path):
    rows = ([graduate(i, cohort=2021) for i in range(3)] + [graduate(10 + i, cohort=2022) for i in range(4)]
            + [graduate(20 + i, cohort=2023, programme="AT-101-3-002") for i in range(5)])
    cells = cells_for(tmp_path, rows)
    assert value(cells, "EMP", level="country", cohort="2021-2023").base == 12
    assert value(cells, "EMP", level="all", cohort="2021-2023").base == 12
    fields = cells[(cells.level == "field") & (cells.indicator == "EMP") & (cells.cohort == "2021-2023")]
    assert dict(zip(fields.field, fields.base)) == {"07": 7, "10": 5}


@pytest.mark.parametrize("months", [6, 18])
def test_each_observation_point_is_separate(tmp_path, months):
    rows = [graduate(i, months=months, months_employed="3") for i in range(3)] + [graduate(i, months=12, status="UNE") for i in range(3)]
    cells = cells_for(tmp_path, rows)
    assert value(cells, "EMP", months=months).numerator == 3
    assert value(cells, "EMP", months=12).numerator == 0
