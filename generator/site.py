"""The site model: every page, its URL and the figures it shows.

Pages are plain data (a template name and a context). Numbers reach them only
through ``FigureIndex`` over the ``SafeTable``; code lists (programme names,
fields) and content come alongside. Nothing here renders HTML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from dataclasses import replace as dataclass_replace
from urllib.parse import urlsplit

import pandas as pd

from .codelists import EU_CODE, geo_name, isced_fields, nace_sections
from .config import Config
from .disclosure import DisclosureReport, SafeTable
from .figures import NOT_MEASURED, Figure, FigureIndex, indicator_label
from .i18n import NOT_PUBLISHED
from .indicators import DEFINITIONS, DESTINATIONS
from .inputs.content import GLANCE_FIELDS, Content, CountryProfile, CountryTranslation
from .inputs.reference import EU_TARGET, EU_TARGET_SOURCE, EU_TARGET_YEAR
from .i18n import ENGLISH, N_, Language, site_languages
from .statuses import NATIONAL_SYSTEM, NO_ENTRY, TIMELINE_STATUS, TIMELINE_STATUSES
from .paths import FIELDS_PAGE, PROVIDERS_PAGE, relative_url, script_json, slugify
from .publish.packages import PackageInfo, csv_bytes
from .publish.release import OpenData
from .publish.schemaorg import dataset_jsonld
from .publish.tables import published_frame
from . import charts as chart_designs
from .crosscountry import cross_country


def benchmark_source(url: str) -> str:
    """Who published a benchmark figure, from its address: a newspaper's report of Eurostat data is not Eurostat."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    for domain, name in (("eurostat", "Eurostat"), ("cedefop", "Cedefop"), ("timesofmalta", "Times of Malta")):
        if domain in host or parts.path.lower().startswith(f"/{domain}/"):
            return name
    return host.removeprefix("www.")


STATUS_ORDER = tuple(s.code for s in TIMELINE_STATUSES)
NAV = ((N_("Programmes"), "programmes/index.html"), (N_("Fields"), FIELDS_PAGE),
       (N_("Providers"), PROVIDERS_PAGE), (N_("Compare"), "compare/index.html"),
       (N_("Countries"), "countries/index.html"), (N_("Guide"), "guide/index.html"), (N_("Data"), "data/index.html"),
       (N_("Methodology"), "methodology/index.html"))
#: The edition of Cedefop's Timeline that the profiles' statuses come from.
TIMELINE_EDITION = N_("Cedefop's Timeline of VET policies in Europe (2024 update)")
#: The levels of the disclosure report, as the methodology page names them.
LEVEL_NAMES = {"programme": N_("programme"), "provider": N_("provider"), "country_field": N_("field within a country"),
               "country": N_("country"), "field": N_("field across countries"), "all": N_("all countries")}
#: How many programmes the compare page puts side by side (the programmes list and compare.js enforce it).
COMPARE_LIMIT = 6
#: Time after graduation in words, for the observation points that have a natural phrase.
MONTHS_WORDS = {6: N_("six months"), 12: N_("a year"), 18: N_("18 months"), 24: N_("two years"),
                36: N_("three years")}


@dataclass
class Page:
    key: str                   # the page in every language, e.g. "programmes/at-041-5-003/index.html"
    template: str
    title: str
    section: str               # which navigation entry is current
    context: dict = field(default_factory=dict)
    charts: list = field(default_factory=list)
    description: str = ""
    lang: Language = ENGLISH

    @property
    def path(self) -> str:
        """Output path: the key under the language's folder ('nl/programmes/…'; the default language at the root)."""
        return self.lang.prefix + self.key


@dataclass(frozen=True)
class Site:
    config: Config
    release: dt.datetime
    pages: list[Page]
    guide: dict                # language code -> ((Document, translated), …) per chapter, for its PDF
    extra_files: dict          # path -> bytes (per-page CSVs, compare data)
    languages: tuple[Language, ...] = (ENGLISH,)


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


