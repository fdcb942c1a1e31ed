"""Late changes: a piece posted, changed or cancelled after its class-day's notice went out.

`record_change` keeps the change (the homework dialog calls it through
`handlers.scheduler.tick.notify_homework_change`); the tick then sends each parent one update
per class-day once no change came for the school's quiet period (`Settings.update_quiet`, 3
minutes), so a teacher fixing a piece twice in a minute reaches parents once. The update names
each piece with its full text and what changed ("Maths: p. 12, 20 min -> 30 min"), carries a
new photo, and ends with the day's written total. Its key holds the last change it reports: a
later change makes a new update, a repeated tick none.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.domain.homework import HomeworkStatus
from bot.domain.load import Cap, HomeworkKind, Piece, evening_load
from bot.i18n import _, format_day, format_list, format_minutes, use_locale
from handlers.kit.context import QingfuApp
from handlers.kit.gate import user_locale
from handlers.kit.labels import kind_label
from handlers.scheduler import outbox as delivery
from handlers.scheduler.jobkit import cap_of, claim_ttl
from handlers.scheduler.notices import photo_missing, total_line
from handlers.scheduler.outbox import Outgoing, Photo, message_key
from storage import homework as hw
from storage import notices as store
from storage.homework import calendar_of
from storage.models import Assignment, HomeworkChange
from storage.notices import Family, class_evenings, families_of

log = logging.getLogger(__name__)

HOLD_FACTOR = 5
"""A class-day whose first unsent change is this many quiet periods old is sent anyway."""


@dataclass(frozen=True)
class Changed:
    """One piece's net change over a class-day's unsent changes."""

    assignment: Assignment
    subject: str
    minutes: int  # on the class-day
    kinds: frozenset[str]  # posted / edited / cancelled
    diff: dict[str, tuple[Any, Any]]  # field -> (first before, last after), changed fields only


def net_diff(changes: Sequence[HomeworkChange]) -> dict[str, tuple[Any, Any]]:
    """Field -> (the value before the first change, after the last), fields that differ."""
    first: dict[str, Any] = {}
    last: dict[str, Any] = {}
    for change in changes:
        for field, values in (change.changes or {}).items():
            if field in ("status", "note") or not isinstance(values, list) or len(values) != 2:
                continue
            first.setdefault(field, values[0])
            last[field] = values[1]
    return {f: (first[f], last[f]) for f in first if first[f] != last[f]}


def _what(item: Changed) -> str:
    return _("{subject} ({kind}, {minutes})").format(
        subject=item.subject,
        kind=kind_label(HomeworkKind(item.assignment.kind)),
        minutes=format_minutes(item.minutes),
    )


def _arrow(before: str, after: str) -> str:
    return _("{before} -> {after}").format(before=before, after=after)


def diff_parts(diff: dict[str, tuple[Any, Any]]) -> list[str]:
    """What changed, in words: '20 min -> 30 min', 'was: p. 11', 'new photo'."""
    parts = []
    for field, (before, after) in diff.items():
        if field == "minutes":
            parts.append(_arrow(format_minutes(int(before)), format_minutes(int(after))))
        elif field == "kind":
            parts.append(_arrow(kind_label(HomeworkKind(before)), kind_label(HomeworkKind(after))))
        elif field == "required":
            labels = {True: _("required"), False: _("optional")}
            parts.append(_arrow(labels[bool(before)], labels[bool(after)]))
        elif field == "evening" and before and after:
            days = date.fromisoformat(before), date.fromisoformat(after)
            parts.append(_arrow(format_day(days[0]), format_day(days[1])))
        elif field == "text":
            parts.append(_("was: {text}").format(text=before))
        elif field == "photo_file_id":
            parts.append(_("photo removed") if after is None else _("new photo"))
    return parts


def change_lines(item: Changed) -> list[str]:
    """The piece's lines in an update; empty when it came and went between two updates."""
    text_lines = ["  " + line for line in item.assignment.text.split("\n")]
    posted = item.assignment.status == HomeworkStatus.POSTED.value
    if "posted" in item.kinds:
        return [_("New: {what}.").format(what=_what(item)), *text_lines] if posted else []
    if "cancelled" in item.kinds or not posted:
        return [_("Cancelled: {what}.").format(what=_what(item)), *text_lines]
    parts = diff_parts(item.diff)
    if not parts:
        return [_("Changed: {what}.").format(what=_what(item)), *text_lines]
    return [
        _("{subject}: {text}, {changes}").format(
            subject=item.subject, text=item.assignment.text, changes=format_list(parts)
        )
    ]


