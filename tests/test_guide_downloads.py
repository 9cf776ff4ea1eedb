"""The guide's downloads: what a chapter links is built beside it, in every language, and nothing else.

The project is one from ``ontrack new`` with the repository's chapter 12 (in
English and Dutch) and the two templates it links, built for real.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from pyxform.xls2xform import convert

from conftest import REPO
from generator.cli import main

CHAPTERS = ("10-template-data-sharing-checklist.md", "11-template-tracking-calendar.md",
            "12-from-survey-to-site.md", "12-from-survey-to-site.nl.md")


def _project(tmp_path, chapters=CHAPTERS):
    project = tmp_path / "college"
    assert CliRunner().invoke(main, ["new", str(project)]).exit_code == 0
    toml = project / "content" / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('# languages = ["en"]', 'languages = ["en", "nl"]'),
                    encoding="utf-8")
    for name in chapters:
        shutil.copy(REPO / "content" / "guide" / name, project / "content" / "guide" / name)
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = _project(tmp_path_factory.mktemp("downloads"))
    result = CliRunner().invoke(main, ["build", str(project)])
    assert result.exit_code == 0, result.output
    return project / "output"


@pytest.mark.parametrize("prefix", ["", "nl/"])
def test_every_download_the_chapter_links_is_there(site, prefix):
    page = (site / prefix / "guide" / "from-survey-to-site" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="\.\./downloads/([^"]+)"', page)
    assert sorted(links) == ["ontrack_core.codebook.csv", "ontrack_core.html", "ontrack_core.xlsx",
                             "template-data-sharing-checklist.html", "template-tracking-calendar.html"]
    for name in links:
        assert (site / prefix / "guide" / "downloads" / name).is_file(), prefix + name


def test_the_printable_form_and_the_chapters_are_in_the_page_s_language(site):
    dutch = (site / "nl" / "guide" / "downloads" / "ontrack_core.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in dutch and "Heb je vorige week minstens één uur gewerkt" in dutch
    calendar = (site / "guide" / "downloads" / "template-tracking-calendar.html").read_text(encoding="utf-8")
    assert "<h1>Template: yearly tracking calendar</h1>" in calendar and "<table>" in calendar


def test_the_downloaded_xlsform_converts(site):
    assert 'id="ontrack_core"' in convert(str(site / "guide" / "downloads" / "ontrack_core.xlsx")).xform


def test_a_link_to_a_download_the_build_does_not_make_stops_it(tmp_path):
    project = _project(tmp_path, chapters=("12-from-survey-to-site.md",))  # the templates it links are missing
    result = CliRunner().invoke(main, ["build", str(project)])
    assert result.exit_code == 1
    assert ("content/guide/12-from-survey-to-site.md: links ../downloads/template-data-sharing-checklist.html, "
            "which the build does not make") in result.output
    assert not (project / "output").exists()


def test_the_html_downloads_are_valid_html(site, vnu_jar):
    """The printable form and the chapters open in a word processor; the Nu HTML Checker must find no error."""
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML Checker: apt-get install default-jre-headless (tests/run.sh does it)"
    folders = [str(site / prefix / "guide" / "downloads") for prefix in ("", "nl")]
    result = subprocess.run([java, "-jar", str(vnu_jar), "--skip-non-html", "--errors-only", "--format", "json",
                             *folders], capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '')}:{m.get('lastLine', '?')}: {m['message']}" for m in messages
              if m.get("type") in ("error", "non-document-error")]
    assert not errors, "\n".join(errors[:20])
    assert result.returncode == 0, result.stderr[-2000:]
