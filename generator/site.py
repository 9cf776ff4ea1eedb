"""The site model: every page, its URL and the figures it shows.

Pages are plain data (a template name and a context). Numbers reach them only
through ``FigureIndex`` over the ``SafeTable``; code lists (programme names,
fields) and content come alongside. Nothing here renders HTML.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from .codelists import EU_CODE, geo_name, isced_fields, nace_sections
from .config import Config
from .disclosure import DisclosureReport, SafeTable
from .figures import NOT_MEASURED, Figure, FigureIndex
from .indicators import DEFINITIONS, DESTINATIONS
from .inputs.content import Content, CountryProfile
from .inputs.reference import EU_TARGET, EU_TARGET_SOURCE, EU_TARGET_YEAR
from .formatting import figure_text
from .paths import relative_url, script_json
from .publish.packages import PackageInfo, csv_bytes
from .publish.release import OpenData
from .publish.schemaorg import dataset_jsonld
from .publish.tables import published_frame
from . import charts as chart_designs

STATUS_ORDER = ("Design", "Pilot", "Implementation", "Completed")
NAV = (("Programmes", "programmes/index.html"), ("Compare", "compare/index.html"),
       ("Countries", "countries/index.html"), ("Guide", "guide/index.html"), ("Data", "data/index.html"),
       ("Methodology", "methodology/index.html"))


@dataclass
class Page:
    path: str                  # output path, e.g. "programmes/at-041-5-003/index.html"
    template: str
    title: str
    section: str               # which navigation entry is current
    context: dict = field(default_factory=dict)
    charts: list = field(default_factory=list)
    description: str = ""


@dataclass(frozen=True)
class Site:
    config: Config
    release: dt.datetime
    pages: list[Page]
    guide: tuple               # content Documents, for the PDF
    extra_files: dict          # path -> bytes (per-page CSVs, compare data)


def slugify(text: str) -> str:
    """A URL slug of ASCII letters, digits and hyphens only: it can never leave its folder."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "item"


def months_words(months: int) -> str:
    return {6: "six months", 12: "a year", 18: "18 months", 24: "two years", 36: "three years"}.get(
        months, f"{months} months")


def in_ten(figure: Figure) -> str:
    """'8 in 10' from a percentage; '' when not published."""
    if not figure.published:
        return ""
    return f"{int(figure.value / 10 + 0.5)} in 10"


