"""The whole build of the golden project: valid packages, nothing record-level published, the same bytes every time."""

from __future__ import annotations

import json
import subprocess
import sys

import frictionless

from generator.build import build

from test_cli import tree_hash


def test_every_published_package_is_valid(golden_build):
    descriptors = sorted(golden_build.glob("data/**/datapackage.json"))
    assert len(descriptors) == 3  # the whole site, and one per country with data (AT, NL)
    for descriptor in descriptors:
        report = frictionless.validate(str(descriptor))
        assert report.valid, (descriptor, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5])


def test_the_site_package_has_the_designed_resources(golden_build):
    descriptor = json.loads((golden_build / "data" / "datapackage.json").read_text())
    names = {r["name"] for r in descriptor["resources"]}
    assert {"indicators", "destinations", "sectors", "earnings", "programmes", "providers", "fields", "geo",
            "country_timeline", "data_sources", "employment_benchmark", "indicator_definitions"} <= names
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["created"] == "2026-11-01T00:00:00Z"  # from the config's release date, not the clock
    for resource in descriptor["resources"]:
        assert all(field.get("description") for field in resource["schema"]["fields"]), resource["name"]
    assert (golden_build / descriptor["resources"][0]["path"].join(["data/", ""])).exists()


def test_no_record_level_value_is_published(golden_build, golden_project):
    ids = (golden_project / "datasets" / "graduates" / "graduates.csv").read_text().splitlines()[1:200]
    sample = [line.split(",")[0] for line in ids]
    published = b"".join(p.read_bytes() for p in golden_build.rglob("*") if p.suffix in (".csv", ".json", ".html"))
    assert not [rid for rid in sample if rid.encode() in published]


def test_same_input_same_bytes_in_another_folder(golden_project, golden_build, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # as for golden_build
    other = tmp_path / "again"
    build(golden_project, other)
    assert tree_hash(other) == tree_hash(golden_build)


def test_source_date_epoch_sets_the_dates(golden_project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    out = tmp_path / "epoch"
    build(golden_project, out)
    assert json.loads((out / "data" / "datapackage.json").read_text())["created"] == "2026-01-01T00:00:00Z"


def test_frictionless_command_line_reports_valid(golden_build):
    result = subprocess.run([sys.executable, "-m", "frictionless", "validate", "--json",
                             str(golden_build / "data" / "datapackage.json")], capture_output=True, text=True)
    assert json.loads(result.stdout)["valid"] is True
