"""The attacker: identities between cells that hold for any input, and feasibility intervals by HiGHS."""

from __future__ import annotations

import dataclasses

import numpy as np
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import generator.attack as attack_module
from generator.audit import check_subtraction
from generator.attack import PRIMARY_REASONS, Protection, Shown, attack, attack_publication, count_bounds, true_atoms
from generator.cli import main
from generator.config import DisclosureOptions
from generator.disclosure import apply_disclosure
from generator.build import tabulate
from generator.identities import build_system, group_keys, offer_pairs
from generator.indicators import wilson_interval
from generator.inputs.package import load_input_package
from generator.precision import published_steps, round_count, steps_per_whole
from generator.publish.tables import published_frame

from conftest import PROGRAMMES, PROVIDERS, graduate, write_package

STATUSES = ("EMP", "UNE", "INA", "UNK")


def _cells(tmp_path, rows):
    package = load_input_package(write_package(tmp_path / "p", rows), tmp_path)
    return tabulate(package, 3)


def _interval(findings, cells, indicator, programme):
    for interval in findings.intervals:
        row = cells.iloc[interval.cell]
        if (row.indicator, row.programme_code, row.level) == (indicator, programme, "programme"):
            return interval
    raise AssertionError(f"no interval for {indicator} of {programme}")


def _attack(cells, safe):
    """The attacker against what a publication of ``safe`` writes (its cell tables, as text)."""
    return attack_publication(cells.cells, cells.pooled_label, cells.pooled_cohorts, published_frame(safe.cells),
                              Protection(), DisclosureOptions().rounding_base, offer_pairs(cells.offered_by))


def _cooks(tmp_path):
    # Thirty electricians, all matched and employed; thirty cooks, of whom twenty were matched and are all
    # employed. The cooks' employment rate (base 20) is hidden; their coverage (20 of 30) is published.
    rows = [graduate(i) for i in range(30)]
    rows += [graduate(100 + i, programme="AT-101-3-002") for i in range(20)]
    rows += [graduate(200 + i, programme="AT-101-3-002", contact="UNMATCHED", status="UNK") for i in range(10)]
    return _cells(tmp_path, rows)


def _sector_q(tmp_path):
    # Three cohorts of 300 builders and 5 nurses each; one nurse a year works in health (sector Q), no
    # builder does. The nurses' sector figures (bases of 5, and 15 pooled) are hidden.
    rows, i = [], 0
    for year in (2021, 2022, 2023):
        for _ in range(300):
            rows.append(graduate(i, cohort=year))
            i += 1
        for k in range(5):
            rows.append(graduate(i, cohort=year, programme="AT-101-3-002", nace_section="Q" if k == 0 else "F"))
            i += 1
    return _cells(tmp_path, rows)


def _pooled_interval(findings, cells, indicator, programme):
    for interval in findings.intervals:
        row = cells.cells.iloc[interval.cell]
        if (row.indicator, row.programme_code, row.level, row.cohort) == (indicator, programme, "programme",
                                                                          cells.pooled_label):
            return interval
    raise AssertionError(f"no pooled interval for {indicator} of {programme}")


def test_a_chain_across_two_relations_that_subtraction_misses_is_caught_and_then_protected(tmp_path):
    # Each year the country shows "0%" in sector Q on a base of about 305: at most 1 graduate (a step of one
    # point, half of which is 1.5 graduates). The pooled nurses are the sum of three single years, each at
    # most the country's: at most 3, and the truth is 3. Subtraction sees no total with one hidden part.
    cells = _sector_q(tmp_path)
    subtraction_only, _ = apply_disclosure(cells, DisclosureOptions(attack=False))
    nurses = _pooled_interval(_attack(cells, subtraction_only), cells, "SECTOR_Q", "AT-101-3-002")
    assert nurses.value == 3 and abs(nurses.high - 3) < 1e-6 and not nurses.protected
    # With the attacker in the loop, disclosure control hides what holds the nurses there, and it holds no more.
    safe, _ = apply_disclosure(cells, DisclosureOptions(attack=True))
    findings = _attack(cells, safe)
    assert findings.intervals and not findings.failed
    assert _pooled_interval(findings, cells, "SECTOR_Q", "AT-101-3-002").protected


