"""What a data portal needs to know about each published data package, gathered once.

The DCAT-AP catalogue (``dcat.py``) and the schema.org ``Dataset`` of each
dataset page (``schemaorg.py``) both describe the same datasets; this module
works out their facts (titles, countries, cohort years, files with their sizes
and SHA-256 checksums of the final bytes) so that the two can never disagree.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from dataclasses import dataclass

import pandas as pd
import pycountry

from ..codelists import EU_CODE, geo_name, iso_alpha2, isced_fields
from ..config import Config
from ..errors import Problem, raise_if
from ..paths import CROSS_COUNTRY_PAGE, FIELDS_PAGE, PROVIDERS_PAGE, country_url, field_page_codes, field_url, \
    provider_url, report_path
from .packages import PackageInfo

#: Where the catalogue is written, relative to the output root.
CATALOGUE_JSONLD = "data/catalog.jsonld"
CATALOGUE_TURTLE = "data/catalog.ttl"

DATA_PAGE = "data/index.html"

#: File extension -> (EU file-type authority code, IANA media type).
FILE_TYPES = {
    "csv": ("CSV", "text/csv"),
    "json": ("JSON", "application/json"),
    "zip": ("ZIP", "application/zip"),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "jsonld": ("JSON_LD", "application/ld+json"),
    "ttl": ("RDF_TURTLE", "text/turtle"),
}

#: Added to each country package's short description, so that a portal's listing says what is inside.
COUNTRY_DETAIL = ("Employment, further study, job relevance, sector and earnings of VET graduates per programme, "
                  "provider and field of education, after disclosure control (counts rounded, small groups hidden), "
                  "with the code lists they use, the country's tracking timeline and published benchmark figures.")


@dataclass(frozen=True)
class FileMeta:
    """One downloadable file of a dataset (a DCAT distribution, a schema.org DataDownload)."""

    title: str
    path: str              # relative to the output root
    bytes: int
    sha256: str

    @property
    def extension(self) -> str:
        return posixpath.splitext(self.path)[1].lstrip(".").lower()

    @property
    def media_type(self) -> str:
        return FILE_TYPES[self.extension][1]

    @property
    def file_type(self) -> str:
        return FILE_TYPES[self.extension][0]


@dataclass(frozen=True)
class PageMeta:
    """A page or document of the site that presents a dataset's figures (DCAT ``foaf:page``, "documentation")."""

    title: str
    path: str                         # relative to the output root
    language: str                     # the site language it is written in (``en``)


@dataclass(frozen=True)
class DatasetMeta:
    """One published data package as a dataset: the whole site's, or one country's."""

    name: str
    title: str
    description: str
    geo: str                          # '' for the whole-site package
    geos: tuple[str, ...]             # the countries and regions it covers
    landing_page: str                 # the page that presents it, relative to the output root
    keywords: tuple[str, ...]
    cohort_years: tuple[int, int]     # first and last cohort (year of qualification) covered
    files: tuple[FileMeta, ...]
    pages: tuple[PageMeta, ...] = ()  # the pages (and quality reports) that present its figures

    @property
    def countries_iso3(self) -> tuple[str, ...]:
        """ISO 3166-1 alpha-3 codes of the countries covered (a region counts as its country)."""
        return tuple(sorted({iso_alpha3(g) for g in self.geos}))


def iso_alpha3(geo: str) -> str:
    """ISO 3166-1 alpha-3 of a geo code (EL -> GRC, BE-VLG -> BEL), as the EU country authority uses."""
    return pycountry.countries.get(alpha_2=iso_alpha2(geo)).alpha_3


def language_code(language: str) -> str:
    """ISO 639 three-letter code of a language (``en`` -> ``ENG``), as the EU language authority uses."""
    found = pycountry.languages.get(alpha_2=language) or pycountry.languages.get(alpha_3=language)
    return (found.alpha_3 if found else language).upper()


def site_url(config: Config) -> str | None:
    """The site's absolute URL ending in '/', or None when ``site.base_url`` is not set.

    The catalogue and the schema.org metadata need absolute URLs: without a base
    URL they are left out of the build (README.md, "Open data").
    """
    base = config.site.base_url.strip()
    if not base:
        return None
    if not base.startswith(("https://", "http://")):
        raise_if([Problem("content/site.toml", None, "site.base_url", "type",
                          f"must be an absolute http(s) URL such as https://example.org/ontrack/, not {base!r}")])
    return base.rstrip("/") + "/"


