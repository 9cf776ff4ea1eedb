"""``ontrack questionnaire``: the guide's core questionnaire as an XLSForm, an XForm, a codebook and a printable page.

The forms are made from ``model`` with the modules that ``[questionnaire]`` in
site.toml switches on, in every language of the site, and converted with
pyxform (the XLSForm reference implementation) before anything is written, so
a form that pyxform refuses is never handed to a provider.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pyxform.errors import PyXFormError
from pyxform.validators.odk_validate import ODKValidateError
from pyxform.xls2xform import convert

from ..config import Config
from ..errors import OntrackError
from ..i18n import project_locale, site_languages
from .codebook import codebook_csv
from .model import Form, employer_form, graduate_form
from .printable import printable_html
from .xlsform import xlsform_bytes


class QuestionnaireError(OntrackError):
    """A form could not be made or written."""

    code = "questionnaire"


def forms(config: Config) -> list[Form]:
    """The graduate questionnaire, and the employer questionnaire when its module is on."""
    options = config.questionnaire
    return [graduate_form(options)] + ([employer_form(options)] if options.employer_survey else [])


def xform(workbook: bytes, *, odk_validate: bool = False) -> str:
    """The ODK XForm of an XLSForm workbook, by pyxform; with ``odk_validate``, checked by ODK Validate (Java)."""
    return convert(workbook, file_type=".xlsx", validate=odk_validate, pretty_print=True).xform


def questionnaire_files(project: Path, config: Config, *, odk_validate: bool = False) -> dict[str, bytes]:
    """Every file of the questionnaire by name: per form an XLSForm, its XForm and a printable page a language."""
    languages = site_languages(config.site.languages, project_locale(project))
    files: dict[str, bytes] = {}
    for form in forms(config):
        workbook = xlsform_bytes(form, languages)
        try:
            files[f"{form.form_id}.xml"] = xform(workbook, odk_validate=odk_validate).encode("utf-8")
        except (PyXFormError, ODKValidateError) as exc:
            raise QuestionnaireError(f"the form {form.form_id} does not convert to an XForm: {exc}") from exc
        except OSError as exc:  # pyxform's words when Java, which ODK Validate needs, is missing
            raise QuestionnaireError(f"ODK Validate could not run: {exc}") from exc
        files[f"{form.form_id}.xlsx"] = workbook
        files[f"{form.form_id}.codebook.csv"] = codebook_csv(form, languages[0]).encode("utf-8")
        for lang in languages:
            files[f"{form.form_id}.{lang.code}.html"] = printable_html(form, lang, project).encode("utf-8")
    return files


def write_questionnaire(project: Path, config: Config, out: Path, *, odk_validate: bool = False) -> list[Path]:
    """Make every file first, then write each into ``out`` atomically; returns the paths written, sorted."""
    files = questionnaire_files(project, config, odk_validate=odk_validate)
    if out.exists() and not out.is_dir():
        raise QuestionnaireError(f"{out} is a file, not a folder")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in sorted(files):
        # A file is replaced in one rename: a reader never sees half a form.
        handle, staged = tempfile.mkstemp(dir=out, prefix=f".{name}.")
        with os.fdopen(handle, "wb") as staging:
            staging.write(files[name])
        os.chmod(staged, 0o644)
        os.replace(staged, out / name)
        written.append(out / name)
    return written
