"""The DCAT-AP 3 catalogue of the release, as JSON-LD and Turtle, for data portals to harvest.

One ``dcat:Catalog`` with a ``dcat:Dataset`` per data package and a
``dcat:Distribution`` per file. Each dataset's ``foaf:page`` ("documentation")
are the site's pages that present its figures besides its landing page: the
provider pages with their country's package, the field pages, the directory's
indexes and the cross-country page with the whole site's, and the providers'
quality reports (PDF, one per language) when the build makes them. They are
documents about the data, not representations of it, so not distributions. Controlled values come from the EU
vocabularies (data theme, country, language, file type, licence) and IANA
media types. The shapes in ``tests/dcat-ap/`` check every property's class, so
every object we point at is typed here (a harvester does not dereference them).

Serialisation is deterministic: Turtle from rdflib's sorted serialiser, JSON-LD
re-sorted (its arrays are sets), blank nodes named from what they describe.
"""

from __future__ import annotations

import datetime as dt
import json

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from ..config import Config
from .metadata import CATALOGUE_JSONLD, CATALOGUE_TURTLE, DatasetMeta, absolute, language_code

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
EU = "http://publications.europa.eu/resource/authority/"
DATA_THEME = URIRef(EU + "data-theme")
EDUCATION = URIRef(EU + "data-theme/EDUC")
LICENCE = URIRef(EU + "licence/CC_BY_4_0")
IANA = "http://www.iana.org/assignments/media-types/"
DATA_PACKAGE_STANDARD = URIRef("https://datapackage.org/standard/data-package/")
#: DCAT 3 term, missing from rdflib's (DCAT 2) closed namespace.
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")

