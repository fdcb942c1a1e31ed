"""/export: homework, class-evening loads, parents' reports and complaints of a period and a
scope, as an XLSX workbook and the same tables as CSV files (UTF-8 with BOM) in a zip.

Built streaming: rows come from server-side cursors (`session.stream`) and go straight into
openpyxl's write-only workbook and the zip's CSV members, both spooled to temporary files, so
a district's term never sits in memory as rows. A progress message is edited while it builds.
Parents' identities are never exported; a complainant's name only when they filed named.
The dialog (scope and period) is `handlers.reports`'; it calls `send_export` at its end.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import math
import numbers
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, Update
from telegram.error import BadRequest

from bot.domain.periods import Scope
from bot.i18n import _, format_number
from handlers.complaints.render import level_label, status_label
from handlers.kit.context import Ctx
from handlers.kit.labels import category_label, kind_label
from storage.analytics import complaints, exports, loads, scopes

log = logging.getLogger(__name__)

PROGRESS_EVERY = 2.0
"""Seconds between edits of the progress message."""
YIELD_EVERY = 500
"""Rows between yields to the event loop (other chats keep being served)."""
SPOOL_BYTES = 8 * 1024 * 1024
"""Files stay in memory up to this size, then move to disk."""


MAX_SHEET_ROWS = 600_000
"""Largest table an export builds: ~1.6 M rows in all made a 43 MB XLSX (bench/export.py),
Telegram's upload limit is 50 MB, and a sheet holds at most 1,048,576 rows."""
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    """Typical width in characters (the header's own width wins when it is wider)."""


@dataclass
class Counts:
    pieces: int = 0
    evenings: int = 0
    reports: int = 0
    complaints: int = 0

    @property
    def total(self) -> int:
        return self.pieces + self.evenings + self.reports + self.complaints


Progress = Callable[[Counts], Awaitable[None]]


def display_width(text: str) -> int:
    """Characters as a spreadsheet shows them: CJK ones are twice as wide."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _outcome_label(outcome: str) -> str:
    return _("done") if outcome == "done" else _("did not finish, went to bed")


def _status_label(status: str) -> str:
    labels = {
        "posted": _("posted"),
        "pending": _("waiting for approval"),
        "cancelled": _("cancelled"),
        "rejected": _("rejected"),
    }
    return labels.get(status, status)


def _local(value: datetime | None, tz: str) -> datetime | None:
    """A UTC instant as the school's wall-clock time, naive (spreadsheets have no zones)."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None, microsecond=0)


XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold (openpyxl refuses a value with one: we drop them)."""
_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
MAX_CELL_TEXT = 32767


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
        self.sheet = sheet
        self.file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
        self.next_row = first_row
        self.epoch = sheet.parent.epoch
        self.styles: dict[type, str] = {}
        self.serials: dict[date, str] = {}
        self.letters: list[str] = []

    def _style(self, value: date) -> str:
        """openpyxl's style id of a date (datetime) cell: registered at the first one, in the
        order openpyxl's writer would register it."""
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
                serial = self.serials[value] = _number(to_excel(value, self.epoch))
            return f'<c r="{ref}" s="{self._style(value)}" t="n"><v>{serial}</v></c>'
        if kind is datetime:
            serial = _number(to_excel(value, self.epoch))
            return f'<c r="{ref}" s="{self._style(value)}" t="n"><v>{serial}</v></c>'
        if kind is bool:
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, numbers.Real):
            return f'<c r="{ref}" t="n"><v>{_number(value)}</v></c>'
        raise TypeError(f"cannot export {kind.__name__} values")

    def append(self, values: Sequence[Any]) -> None:
        self.extend((values,))

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
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


