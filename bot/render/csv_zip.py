"""Tables as CSV files (UTF-8 with BOM, which spreadsheet programs need to read Chinese and
Cyrillic) in one zip, each member written a batch of rows at a time."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import IO, Any


def csv_value(value: Any) -> Any:
    """A cell as the CSV shows it: dates ISO, times to the minute, nothing as empty."""
    kind = type(value)
    if kind is str or kind is int or kind is float:
        return value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


class CsvMember:
    """One CSV file of the zip, open for rows until `close`."""

    def __init__(self, archive: zipfile.ZipFile, file: str, headers: Sequence[str]) -> None:
        self.member = archive.open(file, "w", force_zip64=True)
        self.text = io.TextIOWrapper(self.member, encoding="utf-8-sig", newline="")
        self.csv = csv.writer(self.text)
        self.csv.writerow(headers)

    def extend(self, rows: Sequence[Sequence[Any]]) -> None:
        self.csv.writerows([[csv_value(v) for v in r] for r in rows])

    def close(self) -> None:
        self.text.flush()
        self.text.detach()
        self.member.close()


class CsvZip:
    """A zip of CSV files written to `out`; one member open at a time (zipfile's rule)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.archive = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)

    def add_file(self, file: str, headers: Sequence[str]) -> CsvMember:
        return CsvMember(self.archive, file, headers)

    def close(self) -> None:
        self.archive.close()