def absolute(base: str, path: str) -> str:
    """The absolute URL of an output file; a folder's index.html becomes the folder's URL."""
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return base + path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_meta(title: str, path: str, files: dict[str, bytes]) -> FileMeta:
    """Size and checksum of the bytes that will be written at ``path``."""
    data = files[path]
    return FileMeta(title, path, len(data), sha256(data))


def _cohort_years(indicators: pd.DataFrame, geo: str) -> tuple[int, int]:
    """First and last cohort in the indicators of ``geo`` (of all geos when it has none, or for '')."""
    cohorts = indicators.loc[indicators["geo"] == geo, "cohort"] if geo else indicators["cohort"]
    if cohorts.empty:
        cohorts = indicators["cohort"]
    years = sorted({int(y) for span in cohorts.unique() for y in str(span).split("-")})
    return years[0], years[-1]


def directory_pages(programmes: pd.DataFrame, providers: pd.DataFrame, languages: tuple[str, ...],
                    reports: bool) -> dict[str, tuple[PageMeta, ...]]:
    """The provider, field and cross-country pages by the geo of the package whose tables they show ('' for the
    whole site's): each provider's page (and its quality reports, one per language, when ``reports``) with its
    country's package; the field pages, the two indexes and the cross-country page with the whole site's.

    Pages in the site's first language (the others are its translations); a report in every language.
    """
    lang = languages[0]
    whole = [PageMeta("Providers: every VET provider and its programmes", PROVIDERS_PAGE, lang),
             PageMeta("Fields of study: every field with programmes, by country", FIELDS_PAGE, lang),
             PageMeta("Countries against the EU target (reference figures)", CROSS_COUNTRY_PAGE, lang)]
    fields = isced_fields()
    whole += [PageMeta(f"Field of study: {fields[code].label}", field_url(code), lang)
              for code in field_page_codes(programmes["isced_f"])]
    pages: dict[str, list[PageMeta]] = {"": whole}
    for row in providers.sort_values("provider_code").itertuples():
        listed = pages.setdefault(row.geo, [])
        listed.append(PageMeta(f"Provider: {row.name}", provider_url(row.provider_code), lang))
        if reports:
            listed += [PageMeta(f"Quality report: {row.name} (PDF)", report_path(row.provider_code, code), code)
                       for code in languages]
    return {geo: tuple(listed) for geo, listed in pages.items()}


def dataset_metadata(packages: list[PackageInfo], files: dict[str, bytes], indicators: pd.DataFrame,
                     profiled: set[str], workbook: str | None = None,
                     pages: dict[str, tuple[PageMeta, ...]] | None = None) -> list[DatasetMeta]:
    """One ``DatasetMeta`` per package, its files measured in ``files`` (the final bytes).

    ``indicators`` is the whole-site indicators table (for the cohorts each package
    covers); ``profiled`` the geos that have a country page; ``workbook`` the path of
    the Excel workbook of the whole-site package, if there is one; ``pages`` the pages that
    present each package's figures, by its geo (``directory_pages``).
    """
    pages = pages or {}
    geos = sorted({p.geo for p in packages if p.geo})
    datasets = []
    for package in packages:
        descriptor = json.loads(files[package.descriptor_path])
        description = descriptor["description"]
        if package.geo:
            description = f"{description} {COUNTRY_DETAIL}"
        listed = [file_meta(f"{package.title}: all files as one ZIP", package.zip_path, files),
                  file_meta(f"{package.title}: datapackage.json (Frictionless metadata and Table Schemas)",
                            package.descriptor_path, files)]
        if workbook and not package.geo:
            listed.append(file_meta(f"{package.title}: Excel workbook", workbook, files))
        listed += [file_meta(f"{r.title} ({r.name}.csv)", r.path, files) for r in package.resources]
        datasets.append(DatasetMeta(
            name=package.name, title=package.title, description=description, geo=package.geo,
            geos=(package.geo,) if package.geo else tuple(g for g in geos if g != EU_CODE),
            landing_page=country_url(package.geo) if package.geo in profiled else DATA_PAGE,
            keywords=tuple(descriptor.get("keywords", ())) + ((geo_name(package.geo),) if package.geo else ()),
            cohort_years=_cohort_years(indicators, package.geo),
            files=tuple(listed), pages=pages.get(package.geo, ())))
    return datasets

