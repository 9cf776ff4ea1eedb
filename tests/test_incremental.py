"""The preview's quick rebuild: an edit redoes only the pages it touches, and the result is a whole build's bytes.

On a copy of the golden project (2 profiles, 3 languages): one whole build as
``ontrack serve`` makes it, then an edit, then the quick rebuild; after its
follow-up work (the search index, the guide PDF) the served folder must equal,
file for file and byte for byte, a whole ``ontrack build`` of the edited project.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import CACHE_FOLDER, build
from generator.errors import BuildError
from generator.incremental import QuickRebuild, text_edits
from generator.inputs.content import load_content

from conftest import GOLDEN_PROJECT

LANGUAGE_FOLDERS = ("", "nl/", "fr/")


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_site(got: Path, expected: Path) -> None:
    have, want = files(got), files(expected)
    assert sorted(have) == sorted(want)
    assert [path for path in want if have[path] != want[path]] == []


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory):
    """The golden project's build cache, filled once (its charts drawn) for every test's copy of the project."""
    project = tmp_path_factory.mktemp("warm") / "project"
    shutil.copytree(GOLDEN_PROJECT, project)
    build(project, project.parent / "site")
    return project / CACHE_FOLDER


@pytest.fixture
def served(tmp_path, warm_cache):
    """A copy of the golden project, whole-built into a served folder; yields (project, folder, quick rebuild)."""
    project = tmp_path / "project"
    shutil.copytree(GOLDEN_PROJECT, project)
    shutil.copytree(warm_cache, project / CACHE_FOLDER)
    output = tmp_path / "served"
    quick = QuickRebuild(project, output)
    build(project, output, on_made=quick.keep)
    return project, output, quick


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def first_paragraph(path: Path) -> str:
    """The first line of a Markdown file's body that is plain text (after the front matter)."""
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    return next(line for line in body.splitlines() if line[:1].isalpha())


def test_an_edit_of_one_profile_redoes_only_that_countrys_pages(served, tmp_path):
    project, output, quick = served
    profile = project / "content" / "countries" / "AT.md"
    line = first_paragraph(profile)
    edit(profile, line, line + " An edited sentence.")
    update = quick.update([str(profile)])
    assert update is not None
    assert update.pages == tuple(sorted(f"{lang}countries/at/index.html" for lang in LANGUAGE_FOLDERS))
    assert all(path.startswith(tuple(f"{lang}countries/at/" for lang in LANGUAGE_FOLDERS)) for path in update.files)
    assert "An edited sentence." in (output / "countries" / "at" / "index.html").read_text(encoding="utf-8")
    quick.wait()  # the search index of the edited pages
    build(project, tmp_path / "whole")
    assert_same_site(output, tmp_path / "whole")


def test_an_edit_of_a_guide_chapter_redoes_its_pages_and_the_pdf(served, tmp_path):
    project, output, quick = served
    chapter = project / "content" / "guide" / "07-disclosure-control.md"
    line = first_paragraph(chapter)
    edit(chapter, line, line + " A sentence added in the preview.")
    update = quick.update([str(chapter)])
    assert update is not None and update.follow_up
    assert update.pages == tuple(sorted(f"{lang}guide/disclosure-control/index.html" for lang in LANGUAGE_FOLDERS))
    pdf = (output / "guide" / "ontrack-guide.pdf").read_bytes()
    quick.wait()
    assert (output / "guide" / "ontrack-guide.pdf").read_bytes() != pdf
    build(project, tmp_path / "whole")
    assert_same_site(output, tmp_path / "whole")


def test_a_template_edit_redoes_the_pages_that_use_it(served, tmp_path):
    project, output, quick = served
    from generator.render import DEFAULT_TEMPLATES

    override = project / "templates" / "page.html"
    override.parent.mkdir()
    shutil.copyfile(DEFAULT_TEMPLATES / "page.html", override)
    update = quick.update([str(override)])
    assert update is not None and update.files == ()  # the same template: no byte changes
    edit(override, "{{ body | safe }}", "<p>Edited template.</p>{{ body | safe }}")
    update = quick.update([str(override)])
    assert update is not None
    assert "about/index.html" in update.pages and "nl/privacy/index.html" in update.pages
    assert not any(path.startswith(("programmes/", "countries/", "guide/")) for path in update.pages)
    quick.wait()
    build(project, tmp_path / "whole")
    assert_same_site(output, tmp_path / "whole")


def test_front_matter_or_data_edits_need_the_whole_build(served):
    project, _output, quick = served
    profile = project / "content" / "countries" / "AT.md"
    old = load_content(project)
    edit(profile, "name: Austria", "name: Republic of Austria")  # a fact of the profile: every page naming it
    assert quick.update([str(profile)]) is None
    assert quick.update([str(project / "content" / "site.toml")]) is None
    assert quick.update([str(project / "datasets" / "reference" / "missing.csv")]) is None
    assert text_edits(old, old) == set()


def test_a_record_identifier_in_an_edited_text_is_refused_and_nothing_is_written(served):
    project, output, quick = served
    page = output / "countries" / "at" / "index.html"
    before = page.read_bytes()
    profile = project / "content" / "countries" / "AT.md"
    line = first_paragraph(profile)
    edit(profile, line, line + " See graduate 00ae1a0145a5ee6d.")  # a record_id of the golden input
    with pytest.raises(BuildError, match="privacy audit failed"):
        quick.update([str(profile)])
    assert page.read_bytes() == before
    assert not list(output.rglob(".new-*"))
