"""Validate the staged data packages with frictionless itself; an invalid package fails the build."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import frictionless

from ..errors import BuildError
from .packages import PackageInfo


def _problems(descriptor: str) -> list[tuple]:
    report = frictionless.validate(descriptor)
    return [] if report.valid else report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def validate_packages(root: Path, packages: list[PackageInfo], workers: int = 2) -> None:
    """Run frictionless over every package in the staged output; raise naming the first invalid one.

    Packages are independent, so they are checked in parallel worker processes
    (spawned, not forked: the parent may hold threads from earlier stages).
    """
    descriptors = [str(root / info.descriptor_path) for info in packages]
    if workers > 1 and len(descriptors) > 1:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(_problems, descriptors))
    else:
        results = [_problems(d) for d in descriptors]
    for info, rows in zip(packages, results):
        if rows:
            detail = "; ".join(f"row {r[0]} {r[1]}: {r[2]} {r[3]}" for r in rows)
            raise BuildError(f"published package {info.descriptor_path} is not valid: {detail}")
