"""How the columns and answers of each export shape stand for the questions of the form.

Three shapes are read:

- ``kobo``: KoBoToolbox or ODK Central CSV with the form's XML names as
  headers and its answer codes as values ("XML values and headers").
- ``limesurvey``: LimeSurvey's CSV export with "Question code" headings and
  "Answer codes" as responses. LimeSurvey allows only letters and digits in a
  question code and at most five characters in an answer code, so a question
  is found by its name without ``_`` (``work_last_week`` -> ``worklastweek``)
  and an answer by the chapter's answer number (``1`` for ``EMPLOYEE``); the
  codebook that ``ontrack questionnaire`` writes lists both.
- ``mapped``: any other CSV, with a small TOML file that says which column
  holds which question and, where the export's answers are its own, what
  each one stands for.

A layout only translates; every answer is checked against the form
afterwards, the same way for every shape.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem
from ..questionnaire.model import Form

SHAPES = ("kobo", "limesurvey", "mapped")

#: Columns KoBoToolbox and ODK Central add of their own: submission ids, times, device, review state.
KOBO_TOOL_COLUMNS = frozenset({"start", "end", "today", "deviceid", "instanceID", "instanceName", "SubmissionDate",
                               "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
                               "Status", "ReviewState", "DeviceID", "Edits", "FormVersion", "audit"})
#: Columns of every LimeSurvey response export: the response's id, dates, last page, language, random seed.
LIMESURVEY_TOOL_COLUMNS = frozenset({"id", "submitdate", "lastpage", "startlanguage", "seed", "startdate",
                                     "datestamp", "refurl", "interviewtime"})
#: LimeSurvey's timing columns ("Save timings"): groupTime1234, worklastweekTime.
LIMESURVEY_TIMING = re.compile(r"groupTime\d+|\w+Time")
#: Columns that say who someone is. The import refuses them even where it would not read them, so that the
#: export is made without them (in LimeSurvey: the survey's "Save IP address" off).
IDENTIFYING = re.compile(r"(?i)^(ipaddr|ip_?address|e-?mail|email|phone|telephone|mobile|firstname|lastname|"
                         r"first_name|last_name|full_?name|name|address|birth_?date|date_of_birth|dob)$")


@dataclass(frozen=True)
class Layout:
    """An export's columns by question name, and how to read its answers."""

    shape: str
    file: str
    question_of: dict[str, str]                 # header -> the form's question name
    answers: dict[str, dict[str, str]] = field(default_factory=dict)   # question -> {export's answer: form code}
    short_codes: bool = False                   # answers are the chapter's numbers (LimeSurvey)
    either_code: bool = False                   # answers may be the form's code or the chapter's number

    def code(self, form: Form, name: str, answer: str) -> str | None:
        """The form's code of an answer to a choice question, or None when the answer is not one of them."""
        question = form.question(name)
        answer = self.answers.get(name, {}).get(answer, answer)
        for choice in question.choices:
            if self.either_code and answer in (choice.code, choice.short_code):
                return choice.code
            if answer == (choice.short_code if self.short_codes else choice.code):
                return choice.code
        return None


def _refuse(problems: list[Problem], file: str, header: str, why: str) -> None:
    problems.append(Problem(file, 1, header, "extra-column", why))


def _not_a_question(form: Form) -> str:
    return f"not a question of the form {form.form_id}: refused (free text and identifiers stay out of the input)"


def kobo_layout(headers: list[str], form: Form, file: str, problems: list[Problem]) -> Layout:
    """KoBoToolbox / ODK: XML names, group paths stripped (``part_a/work_last_week``), the tool's columns dropped."""
    question_of = {}
    for header in headers:
        name = header.rsplit("/", 1)[-1]
        if name in form.field_names():
            question_of[header] = name
        elif IDENTIFYING.match(name):
            _refuse(problems, file, header, "identifies a person: export without it")
        elif not (name.startswith("_") or name in KOBO_TOOL_COLUMNS):
            _refuse(problems, file, header, _not_a_question(form))
    return Layout("kobo", file, question_of)


