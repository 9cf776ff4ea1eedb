"""A corpus of bad inputs: each gives its exact problem, exit status 1, and leaves the previous output as it was."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.writer import MARKER

from conftest import REPO, graduate, write_package
from test_cli import tree_hash

G = "datasets/demo/graduates.csv"
P = "datasets/demo/programmes.csv"
PKG = "datasets/demo/datapackage.json"
TOML = "content/site.toml"


def rows():
    return [graduate(i) for i in range(30)] + [graduate(100 + i, status="UNE") for i in range(5)]


def set_cell(index, **values):
    def mutate(project):
        data = rows()
        data[index].update({k: str(v) for k, v in values.items()})
        write_package(project / "datasets" / "demo", data)
    return mutate


def raw_graduates(text: bytes):
    def mutate(project):
        (project / G).write_bytes(text)
    return mutate


def header():
    return ",".join(graduate(0).keys())


def line(i=1, **values):
    row = graduate(i)
    row.update(values)
    return ",".join(row.values())


def edit_file(path, old, new):
    def mutate(project):
        target = project / path
        target.write_text(target.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return mutate


def write_file(path, text):
    def mutate(project):
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text, encoding="utf-8")
    return mutate


def edit_descriptor(change):
    def mutate(project):
        descriptor = json.loads((project / PKG).read_text())
        change(descriptor)
        (project / PKG).write_text(json.dumps(descriptor))
    return mutate


CASES = [
    # Malformed CSV
    ("unbalanced-quote", raw_graduates(f'{header()}\n"{line()}\n'.encode()), (G, None, None, "csv")),
    ("semicolon-delimiter", raw_graduates((header().replace(",", ";") + "\n" + line().replace(",", ";") + "\n").encode()),
     (G, 1, header().replace(",", ";"), "extra-column")),
    ("byte-order-mark", raw_graduates(b"\xef\xbb\xbf" + f"{header()}\n{line()}\n".encode()), (G, 1, None, "bom")),
    ("latin-1-bytes", raw_graduates(f"{header()}\n{line()}\n".encode() + b"\xe9\n"), (G, None, None, "encoding")),
    ("ragged-long-row", raw_graduates(f"{header()}\n{line()},extra\n".encode()), (G, None, None, "csv")),
    ("ragged-short-row", raw_graduates(f"{header()}\n{line()}\nabc12345,AT\n".encode()), (G, 3, "programme_code", "required")),
    ("empty-file", raw_graduates(b""), (G, None, None, "empty-file")),
    ("header-only", raw_graduates(f"{header()}\n".encode()), (G, None, None, "no-rows")),
    ("duplicate-column", raw_graduates(f"{header()},sex\n{line()},F\n".encode()), (G, 1, "sex", "duplicate-column")),
    # Missing and extra columns
    ("missing-column", raw_graduates(f"{header().replace(',lm_status', '')}\n{line().replace(',EMP,', ',', 1)}\n".encode()),
     (G, 1, "lm_status", "missing-column")),
    ("extra-email-column", lambda p: write_package(p / "datasets" / "demo", rows(), extra_columns={"email": "x@example.org"}),
     (G, 1, "email", "extra-column")),
    # Wrong types, unknown codes, absurd values
    ("text-in-integer", set_cell(0, cohort_year="2023a"), (G, 2, "cohort_year", "type")),
    ("bad-boolean", set_cell(0, in_education="yes"), (G, 2, "in_education", "type")),
    ("nan-earnings", set_cell(0, earnings_month="NaN", currency="EUR"), (G, 2, "earnings_month", "type")),
    ("infinite-earnings", set_cell(0, earnings_month="inf", currency="EUR"), (G, 2, "earnings_month", "type")),
    ("absurd-earnings", set_cell(0, earnings_month="1e12", currency="EUR"), (G, 2, "earnings_month", "maximum")),
    ("negative-months", set_cell(0, months_employed="-1"), (G, 2, "months_employed", "minimum")),
    ("ancient-cohort", set_cell(0, cohort_year="1850"), (G, 2, "cohort_year", "minimum")),
    ("unknown-status", set_cell(0, lm_status="WORKING"), (G, 2, "lm_status", "enum")),
    ("unknown-geo", set_cell(0, geo="XX"), (G, 2, "geo", "enum")),
    ("unknown-sector", set_cell(0, nace_section="Z"), (G, 2, "nace_section", "enum")),
    ("unallowed-point", set_cell(0, months_after="7"), (G, 2, "months_after", "enum")),
    ("short-record-id", set_cell(0, record_id="a1"), (G, 2, "record_id", "pattern")),
    ("empty-required", set_cell(0, source=""), (G, 2, "source", "required")),
    ("bad-currency-shape", set_cell(0, earnings_month="1500", currency="EURO"), (G, 2, "currency", "pattern")),
    ("unknown-currency", set_cell(0, earnings_month="1500", currency="XQX"), (G, 2, "currency", "currency-code")),
    # Keys
    ("unknown-programme", set_cell(0, programme_code="AT-000-4-999"), (G, 2, "programme_code", "foreign-key")),
    ("unknown-provider", set_cell(0, provider_code="AT-P999"), (G, 2, "provider_code", "foreign-key")),
    ("duplicate-record", set_cell(1, record_id="g0000000x"), (G, 3, "record_id", "primary-key")),
    ("duplicate-programme", edit_file(P, "AT-101-3-002", "AT-071-4-001"), (P, 3, "programme_code", "unique")),
    # Impossible combinations
    ("earnings-while-unemployed", set_cell(31, earnings_month="1500", currency="EUR"), (G, 33, "earnings_month", "not-employed")),
    ("more-months-than-possible", set_cell(0, months_employed="13"), (G, 2, "months_employed", "months-employed")),
    ("survey-matched", set_cell(0, source="SURVEY"), (G, 2, "contact", "contact-source")),
    ("status-without-contact", set_cell(0, contact="UNMATCHED"), (G, 2, "lm_status", "unobserved-status")),
    ("geo-differs-from-programme", set_cell(0, geo="DE"), (G, 2, "geo", "geo-programme")),
    ("earnings-without-currency", set_cell(0, earnings_month="1500"), (G, 2, "currency", "currency-missing")),
    # The package descriptor
    ("descriptor-not-json", write_file(PKG, "{ not json"), (PKG, 1, None, "json")),
    ("descriptor-without-graduates", edit_descriptor(lambda d: d["resources"].pop()), (PKG, None, "resources", "missing-resource")),
    ("resource-outside-package", edit_descriptor(lambda d: d["resources"][2].update(path="../../secret.csv")),
     (PKG, None, "resources.graduates.path", "path")),
    ("resource-file-missing", edit_descriptor(lambda d: d["resources"][2].update(path="nowhere.csv")),
     (PKG, None, "resources.graduates.path", "missing-file")),
    ("schema-declares-extra-field", edit_descriptor(lambda d: d["resources"][2]["schema"]["fields"].append({"name": "email", "type": "string"})),
     (PKG, None, "resources.graduates.schema", "schema-field")),
    # Config
    ("broken-toml", write_file(TOML, "[site\ntitle = 'x'\n"), (TOML, 1, None, "toml")),
    ("config-wrong-type", write_file(TOML, "[disclosure]\nmin_base = 'many'\n"), (TOML, None, "disclosure.min_base", "type")),
    ("config-unknown-option", write_file(TOML, "[site]\ncolour = 'blue'\n"), (TOML, None, "site.colour", "unknown-option")),
    # Content
    ("broken-front-matter", edit_file("content/countries/AT.md", "geo: AT", "geo: [AT"), ("content/countries/AT.md", 3, None, "yaml")),
    ("front-matter-missing-key", edit_file("content/countries/AT.md", "confidence: high\n", ""), ("content/countries/AT.md", None, "confidence", "missing-key")),
    ("no-front-matter", write_file("content/pages/about.md", "# About\n\nText.\n"), ("content/pages/about.md", 1, None, "front-matter")),
    ("unknown-status-in-timeline", edit_file("content/countries/EE.md", "status: Completed", "status: Finished"),
     ("content/countries/EE.md", None, "timeline[5].status", "front-matter")),
    ("source-not-a-url", edit_file("content/countries/AT.md", "- url: https://www.statistik.at/en/", "- url: javascript:alert(1)//"),
     ("content/countries/AT.md", 41, "sources[0].url", "front-matter")),
    ("source-without-publisher", edit_file("content/countries/AT.md", "  publisher: AMS Forschungsnetzwerk (Public Employment Service Austria)\n", ""),
     ("content/countries/AT.md", 56, "sources[3].publisher", "missing-key")),
    ("source-with-a-made-up-date", edit_file("content/countries/AT.md", "  publisher: AMS Forschungsnetzwerk (Public Employment Service Austria)\n",
                                             "  publisher: AMS Forschungsnetzwerk (Public Employment Service Austria)\n  published: recently\n"),
     ("content/countries/AT.md", 56, "sources[3].published", "front-matter")),
    ("source-accessed-after-review", edit_file("content/countries/AT.md", "  accessed: 2026-11-22\n- url: http://apprenticeship", "  accessed: 2026-11-30\n- url: http://apprenticeship"),
     ("content/countries/AT.md", 56, "sources[3].accessed", "accessed-after-review")),
    ("source-with-title-and-description", edit_file("content/countries/AT.md", "  title: Monitoring of Education-related Employment Behaviour\n",
                                                    "  title: Monitoring of Education-related Employment Behaviour\n  description: the same page\n"),
     ("content/countries/AT.md", 52, "sources[2].description", "front-matter")),
    ("reviewed-after-release", edit_file("content/countries/AT.md", "last_reviewed: 2026-11-22", "last_reviewed: 2027-01-31"),
     ("content/countries/AT.md", 65, "last_reviewed", "reviewed-after-release")),
    ("translated-list-too-short", edit_file("content/countries/NL.nl.md", "- CBS (Centraal Bureau voor de Statistiek)\n", ""),
     ("content/countries/NL.nl.md", 4, "bodies", "translation-length")),
    ("translated-figures-too-many", edit_file("content/countries/NL.nl.md", "figures:\n", "figures:\n- indicator: extra\n"),
     ("content/countries/NL.nl.md", 25, "figures", "translation-length")),
    ("translation-carries-a-fact", edit_file("content/countries/NL.nl.md", "title: Nederland\n",
                                             "title: Nederland\nconfidence: hoog\n"),
     ("content/countries/NL.nl.md", 3, "confidence", "unknown-key")),
    ("translated-figure-carries-a-value", edit_file("content/countries/NL.nl.md", 'een jaar later aan het werk"\n',
                                                    'een jaar later aan het werk"\n  value: 92\n'),
     ("content/countries/NL.nl.md", 25, "figures[2].value", "unknown-key")),
    ("translated-source-type", edit_file("content/countries/NL.nl.md", "data_sources:\n", "data_sources:\n  type: beide\n"),
     ("content/countries/NL.nl.md", 10, "data_sources.type", "unknown-key")),
    ("duplicate-chapter-order", edit_file("content/guide/02-legal-basis-and-data-protection.md", "order: 2", "order: 1"),
     ("content/guide/02-legal-basis-and-data-protection.md", None, "order", "duplicate-order")),
    ("country-file-not-utf8", lambda p: (p / "content/countries/AT.md").write_bytes(b"---\ngeo: \xff\n---\n"),
     ("content/countries/AT.md", None, None, "encoding")),
    ("content-folder-missing", lambda p: shutil.rmtree(p / "content"), ("content", None, None, "missing-folder")),
    # Reference figures
    ("benchmark-over-100", edit_file("datasets/reference/eurostat_vet_employment.csv", "DE,2020,91.0", "DE,2020,191.0"),
     ("datasets/reference/eurostat_vet_employment.csv", 3, "value", "maximum")),
    # Templates
    ("template-syntax-error", write_file("templates/404.html", "{% extends 'base.html' %}{% block main %}{{ oops }{% endblock %}"),
     ("templates/404.html", 1, None, "template")),
    ("template-undefined-name", write_file("templates/404.html", "{% extends 'base.html' %}{% block main %}{{ no_such_thing }}{% endblock %}"),
     ("templates/404.html", None, None, "template")),
]


@pytest.fixture(scope="module")
def base_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad") / "project"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "datasets" / "reference", root / "datasets" / "reference")
    write_package(root / "datasets" / "demo", rows())
    return root


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("name, mutate, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_clearly(base_project, tmp_path, name, mutate, expected):
    project = tmp_path / "project"
    shutil.copytree(base_project, project)
    output = project / "output"
    output.mkdir()
    (output / MARKER).write_text("previous build\n")
    (output / "index.html").write_text("<p>the previous site</p>\n")
    before = tree_hash(output)
    mutate(project)
    result = CliRunner().invoke(main, ["build", str(project)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # a clear error, not a crash
    file, row, field, code = expected
    prefix = ":".join(str(part) for part in (file, row, field) if part not in (None, ""))
    assert any(out.startswith(prefix + ":") for out in result.output.splitlines()), (prefix, result.output)
    assert tree_hash(output) == before
