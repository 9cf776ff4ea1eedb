"""The DCAT-AP catalogue: valid against the official DCAT-AP 3.0.1 shapes, and true to the files it describes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH

from generator.config import Config
from generator.errors import InputError
from generator.publish.dcat import SPDX, catalogue_files, catalogue_graph
from generator.publish.metadata import DatasetMeta, FileMeta, iso_alpha3, site_url
from generator.paths import slugify

from conftest import DEMO_BASE_URL

pyshacl = pytest.importorskip("pyshacl")

SHAPES = Path(__file__).parent / "dcat-ap"
#: Property-shape references the official 3.0.1 files make without defining them (see dcat-ap/README.md).
EXPECTED_DANGLING = 5
BASE = DEMO_BASE_URL
EU = "http://publications.europa.eu/resource/authority/"


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(SHAPES / "3.0.1-dcat-ap-SHACL.ttl")
    graph.parse(SHAPES / "3.0.1-ranges.ttl")
    dangling = [t for t in graph.triples((None, SH.property, None)) if (t[2], SH.path, None) not in graph]
    assert len(dangling) == EXPECTED_DANGLING
    for triple in dangling:
        graph.remove(triple)
    return graph


def shacl_results(data: rdflib.Graph, shapes: rdflib.Graph) -> list[tuple[str, str, str]]:
    """Every validation result as (focus node, path, message), whatever its severity."""
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=False)
    return sorted((str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)),
                   str(report.value(r, SH.resultMessage))) for r in report.subjects(RDF.type, SH.ValidationResult))


@pytest.fixture(scope="module")
def catalogue(demo_build) -> rdflib.Graph:
    return rdflib.Graph().parse(demo_build / "data" / "catalog.ttl")


def test_the_catalogue_conforms_to_dcat_ap_3(catalogue, shapes):
    assert shacl_results(catalogue, shapes) == []


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside rdflib's parser
def test_the_json_ld_is_the_same_graph_and_conforms(demo_build, catalogue, shapes):
    jsonld = rdflib.Graph().parse(demo_build / "data" / "catalog.jsonld", format="json-ld")
    assert isomorphic(jsonld, catalogue)
    assert shacl_results(jsonld, shapes) == []


def test_the_shapes_do_catch_a_broken_catalogue(catalogue, shapes):
    """The check above is not vacuous: a dataset without a description, a size that is not a number, fail."""
    broken = rdflib.Graph()
    for triple in catalogue:
        broken.add(triple)
    dataset = next(broken.subjects(RDF.type, DCAT.Dataset))
    broken.remove((dataset, DCTERMS.description, None))
    distribution = next(broken.subjects(RDF.type, DCAT.Distribution))
    broken.set((distribution, DCAT.byteSize, rdflib.Literal("big")))
    paths = {path for _, path, _ in shacl_results(broken, shapes)}
    assert {str(DCTERMS.description), str(DCAT.byteSize)} <= paths


def test_every_checksum_and_size_is_that_of_the_file_in_the_build(demo_build, catalogue):
    distributions = list(catalogue.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) > 100
    for distribution in distributions:
        url = str(catalogue.value(distribution, DCAT.downloadURL))
        assert url.startswith(BASE), url
        data = (demo_build / url[len(BASE):]).read_bytes()
        assert int(catalogue.value(distribution, DCAT.byteSize)) == len(data), url
        checksum = catalogue.value(distribution, SPDX.checksum)
        assert catalogue.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(catalogue.value(checksum, SPDX.checksumValue)).lower() == hashlib.sha256(data).hexdigest(), url


def test_one_dataset_per_package_with_pages_that_exist(demo_build, catalogue):
    packages = sorted(demo_build.glob("data/**/datapackage.json"))
    datasets = list(catalogue.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == len(packages) == 15
    for dataset in datasets:
        landing = str(catalogue.value(dataset, DCAT.landingPage))
        assert (demo_build / landing[len(BASE):] / "index.html").exists(), landing
        assert catalogue.value(dataset, DCAT.theme) == rdflib.URIRef(EU + "data-theme/EDUC")
        assert str(catalogue.value(dataset, rdflib.URIRef("http://www.w3.org/ns/dcat#version"))) == "2026.2"
        assert str(catalogue.value(dataset, DCTERMS.issued)) == "2026-12-03"
        period = catalogue.value(dataset, DCTERMS.temporal)
        assert (str(catalogue.value(period, DCAT.startDate)), str(catalogue.value(period, DCAT.endDate))) == \
            ("2021", "2023")
        downloads = {str(catalogue.value(d, DCAT.downloadURL)).rsplit("/", 1)[-1]
                     for d in catalogue.objects(dataset, DCAT.distribution)}
        assert "datapackage.json" in downloads and any(name.endswith(".zip") for name in downloads)
        for distribution in catalogue.objects(dataset, DCAT.distribution):
            assert catalogue.value(distribution, DCTERMS.license) == rdflib.URIRef(EU + "licence/CC_BY_4_0")


def test_countries_are_eu_authority_uris_and_a_region_counts_as_its_country(catalogue):
    def spatial(name):
        dataset = rdflib.URIRef(f"{BASE}data/catalog.jsonld#dataset/{name}")
        return {str(o).rsplit("/", 1)[-1] for o in catalogue.objects(dataset, DCTERMS.spatial)}

    assert spatial("ontrack-at") == {"AUT"}
    assert spatial("ontrack-be-vlg") == {"BEL"}
    assert spatial("ontrack-el") == {"GRC"}
    assert {"AUT", "BEL", "GRC", "NOR"} <= spatial("ontrack")
    assert iso_alpha3("BE-FR") == "BEL"


def test_formats_and_media_types_come_from_the_vocabularies(catalogue):
    seen = {}
    for distribution in catalogue.subjects(RDF.type, DCAT.Distribution):
        name = str(catalogue.value(distribution, DCAT.downloadURL))
        seen[name.rsplit(".", 1)[-1]] = (str(catalogue.value(distribution, DCTERMS.format)).rsplit("/", 1)[-1],
                                         str(catalogue.value(distribution, DCAT.mediaType)).split("media-types/")[-1])
    assert seen == {"csv": ("CSV", "text/csv"), "json": ("JSON", "application/json"),
                    "zip": ("ZIP", "application/zip"),
                    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


def small_catalogue(order: int = 1) -> dict[str, bytes]:
    files = (FileMeta("a", "data/a.csv", 3, "ab" * 32), FileMeta("b", "data/downloads/b.zip", 5, "cd" * 32))
    metas = [DatasetMeta(f"set-{i}", f"Set {i}", "A set of figures described well enough for a portal.", "",
                         ("AT",), "data/index.html", ("VET", "EQAVET"), (2021, 2023), files[::order])
             for i in range(3)][::order]
    return catalogue_files(metas, Config(), BASE, dt.datetime(2026, 11, 1))


def test_same_metadata_same_bytes_whatever_the_order():
    assert small_catalogue(1) == small_catalogue(-1)


def test_the_contact_point_falls_back_to_the_site_url():
    config = Config()
    graph = catalogue_graph([], config, BASE, dt.datetime(2026, 11, 1))
    contact = rdflib.URIRef(f"{BASE}data/catalog.jsonld#contact")
    assert graph.value(contact, rdflib.URIRef("http://www.w3.org/2006/vcard/ns#hasURL")) == rdflib.URIRef(BASE)
    with_email = dataclasses.replace(config, site=dataclasses.replace(config.site, contact_email="data@example.org"))
    graph = catalogue_graph([], with_email, BASE, dt.datetime(2026, 11, 1))
    assert graph.value(contact, rdflib.URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")) == \
        rdflib.URIRef("mailto:data@example.org")


def test_the_catalogue_needs_an_absolute_base_url():
    def with_base(url):
        config = Config()
        return dataclasses.replace(config, site=dataclasses.replace(config.site, base_url=url))

    assert site_url(with_base("")) is None  # no catalogue then: it could only hold relative links
    assert site_url(with_base("https://example.org/x")) == "https://example.org/x/"
    with pytest.raises(InputError) as caught:
        site_url(with_base("example.org/x"))
    assert caught.value.problems[0].field == "site.base_url"


def _pages(catalogue: rdflib.Graph, base: str) -> dict[str, set[str]]:
    """Each dataset's ``foaf:page`` documents, as paths under ``base``, by the dataset's name."""
    return {str(d).rsplit("/", 1)[-1]: {str(p)[len(base):] for p in catalogue.objects(d, FOAF.page)}
            for d in catalogue.subjects(RDF.type, DCAT.Dataset)}


def _file(site: Path, path: str) -> Path:
    return site / path / "index.html" if path == "" or path.endswith("/") else site / path


def test_each_dataset_points_at_the_pages_that_present_its_figures(demo_project, demo_build, catalogue):
    """A portal's reader finds the provider, field and cross-country pages from the datasets whose tables they show:
    every provider page from its country's dataset, the field pages and the directory from the whole site's."""
    pages = _pages(catalogue, BASE)
    fields = {f"fields/{p.parent.name}/" for p in demo_build.glob("fields/*/index.html")}
    assert len(fields) > 10
    assert {"providers/", "fields/", "countries/eu-target/"} | fields <= pages["ontrack"]
    providers = pd.read_csv(demo_project / "datasets" / "demo" / "providers.csv", dtype=str)
    assert len(providers) > 50
    for row in providers.itertuples():
        assert f"providers/{slugify(row.provider_code)}/" in pages[f"ontrack-{row.geo.lower()}"], row.provider_code
    listed = set().union(*pages.values())
    assert len(listed) == len(providers) + len(fields) + 3  # each page under one dataset only, and nothing else
    for path in listed:
        assert _file(demo_build, path).is_file(), path
        assert not path.endswith(".pdf")  # no report in a plain build: none may be listed


def test_the_quality_reports_are_documents_of_their_country_dataset_in_their_language(reports_build, shapes):
    """With `ontrack reports`, each provider's reports (one per language) join its page, and the catalogue stays valid."""
    base = "https://example.org/golden/"
    catalogue = rdflib.Graph().parse(reports_build / "data" / "catalog.ttl")
    assert shacl_results(catalogue, shapes) == []
    reports = sorted(reports_build.glob("providers/*/quality-report-*.pdf"))
    assert len(reports) >= 6
    pages = _pages(catalogue, base)
    listed = {path for paths in pages.values() for path in paths if path.endswith(".pdf")}
    assert listed == {p.relative_to(reports_build).as_posix() for p in reports}
    for name, paths in pages.items():
        for path in paths:
            document = rdflib.URIRef(base + path)
            assert _file(reports_build, path).is_file(), path
            if path.endswith(".pdf"):
                assert name != "ontrack" and f"providers/{path.split('/')[1]}/" in paths
                language = path.rsplit("-", 1)[-1].removesuffix(".pdf")
                assert str(catalogue.value(document, DCTERMS.language)) == \
                    EU + "language/" + {"en": "ENG", "nl": "NLD", "fr": "FRA"}[language]
                assert catalogue.value(document, DCTERMS.format) == rdflib.URIRef(EU + "file-type/PDF")
            assert str(catalogue.value(document, DCTERMS.title))
