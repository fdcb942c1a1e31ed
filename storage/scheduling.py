"""Scheduler storage: the lease, atomic run claims, notification claims and the daily check.

Every claim is an `INSERT ... ON CONFLICT` on a unique key (SQLite and PostgreSQL alike), so
two processes, two overlapping ticks or a re-run after a crash do each thing once.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    cast,
    delete,
    func,
    literal,
    or_,
    select,
    tuple_,
    union,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.calendar import SchoolCalendar, parse_school_days
from bot.domain.homework import HomeworkStatus
from bot.domain.load import HomeworkKind, Piece
from bot.domain.roles import Role
from bot.domain.schedule import DueRun, Job, SchoolTimes
from storage.models import (
    Assignment,
    AssignmentLoad,
    CalendarDay,
    Child,
    DailyReport,
    JobRun,
    Lease,
    Membership,
    Notification,
    ParentLink,
    ProcessedUpdate,
    School,
    SchoolClass,
    Subject,
    User,
)

MIN_REPORTS = 3
"""A class's report figures are shown only with at least this many reports (privacy)."""

CHUNK = 500
"""Rows per multi-row statement (keeps bound parameters well under both backends' limits)."""


def dialect_insert(session: AsyncSession) -> Any:
    """The dialect's `insert` (with `on_conflict_*`): sqlite or postgresql."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"unsupported database {name!r}")


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------- lease


async def acquire_lease(
    session: AsyncSession, name: str, holder: str, now: datetime, ttl: timedelta
) -> bool:
    """Take or renew the named lease for `holder` until now + ttl; False while another holds
    an unexpired one. Commits."""
    insert = dialect_insert(session)
    stmt = insert(Lease).values(name=name, holder=holder, expires_at=now + ttl)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Lease.name],
        set_={"holder": stmt.excluded.holder, "expires_at": stmt.excluded.expires_at},
        where=or_(Lease.holder == holder, Lease.expires_at < now),
    ).returning(Lease.holder)
    won = (await session.execute(stmt)).scalar_one_or_none()
    await session.commit()
    return won == holder


async def release_lease(session: AsyncSession, name: str, holder: str, now: datetime) -> None:
    """Give the lease up (at shutdown) so another process can take over at once. Commits."""
    await session.execute(
        update(Lease).where(Lease.name == name, Lease.holder == holder).values(expires_at=now)
    )
    await session.commit()


# ---------------------------------------------------------------- schedules and runs


async def school_schedules(session: AsyncSession, around: date) -> list[SchoolTimes]:
    """Every school's schedule inputs (two queries); calendar exceptions within a few days of
    `around` only, which is all a tick needs."""
    schools = (
        await session.execute(
            select(
                School.id,
                School.timezone,
                School.notice_time,
                School.evening_time,
                School.check_time,
                School.school_days,
                School.weekly_report_weekday,
                School.weekly_report_time,
            ).order_by(School.id)
        )
    ).all()
    exceptions: dict[int, dict[str, set[date]]] = defaultdict(lambda: defaultdict(set))
    rows = await session.execute(
        select(CalendarDay.school_id, CalendarDay.day, CalendarDay.kind).where(
            CalendarDay.day.between(around - timedelta(days=2), around + timedelta(days=2))
        )
    )
    for school_id, day, kind in rows:
        exceptions[school_id][kind].add(day)
    result = []
    for school_id, tz, notice, evening, check, days, weekly_day, weekly_time in schools:
        try:
            weekdays = parse_school_days(days)
        except ValueError:
            weekdays = frozenset({1, 2, 3, 4, 5})
        cal = SchoolCalendar(
            school_days=weekdays,
            holidays=frozenset(exceptions[school_id]["holiday"]),
            makeup_days=frozenset(exceptions[school_id]["makeup"]),
        )
        result.append(
            SchoolTimes(school_id, tz, notice, evening, check, cal, weekly_day, weekly_time)
        )
    return result


async def claim_runs(
    session: AsyncSession, runs: Sequence[DueRun], now: datetime, stale_after: timedelta
) -> list[DueRun]:
    """Claim each run once (atomic insert on its key); returns the claimed ones in input order.

    A run claimed earlier but neither finished nor touched for `stale_after` (its process died
    mid-run) is claimed again: its messages have unique keys, so resuming sends only what is
    missing. Commits.
    """
    if not runs:
        return []
    keys = {(r.school_id, r.job.value, r.local_date) for r in runs}
    dates = {r.local_date for r in runs}
    existing = {
        (s, j, d): (claimed, finished)
        for s, j, d, claimed, finished in await session.execute(
            select(
                JobRun.school_id,
                JobRun.job,
                JobRun.local_date,
                JobRun.claimed_at,
                JobRun.finished_at,
            ).where(JobRun.local_date.in_(dates))
        )
        if (s, j, d) in keys
    }
    won: set[tuple[int, str, date]] = set()
    new = [k for k in keys if k not in existing]
    insert = dialect_insert(session)
    for chunk in _chunks(sorted(new)):
        stmt = (
            insert(JobRun)
            .values(
                [
                    {"school_id": s, "job": j, "local_date": d, "claimed_at": now}
                    for s, j, d in chunk
                ]
            )
            .on_conflict_do_nothing()
            .returning(JobRun.school_id, JobRun.job, JobRun.local_date)
        )
        won.update((s, j, d) for s, j, d in await session.execute(stmt))
    for (s, j, d), (claimed, finished) in existing.items():
        if finished is None and claimed < now - stale_after:
            # Compare-and-set on claimed_at: of two processes resuming it, one wins.
            result = await session.execute(
                update(JobRun)
                .where(
                    JobRun.school_id == s,
                    JobRun.job == j,
                    JobRun.local_date == d,
                    JobRun.finished_at.is_(None),
                    JobRun.claimed_at == claimed,
                )
                .values(claimed_at=now)
                .returning(JobRun.job)
            )
            if result.scalar_one_or_none() is not None:
                won.add((s, j, d))
    await session.commit()
    return [r for r in runs if (r.school_id, r.job.value, r.local_date) in won]


def _run_filter(runs: Sequence[DueRun]) -> ColumnElement[bool]:
    return tuple_(JobRun.school_id, JobRun.job, JobRun.local_date).in_(
        [(r.school_id, r.job.value, r.local_date) for r in runs]
    )


async def touch_runs(session: AsyncSession, runs: Sequence[DueRun], now: datetime) -> None:
    """A heartbeat for runs in progress, so nobody takes them for dead. Commits."""
    for chunk in _chunks(list(runs)):
        await session.execute(update(JobRun).where(_run_filter(chunk)).values(claimed_at=now))
    await session.commit()


async def finish_runs(session: AsyncSession, runs: Sequence[DueRun], now: datetime) -> None:
    for chunk in _chunks(list(runs)):
        await session.execute(update(JobRun).where(_run_filter(chunk)).values(finished_at=now))
    await session.commit()


async def run_claimed(session: AsyncSession, school_id: int, job: Job, local_date: date) -> bool:
    """True once the run was claimed (e.g. the evening's notice has gone out or is going)."""
    found = await session.scalar(
        select(JobRun.job).where(
            JobRun.school_id == school_id, JobRun.job == job, JobRun.local_date == local_date
        )
    )
    return found is not None


# ---------------------------------------------------------------- notifications


class SendStatus(enum.StrEnum):
    """Where a notification stands; only `retry` is sent again (never twice otherwise)."""

    PENDING = "pending"  # claimed; the send is in flight (or the process died: never resent)
    SENT = "sent"
    RETRY = "retry"  # known not delivered (flood limit, network): the next attempt resends
    UNREACHABLE = "unreachable"  # blocked the bot (403), or never opened it ("chat not found")
    FAILED = "failed"  # Telegram refused the message itself for good (another 400)


@dataclass(frozen=True)
class NotificationKey:
    key: str
    recipient_id: int
    kind: str


async def claim_notifications(
    session: AsyncSession, items: Sequence[NotificationKey], now: datetime
) -> dict[str, int]:
    """Claim each key once; returns key -> notification id for those this caller may send
    (new keys, and keys left in `retry`). Commits."""
    won: dict[str, int] = {}
    insert = dialect_insert(session)
    unique = list({i.key: i for i in items}.values())
    for chunk in _chunks(unique):
        stmt = (
            insert(Notification)
            .values(
                [
                    {
                        "key": i.key,
                        "recipient_id": i.recipient_id,
                        "kind": i.kind,
                        "status": SendStatus.PENDING.value,
                        "created_at": now,
                    }
                    for i in chunk
                ]
            )
            .on_conflict_do_nothing(index_elements=[Notification.key])
            .returning(Notification.key, Notification.id)
        )
        won.update({k: i for k, i in await session.execute(stmt)})
        retry = [i.key for i in chunk if i.key not in won]
        if retry:
            result = await session.execute(
                update(Notification)
                .where(Notification.key.in_(retry), Notification.status == SendStatus.RETRY)
                .values(status=SendStatus.PENDING, created_at=now)
                .returning(Notification.key, Notification.id)
            )
            won.update({k: i for k, i in result})
    await session.commit()
    return won


async def record_sends(
    session: AsyncSession, outcomes: Sequence[tuple[int, SendStatus, int | None]], now: datetime
) -> None:
    """Store (notification id, status, message id) results. Commits."""
    if outcomes:
        await session.execute(
            update(Notification),
            [
                {
                    "id": nid,
                    "status": status.value,
                    "message_id": message_id,
                    "sent_at": now if status is SendStatus.SENT else None,
                }
                for nid, status, message_id in outcomes
            ],
        )
    await session.commit()


async def unsent_count(session: AsyncSession, keys: Sequence[str]) -> int:
    """How many of `keys` are still waiting for a retry."""
    total = 0
    for chunk in _chunks(list(keys)):
        total += (
            await session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.key.in_(chunk), Notification.status == SendStatus.RETRY)
            )
            or 0
        )
    return total


