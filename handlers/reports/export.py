"""/export: homework, class-evening loads, parents' reports and complaints of a period and a
scope, as an XLSX workbook and the same tables as CSV files (UTF-8 with BOM) in a zip.

Built streaming: rows come from server-side cursors (`session.stream`) and go straight into
the XLSX sheets and the zip's CSV members (`bot.render.tables`, spooled to temporary files), so
a district's term never sits in memory as rows. A progress message is edited while it builds.
Parents' identities are never exported; a complainant's name only when they filed named.
The dialog (scope and period) is `handlers.reports`'; it calls `send_export` at its end.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from telegram import Message, Update
from telegram.error import BadRequest

from bot.domain.figures import ClassDay
from bot.domain.periods import Scope
from bot.i18n import _, format_number
from bot.render.tables import Table, TableWriter
from bot.render.xlsx import Column
from handlers.complaints.render import level_label, status_label
from handlers.kit.context import AsyncSession, Ctx
from handlers.kit.labels import category_label, kind_label
from storage.analytics import complaints as analytics_complaints
from storage.analytics import exports, loads, scopes

log = logging.getLogger(__name__)

PROGRESS_EVERY = 2.0
"""Seconds between edits of the progress message."""
YIELD_EVERY = 500
"""Rows between yields to the event loop (other chats keep being served)."""

MAX_SHEET_ROWS = 600_000
"""Largest table an export builds: ~1.6 M rows in all made a 43 MB XLSX (bench/export.py),
Telegram's upload limit is 50 MB, and a sheet holds at most 1,048,576 rows."""
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


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
Convert = Callable[[Any], list[Any]]


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


# ---------------------------------------------------------------- rows
# Each returns a row converter for one export: labels are translated once, not per row.


def piece_row() -> Convert:
    kinds: dict[str, str] = {}
    statuses: dict[str, str] = {}

    def piece(row: Sequence[Any]) -> list[Any]:
        school, klass, subject, first, last_name, kind, minutes, evening, due, status, text = row
        teacher = f"{first} {last_name}" if first and last_name else first or last_name or ""
        label = kinds.get(kind)
        if label is None:
            label = kinds[kind] = kind_label(kind)
        shown = statuses.get(status)
        if shown is None:
            shown = statuses[status] = _status_label(status)
        return [school, klass, subject, teacher, label, minutes, evening, due, shown, text]

    return piece


def evening_row(names: dict[int, str]) -> Convert:
    yes_no = {True: _yes_no(True), False: _yes_no(False)}

    def evening(e: ClassDay) -> list[Any]:
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
            e.unfinished_shown,
            yes_no[e.is_over],
        ]

    return evening


def report_row(row: Sequence[Any]) -> list[Any]:
    school, klass, day, reports, median, over, unfinished, notes = row
    return [
        school,
        klass,
        day,
        reports,
        None if median is None else round(float(median), 1),
        over,
        unfinished,
        notes,
    ]


def complaint_row(c: analytics_complaints.ComplaintRow) -> list[Any]:
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


# ---------------------------------------------------------------- the files


@dataclass
class Export:
    """The finished files (spooled) and what they hold."""

    xlsx: IO[bytes]
    archive: IO[bytes]
    counts: Counts = field(default_factory=Counts)


class ExportWriter:
    """Tables streamed into the files one after the other, counted, with progress reports."""

    def __init__(self, progress: Progress | None) -> None:
        self.files = TableWriter()
        self.counts = Counts()
        self.progress = progress
        self.last = time.monotonic()

    async def write(
        self,
        table: Table,
        batches: AsyncIterator[Sequence[Any]],
        convert: Convert,
        counted: str,
    ) -> None:
        """Every batch through `convert` into the table, counted in `counts.<counted>`; yields
        to the event loop every `YIELD_EVERY` rows, reports progress every `PROGRESS_EVERY`
        seconds."""
        async for batch in batches:
            for i in range(0, len(batch), YIELD_EVERY):
                chunk = batch[i : i + YIELD_EVERY]
                table.extend([convert(row) for row in chunk])
                setattr(self.counts, counted, getattr(self.counts, counted) + len(chunk))
                await asyncio.sleep(0)
            if self.progress is not None and time.monotonic() - self.last >= PROGRESS_EVERY:
                self.last = time.monotonic()
                await self.progress(self.counts)
        table.close()

    def finish(self) -> Export:
        files = self.files.finish()
        return Export(files.xlsx, files.archive, self.counts)


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
    go to both files a batch at a time."""
    out = ExportWriter(progress)
    table = out.files.table
    await out.write(
        table(_("Homework"), "homework.csv", homework_columns()),
        exports.pieces_batches(session, scope, start, end),
        piece_row(),
        "pieces",
    )
    names = {s.id: s.name for s in await scopes.schools_of(session, scope)}
    await out.write(
        table(_("Daily loads"), "evening_loads.csv", load_columns()),
        loads.evenings_batches(session, scope, start, end),
        evening_row(names),
        "evenings",
    )
    await out.write(
        table(_("Parents' reports"), "reports.csv", report_columns(), note=reports_note()),
        exports.reports_batches(session, scope, start, end),
        report_row,
        "reports",
    )
    await out.write(
        table(_("Complaints"), "complaints.csv", complaint_columns()),
        analytics_complaints.complaints_batches(session, scope, start, end),
        complaint_row,
        "complaints",
    )
    return out.finish()


def homework_columns() -> list[Column]:
    return [
        Column(_("School"), 20),
        Column(_("Class"), 8),
        Column(_("Subject"), 12),
        Column(_("Teacher"), 16),
        Column(_("Kind"), 12),
        Column(_("Minutes"), 8),
        Column(_("Day"), 12),
        Column(_("Due"), 12),
        Column(_("Status"), 12),
        Column(_("Text"), 50),
    ]


def load_columns() -> list[Column]:
    return [
        Column(_("School"), 20),
        Column(_("Class"), 8),
        Column(_("Grade"), 6),
        Column(_("Day"), 12),
        Column(_("Written minutes"), 8),
        Column(_("Pieces"), 6),
        Column(_("Limit"), 8),
        Column(_("Reports"), 8),
        Column(_("Median reported"), 8),
        Column(_("Unfinished"), 8),
        Column(_("Over the limit"), 8),
    ]


def reports_note() -> str:
    return _(
        "Class-day figures only, never a single report, a child or a parent; with fewer than "
        "3 reporting families a class-day shows only its number of reports."
    )


def report_columns() -> list[Column]:
    return [
        Column(_("School"), 20),
        Column(_("Class"), 8),
        Column(_("Day"), 12),
        Column(_("Reports"), 8),
        Column(_("Median reported"), 8),
        Column(_("Over the limit"), 8),
        Column(_("Unfinished"), 8),
        Column(_("Parents' notes"), 40),
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
            "Export ready: {pieces} homework pieces, {evenings} class-days, {reports} "
            "class-day summaries of parents' reports, {complaints} complaints."
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
