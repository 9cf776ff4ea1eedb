"""Staged, guarded, atomic writing of the output tree.

A build writes its files into a staging folder beside the output as it makes
them (``Staging``: its ``OutputFiles`` are backed by that folder, so the whole
site is never held in memory). Once all are there, the folder is checked, and
swapped into place with one atomic exchange of the two folders (Linux
``renameat2(RENAME_EXCHANGE)``). Where there is no such exchange, two renames
do it: the output is moved aside to ``.NAME.previous``, then the staging folder
takes its place, and only then is the old site deleted. Between the two renames
the only copy of the old site is ``.NAME.previous``: a build that fails there
moves it back, and one that was killed there has it moved back by the next
build, before anything else. A build that fails or is killed at any moment
leaves the previous output as it was, or recoverable by the next build.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from .errors import BuildError
from .paths import OutputFiles

#: Written into every output so that ontrack only ever replaces a folder it made.
MARKER = ".ontrack-build"
#: Keeps the built site out of git when the output is inside a repository.
GITIGNORE = b"*\n"


def _libc_exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE); False if unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _check_target(output: Path, project: Path | None) -> None:
    """Refuse to replace a folder ontrack did not make, or one holding the project."""
    resolved = output.resolve()
    if project is not None and (resolved == project.resolve() or project.resolve().is_relative_to(resolved)):
        raise BuildError(f"the output folder {output} would contain the project itself; choose another")
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve():
        raise BuildError(f"refusing to use {output} as the output folder")
    if output.exists():
        if not output.is_dir():
            raise BuildError(f"{output} exists and is not a folder")
        entries = {p.name for p in output.iterdir()}
        if entries and MARKER not in entries and entries != {".gitignore"}:
            raise BuildError(f"{output} is not empty and was not made by ontrack; refusing to replace it")


class BuildLock:
    """An exclusive lock beside the output: two builds never write the same output at once."""

    def __init__(self, output: Path):
        self.path = output.parent / f".{output.name}.lock"
        self._fd: int | None = None

    def __enter__(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            raise BuildError(f"another ontrack build is writing {self.path.parent / self.path.name[1:-5]}; "
                             "wait for it to finish and try again", code="output-locked") from None
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)


class Staging:
    """One build's staging folder beside ``output``, with the build's lock held from the first file to the swap.

    ``files`` (an ``OutputFiles``) writes each file into the folder as it is added. ``finish`` checks the folder
    and swaps it in for the output. Leaving the ``with`` block without ``finish`` (an error, Ctrl-C) deletes the
    folder and leaves the output as it was::

        with Staging(output, project=project) as staging:
            staging.files.add("index.html", page)
            staging.finish(check=audit)
    """

    def __init__(self, output: Path, *, project: Path | None = None) -> None:
        self.output = output
        self.folder = output.parent / f".{output.name}.staging"
        self._previous = output.parent / f".{output.name}.previous"
        self._project = project
        self._lock = BuildLock(output)
        self._finished = False
        self.files = OutputFiles(self.folder)

    def __enter__(self) -> Staging:
        _check_target(self.output, self._project)
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self._lock.__enter__()
        try:
            _recover(self.output, self._previous)
            for leftover in (self.folder, self._previous):  # from a build that was killed
                if leftover.exists():
                    shutil.rmtree(leftover)
            self.folder.mkdir()
        except BaseException:
            self._lock.__exit__()
            raise
        return self

    def finish(self, *, mtime: float | None = None, check: Callable[[Path], None] | None = None) -> int:
        """Add the writer's own two files (the marker, .gitignore), give every file ``mtime``, run ``check`` on the
        folder, then swap it in for the output. Returns how many files the output holds."""
        (self.folder / MARKER).write_bytes(b"This folder is made by ontrack build; it is replaced on each build.\n")
        (self.folder / ".gitignore").write_bytes(GITIGNORE)
        if mtime is not None:
            for path in sorted(self.folder.rglob("*"), reverse=True):
                os.utime(path, (mtime, mtime))
        if check is not None:
            check(self.folder)
        if not self.output.exists():
            os.rename(self.folder, self.output)
        elif _libc_exchange(self.folder, self.output):
            shutil.rmtree(self.folder)
        else:
            os.rename(self.output, self._previous)
            os.rename(self.folder, self.output)
            shutil.rmtree(self._previous)
        self._finished = True
        self.files.moved_to(self.output)
        return len(self.files) + 2

    def __exit__(self, *exc) -> None:
        try:
            if not self._finished:
                _recover(self.output, self._previous)  # stopped between the two renames: the old site goes back
                if self.folder.exists():
                    shutil.rmtree(self.folder, ignore_errors=True)
        finally:
            self._lock.__exit__()


def write_output(files: OutputFiles | dict[str, bytes], output: Path, *, project: Path | None = None,
                 mtime: float | None = None, check: Callable[[Path], None] | None = None) -> int:
    """Write ``files`` to a staging folder, run ``check`` on it, then swap it in for ``output``.

    Returns how many files the output holds: ``files`` and the two of the writer's own (the marker, .gitignore).
    """
    with Staging(output, project=project) as staging:
        staging.files.update(files)
        return staging.finish(mtime=mtime, check=check)


def _recover(output: Path, previous: Path) -> None:
    """Put the old site back where a build stopped between the fallback's two renames left it aside.

    With no output but a ``previous`` folder, that folder is the only copy of the last site: it becomes the
    output again. With both, the new site was in place and ``previous`` is only waiting to be deleted.
    """
    if previous.is_dir() and not output.exists():
        os.rename(previous, output)
