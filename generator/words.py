"""Figures in words: the sentences and phrases that page builders put beside the numbers.

Each takes ``Figure`` values (already through disclosure) and a ``Language``, and returns text; nothing
here looks a figure up or knows which page it is on.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .figures import Figure
from .i18n import ENGLISH, N_, NOT_PUBLISHED, Language


def benchmark_source(url: str) -> str:
    """Who published a benchmark figure, from its address: a newspaper's report of Eurostat data is not Eurostat."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    for domain, name in (("eurostat", "Eurostat"), ("cedefop", "Cedefop"), ("timesofmalta", "Times of Malta")):
        if domain in host or parts.path.lower().startswith(f"/{domain}/"):
            return name
    return host.removeprefix("www.")


#: The edition of Cedefop's Timeline that the profiles' statuses come from.
TIMELINE_EDITION = N_("Cedefop's Timeline of VET policies in Europe (2024 update)")
#: The levels of the disclosure report, as the methodology page names them.
LEVEL_NAMES = {"programme": N_("programme"), "provider": N_("provider"), "country_field": N_("field within a country"),
               "country": N_("country"), "field": N_("field across countries"), "all": N_("all countries")}


#: Time after graduation in words, for the observation points that have a natural phrase.
MONTHS_WORDS = {6: N_("six months"), 12: N_("a year"), 18: N_("18 months"), 24: N_("two years"),
                36: N_("three years")}


def months_words(months: int, lang: Language = ENGLISH) -> str:
    if months in MONTHS_WORDS:
        return lang.gettext(MONTHS_WORDS[months])
    return lang.ngettext("{n} month", "{n} months", months).format(n=months)


#: Simple fractions a headline may say, as (numerator, denominator): tenths, quarters and thirds.
FRACTIONS = sorted({(n, 10) for n in range(1, 10)} | {(1, 4), (3, 4), (1, 3), (2, 3)}, key=lambda f: f[0] / f[1])


def in_ten(figure: Figure, lang: Language = ENGLISH) -> str:
    """A percentage as a simple fraction that never rounds up across a band: 76.0 -> 'more than 3 in 4',
    74.6 -> 'about 3 in 4' (within a point), 8.0 -> 'fewer than 1 in 10'; '' when not published.

    "8 in 10" was written for 76.0% and for 77.2% alike; a reader takes it as at least 80%.
    """
    if not figure.published:
        return ""
    value = figure.value
    below = [(n, d) for n, d in FRACTIONS if 100 * n / d <= value + 1]
    if not below:
        return lang.gettext("fewer than 1 in 10")
    n, d = below[-1]
    if abs(value - 100 * n / d) <= 1:
        # Translators: a share as a simple fraction, e.g. "about 3 in 4" (graduates were working).
        return lang.gettext("about {n} in {d}").format(n=n, d=d)
    # Translators: a share as a simple fraction, e.g. "more than 3 in 4" (graduates were working).
    return lang.gettext("more than {n} in {d}").format(n=n, d=d)


#: Below this coverage (percent of graduates observed) a programme's figures carry a caution: those who
#: answered or were matched may differ from those who were not (guide, "Coverage and non-response bias").
LOW_COVERAGE = 50.0


def beside(figure: Figure, peer: Figure, peer_label: str, lang: Language = ENGLISH) -> str:
    """Whether a rate is below, like or above a peer's, said only as far as the two 95% intervals support it.

    Intervals that do not overlap: below or above. Overlapping: similar, since the difference is within the
    uncertainty. '' when either figure or interval is not published.
    """
    if None in (figure.value, figure.ci_low, figure.ci_high, peer.value, peer.ci_low, peer.ci_high):
        return ""
    rate = lang.pct(peer.value)
    if figure.ci_high < peer.ci_low:
        return lang.gettext("Below {group} ({rate}), by more than the uncertainty of both figures.").format(
            group=peer_label, rate=rate)
    if figure.ci_low > peer.ci_high:
        return lang.gettext("Above {group} ({rate}), by more than the uncertainty of both figures.").format(
            group=peer_label, rate=rate)
    return lang.gettext("Similar to {group} ({rate}): the difference is within the uncertainty.").format(
        group=peer_label, rate=rate)


def figure_parts(figure: Figure, lang: Language = ENGLISH) -> list[str]:
    """[value, detail] for the compare page, as ``_figure.html`` writes them: the value, then its interval and base.

    A hidden figure is ["not published", ""]: the page says once why figures are hidden, rather than in every cell.
    """
    if not figure.published:
        return [lang.gettext(NOT_PUBLISHED), ""]
    if figure.unit == "currency per month":
        value = lang.money(figure.value, figure.currency)
    elif figure.unit == "months":
        value = lang.gettext("{n} months").format(n=lang.num(figure.value, 1))
    else:
        value = lang.pct(figure.value)
    # The same messages as _figure.html, so that a figure reads the same on every page and is translated once.
    base = lang.gettext("base %(n)s graduates") % {"n": lang.count(figure.base)}
    if figure.ci_low is None or figure.ci_high is None:
        return [value, base]
    interval = lang.gettext("95%% interval %(low)s–%(high)s;") % {"low": lang.pct(figure.ci_low),
                                                                   "high": lang.pct(figure.ci_high)}
    return [value, f"{interval} {base}"]


def sentence_start(text: str) -> str:
    """ "more than 3 in 4" -> "More than 3 in 4", to open a sentence."""
    return text[:1].upper() + text[1:]


def by_reason(hidden: list[Figure]) -> list[tuple[str, list[str]]]:
    """Hidden figures' labels grouped by why they are hidden, so that each reason is said once."""
    groups: dict[str, list[str]] = {}
    for fg in hidden:
        groups.setdefault(fg.reason, []).append(fg.label)
    return list(groups.items())


def any_published(figures: dict) -> bool:
    return any(fg.published for fg in figures.values())


def share(figure: Figure) -> dict:
    return {"share": figure.value, "reason": figure.reason}


def share_row(label: str, figure: Figure) -> dict:
    return {"group": label, "share": figure.value, "ci_low": figure.ci_low, "ci_high": figure.ci_high,
            "base": figure.base, "reason": figure.reason}
