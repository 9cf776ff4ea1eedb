"""The linear identities between the counts behind the indicator cells, derived from how the cells are made.

An attacker who wants a hidden figure uses arithmetic on published ones. The
arithmetic that holds for any input follows from how ``indicators`` counts:

* every count of a group of graduates is a sum of **atoms**: the numbers of
  graduates with one combination of the answers the flags read. The
  destination atoms are the distinct rows of ``indicators.destination_flags``
  over every combination of contact, labour-market status and education; the
  job atoms split the employed by each answer of ``indicators.JOB_SUMS`` (plus
  "not answered"); the months atoms split the graduates with a known status by
  whether their months employed are known, with the sum of those months.
  So ``NEET = unemployed + inactive``, the destinations add up to their base,
  sectors and job relatedness add up to the employed who answered, and so on:
  each is an identity between sums of the same atoms, not a hand-kept list;
* atoms add up from units to the units that contain them (``RELATIONS``) and
  from single cohorts to the pooled cohorts;
* the providers' atoms add up to their programmes' (``offer_components``): which
  providers offer which programme is published, and every graduate counted by
  a programme is counted by one of its providers. Where programmes and
  providers are linked through shared offers, the sum holds over the whole
  linked set: its providers' atoms are its programmes' atoms;
* every atom is a count, so it is at least 0; the months summed are at most
  ``months_after`` per graduate, which the input checks enforce.

``System`` lays these out over one variable per (group, atom), where a group is
a unit at one level, one cohort (or the pooled cohorts) and one observation
point. The attacker (``attack``) adds what the published cells say and solves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .definitions import LEVELS, RATES, UNIT_COLUMNS
from .indicators import JOB_SUMS, destination_flags
from .schemas import table_schema

#: (child level, parent level): each atom of a parent unit is the sum of its children's.
#: Direct parents are enough: the rest follows from these (programme within country follows from
#: programme within country_field within country).
RELATIONS = (
    ("programme", "country_field"),
    ("provider", "country"),
    ("country_field", "country"),
    ("country_field", "field"),
    ("country", "all"),
    ("field", "all"),
)

#: The indicator that reads the months employed: (numerator sum, base sum).
MEAN_SUMS = {"MONTHS_EMP": ("months_sum", "months_known")}

GROUP_COLUMNS = ["level", *UNIT_COLUMNS, "cohort", "months_after"]

#: The relation number of a programme offered by one provider only, in ``System.links``: it lies inside that
#: provider (its sums are in the offer identities, not in the links' sums).
OFFERED = len(RELATIONS) + 1


def _enum(field: str) -> list[str]:
    schema = table_schema("graduates")
    return next(f["constraints"]["enum"] for f in schema["fields"] if f["name"] == field)


@dataclass(frozen=True)
class AtomBasis:
    """The atoms of one group and every count as a 0/1 combination of them."""

    atoms: tuple[str, ...]
    sums: dict[str, np.ndarray]                       # count name -> coefficients over the atoms
    partitions: tuple[tuple[np.ndarray, np.ndarray], ...]  # (whole, parts): sum of parts = whole

    def index(self, atom: str) -> int:
        return self.atoms.index(atom)


def atom_basis() -> AtomBasis:
    """The atoms and the counts made of them, derived from the indicator definitions."""
    contacts = [None, *_enum("contact")]
    statuses = [None, *_enum("lm_status")]
    educations = [None, False, True]
    every = [(c, s, e) for c in contacts for s in statuses for e in educations]
    flags = destination_flags(pd.Series([c for c, _, _ in every], dtype="object"),
                              pd.Series([s for _, s, _ in every], dtype="object"),
                              pd.Series(pd.array([e for _, _, e in every], dtype="boolean")))
    names = list(flags)
    table = np.column_stack([flags[name].astype(np.int8) for name in names])
    distinct = np.unique(table, axis=0)
    atoms = [_atom_name(row, names) for row in distinct]
    sums: dict[str, list[float]] = {name: list(distinct[:, k]) for k, name in enumerate(names)}
    n_dest = len(atoms)

    def extend(count: int) -> None:
        for coefficients in sums.values():
            coefficients.extend([0] * count)

    partitions = []
    for column, (answered, counted) in JOB_SUMS.items():
        allowed = _enum(column)
        parts = [*counted, *([f"{answered}_other"] if set(allowed) - set(counted.values()) else []),
                 f"{column}_missing"]
        first = len(atoms)
        atoms += parts
        extend(len(parts))
        for k, part in enumerate(parts):
            vector = [0] * len(atoms)
            vector[first + k] = 1
            if part in counted:
                sums[part] = vector
        sums[answered] = [1 if first <= i < first + len(parts) - 1 else 0 for i in range(len(atoms))]
        partitions.append((first, len(parts), "emp"))
    first = len(atoms)
    atoms += ["months_known", "months_unknown", "months_sum"]
    extend(3)
    sums["months_known"] = [1 if i == first else 0 for i in range(len(atoms))]
    sums["months_sum"] = [1 if i == first + 2 else 0 for i in range(len(atoms))]
    partitions.append((first, 2, "status_known"))
    k = len(atoms)
    vectors = {name: np.asarray(list(v) + [0] * (k - len(v)), dtype=np.float64) for name, v in sums.items()}
    whole_parts = []
    for start, count, whole in partitions:
        parts = np.zeros(k)
        parts[start:start + count] = 1
        whole_parts.append((vectors[whole], parts))
    assert all(vectors[name][n_dest:].sum() == 0 for name in names)
    return AtomBasis(tuple(atoms), vectors, tuple(whole_parts))


def _atom_name(row: np.ndarray, names: list[str]) -> str:
    on = [name for name, flag in zip(names, row) if flag and name != "cohort_size"]
    return "dest:" + ("+".join(on) if on else "not_observed")


def cell_sums(indicator: str) -> tuple[str, str] | None:
    """The (numerator, base) counts of an additive indicator; None for a quantile."""
    if indicator in RATES:
        numerator, base, _ = RATES[indicator]
        return numerator, base
    return MEAN_SUMS.get(indicator)


@dataclass(frozen=True)
class System:
    """Variables (one per group and atom) and the identities between them that hold for any input.

    ``groups`` lists every group that has at least one cell (published or hidden): a group with
    no cell has no graduates, which anyone can see. ``equalities`` is ``A_eq @ x = 0``;
    ``inequalities`` is ``A_ub @ x <= 0``; every variable is at least 0.
    """

    basis: AtomBasis
    groups: pd.DataFrame
    equalities: sparse.csr_matrix
    inequalities: sparse.csr_matrix
    links: pd.DataFrame    # child, parent, relation: which groups add up to which

    def ancestors(self) -> sparse.csr_matrix:
        """(groups × groups): True where the column group contains the row group (any level up, the pooled cohorts)."""
        n = len(self.groups)
        up = sparse.csr_matrix((np.ones(len(self.links)), (self.links["child"], self.links["parent"])), shape=(n, n))
        up.data[:] = 1
        reach, step = up.copy(), up
        while step.nnz:
            step = step @ up
            step.data[:] = 1
            step = step - step.multiply(reach)
            step.eliminate_zeros()
            reach = reach + step
        reach.data[:] = 1
        return reach.tocsr()

    @property
    def size(self) -> int:
        return len(self.groups) * len(self.basis.atoms)

    def expression(self, groups: np.ndarray, sum_name: str) -> sparse.csr_matrix:
        """One row per group: the count ``sum_name`` of that group as a combination of variables."""
        coefficients = self.basis.sums[sum_name]
        atoms = np.flatnonzero(coefficients)
        rows = np.repeat(np.arange(len(groups)), len(atoms))
        cols = (np.asarray(groups)[:, None] * len(self.basis.atoms) + atoms[None, :]).ravel()
        data = np.tile(coefficients[atoms], len(groups))
        return sparse.csr_matrix((data, (rows, cols)), shape=(len(groups), self.size))


def group_keys(cells: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The distinct groups of ``cells`` and each cell's group number."""
    keys = cells[GROUP_COLUMNS].astype({"months_after": "int64"})
    codes = keys.groupby(GROUP_COLUMNS, sort=False, dropna=False, observed=True).ngroup().to_numpy()
    return keys.drop_duplicates().reset_index(drop=True), codes


