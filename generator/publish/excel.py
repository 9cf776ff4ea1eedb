"""The whole-site package as one Excel workbook: a README sheet, then one sheet per resource.

For readers who open data in a spreadsheet rather than a data tool. The cells
are typed from each resource's Table Schema (numbers are numbers, hidden
figures are empty cells, never 0). The bytes are deterministic: openpyxl stamps
the workbook and its ZIP entries with the clock, so both are reset to the
release date.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.xml.functions import tostring

from ..config import Config
from .tables import PublishedTable

#: openpyxl writes the document properties here (Office Open XML).
CORE_PROPERTIES = "docProps/core.xml"
#: Excel's limit on sheet names.
MAX_SHEET_NAME = 31


def workbook_path(config: Config) -> str:
    return f"data/downloads/ontrack-indicators-{config.site.data_version}.xlsx"


def _converter(field_type: str):
    """Cell value from a published CSV string: typed by the Table Schema, empty -> empty cell."""
    if field_type == "integer":
        return lambda v: None if v in ("", None) or pd.isna(v) else int(v)
    if field_type == "number":
        return lambda v: None if v in ("", None) or pd.isna(v) else float(v)
    if field_type == "boolean":
        return lambda v: None if v in ("", None) or pd.isna(v) else str(v).lower() == "true"
    return lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v)) or v == "" else str(v)


def _header(sheet, names: list[str]) -> list:
    bold = Font(bold=True)
    cells = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    return cells


def _readme_rows(tables: list[PublishedTable], config: Config, release: dt.datetime) -> list[list]:
    site = config.site
    rows = [
        [f"{site.title}: VET graduate outcomes, release {site.data_version}"],
        [site.description],
        [],
        ["Publisher", site.publisher],
        ["Release", site.data_version],
        ["Released", release.date().isoformat()],
        ["Licence", f"{site.licence_terms.title} ({site.licence}), {site.licence_terms.url}"],
    ]
    if site.base_url:
        rows.append(["Web site", site.base_url])
    rows += [
        [],
        ["How to read the figures"],
        ["Rates are percentages. base_rounded is the number of graduates behind each figure, rounded."],
        ["A hidden figure is an empty cell with flag = c and a suppression_reason: never read it as 0."],
        ["The same tables, with their full Table Schemas, are in the data package (datapackage.json + CSV)."],
        [],
        ["Sheet", "Contents", "Rows"],
        *[[t.name[:MAX_SHEET_NAME], t.title, len(t.frame)] for t in tables],
    ]
    return rows


def repack_workbook(workbook: bytes, release: dt.datetime, core_xml: bytes) -> bytes:
    """The workbook's ZIP again, entries in the same order, with fixed times and the fixed core properties."""
    stamp = (max(release.year, 1980), release.month, release.day, release.hour, release.minute, release.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, core_xml if entry.filename == CORE_PROPERTIES else source.read(entry))
    return out.getvalue()


def indicator_workbook(tables: list[PublishedTable], config: Config, release: dt.datetime) -> bytes:
    """The XLSX bytes: README first, then each resource on its own sheet (indicators first, then package order)."""
    book = Workbook(write_only=True)
    # The indicators first, after the README: the sheet most readers want.
    tables = sorted(tables, key=lambda t: t.name != "indicators")
    readme = book.create_sheet("README")
    for row in _readme_rows(tables, config, release):
        readme.append(row)
    for table in tables:
        sheet = book.create_sheet(table.name[:MAX_SHEET_NAME])
        fields = table.schema["fields"]
        names = [f["name"] for f in fields]
        sheet.append(_header(sheet, names))
        convert = [_converter(f.get("type", "string")) for f in fields]
        for values in table.frame[names].itertuples(index=False, name=None):
            sheet.append([c(v) for c, v in zip(convert, values)])
    props = book.properties
    props.creator = config.site.publisher
    props.title = f"{config.site.title}: VET graduate outcomes, release {config.site.data_version}"
    buffer = io.BytesIO()
    book.save(buffer)
    # save() sets "modified" to now; the core properties are written again with the release date.
    props.created = props.modified = release
    props.lastModifiedBy = None
    return repack_workbook(buffer.getvalue(), release, tostring(props.to_tree()))