# ---------------------------------------------------------------- the daily check


class OverCap:
    """Over-the-cap tests of a class-evening's figures (the estimate, the parents' median)."""

    cap: int | None
    written: int
    median: float | None

    @property
    def estimate_over(self) -> bool:
        return self.cap is not None and self.written > self.cap

    @property
    def median_over(self) -> bool:
        return self.cap is not None and self.median is not None and self.median > self.cap

    @property
    def is_over(self) -> bool:
        return self.estimate_over or self.median_over


@dataclass(frozen=True)
class ClassCheck(OverCap):
    """One class on one evening: estimated written load and what parents reported.

    Report figures (`median`, `over`, `unfinished`) are None below `MIN_REPORTS` reports.
    """

    school_id: int
    class_id: int
    class_name: str
    grade: int
    day: date
    written: int
    pieces: int
    cap: int | None
    reports: int
    timed: int  # reports with minutes (the median's base)
    median: float | None
    over: int | None  # timed reports above the cap
    unfinished: int | None


def _targets(by_day: dict[date, list[int]], school_col: Any, day_col: Any) -> ColumnElement[bool]:
    return or_(*(and_(day_col == d, school_col.in_(ids)) for d, ids in sorted(by_day.items())))


def cap_column() -> Any:
    """The school-day cap of a class from its grade and school (mirrors `bot.load.cap_for`)."""
    return case(
        (SchoolClass.grade <= 2, School.cap_primary_low),
        (SchoolClass.grade <= 6, School.cap_primary),
        (SchoolClass.grade <= 9, School.cap_junior),
        else_=School.cap_senior,
    )