def _new_photo(item: Changed) -> str | None:
    """The photo parents have not seen yet, if the change brought one."""
    photo = item.assignment.photo_file_id
    if not photo or item.assignment.status != HomeworkStatus.POSTED.value:
        return None
    return photo if "posted" in item.kinds or "photo_file_id" in item.diff else None


async def send_settled_updates(app: QingfuApp, now: datetime) -> int:
    """Send the updates of every class-day whose changes have settled; returns how many
    messages were sent."""
    data = app.bot_data
    quiet = data.settings.update_quiet
    async with data.sessionmaker() as session:
        hold = max(quiet * HOLD_FACTOR, timedelta(minutes=1))
        groups = await store.settled_changes(session, now, quiet, hold)
    sent = 0
    for (class_id, day), changes in sorted(groups.items()):
        found = await load_class_day(app, class_id, day, changes)
        messages = update_messages(found, max(c.id for c in changes)) if found else []
        report = await delivery.deliver(
            app.bot, data.sessionmaker, messages, data.clock, claim_ttl=claim_ttl(data.settings)
        )
        sent += report.sent
        if report.complete:
            async with data.sessionmaker() as session:
                await store.mark_changes_sent(session, [c.id for c in changes], now)
    return sent


@dataclass(frozen=True)
class ClassDay:
    """What an update of one class-day is made of, read in one session."""

    class_name: str
    day: date
    items: list[Changed]
    written: int
    cap: Cap
    families: list[Family]


async def load_class_day(
    app: QingfuApp, class_id: int, day: date, changes: Sequence[HomeworkChange]
) -> ClassDay | None:
    """The changed pieces with their net change, the day's total and cap, the families."""
    by_piece: dict[int, list[HomeworkChange]] = {}
    for change in changes:
        by_piece.setdefault(change.assignment_id, []).append(change)
    items: list[Changed] = []
    place = None
    async with app.bot_data.sessionmaker() as session:
        for aid, own in by_piece.items():
            found = await hw.assignment_in_context(session, aid)
            if found is None:
                continue
            assignment, klass, school, subject = found
            place = (klass, school)
            minutes = (await hw.loads_of(session, aid)).get(day, assignment.minutes)
            kinds = frozenset(c.kind for c in own)
            items.append(Changed(assignment, subject, minutes, kinds, net_diff(own)))
        if place is None:
            return None
        klass, school = place
        cal = await calendar_of(session, school)
        evenings = [
            e for e in await class_evenings(session, [(school.id, day)]) if e.class_id == class_id
        ]
        families = (await families_of(session, [class_id])).get(class_id, [])
    cap = cap_of(school, klass.grade, day, cal)
    pieces: Sequence[Piece] = evenings[0].pieces if evenings else ()
    written = evening_load(pieces, cap).written_total
    return ClassDay(klass.name, day, items, written, cap, families)


def update_messages(found: ClassDay, last_change: int) -> list[Outgoing]:
    """One update per parent per child of the class: each changed piece, the day's total."""
    messages = []
    for family in found.families:
        with use_locale(user_locale(family.parent)):
            lines = [
                _("Homework update for {child} ({class_name}), {day}:").format(
                    child=family.child_name, class_name=found.class_name, day=format_day(found.day)
                )
            ]
            photos: list[Photo] = []
            for item in found.items:
                block = change_lines(item)
                photo = _new_photo(item) if block else None
                if photo:
                    caption = "\n".join(block)
                    photos.append(Photo(photo, caption, len(lines), photo_missing(block[0])))
                lines += block
            if len(lines) == 1:
                continue  # nothing left to say (a piece posted and cancelled in between)
            lines.append(total_line(found.written, found.cap))
        key = message_key("update", family.parent.id, f"{family.child_id}.{last_change}", found.day)
        messages.append(
            Outgoing(key, family.parent.id, "update", "\n".join(lines), photos=tuple(photos))
        )
    return messages
