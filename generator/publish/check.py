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


def validate_packages(root: Path, packages: list[PackageInfo], workers: int = 2,
                      cache: BuildCache | None = None, progress=None) -> None:
    """Run frictionless over every package in the staged output; raise naming the first invalid one.

    A package whose bytes were found valid before (``cache``) is not checked again;
    ``progress(task, done, total)`` hears of each package checked.
    Packages are independent, so they are checked in parallel worker processes
    (spawned, not forked: the parent may hold threads from earlier stages).
    """
    cache = cache or BuildCache(None)
    keys = {info.name: package_key(root / info.descriptor_path) for info in packages}
    unchecked = [info for info in packages
                 if keys[info.name] is None or cache.load("validation", keys[info.name]) is MISSING]
    descriptors = [str(root / info.descriptor_path) for info in unchecked]
    results = []

    def checked(rows: list[tuple]) -> None:
        results.append(rows)
        if progress is not None:
            progress("validate packages", len(results), len(descriptors))

    if workers > 1 and len(descriptors) > 1:
        with ProcessPoolExecutor(min(workers, len(descriptors)),
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            for rows in pool.map(_problems, descriptors):
                checked(rows)
    else:
        for descriptor in descriptors:
            checked(_problems(descriptor))
    for info, rows in zip(unchecked, results):
        if rows:
            detail = "; ".join(f"row {r[0]} {r[1]}: {r[2]} {r[3]}" for r in rows)
            raise BuildError(f"published package {info.descriptor_path} is not valid: {detail}", code="invalid-package")
        if keys[info.name] is not None:
            cache.store("validation", keys[info.name], True)