def daily_check_query(dialect: str, targets: Sequence[tuple[int, date]]) -> Any:
    """One statement: per class of the target (school, school day) pairs that had homework or
    reports, the estimated written total, the cap and the report aggregates.

    The median is `percentile_cont` on PostgreSQL and the middle row(s) by `ROW_NUMBER` on
    SQLite; both only when at least `MIN_REPORTS` reports carry minutes.
    """
    by_day: dict[date, list[int]] = defaultdict(list)
    for school_id, day in sorted(set(targets)):
        by_day[day].append(school_id)
    return class_evening_query(
        dialect, lambda day_col: _targets(by_day, SchoolClass.school_id, day_col)
    )


def class_evening_query(
    dialect: str,
    where: Callable[[Any], ColumnElement[bool]],
    cap_on: Callable[[Any], Any] | None = None,
) -> Any:
    """The daily check's statement for any set of class-evenings: `where(day_column)` is a
    condition on `SchoolClass` (joined) and the given day column (`storage.analytics` passes
    a date range and a scope); `cap_on(day_column)` the cap over `SchoolClass` and `School`
    (default: the school-day cap). Rows as in `daily_check`, ordered by school, grade, class."""
    k, s = SchoolClass, School
    cap_of_day = cap_on or (lambda _day: cap_column())
    est = (
        select(
            AssignmentLoad.class_id.label("class_id"),
            AssignmentLoad.day.label("day"),
            func.sum(
                case(
                    (Assignment.kind == HomeworkKind.WRITTEN.value, AssignmentLoad.minutes), else_=0
                )
            ).label("written"),
            func.count().label("pieces"),
        )
        .join(Assignment, Assignment.id == AssignmentLoad.assignment_id)
        .join(k, k.id == AssignmentLoad.class_id)
        .where(
            Assignment.status == HomeworkStatus.POSTED.value,
            where(AssignmentLoad.day),
        )
        .group_by(AssignmentLoad.class_id, AssignmentLoad.day)
        .cte("est")
    )
    r = DailyReport
    cap = cap_of_day(r.day)
    threshold = literal(MIN_REPORTS)
    over = func.sum(case((and_(cap.is_not(None), r.minutes > cap), 1), else_=0))
    unfinished = func.sum(case((r.outcome == "unfinished", 1), else_=0))
    base_where = where(r.day)
    if dialect == "postgresql":
        median: Any = case(
            (func.count(r.minutes) >= threshold, func.percentile_cont(0.5).within_group(r.minutes)),
            else_=None,
        )
        rep = (
            select(
                Child.class_id.label("class_id"),
                r.day.label("day"),
                func.count().label("reports"),
                func.count(r.minutes).label("timed"),
                median.label("median"),
                over.label("over"),
                unfinished.label("unfinished"),
            )
            .join(Child, Child.id == r.child_id)
            .join(k, k.id == Child.class_id)
            .join(s, s.id == k.school_id)
            .where(base_where)
            .group_by(Child.class_id, r.day)
            .cte("rep")
        )
    else:
        part = (Child.class_id, r.day)
        ranked = (
            select(
                Child.class_id.label("class_id"),
                r.day.label("day"),
                r.minutes.label("minutes"),
                r.outcome.label("outcome"),
                cap.label("cap"),
                func.row_number()
                .over(partition_by=part, order_by=(r.minutes.is_(None), r.minutes))
                .label("rn"),
                func.count(r.minutes).over(partition_by=part).label("timed"),
            )
            .join(Child, Child.id == r.child_id)
            .join(k, k.id == Child.class_id)
            .join(s, s.id == k.school_id)
            .where(base_where)
            .cte("ranked")
        )
        q = ranked.c
        middle = and_(
            q.timed >= threshold,
            q.minutes.is_not(None),
            or_(q.rn == (q.timed + 1) // 2, q.rn == (q.timed + 2) // 2),
        )
        rep = (
            select(
                q.class_id,
                q.day,
                func.count().label("reports"),
                func.count(q.minutes).label("timed"),
                func.avg(case((middle, q.minutes), else_=None)).label("median"),
                func.sum(case((and_(q.cap.is_not(None), q.minutes > q.cap), 1), else_=0)).label(
                    "over"
                ),
                func.sum(case((q.outcome == "unfinished", 1), else_=0)).label("unfinished"),
            )
            .group_by(q.class_id, q.day)
            .cte("rep")
        )
    keys = union(select(est.c.class_id, est.c.day), select(rep.c.class_id, rep.c.day)).cte("keys")
    return (
        select(
            k.school_id.label("school_id"),
            k.id.label("class_id"),
            k.name.label("class_name"),
            k.grade.label("grade"),
            keys.c.day.label("day"),
            func.coalesce(est.c.written, 0).label("written"),
            func.coalesce(est.c.pieces, 0).label("pieces"),
            cap_of_day(keys.c.day).label("cap"),
            func.coalesce(rep.c.reports, 0).label("reports"),
            func.coalesce(rep.c.timed, 0).label("timed"),
            rep.c.median.label("median"),
            func.coalesce(rep.c.over, 0).label("over"),
            func.coalesce(rep.c.unfinished, 0).label("unfinished"),
        )
        .select_from(keys)
        .join(k, k.id == keys.c.class_id)
        .join(s, s.id == k.school_id)
        .outerjoin(est, and_(est.c.class_id == keys.c.class_id, est.c.day == keys.c.day))
        .outerjoin(rep, and_(rep.c.class_id == keys.c.class_id, rep.c.day == keys.c.day))
        .order_by(k.school_id, k.grade, k.name)
    )


async def daily_check(
    session: AsyncSession, targets: Sequence[tuple[int, date]]
) -> list[ClassCheck]:
    """The daily check over all classes of all (school, day) targets, in one statement."""
    if not targets:
        return []
    query = daily_check_query(session.get_bind().dialect.name, targets)
    result = []
    for row in await session.execute(query):
        (school_id, class_id, name, grade, day, written, pieces, cap) = row[:8]
        reports, timed, median, over, unfinished = row[8:]
        shown = reports >= MIN_REPORTS
        result.append(
            ClassCheck(
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
                median=float(median) if median is not None else None,
                over=int(over) if shown else None,
                unfinished=int(unfinished) if shown else None,
            )
        )
    return result


@dataclass(frozen=True)
class TeacherShare:
    class_id: int
    day: date
    teacher_id: int
    subject: str
    minutes: int


async def teacher_shares(
    session: AsyncSession, pairs: Sequence[tuple[int, date]]
) -> list[TeacherShare]:
    """Written minutes per teacher and subject for the given (class, day) pairs, set-based."""
    result: list[TeacherShare] = []
    by_day: dict[date, list[int]] = defaultdict(list)
    for class_id, day in sorted(set(pairs)):
        by_day[day].append(class_id)
    for day, class_ids in sorted(by_day.items()):
        for chunk in _chunks(class_ids):
            rows = await session.execute(
                select(
                    AssignmentLoad.class_id,
                    Assignment.teacher_id,
                    Subject.name,
                    cast(func.sum(AssignmentLoad.minutes), Integer),
                )
                .join(Assignment, Assignment.id == AssignmentLoad.assignment_id)
                .join(Subject, Subject.id == Assignment.subject_id)
                .where(
                    AssignmentLoad.day == day,
                    AssignmentLoad.class_id.in_(chunk),
                    Assignment.status == HomeworkStatus.POSTED.value,
                    Assignment.kind == HomeworkKind.WRITTEN.value,
                )
                .group_by(AssignmentLoad.class_id, Assignment.teacher_id, Subject.name)
                .order_by(AssignmentLoad.class_id, Assignment.teacher_id, Subject.name)
            )
            result.extend(TeacherShare(c, day, t, name, int(m)) for c, t, name, m in rows)
    return result


async def purge_processed_updates(session: AsyncSession, before: datetime) -> None:
    """Forget update ids processed before `before` (Telegram redelivers within hours, not days)."""
    await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before))
    await session.commit()


