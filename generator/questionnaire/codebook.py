"""A questionnaire's codebook: every question and answer with the codes each kind of export uses.

For a survey tool other than KoBoToolbox or ODK. In LimeSurvey, give each
question the code in ``limesurvey_question`` and each answer the code in
``limesurvey_answer`` (LimeSurvey allows letters and digits only, and answer
codes of at most five characters); ``ontrack import --format limesurvey``
reads them back. A provider keying in paper forms may type either code.
"""

from __future__ import annotations

import csv
import io

from ..i18n import Language
from .model import Form
from .xlsform import translate

COLUMNS = ("number", "question", "limesurvey_question", "answer", "limesurvey_answer", "label", "asked_if")


def codebook_rows(form: Form, lang: Language) -> list[dict[str, str]]:
    """One row per answer of a choice question, one per other question (calculations included, notes not)."""
    rows = []
    for question in form.questions:
        if question.kind == "note":
            continue
        base = {"number": question.number, "question": question.name, "limesurvey_question": question.short_name,
                "asked_if": question.shown_if.xpath() if question.shown_if else "",
                "label": translate(lang, question.label) if question.label else question.calculation}
        if not question.choices:
            rows.append(base)
        for choice in question.choices:
            rows.append({**base, "answer": choice.code, "limesurvey_answer": choice.short_code,
                         "label": translate(lang, choice.label, choice.params)})
    return rows


def codebook_csv(form: Form, lang: Language) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(codebook_rows(form, lang))
    return out.getvalue()
