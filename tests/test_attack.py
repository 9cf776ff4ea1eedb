"""The attacker: identities between cells that hold for any input, and feasibility intervals by HiGHS."""

from __future__ import annotations

import numpy as np
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.attack import Protection, attack, attack_publication, true_atoms
from generator.cli import main
from generator.config import DisclosureOptions
from generator.disclosure import apply_disclosure
from generator.identities import build_system, group_keys
from generator.indicators import compute_indicators
from generator.inputs.package import load_input_package

from conftest import graduate, write_package

STATUSES = ("EMP", "UNE", "INA", "UNK")


def _cells(tmp_path, rows):
    package = load_input_package(write_package(tmp_path / "p", rows), tmp_path)
    return compute_indicators(package.graduates, package.programmes)


def _interval(findings, cells, indicator, programme):
    for interval in findings.intervals:
        row = cells.iloc[interval.cell]
        if (row.indicator, row.programme_code, row.level) == (indicator, programme, "programme"):
            return interval
    raise AssertionError(f"no interval for {indicator} of {programme}")


def test_a_chain_across_two_relations_that_subtraction_misses_is_caught(tmp_path):
    # Thirty cooks, of whom twenty were matched, all employed: the cooks' employment rate (base 20) is hidden,
    # their coverage (20 of 30) is published. Thirty electricians, all matched and employed: their employment
    # rate is hidden too, so that the country's total minus them cannot give the cooks away, and today's rule
    # is content. But the electricians' coverage says at most 30 of them work, so the country's 50 employed
    # leave at least 20 for the cooks: all of them.
    rows = [graduate(i) for i in range(30)]
    rows += [graduate(100 + i, programme="AT-101-3-002") for i in range(20)]
    rows += [graduate(200 + i, programme="AT-101-3-002", contact="UNMATCHED", status="UNK") for i in range(10)]
    cells = _cells(tmp_path, rows)
    safe, _ = apply_disclosure(cells, DisclosureOptions())
    shown = safe.cells.set_index(["level", "programme_code", "indicator"])
    assert shown.loc[("programme", "AT-101-3-002", "EMP"), "flag"] == "c"
    assert shown.loc[("programme", "AT-071-4-001", "EMP"), "suppression_reason"] == "SECONDARY"
    findings = attack_publication(cells.cells, cells.pooled_label, cells.pooled_cohorts, safe.cells, Protection())
    cooks = _interval(findings, cells.cells, "EMP", "AT-101-3-002")
    assert (cooks.low, cooks.high, cooks.value) == (20, 20, 20)
    assert not cooks.protected and cooks in findings.breaches


def test_nothing_published_leaves_every_primary_cell_protected(tmp_path):
    rows = [graduate(i, status=STATUSES[i % 3]) for i in range(12)]
    cells = _cells(tmp_path, rows)
    groups, group_of_cell = group_keys(cells.cells)
    system = build_system(groups, cells.pooled_label, cells.pooled_cohorts)
    n = len(cells.cells)
    findings = attack(system, cells.cells, group_of_cell, np.zeros(n, bool), np.ones(n, bool), Protection())
    assert findings.intervals and not findings.breaches


def test_a_zero_that_a_published_total_already_shows_is_no_breach(tmp_path):
    # Nobody in the country works in sector A: the published country figure says so for every programme too.
    rows = [graduate(i) for i in range(30)] + [graduate(100 + i, programme="AT-101-3-002") for i in range(10)]
    cells = _cells(tmp_path, rows)
    frame = cells.cells
    groups, group_of_cell = group_keys(frame)
    system = build_system(groups, cells.pooled_label, cells.pooled_cohorts)
    published = (frame["level"] != "programme").to_numpy()
    primary = ~published
    findings = attack(system, frame, group_of_cell, published, primary, Protection())
    sector_a = _interval(findings, frame, "SECTOR_A", "AT-101-3-002")
    assert (sector_a.low, sector_a.high, sector_a.value) == (0, 0, 0) and sector_a.protected
    # ...whereas the cooks' employment is pinned by the country total minus the electricians' maximum.
    assert not _interval(findings, frame, "EMP", "AT-101-3-002").protected


cohort = st.lists(st.tuples(st.sampled_from(["AT-071-4-001", "AT-101-3-002"]), st.sampled_from([2022, 2023]),
                            st.sampled_from(STATUSES), st.sampled_from(["true", "false", ""]),
                            st.sampled_from(["A", "F", "G"]), st.sampled_from(["YES", "NO", ""])),
                  min_size=1, max_size=60)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=cohort)
def test_identities_hold_and_every_interval_holds_the_truth(tmp_path_factory, records):
    rows = []
    for i, (programme, year, status, education, sector, related) in enumerate(records):
        extra = {"nace_section": sector, "job_related": related} if status == "EMP" else {}
        rows.append(graduate(i, programme=programme, cohort=year, status=status,
                             in_education=education if status != "UNK" else "", **extra))
    tmp_path = tmp_path_factory.mktemp("attack")
    cells = _cells(tmp_path, rows)
    frame = cells.cells
    groups, group_of_cell = group_keys(frame)
    system = build_system(groups, cells.pooled_label, cells.pooled_cohorts)
    atoms = true_atoms(system, frame, group_of_cell)
    x = atoms.ravel()
    # The counts the cells were made from satisfy every identity: they are one solution the attacker must allow.
    assert atoms.min() >= 0
    assert np.abs(system.equalities @ x).max(initial=0) < 1e-9
    assert (system.inequalities @ x).max(initial=0) < 1e-9
    safe, _ = apply_disclosure(cells, DisclosureOptions())
    findings = attack_publication(frame, cells.pooled_label, cells.pooled_cohorts, safe.cells, Protection())
    for interval in findings.intervals:
        assert interval.low - 1e-6 <= interval.value <= interval.high + 1e-6


def test_audit_attack_needs_the_data(tmp_path):
    result = CliRunner().invoke(main, ["audit", str(tmp_path), "--attack"])
    assert result.exit_code == 1 and "--attack needs the input data" in result.output


def test_audit_attack_names_what_it_checked(golden_build, golden_project):
    result = CliRunner().invoke(main, ["audit", str(golden_build), "--project", str(golden_project),
                                       "--data", str(golden_project / "datasets" / "graduates"), "--attack"])
    assert "Attacker:" in result.output and "identities between" in result.output
    assert "Narrowest interval:" in result.output
    # Exit status follows what it found: 1 with the first broken cells named, 0 with none.
    assert result.exit_code == (1 if "broken:" in result.output else 0)
