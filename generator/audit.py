"""The privacy audit: a last look at everything a build writes, before it is published.

It runs at the end of every build, on the staged output, and fails the build
when any rule is breached; ``ontrack audit DIR`` runs it on a built site. It
checks what was actually written (HTML, CSV, JSON, SVG, JS, the PDF's text),
not what the code meant to write:

* no record identifier from the input appears anywhere;
* no rate is published on a base under the threshold, and hidden cells are empty;
* every published count is rounded;
* no hidden cell can be recovered by subtraction: wherever published cells add
  up to a published total, none has exactly one hidden part.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

from .attack import Findings
from .cache import BuildCache, cache_key
from .config import DisclosureOptions
from .disclosure import FLAG_SUPPRESSED, RELATIONS
from .errors import Problem
from .precision import round_count
from .definitions import LEVELS
from .identities import offer_totals

TEXT_SUFFIXES = {".html", ".csv", ".json", ".jsonld", ".svg", ".js", ".xml", ".txt", ".ttl", ".cff", ".md", ""}
_TOKEN = re.compile(rb"[A-Za-z0-9_-]{8,64}")
#: Published tables with one row per indicator cell.
CELL_TABLES = ("indicators.csv", "destinations.csv", "sectors.csv", "earnings.csv")


def breach(file: str, row: int | None, code: str, message: str) -> Problem:
    """A breach of the privacy rules in a published file: a problem of the catalogue's privacy group."""
    return Problem(file, row, None, code, message)


def attack_problems(findings: Findings, limit: int = 20) -> list[Problem]:
    """The attacker's findings as problems: each cell it narrowed below its protection, each figure too precise."""
    narrowed = [Problem("data/indicators.csv", None, None, "attack",
                        f"{findings.where(i)}: narrowed to {i.low:g} to {i.high:g} graduates")
                for i in findings.breaches]
    precise = [Problem("data/indicators.csv", None, None, "attack",
                       f"{findings.where_cell(c)}: published with more digits than its base allows")
               for c in findings.too_precise]
    return (narrowed + precise)[:limit]


def _file_texts(path: Path, rel: str, data: bytes):
    """(name, bytes) of the text a reader could see in one file: itself, a ZIP's members or a PDF's text."""
    if path.suffix == ".pdf":
        text = pdf_text(path)
        if text is not None:
            yield rel, text
    elif path.suffix == ".zip":
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                yield f"{rel}!{name}", archive.read(name)
    elif path.suffix.lower() in TEXT_SUFFIXES:
        yield rel, data


def _files(root: Path):
    """(path, relative path) of every file in the output, sorted."""
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path, path.relative_to(root).as_posix()


def _texts(root: Path):
    """(relative path, bytes) of every file whose text a reader could see."""
    for path, rel in _files(root):
        yield from _file_texts(path, rel, path.read_bytes())


def pdf_text(path: Path) -> bytes | None:
    """The text of a PDF via poppler's pdftotext, or None when poppler is not installed."""
    if shutil.which("pdftotext") is None:
        return None
    done = subprocess.run(["pdftotext", "-q", str(path), "-"], capture_output=True, check=False)
    return done.stdout


def find_record_ids(root: Path, record_ids: set[str]) -> list[Problem]:
    """Every place an input record identifier appears in the output."""
    wanted = {r.encode() for r in record_ids}
    breaches, seen = [], set()
    for rel, data in _texts(root):
        breaches += _record_ids_in(rel, data, wanted, seen)
    return breaches


def _record_ids_in(rel: str, data: bytes, wanted: set[bytes], seen: set[bytes]) -> list[Problem]:
    digest = hashlib.sha1(data).digest()
    if digest in seen:  # a ZIP member identical to a file already read
        return []
    seen.add(digest)
    return [breach(rel, None, "record-id", f"record identifier {token.decode()!r} is published")
            for token in sorted(set(_TOKEN.findall(data)) & wanted)]


def _rows(frame: pd.DataFrame, mask, file: str, rule: str, message: str) -> list[Problem]:
    return [breach(file, int(i) + 2, rule, message) for i in np.flatnonzero(np.asarray(mask))[:20]]


def check_cells(cells: pd.DataFrame, file: str, options: DisclosureOptions) -> list[Problem]:
    """Thresholds, rounding and empty hidden cells, over whole columns."""
    smallest_rate_base = int(round_count([options.min_base], options.rounding_base)[0])
    smallest_stat_base = int(round_count([options.min_n_statistic], options.rounding_base)[0])
    hidden = cells["flag"] == FLAG_SUPPRESSED
    shown = (cells["value"] != "") & ~hidden
    base = pd.to_numeric(cells["base_rounded"].where(cells["base_rounded"] != ""), errors="coerce")
    not_empty = (cells["value"] != "") | (cells["base_rounded"] != "")
    for column in ("ci_low", "ci_high"):
        if column in cells:
            not_empty |= cells[column] != ""
    floor = np.where(cells.get("unit", pd.Series("", index=cells.index)) == "percent",
                     smallest_rate_base, smallest_stat_base)
    return (_rows(cells, hidden & not_empty, file, "hidden-not-empty", "a hidden cell still shows a value or base")
            + _rows(cells, shown & base.isna(), file, "no-base", "a published value has no base")
            + _rows(cells, shown & (base % options.rounding_base != 0) & base.notna(), file, "unrounded",
                    f"a count is not a multiple of {options.rounding_base}")
            + _rows(cells, shown & (base < floor), file, "small-base", "a value is published on a base under the threshold"))


