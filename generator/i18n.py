"""Languages: gettext catalogues for the interface, Babel for numbers, dates and country names.

Interface strings are English message ids in the templates and the code. Each
other language has a catalogue, ``generator/locale/<lang>/LC_MESSAGES/messages.po``,
read at build time (compiled in memory, so there is no separate compile step).
``python -m generator.i18n extract`` refreshes ``messages.pot`` from the
templates, the code and the code lists; ``python -m generator.i18n update``
merges it into every catalogue; ``python -m generator.i18n init LANG`` starts
a new one. Adding a language is that, translating the catalogue, and listing
the language in ``content/site.toml``.
"""

from __future__ import annotations

import io
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.lists import format_list
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.numbers import NumberPattern, parse_pattern
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
POT = LOCALE_DIR / "messages.pot"
#: The language the message ids are written in: it needs no catalogue.
SOURCE_LANGUAGE = "en"
#: What "not published" reads as in text, before translation.
NOT_PUBLISHED = "not published"


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it here (it is translated where it is shown)."""
    return message


def catalogue_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"


def available_languages() -> list[str]:
    """English and every language with a catalogue."""
    return [SOURCE_LANGUAGE] + sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"))


def language_problem(code: str) -> str | None:
    """Why ``code`` cannot be a site language, or None when it can."""
    if not isinstance(code, str) or not re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", code):
        return f"{code!r} is not a language code such as 'en' or 'nl'"
    if code != SOURCE_LANGUAGE and not catalogue_path(code).is_file():
        return (f"no catalogue for {code!r}: run 'python -m generator.i18n init {code}' and translate "
                f"{catalogue_path(code).relative_to(LOCALE_DIR.parent.parent)}")
    return None


@cache
def _translations(code: str) -> NullTranslations:
    if code == SOURCE_LANGUAGE:
        return NullTranslations()
    with catalogue_path(code).open("rb") as po:
        catalog = read_po(po, locale=code)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled)


# Formatting runs for every figure of every page: the locale and the parsed number patterns are made once.
@cache
def _locale(code: str) -> Locale:
    # English is written for a European readership: dates as "1 November 2026" (en_GB), not "November 1".
    return Locale.parse("en_GB" if code == SOURCE_LANGUAGE else code)


@cache
def _percent_pattern(code: str, digits: int) -> NumberPattern:
    """The locale's percent pattern with ``digits`` decimals: '#,##0.0%', '#,##0.0\u00a0%'."""
    pattern = _locale(code).percent_formats[None].pattern
    if digits:
        pattern = re.sub(r"0(?=[^0-9#]*%)", "0." + "0" * digits, pattern, count=1)
    return parse_pattern(pattern)


@cache
def _decimal_pattern(digits: int) -> NumberPattern:
    return parse_pattern("#,##0." + "0" * digits if digits else "#,##0")


def published_decimals(value: float) -> int:
    """1 for a figure with a tenth (61.2), 0 for a whole one (61.0 is shown as 61): figures are published
    to a tenth at most (``precision``), and a coarser one should not be written as if it were finer."""
    return 0 if round(value * 10) % 10 == 0 else 1


