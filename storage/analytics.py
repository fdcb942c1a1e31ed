"""Set-based figures over a date range and a scope: class-evening loads with cap and median,
written minutes per subject, complaint timeliness, and the rows of an export.

Every function here is one statement (or a few), never one per class or school. The class-
evening figures reuse the daily check's statement (`scheduling.class_evening_query`) with a
range-and-scope condition and a cap that also knows non-school days (weekends, holidays and
make-up days, like `bot.load.cap_for`). Large results are streamed (`session.stream`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.calendar import local_today
from bot.domain.calibration import Estimate, Reports
from bot.domain.complaints import Timeliness, response_timeliness
from bot.domain.homework import HomeworkStatus
from bot.domain.load import HomeworkKind
from bot.domain.periods import Scope, ScopeKind
from storage.models import (
    Assignment,
    AssignmentLoad,
    CalendarDay,
    Child,
    Complaint,
    DailyReport,
    School,
    SchoolClass,
    Subject,
    User,
)
from storage.scheduling import MIN_REPORTS, OverCap, class_evening_query

STREAM_ROWS = 2000
"""Rows fetched per round trip when streaming."""


# ---------------------------------------------------------------- conditions


def scope_condition(scope: Scope) -> ColumnElement[bool]:
    """The classes of a scope, as a condition on `SchoolClass`."""
    k = SchoolClass
    if scope.kind is ScopeKind.CLASS:
        return k.id == scope.class_id
    if scope.kind is ScopeKind.GRADE:
        return and_(k.school_id == scope.school_id, k.grade == scope.grade)
    if scope.kind is ScopeKind.SCHOOL:
        return k.school_id == scope.school_id
    return k.school_id.in_(select(School.id).where(School.district_id == scope.district_id))


def school_condition(scope: Scope) -> ColumnElement[bool]:
    """The schools of a scope, as a condition on `Complaint.school_id`."""
    if scope.kind is ScopeKind.DISTRICT:
        return Complaint.school_id.in_(
            select(School.id).where(School.district_id == scope.district_id)
        )
    if scope.kind is ScopeKind.CLASS:
        return Complaint.school_id.in_(
            select(SchoolClass.school_id).where(SchoolClass.id == scope.class_id)
        )
    return Complaint.school_id == scope.school_id


def iso_weekday(dialect: str, day: Any) -> Any:
    """ISO weekday 1 (Monday) .. 7 (Sunday) of a date column."""
    if dialect == "postgresql":
        return cast(func.extract("isodow", day), Integer)
    return (cast(func.strftime("%w", day), Integer) + 6) % 7 + 1


def non_school_day(dialect: str, day: Any) -> ColumnElement[bool]:
    """True on a holiday, or on a weekday outside `School.school_days` that is no make-up day
    (`bot.calendar.SchoolCalendar.is_school_day`, in SQL over the joined `School`)."""
    weekday = cast(iso_weekday(dialect, day), Integer)
    text = cast(weekday, String)
    position = (
        func.strpos(School.school_days, text)
        if dialect == "postgresql"
        else func.instr(School.school_days, text)
    )

    def marked(kind: str) -> Any:
        c = CalendarDay
        return exists().where(c.school_id == School.id, c.day == day, c.kind == kind)

    return or_(marked("holiday"), and_(position == 0, not_(marked("makeup"))))


def cap_on(dialect: str) -> Any:
    """The cap of a class on a day over the joined `SchoolClass` and `School` (mirrors
    `bot.load.cap_for`: grades 1-2 their own cap always; others the non-school-day cap on a
    non-school day when the school set one, else their band's)."""

    def cap(day: Any) -> Any:
        k, s = SchoolClass, School
        return case(
            (k.grade <= 2, s.cap_primary_low),
            (
                and_(s.cap_non_school_day.is_not(None), non_school_day(dialect, day)),
                s.cap_non_school_day,
            ),
            (k.grade <= 6, s.cap_primary),
            (k.grade <= 9, s.cap_junior),
            else_=s.cap_senior,
        )

    return cap


# ---------------------------------------------------------------- class-evenings


@dataclass(frozen=True)
class Evening(OverCap):
    """One class on one evening of the range: estimated written load, cap and reports.

    `median` is None below `MIN_REPORTS` timed reports (privacy)."""

    school_id: int
    class_id: int
    class_name: str
    grade: int
    day: date
    written: int
    pieces: int
    cap: int | None
    reports: int
    timed: int
    median: float | None
    unfinished: int


def evenings_query(dialect: str, scope: Scope, start: date, end: date) -> Any:
    condition = scope_condition(scope)
    query = class_evening_query(
        dialect,
        lambda day: and_(condition, day.between(start, end)),
        cap_on(dialect),
    )
    sub = query.subquery()
    return select(sub).order_by(sub.c.school_id, sub.c.grade, sub.c.class_name, sub.c.day)


def _evening(row: Sequence[Any]) -> Evening:
    school_id, class_id, name, grade, day, written, pieces, cap = row[:8]
    reports, timed, median, _over, unfinished = row[8:13]
    return Evening(
        school_id=school_id,
        class_id=class_id,
        class_name=name,
        grade=grade,
        day=day,
        written=int(written),
        pieces=int(pieces),
        cap=cap,
        reports=int(reports),
        timed=int(timed),
        median=float(median) if median is not None and timed >= MIN_REPORTS else None,
        unfinished=int(unfinished),
    )


async def evenings(session: AsyncSession, scope: Scope, start: date, end: date) -> list[Evening]:
    """Every class-evening of the scope and range with homework or reports (one statement)."""
    query = evenings_query(session.get_bind().dialect.name, scope, start, end)
    return [_evening(row) for row in await session.execute(query)]


async def evenings_batches(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> AsyncIterator[list[Evening]]:
    """`evenings` from a server-side cursor, `STREAM_ROWS` at a time (one round trip each)."""
    query = evenings_query(session.get_bind().dialect.name, scope, start, end)
    async for rows in _batches(session, query):
        yield [_evening(row) for row in rows]


async def _batches(session: AsyncSession, query: Any) -> AsyncIterator[Sequence[Any]]:
    """The rows of `query` from a server-side cursor, in lists of up to `STREAM_ROWS`: one
    await per batch rather than per row (a row-by-row async iteration costs more than the
    database's own work)."""
    result = await session.stream(query.execution_options(yield_per=STREAM_ROWS))
    async for rows in result.partitions():
        yield rows


@dataclass(frozen=True)
class SchoolDay:
    """One school's class-evenings on one day: how many, and how many over the cap."""

    school_id: int
    day: date
    evenings: int
    over: int


def _evenings_with_over(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> tuple[Any, ColumnElement[bool]]:
    """The class-evening statement's columns as a subquery, and its "over the cap" condition
    (the estimate, or the parents' median from MIN_REPORTS reports) — as `Evening.is_over`."""
    dialect = session.get_bind().dialect.name
    condition = scope_condition(scope)
    c = (
        class_evening_query(
            dialect, lambda day: and_(condition, day.between(start, end)), cap_on(dialect)
        )
        .subquery()
        .c
    )
    over = and_(
        c.cap.is_not(None),
        or_(
            c.written > c.cap,
            and_(c.timed >= MIN_REPORTS, c.median.is_not(None), c.median > c.cap),
        ),
    )
    return c, over


async def school_days(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> list[SchoolDay]:
    """Per school and day, class-evenings and those over the cap (estimate or median), counted
    in SQL over the class-evening statement (a district's weeks without pulling every class)."""
    c, over = _evenings_with_over(session, scope, start, end)
    rows = await session.execute(
        select(c.school_id, c.day, func.count(), func.sum(case((over, 1), else_=0)))
        .group_by(c.school_id, c.day)
        .order_by(c.school_id, c.day)
    )
    return [SchoolDay(s, d, int(n), int(o or 0)) for s, d, n, o in rows]


@dataclass(frozen=True)
class ClassCount:
    """A school's classes with homework or reports in the range, and those ever over."""

    classes: int
    over: int


async def class_counts(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> dict[int, ClassCount]:
    """Per school: classes with class-evenings in the range and classes over the cap on any of
    them (one statement over the class-evening statement)."""
    c, over = _evenings_with_over(session, scope, start, end)
    rows = await session.execute(
        select(
            c.school_id,
            func.count(func.distinct(c.class_id)),
            func.count(func.distinct(case((over, c.class_id), else_=None))),
        ).group_by(c.school_id)
    )
    return {s: ClassCount(int(n), int(o)) for s, n, o in rows}


# ---------------------------------------------------------------- subjects


@dataclass(frozen=True)
class SubjectDay:
    class_id: int
    day: date
    subject: str
    minutes: int


async def subject_minutes(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> list[SubjectDay]:
    """Posted written minutes per class, evening and subject (subjects in the school's order)."""
    rows = await session.execute(
        select(
            AssignmentLoad.class_id,
            AssignmentLoad.day,
            Subject.name,
            cast(func.sum(AssignmentLoad.minutes), Integer),
        )
        .join(Assignment, Assignment.id == AssignmentLoad.assignment_id)
        .join(Subject, Subject.id == Assignment.subject_id)
        .join(SchoolClass, SchoolClass.id == AssignmentLoad.class_id)
        .where(
            scope_condition(scope),
            AssignmentLoad.day.between(start, end),
            Assignment.status == HomeworkStatus.POSTED.value,
            Assignment.kind == HomeworkKind.WRITTEN.value,
        )
        .group_by(AssignmentLoad.class_id, AssignmentLoad.day, Subject.name, Subject.position)
        .order_by(AssignmentLoad.class_id, AssignmentLoad.day, Subject.position, Subject.name)
    )
    return [SubjectDay(c, d, s, int(m)) for c, d, s, m in rows]


async def subject_totals(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> list[tuple[str, int]]:
    """Written minutes per subject over the scope and range, largest first."""
    total = func.sum(AssignmentLoad.minutes)
    rows = await session.execute(
        select(Subject.name, cast(total, Integer))
        .join(Assignment, Assignment.subject_id == Subject.id)
        .join(AssignmentLoad, AssignmentLoad.assignment_id == Assignment.id)
        .join(SchoolClass, SchoolClass.id == AssignmentLoad.class_id)
        .where(
            scope_condition(scope),
            AssignmentLoad.day.between(start, end),
            Assignment.status == HomeworkStatus.POSTED.value,
            Assignment.kind == HomeworkKind.WRITTEN.value,
        )
        .group_by(Subject.name)
        .order_by(total.desc(), Subject.name)
    )
    return [(name, int(m)) for name, m in rows]


# ---------------------------------------------------------------- complaints


@dataclass(frozen=True)
class ComplaintOutcome:
    """A complaint filed on a local `day`: answered by its deadline, late, or neither yet."""

    school_id: int
    day: date
    answered: bool
    in_time: bool
    late: bool  # answered after the deadline, or unanswered with the deadline passed


@dataclass
class ComplaintFigures:
    """Complaints filed in the range (school-local dates), and how they were answered."""

    opened: int = 0
    answered: int = 0
    in_time: int = 0
    late: int = 0

    def add(self, outcome: ComplaintOutcome) -> None:
        self.opened += 1
        self.answered += outcome.answered
        self.in_time += outcome.in_time
        self.late += outcome.late

    @property
    def due(self) -> int:
        """Those whose deadline passed or that were answered: the base of the in-time share."""
        return self.in_time + self.late

    @property
    def in_time_share(self) -> float | None:
        return self.in_time / self.due if self.due else None


def _utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """A UTC window wide enough for every time zone (filtered by local date afterwards)."""
    return (
        datetime.combine(start - timedelta(days=1), datetime.min.time(), UTC),
        datetime.combine(end + timedelta(days=2), datetime.min.time(), UTC),
    )


async def complaint_outcomes(
    session: AsyncSession, scope: Scope, start: date, end: date, now: datetime
) -> list[ComplaintOutcome]:
    """Complaints of the scope's schools (grade and class scopes: those about their classes)
    filed on a local date in the range, one statement."""
    low, high = _utc_bounds(start, end)
    query = (
        select(
            Complaint.school_id,
            School.timezone,
            Complaint.created_at,
            Complaint.first_deadline_at,
            Complaint.first_responded_at,
        )
        .join(School, School.id == Complaint.school_id)
        .where(school_condition(scope), Complaint.created_at.between(low, high))
    )
    if scope.kind in (ScopeKind.CLASS, ScopeKind.GRADE):
        query = query.where(
            Complaint.class_id.in_(select(SchoolClass.id).where(scope_condition(scope)))
        )
    result: list[ComplaintOutcome] = []
    zones: dict[str, ZoneInfo] = {}
    for school_id, tz, created, deadline, responded in await session.execute(query):
        zone = zones.setdefault(tz, ZoneInfo(tz))
        day = created.astimezone(zone).date()
        if not start <= day <= end:
            continue
        timeliness = response_timeliness(responded, deadline, now)  # "answered on time"
        outcome = ComplaintOutcome(
            school_id,
            day,
            responded is not None,
            timeliness == Timeliness.ON_TIME,
            timeliness == Timeliness.LATE,
        )
        result.append(outcome)
    return result


async def complaint_figures(
    session: AsyncSession, scope: Scope, start: date, end: date, now: datetime
) -> dict[int, ComplaintFigures]:
    """`complaint_outcomes` counted per school."""
    result: dict[int, ComplaintFigures] = defaultdict(ComplaintFigures)
    for outcome in await complaint_outcomes(session, scope, start, end, now):
        result[outcome.school_id].add(outcome)
    return dict(result)


# ---------------------------------------------------------------- names and places


@dataclass(frozen=True)
class SchoolInfo:
    id: int
    name: str
    timezone: str
    district_id: int


async def schools_of(session: AsyncSession, scope: Scope) -> list[SchoolInfo]:
    """The schools a scope touches, by name."""
    query = select(School.id, School.name, School.timezone, School.district_id)
    if scope.kind is ScopeKind.DISTRICT:
        query = query.where(School.district_id == scope.district_id)
    elif scope.kind is ScopeKind.CLASS:
        query = query.where(
            School.id
            == select(SchoolClass.school_id)
            .where(SchoolClass.id == scope.class_id)
            .scalar_subquery()
        )
    else:
        query = query.where(School.id == scope.school_id)
    rows = await session.execute(query.order_by(School.name, School.id))
    return [SchoolInfo(*row) for row in rows]


async def classes_of(session: AsyncSession, scope: Scope) -> list[SchoolClass]:
    """The classes of a scope (not for districts: use the aggregates there)."""
    return list(
        await session.scalars(
            select(SchoolClass)
            .where(scope_condition(scope))
            .order_by(SchoolClass.school_id, SchoolClass.grade, SchoolClass.name)
        )
    )


def today_of(schools: Sequence[SchoolInfo], now: datetime) -> date:
    """The latest local date among the schools (a period may end there)."""
    return max((local_today(s.timezone, now) for s in schools), default=now.date())


# ---------------------------------------------------------------- export rows


async def pieces_batches(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> AsyncIterator[Sequence[Sequence[Any]]]:
    """Homework pieces whose first evening is in the range: school, class, subject, teacher's
    name, kind, minutes, evening, due, status, text."""
    query = (
        select(
            School.name,
            SchoolClass.name,
            Subject.name,
            User.first_name,
            User.last_name,
            Assignment.kind,
            Assignment.minutes,
            Assignment.evening,
            Assignment.due,
            Assignment.status,
            Assignment.text,
        )
        .join(SchoolClass, SchoolClass.id == Assignment.class_id)
        .join(School, School.id == SchoolClass.school_id)
        .join(Subject, Subject.id == Assignment.subject_id)
        .join(User, User.id == Assignment.teacher_id)
        .where(scope_condition(scope), Assignment.evening.between(start, end))
        .order_by(
            School.name, SchoolClass.grade, SchoolClass.name, Assignment.evening, Assignment.id
        )
    )
    async for rows in _batches(session, query):
        yield rows


async def reports_batches(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> AsyncIterator[Sequence[Sequence[Any]]]:
    """Parents' reports WITHOUT identities: school, class, evening, minutes, outcome. No child,
    no parent, no note (free text may name someone)."""
    query = (
        select(
            School.name,
            SchoolClass.name,
            DailyReport.day,
            DailyReport.minutes,
            DailyReport.outcome,
        )
        .join(Child, Child.id == DailyReport.child_id)
        .join(SchoolClass, SchoolClass.id == Child.class_id)
        .join(School, School.id == SchoolClass.school_id)
        .where(scope_condition(scope), DailyReport.day.between(start, end))
        .order_by(School.name, SchoolClass.grade, SchoolClass.name, DailyReport.day)
    )
    async for rows in _batches(session, query):
        yield rows


@dataclass(frozen=True)
class ComplaintRow:
    """A complaint for an export: the complainant's name only when they filed it named."""

    code: str
    school: str
    class_name: str | None
    category: str
    status: str
    level: str
    named_by: str | None
    created_at: datetime
    deadline_at: datetime
    responded_at: datetime | None  # the first response ever (the "First answer" column)
    escalated_at: datetime | None
    text: str
    timezone: str


async def complaints_batches(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> AsyncIterator[list[ComplaintRow]]:
    """Complaints filed on a local date in the range. An anonymous complainant's identity is
    never selected: the join to `users` only matches named tickets."""
    low, high = _utc_bounds(start, end)
    complainant = aliased(User, name="complainant")
    query = (
        select(
            Complaint.code,
            School.name,
            SchoolClass.name,
            Complaint.category,
            Complaint.status,
            Complaint.level,
            complainant.first_name,
            complainant.last_name,
            Complaint.created_at,
            Complaint.deadline_at,
            Complaint.first_responded_at,
            Complaint.escalated_at,
            Complaint.text,
            School.timezone,
        )
        .join(School, School.id == Complaint.school_id)
        .outerjoin(SchoolClass, SchoolClass.id == Complaint.class_id)
        .outerjoin(
            complainant,
            and_(Complaint.anonymous.is_(False), complainant.id == Complaint.complainant_id),
        )
        .where(school_condition(scope), Complaint.created_at.between(low, high))
        .order_by(School.name, Complaint.created_at, Complaint.id)
    )
    if scope.kind in (ScopeKind.CLASS, ScopeKind.GRADE):
        query = query.where(
            Complaint.class_id.in_(select(SchoolClass.id).where(scope_condition(scope)))
        )
    zones: dict[str, ZoneInfo] = {}
    async for rows in _batches(session, query):
        batch: list[ComplaintRow] = []
        for row in rows:
            (code, school, klass, category, status, level, first, last) = row[:8]
            created, deadline, responded, escalated, text, tz = row[8:]
            zone = zones.setdefault(tz, ZoneInfo(tz))
            if not start <= created.astimezone(zone).date() <= end:
                continue
            name = " ".join(p for p in (first, last) if p) or None
            batch.append(
                ComplaintRow(
                    code,
                    school,
                    klass,
                    category,
                    status,
                    level,
                    name,
                    created,
                    deadline,
                    responded,
                    escalated,
                    text,
                    tz,
                )
            )
        if batch:
            yield batch


# ---------------------------------------------------------------- calibration inputs


async def calibration_inputs(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> tuple[list[Estimate], list[Reports]]:
    """Written estimates per class, evening, teacher and subject, and the timed reports per
    class-evening, of the scope's classes over the range (two statements)."""
    estimates = [
        Estimate(c, d, t, s, int(m))
        for c, d, t, s, m in await session.execute(
            select(
                AssignmentLoad.class_id,
                AssignmentLoad.day,
                Assignment.teacher_id,
                Subject.name,
                func.sum(AssignmentLoad.minutes),
            )
            .join(Assignment, Assignment.id == AssignmentLoad.assignment_id)
            .join(Subject, Subject.id == Assignment.subject_id)
            .join(SchoolClass, SchoolClass.id == AssignmentLoad.class_id)
            .where(
                scope_condition(scope),
                AssignmentLoad.day.between(start, end),
                Assignment.status == HomeworkStatus.POSTED.value,
                Assignment.kind == HomeworkKind.WRITTEN.value,
            )
            .group_by(
                AssignmentLoad.class_id, AssignmentLoad.day, Assignment.teacher_id, Subject.name
            )
        )
    ]
    timed: dict[tuple[int, date], list[int]] = defaultdict(list)
    for class_id, day, minutes in await session.execute(
        select(Child.class_id, DailyReport.day, DailyReport.minutes)
        .join(Child, Child.id == DailyReport.child_id)
        .join(SchoolClass, SchoolClass.id == Child.class_id)
        .where(
            scope_condition(scope),
            DailyReport.day.between(start, end),
            DailyReport.minutes.is_not(None),
        )
    ):
        timed[(class_id, day)].append(int(minutes or 0))
    return estimates, [Reports(c, d, tuple(m)) for (c, d), m in timed.items()]


async def largest_table_rows(session: AsyncSession, scope: Scope, start: date, end: date) -> int:
    """Rows of the biggest export sheet (parents' reports, else homework loads), counted first
    so that an export too large for one file is refused before it is built."""
    reports = await session.scalar(
        select(func.count())
        .select_from(DailyReport)
        .join(Child, Child.id == DailyReport.child_id)
        .join(SchoolClass, SchoolClass.id == Child.class_id)
        .where(scope_condition(scope), DailyReport.day.between(start, end))
    )
    loads = await session.scalar(
        select(func.count())
        .select_from(AssignmentLoad)
        .join(SchoolClass, SchoolClass.id == AssignmentLoad.class_id)
        .where(scope_condition(scope), AssignmentLoad.day.between(start, end))
    )
    return max(int(reports or 0), int(loads or 0))


T = TypeVar("T")


async def flatten(batches: AsyncIterator[Sequence[T]]) -> AsyncIterator[T]:
    """Row by row from one of the `*_batches` streams."""
    async for batch in batches:
        for row in batch:
            yield row
