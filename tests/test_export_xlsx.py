"""The export's own sheet-row writer (`bot.render.xlsx.SheetRows`) writes the very XML openpyxl
writes for the same rows: the workbook is compared member by member with openpyxl's."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from typing import Any

import openpyxl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from bot.render.xlsx import SheetRows, save_workbook

ROWS: list[list[Any]] = [
    ["plain", 1, 2.5, date(2026, 11, 9), datetime(2026, 11, 9, 13, 5), None, "x"],
    ["a & b < c > d \"q\" 'a' ]]>", 0, -3, None, None, 77.5, 1 / 3],
    [" leading", "trailing ", "\ttab", "line\nbreak", "carriage\r\nreturn", "", None],
    ["作业：练习册第5页", "Домашнее задание", "émoji 😀 ✓", "\u2028\u00a0\u0085\u007f", 10**17],
    [True, False, -0.0, 1e-7, 123456789012, 0.1 + 0.2, date(1900, 1, 1)],
    [None, None, None],
    [datetime(2027, 1, 30, 23, 59, 59), date(2026, 12, 31), "a" * 40000],
]


def header(sheet: Any, names: list[str]) -> None:
    cells = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {
            name: z.read(name)
            for name in z.namelist()
            if name != "docProps/core.xml"  # creation time
        }


def test_rows_are_written_as_openpyxl_writes_them() -> None:
    names = ["A", "B", "C", "D", "E", "F", "G"]
    reference = Workbook(write_only=True)
    ours = Workbook(write_only=True)
    writers = []
    for title, chunks in (("One", ROWS), ("Two", ROWS[::-1]), ("Empty", [])):
        ref_sheet = reference.create_sheet(title)
        ref_sheet.freeze_panes = "A2"
        header(ref_sheet, names)
        for row in chunks:
            ref_sheet.append(row)
        sheet = ours.create_sheet(title)
        sheet.freeze_panes = "A2"
        header(sheet, names)
        rows = SheetRows(sheet)
        rows.extend(chunks[:2])
        for row in chunks[2:]:
            rows.append(row)
        writers.append(rows)
    expected = io.BytesIO()
    reference.save(expected)
    got = io.BytesIO()
    save_workbook(ours, writers, got)
    assert members(got.getvalue()) == members(expected.getvalue())
    book = openpyxl.load_workbook(io.BytesIO(got.getvalue()))
    assert [c.value for c in book["One"][2]] == [
        "plain",
        1,
        2.5,
        datetime(2026, 11, 9),
        datetime(2026, 11, 9, 13, 5),
        None,
        "x",
    ]


def test_formulas_error_codes_and_illegal_characters_stay_text() -> None:
    """Texts are typed by users: "=..." is never a formula, "#N/A" never an error, and a
    character XML cannot hold is dropped rather than failing the export."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("S")
    header(sheet, ["T"])
    rows = SheetRows(sheet)
    for text in ('=HYPERLINK("http://x","y")', "#N/A", "bell\x07 and \ufffe here"):
        rows.append([text])
    out = io.BytesIO()
    save_workbook(book, [rows], out)
    values = [r[0] for r in openpyxl.load_workbook(out)["S"].iter_rows(values_only=True)]
    assert values == ["T", '=HYPERLINK("http://x","y")', "#N/A", "bell and  here"]
    loaded = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["S"]
    assert [c.data_type for c in loaded["A"]] == ["s", "s", "s", "s"]
