"""Validate the staged data packages with frictionless itself; an invalid package fails the build."""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..cache import MISSING, BuildCache, cache_key
from ..errors import BuildError
from .packages import PackageInfo


def _problems(descriptor: str) -> list[tuple]:
    import frictionless  # about 0.4 s to import: only when a package has to be checked

    report = frictionless.validate(descriptor)
    return [] if report.valid else report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def package_key(descriptor: Path) -> str | None:
    """The cache key of a package's verdict: its descriptor's bytes and every resource's bytes.

    frictionless reads nothing else (the schemas are inline, the foreign keys point
    inside the package), so identical bytes get the same verdict. None when the
    package cannot be read whole: frictionless then says what is wrong.
    """
    try:
        text = descriptor.read_bytes()
        parts: list = ["frictionless-verdict", text]
        for resource in json.loads(text).get("resources", []):
            path = resource.get("path")
            if not isinstance(path, str):
                return None
            parts += [path, (descriptor.parent / path).read_bytes()]
    except (OSError, ValueError, AttributeError):
        return None
    return cache_key(*parts)


class PackageValidation:
    """frictionless over every package of a staged output, started as soon as the packages are written.

    The packages do not change after publishing, so they are checked in spawned worker processes while the build
    goes on making pages (whose stages mostly leave the second core idle); ``wait`` collects the verdicts and
    raises, naming the first invalid package. A package whose bytes were found valid before (``cache``) is not
    checked again. Use it as a context manager: leaving the block stops the workers that are still going.
    """

    def __init__(self, root: Path, packages: list[PackageInfo], workers: int = 1, cache: BuildCache | None = None):
        self._cache = cache or BuildCache(None)
        self._keys = {info.name: package_key(root / info.descriptor_path) for info in packages}
        self._unchecked = [info for info in packages if self._keys[info.name] is None
                           or self._cache.load("validation", self._keys[info.name]) is MISSING]
        self._descriptors = [str(root / info.descriptor_path) for info in self._unchecked]
        self._pool = None
        self._futures = []
        if workers > 0 and self._descriptors:  # 0 workers: checked in this process, in ``wait``
            # Spawned, not forked: the parent may hold threads from earlier stages.
            self._pool = ProcessPoolExecutor(min(workers, len(self._descriptors)),
                                             mp_context=multiprocessing.get_context("spawn"))
            self._futures = [self._pool.submit(_problems, d) for d in self._descriptors]

    def wait(self, progress=None) -> None:
        """Every verdict (``progress(task, done, total)`` hears of each); a BuildError for the first invalid one."""
        total = len(self._descriptors)
        results = []
        for descriptor, future in zip(self._descriptors, self._futures or [None] * total):
            results.append(future.result() if future is not None else _problems(descriptor))
            if progress is not None:
                progress("validate packages", len(results), total)
        self.close()
        for info, rows in zip(self._unchecked, results):
            if rows:
                detail = "; ".join(f"row {r[0]} {r[1]}: {r[2]} {r[3]}" for r in rows)
                raise BuildError(f"published package {info.descriptor_path} is not valid: {detail}",
                                 code="invalid-package")
            if self._keys[info.name] is not None:
                self._cache.store("validation", self._keys[info.name], True)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> PackageValidation:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

