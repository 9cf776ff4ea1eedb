"""Survey exports: the rows of a KoBoToolbox or ODK CSV export, checked and mapped to ontrack's fields.

The export must have XML names as headers ("XML values and headers" in
KoBoToolbox; ODK Central's CSV has them). The allowed answers are the form's
own (``questionnaire.model``), so the codes in the data are those the
questionnaire offered, and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import QuestionnaireOptions
from ..errors import Problem
from ..questionnaire.model import EARLY_WAVE, EMPLOYED, Form, Question, graduate_form, schema_field

#: Columns the survey tools add of their own: submission ids, times, device, review state. Not answers.
TOOL_COLUMNS = frozenset({"start", "end", "today", "deviceid", "instanceID", "instanceName", "SubmissionDate",
                          "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
                          "Status", "ReviewState", "DeviceID", "Edits", "FormVersion", "audit"})
#: Input fields that the form's answers fill, as they are.
ANSWER_FIELDS = ("lm_status", "in_education", "employment_type", "work_regime", "nace_section", "job_related",
                 "months_employed", "earnings_month", "currency", "sex")


@dataclass(frozen=True)
class Submission:
    file: str
    line: int
    graduate_id: str
    months_after: int
    answers: dict[str, str]     # input field -> value ("" when not answered)


def column_name(header: str) -> str:
    """``group_a/work_last_week`` -> ``work_last_week``; ``meta/instanceID`` -> ``instanceID``."""
    return header.rsplit("/", 1)[-1]


def is_tool_column(name: str) -> bool:
    return name.startswith("_") or name in TOOL_COLUMNS


def _number(text: str, integer: bool) -> float | None:
    if integer:
        return int(text) if re.fullmatch(r"-?\d+", text) else None
    try:
        return float(text)
    except ValueError:
        return None


def _check_answer(question: Question, value: str, wave: int | None) -> str | None:
    """Why ``value`` is not an answer this question allows, or None."""
    if question.kind == "select_one":
        codes = [c.code for c in question.choices]
        return None if value in codes else f"{value!r} is not one of the form's answers ({', '.join(codes)})"
    if question.kind in ("integer", "decimal"):
        number = _number(value, question.kind == "integer")
        if number is None:
            return f"{value!r} is not a {'whole ' if question.kind == 'integer' else ''}number"
        high = wave if isinstance(question.maximum, str) else question.maximum
        if (question.minimum is not None and number < question.minimum) or (high is not None and number > high):
            return f"{value} is outside {question.minimum:g} to {high:g}"
    return None


def read_export(rows: list[dict[str, str]], file: str, options: QuestionnaireOptions,
                problems: list[Problem]) -> list[Submission]:
    """The submissions of one export, each answer checked against the form; the early wave's left out."""
    form: Form = graduate_form(options)
    questions = {q.name: q for q in form.questions}
    if not rows:
        problems.append(Problem(file, None, None, "empty", "the export has no submissions"))
        return []
    names = {header: column_name(header) for header in rows[0]}
    for header, name in names.items():
        if name not in form.field_names() and not is_tool_column(name):
            problems.append(Problem(file, 1, header, "extra-column",
                                    f"not a question of the form {form.form_id}: refused (free text and "
                                    "identifiers stay out of the input)"))
    for name in ("form_id", "form_version", "graduate_id", "months_after", "lm_status"):
        if name not in names.values():
            problems.append(Problem(file, 1, name, "missing-column", "the export needs this column: export "
                                    "with the form's XML names as headers"))
    if problems:
        return []
    lm_codes = [str(c) for c in schema_field("lm_status")["constraints"]["enum"]]
    submissions = []
    for line, raw in enumerate(rows, start=2):
        row = {names[h]: (v or "").strip() for h, v in raw.items() if h is not None and names[h] in questions}
        here = len(problems)
        for name, expected in (("form_id", form.form_id), ("form_version", form.version)):
            if row[name] != expected:
                problems.append(Problem(file, line, name, "form", f"{row[name]!r} is not this questionnaire's "
                                        f"{name.replace('_', ' ')} {expected!r} (site.toml [questionnaire])"))
        wave = _number(row["months_after"], True)
        if wave == EARLY_WAVE and options.early_wave:
            continue  # the early contact stays with the provider
        why = _check_answer(questions["months_after"], row["months_after"], None)
        if why:
            problems.append(Problem(file, line, "months_after", "wave", why + ": a wave outside the protocol"))
        if not row["graduate_id"]:
            problems.append(Problem(file, line, "graduate_id", "required", "is empty"))
        if row["lm_status"] not in lm_codes:
            problems.append(Problem(file, line, "lm_status", "enum", f"{row['lm_status']!r} is not one of "
                                    f"{', '.join(lm_codes)}"))
        for name in ANSWER_FIELDS:
            question = questions.get(name)
            value = row.get(name, "")
            if value and question is not None and question.kind != "calculate":
                why = _check_answer(question, value, wave)
                if why:
                    problems.append(Problem(file, line, name, "answer", why))
                elif question.shown_if == EMPLOYED and row["lm_status"] != "EMP":
                    problems.append(Problem(file, line, name, "routing", "answered, but the graduate is not "
                                            "employed: the form asks this of the employed only"))
        if len(problems) == here:
            submissions.append(Submission(file, line, row["graduate_id"], int(wave),
                                          {name: row.get(name, "") for name in ANSWER_FIELDS}))
    return submissions