@dataclass(frozen=True)
class Language:
    """One site language: its catalogue, and Babel formatting for its locale."""

    code: str
    prefix: str          # URL folder of its pages: '' for the default language, else 'nl/'

    @property
    def translations(self) -> NullTranslations:
        return _translations(self.code)

    @property
    def locale(self) -> Locale:
        return _locale(self.code)

    @property
    def name(self) -> str:
        """The language's own name for itself, e.g. 'Nederlands'."""
        name = Locale.parse(self.code).get_display_name(self.code)
        return name[:1].upper() + name[1:]

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message) if message else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def pct(self, value: float | None, digits: int | None = None) -> str:
        """A percentage given as 0–100, in the locale's pattern: '81.2%', '81,2%', '81,2 %'. Without
        ``digits``, as many as the figure was published with: a tenth where it has one, else none ('80%'),
        so that a rate published to a whole point or coarser does not look finer than it is."""
        if value is None:
            return self.gettext(NOT_PUBLISHED)
        if digits is None:
            digits = published_decimals(value)
        return _percent_pattern(self.code, digits).apply(value / 100, self.locale)

    def num(self, value: float | None, digits: int | None = 1) -> str:
        if value is None:
            return self.gettext(NOT_PUBLISHED)
        if digits is None:
            digits = published_decimals(value)
        return _decimal_pattern(digits).apply(round(value, digits), self.locale)

    def count(self, value: int | None) -> str:
        return self.gettext(NOT_PUBLISHED) if value is None else _decimal_pattern(0).apply(value, self.locale)

    def money(self, value: float | None, currency: str = "") -> str:
        if value is None:
            return self.gettext(NOT_PUBLISHED)
        return f"{_decimal_pattern(0).apply(round(value), self.locale)} {currency}".strip()

    def join(self, words: list[str]) -> str:
        """["a", "b", "c"] -> "a, b, and c" in English, "a, b et c" in French."""
        return format_list(list(words), locale=self.locale) if words else ""

    def date(self, value) -> str:
        """A date written out, e.g. '1 November 2026', '1 novembre 2026'."""
        return format_date(value, format="long", locale=self.locale)

    @staticmethod
    def sort_key(text: str) -> tuple[str, str]:
        """Alphabetical order for names as a reader expects it: "Österreich" among the O's, "Éire" among the E's.

        Accents and case are set aside first and only break ties: close to the Unicode collation of
        English, French and Dutch names without an ICU library.
        """
        plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        return plain.casefold(), text

    def territory(self, code: str) -> str | None:
        """The locale's name of an ISO 3166 country, or None for codes Babel does not know (e.g. BE-VLG)."""
        return self.locale.territories.get(code)


#: The source language at the site's root: what code that is not told a language speaks.
ENGLISH = Language(SOURCE_LANGUAGE, "")


def site_languages(codes: list[str]) -> list[Language]:
    """The configured languages; the first is served from the site's root, the others from '<code>/'."""
    return [Language(code, "" if i == 0 else f"{code}/") for i, code in enumerate(codes)]


# -- catalogue maintenance ---------------------------------------------------------------------------

#: Where message ids are found: the code (gettext keywords and N_) and the built-in templates.
_METHODS = [("generator", ("**.py", "python")), ("templates", ("**.html", "jinja2"))]
_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extract() -> Catalog:
    """Every interface message: from the code, the templates and the code lists' labels."""
    from babel.messages.extract import extract_from_dir

    from .codelists import isced_fields, nace_sections

    root = LOCALE_DIR.parent.parent
    catalog = Catalog(project="ontrack", msgid_bugs_address="", charset="utf-8")
    for folder, method in _METHODS:
        found = extract_from_dir(root / folder, [method],
                                 options_map={"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}},
                                 keywords=_KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True)
        for filename, lineno, message, comments, context in found:
            catalog.add(message, None, [(f"{folder}/{filename}", lineno)], auto_comments=comments, context=context)
    # Words that live in data rather than in code: code-list labels, indicator definitions, suppression reasons.
    from .disclosure import REASONS
    from .indicators import DEFINITIONS

    words = [("generator/codelists", f.label) for f in isced_fields().values()]
    words += [("generator/codelists", s.label) for s in nace_sections().values()]
    words += [("generator/indicators.py", text) for d in DEFINITIONS.values()
              for text in (d.label, d.numerator, d.denominator, d.unit)]
    words += [("generator/disclosure.py", text) for text in REASONS.values()]
    for where, text in words:
        catalog.add(text, None, [(where, 0)])
    return catalog


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_po(out, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)


def untranslated(code: str) -> list[str]:
    """Message ids of the template that ``code``'s catalogue lacks or marks fuzzy."""
    with POT.open("rb") as pot, catalogue_path(code).open("rb") as po:
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


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "extract":
        _write(extract(), POT)
        print(f"wrote {POT}")
    elif command in ("update", "init"):
        with POT.open("rb") as pot:
            template = read_po(pot)
        codes = argv[1:] if command == "init" else available_languages()[1:]
        for code in codes:
            try:
                Locale.parse(code)
            except (ValueError, UnknownLocaleError):
                print(f"{code!r} is not a locale Babel knows", file=sys.stderr)
                return 1
            path = catalogue_path(code)
            if command == "init" and path.exists():
                print(f"{path} exists already; use 'update'", file=sys.stderr)
                return 1
            catalog = Catalog(locale=code, project="ontrack")
            if path.exists():
                with path.open("rb") as po:
                    catalog = read_po(po, locale=code)
            catalog.update(template, no_fuzzy_matching=True)
            _write(catalog, path)
            print(f"wrote {path}: {len(untranslated(code))} messages to translate")
    else:
        print("usage: python -m generator.i18n extract | update | init LANG", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