def build_system(groups: pd.DataFrame, pooled_label: str, pooled_cohorts: set[str],
                 offerings: pd.DataFrame | None = None) -> System:
    """The identities between every group's atoms: within a group, up the levels, across cohorts, and
    between providers and the programmes they offer (``offerings``: programme_code, provider_code)."""
    basis = atom_basis()
    k = len(basis.atoms)
    n = len(groups)
    eq_rows: list[sparse.coo_matrix] = []
    # Within a group: the parts of a partition add up to their whole.
    for whole, parts in basis.partitions:
        eq_rows.append(_per_group(n, k, parts - whole))
    # Up the levels and across cohorts: a parent's atom is the sum of its children's, one identity per
    # relation (a country is the sum of its fields and, separately, of its providers).
    numbered = groups.reset_index(names="group")
    links = []
    for relation, (child, parent) in enumerate(RELATIONS):
        children = numbered[numbered["level"] == child].copy()
        children["level"] = parent
        for name in UNIT_COLUMNS:
            if name not in LEVELS[parent]:
                children[name] = ""
        links.append(_parents(children, numbered, relation))
    singles = numbered[numbered["cohort"].isin(pooled_cohorts)].copy()
    singles["cohort"] = pooled_label
    links.append(_parents(singles, numbered, len(RELATIONS)))
    links = pd.concat(links, ignore_index=True)
    eq_rows.append(_sum_rows(links, n, k))
    offers, inside = _offer_rows(numbered, offerings, k)
    eq_rows.append(offers)
    links = pd.concat([links, inside], ignore_index=True)
    equalities = sparse.vstack(eq_rows).tocsr()
    # The months summed are at most months_after per graduate whose months are known.
    months_sum, months_known = basis.index("months_sum"), basis.index("months_known")
    g = np.arange(n)
    months = groups["months_after"].to_numpy(dtype=np.float64)
    inequalities = sparse.csr_matrix(
        (np.concatenate([np.ones(n), -months]), (np.concatenate([g, g]), np.concatenate([g * k + months_sum,
                                                                                         g * k + months_known]))),
        shape=(n, n * k))
    return System(basis, groups, equalities, inequalities, links)


