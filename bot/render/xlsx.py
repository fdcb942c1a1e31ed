"""XLSX workbooks of plain tables, written a batch of rows at a time without keeping them.

openpyxl's write-only workbook holds each sheet's header; the data rows go through
`SheetRows`, which writes the XML openpyxl would write for them straight to a spooled file,
and `save_workbook` splices them into the package. The result is openpyxl's own file, byte
for byte (tests/test_export_xlsx.py).

openpyxl is imported inside the functions that use it: it is heavy, and the bot starts
without building a workbook.
"""

from __future__ import annotations

import io
import math
import numbers
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

SPOOL_BYTES = 8 * 1024 * 1024
"""Files stay in memory up to this size, then move to disk."""

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold (openpyxl refuses a value with one: we drop them)."""
_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
MAX_CELL_TEXT = 32767
MAX_COLUMN_WIDTH = 60


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    """Typical width in characters (the header's own width wins when it is wider)."""


def display_width(text: str) -> int:
    """Characters as a spreadsheet shows them: CJK ones are twice as wide."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def spooled() -> IO[bytes]:
    """A temporary file kept in memory up to `SPOOL_BYTES`; the caller closes it."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)


class SheetRows:
    """The data rows of a write-only openpyxl sheet, written as the XML openpyxl itself writes
    for them (`openpyxl.cell._writer.lxml_write_cell`: inline strings, ASCII with character
    references, dates as serial numbers with openpyxl's date styles), straight to a file.

    openpyxl builds a `Cell` per value and an lxml element per cell, about 10 us a cell: most
    of an export's time. Here a row is one string. The rows are spliced into the sheet's XML
    when the workbook is saved (`save_workbook`). Unlike openpyxl, a text starting with "=" or
    equal to an error code stays text (never a formula: texts are typed by users), and
    characters XML cannot hold are dropped instead of failing the whole export."""

    def __init__(self, sheet: Any, first_row: int = 2) -> None:
        from openpyxl.utils.datetime import to_excel  # lazy: see the module's docstring

        self.sheet = sheet
        self.file: IO[bytes] = spooled()
        self.next_row = first_row
        self.epoch = sheet.parent.epoch
        self.to_excel = to_excel  # bound once: `_cell` runs for every value
        self.styles: dict[type, str] = {}
        self.serials: dict[date, str] = {}
        self.letters: list[str] = []

    def _style(self, value: date) -> str:
        """openpyxl's style id of a date (datetime) cell: registered at the first one, in the
        order openpyxl's writer would register it."""
        from openpyxl.cell import WriteOnlyCell  # lazy: see the module's docstring

        kind = type(value)
        if kind not in self.styles:
            self.styles[kind] = str(WriteOnlyCell(self.sheet, value=value).style_id)
        return self.styles[kind]

    def _cell(self, ref: str, value: Any) -> str:
        kind = type(value)
        if kind is str:
            text: str = value[:MAX_CELL_TEXT]
            if XML_ILLEGAL.search(text):
                text = XML_ILLEGAL.sub("", text)
            if not text:
                return f'<c r="{ref}" t="inlineStr"></c>'
            space = ' xml:space="preserve"' if text != text.strip() else ""
            escaped = text.translate(_XML_ESCAPE)
            return f'<c r="{ref}" t="inlineStr"><is><t{space}>{escaped}</t></is></c>'
        if kind is int or kind is float:
            return f'<c r="{ref}" t="n"><v>{_number(value)}</v></c>'
        if kind is date:
            serial = self.serials.get(value)
            if serial is None:
                serial = self.serials[value] = _number(self.to_excel(value, self.epoch))
            return f'<c r="{ref}" s="{self._style(value)}" t="n"><v>{serial}</v></c>'
        if kind is datetime:
            serial = _number(self.to_excel(value, self.epoch))
            return f'<c r="{ref}" s="{self._style(value)}" t="n"><v>{serial}</v></c>'
        if kind is bool:
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, numbers.Real):
            return f'<c r="{ref}" t="n"><v>{_number(value)}</v></c>'
        raise TypeError(f"cannot export {kind.__name__} values")

    def append(self, values: Sequence[Any]) -> None:
        self.extend((values,))

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        from openpyxl.utils import get_column_letter  # lazy: see the module's docstring

        parts: list[str] = []
        row = self.next_row
        letters = self.letters
        for values in rows:
            if len(values) > len(letters):
                letters += [get_column_letter(i) for i in range(len(letters) + 1, len(values) + 1)]
            parts.append(f'<row r="{row}">')
            suffix = str(row)
            for letter, value in zip(letters, values, strict=False):
                if value is not None:
                    parts.append(self._cell(letter + suffix, value))
            parts.append("</row>")
            row += 1
        self.next_row = row
        self.file.write("".join(parts).encode("ascii", "xmlcharrefreplace"))


