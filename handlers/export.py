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
import tempfile
import time
import zipfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, Update
from telegram.error import BadRequest

from bot.context import Ctx
from bot.i18n import _, format_number
from bot.periods import Scope
from handlers.labels import category_label, kind_label
from handlers.tickets import level_label, status_label
from storage import analytics

log = logging.getLogger(__name__)

PROGRESS_EVERY = 2.0
"""Seconds between edits of the progress message."""
YIELD_EVERY = 500
"""Rows between yields to the event loop (other chats keep being served)."""
SPOOL_BYTES = 8 * 1024 * 1024
"""Files stay in memory up to this size, then move to disk."""


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
        self.member = archive.open(file, "w", force_zip64=True)
        self.text = io.TextIOWrapper(self.member, encoding="utf-8-sig", newline="")
        self.csv = csv.writer(self.text)
        self.csv.writerow([c.header for c in columns])

    def append(self, values: Sequence[Any]) -> None:
        self.sheet.append(list(values))
        self.csv.writerow(["" if v is None else _csv_value(v) for v in values])

    def close(self) -> None:
        self.text.flush()
        self.text.detach()
        self.member.close()


def _csv_value(value: Any) -> Any:
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
    headers in the current locale."""
    book = Workbook(write_only=True)
    xlsx: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    archive_file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    counts = Counts()
    last = time.monotonic()

    async def tick() -> None:
        nonlocal last
        if counts.total % YIELD_EVERY == 0:
            await asyncio.sleep(0)
            if progress is not None and time.monotonic() - last >= PROGRESS_EVERY:
                last = time.monotonic()
                await progress(counts)

    with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
        sheet = Sheet(book, archive, _("Homework"), "homework.csv", homework_columns())
        async for row in analytics.stream_pieces(session, scope, start, end):
            school, klass, subject, first, last_name, kind, minutes, evening, due, status, text = (
                row
            )
            teacher = " ".join(p for p in (first, last_name) if p)
            sheet.append(
                [
                    school,
                    klass,
                    subject,
                    teacher,
                    kind_label(kind),
                    minutes,
                    evening,
                    due,
                    _status_label(status),
                    text,
                ]
            )
            counts.pieces += 1
            await tick()
        sheet.close()
        sheet = Sheet(book, archive, _("Evening loads"), "evening_loads.csv", load_columns())
        names = {s.id: s.name for s in await analytics.schools_of(session, scope)}
        async for e in analytics.stream_evenings(session, scope, start, end):
            median = None if e.median is None else round(e.median, 1)
            sheet.append(
                [
                    names.get(e.school_id, ""),
                    e.class_name,
                    e.grade,
                    e.day,
                    e.written,
                    e.pieces,
                    e.cap,
                    e.reports,
                    median,
                    e.unfinished,
                    _yes_no(e.is_over),
                ]
            )
            counts.evenings += 1
            await tick()
        sheet.close()
        sheet = Sheet(book, archive, _("Parents' reports"), "reports.csv", report_columns())
        async for school, klass, day, minutes, outcome in analytics.stream_reports(
            session, scope, start, end
        ):
            sheet.append([school, klass, day, minutes, _outcome_label(outcome)])
            counts.reports += 1
            await tick()
        sheet.close()
        sheet = Sheet(book, archive, _("Complaints"), "complaints.csv", complaint_columns())
        async for c in analytics.stream_complaints(session, scope, start, end):
            sheet.append(
                [
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
            )
            counts.complaints += 1
            await tick()
        sheet.close()
    book.save(xlsx)
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
    # The Bot API upload needs the bytes at hand: the files were built without rows in memory.
    await chat.send_document(export.xlsx.read(), filename=f"{stem}.xlsx", caption=name[:1000])
    await chat.send_document(
        export.archive.read(),
        filename=f"{stem}-csv.zip",
        caption=_("The same tables as CSV files (UTF-8)."),
    )
