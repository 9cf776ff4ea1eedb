"""The writer: nothing outside the output, nothing twice, and the previous output intact on failure."""

from __future__ import annotations

import pytest

from generator.errors import BuildError
from generator.writer import MARKER, BuildLock, OutputFiles, write_output


@pytest.mark.parametrize("path", ["../evil.html", "/etc/passwd", "a/../../b", "", "a\\b"])
def test_paths_that_leave_the_output_are_refused(path):
    with pytest.raises(BuildError):
        OutputFiles().add(path, b"x")


def test_the_same_path_twice_is_refused():
    files = OutputFiles()
    files.add("index.html", b"a")
    with pytest.raises(BuildError, match="both write index.html"):
        files.add("index.html", b"b")


def _files(**pages):
    files = OutputFiles()
    for name, text in pages.items():
        files.add(name.replace("_", "/") + ".html", text)
    return files


def test_a_failed_check_leaves_the_previous_output(tmp_path):
    out = tmp_path / "site"
    write_output(_files(index="old"), out)
    before = {p.name: p.read_bytes() for p in out.rglob("*")}

    def refuse(staged):
        raise BuildError("invalid package")

    with pytest.raises(BuildError):
        write_output(_files(index="new"), out, check=refuse)
    assert {p.name: p.read_bytes() for p in out.rglob("*")} == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == ["site"]


def test_the_new_output_replaces_the_old_whole(tmp_path):
    out = tmp_path / "site"
    write_output(_files(index="old", stale="gone"), out)
    write_output(_files(index="new"), out)
    assert (out / "index.html").read_text() == "new"
    assert not (out / "stale.html").exists()
    assert (out / MARKER).exists()


def test_a_folder_ontrack_did_not_make_is_not_replaced(tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(BuildError, match="not made by ontrack"):
        write_output(_files(index="x"), out)
    assert (out / "thesis.docx").read_bytes() == b"precious"


def test_a_second_build_at_once_fails_clearly(tmp_path):
    out = tmp_path / "site"
    with BuildLock(out):
        with pytest.raises(BuildError, match="another ontrack build"):
            write_output(_files(index="x"), out)
