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


class FigureIndex:
    """Fast lookup of safe cells by (level, geo, field, programme, provider, cohort, months, indicator)."""

    KEY = ["level", "geo", "field", "programme_code", "provider_code", "cohort", "months_after", "indicator"]

    def __init__(self, safe: SafeTable):
        self.safe = safe
        cells = safe.cells
        scale = np.where(cells["kind"].to_numpy() == "rate", 100.0, 1.0)
        columns = [cells[k].to_numpy() for k in self.KEY]
        value = cells["value"].to_numpy(dtype="float64") * scale
        low = cells["ci_low"].to_numpy(dtype="float64") * 100
        high = cells["ci_high"].to_numpy(dtype="float64") * 100
        base = cells["base_rounded"].to_numpy(dtype="float64", na_value=np.nan)
        kinds = cells["kind"].to_numpy()
        currency = cells["currency"].to_numpy()
        reason = cells["suppression_reason"].to_numpy()
        # zip walks the columns in C: a loop indexing each column row by row took 1-2 s for 150,000 cells.
        self._rows: dict[tuple, tuple] = dict(zip(zip(*columns), zip(value, low, high, base, kinds, currency, reason)))

    def get(self, indicator: str, *, level: str, cohort: str, months: int, geo: str = "", field: str = "",
            programme: str = "", provider: str = "", lang: Language = ENGLISH) -> Figure:
        """The figure for these dimensions, its label and reason in ``lang``; a missing cell (no graduate
        at all) reads as not measured."""
        definition = DEFINITIONS[indicator]
        label = indicator_label(indicator, lang)
        row = self._rows.get((level, geo, field, programme, provider, cohort, months, indicator))
        if row is None:
            return Figure(indicator, label, None, None, None, None, definition.unit, "", lang.gettext(NOT_MEASURED))
        value, low, high, base, kind, currency, reason = row
        return Figure(indicator, label, _num(value), _num(low), _num(high),
                      None if np.isnan(base) else int(base), definition.unit, currency or "",
                      self.reason(reason, lang) if reason else "")

    def reason(self, code: str, lang: Language = ENGLISH) -> str:
        """Why a cell is hidden, in words, with this release's thresholds."""
        options = self.safe.options
        return lang.gettext(REASONS[code]).format(min_base=options.min_base,
                                                  min_n_statistic=options.min_n_statistic)
