"""The attacker: how far the published cells pin down each hidden cell, by linear programming.

The attacker has what a reader has: every published value and rounded base,
which cells exist, and the rules by which they were published
(``precision``), so for each published figure every (numerator, base) pair
that its digits allow (``count_bounds``: exact where one pair fits) and the
ratio its step puts between the two. It also has every identity of
``identities.System``. For each cell hidden by a primary rule it asks HiGHS how
small and how large the cell's numerator can be (its feasibility interval), as
tau-Argus and sdcTable audit a suppressed table. A cell is protected when that
interval reaches ``lower_protection`` below its true numerator (or down to 0)
and ``upper_protection`` above it; a mean's sum must be uncertain by
``mean_protection`` percent either way.

Facts that pin a count exactly are propagated first: an identity with one
unknown left gives it away, and counts that add up to 0 are each 0. What is
still unknown falls into independent parts; in each, one feasible point takes
as many cells as it can to their protection at once (a capped sum), and the
cells left get programmes of their own, exact optima whose duals name the
published cells that hold them. The relaxation is linear, as in tau-Argus: an
attacker who also reasons in whole numbers may narrow a little further.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context

import highspy
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .cache import cache_key
from .precision import published_steps, round_count, steps_per_whole
from .definitions import DESTINATIONS, RELATED, SECTORS
from .identities import GROUP_COLUMNS, OFFERED, System, build_system, cell_sums, group_keys

#: Below this, two LP bounds are the same number.
_EPS = 1e-6
#: A stalled set of at most this many targets is solved one target at a time rather than halved.
_SINGLES = 100
#: How near its need a feasible point must take a target to certify it (a thousandth of a graduate).
_POINT_EPS = 1e-3
#: Up to this many counts, what no neighbourhood proves is decided over the whole system (an exact least and
#: most); beyond it, a cell no neighbourhood proves protected counts as narrowed.
EXACT_SIZE = 60_000


@dataclass(frozen=True)
class Protection:
    """How far a hidden figure must stay uncertain (in the manner of tau-Argus's protection levels)."""

    lower: int = 1
    upper: int = 1
    mean_percent: float = 10.0

    @classmethod
    def of(cls, options) -> Protection:
        """The protection levels of the ``[disclosure]`` settings."""
        return cls(options.lower_protection, options.upper_protection, options.mean_protection)


@dataclass(frozen=True)
class Interval:
    """What the attacker learns of one primary-suppressed cell."""

    cell: int          # row in the cells
    value: float       # its true numerator
    low: float
    high: float
    protected: bool

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass
class Findings:
    """The attacker's results over a whole table."""

    intervals: list[Interval] = field(default_factory=list)
    cells_checked: int = 0
    identities: int = 0
    variables: int = 0
    programmes_solved: int = 0
    binding: dict[int, np.ndarray] = field(default_factory=dict)  # broken cell -> published cells that pin it
    too_precise: list[int] = field(default_factory=list)
    empty_answers: int = 0   # primary cells that are an answer of several that nobody gave: not sensitive   # cells whose value has more digits than its base allows

    keys: pd.DataFrame | None = None   # each cell's key columns, to name it

    @property
    def breaches(self) -> list[Interval]:
        return [i for i in self.intervals if not i.protected]

    @property
    def failed(self) -> bool:
        """Whether the publication fails the attack: a primary cell narrowed, or a figure too precise."""
        return bool(self.breaches or self.too_precise)

    def narrowest(self) -> Interval | None:
        return min(self.intervals, key=lambda i: (i.width, i.cell), default=None)

    def where(self, interval: Interval) -> str:
        """The cell of an interval, as its key (level, units, cohort, months after, indicator)."""
        return self.where_cell(interval.cell)

    def where_cell(self, cell: int) -> str:
        if self.keys is None:
            return f"cell {cell}"
        return " ".join(str(v) for v in self.keys.iloc[cell].to_numpy() if str(v) != "")

    def lines(self, limit: int = 20) -> list[str]:
        """What the attacker did and found, then the first ``limit`` cells it broke."""
        out = [f"Attacker: {self.cells_checked:,} published and hidden cells, {self.identities:,} identities "
               f"between {self.variables:,} counts, {self.programmes_solved:,} linear programmes; "
               f"{len(self.intervals) + self.empty_answers:,} primary-suppressed cells ({self.empty_answers:,} of them "
               f"an answer of several that nobody gave, not sensitive), {len(self.breaches):,} narrowed below "
               f"their protection ({sum(i.width < _EPS for i in self.breaches):,} recovered exactly)."]
        narrowest = self.narrowest()
        if narrowest is not None:
            out.append(f"Narrowest interval: {narrowest.low:g} to {narrowest.high:g} graduates "
                       f"(true {narrowest.value:g}) at {self.where(narrowest)}")
        for interval in self.breaches[:limit]:
            out.append(f"  broken: {self.where(interval)}: {interval.low:g} to {interval.high:g} "
                       f"(true {interval.value:g})")
        if len(self.breaches) > limit:
            out.append(f"  ... and {len(self.breaches) - limit:,} more")
        if self.too_precise:
            where = "; ".join(self.where_cell(c) for c in self.too_precise[:limit])
            out.append(f"  {len(self.too_precise):,} published values have more digits than their base allows: {where}")
        return out


#: Indicators that are one answer of several (a destination, a sector, a degree of job relatedness).
EMPTY_SAFE = (*DESTINATIONS, *RELATED, *SECTORS)

#: The reasons of the primary rules: the cells the attacker must not narrow.
PRIMARY_REASONS = ("MIN_BASE", "MIN_N", "GROUP")


def attack_publication(cells: pd.DataFrame, pooled_label: str, pooled_cohorts: set[str],
                       published_cells: pd.DataFrame, protection: Protection, rounding_base: int,
                       offerings: pd.DataFrame | None = None) -> Findings:
    """The attacker against a publication: ``published_cells`` are the rows of its cell tables as written
    (text: keys, ``value`` in percent for a rate, ``base_rounded``, ``flag``, ``suppression_reason``);
    ``cells`` the exact cells they were made from, to know the truth it is compared with; ``offerings``
    which providers offer which programme, as the publication lists them.

    A cell that no table shows is hidden; a primary cell is one whose reason is a primary rule's. A value
    with more digits than its base allows is reported as such, and read to the digits it has.
    """
    keys = [*GROUP_COLUMNS, "indicator"]
    columns = ["value", "base_rounded", "flag", "suppression_reason"]
    shown = published_cells[keys + columns].astype(str)
    exact = cells[keys].astype(str).reset_index(drop=True)
    exact["row"] = np.arange(len(exact))
    matched = exact.merge(shown, on=keys, how="left").sort_values("row")
    kinds = cells["kind"].to_numpy()
    value = pd.to_numeric(matched["value"], errors="coerce").to_numpy()
    rounded = pd.to_numeric(matched["base_rounded"], errors="coerce").to_numpy()
    published = (matched["flag"].fillna("c") != "c").to_numpy() & ~np.isnan(value) & ~np.isnan(rounded)
    primary = matched["suppression_reason"].isin(PRIMARY_REASONS).to_numpy()
    rounded = np.where(published, rounded, 0).astype("int64")
    steps = steps_per_whole(kinds, rounded)
    # A rate is written in percent: its value in steps is value / 100 * steps.
    scaled = np.where(kinds == "rate", value / 100, value) * steps
    units = np.where(published, np.round(np.nan_to_num(scaled)), 0).astype("int64")
    extra = published & (steps > 0) & (np.abs(np.nan_to_num(scaled) - units) > 1e-6)
    groups, group_of_cell = group_keys(cells)
    system = build_system(groups, pooled_label, pooled_cohorts, offerings)
    findings = attack(system, cells.reset_index(drop=True), group_of_cell,
                      Shown(published, units, rounded, rounding_base), primary, protection)
    findings.keys = exact[keys]
    findings.too_precise = np.flatnonzero(extra).tolist()
    return findings


def true_atoms(system: System, cells: pd.DataFrame, group_of_cell: np.ndarray) -> np.ndarray:
    """The atoms of every group (groups × atoms), worked out from the cells' exact numerators and bases."""
    basis = system.basis
    names = list(basis.sums)
    counts = np.zeros((len(system.groups), len(names)))
    for indicator, rows in pd.Series(np.arange(len(cells))).groupby(cells["indicator"].to_numpy()):
        sums = cell_sums(indicator)
        if sums is None:
            continue
        rows = rows.to_numpy()
        for name, column in zip(sums, ("numerator", "base")):
            counts[group_of_cell[rows], names.index(name)] = cells[column].to_numpy()[rows]
    matrix = np.vstack([np.stack([basis.sums[name] for name in names]),
                        *[(parts - whole)[None, :] for whole, parts in basis.partitions]])
    rhs = np.hstack([counts, np.zeros((len(counts), len(basis.partitions)))])
    solution, *_ = np.linalg.lstsq(matrix, rhs.T, rcond=None)
    return np.round(solution.T, 6)


@dataclass(frozen=True)
class Shown:
    """What the files say of each cell: published or not, its value in published steps, its rounded base."""

    published: np.ndarray      # bool
    units: np.ndarray          # int64: the value in steps of ``disclosure.steps_per_whole``
    base_rounded: np.ndarray   # int64
    rounding_base: int

    @classmethod
    def of_counts(cls, cells: pd.DataFrame, published: np.ndarray, rounding_base: int) -> Shown:
        """What a publication of ``cells`` with these cells published says (as ``apply_disclosure`` writes it)."""
        rounded = round_count(cells["base"], rounding_base)
        steps = steps_per_whole(cells["kind"].to_numpy(), rounded)
        units = published_steps(cells["numerator"].to_numpy(), cells["base"].to_numpy(), np.maximum(steps, 1))
        return cls(np.asarray(published, dtype=bool), units, rounded, rounding_base)


def count_bounds(kind: np.ndarray, units: np.ndarray, base_rounded: np.ndarray,
                 rounding_base: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The least and most numerator and base that a published value and rounded base allow, per cell.

    Every base that rounds to the published one is tried, and with it every numerator whose value,
    published by ``disclosure.published_steps``, is the published value: exact where one pair fits.
    """
    steps = np.maximum(steps_per_whole(kind, base_rounded), 1)
    u = np.asarray(units, dtype="int64")
    rate = np.asarray(kind) == "rate"
    first = np.ceil(np.asarray(base_rounded) - rounding_base / 2).astype("int64")
    n_lo = np.full(len(u), np.iinfo("int64").max)
    n_hi = np.full(len(u), -1)
    b_lo = np.full(len(u), np.iinfo("int64").max)
    b_hi = np.full(len(u), -1)
    for offset in range(rounding_base):
        base = np.maximum(first + offset, 1)
        in_rounding = round_count(base, rounding_base) == base_rounded
        least = np.maximum(-((-(2 * u - 1) * base) // (2 * steps)), 0)
        most = -((-(2 * u + 1) * base) // (2 * steps)) - 1
        most = np.where(rate, np.minimum(most, base), most)
        fits = in_rounding & (least <= most)
        # The same function that published the value must give it back (guards the algebra above).
        assert np.all(~fits | (published_steps(least, base, steps) == u))
        n_lo = np.where(fits, np.minimum(n_lo, least), n_lo)
        n_hi = np.where(fits, np.maximum(n_hi, most), n_hi)
        b_lo = np.where(fits, np.minimum(b_lo, base), b_lo)
        b_hi = np.where(fits, np.maximum(b_hi, base), b_hi)
    return n_lo, n_hi, b_lo, b_hi


def facts(system: System, cells: pd.DataFrame, group_of_cell: np.ndarray,
          shown: Shown, bounds: tuple[np.ndarray, ...]) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray, np.ndarray]:
    """What the published cells tell, as rows ``lower <= F @ x <= upper``: the numerator and base that
    each published value and rounded base allow, the value's step as a ratio of the two, and 0 bases
    for the cells that do not exist in a group that has others (anyone can see the row is missing).
    ``bounds`` are ``count_bounds`` of ``shown``."""
    rows, lower, upper, cell_of_row = [], [], [], []
    kinds = cells["kind"].to_numpy()
    additive = np.isin(kinds, ["rate", "mean"])
    n_lo, n_hi, b_lo, b_hi = bounds
    steps = np.maximum(steps_per_whole(kinds, shown.base_rounded), 1)
    for indicator, index in pd.Series(np.arange(len(cells))).groupby(cells["indicator"].to_numpy()):
        sums = cell_sums(indicator)
        if sums is None:
            continue
        index = index.to_numpy()
        at = index[shown.published[index] & additive[index]]
        numerator = system.expression(group_of_cell[at], sums[0])
        base = system.expression(group_of_cell[at], sums[1])
        rows += [numerator, base]
        cell_of_row += [at] * 4
        lower += [n_lo[at], b_lo[at]]
        upper += [n_hi[at], b_hi[at]]
        # The value's step: (2u - 1) / 2k <= numerator / base < (2u + 1) / 2k.
        k, u = sparse.diags(2.0 * steps[at]), shown.units[at]
        rows += [k @ numerator - sparse.diags(2.0 * u - 1) @ base, k @ numerator - sparse.diags(2.0 * u + 1) @ base]
        lower += [np.zeros(len(at)), np.full(len(at), -np.inf)]
        upper += [np.full(len(at), np.inf), np.zeros(len(at))]
        absent = np.setdiff1d(np.arange(len(system.groups)), group_of_cell[index])
        rows.append(system.expression(absent, sums[1]))
        cell_of_row.append(np.full(len(absent), -1))
        lower.append(np.zeros(len(absent)))
        upper.append(np.zeros(len(absent)))
    return (sparse.vstack(rows).tocsr(), np.concatenate(lower).astype(float), np.concatenate(upper).astype(float),
            np.concatenate(cell_of_row))


def _propagate(matrix: sparse.csr_matrix, rhs: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Values given away by single unknowns and by counts that add up to 0: (known mask, values)."""
    known = np.zeros(size, dtype=bool)
    value = np.zeros(size)
    positive = matrix.copy()
    positive.data = (positive.data > 0).astype(np.float64)
    negative = matrix.copy()
    negative.data = (negative.data < 0).astype(np.float64)
    while True:
        unknown = (~known).astype(np.float64)
        open_terms = matrix.multiply(unknown[None, :]).tocsr()
        open_terms.eliminate_zeros()
        n_open = np.diff(open_terms.indptr)
        residual = rhs - matrix @ np.where(known, value, 0.0)
        n_positive = positive @ unknown
        n_negative = negative @ unknown
        single = np.flatnonzero(n_open == 1)
        # A sum of counts (all of one sign) that must be 0: every count in it is 0.
        zero = np.flatnonzero((n_open > 1) & (np.abs(residual) < _EPS) & ((n_positive == 0) | (n_negative == 0)))
        if len(single) == 0 and len(zero) == 0:
            return known, value
        rows_single = open_terms[single]
        columns = rows_single.indices
        coefficient = rows_single.data
        value[columns] = residual[single] / coefficient
        known[columns] = True
        if len(zero):
            columns = open_terms[zero].indices
            value[columns] = 0.0
            known[columns] = True


def attack(system: System, cells: pd.DataFrame, group_of_cell: np.ndarray, shown: Shown,
           primary: np.ndarray, protection: Protection, atoms: np.ndarray | None = None,
           exact: bool | None = None, workers: int | None = None) -> Findings:
    """Feasibility intervals of every primary-suppressed additive cell, given all that is published.

    ``exact``: True solves over the whole system only (the attacker's exact least and most); False around
    each cell only (``_attack_local``: a cell it proves protected is, one it does not may still be); None
    around each cell first, then over the whole system for what is left if it has at most ``EXACT_SIZE``
    counts. ``workers``: how many processes answer the neighbourhoods (``_answered``)."""
    if atoms is None:
        atoms = true_atoms(system, cells, group_of_cell)
    kinds = cells["kind"].to_numpy()
    bounds = count_bounds(kinds, shown.units, shown.base_rounded, shown.rounding_base)
    given, given_lower, given_upper, given_cell = facts(system, cells, group_of_cell, shown, bounds)
    n_eq, n_ub = system.equalities.shape[0], system.inequalities.shape[0]
    rows = sparse.vstack([system.equalities, system.inequalities, given]).tocsr()
    lower = np.concatenate([np.zeros(n_eq), np.full(n_ub, -np.inf), given_lower])
    upper = np.concatenate([np.zeros(n_eq), np.zeros(n_ub), given_upper])
    cell_of_row = np.concatenate([np.full(n_eq + n_ub, -1), given_cell])
    findings = Findings(identities=n_eq + n_ub, variables=system.size)

    # The primary cells and the numerator of each, as rows over the variables.
    targets = np.flatnonzero(primary & np.isin(kinds, ["rate", "mean"]))
    findings.cells_checked = int(np.isin(kinds, ["rate", "mean"]).sum())
    truth = numerator_rows(system, cells, group_of_cell, targets) @ atoms.ravel()
    # That no graduate gave one of several answers tells nothing about any one of them (as tau-Argus
    # holds empty cells safe): such cells need no protection.
    empty = (truth == 0) & np.isin(cells["indicator"].to_numpy()[targets], EMPTY_SAFE)
    findings.empty_answers = int(empty.sum())
    targets, truth = targets[~empty], truth[~empty]
    if len(targets) == 0:
        return findings
    numerators = numerator_rows(system, cells, group_of_cell, targets)
    mean = kinds[targets] == "mean"
    margin = np.abs(truth) * protection.mean_percent / 100
    need_low = np.maximum(truth - np.where(mean, margin, protection.lower), 0.0)
    # What a published total containing the group already says is no disclosure: a cell need not look
    # larger than the most that the smallest published count of the same kind above it allows (a sector
    # with no graduate in the whole country has none in any of its programmes, and anyone can read that).
    ceiling = _ceilings(system, cells, group_of_cell, shown.published, bounds[1], targets)
    need_high = np.minimum(truth + np.where(mean, margin, protection.upper), ceiling)

    # First around each cell, everything further away held at its true value: an interval found there is
    # inside the attacker's, so reaching the protection there proves it. What is left is decided over the
    # whole system where that is affordable; beyond, it counts as narrowed (hidden around, never published).
    if exact:
        low, high, binding = _attack_whole(system, rows, lower, upper, numerators, need_low, need_high, findings)
    else:
        low, high, binding = _attack_local(system, rows, lower, upper, numerators, (need_low, need_high, ceiling),
                                           group_of_cell[targets], atoms.ravel(), findings, workers)
    left = ~_reached(low, high, need_low, need_high, ceiling)
    if exact is None and left.any() and system.size <= EXACT_SIZE:
        exact_low, exact_high, exact_binding = _attack_whole(system, rows, lower, upper, numerators[left],
                                                             need_low[left], need_high[left], findings)
        at = np.flatnonzero(left)
        low[at], high[at] = exact_low, exact_high
        binding = {t: r for t, r in binding.items() if not left[t]}
        binding.update({int(at[t]): r for t, r in exact_binding.items()})
    findings.binding = {int(targets[t]): np.unique(cell_of_row[list(r)][cell_of_row[list(r)] >= 0])
                        for t, r in binding.items()}
    ok = _reached(low, high, need_low, need_high, ceiling)
    findings.intervals = [Interval(int(c), float(v), float(lo), float(hi), bool(k))
                          for c, v, lo, hi, k in zip(targets, truth, low, high, ok)]
    return findings


def _reached(low, high, need_low, need_high, ceiling) -> np.ndarray:
    """Protected: the interval reaches the protection levels on both sides, and holds two whole numbers at
    least (with levels of 0, only a figure that the published totals above it give away is exempt)."""
    return ((low <= need_low + _POINT_EPS) & (high >= need_high - _POINT_EPS)
            & ((high - low >= 1 - _EPS) | (high >= ceiling - _EPS)))


def _attack_local(system: System, rows: sparse.csr_matrix, lower: np.ndarray, upper: np.ndarray,
                  numerators: sparse.csr_matrix, need: tuple[np.ndarray, np.ndarray, np.ndarray],
                  target_groups: np.ndarray, truth: np.ndarray, findings: Findings, workers: int | None = None):
    """Each target's interval with only the counts of its neighbourhood free and every other count at its
    true value: the groups of its own country at its point in time (every level, provider and cohort),
    with the fields and all countries above them; for a field or all-countries cell, every group at its
    point in time. The true counts meet every fact, so this is a part of what the attacker can reach:
    its least is at least the attacker's least, its most at most the attacker's most.

    With the other countries held, a total across countries can only give way as far as its own rounding.
    A target the neighbourhood does not clear gets a second one with a partner: the other country with the
    most programmes in the target's fields, whose programmes, providers and totals in those fields are
    freed as well, so that what one country gains the other can lose."""
    need_low, need_high, ceiling = need
    groups = system.groups
    geo = groups["geo"].astype(str).to_numpy()
    months = groups["months_after"].to_numpy()
    n = len(target_groups)
    low, high = np.full(n, np.nan), np.full(n, np.nan)
    binding: dict[int, set[int]] = {}
    keys = pd.DataFrame({"months": months[target_groups], "geo": geo[target_groups]})
    found = sorted(keys.groupby(["months", "geo"], sort=True).indices.items())
    near = {(m, country): (months == m) & ((geo == country) | (geo == "") if country else True)
            for (m, country), _ in found}
    _solve_stage([_Neighbourhood.of(system, rows, lower, upper, numerators, need_low, need_high, truth, near[key], at)
                  for key, at in found], low, high, binding, findings, workers)
    partners = []
    for (m, country), at in found:
        left = at[~_reached(low[at], high[at], need_low[at], need_high[at], ceiling[at])]
        partner = _partner(system, m, country, target_groups[left]) if country and len(left) else None
        if partner is not None:
            partners.append(_Neighbourhood.of(system, rows, lower, upper, numerators, need_low, need_high, truth,
                                              near[m, country] | partner, left))
    _solve_stage(partners, low, high, binding, findings, workers)
    return low, high, binding


@dataclass(frozen=True)
class _Neighbourhood:
    """One neighbourhood's programme (see ``_attack_local``): its rows over the counts it frees, with every
    other count at its true value, and its targets' objectives and needs there."""

    at: np.ndarray                 # the targets, as positions in the targets of ``attack``
    rows: np.ndarray               # the programme's rows, as rows of the whole system
    matrix: sparse.csr_matrix
    lower: np.ndarray
    upper: np.ndarray
    objectives: sparse.csr_matrix
    offset: np.ndarray             # each target's part in the counts held
    need_low: np.ndarray
    need_high: np.ndarray
    certain: np.ndarray            # each target's own true value, less its offset

    @classmethod
    def of(cls, system, rows, lower, upper, numerators, need_low, need_high, truth, near, at) -> _Neighbourhood:
        """The targets ``at`` with the groups ``near`` free."""
        k = len(system.basis.atoms)
        free = (np.flatnonzero(near)[:, None] * k + np.arange(k)).ravel()
        fixed = np.ones(system.size, dtype=bool)
        fixed[free] = False
        held = np.where(fixed, truth, 0.0)
        columns = rows[:, free].tocsr()
        mine_rows = np.flatnonzero(np.diff(columns.indptr) > 0)
        shift = rows[mine_rows] @ held
        offset = numerators[at] @ held
        return cls(at, mine_rows, columns[mine_rows], lower[mine_rows] - shift, upper[mine_rows] - shift,
                   numerators[at][:, free].tocsr(), offset, need_low[at] - offset, need_high[at] - offset,
                   numerators[at] @ truth - offset)

    @property
    def key(self) -> str:
        """Everything the answer depends on (the same programme with the same targets has the same answer)."""
        return cache_key(*[part.tobytes() for part in (self.matrix.indptr, self.matrix.indices, self.matrix.data,
                                                       self.lower, self.upper, self.objectives.indptr,
                                                       self.objectives.indices, self.objectives.data,
                                                       self.need_low, self.need_high)])

    @property
    def columns(self) -> int:
        return self.matrix.shape[1]


def _answer(near: _Neighbourhood) -> list[tuple[np.ndarray, dict[int, np.ndarray]]]:
    """The least and the most of each target in its neighbourhood, or a value beyond its need (relative to
    its offset), each with the programme's rows that hold the targets that fall short. Module-level: a
    worker process runs it."""
    model = _model(near.matrix, near.lower, near.upper)
    answers = []
    for minimise, need in ((True, near.need_low), (False, near.need_high)):
        found: dict[int, np.ndarray] = {}
        bound = np.full(len(near.at), np.nan)
        _bound(model, near.objectives, np.arange(len(near.at)), bound, need, minimise, found, singles=False)
        # A target no programme certified anything for has only its true value for sure.
        answers.append((np.where(np.isnan(bound), near.certain, bound), found))
    return answers


def _solve_stage(stage: list[_Neighbourhood], low, high, binding, findings, workers: int | None) -> None:
    """Answer every neighbourhood of ``stage`` (from ``_MEMO`` where the same programme was answered before,
    the rest in worker processes where that pays); a bound replaces what ``low``/``high`` hold where it is
    wider."""
    keys = [near.key for near in stage]
    # Taken out before new answers go in: storing them may let go of an old one this stage needs.
    known = {key: _MEMO[key] for key in keys if key in _MEMO}
    todo = {key: near for key, near in zip(keys, stage) if key not in known}
    for key, answers in zip(todo, _answered(list(todo.values()), workers)):
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[key] = known[key] = answers
    findings.programmes_solved += len(todo)
    for near, key in zip(stage, keys):
        at = near.at
        for minimise, bound, (local_bound, found) in zip((True, False), (low, high), known[key]):
            local_bound = local_bound + near.offset
            wider = np.isnan(bound[at]) | ((local_bound < bound[at]) if minimise else (local_bound > bound[at]))
            bound[at[wider]] = local_bound[wider]
            for target, local_rows in found.items():
                if wider[target]:
                    binding[int(at[target])] = set(near.rows[local_rows].tolist())


def _answered(stage: list[_Neighbourhood], workers: int | None) -> list:
    """``_answer`` of each neighbourhood, in order: in ``workers`` processes (by default one per core, once
    the programmes have ``POOL_COLUMNS`` counts between them), else here."""
    if workers is None:
        workers = (os.cpu_count() or 1) if sum(near.columns for near in stage) >= POOL_COLUMNS else 1
    workers = min(workers, len(stage))
    if workers <= 1:
        return [_answer(near) for near in stage]
    # Spawned, not forked: the build's process may hold threads from earlier stages. Largest first, so
    # that the last programmes to start are short ones.
    order = sorted(range(len(stage)), key=lambda i: -stage[i].columns)
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        answers = dict(zip(order, pool.map(_answer, [stage[i] for i in order])))
    return [answers[i] for i in range(len(stage))]


#: Neighbourhood programmes answered so far, by the key of everything they are made of: the rounds of
#: disclosure control attack every primary cell again at the end, and the build's audit once more.
_MEMO: dict[str, list] = {}
_MEMO_SIZE = 4096

#: The counts that the neighbourhoods of one stage must have between them before worker processes take
#: them. Starting one costs about a second; one country of the demo at one point in time has about 5,000
#: counts, and two countries of a 1M build 33,000 (with a capped sum of 15 s each), while the golden test
#: project's largest stage has about 19,000 (all its rounds take 11 s of CPU).
POOL_COLUMNS = 25_000


def _partner(system: System, months: int, country: str, target_groups: np.ndarray) -> np.ndarray | None:
    """The groups of the partner of ``country`` at ``months`` for these targets (see ``_attack_local``):
    of the other country with the most programmes in the targets' fields, those programmes, their
    providers, the country and its country+field totals of those fields. All its fields where a target
    is a country or provider total."""
    groups = system.groups
    level = groups["level"].astype(str).to_numpy()
    geo = groups["geo"].astype(str).to_numpy()
    field = groups["field"].astype(str).to_numpy()
    at_months = groups["months_after"].to_numpy() == months
    fields = np.unique(field[target_groups])
    in_fields = np.isin(field, fields) if "" not in fields else np.ones(len(groups), dtype=bool)
    programmes = at_months & (level == "programme") & in_fields & (geo != country)
    if not programmes.any():
        return None
    best = pd.Series(geo[programmes]).value_counts().index[0]
    chosen = programmes & (geo == best)
    ours = at_months & (geo == best)
    return (chosen | (ours & (level == "country")) | (ours & (level == "country_field") & in_fields)
            | (ours & (level == "provider") & _offering(system, chosen)))


def _offering(system: System, programmes: np.ndarray) -> np.ndarray:
    """The provider groups that a programme group of ``programmes`` (a mask) lies inside."""
    links = system.links[system.links["relation"] == OFFERED]
    found = np.zeros(len(programmes), dtype=bool)
    found[links["parent"].to_numpy()[programmes[links["child"].to_numpy()]]] = True
    return found


def _attack_whole(system: System, rows: sparse.csr_matrix, lower: np.ndarray, upper: np.ndarray,
                  numerators: sparse.csr_matrix, need_low: np.ndarray, need_high: np.ndarray, findings: Findings):
    """The targets' intervals over the whole system: facts propagated, then one programme per independent
    part of what is still unknown."""
    size = rows.shape[1]
    equal = lower == upper
    known, value = _propagate(rows[equal], lower[equal], size)
    fixed = np.where(known, value, 0.0)
    offset = numerators @ fixed
    unknown = np.flatnonzero(~known)
    open_rows = rows[:, unknown].tocsr()
    shift = rows @ fixed
    live = np.diff(open_rows.indptr) > 0
    open_rows, open_lower, open_upper = open_rows[live], (lower - shift)[live], (upper - shift)[live]
    incidence = open_rows.copy()
    incidence.data[:] = 1
    _, part = connected_components((incidence.T @ incidence).tocsr(), directed=False)
    low, high, binding = _solve_parts(part, open_rows, open_lower, open_upper, numerators[:, unknown].tocsr(),
                                      need_low - offset, need_high - offset, findings)
    live_rows = np.flatnonzero(live)
    return low + offset, high + offset, {t: {int(live_rows[r]) for r in found} for t, found in binding.items()}


def _solve_parts(part, rows, lower, upper, targets, need_low, need_high, findings):
    """The least and most of every target, or a value beyond what it needs, one programme per part; and
    for each target that falls short, the rows that hold it (numbered as ``rows``).

    A target that some feasible point already takes beyond its protection needs no programme of its
    own: maximising (minimising) the sum of the open targets finds such points for many at once.
    Targets with no unknown left are exact (0 beyond their known part).
    """
    n = targets.shape[0]
    has = np.diff(targets.indptr) > 0
    low, high = np.where(has, np.nan, 0.0), np.where(has, np.nan, 0.0)
    target_part = np.full(n, -1)
    target_part[has] = part[targets.indices[targets.indptr[:-1][has]]]
    row_part = _row_part(rows, part)
    binding: dict[int, set[int]] = {}
    for p in np.unique(target_part[has]):
        columns = np.flatnonzero(part == p)
        mine_rows = np.flatnonzero(row_part == p)
        model = _model(rows[mine_rows][:, columns], lower[mine_rows], upper[mine_rows])
        findings.programmes_solved += 1
        mine = np.flatnonzero(target_part == p)
        objectives = targets[mine][:, columns].tocsr()
        for minimise, bound, need in ((True, low, need_low), (False, high, need_high)):
            found: dict[int, np.ndarray] = {}
            _bound(model, objectives, mine, bound, need, minimise, found)
            for target, local in found.items():
                binding.setdefault(target, set()).update(mine_rows[local].tolist())
    return low, high, binding


def _ceilings(system: System, cells: pd.DataFrame, group_of_cell: np.ndarray, published: np.ndarray,
              most: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """For each target cell, the least of the most numerators that the published cells of its indicator
    allow in the groups that contain it."""
    ancestors = system.ancestors()
    out = np.full(len(targets), np.inf)
    indicator = cells["indicator"].to_numpy()
    for name in pd.unique(indicator[targets]):
        shown = np.flatnonzero((indicator == name) & published)
        value = np.full(len(system.groups), np.inf)
        value[group_of_cell[shown]] = most[shown]
        at = np.flatnonzero(indicator[targets] == name)
        rows = ancestors[group_of_cell[targets[at]]]
        if rows.nnz == 0:
            continue
        reached = value[rows.indices]
        starts = rows.indptr[:-1]
        has = np.diff(rows.indptr) > 0
        smallest = np.full(len(at), np.inf)
        smallest[has] = np.minimum.reduceat(reached, starts[has])
        out[at] = smallest
    return out


def numerator_rows(system: System, cells: pd.DataFrame, group_of_cell: np.ndarray,
                   rows: np.ndarray) -> sparse.csr_matrix:
    """The numerator of each of the cells ``rows`` as a combination of variables, in the order of ``rows``."""
    if len(rows) == 0:
        return sparse.csr_matrix((0, system.size))
    indicator = cells["indicator"].to_numpy()[rows]
    parts, order = [], []
    for name in pd.unique(indicator):
        at = np.flatnonzero(indicator == name)
        parts.append(system.expression(group_of_cell[rows[at]], cell_sums(name)[0]))
        order.append(at)
    stacked = sparse.vstack(parts).tocsr()
    position = np.empty(len(rows), dtype=np.int64)
    position[np.concatenate(order)] = np.arange(len(rows))
    return stacked[position]


def _bound(model: highspy.Highs, objectives: sparse.csr_matrix, mine: np.ndarray, bound: np.ndarray,
           need: np.ndarray, minimise: bool, binding: dict[int, np.ndarray], singles: bool = True) -> None:
    """Fill ``bound`` for the targets ``mine``: a value beyond ``need`` that a feasible point reaches, or,
    where none does, the target's exact least (most) value; ``binding`` gets, for each of those, the rows
    of the programme that hold it there (those with a dual value).

    One programme takes every open target as far as its need and no further (a capped sum, so that one
    target going without end does not leave the others where they are); those that get there are done,
    and the rest try again without them. Targets that no joint point moves any more are halved (they may
    move one at a time, not all at once); a stalled set of at most ``_SINGLES`` goes straight to single
    targets, whose optimum is exact. Without ``singles``, such a set ends with one vertex of the capped sum
    instead: its values stand (not proven optimal), and its duals name the rows that hold the set.
    """
    sign = 1.0 if minimise else -1.0
    stack = [np.arange(len(mine))]
    alone = []
    while stack:
        open_ = stack.pop()
        if len(open_) == 1 and singles:
            alone.append(open_[0])
            continue
        reached = _capped(model, objectives[open_], need[mine[open_]], minimise)
        done = sign * reached <= sign * need[mine[open_]] + _POINT_EPS
        bound[mine[open_[done]]] = reached[done]
        rest = open_[~done]
        if done.sum() >= max(1, len(open_) // 100):
            stack.append(rest)
        elif len(rest) <= _SINGLES and singles:  # stalled, and few left: each on its own
            alone.extend(rest)
        elif len(rest) <= _SINGLES:  # stalled, few left, and one vertex names what holds them
            reached, duals = _capped(model, objectives[rest], need[mine[rest]], minimise, vertex=True)
            bound[mine[rest]] = reached
            held = np.flatnonzero(np.abs(duals) > _EPS)
            for k in rest:
                binding[int(mine[k])] = held
        elif len(rest):  # stalled: targets that cannot all move at once may each move alone; halve
            half = len(rest) // 2
            stack.extend([rest[:half], rest[half:]])
    for k in alone:
        objective = np.asarray(objectives[k].todense()).ravel()
        value = _optimum(model, objective, minimise=minimise)
        bound[mine[k]] = value
        if sign * value > sign * need[mine[k]] + _EPS and np.isfinite(value):
            duals = np.asarray(model.getSolution().row_dual)
            binding[int(mine[k])] = np.flatnonzero(np.abs(duals) > _EPS)


def _capped(model: highspy.Highs, objectives: sparse.csr_matrix, need: np.ndarray, minimise: bool,
            vertex: bool = False):
    """Each objective's value at a feasible point that maximises the sum of min(objective - need, 0)
    (of need - objective when minimising): every objective is taken as far as its need if it can be.
    With ``vertex``, also the duals of the model's own rows at that point.

    The point is a vertex: HiGHS's interior point method and its crossover, from scratch for every sum.
    On the demo's first round, the first 50 sums took 119 s by a simplex warm-started from the last sum's
    basis (with a basis, HiGHS skips its presolve), 63 s by a simplex from scratch, and 26 s this way."""
    n, m = model.getNumCol(), objectives.shape[0]
    rows, cols = model.getNumRow(), np.arange(n, n + m, dtype=np.int32)
    model.changeColsCost(n, np.arange(n, dtype=np.int32), np.zeros(n))
    model.addCols(m, np.ones(m), np.full(m, -highspy.kHighsInf), np.zeros(m), 0, np.zeros(m, np.int32),
                  np.zeros(0, np.int32), np.zeros(0))
    signed = objectives * (-1.0 if minimise else 1.0)
    block = sparse.hstack([signed, -sparse.identity(m)]).tocsr()
    model.addRows(m, need * (-1.0 if minimise else 1.0), np.full(m, highspy.kHighsInf), block.nnz,
                  block.indptr[:-1].astype(np.int32), block.indices.astype(np.int32), block.data)
    try:
        model.changeObjectiveSense(highspy.ObjSense.kMaximize)
        for solver in ("ipm", "simplex"):
            # A new programme each time (its own rows and columns): no basis is carried over. Where the
            # interior point fails on a badly scaled programme, the simplex tries; where that fails too,
            # nothing is certified: every target counts as not reaching its need, and is protected by hiding more.
            model.clearSolver()
            model.setOptionValue("solver", solver)
            model.run()
            if model.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                break
        model.setOptionValue("solver", "choose")
        if model.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            point, duals = np.full(n, np.nan), np.zeros(rows)
        else:
            solution = model.getSolution()
            point = np.asarray(solution.col_value)[:n]
            duals = np.asarray(solution.row_dual)[:rows]
    finally:
        model.deleteRows(m, np.arange(rows, rows + m, dtype=np.int32))
        model.deleteCols(m, cols)
    return (objectives @ point, duals) if vertex else objectives @ point


def _row_part(matrix: sparse.csr_matrix, part: np.ndarray) -> np.ndarray:
    """The part of each row's first variable (-1 for a row with none)."""
    out = np.full(matrix.shape[0], -1)
    has = np.diff(matrix.indptr) > 0
    out[has] = part[matrix.indices[matrix.indptr[:-1][has]]]
    return out


def _silent_highs() -> highspy.Highs:
    """A HiGHS solver that prints nothing: it writes a banner to standard output (the file descriptor, not
    ``sys.stdout``) when made, which would mix into a command's output."""
    sys.stdout.flush()
    saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    try:
        solver = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)
    solver.setOptionValue("output_flag", False)
    return solver


def _model(matrix: sparse.csr_matrix, lower: np.ndarray, upper: np.ndarray) -> highspy.Highs:
    n = matrix.shape[1]
    h = _silent_highs()
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.full(n, highspy.kHighsInf)
    lp.num_row_ = matrix.shape[0]
    lp.row_lower_ = np.where(np.isinf(lower), -highspy.kHighsInf, lower)
    lp.row_upper_ = np.where(np.isinf(upper), highspy.kHighsInf, upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = matrix.shape[0]
    h.passModel(lp)
    return h


def _run(model: highspy.Highs, objective: np.ndarray, minimise: bool) -> highspy.HighsModelStatus:
    n = len(objective)
    model.changeColsCost(n, np.arange(n, dtype=np.int32), objective)
    model.changeObjectiveSense(highspy.ObjSense.kMinimize if minimise else highspy.ObjSense.kMaximize)
    model.run()
    status = model.getModelStatus()
    if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kUnbounded):
        raise RuntimeError(f"the attacker's linear programme ended as {model.modelStatusToString(status)}")
    return status


def _optimum(model: highspy.Highs, objective: np.ndarray, *, minimise: bool) -> float:
    """The least (or most) value of the objective over everything the published facts allow."""
    if _run(model, objective, minimise) == highspy.HighsModelStatus.kUnbounded:
        return -np.inf if minimise else np.inf
    return float(model.getInfo().objective_function_value)