@dataclass
class Shared:
    """What every language's pages share: the figure index, and files that are the same in every language."""

    figures: FigureIndex
    files: dict = field(default_factory=dict)     # path -> bytes
    by_programme: dict | None = None               # programme code -> its safe cells


class SiteBuilder:
    """Gathers what every page of one language needs; one method per page type."""

    def __init__(self, config: Config, content: Content, safe: SafeTable, programmes: pd.DataFrame,
                 providers: pd.DataFrame, benchmark: pd.DataFrame, packages: list[PackageInfo],
                 release: dt.datetime, report: DisclosureReport, offered_by: dict[str, tuple[str, ...]],
                 open_data: OpenData | None = None, lang: Language = ENGLISH, shared: Shared | None = None,
                 reports: bool = False):
        self.offered_by = offered_by
        self.reports = reports
        self.open_data = open_data
        self.config, self.content, self.safe = config, content, safe
        self.lang = lang
        self._ = lang.gettext
        self.shared = shared or Shared(FigureIndex(safe))
        self.figures = self.shared.figures
        self.programmes = programmes.sort_values(["geo", "name", "programme_code"]).reset_index(drop=True)
        self.providers = providers.set_index("provider_code")
        self.benchmark, self.packages, self.release, self.report = benchmark, packages, release, report
        self.pooled = safe.pooled_label
        self.months = config.indicators.headline_months
        self.profiles = {c.geo: c for c in content.countries}
        self.geos = sorted(set(self.programmes["geo"]))
        self.slugs = self._slugs()
        self.extra = self.shared.files
        from .directory import Directory

        self.directory = Directory(self)

    def _slugs(self) -> dict[str, str]:
        slugs, taken = {}, set()
        for code in self.programmes["programme_code"]:
            slug, n = slugify(code), 2
            while slug in taken:
                slug, n = f"{slugify(code)}-{n}", n + 1
            taken.add(slug)
            slugs[code] = slug
        return slugs

    # -- shared pieces -------------------------------------------------------------------------

    def page(self, key: str, template: str, title: str, section: str, context: dict, **kwargs) -> Page:
        return Page(key, template, title, section, context, lang=self.lang, **kwargs)

    def fig(self, indicator: str, level: str, **dims) -> Figure:
        dims.setdefault("cohort", self.pooled)
        dims.setdefault("months", self.months)
        return self.figures.get(indicator, level=level, lang=self.lang, **dims)

    def country_name(self, geo: str) -> str:
        """The country's name in this language: a translated profile's title, else Babel's, else the profile's."""
        translation = self.content.translated("countries", geo, self.lang.code)
        if translation is not None and translation.title:
            return translation.title
        babel_name = self.lang.territory("GR" if geo == "EL" else geo) if len(geo) == 2 else None
        if babel_name and self.lang.code != "en":
            return babel_name
        profile = self.profiles.get(geo)
        return profile.name if profile else geo_name(geo)

    def field_label(self, code: str) -> str:
        return self._(isced_fields()[code].label)

    def status_label(self, status: str) -> str:
        return self._(TIMELINE_STATUS[status].label if status else NO_ENTRY)

    def document(self, kind: str, doc) -> tuple:
        """(the document in this language, or the English one; whether it is translated)."""
        key = doc.geo if kind == "countries" else doc.slug
        translation = self.content.translated(kind, key, self.lang.code)
        if self.lang.code == "en" or translation is not None:
            return translation or doc, True
        return doc, False

    def profile_in_language(self, profile: CountryProfile) -> tuple[CountryProfile, frozenset[str]]:
        """(the profile with the "at a glance" lists its translation carries; the names of those still in English).

        In English nothing is left in English; in another language every list the translation leaves out is."""
        if self.lang.code == "en":
            return profile, frozenset()
        translation = self.content.translated("countries", profile.geo, self.lang.code)
        if not isinstance(translation, CountryTranslation):
            return profile, frozenset(GLANCE_FIELDS)
        return translation.apply(profile), translation.untranslated_lists()

    def provider_names(self, code: str) -> list[str]:
        """The names of the providers a programme's graduates came from."""
        return [self.providers.loc[c, "name"] for c in self.offered_by.get(code, ()) if c in self.providers.index]

    def twins(self) -> set[str]:
        """Programmes that share their name and providers with another in the same country: only their code tells
        them apart, so lists show it with the name."""
        if not hasattr(self, "_twins"):
            seen: dict[tuple, list[str]] = {}
            for p in self.programmes.itertuples():
                key = (p.geo, p.name, tuple(self.provider_names(p.programme_code)))
                seen.setdefault(key, []).append(p.programme_code)
            self._twins = {code for codes in seen.values() if len(codes) > 1 for code in codes}
        return self._twins

    def programme_url(self, code: str) -> str:
        return f"programmes/{self.slugs[code]}/index.html"

    def country_url(self, geo: str) -> str:
        return f"countries/{slugify(geo)}/index.html"

    def national_system_label(self, national_system: str) -> str:
        return self._(NATIONAL_SYSTEM[national_system].label)

    def status_map(self) -> list[dict]:
        """Each profiled country's national system (what the map colours) and its Timeline status."""
        return [{"geo": c.geo, "name": self.country_name(c.geo), "system": c.national_system,
                 "system_label": self.national_system_label(c.national_system),
                 "status": c.current_status or NO_ENTRY, "status_label": self.status_label(c.current_status),
                 "url": self.country_url(c.geo)}
                for c in self.countries_by_name()]

    def countries_by_name(self) -> list[CountryProfile]:
        """The profiled countries in the alphabetical order of their names in this language (not of their codes)."""
        return sorted(self.content.countries, key=lambda c: self.lang.sort_key(self.country_name(c.geo)))

    # -- pages ---------------------------------------------------------------------------------

    def home(self) -> Page:
        _ = self._
        headline = [self.fig(i, "all") for i in ("EMP", "PLACE", "RELEVANT", "COVERAGE")]
        eu_rows = self.benchmark[self.benchmark["geo"] == EU_CODE]
        bench = chart_designs.benchmark_chart(
            [{"label": _("EU27 {year}").format(year=r.year), "value": float(r.value), "source": benchmark_source(r.source_url)}
             for r in eu_rows.itertuples()], target=EU_TARGET, lang=self.lang)
        return self.page("index.html", "home.html", self.config.site.title, "home", {
            "headline": headline,
            "emp": headline[0], "pooled": self.pooled,
            "in_ten": _sentence_start(in_ten(headline[0], self.lang)),
            "months_words": months_words(self.months, self.lang),
            "n_programmes": len(self.programmes),
            "n_countries": len(self.geos),
            "n_profiles": len(self.content.countries),
            "status_map": self.status_map(),
            "benchmark_rows": eu_rows.to_dict("records"),
            "target": EU_TARGET, "target_year": EU_TARGET_YEAR, "target_source": EU_TARGET_SOURCE,
        }, charts=[bench], description=self.config.site.description)

    def programme_rows(self) -> list[dict]:
        rows = []
        for p in self.programmes.itertuples():
            dims = {"geo": p.geo, "field": p.isced_f[:2], "programme": p.programme_code}
            emp, earn = self.fig("EMP", "programme", **dims), self.fig("EARN_MED", "programme", **dims)
            rows.append({"code": p.programme_code, "name": p.name, "geo": p.geo, "country": self.country_name(p.geo),
                         "provider": self.lang.join(self.provider_names(p.programme_code)),
                         "twin": p.programme_code in self.twins(),
                         "field": p.isced_f[:2], "field_label": self.field_label(p.isced_f[:2]),
                         "eqf": int(p.eqf_level), "emp": emp, "earn": earn,
                         "url": self.programme_url(p.programme_code)})
        return rows

    def programmes_index(self, rows: list[dict]) -> Page:
        return self.page("programmes/index.html", "programmes.html", self._("Programmes"), "programmes", {
            "rows": rows,
            "countries": sorted({(r["geo"], r["country"]) for r in rows}, key=lambda c: self.lang.sort_key(c[1])),
            "fields": sorted({(r["field"], r["field_label"]) for r in rows}),
            "levels": sorted({r["eqf"] for r in rows}),
            "months_words": months_words(self.months, self.lang), "limit": COMPARE_LIMIT,
        }, description=self._("Every programme with its employment rate a year after graduation, "
                              "by country, field and level."))

    def programme(self, p) -> Page:
        _ = self._
        geo, field_code, code = p.geo, p.isced_f[:2], p.programme_code
        dims = {"geo": geo, "field": field_code, "programme": code}
        f = self.fig
        headline_ids = ("EMP", "PLACE", "RELEVANT", "FT_SHARE", "MONTHS_EMP", "COVERAGE")
        headline = [f(i, "programme", **dims) for i in headline_ids]
        emp = headline[0]
        earn = f("EARN_MED", "programme", **dims)
        country = self.country_name(geo)
        peers = [(_("This programme"), "programme", dims),
                 (_("{field} in {country}").format(field=self.field_label(field_code), country=country),
                  "country_field", {"geo": geo, "field": field_code}),
                 (_("All programmes in {country}").format(country=country), "country", {"geo": geo})]
        comparison = [(label, f("EMP", level, **d)) for label, level, d in peers]
        lang = self.lang
        charts = [
            chart_designs.comparison_chart([_share_row(label, fg) for label, fg in comparison],
                                           _("Employment {months} after graduation: this programme, its field "
                                             "and its country").format(months=months_words(self.months, lang)),
                                           lang=lang)]
        # A chart with nothing published would be empty axes: what is known of the field in the country (or
        # failing that, the country) is drawn instead, titled and introduced as not the programme's own.
        fallbacks = {}
        for chart_id, (chart, published) in self.outcome_charts("programme", dims).items():
            for label, level, d in peers[1:] if not published else ():
                chart, published = self.outcome_charts(level, d)[chart_id]
                if published:
                    chart = dataclass_replace(chart, title=_("{title} ({group})").format(title=chart.title,
                                                                                      group=label))
                    fallbacks[chart_id] = label
                    break
            charts.append(chart)
        currency = earn.currency or next((fg.currency for _label, lvl, d in peers
                                          for fg in [f("EARN_MED", lvl, **d)] if fg.currency), "")
        if currency:  # no group here has earnings data at all: no chart rather than an empty one
            charts.append(chart_designs.earnings_chart([
                {"group": label, "q1": f("EARN_Q1", level, **d).value, "median": f("EARN_MED", level, **d).value,
                 "q3": f("EARN_Q3", level, **d).value, "reason": f("EARN_MED", level, **d).reason}
                for label, level, d in peers], currency, lang=lang))
        csv_path = f"programmes/{self.slugs[code]}/{self.slugs[code]}.csv"
        if csv_path not in self.extra:
            self.extra[csv_path] = self._programme_csv(code)
        offered_by = self.provider_names(code)
        hidden = [fg for fg in headline + [earn] if not fg.published]
        # A hidden figure is followed by what is known instead: its field in the country, else the country.
        fallback = {}
        for fg in hidden:
            fallback[fg.indicator] = next(((label, known) for label, level, d in peers[1:]
                                           for known in [f(fg.indicator, level, **d)] if known.published), None)
        # Named in the middle of a sentence ("Below its field in Germany (90.4%)"), so in lower case.
        peer_emp = [(comparison[1][1], _("its field in {country}").format(country=country)),
                    (comparison[2][1], _("all programmes in {country}").format(country=country))]
        coverage = headline[-1]
        return self.page(self.programme_url(code), "programme.html", p.name, "programmes", {
            "programme": p, "country": country, "country_url": self.country_url(geo),
            "field_label": self.field_label(field_code), "narrow_label": self._(isced_fields()[p.isced_f].label),
            "providers": offered_by,
            "headline": headline, "emp": emp, "earn": earn, "in_ten": _sentence_start(in_ten(emp, lang)),
            "months_words": months_words(self.months, lang), "comparison": comparison, "hidden": hidden,
            "fallbacks": fallbacks, "fallback": fallback, "twin": code in self.twins(),
            "verdicts": [v for v in (beside(emp, fg, label, lang) for fg, label in peer_emp) if v],
            "low_coverage": coverage.published and coverage.value < LOW_COVERAGE, "coverage": coverage,
            "reasons": _by_reason(hidden),
            # The guide's chapter on the indicators explains base, interval and coverage in plain words.
            "plain_words": next((f"guide/{slugify(d.slug)}/index.html" for d in self.content.guide
                                 if d.slug == "indicators"), None),
            "csv": f"{self.slugs[code]}.csv", "pooled": self.pooled,
            **self.directory.where_to_study(p),
        }, charts=charts, description=_("Where graduates of {programme} in {country} went after finishing.").format(
            programme=p.name, country=country))

    def outcome_charts(self, level: str, dims: dict) -> dict[str, tuple]:
        """Where a group's graduates went and the work they found, as {chart id: (chart, anything published)}."""
        _, f, lang = self._, self.fig, self.lang
        not_measured = _(NOT_MEASURED)
        destinations = {(m, d): f(d, level, months=m, **dims) for m in self.safe.months for d in DESTINATIONS}
        cohorts = {str(c): f("EMP", level, cohort=str(c), **dims) for c in self.safe.cohorts}
        sectors = {s: f(f"SECTOR_{s.code}", level, **dims) for s in nace_sections().values()}
        # Sections nobody works in are left out rather than drawn as a row of zeros.
        sectors = {s: fg for s, fg in sectors.items() if fg.value != 0 and fg.reason != not_measured}
        related = {answer: f(i, level, **dims) for answer, i in (
            ("Related", "RELEVANT"), ("Partly related", "RELATED_PARTLY"), ("Not related", "RELATED_NO"))}
        return {
            "destinations": (chart_designs.destinations_chart([
                {"months_after": m, "destination": DEFINITIONS[d].label, **_share(fg)}
                for (m, d), fg in destinations.items()], lang=lang), _any_published(destinations)),
            "cohorts": (chart_designs.cohort_chart([{"cohort": c, **_share_row("", fg)} for c, fg in cohorts.items()],
                                                   lang=lang), _any_published(cohorts)),
            "sectors": (chart_designs.sectors_chart([{"code": s.code, "sector": _(s.label), **_share(fg)}
                                                     for s, fg in sectors.items()], lang=lang),
                        _any_published(sectors)),
            "related": (chart_designs.related_chart([{"answer": answer, **_share(fg)} for answer, fg in related.items()],
                                                    lang=lang), _any_published(related)),
        }

    def _programme_csv(self, code: str) -> bytes:
        """The programme's published figures (all indicators, cohorts and points) as CSV."""
        if self.shared.by_programme is None:
            # Formatted once for every programme, then split: formatting each programme's rows on its
            # own cost 50 ms a programme. The published order sorts by programme first, so each
            # programme's rows keep the order they would have had alone.
            cells = self.safe.cells
            published = published_frame(cells[cells["level"] == "programme"])
            self.shared.by_programme = {k: v for k, v in published.groupby("programme_code", sort=False, observed=True)}
        rows = self.shared.by_programme.get(code)
        return csv_bytes(rows if rows is not None else pd.DataFrame())

    def compare_data_path(self) -> str:
        return f"assets/programmes-data-{self.lang.code}.js"

    def compare(self, rows: list[dict]) -> Page:
        _ = self._
        indicators = ("EMP", "PLACE", "RELEVANT", "FT_SHARE", "EARN_MED", "COVERAGE")
        programmes = []
        for p in self.programmes.itertuples():
            dims = {"geo": p.geo, "field": p.isced_f[:2], "programme": p.programme_code}
            earnings = [self.fig("EARN_MED", "programme", months=m, **dims) for m in self.safe.months]
            programmes.append({
                "code": p.programme_code, "name": p.name, "country": self.country_name(p.geo), "eqf": int(p.eqf_level),
                "provider": self.lang.join(self.provider_names(p.programme_code)),
                "twin": p.programme_code in self.twins(),
                "currency": next((e.currency for e in earnings if e.published), ""),
                "url": relative_url("compare/index.html", self.programme_url(p.programme_code)),
                # For each observation point, each indicator as [value, interval and base].
                "figures": {str(m): {i: figure_parts(self.fig(i, "programme", months=m, **dims), self.lang)
                                     for i in indicators} for m in self.safe.months},
            })
        payload = {"months": [{"value": str(m), "label": months_words(m, self.lang)} for m in self.safe.months],
                   "headline_months": str(self.months), "programmes": programmes,
                   "indicators": [{"id": i, "label": indicator_label(i, self.lang)} for i in indicators],
                   "text": {
                       "empty": _("No programme chosen yet. Add one with the list above, or tick programmes in "
                                  "the table of programmes."),
                       "heading": _("{indicator}, {months} after graduation"),
                       "remove": _("Remove"), "remove_label": _("Remove {name}, {country}"),
                       "removed": _("{name} removed. {count} programme(s) in the comparison."),
                       "added": _("{name} added. {count} programme(s) in the comparison."),
                       "choose": _("Choose a programme first."),
                       "already": _("{name} is already in the comparison."),
                       "limit": _("At most {limit} programmes can be compared. Remove one first."),
                       "too_many": _("The link named {count} programmes; only the first {limit} are shown, "
                                     "because at most {limit} can be compared."),
                       "unknown": _("Not found in this release, so left out: {codes}."),
                       "chosen": _("{count} of {limit} programmes chosen"),
                       "hidden": _("“Not published”: the group is too small to show safely, or its figure would let a "
                                   "smaller group be worked out. Each programme's page says which."),
                       "currencies": _("Earnings are in different currencies ({currencies}) and are not converted: "
                                       "compare them only within one currency."),
                       "copied": _("Link copied."),
                       "copy_failed": _("Copying did not work here: select the link and copy it yourself."),
                   }}
        self.extra[self.compare_data_path()] = ("window.ONTRACK_PROGRAMMES = " + script_json(payload) + ";\n").encode()
        return self.page("compare/index.html", "compare.html", _("Compare programmes"), "compare", {
            "rows": rows, "months_words": months_words(self.months, self.lang), "limit": COMPARE_LIMIT,
            "compare_data": self.compare_data_path(),
        }, description=_("Compare up to six programmes side by side."))

    def countries_index(self) -> Page:
        return self.page("countries/index.html", "countries.html", self._("Countries"), "countries", {
            "profiles": [{"profile": c, "name": self.country_name(c.geo), "url": self.country_url(c.geo),
                          "system_name": shown.system_name, "system_in_english": "system_name" in in_english,
                          "status_label": self.status_label(c.current_status),
                          "system_label": self.national_system_label(c.national_system)}
                         for c in self.countries_by_name()
                         for shown, in_english in [self.profile_in_language(c)]],
            "status_map": self.status_map(), "with_data": set(self.geos), "statuses": STATUS_ORDER,
            "timeline_edition": self._(TIMELINE_EDITION),
        }, description=self._("How far each European country has come with tracking its VET graduates."))

    def country(self, profile: CountryProfile) -> Page:
        from .prose import markdown_to_html

        _ = self._
        geo = profile.geo
        name = self.country_name(geo)
        text, translated = self.document("countries", profile)
        profile, in_english = self.profile_in_language(profile)
        by_field = []
        if geo in self.geos:
            for fc in sorted({p[:2] for p in self.programmes.loc[self.programmes["geo"] == geo, "isced_f"]}):
                by_field.append({"field": self.field_label(fc),
                                 "emp": self.fig("EMP", "country_field", geo=geo, field=fc),
                                 "relevant": self.fig("RELEVANT", "country_field", geo=geo, field=fc)})
        national = self.fig("EMP", "country", geo=geo) if geo in self.geos else None
        bench = self.benchmark[self.benchmark["geo"].isin([geo, EU_CODE])]
        charts = []
        if profile.timeline:
            charts.append(chart_designs.timeline_chart([{"year": t.year, "status": t.status} for t in profile.timeline],
                                                       lang=self.lang))
        own = bench[bench["geo"] == geo]
        if len(own):
            charts.append(chart_designs.benchmark_chart(
                [{"label": (_("EU27 {year}") if r.geo == EU_CODE else _("{country} {year}")).format(
                    country=name, year=r.year), "value": float(r.value),
                  "source": benchmark_source(r.source_url)} for r in bench.sort_values(["geo", "year"]).itertuples()],
                target=EU_TARGET, lang=self.lang))
        return self.page(self.country_url(geo), "country.html", name, "countries", {
            "profile": profile, "name": name, "status_label": self.status_label(profile.current_status),
            "system_label": self.national_system_label(profile.national_system),
            "timeline_edition": _(TIMELINE_EDITION),
            "body": markdown_to_html(text.body, shift_headings=0), "translated": translated, "in_english": in_english,
            "by_field": by_field, "national": national, "has_data": geo in self.geos,
            "benchmark": own.to_dict("records"), "eu_benchmark": bench[bench["geo"] == EU_CODE].to_dict("records"),
            "target": EU_TARGET, "target_year": EU_TARGET_YEAR, "target_source": EU_TARGET_SOURCE,
            "package": next((p for p in self.packages if p.geo == geo), None),
            "dataset_jsonld": self.dataset_jsonld(next((p.name for p in self.packages if p.geo == geo), "")),
            "programmes": [r for r in self._rows if r["geo"] == geo],
        }, charts=charts, description=_("Graduate tracking in {country}: who runs it, what it measures, "
                                        "and the figures.").format(country=name))

    def guide_pages(self) -> list[Page]:
        from .prose import headings, markdown_to_html

        _ = self._
        chapters = [self.document("guide", doc) for doc in self.content.guide]
        docs = [doc for doc, _translated in chapters]
        pages = [self.page("guide/index.html", "guide_index.html", _("Implementation guide"), "guide",
                           {"chapters": docs}, description=_("How a VET provider sets up graduate tracking."))]
        for i, (doc, translated) in enumerate(chapters):
            html = markdown_to_html(doc.body)
            pages.append(self.page(f"guide/{slugify(doc.slug)}/index.html", "guide_chapter.html", doc.title, "guide", {
                "doc": doc, "body": html, "toc": headings(html), "number": i + 1, "translated": translated,
                "previous": docs[i - 1] if i else None,
                "next": docs[i + 1] if i + 1 < len(docs) else None,
            }, description=doc.summary))
        return pages

    def data_page(self) -> Page:
        return self.page("data/index.html", "data.html", self._("Open data"), "data", {
            "packages": self.packages, "site_package": self.packages[0],
            "country_packages": [(p, self.country_name(p.geo)) for p in self.packages[1:]],
            "open_data": self.open_data, "dataset_jsonld": self.dataset_jsonld(self.packages[0].name),
            "changelog": "changelog" in self.content.pages,
        }, description=self._("Download the published figures as Frictionless data packages."))

    def dataset_jsonld(self, package_name: str):
        """A package's schema.org Dataset, ready for a <script> element; None without it or without a base URL."""
        meta = self.open_data.dataset(package_name) if self.open_data and self.open_data.base else None
        return script_json(dataset_jsonld(meta, self.config, self.open_data.base, self.release)) if meta else None

    def dictionary_page(self) -> Page | None:
        """Every published resource and field, and the input files, from their Table Schemas."""
        if self.open_data is None:
            return None
        return self.page("data/dictionary/index.html", "dictionary.html", self._("Data dictionary"), "data", {
            "dictionary": self.open_data.dictionary, "packages": self.packages,
        }, description=self._("Every published file and column: type, unit, allowed codes and meaning; "
                              "the indicator definitions."))

    def content_page(self, slug: str, section: str) -> Page | None:
        from .prose import markdown_to_html

        doc = self.content.pages.get(slug)
        if doc is None:
            return None
        doc, translated = self.document("pages", doc)
        context = {"doc": doc, "body": markdown_to_html(doc.body), "translated": translated}
        if slug == "methodology":
            context |= {"definitions": [(d, indicator_label(d.id, self.lang)) for d in DEFINITIONS.values()],
                        "options": self.config.disclosure, "report": self.report.counts.to_dict("records"),
                        "pooled": self.pooled, "months": self.months, "level_names": LEVEL_NAMES}
        return self.page(f"{slug}/index.html", "page.html", doc.title, section, context, description=doc.summary)

    def search_page(self) -> Page:
        return self.page("search/index.html", "search.html", self._("Search"), "search", {},
                         description=self._("Search every page of the site."))

    def build(self) -> list[Page]:
        self._rows = self.programme_rows()
        pages = [self.home(), self.programmes_index(self._rows), self.compare(self._rows), self.countries_index()]
        pages += [self.programme(p) for p in self.programmes.itertuples()]
        pages += [self.country(c) for c in self.content.countries]
        pages += self.directory.pages(self._rows)
        pages.append(cross_country(self))
        pages += self.guide_pages()
        pages.append(self.data_page())
        pages += [p for p in [self.dictionary_page()] if p is not None]
        for slug, section in (("methodology", "methodology"), ("about", "about"), ("accessibility", "about"),
                              ("privacy", "about"), ("changelog", "data")):
            page = self.content_page(slug, section)
            if page is not None:
                pages.append(page)
        pages.append(self.search_page())
        if not self.lang.prefix:  # one "not found" page, served by the host for every language
            pages.append(self.page("404.html", "404.html", self._("Page not found"), "", {}))
        return pages


