"""A questionnaire as a printable document: one self-contained HTML file per language.

For providers without a survey tool: it prints from any browser, and word
processors (LibreOffice, Word) open it for editing. It is made from the same
model as the XLSForm, so its routing and answer codes are the form's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.lists import format_list

from ..i18n import N_, Language
from ..render import template_environment
from .model import Condition, Form
from .xlsform import constraint, translate

TEMPLATE = "questionnaire/print.html"


@dataclass(frozen=True)
class PrintedQuestion:
    number: str                 # the chapter's number; "" for a field filled in, not asked
    name: str
    label: str
    hint: str
    condition: str              # who answers it, in words ("" for everyone)
    choices: tuple[tuple[str, str], ...]   # (code, label)
    answer: str                 # for a number: the range in words; "" otherwise
    part: str


def condition_text(form: Form, condition: Condition | None, lang: Language) -> str:
    """``Answer only if question 1 is “No”.``: the routing of the form, in words."""
    if condition is None:
        return ""
    if condition.more_than_zero:
        return translate(lang, N_("Answer only if the answer to question %(n)s is more than 0."),
                         {"n": form.number(condition.more_than_zero)})
    cases = []
    for name, codes in condition.any_of:
        labels = {c.code: c for c in form.question(name).choices}
        for code in codes:
            choice = labels[code]
            cases.append(translate(lang, N_("question %(n)s is “%(answer)s”"),
                                   {"n": form.number(name), "answer": translate(lang, choice.label, choice.params)}))
    return translate(lang, N_("Answer only if %(cases)s."),
                     {"cases": format_list(cases, style="or", locale=lang.locale)})


def printed_questions(form: Form, lang: Language) -> list[PrintedQuestion]:
    """The questions a person reads (not the calculations), numbered, in ``lang``."""
    printed = []
    for question in form.questions:
        if question.kind in ("note", "calculate"):
            continue
        _, message, params = constraint(question)
        printed.append(PrintedQuestion(
            number=form.number(question.name), name=question.name, label=translate(lang, question.label),
            hint=translate(lang, question.hint, question.hint_params),
            condition=condition_text(form, question.shown_if, lang),
            choices=tuple((c.code, translate(lang, c.label, c.params)) for c in question.choices),
            answer=translate(lang, message, params), part=translate(lang, question.part)))
    return printed


def _notes(form: Form, lang: Language) -> list[str]:
    return [translate(lang, q.label) for q in form.questions if q.kind == "note"]


def printable_html(form: Form, lang: Language, project: Path | None = None) -> str:
    """The printable questionnaire in ``lang`` (the project's own template first, if it has one)."""
    env = template_environment(project, lang)
    return env.get_template(TEMPLATE).render(
        title=translate(lang, form.title), form=form, notes=_notes(form, lang),
        questions=printed_questions(form, lang))


