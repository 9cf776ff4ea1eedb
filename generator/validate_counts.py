"""Checks of an aggregated input (``graduate_counts``) that no single column can see.

The Table Schema checks types, codes and keys; these rules check that a row
describes a possible cell: the unit columns its level needs and no others, no
count larger than the count it is part of, earnings given whole or not at all,
and programme cells in their programme's country and field. Like the
record-level rules, they are vectorised and skip cells that already failed
their own checks: one mistake, one message.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .codelists import currency_codes
from .definitions import EARNING_LEVELS, LEVELS, RATES, UNIT_COLUMNS
from .validate import Report, check_primary_key

#: (part, whole): a count that cannot exceed another one of the same cell.
PARTS = tuple(dict.fromkeys([
    *((num, base) for num, base, _ref in RATES.values()),
    ("status_known", "observed"), ("dest_known", "status_known"), ("related_known", "emp"),
    ("regime_known", "emp"), ("nace_known", "emp"), ("months_known", "status_known"), ("earn_n", "full_time"),
]))
COUNT_COLUMNS = tuple(dict.fromkeys([c for pair in PARTS for c in pair if c != "earn_n"] + ["months_sum"]))
EARNING_COLUMNS = ("earn_n", "earn_q1", "earn_med", "earn_q3", "currency")
#: What identifies a cell. Not a Table Schema primaryKey, whose fields may not be empty.
CELL_KEY = ["level", *UNIT_COLUMNS, "cohort", "months_after"]


def check_count_rules(counts: pd.DataFrame, invalid: dict, programmes: pd.DataFrame, file: str,
                      report: Report) -> None:
    """Impossible cells of ``graduate_counts``, reported row by row."""
    clean = pd.Series(~np.logical_or.reduce(list(invalid.values())), index=counts.index)

    def add(mask: pd.Series, name: str, code: str, message) -> None:
        report.add_rows(file, mask & clean, name, code, message)

    # Unit columns are empty above their level: there, an empty value is part of the key.
    keys = counts[CELL_KEY].fillna({unit: "" for unit in UNIT_COLUMNS}).astype({"months_after": "Int64"})
    check_primary_key(keys, {"primaryKey": CELL_KEY}, file, report)
    level = counts["level"]
    for unit in UNIT_COLUMNS:
        needed = level.isin([lv for lv, units in LEVELS.items() if unit in units])
        add(level.notna() & needed & counts[unit].isna(), unit, "level-unit",
            lambda i: f"required at the {level.iat[i]} level")
        add(level.notna() & ~needed & counts[unit].notna(), unit, "level-unit",
            lambda i: f"must be empty at the {level.iat[i]} level")

    withheld = counts["flag"] == "c"
    for name in (*COUNT_COLUMNS, *EARNING_COLUMNS):
        add(withheld & counts[name].notna(), name, "withheld",
            "must be empty: the supplier withheld this cell (flag c)")
    for name in COUNT_COLUMNS:
        add(~withheld & counts[name].isna(), name, "required", "a value is required unless the cell is withheld (flag c)")

    for part, whole in PARTS:
        add(counts[part] > counts[whole], part, "part-of-whole",
            lambda i, part=part, whole=whole: f"{_count(counts[part].iat[i])} is more than {whole} "
                                              f"({_count(counts[whole].iat[i])}), which it is part of")
    add(counts["months_sum"] > counts["months_known"] * counts["months_after"], "months_sum", "months-sum",
        "is more than months_known × months_after: more months in work than since graduation")

    given = counts["earn_n"].notna()
    add(given & ~level.isin(EARNING_LEVELS), "earn_n", "earnings-level",
        lambda i: f"earnings are not summarised at the {level.iat[i]} level (several currencies); leave them empty")
    for name in EARNING_COLUMNS[1:]:
        add(given & counts[name].isna(), name, "earnings-incomplete", "required where earn_n is given")
        add(~given & ~withheld & counts[name].notna(), name, "earnings-incomplete", "given without earn_n")
    add(counts["earn_q1"] > counts["earn_med"], "earn_med", "quartile-order", "is below earn_q1")
    add(counts["earn_med"] > counts["earn_q3"], "earn_q3", "quartile-order", "is below earn_med")
    add(counts["currency"].notna() & ~counts["currency"].isin(currency_codes()), "currency", "currency-code",
        lambda i: f"{counts['currency'].iat[i]!r} is not an ISO 4217 currency code")

    at_programme = level == "programme"
    listed = programmes.drop_duplicates("programme_code").set_index("programme_code")
    for unit, expected, what in (("geo", listed["geo"], "geo"),
                                 ("field", listed["isced_f"].str[:2], "field (the first two digits of its isced_f)")):
        wanted = counts["programme_code"].map(expected)
        add(at_programme & wanted.notna() & counts[unit].notna() & (wanted != counts[unit]), unit, f"{unit}-programme",
            lambda i, wanted=wanted, unit=unit, what=what:
                f"{counts[unit].iat[i]!r} differs from the programme's {what} {wanted.iat[i]!r}")


def _count(value: float) -> str:
    return f"{value:.0f}"
