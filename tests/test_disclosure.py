"""Disclosure control: rounding, primary and secondary suppression, and the properties that must always hold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.config import DisclosureOptions
from generator.disclosure import SafeTable, apply_disclosure
from generator.precision import round_count
from generator.indicators import LEVELS, compute_indicators
from generator.inputs.package import load_input_package
from generator.synthetic import write_demo_package

from conftest import graduate, write_package


def test_counts_round_to_the_nearest_five_halves_up():
    assert list(round_count([0, 2, 3, 7, 12, 12.5, 13, 1234], 5)) == [0, 0, 5, 5, 10, 15, 15, 1235]


def test_a_safe_table_cannot_be_made_outside_disclosure():
    with pytest.raises(TypeError):
        SafeTable(pd.DataFrame(), (), "", (), DisclosureOptions())


def _disclose(tmp_path, rows, **options):
    folder = write_package(tmp_path / "p", rows)
    package = load_input_package(folder, tmp_path)
    cells = compute_indicators(package.graduates, package.programmes)
    safe, report = apply_disclosure(cells, DisclosureOptions(**options))
    return cells, safe


def _cell(frame, indicator, level, **dims):
    mask = (frame.level == level) & (frame.indicator == indicator) & (frame.cohort == dims.get("cohort", "2023")) \
        & (frame.months_after == 12)
    for key in ("programme_code", "field"):
        if key in dims:
            mask &= frame[key] == dims[key]
    return frame[mask].iloc[0]


def test_small_base_is_hidden_and_never_zero(tmp_path):
    rows = [graduate(i) for i in range(30)] + [graduate(100 + i, programme="AT-101-3-002") for i in range(10)]
    _, safe = _disclose(tmp_path, rows, secondary=False)
    cook = _cell(safe.cells, "EMP", "programme", programme_code="AT-101-3-002")
    assert np.isnan(cook.value) and pd.isna(cook.base_rounded)
    assert (cook.flag, cook.suppression_reason) == ("c", "MIN_BASE")
    electrician = _cell(safe.cells, "EMP", "programme", programme_code="AT-071-4-001")
    assert electrician.value == 1.0 and electrician.base_rounded == 30


def test_one_hidden_sibling_hides_the_next_smallest(tmp_path):
    # Two programmes in one country (different fields): the cooks (10) are hidden for their base; the country
    # total minus the electricians (30) would give the cooks away, so with one more programme, hide that too.
    rows = [graduate(i) for i in range(30)] + [graduate(100 + i, programme="AT-101-3-002") for i in range(10)]
    _, safe = _disclose(tmp_path, rows, attack=False)
    electrician = _cell(safe.cells, "EMP", "programme", programme_code="AT-071-4-001")
    assert electrician.suppression_reason == "SECONDARY"
    country = _cell(safe.cells, "EMP", "country")
    assert country.flag == ""  # the total stays published: two hidden cells cannot be told apart


def test_group_rule_hides_near_unanimous_rates(tmp_path):
    rows = [graduate(i) for i in range(29)] + [graduate(99, status="UNE")]
    _, safe = _disclose(tmp_path, rows, group_rule=True, secondary=False)
    assert _cell(safe.cells, "EMP", "programme", programme_code="AT-071-4-001").suppression_reason == "GROUP"
    _, plain = _disclose(tmp_path / "again", rows, secondary=False)
    assert _cell(plain.cells, "EMP", "programme", programme_code="AT-071-4-001").flag == ""


def _breakdowns(cells: pd.DataFrame, pooled: str, pooled_cohorts: set[str]):
    """Every (children, parent) group whose children add up to the parent, found independently of the code."""
    relations = [("programme", "country_field"), ("programme", "country"), ("programme", "field"),
                 ("programme", "all"), ("provider", "country"), ("country_field", "country"),
                 ("country_field", "field"), ("country", "all"), ("field", "all")]
    additive = cells[cells.kind.isin(["rate", "mean"])]
    for child, parent in relations:
        keys = [*LEVELS[parent], "cohort", "months_after", "indicator"]
        yield (additive[additive.level == child], additive[additive.level == parent], keys)
    for level, units in LEVELS.items():
        at = additive[additive.level == level]
        yield (at[at.cohort.isin(pooled_cohorts)], at[at.cohort == pooled], ["level", *units, "months_after", "indicator"])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), min_base=st.integers(5, 40), group_rule=st.booleans(),
       records=st.integers(1_500, 6_000))
def test_properties_over_random_cohorts(tmp_path_factory, seed, min_base, group_rule, records):
    folder = tmp_path_factory.mktemp("cohort")
    write_demo_package(folder, records=records, seed=seed, programmes=12, countries=3)
    package = load_input_package(folder, folder)
    raw = compute_indicators(package.graduates, package.programmes)
    # The rule of subtraction on its own (the attacker's rounds after it are tested in test_attack.py).
    options = DisclosureOptions(min_base=min_base, min_n_statistic=min_base + 5, group_rule=group_rule, attack=False)
    safe, _ = apply_disclosure(raw, options)
    cells = safe.cells
    # The safe table lines up row for row with the raw cells it came from.
    published = cells.flag == ""
    # 1. No published rate rests on a base under the threshold; no published statistic on too few values.
    assert (raw.cells.base[published & (cells.kind == "rate")] >= min_base).all()
    assert (raw.cells.base[published & (cells.kind != "rate")] >= min_base + 5).all()
    # 2. Hidden cells are empty, flagged and explained; never 0.
    hidden = ~published
    assert cells.value[hidden].isna().all() and cells.base_rounded[hidden].isna().all()
    assert (cells.suppression_reason[hidden] != "").all()
    # 3. Published counts are rounded.
    assert (cells.base_rounded[published].astype(int) % options.rounding_base == 0).all()
    # 4. No hidden cell can be recovered by subtraction: a published total never has exactly one hidden part.
    pooled_cohorts = {str(c) for c in safe.cohorts}
    for children, parents, keys in _breakdowns(cells, safe.pooled_label, pooled_cohorts):
        if children.empty or parents.empty:
            continue
        counts = children.assign(h=children.flag == "c").groupby(keys, observed=True)["h"].sum().reset_index()
        joined = counts.merge(parents[keys + ["flag"]], on=keys)
        exposed = joined[(joined.h == 1) & (joined.flag == "")]
        assert exposed.empty, exposed.head()


def test_the_providers_of_each_programme_cross_disclosure_with_the_cells(tmp_path):
    """The site model learns which providers offer a programme from the SafeTable alone: the aggregate stage finds
    the pairs in the records and disclosure passes them on, for a programme whose figures are all hidden too."""
    from generator.build import tabulate

    providers = [{"provider_code": "AT-P001", "geo": "AT", "name": "Riverside Vocational School", "kind": "SCHOOL"},
                 {"provider_code": "AT-P002", "geo": "AT", "name": "Hillside College", "kind": "COLLEGE"}]
    rows = [graduate(i) for i in range(30)] + [graduate(40 + i, provider_code="AT-P002") for i in range(5)]
    rows += [graduate(100 + i, programme="AT-101-3-002", provider_code="AT-P002") for i in range(3)]
    package = load_input_package(write_package(tmp_path / "p", rows, providers=providers), tmp_path)
    safe, _ = apply_disclosure(tabulate(package, 3), DisclosureOptions())
    assert safe.offered_by == {"AT-071-4-001": ("AT-P001", "AT-P002"), "AT-101-3-002": ("AT-P002",)}
    cook = safe.cells[(safe.cells["level"] == "programme") & (safe.cells["programme_code"] == "AT-101-3-002")]
    assert cook["value"].isna().all()  # 3 graduates: every figure hidden, the providers still known
