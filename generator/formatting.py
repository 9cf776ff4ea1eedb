"""Numbers as readers see them, formatted by Babel for the page's locale."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

from .figures import Figure


def format_pct(value: float | None, digits: int = 1, locale: str = "en") -> str:
    """A percentage (given as 0–100) with Babel: '81.2%' in English."""
    if value is None:
        return "not published"
    return format_percent(value / 100, format="#,##0." + "0" * digits + "%" if digits else "#,##0%", locale=locale)


def format_number(value: float | None, digits: int = 1, locale: str = "en") -> str:
    if value is None:
        return "not published"
    return format_decimal(round(value, digits), format="#,##0." + "0" * digits if digits else "#,##0", locale=locale)


def format_count(value: int | None, locale: str = "en") -> str:
    return "not published" if value is None else format_decimal(value, locale=locale)


def format_money(value: float | None, currency: str = "", locale: str = "en") -> str:
    if value is None:
        return "not published"
    return f"{format_decimal(round(value), format='#,##0', locale=locale)} {currency}".strip()


def figure_text(figure: Figure, locale: str = "en") -> str:
    """One line for a figure: value, base (and interval), or why it is not published."""
    if not figure.published:
        return f"not published — {figure.reason}"
    if figure.unit == "currency per month":
        value = format_money(figure.value, figure.currency, locale)
    elif figure.unit == "months":
        value = f"{format_number(figure.value, 1, locale)} months"
    else:
        value = format_pct(figure.value, 1, locale)
    return f"{value} (base {format_count(figure.base, locale)})"
