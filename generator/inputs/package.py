"""Read and check the input data package (``datasets/<name>/datapackage.json``).

The package names three resources: ``programmes`` and ``providers`` (code
lists) and ``graduates`` (record-level observations), as CSV or Parquet. An
aggregated input names ``graduate_counts`` (counts per cell, computed upstream)
and ``programme_providers`` instead of ``graduates``. They are checked against
the project's canonical Table Schemas, not against whatever schema the package
declares: a package cannot widen what is accepted.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError, Problem, raise_if
from ..schemas import AGGREGATED_RESOURCES, INPUT_RESOURCES, table_schema
from ..validate import (
    Report,
    check_fields,
    check_foreign_key,
    check_graduate_rules,
    check_header,
    check_primary_key,
)
from ..validate_counts import check_count_rules

PACKAGE_FILE = "datapackage.json"

#: Categorical columns of the graduates table, stored as pandas categories to keep memory low.
_CATEGORIES = ("geo", "programme_code", "provider_code", "source", "contact", "sex", "lm_status",
               "employment_type", "work_regime", "nace_section", "job_related", "currency")


@dataclass(frozen=True)
class InputPackage:
    """The checked, typed input tables: records, or counts per cell. Never handed to render or publish."""

    name: str
    title: str
    programmes: pd.DataFrame
    providers: pd.DataFrame
    graduates: pd.DataFrame | None = None
    #: An aggregated input's counts (unrounded as far as the supplier gave them) and programme-provider pairs.
    graduate_counts: pd.DataFrame | None = None
    programme_providers: pd.DataFrame | None = None

    @property
    def aggregated(self) -> bool:
        return self.graduates is None

    def offered_by(self) -> dict[str, tuple[str, ...]]:
        """Which providers each programme's graduates came from (code lists only, no records)."""
        pairs = self.programme_providers if self.aggregated else self.graduates[["programme_code", "provider_code"]]
        pairs = pairs.drop_duplicates()
        return {str(k): tuple(sorted(str(v) for v in group["provider_code"]))
                for k, group in pairs.groupby("programme_code", observed=True)}

    def record_ids(self) -> set[str]:
        """The record identifiers, which must appear nowhere in the output (an aggregated input has none)."""
        return set() if self.aggregated else set(self.graduates["record_id"].astype(str).unique())

    def extent(self) -> str:
        """How much data there is, in words."""
        if self.aggregated:
            return f"{len(self.graduate_counts):,} aggregated cells"
        return f"{len(self.graduates):,} observations"


def _relative(path: Path, project: Path) -> str:
    try:
        return str(path.resolve().relative_to(project.resolve()))
    except ValueError:
        return str(path)


def read_descriptor(folder: Path, project: Path) -> tuple[dict, str]:
    """The package descriptor as a dict, with every structural problem reported."""
    path = folder / PACKAGE_FILE
    file = _relative(path, project)
    if not path.is_file():
        raise InputError([Problem(file, None, None, "missing-file", "the input data package has no datapackage.json")])
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError([Problem(file, None, None, "encoding", f"not valid UTF-8 ({exc.reason})")]) from None
    except json.JSONDecodeError as exc:
        raise InputError([Problem(file, exc.lineno, None, "json", f"not valid JSON: {exc.msg}")]) from None
    problems = []
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise InputError([Problem(file, None, "resources", "descriptor", "must be an object with a list of resources")])
    names = [r.get("name") for r in descriptor["resources"] if isinstance(r, dict)]
    if "graduates" in names and "graduate_counts" in names:
        problems.append(Problem(file, None, "resources", "records-and-counts",
                                "declares both graduates (records) and graduate_counts (aggregated); give one"))
    for name in resource_names(descriptor):
        if name not in names:
            problems.append(Problem(file, None, "resources", "missing-resource", f"no resource named {name!r}"))
    raise_if(problems)
    return descriptor, file


def resource_names(descriptor: dict) -> tuple[str, ...]:
    """The resources the package must have: record level, or aggregated when it declares graduate_counts."""
    names = {r.get("name") for r in descriptor["resources"] if isinstance(r, dict)}
    return AGGREGATED_RESOURCES if "graduate_counts" in names and "graduates" not in names else INPUT_RESOURCES


def _resource_path(folder: Path, resource: dict, file: str, problems: list[Problem]) -> Path | None:
    path = resource.get("path")
    where = f"resources.{resource.get('name')}.path"
    if not isinstance(path, str) or not path:
        problems.append(Problem(file, None, where, "path", "must be a relative file path"))
        return None
    target = (folder / path).resolve()
    if Path(path).is_absolute() or not target.is_relative_to(folder.resolve()):
        problems.append(Problem(file, None, where, "path", f"{path!r} points outside the package folder"))
        return None
    if not target.is_file():
        problems.append(Problem(file, None, where, "missing-file", f"{path!r} does not exist"))
        return None
    return target


def _declared_schema_problems(resource: dict, file: str) -> list[Problem]:
    """A declared schema must list exactly the canonical fields, so the package says what it holds."""
    schema = resource.get("schema")
    name = resource["name"]
    if schema is None or isinstance(schema, str):
        return []  # a schema by reference is read from the canonical copy
    declared = [f.get("name") for f in schema.get("fields", []) if isinstance(f, dict)]
    canonical = [f["name"] for f in table_schema(name)["fields"]]
    extra = [d for d in declared if d not in canonical]
    return [Problem(file, None, f"resources.{name}.schema", "schema-field",
                    f"field {d!r} is not in ontrack's {name} schema") for d in extra]


