"""Published figures as the pages use them: looked up from a ``SafeTable`` by their dimensions.

A ``Figure`` is one disclosure-checked number with its base, interval and,
when hidden, the reason in words. Pages and charts get numbers only this way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .disclosure import REASONS, SafeTable
from .i18n import ENGLISH, N_, Language
from .definitions import DEFINITIONS


#: Why a figure that was never computed is missing (no graduate in the group has the item, e.g.
#: job relevance where only administrative records are used).
NOT_MEASURED = N_("not measured for these graduates")


def indicator_label(indicator: str, lang: Language = ENGLISH) -> str:
    """An indicator's label in the reader's language."""
    return lang.gettext(DEFINITIONS[indicator].label)


@dataclass(frozen=True)
class Figure:
    indicator: str
    label: str
    value: float | None        # percent for rates; months; currency units for earnings
    ci_low: float | None       # percent
    ci_high: float | None
    base: int | None           # rounded
    unit: str
    currency: str
    reason: str                # plain-language reason when not published, else ''

    @property
    def published(self) -> bool:
        return self.value is not None


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _shared(column: pd.Series) -> np.ndarray:
    """The column's values as an object array in which equal values are one object (a code list's few strings
    referenced a million times, rather than a million strings)."""
    values = column.to_numpy()
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.asarray(uniques, dtype=object)[codes]


class FigureIndex:
    """Fast lookup of safe cells by (level, geo, field, programme, provider, cohort, months, indicator)."""

    KEY = ["level", "geo", "field", "programme_code", "provider_code", "cohort", "months_after", "indicator"]

    def __init__(self, safe: SafeTable):
        self.safe = safe
        cells = safe.cells
        scale = np.where(cells["kind"].to_numpy() == "rate", 100.0, 1.0)
        # Each key maps to its row of plain arrays, and the keys' codes are shared objects (one per distinct
        # code). At a million records the 1.2 million cells took about 1.2 GB as tuples of fresh objects.
        columns = [_shared(cells[k]) for k in self.KEY]
        # zip walks the columns in C: a loop indexing each column row by row took 1-2 s for 150,000 cells.
        self._row: dict[tuple, int] = dict(zip(zip(*columns), range(len(cells))))
        self._value = cells["value"].to_numpy(dtype="float64") * scale
        self._low = cells["ci_low"].to_numpy(dtype="float64") * 100
        self._high = cells["ci_high"].to_numpy(dtype="float64") * 100
        self._base = cells["base_rounded"].to_numpy(dtype="float64", na_value=np.nan)
        self._currency = _shared(cells["currency"])
        self._reason = _shared(cells["suppression_reason"])

    def get(self, indicator: str, *, level: str, cohort: str, months: int, geo: str = "", field: str = "",
            programme: str = "", provider: str = "", lang: Language = ENGLISH) -> Figure:
        """The figure for these dimensions, its label and reason in ``lang``; a missing cell (no graduate
        at all) reads as not measured."""
        definition = DEFINITIONS[indicator]
        label = indicator_label(indicator, lang)
        row = self._row.get((level, geo, field, programme, provider, cohort, months, indicator))
        if row is None:
            return Figure(indicator, label, None, None, None, None, definition.unit, "", lang.gettext(NOT_MEASURED))
        base, currency, reason = self._base[row], self._currency[row], self._reason[row]
        return Figure(indicator, label, _num(self._value[row]), _num(self._low[row]), _num(self._high[row]),
                      None if np.isnan(base) else int(base), definition.unit, currency or "",
                      self.reason(reason, lang) if reason else "")

    def reason(self, code: str, lang: Language = ENGLISH) -> str:
        """Why a cell is hidden, in words, with this release's thresholds."""
        options = self.safe.options
        return lang.gettext(REASONS[code]).format(min_base=options.min_base,
                                                  min_n_statistic=options.min_n_statistic)