def _sentence_start(text: str) -> str:
    """ "more than 3 in 4" -> "More than 3 in 4", to open a sentence."""
    return text[:1].upper() + text[1:]


def _by_reason(hidden: list[Figure]) -> list[tuple[str, list[str]]]:
    """Hidden figures' labels grouped by why they are hidden, so that each reason is said once."""
    groups: dict[str, list[str]] = {}
    for fg in hidden:
        groups.setdefault(fg.reason, []).append(fg.label)
    return list(groups.items())


def _any_published(figures: dict) -> bool:
    return any(fg.published for fg in figures.values())


def _share(figure: Figure) -> dict:
    return {"share": figure.value, "reason": figure.reason}


def _share_row(label: str, figure: Figure) -> dict:
    return {"group": label, "share": figure.value, "ci_low": figure.ci_low, "ci_high": figure.ci_high,
            "base": figure.base, "reason": figure.reason}


def build_site(config, content, safe, programmes, providers, benchmark, packages, release, report,
               offered_by, open_data=None, reports: bool = False) -> Site:
    """The site model for these inputs, in every configured language."""
    languages = tuple(site_languages(config.site.languages, content.locale))
    shared = Shared(FigureIndex(safe))
    pages, guides = [], {}
    for lang in languages:
        builder = SiteBuilder(config, content, safe, programmes, providers, benchmark, packages, release, report,
                              offered_by, open_data, lang=lang, shared=shared, reports=reports)
        pages += builder.build()
        guides[lang.code] = tuple(builder.document("guide", doc) for doc in content.guide)
    return Site(config, release, pages, guides, shared.files, languages)