# ---------------------------------------------------------------- notices


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
        for class_id, school_id, name, grade, aid, subject, kind, minutes, text in rows:
            key = (class_id, day)
            meta[key] = (school_id, name, grade)
            found.setdefault(key, []).append(Piece(subject, HomeworkKind(kind), minutes, aid))
            texts[aid] = text
    return [
        ClassEvening(
            meta[k][0],
            k[0],
            meta[k][1],
            meta[k][2],
            k[1],
            tuple(p),
            {piece.piece_id: texts[piece.piece_id] for piece in p if piece.piece_id is not None},
        )
        for k, p in found.items()
    ]


@dataclass(frozen=True)
class Family:
    """A parent and one of their children (one notice per parent per child)."""

    parent: User
    child_id: int
    child_name: str
    class_id: int


async def families_of(session: AsyncSession, class_ids: Sequence[int]) -> dict[int, list[Family]]:
    result: dict[int, list[Family]] = defaultdict(list)
    ids = sorted(set(class_ids))
    for start in range(0, len(ids), CHUNK):
        rows = await session.execute(
            select(User, Child.id, Child.name, Child.class_id)
            .join(ParentLink, ParentLink.parent_id == User.id)
            .join(Child, Child.id == ParentLink.child_id)
            .where(Child.class_id.in_(ids[start : start + CHUNK]))
            .order_by(Child.class_id, Child.name, Child.id, User.id)
        )
        for parent, child_id, child_name, class_id in rows:
            result[class_id].append(Family(parent, child_id, child_name, class_id))
    return result


async def leaders_and_admins(
    session: AsyncSession, school_ids: set[int]
) -> list[tuple[int, str, int, int | None]]:
    """(user, role, school, grade) of the grade leaders and admins of the schools."""
    rows = await session.execute(
        select(Membership.user_id, Membership.role, Membership.school_id, Membership.grade)
        .where(
            Membership.school_id.in_(school_ids),
            Membership.role.in_([Role.GRADE_LEADER.value, Role.SCHOOL_ADMIN.value]),
        )
        .order_by(Membership.user_id)
    )
    return [(u, r, s, g) for u, r, s, g in rows.all() if s is not None]
