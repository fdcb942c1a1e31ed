"""What the parents' notices are built from: each class's posted homework for an evening,
the families to tell (one notice per parent per child), and the changes made after a
class-day's notice went out (sent as one update once they have settled)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.homework import HomeworkStatus
from bot.domain.load import HomeworkKind, Piece
from storage.models import (
    Assignment,
    AssignmentEvent,
    AssignmentLoad,
    Child,
    HomeworkChange,
    ParentLink,
    SchoolClass,
    Subject,
    User,
)
from storage.sql import chunks, dialect_insert


@dataclass(frozen=True)
class ClassEvening:
    """A class's posted homework for one evening."""

    school_id: int
    class_id: int
    class_name: str
    grade: int
    day: date
    pieces: tuple[Piece, ...]
    texts: dict[int, str] = field(default_factory=dict)  # piece id -> what to do
    photos: dict[int, str] = field(default_factory=dict)  # piece id -> Telegram file id


async def class_evenings(
    session: AsyncSession, targets: Sequence[tuple[int, date]]
) -> list[ClassEvening]:
    """Posted homework of every class of the (school, day) targets, in one query per day."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for school_id, day in sorted(set(targets)):
        by_day[day].append(school_id)
    found: dict[tuple[int, date], list[Piece]] = {}
    meta: dict[tuple[int, date], tuple[int, str, int]] = {}
    texts: dict[int, str] = {}
    photos: dict[int, str] = {}
    for day, school_ids in sorted(by_day.items()):
        rows = await session.execute(
            select(
                SchoolClass.id,
                SchoolClass.school_id,
                SchoolClass.name,
                SchoolClass.grade,
                AssignmentLoad.assignment_id,
                Subject.name,
                Assignment.kind,
                AssignmentLoad.minutes,
                Assignment.text,
                Assignment.photo_file_id,
                Assignment.required,
            )
            .join(Assignment, Assignment.id == AssignmentLoad.assignment_id)
            .join(SchoolClass, SchoolClass.id == AssignmentLoad.class_id)
            .join(Subject, Subject.id == Assignment.subject_id)
            .where(
                AssignmentLoad.day == day,
                SchoolClass.school_id.in_(school_ids),
                Assignment.status == HomeworkStatus.POSTED.value,
            )
            .order_by(SchoolClass.school_id, SchoolClass.id, Assignment.created_at, Assignment.id)
        )
        for class_id, school_id, name, grade, aid, subject, kind, minutes, text, photo, req in rows:
            key = (class_id, day)
            meta[key] = (school_id, name, grade)
            piece = Piece(subject, HomeworkKind(kind), minutes, aid, optional=not req)
            found.setdefault(key, []).append(piece)
            texts[aid] = text
            if photo:
                photos[aid] = photo
    return [
        ClassEvening(
            meta[k][0],
            k[0],
            meta[k][1],
            meta[k][2],
            k[1],
            tuple(p),
            {piece.piece_id: texts[piece.piece_id] for piece in p if piece.piece_id is not None},
            {
                piece.piece_id: photos[piece.piece_id]
                for piece in p
                if piece.piece_id is not None and piece.piece_id in photos
            },
        )
        for k, p in found.items()
    ]


@dataclass(frozen=True, slots=True)
class Recipient:
    """What a message to a parent needs of them: who, and their language."""

    id: int
    locale: str | None
    language_code: str | None
    reminders_off: bool = False


@dataclass(frozen=True, slots=True)
class Family:
    """A parent and one of their children (one notice per parent per child)."""

    parent: Recipient
    child_id: int
    child_name: str
    class_id: int


FAMILY_BATCH = 1000
"""Families read per round trip when streamed (`family_batches`)."""


def _families_query(class_ids: Sequence[int]) -> Any:
    """Only what a message needs: the parent's id and language, the child's id and name."""
    return (
        select(
            User.id,
            User.locale,
            User.language_code,
            User.reminders_off,
            Child.id,
            Child.name,
            Child.class_id,
        )
        .join(ParentLink, ParentLink.parent_id == User.id)
        .join(Child, Child.id == ParentLink.child_id)
        .where(Child.class_id.in_(class_ids))
        .order_by(Child.class_id, Child.name, Child.id, User.id)
    )


def _family(row: Any) -> Family:
    parent_id, locale, language_code, reminders_off, child_id, child_name, class_id = row
    parent = Recipient(parent_id, locale, language_code, bool(reminders_off))
    return Family(parent, child_id, child_name, class_id)


async def families_of(session: AsyncSession, class_ids: Sequence[int]) -> dict[int, list[Family]]:
    """Per class, its children's parents (by child name, then parent id)."""
    result: dict[int, list[Family]] = defaultdict(list)
    ids = sorted(set(class_ids))
    for chunk in chunks(ids):
        for row in await session.execute(_families_query(chunk)):
            family = _family(row)
            result[family.class_id].append(family)
    return result


