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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

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

#: Code columns of the graduates table, stored as pandas categories to keep memory low. The record identifier
#: is stored as categories too (a graduate has a row per observation point), but unsorted: sorting millions
#: of identifiers takes seconds and nothing needs them in order.
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


def shown_path(path: Path, project: Path) -> str:
    """A file's name as problems show it: relative to the project when it is inside it."""
    try:
        return str(path.resolve().relative_to(project.resolve()))
    except ValueError:
        return str(path)


def read_descriptor(folder: Path, project: Path) -> tuple[dict, str]:
    """The package descriptor as a dict, with every structural problem reported."""
    path = folder / PACKAGE_FILE
    file = shown_path(path, project)
    if not folder.is_dir():
        raise InputError([Problem(shown_path(folder, project), None, None, "missing-folder",
                                  "no such folder: the input data package is not there")])
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


def resource_path(folder: Path, resource: dict, file: str, problems: list[Problem]) -> Path | None:
    """Where a declared resource is, inside the package folder; a problem (and None) when it is not."""
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


def read_table(path: Path, file: str, fmt: str, categories: bool = False) -> pd.DataFrame:
    """Read a CSV or Parquet resource as text columns, ready for the schema checks.

    With ``categories``, a CSV file's columns come as pandas categories of
    their text, read block by block: a national file of ten million rows
    never sits in memory as text.
    """
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
    names = _check_header_line(path, file)
    frame = _read_csv_categories(path, names) if categories else None
    if frame is not None:
        if frame.empty:
            raise InputError([Problem(file, None, None, "no-rows", "the file has a header but no rows")])
        return frame
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


#: Bytes of CSV parsed at a time: bigger blocks read no faster and hold more memory (pyarrow reads ahead).
_BLOCK_SIZE = 1 << 20


def _read_csv_categories(path: Path, names: list[str]) -> pd.DataFrame | None:
    """Every column as categories of its text, block by block; None when the file is not plain CSV.

    pyarrow's reader is strict: a ragged row, a stray quote or bytes that are
    not UTF-8 stop it, and pandas' reader then reads the file and says where
    the problem is, as it always has. A header with an empty name is left to
    pandas too, which calls it "Unnamed: n".
    """
    if not all(names):
        return None
    blocks: dict[str, list] = {name: [] for name in names}
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=_BLOCK_SIZE),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={name: pa.string() for name in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 null_values=[]))
        if reader.schema.names != names:
            return None
        for batch in reader:
            for name, column in zip(names, batch.columns):
                encoded = column.dictionary_encode()
                indices = encoded.indices.to_numpy(zero_copy_only=False).astype(_code_type(len(encoded.dictionary)))
                blocks[name].append((encoded.dictionary, indices))
    except (pa.ArrowException, UnicodeDecodeError):  # the latter from a header that is not UTF-8
        return None
    return pd.DataFrame({name: _categorical(parts) for name, parts in blocks.items()}, copy=False)


def _code_type(count: int) -> type:
    """The smallest integer type that numbers ``count`` values (as pandas stores category codes)."""
    return np.int8 if count < 2**7 else np.int16 if count < 2**15 else np.int32


def _categorical(blocks: list[tuple[pa.Array, np.ndarray]]) -> pd.Categorical:
    """One categorical column from blocks that each have their own dictionary."""
    # Encoding the blocks' dictionaries together gives one dictionary and, per block, where its values went.
    together = pa.chunked_array([dictionary for dictionary, _ in blocks], type=pa.string()).dictionary_encode()
    categories = together.chunk(0).dictionary if together.num_chunks else pa.array([], type=pa.string())
    code_type = _code_type(len(categories))
    codes = [chunk.indices.to_numpy(zero_copy_only=False).astype(code_type)[indices]
             for chunk, (_, indices) in zip(together.chunks, blocks)]
    return pd.Categorical.from_codes(np.concatenate(codes) if codes else np.array([], dtype=code_type),
                                     pd.Index(categories.to_pandas()))


def _check_header_line(path: Path, file: str) -> list[str]:
    """The column names; duplicates are refused here, before pandas renames them to 'name.1'."""
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        names = next(csv.reader(f), [])
    seen = set()
    for name in names:
        if name in seen:
            raise InputError([Problem(file, 1, name, "duplicate-column", "column appears more than once")])
        seen.add(name)
    return names


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
        path = resource_path(folder, resource, file, problems)
        if path is None:
            continue
        fmt = resource.get("format") or path.suffix.lstrip(".").lower()
        table_file = shown_path(path, project)
        try:
            raw[name] = (read_table(path, table_file, fmt, categories=name == "graduates"), table_file)
        except InputError as exc:
            problems += exc.problems
    raise_if(problems)

    report = Report()
    typed: dict[str, pd.DataFrame] = {}
    invalid: dict[str, dict] = {}
    files = {name: table_file for name, (_, table_file) in raw.items()}
    for name in names:
        # Each text table is let go once checked: at national scale it is a large part of the memory.
        frame, table_file = raw.pop(name)
        schema = table_schema(name)
        if check_header(list(frame.columns), schema, table_file, report):
            typed[name], invalid[name] = check_fields(frame, schema, table_file, report)
            del frame
            check_primary_key(typed[name], schema, table_file, report)
    if set(typed) == set(names):
        for name in names:
            for key in table_schema(name).get("foreignKeys", []):
                target = key["reference"]["resource"]
                check_foreign_key(typed[name], key["fields"], typed[target][key["reference"]["fields"]],
                                  files[target], files[name], report)
        if "graduates" in typed:
            check_graduate_rules(typed["graduates"], invalid["graduates"], typed["programmes"], files["graduates"],
                                 report)
        else:
            check_count_rules(typed["graduate_counts"], invalid["graduate_counts"], typed["programmes"],
                              files["graduate_counts"], report)
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
    small = {"record_id": graduates["record_id"].astype("category")} if "record_id" in graduates else {}
    for name in _CATEGORIES:
        if name in graduates:
            small[name] = _sorted_categories(graduates[name])
    for name in ("cohort_year", "months_after", "months_employed"):
        if name in graduates:
            small[name] = graduates[name].astype("Int16")
    if "earnings_month" in graduates:
        small["earnings_month"] = graduates["earnings_month"].astype("float64")
    if "in_education" in graduates:
        small["in_education"] = graduates["in_education"].astype("boolean")
    return pd.DataFrame({name: small.get(name, column) for name, column in graduates.items()}, copy=False)


def _sorted_categories(column: pd.Series) -> pd.Series:
    """As categories, sorted and only those present, whether the column was read as text or as categories."""
    as_category = column.astype("category").cat.remove_unused_categories()
    return as_category.cat.reorder_categories(as_category.cat.categories.sort_values())
