"""Languages at run time: gettext catalogues for the interface, Babel for numbers, dates and country names.

Interface strings are English message ids in the templates and the code. Each
other language has a catalogue, ``generator/locale/<lang>/LC_MESSAGES/messages.po``,
or a project's own in ``<project>/locale/<lang>/LC_MESSAGES/messages.po``, read at
build time (compiled in memory, so there is no separate compile step). A project's
catalogue comes first; a message it lacks is looked up in the built-in one. Making
and updating catalogues is the maintainers' tool, ``generator.catalogue``
(``ontrack catalogue``).
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern, get_currency_symbol, parse_pattern
from babel.support import NullTranslations, Translations

#: The built-in catalogues, and the template (``messages.pot``) every catalogue is made from.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
POT = LOCALE_DIR / "messages.pot"
#: A project's own catalogues: this folder of the project, laid out as LOCALE_DIR.
PROJECT_LOCALE = "locale"
#: The language the message ids are written in: it needs no catalogue.
SOURCE_LANGUAGE = "en"


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it here (it is translated where it is shown)."""
    return message


#: What a suppressed figure reads as in text, tables, descriptions and charts (never 0), before translation.
NOT_PUBLISHED = N_("not published")


def catalogue_path(code: str, folder: Path = LOCALE_DIR) -> Path:
    """Where the catalogue of ``code`` is in ``folder`` (the built-in catalogues, or a project's locale/)."""
    return folder / code / "LC_MESSAGES" / "messages.po"


def project_locale(project: Path) -> Path | None:
    """The project's own catalogue folder, or None when it has none."""
    folder = project / PROJECT_LOCALE
    return folder if folder.is_dir() else None


def _catalogues(code: str, project: Path | None) -> list[Path]:
    """The catalogues of ``code`` that exist, the project's first."""
    folders = ([project] if project is not None else []) + [LOCALE_DIR]
    return [path for path in (catalogue_path(code, folder) for folder in folders) if path.is_file()]


def available_languages(project: Path | None = None) -> list[str]:
    """English and every language with a catalogue, built in or in the project folder ``project``'s locale/."""
    folders = [LOCALE_DIR] + ([project / PROJECT_LOCALE] if project is not None else [])
    codes = {p.parent.parent.name for folder in folders for p in folder.glob("*/LC_MESSAGES/messages.po")}
    return [SOURCE_LANGUAGE] + sorted(codes - {SOURCE_LANGUAGE})


def catalogue_problem(code: str, project: Path | None = None) -> str | None:
    """Why the project folder ``project`` cannot have ``code`` as a language for want of a catalogue, or None."""
    locale = project / PROJECT_LOCALE if project is not None else None
    if code != SOURCE_LANGUAGE and not _catalogues(code, locale):
        return (f"no catalogue for {code!r}: run 'ontrack catalogue init {code}' in the project folder and "
                f"translate {PROJECT_LOCALE}/{code}/LC_MESSAGES/messages.po")
    return None


@cache
def _translations(code: str, project_locale: Path | None = None) -> NullTranslations:
    """The catalogues of ``code``, the project's first and the built-in one as its fallback."""
    if code == SOURCE_LANGUAGE:
        return NullTranslations()
    found = NullTranslations()
    for path in reversed(_catalogues(code, project_locale)):
        with path.open("rb") as po:
            catalog = read_po(po, locale=code)
        compiled = io.BytesIO()
        write_mo(compiled, catalog, use_fuzzy=False)
        compiled.seek(0)
        layer = Translations(compiled)
        layer.add_fallback(found)
        found = layer
    return found


def forget_catalogues() -> None:
    """Read the catalogues again when next asked (``ontrack serve`` after a project's catalogue was edited)."""
    _translations.cache_clear()


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
    project_locale: Path | None = None  # the project's own catalogues (locale/), searched before the built-in ones

    @property
    def translations(self) -> NullTranslations:
        return _translations(self.code, self.project_locale)

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

    def currency_affixes(self, currency: str) -> tuple[str, str]:
        """(prefix, suffix) around an amount, placed as the locale places its currency symbol.

        "€" and "" for EUR in English, "" and "\u00a0€" in French, "€\u00a0" and "" in Dutch. A
        currency without a symbol in the locale is written as its code after the amount: " PLN".
        """
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise ValueError(f"currency {currency!r} is not an ISO 4217 code")
        symbol = get_currency_symbol(currency, locale=self.locale)
        if symbol == currency:
            return "", f" {currency}"
        pattern = self.locale.currency_formats["standard"]
        return pattern.prefix[0].replace("¤", symbol), pattern.suffix[0].replace("¤", symbol)

    def money(self, value: float | None, currency: str) -> str:
        """An amount in whole units of its currency, as the locale writes money: "€1,850", "€ 1.850", "1 850 €";
        "1,850 PLN" for a currency the locale has no symbol for. Every page and chart writes money this way."""
        if value is None:
            return self.gettext(NOT_PUBLISHED)
        if not currency:  # an amount whose currency the input did not give: the number alone
            return self.num(value, 0)
        prefix, suffix = self.currency_affixes(currency)
        return f"{prefix}{self.num(value, 0)}{suffix}"

    def join(self, words: list[str]) -> str:
        """["a", "b", "c"] -> "a, b, and c" in English, "a, b et c" in French."""
        return format_list(list(words), locale=self.locale) if words else ""

    @property
    def semicolon(self) -> str:
        """A semicolon and its spaces as the language writes them: "; " in English and Dutch, "\u00a0; " in French
        (a non-breaking space before it)."""
        return "\u00a0; " if self.locale.language == "fr" else "; "

    def semicolons(self, parts) -> str:
        """Parts of a list that have commas of their own, joined by the language's semicolon."""
        return self.semicolon.join(parts)

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


def site_languages(codes: list[str], project_locale: Path | None = None) -> list[Language]:
    """The configured languages; the first is served from the site's root, the others from '<code>/'.

    ``project_locale`` is the project's own catalogue folder (``project_locale(project)``), if it has one.
    """
    return [Language(code, "" if i == 0 else f"{code}/", project_locale) for i, code in enumerate(codes)]