def test_a_neighbourhood_asked_again_is_answered_from_memory_with_the_same_bounds(tmp_path, monkeypatch):
    # The last round of disclosure control and the build's audit ask the neighbourhood programmes again;
    # where nothing changed, no programme is solved and the intervals are the ones found the first time.
    monkeypatch.setattr(attack_module, "_MEMO", {})  # what other tests solved is not remembered here
    cells = _sector_q(tmp_path)
    subtraction_only, _ = apply_disclosure(cells, DisclosureOptions(attack=False))
    frame = cells.cells.reset_index(drop=True)
    groups, group_of_cell = group_keys(frame)
    system = build_system(groups, cells.pooled_label, cells.pooled_cohorts, offer_pairs(cells.offered_by))
    published = subtraction_only.cells.reset_index(drop=True)["flag"].to_numpy() != "c"
    primary = np.isin(subtraction_only.cells.reset_index(drop=True)["suppression_reason"], PRIMARY_REASONS)
    shown = Shown.of_counts(frame, published, DisclosureOptions().rounding_base)
    first = attack(system, frame, group_of_cell, shown, primary, Protection(), exact=False)
    again = attack(system, frame, group_of_cell, shown, primary, Protection(), exact=False)
    assert first.programmes_solved > 0 and again.programmes_solved == 0
    assert [(i.cell, i.low, i.high) for i in again.intervals] == [(i.cell, i.low, i.high) for i in first.intervals]
    assert again.binding.keys() == first.binding.keys()
    # Another protection asks other needs of the same programme: it is solved again.
    wider = attack(system, frame, group_of_cell, shown, primary, Protection(2, 2), exact=False)
    assert wider.programmes_solved > 0


def test_the_digits_of_a_small_base_leave_a_chain_open_that_exact_counts_closed(tmp_path):
    # Thirty electricians, all matched and employed; thirty cooks, of whom twenty were matched and are all
    # employed. With exact counts the country's 50 employed of 50, less the electricians' 30, left the cooks
    # exactly 20. Published as "100%" in steps of 5 points on a base of about 50, and the cooks' coverage as
    # "70%" in steps of 10 on about 30, they leave the cooks' 20 at least one graduate of room either way.
    cells = _cooks(tmp_path)
    subtraction_only, _ = apply_disclosure(cells, DisclosureOptions(attack=False))
    shown = subtraction_only.cells.set_index(["level", "programme_code", "indicator"])
    assert shown.loc[("programme", "AT-101-3-002", "EMP"), "flag"] == "c"
    assert shown.loc[("programme", "AT-071-4-001", "EMP"), "suppression_reason"] == "SECONDARY"
    cooks = _interval(_attack(cells, subtraction_only), cells.cells, "EMP", "AT-101-3-002")
    assert cooks.value == 20 and cooks.low <= 19 + 1e-6 and cooks.high >= 21 - 1e-6 and cooks.protected


def test_a_published_rate_leaves_its_count_open_where_the_old_digits_pinned_it():
    # 29 of 37 as it used to be published: the rate and its Wilson interval to 0.1 point, the base rounded to
    # 35. Of every count on a base that rounds to 35, only 29 of 37 gives those digits.
    def old_digits(n, b):
        low, high = wilson_interval(n, b)
        return tuple(np.round(np.array([n / b, low, high]) * 100, 1))

    fits = [(n, b) for b in range(33, 38) for n in range(b + 1) if old_digits(n, b) == old_digits(29, 37)]
    assert fits == [(29, 37)]
    # Now: "80%" in steps of 10 points on a base that rounds to 35, and an interval made from the published
    # figures: 25 to 31 of 33 to 37 all fit.
    base, numerator = np.array([37]), np.array([29])
    rounded = round_count(base, 5)
    units = published_steps(numerator, base, steps_per_whole(np.array(["rate"]), rounded))
    low, high, base_low, base_high = count_bounds(np.array(["rate"]), units, rounded, 5)
    assert (low[0], high[0], base_low[0], base_high[0]) == (25, 31, 33, 37)
    # Over counts and bases from 25 to 3,000, no rate (0% and 100% too) pins its numerator.
    for b in [*range(25, 200), *range(200, 3001, 7)]:
        n = np.arange(0, b + 1)
        bases = np.full(len(n), b)
        kinds = np.full(len(n), "rate")
        rounded = round_count(bases, 5)
        units = published_steps(n, bases, steps_per_whole(kinds, rounded))
        low, high, base_low, base_high = count_bounds(kinds, units, rounded, 5)
        assert np.all((low <= n) & (n <= high) & (base_low <= b) & (b <= base_high))
        assert np.all(high - low >= 1), b


