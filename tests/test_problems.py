"""The catalogue of problems: every code has a title and a description, README's table is made from it, and a
warning stops a build only with --strict."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.errors import BuildError, InputError, Problem, report_lines
from generator.problems import PROBLEM_TYPES, problem_table

from conftest import GOLDEN_PROJECT
from test_cli import tree_hash

REPO = Path(__file__).resolve().parent.parent
START, END = "<!-- problem codes: written from generator/problems.py -->\n", "<!-- end of problem codes -->"


def test_readme_lists_every_problem_code_as_the_catalogue_has_it():
    readme_path = REPO / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    before, rest = readme.split(START)
    table, after = rest.split(END)
    if os.environ.get("ONTRACK_UPDATE_README"):
        readme_path.write_text(before + START + problem_table() + END + after, encoding="utf-8")
        table = problem_table()
    assert table == problem_table(), "README's table of problem codes differs from generator/problems.py"
    assert set(re.findall(r"^\| `([A-Za-z-]+)` \|", table, re.M)) == set(PROBLEM_TYPES)


def test_every_code_has_a_title_and_a_description():
    assert all(t.title and t.description.endswith(".") for t in PROBLEM_TYPES.values())


def test_a_problem_of_an_unregistered_code_is_a_bug_caught_where_it_is_made():
    with pytest.raises(KeyError, match="not in generator/problems.py"):
        Problem("datasets/demo/graduates.csv", 2, "sex", "no-such-code", "is wrong")


def test_one_printer_for_input_problems_and_build_errors():
    problems = [Problem("datasets/demo/graduates.csv", 14, "earnings_month", "minimum", "-5 must be at least 0")]
    assert report_lines(InputError(problems), "nothing was built") == [
        "datasets/demo/graduates.csv:14:earnings_month: -5 must be at least 0", "1 problem found; nothing was built."]
    breach = Problem("about/index.html", None, None, "record-id", "record identifier 'x' is published")
    error = BuildError([breach], headline="the privacy audit failed; nothing was published")
    assert error.problems == [breach]
    assert report_lines(error) == ["Error: the privacy audit failed; nothing was published:",
                                   "  about/index.html: record identifier 'x' is published"]
    assert report_lines(BuildError("another ontrack build is writing out", code="output-locked")) == [
        "Error: another ontrack build is writing out"]


@pytest.fixture
def stale_project(tmp_path):
    """The golden project with one profile (one whose sources carry no access date) last reviewed three years
    before the release."""
    project = tmp_path / "project"
    shutil.copytree(GOLDEN_PROJECT, project, ignore=shutil.ignore_patterns("output", ".ontrack-cache"))
    profile = project / "content" / "countries" / "AT.md"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(re.sub(r"last_reviewed: \S+", "last_reviewed: 2023-06-30", text, count=1), encoding="utf-8")
    return project


def test_a_warning_is_printed_and_does_not_stop_the_build_unless_strict(stale_project, tmp_path):
    warning = ("Warning: content/countries/AT.md:last_reviewed: 2023-06-30 is 1,220 days before the release date "
               "2026-11-01: check the profile's sources again")
    checked = CliRunner().invoke(main, ["check", str(stale_project)])
    assert checked.exit_code == 0, checked.output
    assert warning in checked.output and "No problems found." in checked.output
    strict = CliRunner().invoke(main, ["check", str(stale_project), "--strict"])
    assert strict.exit_code == 1
    assert strict.output.splitlines()[-2:] == [warning.removeprefix("Warning: "), "1 problem found."]

    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("not ontrack's", encoding="utf-8")
    before = tree_hash(out)
    refused = CliRunner().invoke(main, ["build", str(stale_project), "--output", str(out), "--strict"])
    assert refused.exit_code == 1 and "1 problem found; nothing was built." in refused.output
    assert tree_hash(out) == before
    built = CliRunner().invoke(main, ["build", str(stale_project), "--output", str(tmp_path / "site")])
    assert built.exit_code == 0, built.output
    assert warning in built.output and "1 warning; --strict makes them stop the build." in built.output
    assert (tmp_path / "site" / "countries" / "nl" / "index.html").is_file()
