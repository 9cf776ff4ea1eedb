"""schema.org ``Dataset`` metadata for a dataset page, as search engines read it (JSON-LD in the head).

Google's dataset search documents which properties it requires (name,
description of 50 to 5,000 characters) and recommends; this gives all of those
that the release knows, from the same ``DatasetMeta`` as the DCAT-AP catalogue.
"""

from __future__ import annotations

import datetime as dt

from ..codelists import geo_name
from ..config import Config
from ..definitions import DEFINITIONS
from .metadata import CATALOGUE_JSONLD, DATA_PAGE, DatasetMeta, absolute

MEASUREMENT = ("Graduate tracking: graduate surveys and linked administrative registers, observed 6 to 36 months "
               "after graduation; indicators after disclosure control (counts rounded, small groups hidden).")


def dataset_jsonld(meta: DatasetMeta, config: Config, base: str, release: dt.datetime) -> dict:
    """The schema.org Dataset of one data package, every URL absolute under ``base``."""
    site = config.site
    organisation = {"@type": "Organization", "name": site.publisher, "url": base,
                    **({"email": site.contact_email} if site.contact_email else {})}
    first, last = meta.cohort_years
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": meta.title,
        "description": meta.description,
        "url": absolute(base, meta.landing_page),
        "identifier": absolute(base, CATALOGUE_JSONLD) + f"#dataset/{meta.name}",
        "keywords": list(meta.keywords),
        "license": site.licence_terms.url,
        "isAccessibleForFree": True,
        "creator": organisation,
        "publisher": organisation,
        "version": site.data_version,
        "datePublished": release.date().isoformat(),
        "dateModified": release.date().isoformat(),
        "inLanguage": site.languages[0],
        "temporalCoverage": f"{first}/{last}" if first != last else str(first),
        "spatialCoverage": [{"@type": "Place", "name": geo_name(g)} for g in meta.geos],
        "measurementTechnique": MEASUREMENT,
        "variableMeasured": sorted({d.label for d in DEFINITIONS.values() if not d.id.startswith("SECTOR_")}),
        "distribution": [{"@type": "DataDownload", "name": f.title, "encodingFormat": f.media_type,
                          "contentUrl": absolute(base, f.path), "contentSize": f"{f.bytes} B"} for f in meta.files],
        "includedInDataCatalog": {"@type": "DataCatalog", "name": f"{site.title}: open data",
                                  "url": absolute(base, DATA_PAGE)},
    }
