"""One cohort's tracking calendar as a spreadsheet: each step with its month and the ontrack command it needs.

The steps follow the guide's protocol (chapter 4) and its calendar template
(chapter 11): contact details before graduation, the roster frozen at
graduation, a wave at each observation point, the import after each wave, the
build once the last wave is in, and the key destroyed at the end. Graduation
in June is assumed, as in chapter 11; a provider shifts the months in the
spreadsheet.
"""

from __future__ import annotations

import csv
import io

from ..config import QuestionnaireOptions
from .model import EARLY_WAVE, PROTOCOL_WAVES

COLUMNS = ("month", "cohort_year", "months_after_graduation", "step", "command")
GRADUATION_MONTH = 6


def _month(cohort_year: int, offset: int) -> str:
    index = cohort_year * 12 + GRADUATION_MONTH - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def calendar_rows(cohort_year: int, options: QuestionnaireOptions) -> list[dict[str, str]]:
    """The steps of one cohort, in order."""
    data = f"datasets/{cohort_year}"
    steps: list[tuple[int, str, str]] = [
        (-2, "Give final-year students the privacy notice; collect a private e-mail address and phone number", ""),
        (-1, "Write the questionnaire and put it in your survey tool",
         "ontrack questionnaire . --out forms --odk-validate"),
        (0, "Graduation: freeze the roster (graduate_id, programme_code, provider_code, cohort_year, sex)", ""),
        (0, "Make the pseudonymisation key; keep it outside the project and its backups",
         "python3 -c \"import secrets; print(secrets.token_hex(32))\" > ~/tracking.key"),
    ]
    if options.early_wave:
        steps.append((EARLY_WAVE, f"Early contact at {EARLY_WAVE} months: the answers stay with you", ""))
    exports: list[str] = []
    for months in PROTOCOL_WAVES:
        exports.append(f"--export wave{months}.csv")
        steps += [
            (months - 1, f"Pre-notify the graduates: the {months}-month survey arrives next month", ""),
            (months, f"Open the {months}-month wave for four weeks; reminders; phone follow-up", ""),
            (months + 1, f"Close the {months}-month wave; export it as CSV (wave{months}.csv); import every wave "
                         "so far into a new folder and check it",
             f"ontrack import . --roster roster.csv {' '.join(exports)} --key ~/tracking.key "
             f"--out {data}-{months}m && ontrack check . --data {data}-{months}m"),
        ]
    last = PROTOCOL_WAVES[-1]
    steps += [
        (last + 2, "Build the site from the complete import and publish it", f"ontrack build . --data {data}-{last}m"),
        (last + 3, "Destroy the pseudonymisation key once the last linkage is done; delete the contact list", ""),
    ]
    return [{"month": _month(cohort_year, offset), "cohort_year": str(cohort_year),
             "months_after_graduation": str(offset), "step": step, "command": command}
            for offset, step, command in sorted(steps, key=lambda s: s[0])]


def calendar_csv(cohort_year: int, options: QuestionnaireOptions) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(calendar_rows(cohort_year, options))
    return out.getvalue()