async def family_batches(
    session: AsyncSession, class_ids: Sequence[int], size: int = FAMILY_BATCH
) -> AsyncIterator[list[Family]]:
    """The classes' families from a server-side cursor, `size` at a time (a district's notice
    never holds all its families at once), in the order of `families_of`."""
    ids = sorted(set(class_ids))
    for chunk in chunks(ids):
        result = await session.stream(_families_query(chunk), execution_options={"yield_per": size})
        async for rows in result.partitions(size):
            yield [_family(row) for row in rows]


@dataclass(frozen=True)
class ShownPiece:
    """A posted piece as a parent looks it up: its load on the day, what to do, a photo."""

    piece: Piece
    text: str
    has_photo: bool


async def class_homework(
    session: AsyncSession, class_id: int, days: Sequence[date]
) -> dict[date, list[ShownPiece]]:
    """The class's posted homework on each of `days` (one query), in posting order."""
    if not days:
        return {}
    rows = await session.execute(
        select(
            AssignmentLoad.day,
            AssignmentLoad.assignment_id,
            Subject.name,
            Assignment.kind,
            AssignmentLoad.minutes,
            Assignment.required,
            Assignment.text,
            Assignment.photo_file_id,
        )
        .join(Assignment, Assignment.id == AssignmentLoad.assignment_id)
        .join(Subject, Subject.id == Assignment.subject_id)
        .where(
            AssignmentLoad.class_id == class_id,
            AssignmentLoad.day.in_(list(days)),
            Assignment.status == HomeworkStatus.POSTED.value,
        )
        .order_by(AssignmentLoad.day, Assignment.created_at, Assignment.id)
    )
    result: dict[date, list[ShownPiece]] = defaultdict(list)
    for day, aid, subject, kind, minutes, required, text, photo in rows:
        piece = Piece(subject, HomeworkKind(kind), minutes, aid, optional=not required)
        result[day].append(ShownPiece(piece, text, photo is not None))
    return dict(result)


# ---------------------------------------------------------------- changes after the notice


async def last_event(session: AsyncSession, assignment_id: int) -> AssignmentEvent | None:
    """The piece's latest event (what the change being told about did)."""
    return await session.scalar(
        select(AssignmentEvent)
        .where(AssignmentEvent.assignment_id == assignment_id)
        .order_by(AssignmentEvent.id.desc())
        .limit(1)
    )


async def record_change(
    session: AsyncSession,
    *,
    assignment_id: int,
    event_id: int,
    class_id: int,
    days: Sequence[date],
    kind: str,
    changes: dict[str, object],
    now: datetime,
) -> int:
    """Keep a change for each class-day whose notice went out (once per event and day);
    returns how many were new. Commits."""
    if not days:
        return 0
    insert = dialect_insert(session)
    stmt = (
        insert(HomeworkChange)
        .values(
            [
                {
                    "assignment_id": assignment_id,
                    "event_id": event_id,
                    "class_id": class_id,
                    "day": day,
                    "kind": kind,
                    "changes": changes,
                    "created_at": now,
                }
                for day in sorted(set(days))
            ]
        )
        .on_conflict_do_nothing()
        .returning(HomeworkChange.id)
    )
    new = len((await session.execute(stmt)).all())
    await session.commit()
    return new


async def settled_changes(
    session: AsyncSession, now: datetime, quiet: timedelta, hold: timedelta
) -> dict[tuple[int, date], list[HomeworkChange]]:
    """Unsent changes by class-day, for the class-days whose last change is at least `quiet`
    old (or whose first is `hold` old: a teacher editing on and on still reaches parents)."""
    groups = (
        select(HomeworkChange.class_id, HomeworkChange.day)
        .where(HomeworkChange.sent_at.is_(None))
        .group_by(HomeworkChange.class_id, HomeworkChange.day)
        .having(
            or_(
                func.max(HomeworkChange.created_at) <= now - quiet,
                func.min(HomeworkChange.created_at) <= now - hold,
            )
        )
    )
    due = [(class_id, day) for class_id, day in await session.execute(groups)]
    result: dict[tuple[int, date], list[HomeworkChange]] = defaultdict(list)
    for chunk in chunks(due):
        rows = await session.scalars(
            select(HomeworkChange)
            .where(
                HomeworkChange.sent_at.is_(None),
                tuple_(HomeworkChange.class_id, HomeworkChange.day).in_(chunk),
            )
            .order_by(HomeworkChange.id)
        )
        for change in rows:
            result[(change.class_id, change.day)].append(change)
    return dict(result)


async def mark_changes_sent(session: AsyncSession, ids: Sequence[int], now: datetime) -> None:
    """The changes went out in an update. Commits."""
    for chunk in chunks(sorted(ids)):
        await session.execute(
            update(HomeworkChange).where(HomeworkChange.id.in_(chunk)).values(sent_at=now)
        )
    await session.commit()
