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
import math
import shutil
import tempfile
import zipfile
from typing import IO

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.xml.functions import tostring

from ..config import Config
from .tables import PublishedTable

#: openpyxl writes the document properties here (Office Open XML).
CORE_PROPERTIES = "docProps/core.xml"
#: Excel's limit on sheet names.
MAX_SHEET_NAME = 31
#: Rows of a sheet written out at a time by ``_sheet_rows``.
ROWS_AT_ONCE = 2000


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


class _NotPlain(Exception):
    """A value openpyxl writes in a way ``_sheet_rows`` does not copy (a formula, an error code, odd spaces...)."""


def _letters(count: int) -> list[str]:
    """The column letters A, B, ... of the first ``count`` columns."""
    from openpyxl.utils import get_column_letter

    return [get_column_letter(index) for index in range(1, count + 1)]


#: Strings already checked and escaped by ``_cell``, by value.
_TEXTS: dict[str, str] = {}


def _cell(letter: str, row: int, value) -> str:
    """One cell's XML exactly as openpyxl's write-only sheet (with lxml) writes a value of these kinds."""
    kind = type(value)
    if kind is str:
        text = _TEXTS.get(value)
        if text is not None:
            return f'<c r="{letter}{row}" t="inlineStr"><is><t>{text}</t></is></c>'
        if (value == "" or (len(value) > 1 and value[0] == "=") or value in ERROR_CODES or len(value) > 32767
                or value != value.strip() or "\r" in value or ILLEGAL_CHARACTERS_RE.search(value)):
            raise _NotPlain(value)
        text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if len(_TEXTS) < 100_000:  # codes and labels repeat on every row; the cache stays bounded
            _TEXTS[value] = text
        return f'<c r="{letter}{row}" t="inlineStr"><is><t>{text}</t></is></c>'
    if kind is bool:
        return f'<c r="{letter}{row}" t="b"><v>{value:.16g}</v></c>'
    if kind is int or (kind is float and math.isfinite(value)):
        return f'<c r="{letter}{row}" t="n"><v>{value:.16g}</v></c>'
    raise _NotPlain(value)


def _sheet_rows(rows, first_row: int, columns: int, out: IO[bytes]) -> None:
    """Write the ``<row>`` elements of ``rows`` (lists of cell values; None is no cell) to ``out``.

    The same bytes as openpyxl's, some ten times faster: openpyxl spends ~25 us a cell building
    it, which at a million records was most of the publishing stage. Raises ``_NotPlain`` at a value
    it does not write the way openpyxl would (the caller then leaves the sheet to openpyxl).
    """
    letters = _letters(columns)
    chunk: list[str] = []
    for number, values in enumerate(rows, start=first_row):
        cells = "".join(_cell(letter, number, value) for letter, value in zip(letters, values) if value is not None)
        chunk.append(f'<row r="{number}">{cells}</row>')
        if len(chunk) == ROWS_AT_ONCE:
            # Non-ASCII as character references, as lxml writes them.
            out.write("".join(chunk).encode("ascii", "xmlcharrefreplace"))
            chunk.clear()
    out.write("".join(chunk).encode("ascii", "xmlcharrefreplace"))


def repack_workbook(workbook: bytes, release: dt.datetime, core_xml: bytes,
                    sheet_rows: dict[str, IO[bytes]] | None = None) -> bytes:
    """The workbook's ZIP again, entries in the same order, with fixed times and the fixed core properties.

    ``sheet_rows`` (entry name -> file) holds rows to add at the end of a sheet's data.
    """
    stamp = (max(release.year, 1980), release.month, release.day, release.hour, release.minute, release.second)
    sheet_rows = sheet_rows or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if entry.filename in sheet_rows:
                # Streamed in, so the largest sheet is never one string in memory; the entry's size is
                # set first, as writestr does, so its header is the same.
                rows = sheet_rows[entry.filename]
                head, tail = source.read(entry).split(b"</sheetData>")
                info.file_size = len(head) + rows.seek(0, io.SEEK_END) + len(b"</sheetData>") + len(tail)
                rows.seek(0)
                with target.open(info, "w") as entry_out:
                    entry_out.write(head)
                    shutil.copyfileobj(rows, entry_out, 1 << 20)
                    entry_out.write(b"</sheetData>" + tail)
            else:
                target.writestr(info, core_xml if entry.filename == CORE_PROPERTIES else source.read(entry))
    return out.getvalue()


def indicator_workbook(tables: list[PublishedTable], config: Config, release: dt.datetime) -> bytes:
    """The XLSX bytes: README first, then each resource on its own sheet (indicators first, then package order)."""
    book = Workbook(write_only=True)
    # Each sheet's data rows, written by _sheet_rows to a scratch file and added when the workbook is repacked.
    sheet_rows: dict = {}
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

        def rows():
            # Column by column into Python values first: iterating rows of Arrow-backed columns is slower.
            for values in zip(*(table.frame[name].tolist() for name in names)):
                yield [c(v) for c, v in zip(convert, values)]

        spooled = tempfile.TemporaryFile()
        try:
            _sheet_rows(rows(), 2, len(names), spooled)
        except _NotPlain:
            spooled.close()
            for row in rows():
                sheet.append(row)
        else:
            sheet_rows[sheet] = spooled
    props = book.properties
    props.creator = config.site.publisher
    props.title = f"{config.site.title}: VET graduate outcomes, release {config.site.data_version}"
    buffer = io.BytesIO()
    try:
        book.save(buffer)
        # save() sets "modified" to now; the core properties are written again with the release date.
        props.created = props.modified = release
        props.lastModifiedBy = None
        return repack_workbook(buffer.getvalue(), release, tostring(props.to_tree()),
                               {sheet.path.lstrip("/"): rows for sheet, rows in sheet_rows.items()})
    finally:
        for spooled in sheet_rows.values():
            spooled.close()
