"""The same tables as an XLSX workbook and as a zip of CSV files, written in one pass.

Both files are spooled (in memory up to `xlsx.SPOOL_BYTES`, then on disk), so a large export
never holds its rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from bot.render.csv_zip import CsvMember, CsvZip
from bot.render.xlsx import Column, SheetRows, XlsxBook, spooled


class Table:
    """One table written to a sheet of the workbook and to a CSV member of the zip at once."""

    def __init__(self, rows: SheetRows, member: CsvMember) -> None:
        self.rows = rows
        self.member = member

    def append(self, values: Sequence[Any]) -> None:
        self.extend((values,))

    def extend(self, rows: Sequence[Sequence[Any]]) -> None:
        self.rows.extend(rows)
        self.member.extend(rows)

    def close(self) -> None:
        self.member.close()


@dataclass
class TableFiles:
    """The finished files, rewound; the caller closes them."""

    xlsx: IO[bytes]
    archive: IO[bytes]


class TableWriter:
    """Tables one after the other (each closed before the next), then `finish`."""

    def __init__(self) -> None:
        self.book = XlsxBook()
        self.xlsx = spooled()
        self.archive = spooled()
        self.csv = CsvZip(self.archive)

    def table(
        self, name: str, file: str, columns: Sequence[Column], note: str | None = None
    ) -> Table:
        """A sheet titled `name` (cut to Excel's 31 characters), `note` above its header, and
        the CSV member `file`."""
        rows = self.book.add_sheet(name, columns, note)
        return Table(rows, self.csv.add_file(file, [c.header for c in columns]))

    def finish(self) -> TableFiles:
        self.csv.close()
        self.book.save(self.xlsx)
        self.xlsx.seek(0)
        self.archive.seek(0)
        return TableFiles(self.xlsx, self.archive)