def test_a_value_with_more_digits_than_its_base_allows_fails_the_attack(tmp_path):
    cells = _cooks(tmp_path)
    safe, _ = apply_disclosure(cells, DisclosureOptions())
    frame = published_frame(safe.cells)
    electricians = (frame["level"] == "programme") & (frame["programme_code"] == "AT-071-4-001") & \
        (frame["indicator"] == "COVERAGE") & (frame["value"] != "")
    assert electricians.any()
    frame.loc[electricians, "value"] = "99.7"   # a tenth of a point on a base of 30
    findings = attack_publication(cells.cells, cells.pooled_label, cells.pooled_cohorts, frame, Protection(), 5)
    assert findings.too_precise and findings.failed
    assert any("more digits than their base allows" in line for line in findings.lines())


def test_nothing_published_leaves_every_primary_cell_protected(tmp_path):
    rows = [graduate(i, status=STATUSES[i % 3]) for i in range(12)]
    cells = _cells(tmp_path, rows)
    groups, group_of_cell = group_keys(cells.cells)
    system = build_system(groups, cells.pooled_label, cells.pooled_cohorts, offer_pairs(cells.offered_by))
    n = len(cells.cells)
    nothing = Shown(np.zeros(n, bool), np.zeros(n, np.int64), np.zeros(n, np.int64), 5)
    findings = attack(system, cells.cells, group_of_cell, nothing, np.ones(n, bool), Protection())
    assert findings.intervals and not findings.breaches


def test_a_zero_that_a_published_total_already_shows_is_no_breach(tmp_path):
    # Nobody works in sector A and one electrician is inactive: the country figures, published, say the
    # first for every programme too, and nothing pins the second.
    rows = [graduate(i) for i in range(30)] + [graduate(100 + i, programme="AT-101-3-002") for i in range(10)]
    rows += [graduate(300, status="INA")]
    cells = _cells(tmp_path, rows)
    frame = cells.cells
    groups, group_of_cell = group_keys(frame)
    system = build_system(groups, cells.pooled_label, cells.pooled_cohorts, offer_pairs(cells.offered_by))
    published = (frame["level"] != "programme").to_numpy()
    shown = Shown.of_counts(frame, published, 5)
    findings = attack(system, frame, group_of_cell, shown, ~published, Protection())
    emp = _interval(findings, frame, "EMP", "AT-101-3-002")
    assert emp.low - 1e-6 <= emp.value <= emp.high + 1e-6
    # The cooks' sector A (nobody, one answer of 21) needs no protection: it is not among the intervals.
    assert findings.empty_answers > 0
    assert all(frame.iloc[i.cell].indicator != "SECTOR_A" for i in findings.intervals)



cohort = st.lists(st.tuples(st.sampled_from(["AT-071-4-001", "AT-101-3-002"]), st.sampled_from([2022, 2023]),
                            st.sampled_from(STATUSES), st.sampled_from(["true", "false", ""]),
                            st.sampled_from(["A", "F", "G"]), st.sampled_from(["YES", "NO", ""]),
                            st.sampled_from(["AT-P001", "AT-P002"])),
                  min_size=1, max_size=60)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=cohort)
def test_identities_hold_and_every_interval_holds_the_truth(tmp_path_factory, records):
    rows = []
    # Two providers, each offering either programme or both: the offers link them into one set or two.
    for i, (programme, year, status, education, sector, related, provider) in enumerate(records):
        extra = {"nace_section": sector, "job_related": related} if status == "EMP" else {}
        rows.append(graduate(i, programme=programme, cohort=year, status=status, provider_code=provider,
                             in_education=education if status != "UNK" else "", **extra))
    tmp_path = tmp_path_factory.mktemp("attack")
    providers = [*PROVIDERS, {**PROVIDERS[0], "provider_code": "AT-P002", "name": "Hillside College"}]
    package = load_input_package(write_package(tmp_path / "p", rows, providers=providers), tmp_path)
    cells = tabulate(package, 3)
    frame = cells.cells
    groups, group_of_cell = group_keys(frame)
    system = build_system(groups, cells.pooled_label, cells.pooled_cohorts, offer_pairs(cells.offered_by))
    atoms = true_atoms(system, frame, group_of_cell)
    x = atoms.ravel()
    # The counts the cells were made from satisfy every identity: they are one solution the attacker must allow.
    assert atoms.min() >= 0
    assert np.abs(system.equalities @ x).max(initial=0) < 1e-9
    assert (system.inequalities @ x).max(initial=0) < 1e-9
    safe, _ = apply_disclosure(cells, DisclosureOptions(attack=True))
    findings = _attack(cells, safe)
    # Every interval holds the truth, and what disclosure control publishes, the attacker cannot break.
    for interval in findings.intervals:
        assert interval.low - 1e-3 <= interval.value <= interval.high + 1e-3
    assert not findings.failed, findings.lines()