def limesurvey_layout(headers: list[str], form: Form, file: str, problems: list[Problem]) -> Layout:
    """LimeSurvey: question codes (names without ``_``); the participant's ``token`` as the graduate code."""
    by_code = {q.short_name.lower(): q.name for q in form.questions}
    question_of = {}
    for header in headers:
        name = by_code.get(header.lower())
        if name:
            question_of[header] = name
        elif IDENTIFYING.match(header):
            _refuse(problems, file, header, "identifies a person: switch off “Save IP address” in the survey's "
                    "settings and export without it")
        elif header == "token":
            continue    # taken below when the survey has no graduate code question of its own
        elif not (header in LIMESURVEY_TOOL_COLUMNS or LIMESURVEY_TIMING.fullmatch(header)):
            _refuse(problems, file, header, _not_a_question(form) + "; export with “Question code” headings")
    if "graduate_id" not in question_of.values() and "token" in headers:
        question_of["token"] = "graduate_id"
    return Layout("limesurvey", file, question_of, short_codes=True)


def read_column_map(path: Path, form: Form, problems: list[Problem]) -> dict:
    """The TOML column map of a ``mapped`` export, checked against the form; {} after a problem."""
    file = str(path)
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        problems.append(Problem(file, None, None, "unreadable", f"cannot be read as TOML: {exc}"))
        return {}
    here = len(problems)
    for key in sorted(set(config) - {"columns", "answers", "ignore"}):
        problems.append(Problem(file, None, key, "unknown-key", "not a key of a column map (columns, answers, "
                                "ignore)"))
    columns, answers, ignore = config.get("columns", {}), config.get("answers", {}), config.get("ignore", [])
    names = {q.name for q in form.questions if q.kind != "note"}
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        problems.append(Problem(file, None, "columns", "type", "must be a table of question = \"column\""))
        columns = {}
    for name in sorted(set(columns) - names):
        problems.append(Problem(file, None, f"columns.{name}", "unknown-question",
                                f"not a question of the form {form.form_id}"))
    if not isinstance(answers, dict):
        problems.append(Problem(file, None, "answers", "type", "must hold a table per question"))
        answers = {}
    for name, table in sorted(answers.items()):
        question = next((q for q in form.questions if q.name == name), None)
        if question is None or question.kind != "select_one":
            problems.append(Problem(file, None, f"answers.{name}", "unknown-question",
                                    f"not a choice question of the form {form.form_id}"))
            continue
        if not isinstance(table, dict):
            problems.append(Problem(file, None, f"answers.{name}", "type", "must be a table of \"answer\" = \"code\""))
            continue
        for answer, code in sorted(table.items()):
            if question.code_of(str(code)) is None:
                problems.append(Problem(file, None, f"answers.{name}.{answer}", "enum",
                                        f"{code!r} is not one of the form's answers "
                                        f"({', '.join(c.code for c in question.choices)})"))
    if not isinstance(ignore, list) or not all(isinstance(v, str) for v in ignore):
        problems.append(Problem(file, None, "ignore", "type", "must be a list of column names"))
        ignore = []
    for column in ignore:
        if IDENTIFYING.match(column):
            problems.append(Problem(file, None, "ignore", "identifier", f"{column!r} identifies a person: "
                                    "export without it rather than ignore it"))
    if len(problems) > here:
        return {}
    return {"columns": columns, "answers": {k: {str(a): str(c) for a, c in v.items()} for k, v in answers.items()},
            "ignore": ignore, "file": file}


def mapped_layout(headers: list[str], form: Form, file: str, problems: list[Problem], column_map: dict) -> Layout:
    """A plain CSV read through its column map: every column mapped or ignored by name, nothing else."""
    question_of = {}
    by_column = {column: name for name, column in column_map["columns"].items()}
    for header in headers:
        if header in by_column:
            question_of[header] = by_column[header]
        elif header not in column_map["ignore"]:
            _refuse(problems, file, header, f"neither mapped nor ignored in {column_map['file']}: refused (free text "
                    "and identifiers stay out of the input)")
    for name, column in sorted(column_map["columns"].items()):
        if column not in headers:
            problems.append(Problem(column_map["file"], None, f"columns.{name}", "missing-column",
                                    f"the export {file} has no column {column!r}"))
    return Layout("mapped", file, question_of, answers=column_map["answers"], either_code=True)
