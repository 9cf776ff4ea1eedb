"""Provider and field pages, and "where can I study this" on programme pages.

A provider page shows one provider's programmes beside their field in the country and the country,
and the provider's own figures over cohorts and observation points; a field page shows every
programme of one ISCED-F field (broad, or narrow where programmes have it) with the field's figures
per country and across countries. Every number comes from the ``FigureIndex`` over the
``SafeTable``, as on the other pages: a hidden cell is a ``Figure`` without a value and with its
reason, never 0.

The published tables hold provider cells (geo, provider) and field cells at the broad level only;
programme cells pool every provider that offers the programme. The pages say so where it matters.
"""

from __future__ import annotations

from dataclasses import dataclass

from .charts import cohort_chart
from .codelists import EU_CODE, isced_fields
from .figures import Figure
from .i18n import N_
from .model import SiteContext
from .paths import FIELDS_PAGE, PROVIDERS_PAGE, field_page_codes, field_url, provider_url, report_path
from .words import beside, by_reason, months_words, share_row

#: The headline figures a provider or field page shows for each group (EQAVET 5 and 6, full time, earnings).
HEADLINE = ("EMP", "RELEVANT", "FT_SHARE", "EARN_MED")
#: Provider kinds as the providers code list spells them (schemas/providers.json), in words.
PROVIDER_KINDS = {"SCHOOL": N_("Vocational school"), "COLLEGE": N_("College"),
                  "TRAINING_CENTRE": N_("Training centre"), "COMPANY": N_("Company"), "OTHER": N_("Other provider")}
#: How many similar programmes a programme page lists; the narrow field's page has them all.
SIMILAR_LIMIT = 8


@dataclass(frozen=True)
class Group:
    """One comparison group of a table: its label, and its figures by indicator."""

    label: str
    figures: dict[str, Figure]
    unit: str = ""             # what the group is, for readers of the HTML: a programme code, a geo, 'all'


