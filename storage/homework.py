"""Homework storage: pieces with their per-evening loads and history, and school policy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.calendar import SchoolCalendar, Term, parse_school_days
from bot.domain.homework import HomeworkEventKind, HomeworkStatus, OverLimitStep
from bot.domain.load import HomeworkKind, Piece
from bot.domain.roles import Roles
from storage import daycache
from storage.corrections import checked_loads
from storage.models import (
    Assignment,
    AssignmentEvent,
    AssignmentLoad,
    CalendarDay,
    School,
    SchoolClass,
    SchoolYear,
    Subject,
    TeacherDefault,
    Teaching,
)
from storage.policy import caps_of as caps_of
from storage.policy import mode_of as mode_of


async def calendar_of(session: AsyncSession, school: School) -> SchoolCalendar:
    """The school's calendar: weekly school days plus its holidays and make-up days, and the
    breaks between its school years."""
    holidays, makeups, terms = await _calendar_parts(session, school.id)
    return SchoolCalendar(
        school_days=parse_school_days(school.school_days),
        holidays=holidays,
        makeup_days=makeups,
        terms=terms,
    )


async def cached_calendar_of(session: AsyncSession, school: School) -> SchoolCalendar:
    """`calendar_of`, its holidays, make-up days and school years from the day cache
    (`storage.daycache`): for the evening's taps, which all read the same calendar."""
    holidays, makeups, terms = await daycache.cached(
        session, ("calendar", school.id), lambda: _calendar_parts(session, school.id)
    )
    return SchoolCalendar(
        school_days=parse_school_days(school.school_days),
        holidays=holidays,
        makeup_days=makeups,
        terms=terms,
    )


async def _calendar_parts(
    session: AsyncSession, school_id: int
) -> tuple[frozenset[date], frozenset[date], tuple[Term, ...]]:
    rows = (
        await session.execute(
            select(CalendarDay.day, CalendarDay.kind).where(CalendarDay.school_id == school_id)
        )
    ).all()
    years = await session.execute(
        select(SchoolYear.first_day, SchoolYear.last_day, SchoolYear.created_at).where(
            SchoolYear.school_id == school_id
        )
    )
    return (
        frozenset(d for d, kind in rows if kind == "holiday"),
        frozenset(d for d, kind in rows if kind == "makeup"),
        tuple(Term(first, last, at.date()) for first, last, at in years.all()),
    )


@dataclass(frozen=True)
class LoadedPiece:
    """A posted piece's share on one evening, with what the preview and notices show."""

    assignment_id: int
    day: date
    subject: str
    kind: HomeworkKind
    minutes: int
    teacher_id: int
    required: bool = True

    def piece(self) -> Piece:
        return Piece(
            self.subject, self.kind, self.minutes, self.assignment_id, optional=not self.required
        )


async def evening_pieces(session: AsyncSession, class_id: int, day: date) -> list[LoadedPiece]:
    """The class's posted pieces on `day` from the day cache (`storage.daycache`): every
    parent's tap of the class reads the same ones."""
    pieces = await daycache.cached(
        session,
        ("pieces", class_id, day),
        lambda: _posted_pieces(session, class_id, day),
    )
    return list(pieces)


async def _posted_pieces(
    session: AsyncSession, class_id: int, day: date
) -> tuple[LoadedPiece, ...]:
    return tuple((await class_pieces(session, class_id, [day])).get(day, []))


async def class_pieces(
    session: AsyncSession,
    class_id: int,
    days: Sequence[date],
    *,
    exclude_assignment: int | None = None,
    statuses: Sequence[HomeworkStatus] = (HomeworkStatus.POSTED,),
    as_checked: bool = False,
) -> dict[date, list[LoadedPiece]]:
    """The class's pieces on each of `days` (one query), in posting order; `as_checked`: with
    the minutes the daily check saw on the days it ran for (`storage.corrections`)."""
    if not days:
        return {}
    load = checked_loads() if as_checked else AssignmentLoad.__table__
    query = (
        select(
            load.c.assignment_id,
            load.c.day,
            Subject.name,
            Assignment.kind,
            load.c.minutes,
            Assignment.teacher_id,
            Assignment.required,
        )
        .join(Assignment, Assignment.id == load.c.assignment_id)
        .join(Subject, Subject.id == Assignment.subject_id)
        .where(
            load.c.class_id == class_id,
            load.c.day.in_(list(days)),
            Assignment.status.in_([s.value for s in statuses]),
        )
        .order_by(load.c.day, Assignment.created_at, Assignment.id)
    )
    if exclude_assignment is not None:
        query = query.where(load.c.assignment_id != exclude_assignment)
    result: dict[date, list[LoadedPiece]] = defaultdict(list)
    for aid, day, subject, kind, minutes, teacher, required in (await session.execute(query)).all():
        result[day].append(
            LoadedPiece(aid, day, subject, HomeworkKind(kind), minutes, teacher, bool(required))
        )
    return dict(result)


