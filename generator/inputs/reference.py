"""Read the reference figures: real published employment rates of recent VET graduates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError, Problem
from ..schemas import table_schema
from ..validate import Report, check_fields, check_header, check_primary_key
from .package import read_table

#: The EU-level target: at least 82% of recent VET graduates employed by 2025, set by the
#: Council Recommendation of 24 November 2020 on VET (2020/C 417/01).
EU_TARGET = 82.0
EU_TARGET_YEAR = 2025
EU_TARGET_SOURCE = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32020H1202(01)"


def load_reference(folder: Path, project: Path) -> pd.DataFrame:
    """The benchmark figures as a typed table (empty when the project has none)."""
    if not (folder / "datapackage.json").exists():
        return pd.DataFrame(columns=["geo", "year", "value", "source_url"])
    descriptor, file = read_descriptor_any(folder, project)
    resource = next((r for r in descriptor["resources"] if r.get("name") == "employment_benchmark"), None)
    if resource is None:
        raise InputError([Problem(file, None, "resources", "missing-resource", "no resource named 'employment_benchmark'")])
    path = folder / str(resource.get("path", ""))
    table_file = str(path.relative_to(project)) if path.is_relative_to(project) else str(path)
    if not path.is_file() or not path.resolve().is_relative_to(folder.resolve()):
        raise InputError([Problem(file, None, "resources.employment_benchmark.path", "missing-file",
                                  f"{resource.get('path')!r} does not exist in the package folder")])
    schema = table_schema("reference_employment")
    frame = read_table(path, table_file, "csv")
    report = Report()
    typed = None
    if check_header(list(frame.columns), schema, table_file, report):
        typed, _ = check_fields(frame, schema, table_file, report)
        check_primary_key(typed, schema, table_file, report)
    if report:
        raise InputError(report.sorted(), uncounted=report.uncounted)
    typed["year"] = typed["year"].astype("int64")
    typed["value"] = typed["value"].astype("float64")
    return typed.sort_values(["geo", "year", "source_url"]).reset_index(drop=True)


def read_descriptor_any(folder: Path, project: Path) -> tuple[dict, str]:
    """Like ``read_descriptor`` but without requiring the graduate-data resources."""
    import json

    path = folder / "datapackage.json"
    file = str(path.relative_to(project)) if path.is_relative_to(project) else str(path)
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem(file, getattr(exc, "lineno", None), None, "json", f"not valid JSON: {exc}")]) from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise InputError([Problem(file, None, "resources", "descriptor", "must be an object with a list of resources")])
    return descriptor, file