class Directory:
    """Provider and field pages of one language, from a ``SiteContext`` (its figures, names and URLs)."""

    def __init__(self, builder: SiteContext) -> None:
        self.b = builder
        self._ = builder._
        providers = builder.providers
        self.providers = providers.sort_values(["geo", "name"], key=lambda s: s.map(builder.lang.sort_key)
                                               if s.name == "name" else s)
        self.by_provider: dict[str, list] = {}
        for p in builder.programmes.itertuples():
            for code in builder.offered_by.get(p.programme_code, ()):
                self.by_provider.setdefault(code, []).append(p)

    # -- shared pieces -------------------------------------------------------------------------

    def kind_label(self, kind: str) -> str:
        return self._(PROVIDER_KINDS.get(kind, PROVIDER_KINDS["OTHER"]))

    def groups(self, p) -> list[Group]:
        """A programme's headline figures beside its field in its country and its country."""
        b, _ = self.b, self._
        geo, field = p.geo, p.isced_f[:2]
        country = b.country_name(geo)
        peers = [(_("This programme"), "programme", {"geo": geo, "field": field, "programme": p.programme_code}),
                 (_("{field} in {country}").format(field=b.field_label(field), country=country),
                  "country_field", {"geo": geo, "field": field}),
                 (_("All programmes in {country}").format(country=country), "country", {"geo": geo})]
        return [Group(label, {i: b.fig(i, level, **dims) for i in (*HEADLINE, "COVERAGE")}, level)
                for label, level, dims in peers]

    def provider_figures(self, code: str, geo: str, cohort: str | None = None, months: int | None = None) -> dict:
        b = self.b
        dims = {"geo": geo, "provider": code}
        if cohort is not None:
            dims["cohort"] = cohort
        if months is not None:
            dims["months"] = months
        return {i: b.fig(i, "provider", **dims) for i in (*HEADLINE, "COVERAGE")}

    def trend(self, code: str, geo: str, indicator: str) -> dict:
        """One provider indicator by cohort (rows, each cohort then the pooled cohorts) and observation point."""
        b = self.b
        cohorts = [str(c) for c in b.safe.cohorts] + [b.pooled]
        return {"indicator": indicator, "label": b.figures.get(indicator, level="provider", cohort=b.pooled,
                                                                months=b.months, lang=b.lang).label,
                "months": [(m, _months(b, m)) for m in b.safe.months],
                "rows": [(c, [b.fig(indicator, "provider", geo=geo, provider=code, cohort=c, months=m)
                              for m in b.safe.months]) for c in cohorts]}

    def programme_row(self, p) -> dict:
        b, _ = self.b, self._
        groups = self.groups(p)
        country = b.country_name(p.geo)
        # The programme page's own sentences: below, like or above, only as far as both intervals allow.
        emp = groups[0].figures["EMP"]
        verdicts = [beside(emp, groups[1].figures["EMP"], _("its field in {country}").format(country=country), b.lang),
                    beside(emp, groups[2].figures["EMP"], _("all programmes in {country}").format(country=country),
                           b.lang)]
        return {"code": p.programme_code, "name": p.name, "url": b.programme_url(p.programme_code),
                "country": country, "eqf": int(p.eqf_level), "narrow": p.isced_f,
                "narrow_label": self._(isced_fields()[p.isced_f].label), "groups": groups,
                "verdicts": [v for v in verdicts if v]}

    # -- provider pages ------------------------------------------------------------------------

    def provider_rows(self) -> list[dict]:
        b = self.b
        rows = []
        for code, r in self.providers.iterrows():
            own = self.provider_figures(code, r["geo"])
            rows.append({"code": code, "name": r["name"], "geo": r["geo"], "country": b.country_name(r["geo"]),
                         "kind": self.kind_label(r["kind"]), "url": provider_url(code),
                         "n_programmes": len(self.by_provider.get(code, [])), "emp": own["EMP"]})
        return rows

    def providers_index(self, rows: list[dict]):
        b = self.b
        countries = sorted({(r["geo"], r["country"]) for r in rows}, key=lambda c: b.lang.sort_key(c[1]))
        return b.page(PROVIDERS_PAGE, "providers.html", self._("Providers"), "providers", {
            "rows": rows, "countries": countries, "months_words": _months(b, b.months),
        }, description=self._("Every VET provider with its programmes and how its graduates fared."))

    def provider(self, code: str, r) -> object:
        b, _ = self.b, self._
        geo = r["geo"]
        country = b.country_name(geo)
        programmes = [self.programme_row(p) for p in self.by_provider.get(code, [])]
        own = self.provider_figures(code, geo)
        trends = [self.trend(code, geo, i) for i in ("EMP", "RELEVANT", "COVERAGE")]
        cohorts = [(str(c), b.fig("EMP", "provider", geo=geo, provider=code, cohort=str(c))) for c in b.safe.cohorts]
        # A provider in the code list with no graduate in this release: no figures to chart or tabulate.
        charts = [cohort_chart([share_row(c, fg) | {"cohort": c} for c, fg in cohorts], lang=b.lang)] if programmes else []
        trends = trends if programmes else []
        # Hidden figures of the page (the provider's own and its programmes' own), grouped by why.
        hidden = [fg for fg in own.values() if not fg.published] if programmes else []
        hidden += [fg for row in programmes for fg in row["groups"][0].figures.values() if not fg.published]
        all_hidden = bool(programmes) and all(not fg.published for row in programmes
                                              for fg in row["groups"][0].figures.values())
        name = r["name"]
        compare = "&".join(f"p={row['code']}" for row in programmes[:6])
        return b.page(provider_url(code), "provider.html", name, "providers", {
            "provider": {"code": code, "name": name, "kind": self.kind_label(r["kind"]), "geo": geo},
            "country": country, "country_url": b.country_url(geo), "own": own, "trends": trends,
            "programmes": programmes, "all_hidden": all_hidden, "reasons": by_reason(hidden),
            "n_hidden": len(hidden), "months_words": _months(b, b.months), "pooled": b.pooled,
            "compare_query": compare, "report": report_path(code, b.lang.code) if b.reports else None,
            "eu_latest": self.eu_latest(),
            "package": b.packages[0], "country_package": next((p for p in b.packages if p.geo == geo), None),
        }, charts=charts, description=_("{provider} in {country}: its programmes and how their graduates fared, "
                                        "beside the field and the country.").format(provider=name, country=country))

    def eu_latest(self) -> dict | None:
        """The latest EU27 reference figure (real, published; never mixed with the site's graduate figures)."""
        eu = self.b.benchmark[self.b.benchmark["geo"] == EU_CODE].sort_values("year")
        return {"value": float(eu.iloc[-1]["value"]), "year": int(eu.iloc[-1]["year"])} if len(eu) else None

    # -- field pages ---------------------------------------------------------------------------

    def field_codes(self) -> list[str]:
        """Broad fields with programmes, and each narrow field that programmes are coded to (not its broad one)."""
        return field_page_codes(self.b.programmes["isced_f"])

    def fields_index(self):
        b = self.b
        broad = []
        for code in self.field_codes():
            if len(code) == 2:
                narrow = [(c, b._(isced_fields()[c].label), field_url(c)) for c in self.field_codes()
                          if len(c) > 2 and c.startswith(code)]
                count = int((b.programmes["isced_f"].str[:2] == code).sum())
                broad.append({"code": code, "label": b.field_label(code), "url": field_url(code), "narrow": narrow,
                              "n": count, "emp": b.fig("EMP", "field", field=code)})
        return b.page(FIELDS_PAGE, "fields.html", self._("Fields of study"), "fields", {
            "fields": broad, "months_words": _months(b, b.months),
        }, description=self._("Every field of education and training with programmes on this site."))

    def field(self, code: str, rows: list[dict]):
        b, _ = self.b, self._
        broad = code[:2]
        label = b._(isced_fields()[code].label)
        members = b.programmes[b.programmes["isced_f"].str.startswith(code)]
        codes = set(members["programme_code"])
        shown = [r for r in rows if r["code"] in codes]
        geos = sorted(set(members["geo"]), key=lambda g: b.lang.sort_key(b.country_name(g)))
        by_country = [Group(b.country_name(g), {i: b.fig(i, "country_field", geo=g, field=broad)
                                                for i in (*HEADLINE, "COVERAGE")}, g) for g in geos]
        eu = Group(_("All countries on this site"), {i: b.fig(i, "field", field=broad)
                                                      for i in ("EMP", "RELEVANT", "FT_SHARE", "COVERAGE")}, "all")
        narrow = [(c, b._(isced_fields()[c].label), field_url(c)) for c in self.field_codes()
                  if len(c) > 2 and c.startswith(broad)]
        return b.page(field_url(code), "field.html", label, "fields", {
            "code": code, "label": label, "is_narrow": len(code) > 2,
            "broad_label": b.field_label(broad), "broad_url": field_url(broad), "narrow": narrow,
            "rows": shown, "by_country": by_country, "eu": eu, "months_words": _months(b, b.months),
            "countries": sorted({(r["geo"], r["country"]) for r in shown}, key=lambda c: b.lang.sort_key(c[1])),
            "fields": sorted({(r["field"], r["field_label"]) for r in shown}), "levels": sorted({r["eqf"] for r in shown}), "limit": 6, "pooled": b.pooled,
            "package": b.packages[0],
        }, description=_("Every programme in {field}, by country and provider, with the field's figures.").format(
            field=label))

    # -- where can I study this ----------------------------------------------------------------

    def where_to_study(self, p) -> dict:
        """The providers that offer a programme (with their own figures) and similar programmes, by the stated rule:
        the same narrow field and the same EQF level, in the same country first, then in other countries."""
        b = self.b
        offered = []
        for code in b.offered_by.get(p.programme_code, ()):
            if code in b.providers.index:
                r = b.providers.loc[code]
                offered.append({"code": code, "name": r["name"], "url": provider_url(code), "kind": self.kind_label(r["kind"]),
                                "emp": b.fig("EMP", "provider", geo=r["geo"], provider=code)})
        same = b.programmes[(b.programmes["isced_f"] == p.isced_f) & (b.programmes["eqf_level"] == p.eqf_level)
                            & (b.programmes["programme_code"] != p.programme_code)]
        here = same[same["geo"] == p.geo]
        elsewhere = same[same["geo"] != p.geo]
        ranked = list(here.itertuples()) + sorted(elsewhere.itertuples(),
                                                  key=lambda q: (b.lang.sort_key(b.country_name(q.geo)), q.name))
        # Only the ones shown are looked up (at 2,000 programmes a field and level has dozens in Europe).
        similar = [{"code": q.programme_code, "name": q.name, "url": b.programme_url(q.programme_code),
                    "country": b.country_name(q.geo), "same_country": q.geo == p.geo,
                    "provider": b.lang.join(b.provider_names(q.programme_code)),
                    "emp": b.fig("EMP", "programme", geo=q.geo, field=q.isced_f[:2], programme=q.programme_code)}
                   for q in ranked[:SIMILAR_LIMIT]]
        return {"offered": offered, "similar": similar, "n_similar": len(ranked), "narrow_url": field_url(p.isced_f)}

    def pages(self, rows: list[dict]) -> list:
        provider_rows = self.provider_rows()
        pages = [self.providers_index(provider_rows)]
        pages += [self.provider(code, r) for code, r in self.providers.iterrows()]
        pages.append(self.fields_index())
        pages += [self.field(code, rows) for code in self.field_codes()]
        return pages


def _months(builder, months: int) -> str:
    return months_words(months, builder.lang)