async def create_assignment(
    session: AsyncSession,
    *,
    klass: SchoolClass,
    subject_id: int,
    teacher_id: int,
    text: str,
    photo_file_id: str | None,
    kind: HomeworkKind,
    minutes: int,
    evening: date,
    due: date | None,
    loads: dict[date, int],
    status: HomeworkStatus,
    draft_token: str | None = None,
    required: bool = True,
    over_limit: OverLimitStep | None = None,
) -> Assignment:
    """A new piece with its per-evening loads and a `created` event, which records whether it
    was confirmed or held over the limit (caller commits)."""
    assignment = Assignment(
        class_id=klass.id,
        subject_id=subject_id,
        teacher_id=teacher_id,
        text=text,
        photo_file_id=photo_file_id,
        kind=kind,
        minutes=minutes,
        evening=evening,
        due=due,
        status=status,
        draft_token=draft_token,
        required=required,
    )
    session.add(assignment)
    await session.flush()
    _set_loads(session, assignment, loads)
    session.add(
        AssignmentEvent(
            assignment_id=assignment.id,
            actor_id=teacher_id,
            kind=HomeworkEventKind.CREATED,
            changes={"status": status.value},
            over_limit=over_limit,
        )
    )
    await session.flush()
    return assignment


def _set_loads(session: AsyncSession, assignment: Assignment, loads: dict[date, int]) -> None:
    session.add_all(
        AssignmentLoad(
            assignment_id=assignment.id, day=day, class_id=assignment.class_id, minutes=minutes
        )
        for day, minutes in sorted(loads.items())
        if minutes > 0
    )


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


async def edit_assignment(
    session: AsyncSession,
    assignment: Assignment,
    actor_id: int,
    changes: dict[str, Any],
    loads: dict[date, int] | None,
    over_limit: OverLimitStep | None = None,
) -> dict[str, Any]:
    """Apply field changes (and new loads); records before/after (and whether the edit was
    confirmed or held over the limit); returns what changed."""
    diff: dict[str, Any] = {}
    for field, value in changes.items():
        before = getattr(assignment, field)
        if before != value:
            diff[field] = [_jsonable(before), _jsonable(value)]
            setattr(assignment, field, value)
    if loads is not None:
        await session.execute(
            delete(AssignmentLoad).where(AssignmentLoad.assignment_id == assignment.id)
        )
        _set_loads(session, assignment, loads)
    if diff:
        session.add(
            AssignmentEvent(
                assignment_id=assignment.id,
                actor_id=actor_id,
                kind=HomeworkEventKind.EDITED,
                changes=diff,
                over_limit=over_limit,
            )
        )
    await session.flush()
    return diff


async def set_status(
    session: AsyncSession,
    assignment: Assignment,
    actor_id: int,
    status: HomeworkStatus,
    kind: HomeworkEventKind,
    note: str | None = None,
    over_limit: OverLimitStep | None = None,
) -> None:
    before = assignment.status
    assignment.status = status
    changes: dict[str, Any] = {"status": [before, status.value]}
    if note:
        changes["note"] = note
    session.add(
        AssignmentEvent(
            assignment_id=assignment.id,
            actor_id=actor_id,
            kind=kind,
            changes=changes,
            over_limit=over_limit,
        )
    )
    await session.flush()


async def held_over_limit(session: AsyncSession, assignment_id: int) -> bool:
    """Whether the piece's latest save (created or edited) sent it for approval because it
    took a day over the limit (not only for a kind doubt)."""
    step = await session.scalar(
        select(AssignmentEvent.over_limit)
        .where(
            AssignmentEvent.assignment_id == assignment_id,
            AssignmentEvent.kind.in_([HomeworkEventKind.CREATED, HomeworkEventKind.EDITED]),
        )
        .order_by(AssignmentEvent.id.desc())
        .limit(1)
    )
    return step == OverLimitStep.HELD


async def assignment_in_context(
    session: AsyncSession, assignment_id: int
) -> tuple[Assignment, SchoolClass, School, str] | None:
    """A piece with its class, school and subject name (one query)."""
    row = (
        await session.execute(
            select(Assignment, SchoolClass, School, Subject.name)
            .join(SchoolClass, SchoolClass.id == Assignment.class_id)
            .join(School, School.id == SchoolClass.school_id)
            .join(Subject, Subject.id == Assignment.subject_id)
            .where(Assignment.id == assignment_id)
        )
    ).first()
    return None if row is None else (row[0], row[1], row[2], row[3])


async def loads_of(session: AsyncSession, assignment_id: int) -> dict[date, int]:
    rows = await session.execute(
        select(AssignmentLoad.day, AssignmentLoad.minutes).where(
            AssignmentLoad.assignment_id == assignment_id
        )
    )
    return {day: minutes for day, minutes in rows.all()}


async def last_event_id(session: AsyncSession, assignment_id: int) -> int | None:
    return await session.scalar(
        select(func.max(AssignmentEvent.id)).where(AssignmentEvent.assignment_id == assignment_id)
    )


# ---------------------------------------------------------------- who teaches, sees, changes


