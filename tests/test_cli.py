"""The ontrack command, through Click's CliRunner."""

from __future__ import annotations

import hashlib
import re
import socket

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


# -- what a newcomer reads ----------------------------------------------------------------------------------

@pytest.fixture
def new_project(tmp_path):
    """A project as `ontrack new` makes it: it builds at once, with no cache yet."""
    project = tmp_path / "site"
    result = CliRunner().invoke(main, ["new", str(project)])
    assert result.exit_code == 0, result.output
    return project


def test_a_cold_build_reports_the_same_counts_in_its_progress_and_its_summary(new_project):
    result = CliRunner().invoke(main, ["build", str(new_project), "--workers", "1"])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    summary = next(line for line in lines if line.startswith("Built "))
    charts, drawn, files = (int(n) for n in re.search(
        r"(\d+) charts \((\d+) drawn, 0 from the cache\), .* (\d+) files into", summary).groups())
    charts_progress = [line for line in lines if line.startswith("render charts:")]
    audit_progress = [line for line in lines if line.startswith("privacy audit:")]
    assert charts_progress[-1] == f"render charts: {drawn}/{drawn}" and drawn == charts > 0
    assert audit_progress[-1] == f"privacy audit: {files}/{files}"
    assert files == sum(1 for p in (new_project / "output").rglob("*") if p.is_file())
    assert re.fullmatch(r"Cache hits: 0 of \d+ \(.*\)\.", lines[-1]), lines[-1]  # nothing to hit on a cold build


def test_check_counts_problems_without_saying_nothing_was_built(new_project):
    (new_project / "content" / "site.toml").write_text("[site]\ntitle = 3\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(new_project)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "1 problem found."


def test_a_failed_build_says_nothing_was_built(new_project):
    (new_project / "content" / "site.toml").write_text("[site]\ntitle = 3\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(new_project)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "1 problem found; nothing was built."
    assert not (new_project / "output").exists()


def test_a_broken_site_toml_is_reported_alone(new_project):
    (new_project / "content" / "site.toml").write_text("[site\ntitle = 'x'\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(new_project)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 2 and lines[0].startswith("content/site.toml:1: not valid TOML"), lines
    assert "datapackage.json" not in result.output


@pytest.mark.parametrize("command", ["check", "build", "serve"])
def test_a_missing_project_folder_says_so_and_suggests_ontrack_new(tmp_path, command):
    missing = tmp_path / "my-site"
    with socket.socket() as busy:  # serve: were the folder not checked first, it would stop at the busy port
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = ["--port", str(busy.getsockname()[1])] if command == "serve" else []
        result = CliRunner().invoke(main, [command, str(missing), *port])
    assert result.exit_code == 1
    assert result.output == f"Error: there is no project folder {missing}. Start one with: ontrack new {missing}\n"
    assert not missing.exists()


def test_data_pointing_at_a_missing_folder_says_it_is_missing(new_project):
    result = CliRunner().invoke(main, ["check", str(new_project), "--data", str(new_project / "datasets" / "2027")])
    assert result.exit_code == 1
    assert result.output.splitlines() == ["datasets/2027: no such folder: the input data package is not there",
                                          "1 problem found."]
