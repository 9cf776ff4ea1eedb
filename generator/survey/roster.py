"""The roster of a cohort and the keyed pseudonyms of its graduates.

The roster is the provider's own list of who graduated: one row per graduate
with a local identifier, the programme, provider and cohort year, and
optionally sex and the waves at which no contact address worked. Local
identifiers never leave the provider: each becomes a keyed hash (HMAC-SHA256)
whose key stays outside the package (guide chapter 2), so the same graduate
gets the same ``record_id`` in every wave and no one without the key can go
back from it.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem

ROSTER_COLUMNS = ("graduate_id", "programme_code", "provider_code", "cohort_year")
OPTIONAL_COLUMNS = ("sex", "untraced")
#: Shorter keys are too easy to guess by trying every key on a known identifier.
MIN_KEY_BYTES = 16


@dataclass(frozen=True)
class Graduate:
    graduate_id: str
    programme_code: str
    provider_code: str
    cohort_year: int
    sex: str
    untraced: frozenset[int]    # waves (months after graduation) at which the graduate could not be reached
    line: int


def read_key(path: Path) -> bytes:
    """The pseudonymisation key: the file's bytes, without a final newline."""
    key = path.read_bytes().rstrip(b"\r\n")
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the key in {path} is {len(key)} bytes: it needs at least {MIN_KEY_BYTES}")
    return key


def pseudonym(key: bytes, graduate_id: str) -> str:
    """The ``record_id`` of a graduate: 20 hex digits of HMAC-SHA256 of the local identifier."""
    return hmac.new(key, graduate_id.encode("utf-8"), hashlib.sha256).hexdigest()[:20]


def read_csv(path: Path, file: str, problems: list[Problem]) -> list[dict[str, str]]:
    """A CSV file's rows (header first), or none with a problem when it cannot be read."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problems.append(Problem(file, None, None, "unreadable", f"cannot be read as UTF-8 CSV: {exc}"))
        return []


def read_roster(path: Path, file: str, codes: dict[str, set[str]], sexes: set[str], waves: set[int],
                problems: list[Problem]) -> dict[str, Graduate]:
    """The roster by local identifier; every problem goes into ``problems``, with its line and column."""
    rows = read_csv(path, file, problems)
    if not rows:
        if not problems:
            problems.append(Problem(file, None, None, "empty", "the roster has no graduates"))
        return {}
    columns = list(rows[0])
    for name in ROSTER_COLUMNS:
        if name not in columns:
            problems.append(Problem(file, 1, name, "missing-column", "the roster needs this column"))
    for name in columns:
        if name not in ROSTER_COLUMNS + OPTIONAL_COLUMNS:
            problems.append(Problem(file, 1, name, "extra-column",
                                    "not a roster column: names, contact details and other identifiers stay out "
                                    f"(the columns are {', '.join(ROSTER_COLUMNS + OPTIONAL_COLUMNS)})"))
    if problems:
        return {}
    roster: dict[str, Graduate] = {}
    for line, row in enumerate(rows, start=2):
        here = len(problems)
        gid = (row["graduate_id"] or "").strip()
        if not gid:
            problems.append(Problem(file, line, "graduate_id", "required", "is empty"))
        elif gid in roster:
            problems.append(Problem(file, line, "graduate_id", "duplicate",
                                    f"{gid!r} is on the roster twice (first on line {roster[gid].line})"))
        for name in ("programme_code", "provider_code"):
            if row[name] not in codes[name]:
                problems.append(Problem(file, line, name, "unknown-code", f"{row[name]!r} is not in the code list"))
        year = row["cohort_year"].strip()
        if not year.isdigit() or not 2000 <= int(year) <= 2100:
            problems.append(Problem(file, line, "cohort_year", "type", f"{year!r} is not a year from 2000 to 2100"))
        sex = (row.get("sex") or "").strip()
        if sex and sex not in sexes:
            problems.append(Problem(file, line, "sex", "enum", f"{sex!r} is not one of {', '.join(sorted(sexes))}"))
        untraced = [w.strip() for w in (row.get("untraced") or "").split(";") if w.strip()]
        if any(not w.isdigit() or int(w) not in waves for w in untraced):
            problems.append(Problem(file, line, "untraced", "wave",
                                    f"must list waves of the protocol ({', '.join(map(str, sorted(waves)))}) "
                                    "separated by ;"))
        if len(problems) == here:
            roster[gid] = Graduate(gid, row["programme_code"], row["provider_code"], int(year), sex,
                                   frozenset(int(w) for w in untraced), line)
    return roster