def _number(value: Any) -> str:
    """A number as openpyxl writes it (`openpyxl.compat.safe_string`)."""
    if math.isnan(value) or math.isinf(value):
        return ""
    return "%.16g" % value  # noqa: UP031 (exactly openpyxl's formatting)


def save_workbook(book: Any, rows: Sequence[SheetRows], out: IO[bytes]) -> None:
    """Save `book` (write-only, its sheets holding their header rows) with each sheet's data
    rows spliced into its XML: the same package openpyxl writes, member by member."""
    skeleton = io.BytesIO()
    book.save(skeleton)
    paths = {f"xl/worksheets/sheet{i}.xml": r for i, r in enumerate(rows, start=1)}
    with (
        zipfile.ZipFile(skeleton) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            found = paths.get(info.filename)
            if found is None:
                target.writestr(info, data)
                continue
            _splice(target, info, data, found)


def _splice(target: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes, rows: SheetRows) -> None:
    """The sheet's XML with the spooled rows written where its (empty) sheetData ends."""
    head, end, tail = data.partition(b"</sheetData>")
    assert end, "a write-only sheet without sheetData"
    member = zipfile.ZipInfo(info.filename, info.date_time)
    member.compress_type = zipfile.ZIP_DEFLATED
    with target.open(member, "w", force_zip64=True) as stream:
        stream.write(head)
        rows.file.seek(0)
        shutil.copyfileobj(rows.file, stream, 1024 * 1024)
        stream.write(end + tail)
    rows.file.close()


class XlsxBook:
    """A write-only workbook: a sheet per table, a bold frozen header row, column widths."""

    def __init__(self) -> None:
        from openpyxl import Workbook  # lazy: see the module's docstring

        self.book = Workbook(write_only=True)
        self.sheets: list[SheetRows] = []

    def add_sheet(self, name: str, columns: Sequence[Column], note: str | None = None) -> SheetRows:
        """A sheet with a bold header row (frozen); `note`, when given, is a first row above
        it (what the sheet holds and leaves out)."""
        from openpyxl.cell import WriteOnlyCell  # lazy: see the module's docstring
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        sheet = self.book.create_sheet(title=name[:31])
        # Write-only sheets take widths and panes before the first row.
        for i, column in enumerate(columns, start=1):
            width = max(column.width, display_width(column.header) + 2)
            sheet.column_dimensions[get_column_letter(i)].width = min(width, MAX_COLUMN_WIDTH)
        sheet.freeze_panes = "A3" if note else "A2"
        bold = Font(bold=True)
        if note:
            remark = WriteOnlyCell(sheet, value=note)
            remark.font = Font(italic=True)
            sheet.append([remark])
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column.header)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        rows = SheetRows(sheet, first_row=3 if note else 2)
        self.sheets.append(rows)
        return rows

    def save(self, out: IO[bytes]) -> None:
        save_workbook(self.book, self.sheets, out)
