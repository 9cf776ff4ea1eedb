"""The maintainers' catalogue tool: the message template and the catalogues made from it.

``ontrack catalogue extract`` gathers every interface message (the code's
gettext calls and ``N_`` marks, the built-in templates, the code lists'
labels, the indicator definitions and the suppression reasons) into
``generator/locale/messages.pot``. ``ontrack catalogue update`` merges that
template into every catalogue, and ``ontrack catalogue init LANG`` starts a new
one: in a project's own ``locale/`` folder, or with ``--builtin`` among the
catalogues that ship with ontrack. Reading catalogues at build time is
``generator.i18n``'s job; this module is only run by hand.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from .codelists import isced_fields, nace_sections
from .disclosure import REASONS
from .errors import InputError, Problem
from .i18n import LOCALE_DIR, POT, PROJECT_LOCALE, SOURCE_LANGUAGE, catalogue_path
from .definitions import DEFINITIONS

#: Where message ids are found: the code (gettext keywords and N_) and the built-in templates.
_METHODS = [("generator", ("**.py", "python")), ("templates", ("**.html", "jinja2"))]
_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
#: The source tree the template is extracted from: the package and the templates beside it.
SOURCE_ROOT = LOCALE_DIR.parent.parent


def extract() -> Catalog:
    """Every interface message: from the code, the templates and the code lists' labels."""
    catalog = Catalog(project="ontrack", msgid_bugs_address="", charset="utf-8")
    for folder, method in _METHODS:
        found = extract_from_dir(SOURCE_ROOT / folder, [method],
                                 options_map={"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}},
                                 keywords=_KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True)
        for filename, lineno, message, comments, context in found:
            catalog.add(message, None, [(f"{folder}/{filename}", lineno)], auto_comments=comments, context=context)
    # Words that live in data rather than in code: code-list labels, indicator definitions, suppression reasons.
    words = [("generator/codelists", f.label) for f in isced_fields().values()]
    words += [("generator/codelists", s.label) for s in nace_sections().values()]
    words += [("generator/indicators.py", text) for d in DEFINITIONS.values()
              for text in (d.label, d.numerator, d.denominator, d.unit)]
    words += [("generator/disclosure.py", text) for text in REASONS.values()]
    for where, text in words:
        catalog.add(text, None, [(where, 0)])
    return catalog


def write_template() -> Path:
    """Write the template, ``messages.pot``, from the source tree; refused where there is none (a wheel)."""
    if not (SOURCE_ROOT / "templates").is_dir():
        raise InputError([Problem(str(SOURCE_ROOT), None, None, "no-source-tree",
                                  "the message template is extracted from ontrack's source tree (its templates/ "
                                  "beside generator/), which an installed copy does not have")])
    _write(extract(), POT)
    return POT


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_po(out, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)


def untranslated(code: str, folder: Path = LOCALE_DIR) -> list[str]:
    """Message ids of the template that ``code``'s catalogue in ``folder`` lacks or marks fuzzy."""
    with POT.open("rb") as pot, catalogue_path(code, folder).open("rb") as po:
        template, catalog = read_po(pot), read_po(po, locale=code)
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        strings = found.string if found else None
        texts = strings if isinstance(strings, (list, tuple)) else [strings]
        if found is None or found.fuzzy or not all(texts):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def catalogue_folder(project: Path | None) -> Path:
    """The catalogues of the project folder ``project`` (its locale/), or the built-in ones for None."""
    return LOCALE_DIR if project is None else project / PROJECT_LOCALE


def languages_in(folder: Path) -> list[str]:
    """The languages that have a catalogue in ``folder``."""
    return sorted(p.parent.parent.name for p in folder.glob("*/LC_MESSAGES/messages.po"))


def _merged(code: str, folder: Path) -> Path:
    """Merge the template into ``code``'s catalogue in ``folder`` (made when absent); its path."""
    with POT.open("rb") as pot:
        template = read_po(pot)
    path = catalogue_path(code, folder)
    catalog = Catalog(locale=code, project="ontrack")
    if path.exists():
        with path.open("rb") as po:
            catalog = read_po(po, locale=code)
    catalog.update(template, no_fuzzy_matching=True)
    _write(catalog, path)
    return path


def init(code: str, folder: Path) -> Path:
    """Start the catalogue of ``code`` in ``folder``, every message still to translate."""
    try:
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        raise InputError([Problem(code, None, None, "unknown-locale", "is not a locale Babel knows")]) from None
    path = catalogue_path(code, folder)
    if code == SOURCE_LANGUAGE:
        raise InputError([Problem(code, None, None, "source-language",
                                  "is the language the messages are written in: it needs no catalogue")])
    if path.exists():
        raise InputError([Problem(str(path), None, None, "catalogue-exists", "exists already; use update")])
    return _merged(code, folder)


def update(folder: Path) -> list[Path]:
    """Merge the template into every catalogue in ``folder``."""
    return [_merged(code, folder) for code in languages_in(folder)]
