"""Checks driven by the Table Schemas, vectorised over whole columns.

Each check looks at a column at once (pandas string and numeric operations),
never row by row in Python, so a million rows take seconds. Every problem is
reported with its file, row (as in a spreadsheet: the header is row 1) and
field. The same checks serve the demo, a ministry's extract and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .codelists import currency_codes
from .errors import Problem

#: Problems kept per check and column; the rest are counted, so a file that is
#: wrong on every row still gives a short, useful report.
KEEP_PER_CHECK = 100


@dataclass
class Report:
    """Problems gathered from every check, and how many more were only counted."""

    problems: list[Problem] = field(default_factory=list)
    uncounted: int = 0

    def add(self, file: str, row: int | None, name: str | None, code: str, message: str) -> None:
        self.problems.append(Problem(file, row, name, code, message))

    def add_rows(self, file: str, mask: pd.Series, name: str | None, code: str, message) -> None:
        """Report every row where ``mask`` is true; ``message`` is a string or a function of the row's index."""
        if not mask.any():
            return
        index = np.flatnonzero(mask.to_numpy())
        for i in index[:KEEP_PER_CHECK]:
            text = message(int(i)) if callable(message) else message
            self.problems.append(Problem(file, int(i) + 2, name, code, text))
        self.uncounted += max(0, len(index) - KEEP_PER_CHECK)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.file, p.row or 0, p.field or "", p.code))


def _show(value) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


_INTEGER = r"[+-]?\d{1,15}"
_NUMBER = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"