def _per_group(n: int, k: int, coefficients: np.ndarray) -> sparse.coo_matrix:
    atoms = np.flatnonzero(coefficients)
    rows = np.repeat(np.arange(n), len(atoms))
    cols = (np.arange(n)[:, None] * k + atoms[None, :]).ravel()
    return sparse.coo_matrix((np.tile(coefficients[atoms], n), (rows, cols)), shape=(n, n * k))


def _parents(children: pd.DataFrame, groups: pd.DataFrame, relation: int) -> pd.DataFrame:
    """(child, parent, relation) for each child whose parent key is a group."""
    found = children.merge(groups, on=GROUP_COLUMNS, suffixes=("", "_parent"))
    return pd.DataFrame({"child": found["group"].to_numpy(), "parent": found["group_parent"].to_numpy(),
                         "relation": relation})


def _sum_rows(links: pd.DataFrame, n: int, k: int) -> sparse.coo_matrix:
    """One row per (parent group, relation, atom): the children's atoms minus the parent's."""
    identity, _ = pd.MultiIndex.from_frame(links[["parent", "relation"]]).factorize()
    parents = pd.Series(links["parent"].to_numpy()).groupby(identity).first().to_numpy()
    m = len(parents)
    atoms = np.arange(k)
    rows = np.concatenate([(identity[:, None] * k + atoms).ravel(), (np.arange(m)[:, None] * k + atoms).ravel()])
    cols = np.concatenate([(links["child"].to_numpy()[:, None] * k + atoms).ravel(),
                           (parents[:, None] * k + atoms).ravel()])
    data = np.concatenate([np.ones(len(links) * k), -np.ones(m * k)])
    return sparse.coo_matrix((data, (rows, cols)), shape=(m * k, n * k))