PREFIXES = {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "skos": SKOS, "spdx": SPDX, "vcard": VCARD, "xsd": XSD}


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def catalogue_graph(datasets: list[DatasetMeta], config: Config, base: str, release: dt.datetime) -> Graph:
    """The catalogue as an RDF graph; every URL absolute under ``base``."""
    site = config.site
    g = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        g.bind(prefix, namespace)
    here = absolute(base, CATALOGUE_JSONLD) + "#"
    day = Literal(release.date().isoformat(), datatype=XSD.date)

    def typed(iri: str, *classes) -> URIRef:
        node = URIRef(iri)
        for cls in classes:
            g.add((node, RDF.type, cls))
        return node

    publisher = typed(here + "publisher", FOAF.Agent, FOAF.Organization)
    g.add((publisher, FOAF.name, _en(site.publisher)))
    homepage = typed(base, FOAF.Document)
    g.add((publisher, FOAF.homepage, homepage))
    contact = typed(here + "contact", VCARD.Kind, VCARD.Organization)
    g.add((contact, VCARD.fn, _en(site.publisher)))
    if site.contact_email:
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{site.contact_email}")))
    else:
        g.add((contact, VCARD.hasURL, URIRef(base)))
    licence = typed(LICENCE, DCTERMS.LicenseDocument)
    theme = typed(EDUCATION, SKOS.Concept)
    g.add((theme, SKOS.prefLabel, _en("Education, culture and sport")))
    g.add((theme, SKOS.inScheme, DATA_THEME))
    taxonomy = typed(DATA_THEME, SKOS.ConceptScheme)
    g.add((taxonomy, DCTERMS.title, _en("Data theme")))
    languages = [typed(f"{EU}language/{language_code(lang)}", DCTERMS.LinguisticSystem) for lang in site.languages]
    pdf = URIRef(f"{EU}file-type/PDF")

    catalogue = typed(here + "catalogue", DCAT.Catalog)
    g.add((catalogue, DCTERMS.title, _en(f"{site.title}: open data")))
    g.add((catalogue, DCTERMS.description, _en(f"{site.description} The data packages of release "
                                                f"{site.data_version}: the whole site's and one per country.")))
    g.add((catalogue, DCTERMS.publisher, publisher))
    g.add((catalogue, FOAF.homepage, homepage))
    g.add((catalogue, DCTERMS.issued, day))
    g.add((catalogue, DCTERMS.modified, day))
    g.add((catalogue, DCTERMS.license, licence))
    g.add((catalogue, DCAT.themeTaxonomy, taxonomy))
    for language in languages:
        g.add((catalogue, DCTERMS.language, language))

    for meta in datasets:
        dataset = typed(here + f"dataset/{meta.name}", DCAT.Dataset)
        g.add((catalogue, DCAT.dataset, dataset))
        g.add((dataset, DCTERMS.title, _en(meta.title)))
        g.add((dataset, DCTERMS.description, _en(meta.description)))
        g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
        g.add((dataset, DCAT_VERSION, Literal(site.data_version)))
        g.add((dataset, DCTERMS.issued, day))
        g.add((dataset, DCTERMS.modified, day))
        g.add((dataset, DCTERMS.publisher, publisher))
        g.add((dataset, DCAT.contactPoint, contact))
        g.add((dataset, DCAT.theme, theme))
        landing = typed(absolute(base, meta.landing_page), FOAF.Document)
        g.add((dataset, DCAT.landingPage, landing))
        for page in meta.pages:
            document = typed(absolute(base, page.path), FOAF.Document)
            g.add((document, DCTERMS.title, _en(page.title)))
            g.add((document, DCTERMS.language,
                   typed(f"{EU}language/{language_code(page.language)}", DCTERMS.LinguisticSystem)))
            if page.path.endswith(".pdf"):
                g.add((document, DCTERMS.format, typed(pdf, DCTERMS.MediaTypeOrExtent)))
            g.add((dataset, FOAF.page, document))
        for keyword in meta.keywords:
            g.add((dataset, DCAT.keyword, _en(keyword)))
        for language in languages:
            g.add((dataset, DCTERMS.language, language))
        for iso3 in meta.countries_iso3:
            g.add((dataset, DCTERMS.spatial, typed(f"{EU}country/{iso3}", DCTERMS.Location)))
        period = BNode(f"period-{meta.name}")
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(str(meta.cohort_years[0]), datatype=XSD.gYear)))
        g.add((period, DCAT.endDate, Literal(str(meta.cohort_years[1]), datatype=XSD.gYear)))
        g.add((dataset, DCTERMS.temporal, period))
        for file in meta.files:
            distribution = typed(here + f"distribution/{meta.name}/{file.path.rsplit('/', 1)[-1]}", DCAT.Distribution)
            g.add((dataset, DCAT.distribution, distribution))
            g.add((distribution, DCTERMS.title, _en(file.title)))
            g.add((distribution, DCAT.accessURL, landing))
            g.add((distribution, DCAT.downloadURL, URIRef(absolute(base, file.path))))
            g.add((distribution, DCTERMS.format, typed(f"{EU}file-type/{file.file_type}", DCTERMS.MediaTypeOrExtent)))
            g.add((distribution, DCAT.mediaType, typed(IANA + file.media_type, DCTERMS.MediaType)))
            g.add((distribution, DCTERMS.license, licence))
            g.add((distribution, DCTERMS.issued, day))
            g.add((distribution, DCTERMS.modified, day))
            g.add((distribution, DCAT.byteSize, Literal(str(file.bytes), datatype=XSD.nonNegativeInteger)))
            if file.path.endswith("datapackage.json"):
                g.add((distribution, DCTERMS.conformsTo, typed(DATA_PACKAGE_STANDARD, DCTERMS.Standard)))
            checksum = BNode(f"checksum-{meta.name}-{file.path.rsplit('/', 1)[-1].replace('.', '-')}")
            g.add((checksum, RDF.type, SPDX.Checksum))
            g.add((checksum, SPDX.algorithm, typed(SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm)))
            g.add((checksum, SPDX.checksumValue, Literal(file.sha256, datatype=XSD.hexBinary)))
            g.add((distribution, SPDX.checksum, checksum))
    return g


def _sorted_jsonld(value):
    """JSON-LD with every array sorted: arrays of values are sets in JSON-LD, so the meaning is kept."""
    if isinstance(value, dict):
        return {k: _sorted_jsonld(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_jsonld(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def catalogue_files(datasets: list[DatasetMeta], config: Config, base: str, release: dt.datetime) -> dict[str, bytes]:
    """``data/catalog.jsonld`` and ``data/catalog.ttl``: the same graph, deterministic bytes."""
    graph = catalogue_graph(datasets, config, base, release)
    context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    document = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    jsonld = json.dumps(_sorted_jsonld(document), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    turtle = graph.serialize(format="longturtle")
    return {CATALOGUE_JSONLD: jsonld.encode("utf-8"), CATALOGUE_TURTLE: turtle.encode("utf-8")}