def _two_countries_by_subtraction(tmp_path, rows):
    """The cells of ``rows`` (Austria's two programmes and one in Germany, each country with one provider),
    what a publication with subtraction-only protection shows of them, and its system and primary cells."""
    programmes = [*PROGRAMMES, {**PROGRAMMES[0], "programme_code": "DE-071-4-001", "geo": "DE"}]
    providers = [*PROVIDERS, {**PROVIDERS[0], "provider_code": "DE-P001", "geo": "DE"}]
    package = load_input_package(write_package(tmp_path / "p", rows, programmes, providers), tmp_path)
    cells = tabulate(package, 3)
    frame = cells.cells
    groups, group_of_cell = group_keys(frame)
    system = build_system(groups, cells.pooled_label, cells.pooled_cohorts, offer_pairs(cells.offered_by))
    published, _ = apply_disclosure(cells, DisclosureOptions(attack=False))
    shown = Shown.of_counts(frame, published.cells["flag"].to_numpy() != "c", 5)
    primary = published.cells["suppression_reason"].isin(PRIMARY_REASONS).to_numpy()
    return frame, system, group_of_cell, shown, primary


two_countries = st.lists(st.tuples(st.sampled_from(["AT-071-4-001", "AT-101-3-002", "DE-071-4-001"]),
                                   st.sampled_from([2022, 2023]), st.sampled_from(STATUSES),
                                   st.sampled_from(["A", "F"])), min_size=1, max_size=80)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=two_countries)
def test_an_interval_around_a_cell_lies_inside_the_attackers_and_so_proves_only_what_holds(tmp_path_factory,
                                                                                          records):
    rows = []
    for i, (programme, year, status, sector) in enumerate(records):
        geo = programme[:2]
        rows.append(graduate(i, programme=programme, cohort=year, status=status, geo=geo,
                             provider_code=f"{geo}-P001", **({"nace_section": sector} if status == "EMP" else {})))
    # What subtraction alone publishes leaves cells open to the attacker: both ways must agree on those.
    frame, system, group_of_cell, shown, primary = _two_countries_by_subtraction(tmp_path_factory.mktemp("local"), rows)
    around = attack(system, frame, group_of_cell, shown, primary, Protection(), exact=False)
    whole = attack(system, frame, group_of_cell, shown, primary, Protection(), exact=True)
    # With protection beyond any count, every bound is pushed to the attacker's exact least and most.
    extremes = attack(system, frame, group_of_cell, shown, primary, Protection(10**6, 10**6, 10**6), exact=True)
    assert [i.cell for i in around.intervals] == [i.cell for i in whole.intervals] == \
        [i.cell for i in extremes.intervals]
    for near, far, most in zip(around.intervals, whole.intervals, extremes.intervals):
        # What the neighbourhood reaches, the attacker can reach: it proves protection only where it holds.
        assert most.low - 1e-3 <= near.low <= near.value + 1e-3, (near, most)
        assert near.value - 1e-3 <= near.high <= most.high + 1e-3, (near, most)
        assert far.protected or not near.protected, (near, far)


def test_neighbourhoods_answered_in_worker_processes_give_what_one_process_gives(tmp_path, monkeypatch):
    # Two countries, each with a small programme: two neighbourhoods at each point in time, which two
    # spawned processes answer as this one does, bound for bound and with the same cells holding them.
    rows = [graduate(i, status=STATUSES[i % 3]) for i in range(40)]
    rows += [graduate(100 + i, programme="AT-101-3-002", status=STATUSES[i % 4]) for i in range(7)]
    rows += [graduate(200 + i, programme="DE-071-4-001", geo="DE", provider_code="DE-P001",
                      status=STATUSES[i % 2]) for i in range(9)]
    frame, system, group_of_cell, shown, primary = _two_countries_by_subtraction(tmp_path, rows)
    found = {}
    for workers in (1, 2):
        monkeypatch.setattr(attack_module, "_MEMO", {})
        found[workers] = attack(system, frame, group_of_cell, shown, primary, Protection(), exact=False,
                                workers=workers)
    here, pooled = found[1], found[2]
    assert pooled.programmes_solved == here.programmes_solved >= 2
    assert {"AT", "DE"} <= {frame.iloc[i.cell].geo for i in here.intervals}
    assert [(i.cell, i.low, i.high, i.protected) for i in pooled.intervals] == \
        [(i.cell, i.low, i.high, i.protected) for i in here.intervals]
    assert pooled.binding.keys() == here.binding.keys()
    assert all(np.array_equal(pooled.binding[c], here.binding[c]) for c in here.binding)


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


