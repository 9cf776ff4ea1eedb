"""Group-by over integer codes with numpy: group numbers, sums and quantiles.

A pandas ``groupby`` over dozens of flag columns of millions of records was
most of the aggregation's time. The indicators need only counts per group,
which add up (a coarse level is the sum of a finer one), and quantiles of one
column, so plain integer group numbers, ``np.bincount`` and one sort do it.
Groups are numbered in the sort order of their keys, as ``groupby(sort=True)``
orders them, so the output keeps the row order it always had.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Sequence

import numpy as np
import pandas as pd

#: A combined key stays below this, so that it never overflows int64.
_KEY_LIMIT = 2**62


@dataclass(frozen=True)
class Groups:
    """Rows numbered by group: ``ids[i]`` is row i's group, 0 to ``count - 1`` in the order of the keys."""

    ids: np.ndarray
    count: int
    first: np.ndarray  # one row of each group, to read the group's keys from

    @classmethod
    def of(cls, codes: Sequence[np.ndarray], sizes: Sequence[int]) -> Groups:
        """Group rows by key columns of small non-negative codes (``codes[k] < sizes[k]``), sorted by the keys."""
        rows = len(codes[0]) if codes else 0
        key = np.zeros(rows, dtype=np.int64)
        span = 1
        for column, size in zip(codes, sizes):
            if span * size >= _KEY_LIMIT:
                # Renumber the key so far (sorted numbering keeps the order) before it grows too large.
                key, uniques = pd.factorize(key, sort=True)
                span = len(uniques)
            key = key * size + column
            span *= size
        ids, uniques = pd.factorize(key, sort=True)
        first = np.empty(len(uniques), dtype=np.int64)
        first[ids] = np.arange(rows)  # any row of a group will do: they share its keys
        return cls(ids.astype(np.int64, copy=False), len(uniques), first)

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Column sums per group of a (rows × k) array."""
        order = np.argsort(self.ids, kind="stable")
        starts = np.flatnonzero(np.diff(self.ids[order], prepend=-1))
        return np.add.reduceat(values[order], starts, axis=0)

    def counts(self, code: np.ndarray, size: int, rows: np.ndarray | None = None) -> np.ndarray:
        """How many rows of each group have each code (0 to ``size - 1``): a (groups × size) array.

        ``rows`` (a boolean mask) counts only those rows.
        """
        ids = self.ids if rows is None else self.ids[rows]
        code = code if rows is None else code[rows]
        return np.bincount(ids * size + code, minlength=self.count * size).reshape(self.count, size)


def grouped_quantiles(ids: np.ndarray, count: int, values: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """Quantiles per group (ids 0 to ``count - 1``) of ``values`` sorted ascending: a (count × len(qs)) array.

    NaN for a group with no values. The values come sorted so that the levels
    of one tabulation sort them once: a stable sort by group keeps them in order.

    Linear interpolation computed exactly as pandas' ``groupby().quantile()``
    does (``val + (next - val) * frac``), so the figures stay the same to the bit.
    """
    order = np.argsort(ids, kind="stable")
    ordered = values[order]
    sizes = np.bincount(ids, minlength=count)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    out = np.full((count, len(qs)), np.nan)
    have = sizes > 0
    for k, q in enumerate(qs):
        position = q * (sizes[have] - 1).astype(np.float64)
        below = starts[have] + position.astype(np.int64)
        frac = position % 1
        low = ordered[below]
        high = ordered[np.minimum(below + 1, len(ordered) - 1)]
        out[have, k] = np.where(frac == 0.0, low, low + (high - low) * frac)
    return out
