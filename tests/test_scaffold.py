"""``ontrack new``: a new project that builds at once, and never over anything."""

from __future__ import annotations

import csv
import filecmp
import tomllib

from click.testing import CliRunner
import pytest

from conftest import REPO
from generator.cli import main
from generator.config import documented_options, load_config
from generator.scaffold import EXAMPLE_PACKAGE, create_project


@pytest.fixture(scope="module")
def new_project(tmp_path_factory):
    target = tmp_path_factory.mktemp("new") / "site"
    result = CliRunner().invoke(main, ["new", str(target)])
    assert result.exit_code == 0, result.output
    assert f"ontrack serve {target}" in result.output
    return target


def test_new_project_has_the_files_a_publisher_starts_from(new_project):
    files = {p.relative_to(new_project).as_posix() for p in new_project.rglob("*") if p.is_file()}
    assert {"content/site.toml", "content/countries/MT.md", "content/guide/01-getting-started.md",
            "content/pages/about.md", "templates/README.md", ".gitignore",
            f"{EXAMPLE_PACKAGE}/datapackage.json", f"{EXAMPLE_PACKAGE}/graduates.csv",
            "datasets/reference/datapackage.json"} <= files
    assert not any(name.endswith((".py", ".pyc")) for name in files)
    ignored = (new_project / ".gitignore").read_text().split()
    assert "output/" in ignored and ".ontrack-cache/" in ignored


def test_site_toml_lists_every_option_with_its_help(new_project):
    text = (new_project / "content" / "site.toml").read_text()
    for name, _default, help_text in documented_options():
        key = name.split(".", 1)[1]
        assert f"# {help_text}" in text, name
        assert f"{key} = " in text, name
    # Uncommenting every option at its default gives a valid file with the same meaning.
    uncommented = "\n".join(line[2:] if line.startswith("# ") and " = " in line else line
                            for line in text.splitlines())
    tomllib.loads(uncommented)
    config = load_config(new_project)
    assert config.data.package == EXAMPLE_PACKAGE
    assert config.disclosure.min_base == 25


def test_reference_figures_are_the_repository_s_own(new_project):
    """The scaffold carries a copy of datasets/reference: it must not fall behind."""
    ours, theirs = new_project / "datasets" / "reference", REPO / "datasets" / "reference"
    names = sorted(p.name for p in theirs.iterdir())
    assert sorted(p.name for p in ours.iterdir()) == names
    match, mismatch, errors = filecmp.cmpfiles(ours, theirs, names, shallow=False)
    assert not mismatch and not errors


def test_new_project_builds_with_published_and_hidden_figures(new_project):
    result = CliRunner().invoke(main, ["build", str(new_project)])
    assert result.exit_code == 0, result.output
    output = new_project / "output"
    for page in ("index.html", "programmes/index.html", "countries/mt/index.html", "guide/index.html",
                 "about/index.html", "data/index.html"):
        assert (output / page).is_file(), page
    indicators = (output / "data" / "indicators.csv").read_text()
    assert ",MIN_BASE" in indicators  # some figures are hidden ...
    electricians = (output / "programmes" / "mt-071-4-001" / "index.html").read_text()
    assert "Employment rate" in electricians and "base 40 graduates" in electricians  # ... and some published
    assert (output / "data" / "datapackage.json").is_file()


def test_new_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["new", str(tmp_path)])
    assert result.exit_code == 1
    assert "already exists and is not empty" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_new_accepts_an_empty_folder(tmp_path):
    assert create_project(tmp_path)
    assert (tmp_path / "content" / "site.toml").is_file()


def test_new_project_has_the_questionnaire_and_a_tracking_calendar(new_project):
    """A provider starts with the forms of its own site.toml and a calendar whose commands it can run."""
    forms = {p.name for p in (new_project / "forms").iterdir()}
    assert {"ontrack_core.xlsx", "ontrack_core.xml", "ontrack_core.codebook.csv", "ontrack_core.en.html",
            "tracking-calendar.csv"} <= forms
    from pyxform.xls2xform import convert
    assert 'id="ontrack_core"' in convert(str(new_project / "forms" / "ontrack_core.xlsx")).xform
    with (new_project / "forms" / "tracking-calendar.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["month"] for r in rows] == sorted(r["month"] for r in rows)
    waves = [r for r in rows if r["step"].startswith("Open the")]
    assert [(r["month"], r["months_after_graduation"]) for r in waves] == [
        ("2024-12", "6"), ("2025-06", "12"), ("2025-12", "18")]  # June 2024 graduates
    commands = [r["command"] for r in rows if r["command"]]
    assert any(c.startswith("ontrack import . --roster roster.csv --export wave6.csv --export wave12.csv "
                            "--export wave18.csv") for c in commands)
    assert commands[-1] == "ontrack build . --data datasets/2024-18m"