def check_header(columns: list[str], schema: dict, file: str, report: Report) -> bool:
    """Refuse unknown columns (that is how identifiers such as e-mail are kept out) and missing ones."""
    names = [f["name"] for f in schema["fields"]]
    required = {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")}
    ok = True
    for col in columns:
        if col not in names:
            report.add(file, 1, col, "extra-column",
                       "column not in the schema; refused, because the input may hold only the listed fields")
            ok = False
    seen = set()
    for col in columns:
        if col in seen:
            report.add(file, 1, col, "duplicate-column", "column appears more than once")
            ok = False
        seen.add(col)
    for name in names:
        if name not in columns and name in required:
            report.add(file, 1, name, "missing-column", "required column is missing")
            ok = False
    return ok


def _distinct(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The column's distinct values and each row's position among them (a missing value is one of them)."""
    if isinstance(raw.dtype, pd.CategoricalDtype):
        categories = raw.cat.categories
        # Code -1 (missing) reads the value appended last.
        values = pd.Series(categories.append(pd.Index([None], dtype=categories.dtype)))
        return values, raw.cat.codes.to_numpy()
    codes, uniques = pd.factorize(raw, use_na_sentinel=False)
    return pd.Series(uniques, dtype=raw.dtype), codes


def check_fields(table: pd.DataFrame, schema: dict, file: str, report: Report) -> tuple[pd.DataFrame, dict]:
    """Check every cell against its field's type and constraints; return the typed table and the failed cells.

    Each distinct value of a column is checked once and the verdict spread to
    its rows: a column of ten million cells holds a few thousand values.
    Columns read as categories stay categories in the typed table.
    Cells that fail are left missing in the typed table, so that later checks
    (keys, cross-field rules) do not report the same cell twice.
    """
    typed, invalid = {}, {}
    missing_values = set(schema.get("missingValues", [""]))
    for spec in schema["fields"]:
        name = spec["name"]
        if name not in table.columns:
            continue
        raw = table[name]
        distinct, codes = _distinct(raw)

        def rows(mask: pd.Series) -> pd.Series:
            return pd.Series(mask.to_numpy(dtype=bool)[codes], index=raw.index)

        cons = spec.get("constraints", {})
        empty = distinct.isin(missing_values)
        if cons.get("required"):
            report.add_rows(file, rows(empty), name, "required", "a value is required")
        present = ~empty
        kind = spec["type"]
        bad = pd.Series(False, index=distinct.index)
        if kind == "integer":
            is_int = distinct.str.fullmatch(_INTEGER).fillna(False).astype(bool)
            bad = present & ~is_int
            report.add_rows(file, rows(bad), name, "type", lambda i: f"{_show(raw.iat[i])} is not a whole number")
            values = distinct.where(present & is_int).astype("float64")
        elif kind == "number":
            # A decimal number: no 'NaN', 'inf' or thousands separators, which to_numeric would let through.
            is_number = distinct.str.fullmatch(_NUMBER).fillna(False).astype(bool)
            values = distinct.where(present & is_number).astype("float64")
            finite = np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan))
            bad = present & ~(is_number & pd.Series(finite, index=distinct.index))
            report.add_rows(file, rows(bad), name, "type", lambda i: f"{_show(raw.iat[i])} is not a finite number")
            values = values.where(~bad)
        elif kind == "boolean":
            truthy, falsy = spec.get("trueValues", ["true"]), spec.get("falseValues", ["false"])
            bad = present & ~distinct.isin(truthy + falsy)
            report.add_rows(file, rows(bad), name, "type",
                            lambda i: f"{_show(raw.iat[i])} is not {' or '.join(truthy + falsy)}")
            values = distinct.map(dict.fromkeys(truthy, True) | dict.fromkeys(falsy, False)).astype("boolean")
        else:
            values = distinct.where(present)
        ok = present & ~bad
        if "enum" in cons:
            allowed = cons["enum"]
            outside = ok & ~values.isin(allowed)
            listed = ", ".join(str(a) for a in allowed) if len(allowed) <= 12 else f"{len(allowed)} listed codes"
            report.add_rows(file, rows(outside), name, "enum",
                            lambda i: f"{_show(raw.iat[i])} is not an allowed code ({listed})")
            bad = bad | outside
        if "pattern" in cons:
            # Table Schema patterns match the whole value (XML Schema semantics).
            miss = ok & ~distinct.str.fullmatch(cons["pattern"]).fillna(False).astype(bool)
            report.add_rows(file, rows(miss), name, "pattern",
                            lambda i: f"{_show(raw.iat[i])} does not match the pattern {cons['pattern']}")
            bad = bad | miss
        for key, op, word in (("minimum", np.less, "at least"), ("maximum", np.greater, "at most")):
            if key in cons and kind in ("integer", "number"):
                limit = cons[key]
                out = ok & op(values.fillna(limit), limit)
                report.add_rows(file, rows(out), name, key, lambda i: f"{_show(raw.iat[i])} must be {word} {limit}")
                bad = bad | out
        for key, op, word in (("minLength", np.less, "at least"), ("maxLength", np.greater, "at most")):
            if key in cons:
                limit = cons[key]
                out = ok & op(distinct.str.len(), limit)
                report.add_rows(file, rows(out), name, key, f"must be {word} {limit} characters long")
                bad = bad | out
        if cons.get("unique"):
            dup = rows(ok) & pd.Series(pd.Series(codes).duplicated(keep="first").to_numpy(), index=raw.index)
            report.add_rows(file, dup, name, "unique", lambda i: f"{_show(raw.iat[i])} appears more than once")
        typed[name] = _spread(values.where(~bad) if kind != "boolean" else values.mask(bad), codes, raw)
        if bad.any():  # a column with no failed cell needs no mask (ten million of them at national scale)
            invalid[name] = rows(bad).to_numpy()
    # Also say which cells failed (only columns that have any), so that rules across fields do not report
    # them a second time.
    return pd.DataFrame(typed, index=table.index, copy=False), invalid


def _spread(values: pd.Series, codes: np.ndarray, raw: pd.Series) -> pd.Series:
    """Each row's typed value from the typed distinct values; text read as categories stays categories."""
    if isinstance(raw.dtype, pd.CategoricalDtype) and values.dtype == raw.cat.categories.dtype:
        # The distinct values are the categories (and a missing one last): a failed or empty one becomes missing.
        # ``where`` keeps the categories as they are (checking three million record ids again costs seconds).
        return raw.where(pd.Series(values.notna().to_numpy()[codes], index=raw.index))
    return pd.Series(values.array.take(codes), index=raw.index)


def check_primary_key(typed: pd.DataFrame, schema: dict, file: str, report: Report) -> None:
    key = schema.get("primaryKey")
    if not key or len(key) < 2 or not set(key) <= set(typed.columns):
        return  # single-field keys are checked as `unique`
    dup = typed[key].notna().all(axis=1) & pd.Series(_repeated(typed[key]), index=typed.index)
    report.add_rows(file, dup, key[0], "primary-key",
                    lambda i: "duplicate key (" + ", ".join(f"{k}={typed[k].iat[i]}" for k in key) + ")")


def _repeated(keys: pd.DataFrame) -> np.ndarray:
    """Rows whose key repeats an earlier row's, as ``DataFrame.duplicated(keep="first")`` says, but by sorting.

    A hash table of ten million distinct keys needs several times the memory of the keys themselves.
    """
    combined = np.zeros(len(keys), dtype=np.int64)
    span = 1
    for _, column in keys.items():
        codes, uniques = pd.factorize(column)  # a missing value is -1: one more value, equal to itself
        size = len(uniques) + 1
        if span * size >= 2**62:
            combined = np.unique(combined, return_inverse=True)[1].ravel()  # renumbered, before it overflows
            span = int(combined.max(initial=0)) + 1
        combined = combined * size + (codes + 1)
        span *= size
    order = np.argsort(combined, kind="stable")  # stable: the first of equal keys stays first
    repeated = np.zeros(len(keys), dtype=bool)
    ordered = combined[order]
    repeated[order[1:][ordered[1:] == ordered[:-1]]] = True
    return repeated


def check_foreign_key(typed: pd.DataFrame, column: str, target: pd.Series, target_name: str,
                      file: str, report: Report) -> None:
    values = typed[column]
    broken = values.notna() & ~values.isin(set(target.dropna()))
    report.add_rows(file, broken, column, "foreign-key",
                    lambda i: f"{_show(values.iat[i])} is not a {column} listed in {target_name}")


_SURVEY_CONTACTS = ["RESPONDED", "NONRESPONSE", "UNTRACED"]
_ADMIN_CONTACTS = ["MATCHED", "UNMATCHED"]
_OBSERVED = ["RESPONDED", "MATCHED"]
_JOB_FIELDS = ("employment_type", "work_regime", "nace_section", "job_related", "earnings_month")


class _Filtered:
    """A report that only hears about rows where ``keep`` is true."""

    def __init__(self, report: Report, keep: pd.Series):
        self.report, self.keep = report, keep

    def add_rows(self, file, mask, name, code, message) -> None:
        self.report.add_rows(file, mask & self.keep, name, code, message)


def check_graduate_rules(g: pd.DataFrame, invalid: dict, programmes: pd.DataFrame, file: str,
                         report: Report) -> None:
    """Impossible combinations that no single column can see.

    A row whose cells already failed their own checks is left out of every rule
    that involves those cells: one mistake, one message.
    """
    clean = pd.Series(~np.logical_or.reduce([v for v in invalid.values()] or [np.zeros(len(g), bool)]), index=g.index)
    report = _Filtered(report, clean)
    survey = g["source"] == "SURVEY"
    admin = g["source"] == "ADMIN"
    report.add_rows(file, survey & g["contact"].notna() & ~g["contact"].isin(_SURVEY_CONTACTS), "contact",
                    "contact-source", "a SURVEY observation must be RESPONDED, NONRESPONSE or UNTRACED")
    report.add_rows(file, admin & g["contact"].notna() & ~g["contact"].isin(_ADMIN_CONTACTS), "contact",
                    "contact-source", "an ADMIN observation must be MATCHED or UNMATCHED")
    unobserved = g["contact"].notna() & ~g["contact"].isin(_OBSERVED)
    report.add_rows(file, unobserved & g["lm_status"].notna() & (g["lm_status"] != "UNK"), "lm_status",
                    "unobserved-status", "a graduate who was not observed must have status UNK")
    not_employed = g["lm_status"].notna() & (g["lm_status"] != "EMP")
    for name in _JOB_FIELDS:
        if name in g:
            report.add_rows(file, not_employed & g[name].notna(), name, "not-employed",
                            "only employed graduates can have " + name.replace("_", " "))
    for name in ("in_education", "months_employed"):
        if name in g:
            report.add_rows(file, unobserved & g[name].notna(), name, "unobserved-outcome",
                            "a graduate who was not observed cannot have " + name.replace("_", " "))
    if "earnings_month" in g and "currency" in g:
        report.add_rows(file, g["earnings_month"].notna() & g["currency"].isna(), "currency",
                        "currency-missing", "earnings are given, so the currency is required")
        report.add_rows(file, g["earnings_month"].isna() & g["currency"].notna(), "currency",
                        "currency-without-earnings", "a currency is given without earnings")
        unknown = g["currency"].notna() & ~g["currency"].isin(currency_codes())
        report.add_rows(file, unknown, "currency", "currency-code",
                        lambda i: f"{_show(g['currency'].iat[i])} is not an ISO 4217 currency code")
    if "months_employed" in g:
        too_long = g["months_employed"].notna() & (g["months_employed"] > g["months_after"])
        report.add_rows(file, too_long, "months_employed", "months-employed",
                        "cannot be more than the months since graduation (months_after)")
    geo_of = programmes.set_index("programme_code")["geo"].dropna()
    geo_of = geo_of[~geo_of.index.duplicated()]
    # Once per (programme, geo) pair seen, not per row: the columns may be categories of different lists.
    pair = g.groupby(["programme_code", "geo"], observed=True, dropna=False, sort=False).ngroup().to_numpy()
    first = np.zeros(pair.max(initial=-1) + 1, dtype=np.int64)
    first[pair] = np.arange(len(pair))  # any row of a pair will do
    geo = g["geo"].iloc[first].to_numpy(dtype=object, na_value=None)
    expected = g["programme_code"].iloc[first].map(geo_of).to_numpy(dtype=object, na_value=None)
    differs = np.array([e is not None and v is not None and e != v for e, v in zip(expected, geo)], dtype=bool)
    report.add_rows(file, pd.Series(differs[pair], index=g.index), "geo", "geo-programme",
                    lambda i: f"{_show(g['geo'].iat[i])} differs from the programme's geo "
                              f"{_show(geo_of[g['programme_code'].iat[i]])}")
