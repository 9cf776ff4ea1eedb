"""The release's open-data extras around the data packages: what portals harvest and analysts cite.

- ``data/downloads/ontrack-indicators-<version>.xlsx``: the whole-site package as an Excel workbook;
- ``data/CITATION.cff``: how to cite the release (Citation File Format 1.2.0);
- ``data/catalog.jsonld`` and ``data/catalog.ttl``: the DCAT-AP catalogue (only with ``site.base_url``);
- ``data/SHA256SUMS``: the checksum of every data file, made last, over the final bytes
  (``cd data && sha256sum -c SHA256SUMS``).

Also the data dictionary, each dataset's metadata and its schema.org JSON-LD, which the site model shows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

import openpyxl
import pandas as pd
import yaml

from ..cache import BuildCache
from ..config import Config
from ..inputs.content import CountryProfile
from .dcat import catalogue_files
from .dictionary import DataDictionary, data_dictionary
from .excel import indicator_workbook, workbook_path
from .metadata import CATALOGUE_JSONLD, CATALOGUE_TURTLE, DATA_PAGE, DatasetMeta, FileMeta, PageMeta, absolute, \
    dataset_metadata, file_meta, site_url
from .packages import PackageInfo
from .schemaorg import dataset_jsonld
from .tables import PublishedTable

CITATION = "data/CITATION.cff"
CHECKSUMS = "data/SHA256SUMS"
#: Bump when the workbook's layout changes, so that a cached workbook from before is not reused.
WORKBOOK_FORMAT = 1


@dataclass(frozen=True)
class OpenData:
    files: dict[str, bytes]                 # the extra output files, by path
    base: str | None                        # the site's absolute URL, None when not configured
    datasets: tuple[DatasetMeta, ...]       # one per package, in package order
    workbook: FileMeta
    citation: FileMeta
    checksums: FileMeta
    catalogue: tuple[FileMeta, ...]         # JSON-LD and Turtle; empty without a base URL
    dictionary: DataDictionary
    #: each package's schema.org Dataset (JSON-LD for its page's head), by package name; empty without a base URL
    schema_org: dict[str, dict] = field(default_factory=dict)

    def dataset(self, name: str) -> DatasetMeta | None:
        return next((d for d in self.datasets if d.name == name), None)


def citation_cff(config: Config, release: dt.datetime, base: str | None) -> bytes:
    """CITATION.cff for the data release (CFF 1.2.0, ``type: dataset``)."""
    site = config.site
    author = {"name": site.publisher, **({"email": site.contact_email} if site.contact_email else {})}
    if base:
        author["website"] = base
    cff = {
        "cff-version": "1.2.0",
        "message": "If you use these data, please cite them as below.",
        "type": "dataset",
        "title": f"{site.title}: VET graduate outcomes",
        "abstract": site.description,
        "version": site.data_version,
        "date-released": release.date(),
        "authors": [author],
        "license": site.licence,
        "keywords": ["vocational education and training", "graduate tracking", "EQAVET", "employment"],
    }
    if base:
        cff["url"] = absolute(base, DATA_PAGE)
        cff["repository-artifact"] = absolute(base, f"data/downloads/ontrack-{site.data_version}.zip")
    return yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=100).encode("utf-8")


def checksums_file(files: dict[str, bytes]) -> bytes:
    """``sha256sum`` format over every file under ``data/``, paths relative to ``data/``, sorted."""
    lines = [f"{hashlib.sha256(files[path]).hexdigest()}  {path[len('data/'):]}"
             for path in sorted(files) if path.startswith("data/") and path != CHECKSUMS]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _workbook_key(tables: list[PublishedTable], config: Config, release: dt.datetime) -> str:
    digest = hashlib.sha256(json.dumps([WORKBOOK_FORMAT, openpyxl.__version__, release.isoformat(),
                                        [config.site.title, config.site.description, config.site.publisher,
                                         config.site.data_version, config.site.base_url]]).encode())
    for table in tables:
        digest.update(json.dumps([table.name, table.title, table.schema], sort_keys=True).encode())
        digest.update(json.dumps(list(map(str, table.frame.columns))).encode())
        digest.update(pd.util.hash_pandas_object(table.frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def cached_workbook(tables: list[PublishedTable], config: Config, release: dt.datetime,
                    cache: BuildCache | None) -> bytes:
    """The workbook, from ``cache`` (kind ``workbook``) when these tables were written before (openpyxl takes ~10 s
    a million cells)."""
    if cache is None:
        return indicator_workbook(tables, config, release)
    return cache.get_or_compute("workbook", _workbook_key(tables, config, release),
                                lambda: indicator_workbook(tables, config, release))


def open_data(data_files: dict[str, bytes], packages: list[PackageInfo], tables: dict[str, PublishedTable],
              config: Config, release: dt.datetime, countries: tuple[CountryProfile, ...],
              cache: BuildCache | None = None, pages: dict[str, tuple[PageMeta, ...]] | None = None) -> OpenData:
    """The extra files of the release and the metadata the data pages show; checksums of the final bytes.

    ``countries`` are the country profiles: a country package's landing page is its profile page; ``pages``
    the other pages that present each package's figures, by its geo (``metadata.directory_pages``).
    """
    base = site_url(config)
    profiled = {c.geo for c in countries}
    files: dict[str, bytes] = {}
    ordered = list(tables.values())
    files[workbook_path(config)] = cached_workbook(ordered, config, release, cache)
    files[CITATION] = citation_cff(config, release, base)
    everything = {**data_files, **files}
    datasets = tuple(dataset_metadata(packages, everything, tables["indicators"].frame, profiled,
                                      workbook_path(config), pages))
    if base:
        files.update(catalogue_files(list(datasets), config, base, release))
    files[CHECKSUMS] = checksums_file({**data_files, **files})
    catalogue = tuple(file_meta(title, path, files) for title, path in
                      (("DCAT-AP catalogue (JSON-LD)", CATALOGUE_JSONLD), ("DCAT-AP catalogue (Turtle)", CATALOGUE_TURTLE))
                      if path in files)
    return OpenData(files=files, base=base, datasets=datasets,
                    workbook=file_meta("Excel workbook", workbook_path(config), files),
                    citation=file_meta("CITATION.cff", CITATION, files),
                    checksums=file_meta("SHA256SUMS", CHECKSUMS, files),
                    catalogue=catalogue, dictionary=data_dictionary(ordered, config.disclosure),
                    schema_org={d.name: dataset_jsonld(d, config, base, release) for d in datasets} if base else {})