async def teaching_pairs(session: AsyncSession, user_id: int) -> list[tuple[SchoolClass, Subject]]:
    """The (class, subject) pairs a teacher teaches, in class then subject order (an
    archived school's are read-only: none)."""
    rows = (
        await session.execute(
            select(SchoolClass, Subject)
            .select_from(Teaching)
            .join(SchoolClass, SchoolClass.id == Teaching.class_id)
            .join(Subject, Subject.id == Teaching.subject_id)
            .join(School, School.id == SchoolClass.school_id)
            .where(Teaching.user_id == user_id, School.archived_at.is_(None))
            .order_by(SchoolClass.grade, SchoolClass.name, Subject.position, Subject.name)
        )
    ).all()
    return [(klass, subject) for klass, subject in rows]


async def teaches(session: AsyncSession, user_id: int, class_id: int, subject_id: int) -> bool:
    found = await session.scalar(
        select(Teaching.id).where(
            Teaching.user_id == user_id,
            Teaching.class_id == class_id,
            Teaching.subject_id == subject_id,
        )
    )
    return found is not None


async def school_names(session: AsyncSession, school_ids: Sequence[int]) -> dict[int, str]:
    """The schools' names by id."""
    if not school_ids:
        return {}
    rows = await session.execute(
        select(School.id, School.name).where(School.id.in_(list(school_ids)))
    )
    return {school_id: name for school_id, name in rows.all()}


async def visible_classes(session: AsyncSession, user_id: int, roles: Roles) -> list[SchoolClass]:
    """Classes whose load this user may see: taught, led (grade) or administered (school)."""
    conditions: list[ColumnElement[bool]] = [
        SchoolClass.id.in_(select(Teaching.class_id).where(Teaching.user_id == user_id))
    ]
    for school_id, grade in roles.grade_leader:
        conditions.append((SchoolClass.school_id == school_id) & (SchoolClass.grade == grade))
    if roles.admin_schools:
        conditions.append(SchoolClass.school_id.in_(roles.admin_schools))
    return list(
        await session.scalars(
            select(SchoolClass)
            .where(or_(*conditions), SchoolClass.archived_at.is_(None))
            .order_by(SchoolClass.school_id, SchoolClass.grade, SchoolClass.name)
        )
    )


async def changeable_pieces(
    session: AsyncSession, user_id: int, roles: Roles, oldest: date
) -> list[tuple[Assignment, SchoolClass, Subject, School]]:
    """Posted or pending pieces from `oldest` on that the user may change: their own, their
    grades' (grade leader), their schools' (admin); by evening, class and id."""
    scope: list[ColumnElement[bool]] = [Assignment.teacher_id == user_id]
    for school_id, grade in roles.grade_leader:
        scope.append((SchoolClass.school_id == school_id) & (SchoolClass.grade == grade))
    if roles.admin_schools:
        scope.append(SchoolClass.school_id.in_(roles.admin_schools))
    rows = (
        await session.execute(
            select(Assignment, SchoolClass, Subject, School)
            .join(SchoolClass, SchoolClass.id == Assignment.class_id)
            .join(Subject, Subject.id == Assignment.subject_id)
            .join(School, School.id == SchoolClass.school_id)
            .where(
                or_(*scope),
                Assignment.status.in_([HomeworkStatus.POSTED, HomeworkStatus.PENDING]),
                Assignment.evening >= oldest,
            )
            .order_by(Assignment.evening, SchoolClass.grade, SchoolClass.name, Assignment.id)
        )
    ).all()
    return [(a, klass, subject, school) for a, klass, subject, school in rows]


# ---------------------------------------------------------------- a teacher's defaults and history


async def teacher_default(
    session: AsyncSession, user_id: int, subject_id: int
) -> TeacherDefault | None:
    """What the teacher last recorded for the subject (kind, minutes, classes), if anything."""
    return await session.get(TeacherDefault, (user_id, subject_id))


async def remember_default(
    session: AsyncSession,
    user_id: int,
    subject_id: int,
    kind: HomeworkKind,
    minutes: int,
    class_ids: list[int],
) -> None:
    """Keep what was just recorded as the subject's default (caller commits)."""
    found = await teacher_default(session, user_id, subject_id)
    if found is None:
        session.add(
            TeacherDefault(
                user_id=user_id,
                subject_id=subject_id,
                kind=kind.value,
                minutes=minutes,
                class_ids=class_ids,
            )
        )
    else:
        found.kind, found.minutes, found.class_ids = kind.value, minutes, list(class_ids)
    await session.flush()


async def recent_pieces(
    session: AsyncSession, teacher_id: int, limit: int
) -> list[tuple[Assignment, SchoolClass, Subject]]:
    """The teacher's latest posted or pending pieces, newest first."""
    rows = (
        await session.execute(
            select(Assignment, SchoolClass, Subject)
            .join(SchoolClass, SchoolClass.id == Assignment.class_id)
            .join(Subject, Subject.id == Assignment.subject_id)
            .where(
                Assignment.teacher_id == teacher_id,
                Assignment.status.in_([HomeworkStatus.POSTED, HomeworkStatus.PENDING]),
            )
            .order_by(Assignment.created_at.desc(), Assignment.id.desc())
            .limit(limit)
        )
    ).all()
    return [(a, klass, subject) for a, klass, subject in rows]
