"""Frictionless data packages (CSV + datapackage.json) and their ZIPs, as bytes in memory.

One package for the whole site at ``data/`` and one per country at
``data/<geo>/``; and each programme's figures as one CSV beside its page. Nothing is written here: the writer stages the bytes, and the
build validates each package with frictionless before the output is swapped in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

import pandas as pd

from ..codelists import geo_name
from ..config import Config
from ..disclosure import SafeTable
from ..paths import programme_csv_path, programme_slugs
from .tables import PublishedTable, published_frame


def licence_descriptor(config: Config) -> dict:
    """The site's licence as a Frictionless ``licenses`` entry."""
    licence = config.site.licence_terms
    return {"name": licence.id, "path": licence.url, "title": licence.title}


#: Resources kept whole in every country package (code lists), by name.
SHARED_RESOURCES = ("fields", "nace", "geo", "indicator_definitions")


@dataclass(frozen=True)
class ResourceInfo:
    name: str
    title: str
    path: str         # relative to the output root
    rows: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class PackageInfo:
    name: str
    title: str
    geo: str                  # '' for the whole-site package
    descriptor_path: str      # relative to the output root
    zip_path: str
    zip_bytes: int
    zip_sha256: str
    resources: tuple[ResourceInfo, ...]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Deterministic UTF-8 CSV with \\n line ends and empty cells for missing values."""
    return frame.to_csv(index=False, lineterminator="\n", na_rep="").encode("utf-8")


def zip_bytes(files: dict[str, bytes], when: dt.datetime) -> bytes:
    """A ZIP whose bytes depend only on the files and the date (sorted, fixed times and modes)."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_package(name: str, title: str, description: str, folder: str, tables: list[PublishedTable],
                  config: Config, created: dt.datetime, geo: str = "") -> tuple[dict[str, bytes], PackageInfo]:
    """The files of one package under ``folder`` and what the catalogue needs to know about it."""
    files: dict[str, bytes] = {}
    resources, infos = [], []
    for table in tables:
        data = csv_bytes(table.frame)
        path = f"{table.name}.csv"
        files[path] = data
        schema = {"$schema": "https://datapackage.org/profiles/2.0/tableschema.json", **table.schema}
        resources.append({"name": table.name, "title": table.title, "path": path, "format": "csv",
                          "mediatype": "text/csv", "encoding": "utf-8", "bytes": len(data),
                          "hash": f"sha256:{_sha256(data)}", "schema": schema})
        infos.append(ResourceInfo(table.name, table.title, f"{folder}/{path}", len(table.frame), len(data), _sha256(data)))
    site = config.site
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": name,
        "title": title,
        "description": description,
        "version": site.data_version,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [licence_descriptor(config)],
        "contributors": [{"title": site.publisher, "roles": ["publisher"],
                          **({"email": site.contact_email} if site.contact_email else {})}],
        "keywords": ["vocational education and training", "VET", "graduate tracking", "EQAVET", "employment"],
        "sources": [{"title": "Graduate tracking records, aggregated and disclosure-controlled by ontrack"},
                    {"title": "Eurostat and Cedefop: employment rates of recent VET graduates",
                     "path": "https://ec.europa.eu/eurostat/statistics-explained/index.php/Employment_rates_of_recent_graduates"},
                    {"title": "Cedefop: Timeline of VET policies in Europe",
                     "path": "https://www.cedefop.europa.eu/en/tools/timeline-vet-policies-europe"}],
        "resources": resources,
    }
    files["datapackage.json"] = (json.dumps(descriptor, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode()
    archive = zip_bytes({f"{name}/{k}": v for k, v in files.items()}, created)
    zip_path = f"data/downloads/{name}-{site.data_version}.zip"
    out = {f"{folder}/{k}": v for k, v in files.items()}
    out[zip_path] = archive
    info = PackageInfo(name, title, geo, f"{folder}/datapackage.json", zip_path, len(archive), _sha256(archive),
                       tuple(infos))
    return out, info


def _for_geo(table: PublishedTable, geo: str) -> PublishedTable:
    frame = table.frame
    if table.name in SHARED_RESOURCES or "geo" not in frame:
        return table
    keep = frame["geo"] == geo
    if table.name == "employment_benchmark":
        keep = keep | (frame["geo"] == "EU27")
    return PublishedTable(table.name, table.title, frame[keep].reset_index(drop=True), table.schema)


def all_packages(tables: list[PublishedTable], geos: list[str], config: Config,
                 created: dt.datetime) -> tuple[dict[str, bytes], list[PackageInfo]]:
    """The whole-site package and one package per country with data."""
    site = config.site
    files, infos = build_package(
        "ontrack", f"{site.title}: VET graduate outcomes",
        f"{site.description} Indicators per programme, provider, field and country, after disclosure control "
        "(counts rounded, small groups hidden), with the code lists they use, each country's tracking timeline "
        "and real benchmark figures.", "data", tables, config, created)
    packages = [infos]
    for geo in geos:
        per_geo = [_for_geo(t, geo) for t in tables]
        name = f"ontrack-{geo.lower()}"
        more, info = build_package(
            name, f"{site.title}: VET graduate outcomes, {geo_name(geo)}",
            f"The figures for {geo_name(geo)} from the {site.title} release {site.data_version}.",
            f"data/{geo}", per_geo, config, created, geo)
        files.update(more)
        packages.append(info)
    return files, packages


def programme_csvs(safe: SafeTable, programmes: pd.DataFrame) -> dict[str, bytes]:
    """Each programme's published figures (every indicator, cohort and point) as CSV, beside its page."""
    cells = safe.cells
    # Formatted once for every programme, then split: formatting each programme's rows on its own cost 50 ms a
    # programme. The published order sorts by programme first, so each programme's rows keep the order they
    # would have had alone.
    published = published_frame(cells[cells["level"] == "programme"])
    by_programme = {k: v for k, v in published.groupby("programme_code", sort=False, observed=True)}
    files = {}
    for code, slug in programme_slugs(programmes).items():
        rows = by_programme.get(code)
        files[programme_csv_path(slug)] = csv_bytes(rows if rows is not None else pd.DataFrame())
    return files
