"""``ontrack import``: a roster and survey exports in, a checked input data package out.

Every graduate on the roster gets a row for every wave exported for their
cohort: the answers when they responded, NONRESPONSE (or UNTRACED, from the
roster) with status UNK when they did not. Local identifiers become keyed
pseudonyms. Every problem is gathered with its file, line and column; the
package is checked by ontrack's own input checks in a staging folder and
only then moved into place, so a failed import writes nothing.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..errors import InputError, OntrackError, Problem, raise_if
from ..inputs.package import load_input_package
from ..questionnaire.model import PROTOCOL_WAVES, schema_field
from ..schemas import INPUT_RESOURCES, field_names, table_schema
from ..questionnaire.model import graduate_form
from .exports import Submission, read_export
from .layouts import SHAPES, read_column_map
from .roster import pseudonym, read_csv, read_key, read_roster


class SurveyImportError(OntrackError):
    """The import cannot start (a key, a folder)."""

    code = "survey-import"


@dataclass(frozen=True)
class ImportSummary:
    observations: int       # rows of graduates.csv
    early_left_out: int     # submissions of the 2-month contact, which stay with the provider


def _code_list(folder: Path, name: str, problems: list[Problem]) -> tuple[list[dict[str, str]], str]:
    path = folder / f"{name}.csv"
    rows = read_csv(path, str(path), problems)
    return rows, path.read_text(encoding="utf-8") if path.is_file() else ""


def graduate_rows(roster, submissions: list[Submission], key: bytes, geo_of: dict[str, str],
                  problems: list[Problem]) -> list[dict[str, str]]:
    """One row per graduate of the roster and wave of their cohort that an export covers."""
    seen: dict[tuple[str, int], Submission] = {}
    for sub in submissions:
        graduate = roster.get(sub.graduate_id)
        if graduate is None:
            problems.append(Problem(sub.file, sub.line, sub.id_column, "not-on-roster",
                                    f"{sub.graduate_id!r} is not on the roster"))
            continue
        first = seen.get((sub.graduate_id, sub.months_after))
        if first is not None:
            problems.append(Problem(sub.file, sub.line, sub.id_column, "duplicate",
                                    f"a second submission of {sub.graduate_id!r} at {sub.months_after} months "
                                    f"(the first is {first.file}:{first.line})"))
            continue
        seen[(sub.graduate_id, sub.months_after)] = sub
    covered = {(roster[s.graduate_id].cohort_year, s.months_after) for s in seen.values()}
    rows = []
    for graduate in sorted(roster.values(), key=lambda g: g.graduate_id):
        for cohort, months in sorted(covered):
            if cohort != graduate.cohort_year:
                continue
            row = {name: "" for name in field_names("graduates")}
            row.update(record_id=pseudonym(key, graduate.graduate_id), geo=geo_of[graduate.programme_code],
                       programme_code=graduate.programme_code, provider_code=graduate.provider_code,
                       cohort_year=str(cohort), months_after=str(months), source="SURVEY", sex=graduate.sex)
            sub = seen.get((graduate.graduate_id, months))
            if sub is None or sub.answers["lm_status"] == "UNK":
                # Not reached, or stopped before part A was answered: no known status (guide chapter 9).
                row.update(contact="UNTRACED" if sub is None and months in graduate.untraced else "NONRESPONSE",
                           lm_status="UNK")
            else:
                answers = dict(sub.answers)
                answers["sex"] = graduate.sex or answers["sex"]  # the roster's records win over the answer
                row.update(answers, contact="RESPONDED")
            rows.append(row)
    return rows


def _csv(rows: list[dict[str, str]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def import_surveys(project: Path, config: Config, roster_path: Path, exports: list[Path], key_path: Path,
                   out: Path, codes: Path | None = None, shape: str = "kobo", column_map: Path | None = None) -> int:
    """Write the input package into ``out`` (absent or empty); returns what it holds and what it left out.

    ``shape`` is how the exports are laid out (``layouts.SHAPES``); a ``mapped``
    export needs ``column_map``, the TOML file that names its columns.
    """
    if shape not in SHAPES:
        raise SurveyImportError(f"{shape!r} is not an export shape ({', '.join(SHAPES)})")
    if (shape == "mapped") != (column_map is not None):
        raise SurveyImportError("a column map goes with --format mapped, and --format mapped needs one (--map)")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise SurveyImportError(f"{out} already exists and is not empty: choose a new folder")
    if key_path.resolve().is_relative_to(out.resolve()):
        raise SurveyImportError("the key must stay outside the package: keep it out of the output folder")
    try:
        key = read_key(key_path)
    except (OSError, ValueError) as exc:
        raise SurveyImportError(f"no pseudonymisation key: {exc}") from exc
    codes = codes or project / config.data.package
    problems: list[Problem] = []
    programmes, programmes_text = _code_list(codes, "programmes", problems)
    providers, providers_text = _code_list(codes, "providers", problems)
    raise_if(problems)
    code_sets = {"programme_code": {r["programme_code"] for r in programmes},
                 "provider_code": {r["provider_code"] for r in providers}}
    sexes = {str(c) for c in schema_field("sex")["constraints"]["enum"]}
    roster = read_roster(roster_path, str(roster_path), code_sets, sexes, set(PROTOCOL_WAVES), problems)
    mapping = read_column_map(column_map, graduate_form(config.questionnaire), problems) if column_map else None
    submissions: list[Submission] = []
    early: list[int] = []   # lines of the 2-month contact, left out: its answers stay with the provider
    for path in exports:
        if mapping == {}:
            break   # the map itself is wrong: its problems are enough
        submissions += read_export(read_csv(path, str(path), problems), str(path), config.questionnaire, problems,
                                   shape, mapping, early)
    raise_if(problems)
    rows = graduate_rows(roster, submissions, key, {r["programme_code"]: r["geo"] for r in programmes}, problems)
    raise_if(problems)

    files = {"programmes.csv": programmes_text, "providers.csv": providers_text,
             "graduates.csv": _csv(rows, field_names("graduates"))}
    descriptor = {"name": "survey-import", "title": "Graduate survey (ontrack import)",
                  "description": f"{len(roster)} graduates, {len(rows)} observations from {len(exports)} exports.",
                  "resources": [{"name": name, "path": f"{name}.csv", "format": "csv", "mediatype": "text/csv",
                                 "encoding": "utf-8", "schema": table_schema(name)} for name in INPUT_RESOURCES]}
    files["datapackage.json"] = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        try:
            load_input_package(staging, staging)  # ontrack's own checks: what ontrack check would say
        except InputError as exc:
            raise InputError([Problem(f"{out.name}/{p.file}", p.row, p.field, p.code, p.message)
                              for p in exc.problems], exc.uncounted) from exc
        if out.exists():
            out.rmdir()
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ImportSummary(len(rows), len(early))
