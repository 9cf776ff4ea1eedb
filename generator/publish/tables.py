"""The published tables and their Table Schemas, made from a ``SafeTable`` and the code lists.

Values are formatted here once, so that every CSV, page and chart shows the
same digits: rates and intervals in percent with one decimal, means with one
decimal, earnings in whole currency units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..codelists import EU_CODE, geo_codes, geo_name, isced_fields, nace_sections
from ..disclosure import REASONS, SafeTable
from ..statuses import TIMELINE_STATUSES
from ..definitions import DEFINITIONS, DESTINATIONS, EARNINGS, LEVELS, SECTORS
from ..identities import offer_pairs
from ..inputs.content import CountryProfile
from ..inputs.reference import BENCHMARK_COLUMNS
from ..schemas import table_schema


@dataclass(frozen=True)
class PublishedTable:
    name: str
    title: str
    frame: pd.DataFrame
    schema: dict


def _field(name, type_, description, **constraints):
    spec = {"name": name, "type": type_, "description": description}
    if constraints:
        spec["constraints"] = constraints
    return spec


UNIT_OF = {"rate": "percent", "mean": "months", "quantile": "currency per month"}

_CELL_FIELDS = [
    _field("level", "string", "Level of the figure: programme, provider, country_field (a field within a country), "
           "country, field (across countries) or all (every country in this release).", required=True, enum=list(LEVELS)),
    _field("geo", "string", "Country or region; empty at the field and all levels."),
    _field("field", "string", "ISCED-F 2013 broad field (2 digits); empty where the figure covers every field."),
    _field("programme_code", "string", "Programme; empty above the programme level."),
    _field("provider_code", "string", "Provider; empty except at the provider level."),
    _field("cohort", "string", "Year the graduates qualified, or a span (e.g. 2021-2023) for cohorts pooled together.",
           required=True, pattern=r"\d{4}(-\d{4})?"),
    _field("months_after", "integer", "Observation point: months after graduation.", required=True, minimum=0),
]
_QUALITY_FIELDS = [
    _field("flag", "string", "c = confidential: not published (Eurostat's flag); empty when published.", enum=["c"]),
    _field("suppression_reason", "string", "Why a value is not published: " + "; ".join(
        f"{k}: {v.format(min_base='the minimum base', min_n_statistic='the minimum number')}" for k, v in REASONS.items()),
        enum=list(REASONS)),
]


def _fk(field, resource, target):
    return {"fields": field, "reference": {"resource": resource, "fields": target}}


_CELL_KEYS = [_fk("geo", "geo", "geo"), _fk("field", "fields", "code"),
              _fk("programme_code", "programmes", "programme_code"), _fk("provider_code", "providers", "provider_code")]


def _fmt(values: pd.Series, decimals: int) -> pd.Series:
    """Format numbers with a fixed number of decimals; missing stays empty."""
    out = values.round(decimals).map(lambda v: f"{v:.{decimals}f}", na_action="ignore").astype(object)
    return out.where(out.notna(), "")


def _published_values(cells: pd.DataFrame) -> pd.DataFrame:
    """Scaled and formatted value, interval and base columns of the safe cells."""
    rate = (cells["kind"] == "rate").to_numpy()
    quantile = (cells["kind"] == "quantile").to_numpy()
    scale = np.where(rate, 100.0, 1.0)
    value = pd.Series(cells["value"].to_numpy(dtype="float64") * scale, index=cells.index)
    out = pd.DataFrame(index=cells.index)
    out["value"] = np.where(quantile, _fmt(value, 0), _fmt(value, 1))
    out["ci_low"] = _fmt(cells["ci_low"] * 100.0, 1)
    out["ci_high"] = _fmt(cells["ci_high"] * 100.0, 1)
    out["base_rounded"] = cells["base_rounded"].astype("string").fillna("").astype(object)
    return out


def published_frame(part: pd.DataFrame) -> pd.DataFrame:
    """Safe cells in the published column layout, formatted and sorted."""
    frame = part[["level", "geo", "field", "programme_code", "provider_code", "cohort", "months_after", "indicator"]].copy()
    frame = pd.concat([frame, _published_values(part)], axis=1)
    frame["unit"] = part["kind"].map(UNIT_OF).to_numpy()
    frame["currency"] = part["currency"].to_numpy()
    frame["flag"] = part["flag"].to_numpy()
    frame["suppression_reason"] = part["suppression_reason"].to_numpy()
    return frame.sort_values(["level", "geo", "field", "programme_code", "provider_code", "cohort",
                              "months_after", "indicator"], kind="stable").reset_index(drop=True)


def indicator_tables(safe: SafeTable) -> dict[str, PublishedTable]:
    """indicators, destinations, sectors and earnings, in long format."""
    cells = safe.cells
    ids = cells["indicator"]
    groups = {
        "destinations": ids.isin(DESTINATIONS),
        "sectors": ids.isin(SECTORS),
        "earnings": ids.isin(EARNINGS),
    }
    groups["indicators"] = ~(groups["destinations"] | groups["sectors"] | groups["earnings"])
    titles = {
        "indicators": "Indicators: employment, placement, NEET, job relevance, full-time share, months in work, coverage",
        "destinations": "Destinations: shares working and studying, working only, studying only, unemployed, inactive",
        "sectors": "Sector of employment: shares of employed graduates by NACE Rev. 2 section",
        "earnings": "Gross monthly earnings of graduates employed full time: quartiles",
    }
    tables = {}
    for name, mask in groups.items():
        frame = published_frame(cells[mask.to_numpy()])
        value_desc = ("Value: a percentage for rates, months for MONTHS_EMP, currency units per month for earnings. "
                      "Empty when not published.")
        schema = {
            "fields": [
                *_CELL_FIELDS,
                _field("indicator", "string", "Indicator id; see the indicator_definitions resource.", required=True),
                _field("value", "number", value_desc),
                _field("ci_low", "number", "Lower bound of the 95% Wilson interval, in percent (rates only).",
                       minimum=0, maximum=100),
                _field("ci_high", "number", "Upper bound of the 95% Wilson interval, in percent (rates only).",
                       minimum=0, maximum=100),
                _field("base_rounded", "integer", f"Base (denominator) rounded to the nearest "
                       f"{safe.options.rounding_base}; empty when not published.", minimum=0),
                _field("unit", "string", "Unit of value.", required=True, enum=sorted(set(UNIT_OF.values()))),
                _field("currency", "string", "ISO 4217 currency of earnings; empty otherwise.", pattern="[A-Z]{3}"),
                *_QUALITY_FIELDS,
            ],
            "missingValues": [""],
            "foreignKeys": [*_CELL_KEYS, _fk("indicator", "indicator_definitions", "id")],
        }
        tables[name] = PublishedTable(name, titles[name], frame, schema)
    return tables


def code_list_tables(programmes: pd.DataFrame, providers: pd.DataFrame, geos: list[str],
                     offered_by: dict[str, tuple[str, ...]]) -> dict[str, PublishedTable]:
    """The code lists the indicator tables refer to, and which providers offer each programme (as its page
    lists them)."""
    prog = programmes.copy()
    prog["work_based"] = prog["work_based"].map({True: "true", False: "false"})
    for col in ("eqf_level", "duration_months"):
        prog[col] = prog[col].astype("Int64").astype("string")
    prog = prog.fillna("").sort_values("programme_code").reset_index(drop=True)
    fields = pd.DataFrame([{"code": c.code, "level": c.level, "label": c.label} for c in isced_fields().values()])
    nace = pd.DataFrame([{"code": c.code, "label": c.label} for c in nace_sections().values()])
    geo = pd.DataFrame([{"geo": g, "name": geo_name(g)} for g in sorted(set(geos) | {EU_CODE})])
    defs = pd.DataFrame([d.__dict__ for d in DEFINITIONS.values()])
    str_field = lambda n, d, **c: _field(n, "string", d, **c)  # noqa: E731
    return {
        "programmes": PublishedTable("programmes", "Programmes", prog, table_schema("programmes")),
        "providers": PublishedTable("providers", "Providers", providers.fillna("").sort_values("provider_code")
                                    .reset_index(drop=True), table_schema("providers")),
        "programme_providers": offers_table(prog, offered_by),
        "fields": PublishedTable("fields", "ISCED-F 2013 fields of education and training", fields, {
            "fields": [str_field("code", "ISCED-F 2013 code: 2 digits broad, 3 digits narrow.", required=True),
                       str_field("level", "broad or narrow.", required=True, enum=["broad", "narrow"]),
                       str_field("label", "Official English title.", required=True)],
            "primaryKey": ["code"]}),
        "nace": PublishedTable("nace", "NACE Rev. 2 sections", nace, {
            "fields": [str_field("code", "Section letter.", required=True),
                       str_field("label", "Official English title.", required=True)],
            "primaryKey": ["code"]}),
        "geo": PublishedTable("geo", "Countries and regions", geo, {
            "fields": [str_field("geo", "Eurostat country code, region code, or EU27.", required=True),
                       str_field("name", "English name (from pycountry's ISO 3166 data).", required=True)],
            "primaryKey": ["geo"]}),
        "indicator_definitions": PublishedTable("indicator_definitions", "Indicator definitions", defs, {
            "fields": [str_field("id", "Indicator id.", required=True),
                       str_field("label", "Plain-language name.", required=True),
                       str_field("numerator", "What is counted.", required=True),
                       str_field("denominator", "What it is counted among (the base).", required=True),
                       str_field("unit", "Unit of the published value.", required=True),
                       str_field("eqavet", "EQAVET indicator it serves, if any.")],
            "missingValues": [""], "primaryKey": ["id"]}),
    }


def context_tables(countries: tuple[CountryProfile, ...], benchmark: pd.DataFrame) -> dict[str, PublishedTable]:
    """The country timeline, data sources and the real benchmark figures."""
    timeline = pd.DataFrame([{"geo": c.geo, "year": t.year, "status": t.status,
                              "cedefop_id": "" if t.cedefop_id is None else str(t.cedefop_id)}
                             for c in countries for t in c.timeline], columns=["geo", "year", "status", "cedefop_id"])
    sources = pd.DataFrame([{"geo": c.geo, "type": c.data_source_type, "detail": d}
                            for c in countries for d in c.data_source_details], columns=["geo", "type", "detail"])
    bench = benchmark[BENCHMARK_COLUMNS].copy()
    bench["value"] = bench["value"].map(lambda v: f"{v:.1f}")
    bench["series_break"] = bench["series_break"].map({True: "true", False: "false"}).fillna("")
    geo_fk = [_fk("geo", "geo", "geo")]
    return {
        "country_timeline": PublishedTable("country_timeline", "Status of each country's graduate tracking, year by year",
            timeline, {"fields": [
                _field("geo", "string", "Country or region.", required=True),
                _field("year", "integer", "Year.", required=True),
                _field("status", "string", "Status in Cedefop's Timeline of VET policies in Europe.", required=True,
                       enum=[status.code for status in TIMELINE_STATUSES]),
                _field("cedefop_id", "integer", "Id of the entry in Cedefop's timeline.")],
                "missingValues": [""], "foreignKeys": geo_fk}),
        "data_sources": PublishedTable("data_sources", "Data sources of each country's graduate tracking", sources, {
            "fields": [_field("geo", "string", "Country or region.", required=True),
                       _field("type", "string", "administrative, survey or both.", required=True),
                       _field("detail", "string", "One data source or arrangement.", required=True)],
            "foreignKeys": geo_fk}),
        "employment_benchmark": PublishedTable("employment_benchmark",
            "Published employment rates of recent VET graduates (Eurostat, Cedefop)", bench,
            table_schema("reference_employment") | {"foreignKeys": geo_fk}),
    }


def geos_in(safe: SafeTable, countries, benchmark: pd.DataFrame | None = None) -> list[str]:
    """Every geo a published table refers to: in the figures, the country profiles and the benchmark."""
    present = set(safe.cells["geo"].unique()) - {""}
    # A project whose data cover fewer countries than the reference figures still publishes every benchmark
    # row, so the geo code list must name those countries too (the foreign key would fail otherwise).
    referenced = set(benchmark["geo"]) if benchmark is not None else set()
    return sorted(present | {c.geo for c in countries} | (set(geo_codes()) & present) | referenced)


def offers_table(programmes: pd.DataFrame, offered_by: dict[str, tuple[str, ...]]) -> PublishedTable:
    """Which providers' graduates each programme's figures count, one row per programme and provider.

    Programme and provider pages show it; a reader (and the privacy audit's attacker) can add a provider's
    programmes up to the provider's figures with it.
    """
    frame = offer_pairs(offered_by)
    geo = dict(zip(programmes["programme_code"], programmes["geo"]))
    frame.insert(0, "geo", frame["programme_code"].map(geo).fillna("").astype("str"))
    schema = table_schema("programme_providers")
    schema["description"] = ("Which providers' graduates each programme's figures count, one row per programme "
                             "and provider; a provider's figures add up from its programmes'.")
    schema["fields"].insert(0, _field("geo", "string", "Country of the programme.", required=True))
    return PublishedTable("programme_providers", "Providers of each programme",
                          frame.sort_values(["programme_code", "provider_code"]).reset_index(drop=True), schema)
