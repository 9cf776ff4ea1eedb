"""What a chart is once made, and the shared wording, formatting and colours of every chart."""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel.numbers import format_decimal, get_currency_symbol

#: What a suppressed figure reads as, in tables, descriptions and charts (never 0).
NOT_PUBLISHED = "not published"

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with every common
#: colour-vision deficiency. Text drawn on a fill uses black, except on BLUE,
#: where white reaches 5.2:1 (black only 4.0:1).
ORANGE, SKY_BLUE, GREEN, YELLOW, BLUE, VERMILLION, PURPLE = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
#: Text on white: #222 is 15.9:1 and MUTED (#595959) 7.0:1, both above the 4.5:1 of WCAG 1.4.3.
INK, MUTED = "#222222", "#595959"

#: The five destinations (EQAVET indicator 5a) in the order they are stacked.
DESTINATIONS = ("Working and studying", "Working only", "Studying only", "Unemployed", "Inactive")
DESTINATION_COLOURS = (GREEN, BLUE, SKY_BLUE, ORANGE, PURPLE)
#: Answers to "is the job related to the training?" (EQAVET indicator 6).
RELATED_ANSWERS = ("Related", "Partly related", "Not related")
#: A country's tracking status, in the order a system moves through them.
STATUSES = ("Design", "Pilot", "Implementation", "Completed")
STATUS_COLOURS = (SKY_BLUE, ORANGE, BLUE, GREEN)

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


def percent(value: float | None, *, reason: str = "") -> str:
    """61.2 -> "61.2%"; None -> "not published" (with the reason when there is one)."""
    if value is None:
        return f"{NOT_PUBLISHED} ({reason})" if reason else NOT_PUBLISHED
    return format_decimal(value, "0.0", locale="en") + "%"


def interval(low: float | None, high: float | None) -> str:
    """The 95% interval as "72.0–83.5%", or "" when either end is missing."""
    if low is None or high is None:
        return ""
    return f"{format_decimal(low, '0.0', locale='en')}–{format_decimal(high, '0.0', locale='en')}%"


def whole_number(value: int | None) -> str:
    """A base as "1,250"; "" when it is not given."""
    return "" if value is None else format_decimal(value, "#,##0", locale="en")


def currency_affixes(currency: str) -> tuple[str, str]:
    """(prefix, suffix) around an amount: "€" and "" for EUR, "" and " PLN" for PLN."""
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise ValueError(f"currency {currency!r} is not an ISO 4217 code")
    symbol = get_currency_symbol(currency, locale="en")
    return (symbol, "") if symbol != currency else ("", f" {currency}")


def money(value: float | None, currency: str) -> str:
    """1850.0, "EUR" -> "€1,850"; 1850.0, "PLN" -> "1,850 PLN"; None -> "not published"."""
    if value is None:
        return NOT_PUBLISHED
    prefix, suffix = currency_affixes(currency)
    return f"{prefix}{format_decimal(value, '#,##0', locale='en')}{suffix}"


def join_words(words: list[str]) -> str:
    """["a", "b", "c"] -> "a, b and c"."""
    if not words:
        return ""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
