"""The site model's types, and what every page builder of one language looks up.

A ``Page`` is plain data: a template name and a context. ``SiteContext`` holds one
language's view of the release for the page builders (``programme_pages``,
``country_pages``, ``text_pages``, ``directory``, ``crosscountry``): the figures
through ``FigureIndex`` over the ``SafeTable``, the code lists, the content, and
the names and URLs of things. Nothing here writes a file or renders HTML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from .codelists import geo_name, isced_fields
from .config import Config
from .disclosure import DisclosureReport, SafeTable
from .figures import Figure, FigureIndex
from .i18n import ENGLISH, N_, Language
from .inputs.content import GLANCE_FIELDS, Content, CountryProfile, CountryTranslation
from .paths import FIELDS_PAGE, PROVIDERS_PAGE, country_url, programme_slugs, programme_url, script_json
from .publish.packages import PackageInfo
from .publish.release import OpenData
from .statuses import NATIONAL_SYSTEM, NO_ENTRY, TIMELINE_STATUS

NAV = ((N_("Programmes"), "programmes/index.html"), (N_("Fields"), FIELDS_PAGE),
       (N_("Providers"), PROVIDERS_PAGE), (N_("Compare"), "compare/index.html"),
       (N_("Countries"), "countries/index.html"), (N_("Guide"), "guide/index.html"), (N_("Data"), "data/index.html"),
       (N_("Methodology"), "methodology/index.html"))
#: How many programmes the compare page puts side by side (the programmes list and compare.js enforce it).
COMPARE_LIMIT = 6


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
    #: data the page's own script loads, which rendering writes beside the page (the compare page's figures)
    script_data: ScriptData | None = None

    @property
    def path(self) -> str:
        """Output path: the key under the language's folder ('nl/programmes/…'; the default language at the root)."""
        return self.lang.prefix + self.key


@dataclass(frozen=True)
class ScriptData:
    """Data a page's own script loads from a file beside it: ``window.<name> = <value as JSON>;``."""

    path: str                  # output path, e.g. "assets/programmes-data-en.js"
    name: str
    value: dict


@dataclass(frozen=True)
class Site:
    config: Config
    release: dt.datetime
    pages: list[Page]
    guide: dict                # language code -> ((Document, translated), …) per chapter, for its PDF
    languages: tuple[Language, ...] = (ENGLISH,)


@dataclass(frozen=True)
class Release:
    """What the site model is made from, the same in every language: disclosed figures, code lists, content,
    reference figures and the published packages' metadata."""

    config: Config
    content: Content
    safe: SafeTable
    programmes: pd.DataFrame
    providers: pd.DataFrame
    benchmark: pd.DataFrame
    packages: list[PackageInfo]
    release: dt.datetime
    report: DisclosureReport
    open_data: OpenData | None = None
    reports: bool = False      # whether each provider has a quality report (``ontrack reports``)


class SiteContext:
    """One language's view of a ``Release``: figures, names and URLs, as every page builder needs them."""

    def __init__(self, release: Release, lang: Language = ENGLISH, figures: FigureIndex | None = None):
        config, content, safe = release.config, release.content, release.safe
        self.config, self.content, self.safe = config, content, safe
        self.offered_by = safe.offered_by
        self.reports = release.reports
        self.open_data = release.open_data
        self.lang = lang
        self._ = lang.gettext
        self.figures = figures or FigureIndex(safe)
        self.programmes = release.programmes.sort_values(["geo", "name", "programme_code"]).reset_index(drop=True)
        self.providers = release.providers.set_index("provider_code")
        self.benchmark, self.packages, self.release = release.benchmark, release.packages, release.release
        self.report = release.report
        self.pooled = safe.pooled_label
        self.months = config.indicators.headline_months
        self.profiles = {c.geo: c for c in content.countries}
        self.geos = sorted(set(self.programmes["geo"]))
        self.slugs = programme_slugs(self.programmes)

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

    @cached_property
    def twins(self) -> set[str]:
        """Programmes that share their name and providers with another in the same country: only their code tells
        them apart, so lists show it with the name."""
        seen: dict[tuple, list[str]] = {}
        for p in self.programmes.itertuples():
            key = (p.geo, p.name, tuple(self.provider_names(p.programme_code)))
            seen.setdefault(key, []).append(p.programme_code)
        return {code for codes in seen.values() if len(codes) > 1 for code in codes}

    @cached_property
    def programme_rows(self) -> list[dict]:
        """Every programme with its headline figures, as the programme lists show them (made once a language)."""
        rows = []
        for p in self.programmes.itertuples():
            dims = {"geo": p.geo, "field": p.isced_f[:2], "programme": p.programme_code}
            emp, earn = self.fig("EMP", "programme", **dims), self.fig("EARN_MED", "programme", **dims)
            rows.append({"code": p.programme_code, "name": p.name, "geo": p.geo, "country": self.country_name(p.geo),
                         "provider": self.lang.join(self.provider_names(p.programme_code)),
                         "twin": p.programme_code in self.twins,
                         "field": p.isced_f[:2], "field_label": self.field_label(p.isced_f[:2]),
                         "eqf": int(p.eqf_level), "emp": emp, "earn": earn,
                         "url": self.programme_url(p.programme_code)})
        return rows

    def dataset_script(self, package_name: str):
        """A package's schema.org Dataset (made by the publish stage), ready for a <script> element; None without
        it or without a base URL."""
        dataset = self.open_data.schema_org.get(package_name) if self.open_data else None
        return script_json(dataset) if dataset else None

    def programme_url(self, code: str) -> str:
        return programme_url(self.slugs[code])

    def country_url(self, geo: str) -> str:
        return country_url(geo)

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
