"""What a chart is once made, and the shared wording, formatting and colours of every chart."""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

from ..i18n import ENGLISH, NOT_PUBLISHED, Language, N_
from ..palette import BLUE, GREEN, INK, MUTED, ORANGE, PURPLE, SKY_BLUE, VERMILLION, YELLOW  # noqa: F401 - the charts' palette
from ..statuses import TIMELINE_STATUSES

# What a suppressed figure reads as (never 0) and the colours are defined once, in i18n and palette.

# The categories below are English keys: callers pass them, charts show their translations
# (``lang.gettext(key)``) and keep their order and colours by key.
#: The five destinations (EQAVET indicator 5a) in the order they are stacked.
DESTINATIONS = (N_("Working and studying"), N_("Working only"), N_("Studying only"), N_("Unemployed"),
                N_("Inactive"))
DESTINATION_COLOURS = (GREEN, BLUE, SKY_BLUE, ORANGE, PURPLE)
#: Answers to "is the job related to the training?" (EQAVET indicator 6).
RELATED_ANSWERS = (N_("Related"), N_("Partly related"), N_("Not related"))
#: A country's Timeline status, in the order a system moves through them, and its colours (``statuses``).
STATUSES = tuple(s.code for s in TIMELINE_STATUSES)
STATUS_COLOURS = tuple(s.colour for s in TIMELINE_STATUSES)

_CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


@dataclass(frozen=True)
class ChartTable:
    """The chart's data as a table: for screen readers and the CSV download."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # formatted strings; a suppressed value reads "not published"


@dataclass(frozen=True)
class Chart:
    """One chart of one page: its Vega-Lite spec with the data inline, and its text equivalents."""

    id: str  # unique within a page; prefixes the ids inside its SVG
    title: str
    description: str  # plain-language sentences naming the largest values and any hidden ones
    spec: dict
    table: ChartTable

    def __post_init__(self):
        # The id ends up inside XML attributes and url(#...) references unescaped.
        if not _CHART_ID.match(self.id):
            raise ValueError(f"chart id {self.id!r} must be a letter followed by letters, digits, '-' or '_'")


def percent(value: float | None, lang: Language = ENGLISH) -> str:
    """61.2 -> "61.2%" ("61,2 %" in French), 60.0 -> "60%" (its published digits); None -> "not published"."""
    return lang.gettext(NOT_PUBLISHED) if value is None else lang.pct(value)


def percent_affixes(lang: Language = ENGLISH) -> tuple[str, str]:
    """What the locale writes before and after a percentage: ("", "%") in English, ("", "\u00a0%") in French."""
    prefix, _, suffix = lang.pct(0, 0).partition("0")
    return prefix, suffix


def interval(low: float | None, high: float | None, lang: Language = ENGLISH) -> str:
    """The 95% interval as "72–83.5%" (each end to its published digits), or "" when either end is missing."""
    if low is None or high is None:
        return ""
    return f"{lang.num(low, None)}–{lang.pct(high)}"


def interval_title(lang: Language = ENGLISH) -> str:
    """ "95% interval", with the level written as the locale writes percentages."""
    # Translators: {level} is a confidence level, e.g. "95%": "the 95% confidence interval".
    return lang.gettext("{level} interval").format(level=lang.pct(95, 0))


def whole_number(value: int | None, lang: Language = ENGLISH) -> str:
    """A base as "1,250" ("1 250" in French); "" when it is not given."""
    return "" if value is None else lang.count(value)


def currency_affixes(currency: str, lang: Language = ENGLISH) -> tuple[str, str]:
    """(prefix, suffix) around an amount: ``Language.currency_affixes``, which owns how money is written."""
    return lang.currency_affixes(currency)


def money(value: float | None, currency: str, lang: Language = ENGLISH) -> str:
    """1850.0, "EUR" -> "€1,850" ("1 850 €" in French): ``Language.money``, as every page writes money."""
    return lang.money(value, currency)


def format_locale(lang: Language = ENGLISH) -> dict:
    """The d3-format locale of ``lang``, from Babel: Vega's ``format()`` and axes then write numbers as the tables do.

    vl-convert (``format_locale=``) and vega-embed (``formatLocale``) take it; it is
    built from Babel rather than named ("fr-FR") so that the chart and its table agree
    (d3's fr-FR groups thousands with U+00A0, Babel's fr with U+202F), for any language.
    """
    grouping = lang.locale.decimal_formats[None].grouping
    prefix, suffix = percent_affixes(lang)
    return {"decimal": get_decimal_symbol(lang.locale), "thousands": get_group_symbol(lang.locale),
            "grouping": [grouping[0]] if grouping[0] == grouping[1] else list(grouping),
            "currency": ["", ""], "minus": get_minus_sign_symbol(lang.locale), "percent": prefix + suffix}