class SiteBuilder:
    """Gathers what every page needs; one method per page type."""

    def __init__(self, config: Config, content: Content, safe: SafeTable, programmes: pd.DataFrame,
                 providers: pd.DataFrame, benchmark: pd.DataFrame, packages: list[PackageInfo],
                 release: dt.datetime, report: DisclosureReport, offered_by: dict[str, tuple[str, ...]],
                 open_data: OpenData | None = None):
        self.offered_by = offered_by
        self.open_data = open_data
        self.config, self.content, self.safe = config, content, safe
        self.figures = FigureIndex(safe)
        self.programmes = programmes.sort_values(["geo", "name", "programme_code"]).reset_index(drop=True)
        self.providers = providers.set_index("provider_code")
        self.benchmark, self.packages, self.release, self.report = benchmark, packages, release, report
        self.pooled = safe.pooled_label
        self.months = config.indicators.headline_months
        self.profiles = {c.geo: c for c in content.countries}
        self.geos = sorted(set(self.programmes["geo"]))
        self.slugs = self._slugs()
        self.extra: dict[str, bytes] = {}

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

    def fig(self, indicator: str, level: str, **dims) -> Figure:
        dims.setdefault("cohort", self.pooled)
        dims.setdefault("months", self.months)
        return self.figures.get(indicator, level=level, **dims)

    def country_name(self, geo: str) -> str:
        profile = self.profiles.get(geo)
        return profile.name if profile else geo_name(geo)

    def programme_url(self, code: str) -> str:
        return f"programmes/{self.slugs[code]}/index.html"

    def country_url(self, geo: str) -> str:
        return f"countries/{slugify(geo)}/index.html"

    def status_map(self) -> list[dict]:
        """Each profiled country's current status, for the map and its legend."""
        return [{"geo": c.geo, "name": c.name, "status": c.current_status or "No entry",
                 "url": self.country_url(c.geo)} for c in self.content.countries]

    # -- pages ---------------------------------------------------------------------------------

    def home(self) -> Page:
        headline = [self.fig(i, "all") for i in ("EMP", "PLACE", "RELEVANT", "COVERAGE")]
        eu_rows = self.benchmark[self.benchmark["geo"] == EU_CODE]
        bench = chart_designs.benchmark_chart(
            [{"label": f"EU27 {r.year}", "value": float(r.value), "source": "Eurostat/Cedefop"}
             for r in eu_rows.itertuples()], target=EU_TARGET)
        return Page("index.html", "home.html", self.config.site.title, "home", {
            "headline": headline,
            "emp": headline[0], "pooled": self.pooled,
            "in_ten": in_ten(headline[0]),
            "months_words": months_words(self.months),
            "n_programmes": len(self.programmes),
            "n_countries": len(self.geos),
            "n_profiles": len(self.content.countries),
            "status_map": self.status_map(),
            "benchmark_rows": eu_rows.to_dict("records"),
            "target": EU_TARGET, "target_year": EU_TARGET_YEAR, "target_source": EU_TARGET_SOURCE,
        }, charts=[bench], description=self.config.site.description)

    def programme_rows(self) -> list[dict]:
        fields = isced_fields()
        rows = []
        for p in self.programmes.itertuples():
            emp = self.fig("EMP", "programme", geo=p.geo, field=p.isced_f[:2], programme=p.programme_code)
            rows.append({"code": p.programme_code, "name": p.name, "geo": p.geo, "country": self.country_name(p.geo),
                         "field": p.isced_f[:2], "field_label": fields[p.isced_f[:2]].label, "eqf": int(p.eqf_level),
                         "emp": emp, "url": self.programme_url(p.programme_code)})
        return rows

    def programmes_index(self, rows: list[dict]) -> Page:
        fields = isced_fields()
        return Page("programmes/index.html", "programmes.html", "Programmes", "programmes", {
            "rows": rows,
            "countries": [(g, self.country_name(g)) for g in self.geos],
            "fields": [(f, fields[f].label) for f in sorted({r["field"] for r in rows})],
            "levels": sorted({r["eqf"] for r in rows}),
            "months_words": months_words(self.months),
        }, description="Every programme with its employment rate a year after graduation, by country, field and level.")

    def programme(self, p) -> Page:
        geo, field_code, code = p.geo, p.isced_f[:2], p.programme_code
        dims = {"geo": geo, "field": field_code, "programme": code}
        f = self.fig
        headline_ids = ("EMP", "PLACE", "RELEVANT", "FT_SHARE", "MONTHS_EMP", "COVERAGE")
        headline = [f(i, "programme", **dims) for i in headline_ids]
        emp = headline[0]
        earn = f("EARN_MED", "programme", **dims)
        peers = [("This programme", "programme", dims),
                 (f"{isced_fields()[field_code].label} in {self.country_name(geo)}", "country_field",
                  {"geo": geo, "field": field_code}),
                 (f"All programmes in {self.country_name(geo)}", "country", {"geo": geo})]
        comparison = [(label, f("EMP", level, **d)) for label, level, d in peers]
        charts = [
            chart_designs.comparison_chart([_share_row(label, fg) for label, fg in comparison],
                                           f"Employment {months_words(self.months)} after graduation: "
                                           "this programme, its field and its country"),
            chart_designs.destinations_chart([
                {"months_after": m, "destination": DEFINITIONS[d].label,
                 **_share(f(d, "programme", months=m, **dims))}
                for m in self.safe.months for d in DESTINATIONS]),
            chart_designs.cohort_chart([
                {"cohort": str(c), **_share_row("", f("EMP", "programme", cohort=str(c), **dims))}
                for c in self.safe.cohorts]),
            chart_designs.sectors_chart([
                {"code": s.code, "sector": s.label, **_share(f(f"SECTOR_{s.code}", "programme", **dims))}
                for s in nace_sections().values()
                # Sections nobody works in are left out rather than drawn as a row of zeros.
                if f(f"SECTOR_{s.code}", "programme", **dims).value != 0
                and f(f"SECTOR_{s.code}", "programme", **dims).reason != NOT_MEASURED]),
            chart_designs.related_chart([
                {"answer": answer, **_share(f(i, "programme", **dims))}
                for answer, i in (("Related", "RELEVANT"), ("Partly related", "RELATED_PARTLY"),
                                  ("Not related", "RELATED_NO"))]),
        ]
        currency = earn.currency or next((fg.currency for _, lvl, d in peers
                                          for fg in [f("EARN_MED", lvl, **d)] if fg.currency), "")
        if currency:  # no group here has earnings data at all: no chart rather than an empty one
            charts.append(chart_designs.earnings_chart([
                {"group": label, "q1": f("EARN_Q1", level, **d).value, "median": f("EARN_MED", level, **d).value,
                 "q3": f("EARN_Q3", level, **d).value, "reason": f("EARN_MED", level, **d).reason}
                for label, level, d in peers], currency))
        self.extra[f"programmes/{self.slugs[code]}/{self.slugs[code]}.csv"] = self._programme_csv(code)
        offered_by = [self.providers.loc[c, "name"] for c in self.offered_by.get(code, ()) if c in self.providers.index]
        hidden = [fg for fg in headline + [earn] if not fg.published]
        return Page(self.programme_url(code), "programme.html", p.name, "programmes", {
            "programme": p, "country": self.country_name(geo), "country_url": self.country_url(geo),
            "field_label": isced_fields()[field_code].label, "narrow_label": isced_fields()[p.isced_f].label,
            "providers": offered_by,
            "headline": headline, "emp": emp, "earn": earn, "in_ten": in_ten(emp),
            "months_words": months_words(self.months), "comparison": comparison, "hidden": hidden,
            "csv": f"{self.slugs[code]}.csv", "pooled": self.pooled,
        }, charts=charts, description=f"Where graduates of {p.name} in {self.country_name(geo)} went after finishing.")

    def _programme_csv(self, code: str) -> bytes:
        """The programme's published figures (all indicators, cohorts and points) as CSV."""
        if not hasattr(self, "_by_programme"):
            cells = self.safe.cells
            at_level = cells[cells["level"] == "programme"]
            self._by_programme = {k: v for k, v in at_level.groupby("programme_code", sort=False)}
        rows = self._by_programme.get(code)
        table = published_frame(rows) if rows is not None else pd.DataFrame()
        return csv_bytes(table)

    def compare(self, rows: list[dict]) -> Page:
        indicators = ("EMP", "PLACE", "RELEVANT", "FT_SHARE", "EARN_MED", "COVERAGE")
        programmes = []
        for p in self.programmes.itertuples():
            dims = {"geo": p.geo, "field": p.isced_f[:2], "programme": p.programme_code}
            programmes.append({
                "code": p.programme_code, "name": p.name, "country": self.country_name(p.geo), "eqf": int(p.eqf_level),
                "url": relative_url("compare/index.html", self.programme_url(p.programme_code)),
                "figures": {i: {"text": figure_text(self.fig(i, "programme", **dims))} for i in indicators},
            })
        payload = {"months_words": months_words(self.months), "programmes": programmes,
                   "indicators": [{"id": i, "label": DEFINITIONS[i].label} for i in indicators]}
        self.extra["assets/programmes-data.js"] = ("window.ONTRACK_PROGRAMMES = " + script_json(payload) + ";\n").encode()
        return Page("compare/index.html", "compare.html", "Compare programmes", "compare", {
            "rows": rows, "months_words": months_words(self.months), "limit": 6,
        }, description="Compare up to six programmes side by side.")

    def countries_index(self) -> Page:
        return Page("countries/index.html", "countries.html", "Countries", "countries", {
            "profiles": self.content.countries, "status_map": self.status_map(),
            "with_data": set(self.geos), "statuses": STATUS_ORDER,
        }, description="How far each European country has come with tracking its VET graduates.")

    def country(self, profile: CountryProfile) -> Page:
        from .prose import markdown_to_html

        geo = profile.geo
        fields = isced_fields()
        by_field = []
        if geo in self.geos:
            for fc in sorted({p[:2] for p in self.programmes.loc[self.programmes["geo"] == geo, "isced_f"]}):
                by_field.append({"field": fields[fc].label,
                                 "emp": self.fig("EMP", "country_field", geo=geo, field=fc),
                                 "relevant": self.fig("RELEVANT", "country_field", geo=geo, field=fc)})
        national = self.fig("EMP", "country", geo=geo) if geo in self.geos else None
        bench = self.benchmark[self.benchmark["geo"].isin([geo, EU_CODE])]
        charts = []
        if profile.timeline:
            charts.append(chart_designs.timeline_chart([{"year": t.year, "status": t.status} for t in profile.timeline]))
        own = bench[bench["geo"] == geo]
        if len(own):
            charts.append(chart_designs.benchmark_chart(
                [{"label": f"{geo_name(r.geo) if r.geo == EU_CODE else profile.name} {r.year}", "value": float(r.value),
                  "source": "Eurostat/Cedefop"} for r in bench.sort_values(["geo", "year"]).itertuples()],
                target=EU_TARGET))
        return Page(self.country_url(geo), "country.html", profile.name, "countries", {
            "profile": profile, "body": markdown_to_html(profile.body, shift_headings=0),
            "by_field": by_field, "national": national, "has_data": geo in self.geos,
            "benchmark": own.to_dict("records"), "eu_benchmark": bench[bench["geo"] == EU_CODE].to_dict("records"),
            "target": EU_TARGET, "target_year": EU_TARGET_YEAR, "target_source": EU_TARGET_SOURCE,
            "package": next((p for p in self.packages if p.geo == geo), None),
            "dataset_jsonld": self.dataset_jsonld(next((p.name for p in self.packages if p.geo == geo), "")),
            "programmes": [r for r in self._rows if r["geo"] == geo],
        }, charts=charts, description=f"Graduate tracking in {profile.name}: who runs it, what it measures, and the figures.")

    def guide_pages(self) -> list[Page]:
        from .prose import headings, markdown_to_html

        chapters = self.content.guide
        pages = [Page("guide/index.html", "guide_index.html", "Implementation guide", "guide",
                      {"chapters": chapters}, description="How a VET provider sets up graduate tracking.")]
        for i, doc in enumerate(chapters):
            html = markdown_to_html(doc.body)
            pages.append(Page(f"guide/{slugify(doc.slug)}/index.html", "guide_chapter.html", doc.title, "guide", {
                "doc": doc, "body": html, "toc": headings(html), "number": i + 1,
                "previous": chapters[i - 1] if i else None,
                "next": chapters[i + 1] if i + 1 < len(chapters) else None,
            }, description=doc.summary))
        return pages

    def data_page(self) -> Page:
        return Page("data/index.html", "data.html", "Open data", "data", {
            "packages": self.packages, "site_package": self.packages[0],
            "country_packages": self.packages[1:],
            "open_data": self.open_data, "dataset_jsonld": self.dataset_jsonld(self.packages[0].name),
            "changelog": "changelog" in self.content.pages,
        }, description="Download the published figures as Frictionless data packages.")

    def dataset_jsonld(self, package_name: str):
        """A package's schema.org Dataset, ready for a <script> element; None without it or without a base URL."""
        meta = self.open_data.dataset(package_name) if self.open_data and self.open_data.base else None
        return script_json(dataset_jsonld(meta, self.config, self.open_data.base, self.release)) if meta else None

    def dictionary_page(self) -> Page | None:
        """Every published resource and field, and the input files, from their Table Schemas."""
        if self.open_data is None:
            return None
        return Page("data/dictionary/index.html", "dictionary.html", "Data dictionary", "data", {
            "dictionary": self.open_data.dictionary, "packages": self.packages,
        }, description="Every published file and column: type, unit, allowed codes and meaning; "
                       "the indicator definitions.")

    def content_page(self, slug: str, section: str) -> Page | None:
        from .prose import markdown_to_html

        doc = self.content.pages.get(slug)
        if doc is None:
            return None
        context = {"doc": doc, "body": markdown_to_html(doc.body)}
        if slug == "methodology":
            context |= {"definitions": list(DEFINITIONS.values()), "options": self.config.disclosure,
                        "report": self.report.counts.to_dict("records"), "pooled": self.pooled,
                        "months": self.months}
        return Page(f"{slug}/index.html", "page.html", doc.title, section, context, description=doc.summary)

    def build(self) -> Site:
        self._rows = self.programme_rows()
        pages = [self.home(), self.programmes_index(self._rows), self.compare(self._rows), self.countries_index()]
        pages += [self.programme(p) for p in self.programmes.itertuples()]
        pages += [self.country(c) for c in self.content.countries]
        pages += self.guide_pages()
        pages.append(self.data_page())
        pages += [p for p in [self.dictionary_page()] if p is not None]
        for slug, section in (("methodology", "methodology"), ("about", "about"), ("accessibility", "about"),
                              ("privacy", "about"), ("changelog", "data")):
            page = self.content_page(slug, section)
            if page is not None:
                pages.append(page)
        pages.append(Page("404.html", "404.html", "Page not found", "", {}))
        return Site(self.config, self.release, pages, self.content.guide, self.extra)


def _share(figure: Figure) -> dict:
    return {"share": figure.value, "reason": figure.reason}


def _share_row(label: str, figure: Figure) -> dict:
    return {"group": label, "share": figure.value, "ci_low": figure.ci_low, "ci_high": figure.ci_high,
            "base": figure.base, "reason": figure.reason}


def build_site(config, content, safe, programmes, providers, benchmark, packages, release, report,
               offered_by, open_data=None) -> Site:
    """The site model for these inputs."""
    return SiteBuilder(config, content, safe, programmes, providers, benchmark, packages, release, report,
                       offered_by, open_data).build()
