"""The attacker: how far the published cells pin down each hidden cell, by linear programming.

The attacker is given more than any reader has: the exact numerator and base of
every published cell (whatever digits the files show, and whatever the rounding
of the base), which cells exist, and every identity of ``identities.System``.
For each cell hidden by a primary rule, it computes the smallest and largest
numerator the published facts allow (its feasibility interval), with HiGHS, as
tau-Argus and sdcTable audit a suppressed table. A cell is protected when that
interval reaches ``lower_protection`` below its true numerator (or down to 0)
and ``upper_protection`` above it; a mean's sum must be uncertain by
``mean_protection`` percent either way.

Because the attacker knows every published count exactly, anything a real
reader can work out from the files (rates and intervals that pin their counts,
rounded bases, identities between tables and cohorts) is within its reach:
what it cannot narrow, no reader can.

First the facts are propagated: an identity with one unknown left gives it
away, and counts that add up to 0 are each 0. What is still unknown falls into
independent parts (connected by identities); each part with a primary cell is
one linear programme, solved twice per primary cell (least and most).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

import highspy
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .identities import GROUP_COLUMNS, System, build_system, cell_sums, group_keys

#: Below this, two LP bounds are the same number.
_EPS = 1e-6


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

    keys: pd.DataFrame | None = None   # each cell's key columns, to name it

    @property
    def breaches(self) -> list[Interval]:
        return [i for i in self.intervals if not i.protected]

    def narrowest(self) -> Interval | None:
        return min(self.intervals, key=lambda i: (i.width, i.cell), default=None)

    def where(self, interval: Interval) -> str:
        """The cell of an interval, as its key (level, units, cohort, months after, indicator)."""
        if self.keys is None:
            return f"cell {interval.cell}"
        row = self.keys.iloc[interval.cell]
        return " ".join(str(v) for v in row.to_numpy() if str(v) != "")

    def lines(self, limit: int = 20) -> list[str]:
        """What the attacker did and found, then the first ``limit`` cells it broke."""
        out = [f"Attacker: {self.cells_checked:,} published and hidden cells, {self.identities:,} identities "
               f"between {self.variables:,} counts, {self.programmes_solved:,} linear programmes; "
               f"{len(self.intervals):,} primary-suppressed cells, {len(self.breaches):,} narrowed below "
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
        return out


#: The reasons of the primary rules: the cells the attacker must not narrow.
PRIMARY_REASONS = ("MIN_BASE", "MIN_N", "GROUP")


def attack_publication(cells: pd.DataFrame, pooled_label: str, pooled_cohorts: set[str],
                       published_cells: pd.DataFrame, protection: Protection) -> Findings:
    """The attacker against a publication: ``published_cells`` are the rows of its cell tables (keys,
    ``value``, ``flag``, ``suppression_reason``); ``cells`` the exact cells they were made from.

    A cell that no table shows is hidden; a primary cell is one whose reason is a primary rule's.
    """
    keys = [*GROUP_COLUMNS, "indicator"]
    shown = published_cells[keys + ["value", "flag", "suppression_reason"]].astype(str)
    exact = cells[keys].astype(str).reset_index(drop=True)
    exact["row"] = np.arange(len(exact))
    matched = exact.merge(shown, on=keys, how="left")
    published = np.zeros(len(cells), dtype=bool)
    primary = np.zeros(len(cells), dtype=bool)
    row = matched["row"].to_numpy()
    published[row] = ((matched["flag"].fillna("c") != "c") & (matched["value"].fillna("") != "")).to_numpy()
    primary[row] = matched["suppression_reason"].isin(PRIMARY_REASONS).to_numpy()
    groups, group_of_cell = group_keys(cells)
    system = build_system(groups, pooled_label, pooled_cohorts)
    findings = attack(system, cells.reset_index(drop=True), group_of_cell, published, primary, protection)
    findings.keys = exact[keys]
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


def facts(system: System, cells: pd.DataFrame, group_of_cell: np.ndarray, published: np.ndarray,
          atoms: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray]:
    """What the published cells tell, as rows ``F @ x = f``: exact numerators and bases, and 0 bases for
    the cells that do not exist in a group that has others."""
    values = atoms.ravel()
    rows, rhs = [], []
    kinds = cells["kind"].to_numpy()
    additive = np.isin(kinds, ["rate", "mean"])
    for indicator, index in pd.Series(np.arange(len(cells))).groupby(cells["indicator"].to_numpy()):
        sums = cell_sums(indicator)
        if sums is None:
            continue
        index = index.to_numpy()
        shown = index[published[index] & additive[index]]
        for name in sums:
            expression = system.expression(group_of_cell[shown], name)
            rows.append(expression)
            rhs.append(expression @ values)
        # A group without this cell has none of its base: anyone can see that the row is missing.
        absent = np.setdiff1d(np.arange(len(system.groups)), group_of_cell[index])
        rows.append(system.expression(absent, sums[1]))
        rhs.append(np.zeros(len(absent)))
    return sparse.vstack(rows).tocsr(), np.concatenate(rhs)


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


def attack(system: System, cells: pd.DataFrame, group_of_cell: np.ndarray, published: np.ndarray,
           primary: np.ndarray, protection: Protection, atoms: np.ndarray | None = None) -> Findings:
    """Feasibility intervals of every primary-suppressed additive cell, given all that is published."""
    if atoms is None:
        atoms = true_atoms(system, cells, group_of_cell)
    size = system.size
    given, given_rhs = facts(system, cells, group_of_cell, published, atoms)
    equalities = sparse.vstack([system.equalities, given]).tocsr()
    eq_rhs = np.concatenate([np.zeros(system.equalities.shape[0]), given_rhs])
    known, value = _propagate(equalities, eq_rhs, size)
    findings = Findings(identities=system.equalities.shape[0] + system.inequalities.shape[0],
                        variables=size)

    # The primary cells and the numerator of each, as rows over the variables.
    kinds = cells["kind"].to_numpy()
    targets = np.flatnonzero(primary & np.isin(kinds, ["rate", "mean"]))
    findings.cells_checked = int(np.isin(kinds, ["rate", "mean"]).sum())
    if len(targets) == 0:
        return findings
    numerators = numerator_rows(system, cells, group_of_cell, targets)
    truth = numerators @ atoms.ravel()
    offset = numerators @ np.where(known, value, 0.0)

    # Independent parts of what is still unknown.
    unknown = np.flatnonzero(~known)
    open_eq = equalities[:, unknown]
    open_eq_rhs = eq_rhs - equalities @ np.where(known, value, 0.0)
    live = np.diff(open_eq.tocsr().indptr) > 0
    open_eq, open_eq_rhs = open_eq[live], open_eq_rhs[live]
    open_ub = system.inequalities[:, unknown]
    open_ub_rhs = -(system.inequalities @ np.where(known, value, 0.0))
    live_ub = np.diff(open_ub.tocsr().indptr) > 0
    open_ub, open_ub_rhs = open_ub[live_ub], open_ub_rhs[live_ub]
    incidence = sparse.vstack([open_eq, open_ub]).tocsr()
    incidence.data[:] = 1
    adjacency = (incidence.T @ incidence).tocsr()
    _, part = connected_components(adjacency, directed=False)

    target_vars = numerators[:, unknown].tocsr()
    mean = kinds[targets] == "mean"
    margin = np.abs(truth) * protection.mean_percent / 100
    need_low = np.maximum(truth - np.where(mean, margin, protection.lower), 0.0)
    # What a published total containing the group already says is no disclosure: a cell need not look
    # larger than the smallest published count of the same kind above it (a sector with no graduate in
    # the whole country has none in any of its programmes, and anyone can read that).
    ceiling = _ceilings(system, cells, group_of_cell, published, targets)
    need_high = np.minimum(truth + np.where(mean, margin, protection.upper), ceiling)
    low, high = _solve_parts(part, open_eq.tocsr(), open_eq_rhs, open_ub.tocsr(), open_ub_rhs, target_vars,
                             need_low - offset, need_high - offset, findings)
    low, high = low + offset, high + offset
    # Protected: the interval reaches the protection levels on both sides, and holds two whole numbers at
    # least (with levels of 0, only a figure that the published totals above it give away is exempt).
    ok = ((low <= need_low + _EPS) & (high >= need_high - _EPS)
          & ((high - low >= 1 - _EPS) | (high >= ceiling - _EPS)))
    findings.intervals = [Interval(int(c), float(v), float(lo), float(hi), bool(k))
                          for c, v, lo, hi, k in zip(targets, truth, low, high, ok)]
    return findings


def _solve_parts(part, eq, eq_rhs, ub, ub_rhs, targets, need_low, need_high, findings):
    """The least and most of every target, or a value beyond what it needs, one programme per part.

    A target that some feasible point already takes beyond its protection needs no programme of its
    own: maximising (minimising) the sum of the open targets finds such points for many at once.
    Targets with no unknown left are exact (0 beyond their known part).
    """
    n = targets.shape[0]
    has = np.diff(targets.indptr) > 0
    low, high = np.where(has, np.nan, 0.0), np.where(has, np.nan, 0.0)
    target_part = np.full(n, -1)
    target_part[has] = part[targets.indices[targets.indptr[:-1][has]]]
    eq_part = _row_part(eq, part)
    ub_part = _row_part(ub, part)
    for p in np.unique(target_part[has]):
        columns = np.flatnonzero(part == p)
        eq_rows = np.flatnonzero(eq_part == p)
        ub_rows = np.flatnonzero(ub_part == p)
        model = _model(eq[eq_rows][:, columns], eq_rhs[eq_rows], ub[ub_rows][:, columns], ub_rhs[ub_rows])
        findings.programmes_solved += 1
        mine = np.flatnonzero(target_part == p)
        objectives = targets[mine][:, columns].tocsr()
        for minimise, bound, need in ((True, low, need_low), (False, high, need_high)):
            _bound(model, objectives, mine, bound, need, minimise)
    return low, high


def _ceilings(system: System, cells: pd.DataFrame, group_of_cell: np.ndarray, published: np.ndarray,
              targets: np.ndarray) -> np.ndarray:
    """For each target cell, the smallest published numerator of its indicator in a group that contains it."""
    ancestors = system.ancestors()
    out = np.full(len(targets), np.inf)
    indicator = cells["indicator"].to_numpy()
    numerator = cells["numerator"].to_numpy()
    for name in pd.unique(indicator[targets]):
        shown = np.flatnonzero((indicator == name) & published)
        value = np.full(len(system.groups), np.inf)
        value[group_of_cell[shown]] = numerator[shown]
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
           need: np.ndarray, minimise: bool) -> None:
    """Fill ``bound`` for the targets ``mine``: a value beyond ``need`` that a feasible point reaches, or,
    where none does, the target's exact least (most) value.

    The sum of a set of targets is optimised at once; those the optimum takes beyond their need are done.
    A set where none is halves, down to single targets, whose optimum is exact. So every protected
    target costs a share of one programme, and every unprotected one a few.
    """
    sign = 1.0 if minimise else -1.0
    stack = [np.arange(len(mine))]
    while stack:
        subset = stack.pop()
        objective = np.asarray(objectives[subset].sum(axis=0)).ravel()
        if len(subset) == 1:
            bound[mine[subset[0]]] = _optimum(model, objective, minimise=minimise)
            continue
        point = _point(model, objective, minimise=minimise)
        if point is None:  # the sum goes without end: some target does, so try halves
            reached = np.full(len(subset), -sign * np.inf)
        else:
            reached = objectives[subset] @ point
        done = sign * reached <= sign * need[mine[subset]] + _EPS
        bound[mine[subset[done]]] = reached[done]
        rest = subset[~done]
        if done.any():
            if len(rest):
                stack.append(rest)
        elif len(rest):
            half = len(rest) // 2
            stack.extend([rest[:half], rest[half:]])


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


def _model(eq, eq_rhs, ub, ub_rhs) -> highspy.Highs:
    n = eq.shape[1]
    h = _silent_highs()
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.full(n, highspy.kHighsInf)
    matrix = sparse.vstack([eq, ub]).tocsr()
    lp.num_row_ = matrix.shape[0]
    lp.row_lower_ = np.concatenate([eq_rhs, np.full(len(ub_rhs), -highspy.kHighsInf)])
    lp.row_upper_ = np.concatenate([eq_rhs, ub_rhs])
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


def _point(model: highspy.Highs, objective: np.ndarray, *, minimise: bool) -> np.ndarray | None:
    """A feasible point that takes the objective as far as it goes (None when it goes without end)."""
    if _run(model, objective, minimise) == highspy.HighsModelStatus.kUnbounded:
        return None
    return np.asarray(model.getSolution().col_value)
