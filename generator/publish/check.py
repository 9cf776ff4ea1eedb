"""Validate the staged data packages with frictionless itself; an invalid package fails the build."""

from __future__ import annotations

from pathlib import Path

import frictionless

from ..errors import BuildError
from .packages import PackageInfo


def validate_packages(root: Path, packages: list[PackageInfo]) -> None:
    """Run frictionless over every package in the staged output; raise on the first invalid one."""
    for info in packages:
        report = frictionless.validate(str(root / info.descriptor_path))
        if not report.valid:
            rows = report.flatten(["rowNumber", "fieldName", "type", "note"])
            detail = "; ".join(f"row {r[0]} {r[1]}: {r[2]} {r[3]}" for r in rows[:5])
            raise BuildError(f"published package {info.descriptor_path} is not valid: {detail}")