def check_subtraction(cells: pd.DataFrame, file: str, offerings: pd.DataFrame | None = None) -> list[Problem]:
    """No published total may have exactly one hidden part among its published breakdowns (``offerings``, the
    published providers of each programme, add each provider's programmes up to it)."""
    additive = cells[cells["unit"].isin(["percent", "months"])].copy()
    additive["hidden"] = additive["flag"] == FLAG_SUPPRESSED
    breaches = []

    def exposed(children, parents, keys, what):
        counts = children.groupby(keys, sort=False)["hidden"].sum().rename("parts").reset_index()
        joined = parents[keys + ["hidden"]].merge(counts, on=keys)
        for row in joined[(joined["parts"] == 1) & ~joined["hidden"]].head(20).itertuples(index=False):
            breaches.append(breach(file, None, "recoverable",
                                   f"{what}: the only hidden part of a published total ({', '.join(map(str, row[:len(keys)]))})"))

    for child, parent in RELATIONS:
        keys = [*LEVELS[parent], "cohort", "months_after", "indicator"]
        exposed(additive[additive["level"] == child], additive[additive["level"] == parent], keys,
                f"{child} within {parent}")
    pooled = additive["cohort"].str.contains("-")
    for level, units in LEVELS.items():
        at = additive[additive["level"] == level]
        totals = at[pooled.loc[at.index]]
        if totals.empty:
            continue
        first, last = (int(y) for y in totals["cohort"].iloc[0].split("-"))
        singles = at[at["cohort"].isin([str(y) for y in range(first, last + 1)])]
        exposed(singles, totals, ["level", *units, "months_after", "indicator"], f"{level} cohorts within the pooled span")
    offer, total = offer_totals(additive, offerings)
    if (offer >= 0).any():
        additive["offer"] = offer
        exposed(additive[(offer >= 0) & ~total], additive[total], ["offer", "cohort", "months_after", "indicator"],
                "programmes and providers within the providers' offers")
    return breaches


def published_cells(root: Path) -> pd.DataFrame:
    """Every row of the whole-site cell tables of a built site (all text, as a reader sees them)."""
    tables = [pd.read_csv(root / "data" / name, dtype=str, keep_default_na=False, na_filter=False)
              for name in CELL_TABLES if (root / "data" / name).exists()]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()


def published_offerings(root: Path) -> pd.DataFrame | None:
    """Which providers offer which programme, as the site's data publish it (None if they do not)."""
    path = root / "data" / "programme_providers.csv"
    if not path.exists():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)


def _is_total_table(root: Path, path: Path) -> bool:
    # Country packages and page downloads are subsets of the whole-site tables, checked once there.
    return path.parent == root / "data" and path.name in CELL_TABLES


def audit_file(path: Path, rel: str, data: bytes, options: DisclosureOptions, wanted: set[bytes],
               total_table: bool, seen: set[bytes] | None = None, offerings: pd.DataFrame | None = None) -> list[Problem]:
    """Every breach of the privacy rules in one file of a built site."""
    seen = set() if seen is None else seen
    breaches: list[Problem] = []
    if wanted:
        for name, text in _file_texts(path, rel, data):
            breaches += _record_ids_in(name, text, wanted, seen)
    # An empty CSV (a programme with no figures) has no cells, nor has one that never names the column
    # (a chart's rows): parsing the thousands of those with pandas cost more than the rest of the audit.
    if path.suffix == ".csv" and data.strip() and b"suppression_reason" in data:
        cells = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False)
        if "suppression_reason" in cells.columns:
            breaches += check_cells(cells, rel, options)
            # With the attacker on, it checks every sum there is, subtraction among them, on what must be
            # protected: a cell hidden only to protect another may be worked out to within its rounding.
            if total_table and not options.attack:
                breaches += check_subtraction(cells, rel, offerings)
    return breaches


def record_ids_digest(record_ids: set[str] | None) -> str:
    """A digest of the set of record identifiers, for the audit cache's keys."""
    return hashlib.sha256("\n".join(sorted(record_ids or ())).encode()).hexdigest()


def audit_output(root: Path, options: DisclosureOptions, record_ids: set[str] | None = None,
                 cache: BuildCache | None = None, progress=None) -> list[Problem]:
    """Every breach of the privacy rules in a built (or staged) site.

    With a ``cache``, a file whose bytes passed the same audit before (same rules,
    same record identifiers, same ontrack) is not checked again: only files that
    pass are remembered, so a breach is reported on every build until it is gone.
    ``progress(task, done, total)`` hears of each file read.
    """
    breaches: list[Problem] = []
    wanted = {r.encode() for r in record_ids or ()}
    # One cache entry per audit setting: the digests of the files that passed it. One read and one
    # write a build, rather than one each per file (a site has thousands).
    passed: set[str] = set()
    if cache is not None:
        ledger_key = cache_key("audit", options, record_ids_digest(record_ids), shutil.which("pdftotext"))
        found = cache.load("audit", ledger_key)
        passed = found if isinstance(found, set) else set()
    now_passing: set[str] = set()
    seen: set[bytes] = set()
    files = list(_files(root))
    offerings = published_offerings(root)
    for done, (path, rel) in enumerate(files, start=1):
        if progress is not None:
            progress("privacy audit", done, len(files))
        data = path.read_bytes()
        total_table = _is_total_table(root, path)
        digest = cache_key(data, path.suffix.lower(), total_table, offerings if total_table else None)
        if digest in passed:
            now_passing.add(digest)
            continue
        found = audit_file(path, rel, data, options, wanted, total_table, seen, offerings)
        if not found:
            now_passing.add(digest)
        breaches += found
    if cache is not None and now_passing != passed:
        cache.store("audit", ledger_key, now_passing)
    return breaches
