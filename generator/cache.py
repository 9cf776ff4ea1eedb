"""The build cache: results of slow steps, stored by a hash of everything they depend on.

A rebuild with nothing changed should take seconds, not minutes, so the slow
steps of a build (the indicators and their disclosure, the data packages and
their frictionless validation, the privacy audit of each file, the chart SVGs,
the Vega bundle, the workbook, the guide and report PDFs) keep their results in
``.ontrack-cache/`` beside the project, under a key that is the SHA-256 of their
inputs. A stale entry can never be used: a changed input gives a different key.
And a damaged entry is never trusted: each file carries the SHA-256 of its
payload, checked on every read, and anything that does not read back cleanly
counts as a miss and is computed again.

There is one way in: a ``BuildCache`` object, handed to the steps that use it.
Every entry is ``KIND/KEY.pickle`` and goes through ``load``/``store``; nothing
else writes into the folder. After a build succeeds, ``prune`` deletes the
entries of each kind the build used that it did not use itself (mark and sweep,
not a size bound): a build is deterministic, so what it used is exactly what the
next build of the same input asks for, and an entry it did not use belongs to an
input that has changed since. A kind the build did not touch at all (the
quality reports of ``ontrack reports`` during a plain ``ontrack build``) keeps
its entries.

Every key includes ``code_version()``, a hash of ontrack's own source and of
the versions of the libraries whose output ends up in the files, so that
upgrading either empties the cache in effect.

The entries are Python pickles, which run code when loaded: the cache is for the
project's own builds and must not be shared with people the builder does not trust,
like the project folder itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import os
import pickle
import sys
import zlib
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

#: Bump to disown every entry written before (a change of the file layout below).
CACHE_FORMAT = b"ontrack-cache 1\n"
#: Libraries whose behaviour shapes the cached values (tables, CSV text, validation verdicts).
LIBRARIES = ("pandas", "numpy", "pyarrow", "frictionless", "openpyxl", "rdflib", "markdown", "nh3", "babel",
             "jinja2", "pyyaml", "pycountry", "altair", "vl-convert-python", "pagefind", "pagefind_bin")
_PACKAGE_ROOT = Path(__file__).resolve().parent
#: Files of the package that shape what a build makes: code, schemas, code lists, message catalogues.
SOURCE_SUFFIXES = {".py", ".json", ".csv", ".po", ".mo", ".toml"}


@cache
def code_version() -> str:
    """SHA-256 of ontrack's source and data files and of the library versions that shape its output."""
    # zlib makes the ZIP archives' bytes; its version is not the Python version's.
    digest = hashlib.sha256(f"{sys.version}\nzlib={zlib.ZLIB_RUNTIME_VERSION}\n".encode())
    for name in LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\n".encode())
    for path in sorted(_PACKAGE_ROOT.rglob("*")):
        if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(path.relative_to(_PACKAGE_ROOT).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def frame_digest(frame) -> bytes:
    """A digest of a pandas table's columns, types and every value (row order included)."""
    import pandas as pd  # not at the top: the chart workers import this module and need no pandas

    digest = hashlib.sha256(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    digest.update(str(len(frame)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.digest()


def _feed(digest, part) -> None:
    """Add one part of a key to the digest, unambiguously (type and length first)."""
    if isinstance(part, bytes | bytearray | memoryview):
        data, tag = bytes(part), b"b"
    elif "pandas" in sys.modules and isinstance(part, sys.modules["pandas"].DataFrame):
        data, tag = frame_digest(part), b"f"
    elif isinstance(part, str | int | float | bool | type(None) | dt.date | Path):
        data, tag = repr(part).encode(), b"s"
    elif isinstance(part, list | tuple):
        digest.update(b"l%d:" % len(part))
        for item in part:
            _feed(digest, item)
        return
    else:
        # Frozen dataclasses (the config) repr every field in a fixed order.
        data, tag = repr(part).encode(), b"r"
    digest.update(tag + b"%d:" % len(data) + data)


def cache_key(*parts) -> str:
    """The SHA-256 of ``parts`` and of ``code_version()``, as hex."""
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        _feed(digest, part)
    return digest.hexdigest()


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


def _write_checked(path: Path, data: bytes) -> None:
    """Write a cache entry with its checksum, atomically (a concurrent build sees all of it or none).

    A full disk or a read-only project is not an error: the build goes on without its cache.
    """
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(CACHE_FORMAT + hashlib.sha256(data).digest() + data)
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)


def _read_checked(path: Path) -> bytes | None:
    """A cache entry's bytes, or None when it is missing or not exactly what was written."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    start = len(CACHE_FORMAT) + 32
    if data[:len(CACHE_FORMAT)] != CACHE_FORMAT or hashlib.sha256(data[start:]).digest() != data[len(CACHE_FORMAT):start]:
        return None
    return data[start:]


class BuildCache:
    """Values stored by kind and key under one folder; ``BuildCache(None)`` stores nothing.

    Counts hits and misses per kind for the build summary.
    """

    def __init__(self, folder: Path | None):
        self.folder = Path(folder) if folder is not None else None
        self.hits: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()
        self._used: dict[str, set[str]] = {}
        #: values ``memoised`` has made or read in this build, by (kind, key)
        self.memo: dict[tuple[str, str], object] = {}

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / f"{key}.pickle"

    def load(self, kind: str, key: str):
        """The stored value, or ``MISSING`` when there is none or it does not read back intact."""
        self._used.setdefault(kind, set()).add(key)
        payload = _read_checked(self._path(kind, key)) if self.folder is not None else None
        if payload is not None:
            try:
                value = pickle.loads(payload)
            except Exception:  # noqa: BLE001 - an entry that does not load is a miss, never an error
                pass
            else:
                self.hits[kind] += 1
                return value
        self.misses[kind] += 1
        return MISSING

    def store(self, kind: str, key: str, value) -> None:
        """Keep a value (see ``_write_checked``)."""
        if self.folder is not None:
            _write_checked(self._path(kind, key), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def get_or_compute(self, kind: str, key: str, compute):
        """The stored value for ``key``, else ``compute()``'s, which is then stored."""
        value = self.load(kind, key)
        if value is MISSING:
            value = compute()
            self.store(kind, key, value)
        return value

    def prune(self) -> None:
        """Delete the entries of each kind this build used that it did not use itself.

        Called after a build succeeded: the cache then holds what the latest build
        needs, instead of growing by a copy of the tables and of every chart at each
        change of the data. Any other file in a used kind's folder goes too (entries of
        an older layout), except another build's partly written entry (a dot file).
        """
        if self.folder is None:
            return
        for kind, used in self._used.items():
            folder = self.folder / kind
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.name.startswith("."):
                    continue
                if not (path.suffix == ".pickle" and path.stem in used) and path.is_file():
                    path.unlink(missing_ok=True)


#: The cache of the build running in this context, for steps deep in a stage (a chart design, a
#: Markdown text) that are worth keeping but are not worth threading a parameter through every caller.
_active: ContextVar[BuildCache | None] = ContextVar("ontrack_build_cache", default=None)


@contextmanager
def active(cache: BuildCache | None):
    """Within this block, ``memoised`` keeps its values in ``cache``."""
    token = _active.set(cache)
    try:
        yield cache
    finally:
        _active.reset(token)


def memoised(kind: str, parts: tuple, compute):
    """``compute()``, or its value from the active build's cache under the key of ``parts`` (and the code)."""
    cache = _active.get()
    if cache is None or cache.folder is None:
        return compute()
    key = cache_key(kind, *parts)
    # The same text on two pages is looked up once a build: its second use is no cache hit, so that a
    # build from scratch reports none.
    if (kind, key) not in cache.memo:
        cache.memo[kind, key] = cache.get_or_compute(kind, key, compute)
    return cache.memo[kind, key]