def offer_pairs(offered_by: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """``IndicatorCells.offered_by`` as the rows of the published ``programme_providers`` table reads them."""
    return pd.DataFrame([(programme, provider) for programme, providers in offered_by.items() for provider in providers],
                        columns=["programme_code", "provider_code"], dtype="str")


def offer_components(offerings: pd.DataFrame | None) -> tuple[dict[str, int], dict[str, int]]:
    """The linked sets of programmes and providers: two are in one set when a provider offers the
    programme, or through a chain of such offers. (programme code -> set, provider code -> set.)"""
    if offerings is None or offerings.empty:
        return {}, {}
    programme, programmes = pd.factorize(offerings["programme_code"].astype(str))
    provider, providers = pd.factorize(offerings["provider_code"].astype(str))
    n = len(programmes) + len(providers)
    graph = sparse.coo_matrix((np.ones(len(offerings)), (programme, len(programmes) + provider)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    return (dict(zip(programmes, label[:len(programmes)].tolist())),
            dict(zip(providers, label[len(programmes):].tolist())))


def offer_set(groups: pd.DataFrame, offerings: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray]:
    """For each group: the linked set of offers it belongs to (-1 for groups above programme and provider)
    and whether it is on the providers' side of it."""
    by_programme, by_provider = offer_components(offerings)
    programme = (groups["level"] == "programme").to_numpy()
    provider = (groups["level"] == "provider").to_numpy()
    found = np.where(programme, _looked_up(groups["programme_code"], by_programme),
                     np.where(provider, _looked_up(groups["provider_code"], by_provider), -1))
    return found.astype(np.int64), provider


def _looked_up(column: pd.Series, mapping: dict[str, int]) -> np.ndarray:
    """Each row's value in ``mapping`` (-1 where it has none), looked up once per distinct value: a million
    rows of text are slow to take out of pandas one by one, their codes are not."""
    codes, distinct = pd.factorize(column)
    return np.array([*(mapping.get(str(value), -1) for value in distinct), -1], dtype=np.int64)[codes]


def offer_totals(frame: pd.DataFrame, offerings: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray]:
    """For rows of cells: the linked set of offers each belongs to (-1 for none) and whether it stands as the
    set's total in a breakdown (its first provider: the others and the programmes are the parts; one hidden
    cell among them all is given away, whichever side it is on)."""
    offer, providing = offer_set(frame, offerings)
    provider = pd.factorize(frame["provider_code"], sort=True)[0]   # codes in the order of the codes' text
    on_side = providing & (offer >= 0)
    first = np.full(offer.max(initial=-1) + 2, -2)
    found = pd.Series(provider[on_side]).groupby(offer[on_side]).min()
    first[found.index.to_numpy() + 1] = found.to_numpy()
    return offer, on_side & (provider == first[offer + 1])


def _offer_rows(numbered: pd.DataFrame, offerings: pd.DataFrame | None, k: int) -> tuple[sparse.coo_matrix, pd.DataFrame]:
    """One row per (linked set, cohort, point, atom): its providers' atoms minus its programmes' atoms; and
    the links of each programme that one provider alone offers to that provider."""
    n = len(numbered)
    component, providing = offer_set(numbered, offerings)
    linked = component >= 0
    keys = pd.DataFrame({"set": component, "cohort": numbered["cohort"].astype(str).to_numpy(),
                         "months": numbered["months_after"].to_numpy()})[linked]
    identity, _ = pd.MultiIndex.from_frame(keys).factorize()
    # Only where both sides have groups: a set whose graduates all fell out of a cohort has neither.
    sides = pd.DataFrame({"identity": identity, "providing": providing[linked]}).groupby("identity")["providing"]
    both = (sides.any() & ~sides.all()).to_numpy()[identity]
    groups = np.flatnonzero(linked)[both]
    identity = pd.factorize(identity[both])[0]
    sign = np.where(providing[groups], 1.0, -1.0)
    atoms = np.arange(k)
    rows = (identity[:, None] * k + atoms).ravel()
    cols = (groups[:, None] * k + atoms).ravel()
    matrix = sparse.coo_matrix((np.repeat(sign, k), (rows, cols)), shape=((identity.max(initial=-1) + 1) * k, n * k))
    # A programme with one provider lies inside it (its ceiling, its neighbours).
    if offerings is None or offerings.empty:
        return matrix, pd.DataFrame({"child": [], "parent": [], "relation": []}, dtype=np.int64)
    single = offerings.groupby("programme_code")["provider_code"].transform("size") == 1
    inside = offerings.loc[single, ["programme_code", "provider_code"]].astype(str)
    programmes = numbered[numbered["level"] == "programme"].drop(columns="provider_code")
    programmes = programmes.merge(inside, on="programme_code")
    programmes["level"] = "provider"
    for name in UNIT_COLUMNS:
        if name not in LEVELS["provider"]:
            programmes[name] = ""
    return matrix, _parents(programmes, numbered, OFFERED)
