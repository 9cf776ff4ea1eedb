"""A questionnaire as an XLSForm workbook: the ``survey``, ``choices`` and ``settings`` sheets.

XLSForm is the form format of ODK and KoBoToolbox (the spec: xlsform.org). A
label column per language is named ``label::<name> (<code>)``, as the spec
recommends, so that survey tools show the language's own name.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.xml.functions import tostring

from ..i18n import N_, Language
from ..publish.excel import repack_workbook
from .model import Form, Question

#: The same form gives the same bytes: the workbook's file times and properties carry this date, not today's.
FIXED_TIME = dt.datetime(1980, 1, 1)
SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "relevant", "constraint", "constraint_message",
                  "calculation")
TRANSLATED = ("label", "hint", "constraint_message")


def column(name: str, lang: Language) -> str:
    """``label::English (en)``: a translated column of one language."""
    return f"{name}::{lang.name} ({lang.code})"


def translate(lang: Language, message: str, params: dict | None = None) -> str:
    """A message id in ``lang``, its ``%(name)s`` placeholders filled in."""
    text = lang.gettext(message)
    return text % params if params and text else text


def number(value: float) -> str:
    """0 rather than 0.0, 100000000 rather than 1e+08."""
    return str(int(value)) if float(value).is_integer() else str(value)


def constraint(question: Question) -> tuple[str, str, dict]:
    """The XPath constraint of a number question, its message id and the message's placeholders."""
    if question.minimum is None and question.maximum is None:
        return "", "", {}
    low = number(question.minimum)
    if isinstance(question.maximum, str):
        return (f". >= {low} and . <= ${{{question.maximum}}}",
                N_("Enter a number from %(minimum)s up to the months since graduation (the survey wave)."),
                {"minimum": low})
    high = number(question.maximum)
    return f". >= {low} and . <= {high}", N_("Enter a number from %(minimum)s to %(maximum)s."), \
        {"minimum": low, "maximum": high}


def survey_rows(form: Form, languages: Sequence[Language]) -> list[dict[str, str]]:
    """One row per question, with a note row where a part of the questionnaire begins."""
    rows = []
    notes = form.part_notes()
    for question in form.questions:
        relevant = question.shown_if.xpath() if question.shown_if else ""
        if question.part:
            rows.append({"type": "note", "name": notes[question.name], "relevant": relevant,
                         **{column("label", lang): translate(lang, question.part) for lang in languages}})
        kind = f"select_one {question.choice_list}" if question.kind == "select_one" else question.kind
        check, message, params = constraint(question)
        row = {"type": kind, "name": question.name, "required": "yes" if question.required else "",
               "relevant": relevant, "constraint": check, "calculation": question.calculation}
        for lang in languages:
            row[column("label", lang)] = translate(lang, question.label)
            row[column("hint", lang)] = translate(lang, question.hint, question.hint_params)
            row[column("constraint_message", lang)] = translate(lang, message, params)
        rows.append(row)
    return rows


def choice_rows(form: Form, languages: Sequence[Language]) -> list[dict[str, str]]:
    """Every choice list once, in the order the questions first use them."""
    rows, seen = [], set()
    for question in form.questions:
        if question.kind != "select_one" or question.choice_list in seen:
            continue
        seen.add(question.choice_list)
        for choice in question.choices:
            rows.append({"list_name": question.choice_list, "name": choice.code,
                         **{column("label", lang): translate(lang, choice.label, choice.params)
                            for lang in languages}})
    return rows


def settings_row(form: Form, languages: Sequence[Language]) -> dict[str, str]:
    first = languages[0]
    return {"form_title": translate(first, form.title), "form_id": form.form_id, "version": form.version,
            "default_language": f"{first.name} ({first.code})"}


def _sheet(workbook: Workbook, title: str, columns: list[str], rows: list[dict[str, str]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(name, "") or None for name in columns])


def xlsform_bytes(form: Form, languages: Sequence[Language]) -> bytes:
    """The XLSForm workbook of ``form`` with labels in every language, as the bytes of an .xlsx file."""
    translated = [column(name, lang) for name in TRANSLATED for lang in languages]
    survey_columns = [c for c in SURVEY_COLUMNS if c not in TRANSLATED]
    survey_columns[2:2] = translated
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "survey", survey_columns, survey_rows(form, languages))
    _sheet(workbook, "choices", ["list_name", "name", *(column("label", lang) for lang in languages)],
           choice_rows(form, languages))
    _sheet(workbook, "settings", ["form_title", "form_id", "version", "default_language"],
           [settings_row(form, languages)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    props = workbook.properties
    props.created = props.modified = FIXED_TIME
    props.creator, props.lastModifiedBy, props.title = "ontrack", None, translate(languages[0], form.title)
    return repack_workbook(buffer.getvalue(), FIXED_TIME, tostring(props.to_tree()))
