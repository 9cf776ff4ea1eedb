"""Survey exports: the rows of an export, each answer checked against the form and mapped to ontrack's fields.

The allowed answers are the form's own (``questionnaire.model``), so the codes
in the data are those the questionnaire offered, and nothing else; how an
export's columns and answers stand for the questions is its layout
(``layouts``). The labour-market status is worked out from part A's answers
by the form's own rule; an export that carries the form's calculation too
(KoBoToolbox, ODK) must agree with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import QuestionnaireOptions
from ..errors import Problem
from ..questionnaire.model import (DONT_KNOW_CODE, EARLY_WAVE, Condition, Form, Question, graduate_form,
                                   ilo_status)
from .layouts import Layout, kobo_layout, limesurvey_layout, mapped_layout

#: Input fields that the form's answers fill.
ANSWER_FIELDS = ("lm_status", "in_education", "employment_type", "work_regime", "nace_section", "job_related",
                 "months_employed", "earnings_month", "currency", "sex")
#: What every export must hold, whatever its shape: who, which wave, and part A's first question.
REQUIRED = ("graduate_id", "months_after", "work_last_week")


@dataclass(frozen=True)
class Submission:
    file: str
    line: int
    graduate_id: str
    months_after: int
    answers: dict[str, str]     # input field -> value ("" when not answered)
    id_column: str = "graduate_id"  # the export's column that holds the graduate code (LimeSurvey: token)


def _number(text: str, integer: bool) -> float | None:
    if integer:
        return int(text) if re.fullmatch(r"-?\d+", text) else None
    try:
        return float(text)
    except ValueError:
        return None


def _out_of_range(question: Question, value: str, wave: int | None) -> str | None:
    """Why ``value`` is not a number this question allows, or None."""
    number = _number(value, question.kind == "integer")
    if number is None:
        return f"{value!r} is not a {'whole ' if question.kind == 'integer' else ''}number"
    high = wave if isinstance(question.maximum, str) else question.maximum
    if (question.minimum is not None and number < question.minimum) or (high is not None and number > high):
        return f"{value} is outside {question.minimum:g} to {high:g}"
    return None


def holds(condition: Condition | None, answers: dict[str, str]) -> bool:
    """Whether the form would ask a question with this condition, given the (form-coded) answers."""
    if condition is None:
        return True
    if condition.more_than_zero:
        return (_number(answers.get(condition.more_than_zero, ""), True) or 0) > 0
    return any(answers.get(name) in codes for name, codes in condition.any_of)


def layout_of(shape: str, headers: list[str], form: Form, file: str, problems: list[Problem],
              column_map: dict | None = None) -> Layout:
    if shape == "limesurvey":
        return limesurvey_layout(headers, form, file, problems)
    if shape == "mapped":
        return mapped_layout(headers, form, file, problems, column_map or {})
    return kobo_layout(headers, form, file, problems)


def read_export(rows: list[dict[str, str]], file: str, options: QuestionnaireOptions, problems: list[Problem],
                shape: str = "kobo", column_map: dict | None = None,
                early: list[int] | None = None) -> list[Submission]:
    """The submissions of one export, each answer checked against the form; the early wave's left out (their
    lines go into ``early``)."""
    form: Form = graduate_form(options)
    if not rows:
        problems.append(Problem(file, None, None, "empty", "the export has no submissions"))
        return []
    here = len(problems)
    layout = layout_of(shape, list(rows[0]), form, file, problems, column_map)
    present = set(layout.question_of.values())
    for name in REQUIRED:
        if name not in present:
            problems.append(Problem(file, 1, name, "missing-column", {
                "kobo": "the export needs this column: export with the form's XML names as headers",
                "limesurvey": f"the export needs the question code {form.question(name).short_name}"
                              + (" (or the participants' token)" if name == "graduate_id" else ""),
                "mapped": "the column map names no column for it"}[shape]))
    if len(problems) > here:
        return []
    column_of = {name: header for header, name in layout.question_of.items()}
    submissions = []
    for line, raw in enumerate(rows, start=2):
        here = len(problems)
        submission = _submission(form, options, layout, column_of, raw, line, problems)
        if submission is None and len(problems) == here and early is not None:
            early.append(line)
        if submission is not None and len(problems) == here:
            submissions.append(submission)
    return submissions


def _submission(form: Form, options: QuestionnaireOptions, layout: Layout, column_of: dict[str, str],
                raw: dict[str, str], line: int, problems: list[Problem]) -> Submission | None:
    """One row's answers in the form's codes, every problem with the export's own column; None for the early wave."""
    file = layout.file
    text = {name: (raw.get(header) or "").strip() for name, header in column_of.items()}

    def problem(name: str, code: str, message: str) -> None:
        problems.append(Problem(file, line, column_of.get(name, name), code, message))

    for name, expected in (("form_id", form.form_id), ("form_version", form.version)):
        if name in text and text[name] != expected:
            problem(name, "form", f"{text[name]!r} is not this questionnaire's {name.replace('_', ' ')} "
                    f"{expected!r} (site.toml [questionnaire])")
    wave = _number(text["months_after"], True)
    if wave == EARLY_WAVE and options.early_wave:
        return None  # the early contact stays with the provider
    months = layout.code(form, "months_after", text["months_after"])
    if months is None:
        problem("months_after", "wave", f"{text['months_after']!r} is not one of the form's answers "
                f"({', '.join(c.code for c in form.question('months_after').choices)}): a wave outside the protocol")
        wave = None
    if not text["graduate_id"]:
        problem("graduate_id", "required", "is empty")
    answers: dict[str, str] = {}
    for question in form.questions:
        value = text.get(question.name, "")
        if question.kind in ("note", "calculate", "text") or question.name == "months_after" or not value:
            continue
        if question.kind == "select_one":
            code = layout.code(form, question.name, value)
            if code is None:
                codes = [c.short_code if layout.short_codes else c.code for c in question.choices]
                problem(question.name, "answer", f"{value!r} is not one of the form's answers ({', '.join(codes)})")
                continue
            answers[question.name] = code
        else:
            why = _out_of_range(question, value, wave)
            if why:
                problem(question.name, "answer", why)
                continue
            answers[question.name] = value
    for question in form.questions:
        if question.name in answers and not holds(question.shown_if, answers):
            problem(question.name, "routing", f"answered, but the form does not ask question {question.number} "
                    "of this graduate (see its routing)")
    status = ilo_status(answers)
    if text.get("lm_status") and text["lm_status"] != status:
        problem("lm_status", "calculation", f"{text['lm_status']!r}, but the answers to questions 1 to 4 give "
                f"{status!r}: the export is not of this form")
    currency = options.currency if answers.get("earnings_month") else ""
    if text.get("currency") and text["currency"] != currency:
        problem("currency", "currency", f"{text['currency']!r} is not the questionnaire's currency "
                f"{options.currency!r} (site.toml [questionnaire])")
    if wave is None or not text["graduate_id"]:
        return None
    # "Don't know" (9) leaves the field empty; a number 9 (months in work) is a number.
    chosen = {q.name for q in form.questions if q.kind == "select_one"}
    fields = {name: "" if name in chosen and answers.get(name) == DONT_KNOW_CODE else answers.get(name, "")
              for name in ANSWER_FIELDS}
    fields.update(lm_status=status, currency=currency)
    return Submission(file, line, text["graduate_id"], int(wave), fields, column_of["graduate_id"])