def save_workbook(book: Workbook, rows: Sequence[SheetRows], out: IO[bytes]) -> None:
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
            head, end, tail = data.partition(b"</sheetData>")
            assert end, "a write-only sheet without sheetData"
            member = zipfile.ZipInfo(info.filename, info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            with target.open(member, "w", force_zip64=True) as stream:
                stream.write(head)
                found.file.seek(0)
                shutil.copyfileobj(found.file, stream, 1024 * 1024)
                stream.write(end + tail)
            found.file.close()


class Sheet:
    """One table written to the workbook and to a CSV member of the zip at once."""

    def __init__(
        self, book: Workbook, archive: zipfile.ZipFile, name: str, file: str, columns: list[Column]
    ) -> None:
        self.sheet = book.create_sheet(title=name[:31])
        # Write-only sheets take widths and panes before the first row.
        for i, column in enumerate(columns, start=1):
            width = max(column.width, display_width(column.header) + 2)
            self.sheet.column_dimensions[get_column_letter(i)].width = min(width, 60)
        self.sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for column in columns:
            cell = WriteOnlyCell(self.sheet, value=column.header)
            cell.font = bold
            header.append(cell)
        self.sheet.append(header)
        self.rows = SheetRows(self.sheet)
        self.member = archive.open(file, "w", force_zip64=True)
        self.text = io.TextIOWrapper(self.member, encoding="utf-8-sig", newline="")
        self.csv = csv.writer(self.text)
        self.csv.writerow([c.header for c in columns])

    def append(self, values: Sequence[Any]) -> None:
        self.extend((values,))

    def extend(self, rows: Sequence[Sequence[Any]]) -> None:
        self.rows.extend(rows)
        self.csv.writerows([[_csv_value(v) for v in r] for r in rows])

    def close(self) -> None:
        self.text.flush()
        self.text.detach()
        self.member.close()


def _csv_value(value: Any) -> Any:
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


@dataclass
class Export:
    """The finished files (spooled) and what they hold."""

    xlsx: IO[bytes]
    archive: IO[bytes]
    counts: Counts = field(default_factory=Counts)


async def write_export(
    session: AsyncSession,
    scope: Scope,
    start: date,
    end: date,
    now: datetime,
    progress: Progress | None = None,
) -> Export:
    """Stream the four tables of the scope and period into an XLSX and a zip of CSVs, with
    headers in the current locale.

    Rows come from the database in batches (`analytics.*_batches`, one round trip each) and
    go to both files a batch at a time; labels are translated once per export, not per row."""
    book = Workbook(write_only=True)
    xlsx: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    archive_file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    counts = Counts()
    last = time.monotonic()
    sheets: list[Sheet] = []

    async def write(
        sheet: Sheet,
        batches: AsyncIterator[Sequence[Any]],
        convert: Callable[[Any], list[Any]],
        table: str,
    ) -> None:
        """Every batch through `convert` into the sheet, counted in `counts.<table>`; yields
        to the event loop every `YIELD_EVERY` rows, reports progress every `PROGRESS_EVERY`
        seconds."""
        nonlocal last
        async for batch in batches:
            for i in range(0, len(batch), YIELD_EVERY):
                chunk = batch[i : i + YIELD_EVERY]
                sheet.extend([convert(row) for row in chunk])
                setattr(counts, table, getattr(counts, table) + len(chunk))
                await asyncio.sleep(0)
            if progress is not None and time.monotonic() - last >= PROGRESS_EVERY:
                last = time.monotonic()
                await progress(counts)
        sheet.close()
        sheets.append(sheet)

    with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
        kinds: dict[str, str] = {}
        statuses: dict[str, str] = {}

        def piece(row: Sequence[Any]) -> list[Any]:
            school, klass, subject, first, last_name, kind, minutes, evening, due, status, text = (
                row
            )
            teacher = f"{first} {last_name}" if first and last_name else first or last_name or ""
            label = kinds.get(kind)
            if label is None:
                label = kinds[kind] = kind_label(kind)
            shown = statuses.get(status)
            if shown is None:
                shown = statuses[status] = _status_label(status)
            return [school, klass, subject, teacher, label, minutes, evening, due, shown, text]

        sheet = Sheet(book, archive, _("Homework"), "homework.csv", homework_columns())
        await write(sheet, exports.pieces_batches(session, scope, start, end), piece, "pieces")

        names = {s.id: s.name for s in await scopes.schools_of(session, scope)}
        yes_no = {True: _yes_no(True), False: _yes_no(False)}

        def evening(e: loads.Evening) -> list[Any]:
            return [
                names.get(e.school_id, ""),
                e.class_name,
                e.grade,
                e.day,
                e.written,
                e.pieces,
                e.cap,
                e.reports,
                None if e.median is None else round(e.median, 1),
                e.unfinished,
                yes_no[e.is_over],
            ]

        sheet = Sheet(book, archive, _("Evening loads"), "evening_loads.csv", load_columns())
        await write(sheet, loads.evenings_batches(session, scope, start, end), evening, "evenings")

        outcomes = {"done": _outcome_label("done")}

        def report(row: Sequence[Any]) -> list[Any]:
            school, klass, day, minutes, outcome = row
            label = outcomes.get(outcome)
            if label is None:
                label = outcomes[outcome] = _outcome_label(outcome)
            return [school, klass, day, minutes, label]

        sheet = Sheet(book, archive, _("Parents' reports"), "reports.csv", report_columns())
        await write(sheet, exports.reports_batches(session, scope, start, end), report, "reports")

        def complaint(c: complaints.ComplaintRow) -> list[Any]:
            return [
                c.code,
                c.school,
                c.class_name,
                category_label(c.category),
                status_label(c.status),
                level_label(c.level),
                c.named_by if c.named_by else _("anonymous"),
                _local(c.created_at, c.timezone),
                _local(c.deadline_at, c.timezone),
                _local(c.responded_at, c.timezone),
                _local(c.escalated_at, c.timezone),
                c.text,
            ]

        sheet = Sheet(book, archive, _("Complaints"), "complaints.csv", complaint_columns())
        rows = complaints.complaints_batches(session, scope, start, end)
        await write(sheet, rows, complaint, "complaints")
    save_workbook(book, [s.rows for s in sheets], xlsx)
    xlsx.seek(0)
    archive_file.seek(0)
    return Export(xlsx, archive_file, counts)


def homework_columns() -> list[Column]:
    return [
        Column(_("School"), 20),
        Column(_("Class"), 8),
        Column(_("Subject"), 12),
        Column(_("Teacher"), 16),
        Column(_("Kind"), 12),
        Column(_("Minutes"), 8),
        Column(_("Evening"), 12),
        Column(_("Due"), 12),
        Column(_("Status"), 12),
        Column(_("Text"), 50),
    ]


def load_columns() -> list[Column]:
    return [
        Column(_("School"), 20),
        Column(_("Class"), 8),
        Column(_("Grade"), 6),
        Column(_("Evening"), 12),
        Column(_("Written minutes"), 8),
        Column(_("Pieces"), 6),
        Column(_("Limit"), 8),
        Column(_("Reports"), 8),
        Column(_("Median reported"), 8),
        Column(_("Unfinished"), 8),
        Column(_("Over the limit"), 8),
    ]


def report_columns() -> list[Column]:
    return [
        Column(_("School"), 20),
        Column(_("Class"), 8),
        Column(_("Evening"), 12),
        Column(_("Minutes"), 8),
        Column(_("Outcome"), 16),
    ]


def complaint_columns() -> list[Column]:
    return [
        Column(_("Ticket"), 13),
        Column(_("School"), 20),
        Column(_("Class"), 8),
        Column(_("Category"), 30),
        Column(_("Status"), 14),
        Column(_("Level"), 10),
        Column(_("Filed by"), 16),
        Column(_("Filed"), 17),
        Column(_("Deadline"), 17),
        Column(_("First answer"), 17),
        Column(_("Escalated"), 17),
        Column(_("Text"), 50),
    ]


# ---------------------------------------------------------------- Telegram


def progress_text(counts: Counts) -> str:
    return _("Building the export… {n} rows so far.").format(n=format_number(counts.total))


async def send_export(
    update: Update, context: Ctx, scope: Scope, start: date, end: date, name: str
) -> None:
    """Build the export with a progress message, then send the XLSX and the zip."""
    chat = update.effective_chat
    assert chat is not None
    largest = await exports.largest_table_rows(context.session, scope, start, end)
    if largest > MAX_SHEET_ROWS:
        await chat.send_message(
            _(
                "This export would have about {n} rows in one table; one file can hold at most "
                "{limit} (a spreadsheet's row limit, and Telegram takes files up to 50 MB). "
                "Please choose one school, a grade or a shorter period."
            ).format(n=format_number(largest), limit=format_number(MAX_SHEET_ROWS))
        )
        return
    message: Message = await chat.send_message(progress_text(Counts()))

    async def progress(counts: Counts) -> None:
        try:
            await message.edit_text(progress_text(counts))
        except BadRequest as error:  # "message is not modified" and the like
            log.debug("progress edit failed: %s", error)

    export = await write_export(context.session, scope, start, end, context.now(), progress)
    try:
        await _send_files(message, chat, export, start, end, name)
    finally:
        export.xlsx.close()
        export.archive.close()


async def _send_files(
    message: Message, chat: Any, export: Export, start: date, end: date, name: str
) -> None:
    if export.counts.total == 0:
        await message.edit_text(
            _("There is no data for {what} in this period: nothing to export.").format(what=name)
        )
        return
    await message.edit_text(
        _(
            "Export ready: {pieces} homework pieces, {evenings} class-evenings, {reports} "
            "reports, {complaints} complaints."
        ).format(
            pieces=format_number(export.counts.pieces),
            evenings=format_number(export.counts.evenings),
            reports=format_number(export.counts.reports),
            complaints=format_number(export.counts.complaints),
        )
    )
    stem = f"qingfu-{start.isoformat()}-{end.isoformat()}"
    for handle in (export.xlsx, export.archive):
        if handle.seek(0, 2) > MAX_UPLOAD_BYTES:  # the row check keeps this rare
            await chat.send_message(
                _("The export is larger than the 50 MB Telegram accepts; choose a shorter period.")
            )
            return
        handle.seek(0)
    # The Bot API upload needs the bytes at hand: the files were built without rows in memory.
    await chat.send_document(export.xlsx.read(), filename=f"{stem}.xlsx", caption=name[:1000])
    await chat.send_document(
        export.archive.read(),
        filename=f"{stem}-csv.zip",
        caption=_("The same tables as CSV files (UTF-8)."),
    )
