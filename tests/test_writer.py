"""The writer: nothing outside the output, nothing twice, and the previous output intact on failure."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator import writer
from generator.errors import BuildError
from generator.paths import OutputFiles
from generator.writer import MARKER, BuildLock, write_output


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


# -- the fallback without renameat2: two renames, and never the only copy of the old site deleted ------------

def _tree(folder):
    """A folder's files and their bytes, or None when it is no complete site (its marker is written last)."""
    if not (folder / MARKER).is_file():
        return None
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def no_exchange(monkeypatch):
    """The machine has no renameat2: the writer takes its fallback."""
    monkeypatch.setattr(writer, "_libc_exchange", lambda a, b: False)


def test_the_fallback_keeps_an_old_or_new_complete_site_at_every_step(tmp_path, monkeypatch, no_exchange):
    out = tmp_path / "site"
    previous = tmp_path / ".site.previous"
    write_output(_files(index="old", stale="gone"), out)
    old = _tree(out)
    write_output(_files(index="new"), tmp_path / "new-alone")
    new = _tree(tmp_path / "new-alone")
    seen = []
    real_rename, real_rmtree = os.rename, shutil.rmtree

    def watched(step):
        def run(*args, **kwargs):
            step(*args, **kwargs)
            # After every rename and deletion, the site at its place is complete, or the old one is where the
            # next build puts it back from.
            seen.append((_tree(out), _tree(previous)))
            assert _tree(out) in (old, new) or (not out.exists() and _tree(previous) == old)
        return run

    monkeypatch.setattr(os, "rename", watched(real_rename))
    monkeypatch.setattr(shutil, "rmtree", watched(real_rmtree))
    write_output(_files(index="new"), out)
    assert _tree(out) == new and not previous.exists()
    assert (None, old) in seen  # the fallback did go through its middle step


def test_a_crash_between_the_fallback_renames_puts_the_old_site_back(tmp_path, monkeypatch, no_exchange):
    out = tmp_path / "site"
    write_output(_files(index="old"), out)
    old = _tree(out)
    real_rename = os.rename

    def crash_on_the_second(source, target):
        if Path(source).name == ".site.staging":
            raise KeyboardInterrupt  # as if the build were stopped right after the output was moved aside
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", crash_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        write_output(_files(index="new"), out)
    assert _tree(out) == old
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == ["site"]


def test_a_build_killed_between_the_fallback_renames_leaves_the_old_site_to_the_next(tmp_path, no_exchange):
    out = tmp_path / "site"
    write_output(_files(index="old"), out)
    old = _tree(out)
    # What a build killed (no handler runs) between the two renames leaves: the old site aside, the new staged.
    os.rename(out, tmp_path / ".site.previous")
    write_output(_files(index="new"), tmp_path / ".site.staging")

    def refuse(staged):
        raise BuildError("invalid package")

    with pytest.raises(BuildError):  # the next build fails too, and must still leave the old site in place
        write_output(_files(index="newer"), out, check=refuse)
    assert _tree(out) == old
    write_output(_files(index="newer"), out)
    assert (out / "index.html").read_text() == "newer"


def test_staging_writes_each_file_as_it_is_added_and_swaps_them_in(tmp_path):
    """A build's files reach the disk as they are made (a national site is never held whole), and the output
    changes only at ``finish``."""
    out = tmp_path / "site"
    write_output(_files(index="old"), out)
    with writer.Staging(out) as staging:
        staging.files.add("programmes/a/index.html", b"new page")
        assert (staging.folder / "programmes/a/index.html").read_bytes() == b"new page"
        assert staging.files.on_disk("programmes/a/index.html") == staging.folder / "programmes/a/index.html"
        assert (out / "index.html").read_bytes() == b"old"  # not yet
        assert staging.files["programmes/a/index.html"] == b"new page"
        assert staging.finish() == 3
    assert (out / "programmes/a/index.html").read_bytes() == b"new page"
    assert not (out / "index.html").exists()
    assert staging.files["programmes/a/index.html"] == b"new page"  # read from where the folder went
    assert not staging.folder.exists()


def test_an_error_while_staging_leaves_the_output_and_no_staging_folder(tmp_path):
    out = tmp_path / "site"
    write_output(_files(index="old"), out)
    with pytest.raises(RuntimeError):
        with writer.Staging(out) as staging:
            staging.files.add("index.html", b"half a build")
            raise RuntimeError("the build stopped")
    assert (out / "index.html").read_bytes() == b"old"
    assert not staging.folder.exists()
    with writer.Staging(out) as again:  # the lock was let go
        again.finish()
