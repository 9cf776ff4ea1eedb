"""The ontrack command, through Click's CliRunner."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner

from generator.cli import main

from conftest import graduate, write_package


def tree_hash(folder):
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize("command", [[]] + [[name] for name in sorted(main.commands)])
def test_every_command_has_an_example(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_usage_errors_exit_2(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--no-such-option"]).exit_code == 2
    assert runner.invoke(main, ["demo-data"]).exit_code == 2  # --out is required
    assert runner.invoke(main, ["demo-data", "--out", str(tmp_path), "--records", "5"]).exit_code == 2


def test_demo_data_is_reproducible(tmp_path):
    runner = CliRunner()
    for name in ("a", "b"):
        result = runner.invoke(main, ["demo-data", "--out", str(tmp_path / name), "--records", "3000", "--seed", "7"])
        assert result.exit_code == 0, result.output
    assert tree_hash(tmp_path / "a") == tree_hash(tmp_path / "b")
    assert "SYNTHETIC" in (tmp_path / "a" / "datapackage.json").read_text()


def test_check_prints_the_disclosure_report(golden_project):
    result = CliRunner().invoke(main, ["check", str(golden_project)])
    assert result.exit_code == 0, result.output
    assert "Disclosure report:" in result.output
    assert "No problems found." in result.output


def test_bad_data_exits_1_and_leaves_the_output_untouched(golden_project, golden_build, tmp_path):
    before = tree_hash(golden_build)
    bad = write_package(tmp_path / "bad", [graduate(1)], extra_columns={"email": "a@example.org"})
    result = CliRunner().invoke(main, ["build", str(golden_project), "--output", str(golden_build), "--data", str(bad)])
    assert result.exit_code == 1
    assert "graduates.csv:1:email: column not in the schema" in result.output
    assert tree_hash(golden_build) == before


def test_check_reports_problems_in_content_and_data_together(golden_project, tmp_path):
    import shutil

    project = tmp_path / "proj"
    shutil.copytree(golden_project / "content", project / "content")
    shutil.copytree(golden_project / "datasets" / "reference", project / "datasets" / "reference")
    (project / "content" / "countries" / "AT.md").write_text("---\ngeo: [AT\n---\nText\n")
    bad = write_package(tmp_path / "bad", [graduate(1, sex="X")])
    result = CliRunner().invoke(main, ["check", str(project), "--data", str(bad)])
    assert result.exit_code == 1
    assert "content/countries/AT.md:" in result.output and "front matter is not valid YAML" in result.output
    assert "graduates.csv:2:sex:" in result.output
