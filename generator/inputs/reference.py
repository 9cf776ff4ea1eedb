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

#: Where Eurostat's data browser shows a table, by its code. The address is stable but shows the table's
#: latest data, not an edition: the figure's own edition is named by ``extracted`` beside the page it was read in.
EUROSTAT_TABLE_URL = "https://ec.europa.eu/eurostat/databrowser/view/{code}/default/table?lang=en"

#: The columns of the benchmark table, in the schema's order (the optional ones are added when absent).
BENCHMARK_COLUMNS = [f["name"] for f in table_schema("reference_employment")["fields"]]


def load_reference(folder: Path, project: Path) -> pd.DataFrame:
    """The benchmark figures as a typed table (empty when the project has none)."""
    if not (folder / "datapackage.json").exists():
        return pd.DataFrame(columns=[*BENCHMARK_COLUMNS, "table_url"])
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
    # The optional columns: '' where a page gives no edition or table; True, False or None for a break in the
    # series (None: the source says nothing about breaks), so templates can test them as plain values.
    for name in ("extracted", "eurostat_table"):
        typed[name] = typed[name].fillna("").astype(object) if name in typed else ""
    breaks = typed["series_break"] if "series_break" in typed else pd.Series(pd.NA, index=typed.index)
    typed["series_break"] = [None if pd.isna(v) else bool(v) for v in breaks]
    typed = typed[BENCHMARK_COLUMNS].copy()
    # Not published (it follows from the code): the link a page gives to the table.
    typed["table_url"] = [EUROSTAT_TABLE_URL.format(code=code) if code else "" for code in typed["eurostat_table"]]
    return typed.sort_values(["geo", "year", "source_url"]).reset_index(drop=True)


def benchmark_notes(row) -> dict:
    """What a page shows beside a benchmark figure besides its link: edition, Eurostat table, series break."""
    return {"extracted": row.extracted, "eurostat_table": row.eurostat_table, "table_url": row.table_url,
            "series_break": row.series_break}


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