def read_table(path: Path, file: str, fmt: str) -> pd.DataFrame:
    """Read a CSV or Parquet resource as text columns, ready for the schema checks."""
    if fmt == "parquet":
        try:
            # Arrow types keep integer columns with missing values as integers ('12', not '12.0').
            frame = pd.read_parquet(path, dtype_backend="pyarrow")
        except Exception as exc:  # pyarrow raises many types for a broken file
            raise InputError([Problem(file, None, None, "parquet", f"cannot be read as Parquet: {exc}")]) from None
        return frame.astype("string").fillna("").astype(object)
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith(b"\xef\xbb\xbf"):
        raise InputError([Problem(file, 1, None, "bom",
                                  "starts with a byte-order mark; save it as UTF-8 without BOM")])
    if not head:
        raise InputError([Problem(file, None, None, "empty-file", "the file is empty; a header row is required")])
    _check_header_line(path, file)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8",
                            quoting=csv.QUOTE_MINIMAL, skip_blank_lines=False)
    except UnicodeDecodeError as exc:
        raise InputError([Problem(file, None, None, "encoding",
                                  f"not valid UTF-8 (byte {exc.object[exc.start]:#04x} at offset {exc.start})")]) from None
    except pd.errors.ParserError as exc:
        raise InputError([Problem(file, _line_of(str(exc)), None, "csv", f"malformed CSV: {exc}".strip())]) from None
    except pd.errors.EmptyDataError:
        raise InputError([Problem(file, None, None, "empty-file", "the file is empty; a header row is required")]) from None
    if frame.empty:
        raise InputError([Problem(file, None, None, "no-rows", "the file has a header but no rows")])
    return frame


def _check_header_line(path: Path, file: str) -> None:
    """Duplicate column names, seen before pandas renames them to 'name.1'."""
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        names = next(csv.reader(f), [])
    seen = set()
    for name in names:
        if name in seen:
            raise InputError([Problem(file, 1, name, "duplicate-column", "column appears more than once")])
        seen.add(name)


def _line_of(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def load_input_package(folder: Path, project: Path) -> InputPackage:
    """Read and check the whole input package, reporting every problem at once."""
    descriptor, file = read_descriptor(folder, project)
    names = resource_names(descriptor)
    resources = {r["name"]: r for r in descriptor["resources"] if isinstance(r, dict) and "name" in r}
    problems: list[Problem] = []
    raw: dict[str, tuple[pd.DataFrame, str]] = {}
    for name in names:
        resource = resources[name]
        problems += _declared_schema_problems(resource, file)
        path = _resource_path(folder, resource, file, problems)
        if path is None:
            continue
        fmt = resource.get("format") or path.suffix.lstrip(".").lower()
        table_file = _relative(path, project)
        try:
            raw[name] = (read_table(path, table_file, fmt), table_file)
        except InputError as exc:
            problems += exc.problems
    raise_if(problems)

    report = Report()
    typed: dict[str, pd.DataFrame] = {}
    invalid: dict[str, dict] = {}
    for name in names:
        frame, table_file = raw[name]
        schema = table_schema(name)
        if check_header(list(frame.columns), schema, table_file, report):
            typed[name], invalid[name] = check_fields(frame, schema, table_file, report)
            check_primary_key(typed[name], schema, table_file, report)
    if set(typed) == set(names):
        for name in names:
            for key in table_schema(name).get("foreignKeys", []):
                target = key["reference"]["resource"]
                check_foreign_key(typed[name], key["fields"], typed[target][key["reference"]["fields"]],
                                  raw[target][1], raw[name][1], report)
        if "graduates" in typed:
            check_graduate_rules(typed["graduates"], invalid["graduates"], typed["programmes"], raw["graduates"][1],
                                 report)
        else:
            check_count_rules(typed["graduate_counts"], invalid["graduate_counts"], typed["programmes"],
                              raw["graduate_counts"][1], report)
    if report:
        raise InputError(report.sorted(), uncounted=report.uncounted)
    common = {"name": str(descriptor.get("name", folder.name)), "title": str(descriptor.get("title", folder.name)),
              "programmes": typed["programmes"], "providers": typed["providers"]}
    if "graduates" in typed:
        return InputPackage(**common, graduates=_compact(typed["graduates"]))
    return InputPackage(**common, graduate_counts=typed["graduate_counts"],
                        programme_providers=typed["programme_providers"])


def _compact(graduates: pd.DataFrame) -> pd.DataFrame:
    """Store codes as categories and numbers in small types: a national extract must fit in memory."""
    out = graduates.copy()
    for name in _CATEGORIES:
        if name in out:
            out[name] = out[name].astype("category")
    for name in ("cohort_year", "months_after", "months_employed"):
        if name in out:
            out[name] = out[name].astype("Int16")
    if "earnings_month" in out:
        out["earnings_month"] = out["earnings_month"].astype("float64")
    if "in_education" in out:
        out["in_education"] = out["in_education"].astype("boolean")
    return out