def test_rounds_that_do_not_settle_stop_the_build_naming_the_cells(tmp_path, monkeypatch):
    import generator.disclosure as disclosure
    from generator.errors import BuildError

    cells = _sector_q(tmp_path)
    monkeypatch.setattr(disclosure, "ATTACK_ROUNDS", 1)   # the nurses need a second round to be settled
    try:
        apply_disclosure(cells, DisclosureOptions(attack=True))
    except BuildError as error:
        assert "AT-101-3-002" in str(error) and "nothing was published" in str(error)
    else:
        raise AssertionError("one round cannot settle the nurses, and the control said nothing")


def _two_schools(tmp_path):
    # Two schools, each with one programme in each of two fields. Riverside's ten cooks are hidden for their
    # base; every other programme has thirty graduates.
    programmes = [*PROGRAMMES,
                  {**PROGRAMMES[0], "programme_code": "AT-071-4-003", "name": "Plumber"},
                  {**PROGRAMMES[1], "programme_code": "AT-101-3-004", "name": "Baker"}]
    providers = [*PROVIDERS, {**PROVIDERS[0], "provider_code": "AT-P002", "name": "Hillside College"}]
    rows = [graduate(i) for i in range(30)] + [graduate(100 + i, programme="AT-101-3-002") for i in range(10)]
    rows += [graduate(200 + i, programme="AT-071-4-003", provider_code="AT-P002") for i in range(30)]
    rows += [graduate(300 + i, programme="AT-101-3-004", provider_code="AT-P002") for i in range(30)]
    folder = write_package(tmp_path / "p", rows, programmes=programmes, providers=providers)
    package = load_input_package(folder, tmp_path)
    return tabulate(package, 3)


def test_a_school_minus_its_other_programme_gives_a_hidden_one_away_and_is_protected(tmp_path):
    cells = _two_schools(tmp_path)
    assert cells.offered_by == {"AT-071-4-001": ("AT-P001",), "AT-101-3-002": ("AT-P001",),
                                "AT-071-4-003": ("AT-P002",), "AT-101-3-004": ("AT-P002",)}
    # Bases published exactly (no rounding), as some publishers do: then subtraction is exact.
    options = DisclosureOptions(attack=False, rounding_base=1)

    def attacked(safe, offerings):
        return attack_publication(cells.cells, cells.pooled_label, cells.pooled_cohorts, published_frame(safe.cells),
                                  Protection(), options.rounding_base, offerings)

    # Protection that does not know which school offers what hides the bakers beside the cooks (their field's
    # total is published) and publishes both schools: Riverside minus its electricians is its cooks.
    blind, _ = apply_disclosure(dataclasses.replace(cells, offered_by={}), options)
    cooks = _interval(attacked(blind, offer_pairs(cells.offered_by)), cells.cells, "EMP", "AT-101-3-002")
    assert cooks.value == 10 and cooks.low > 9.999 and not cooks.protected
    # An attacker who does not know it either (the audit before) finds the cooks protected.
    assert _interval(attacked(blind, None), cells.cells, "EMP", "AT-101-3-002").protected
    published = published_frame(blind.cells)
    subtraction = check_subtraction(published, "indicators.csv", offer_pairs(cells.offered_by))
    assert any("offers" in p.message for p in subtraction)
    # Knowing it, disclosure control hides Riverside's total, and the cooks stay open by either rule.
    for attack_on in (False, True):
        safe, _ = apply_disclosure(cells, DisclosureOptions(attack=attack_on, rounding_base=1))
        school = safe.cells[(safe.cells.level == "provider") & (safe.cells.provider_code == "AT-P001")
                            & (safe.cells.indicator == "EMP")]
        assert (school.flag == "c").all()
        assert not attacked(safe, offer_pairs(cells.offered_by)).failed
        assert not check_subtraction(published_frame(safe.cells), "indicators.csv", offer_pairs(cells.offered_by))
