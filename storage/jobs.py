"""The scheduler's own bookkeeping: the lease, every school's schedule inputs, atomic run
claims (with heartbeats and resumption of a dead process's runs), and housekeeping.

Every claim is an `INSERT ... ON CONFLICT` on a unique key (SQLite and PostgreSQL alike), so
two processes, two overlapping ticks or a re-run after a crash do each run once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, delete, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.calendar import SchoolCalendar, Term, parse_school_days
from bot.domain.homework import HomeworkStatus
from bot.domain.schedule import DueRun, Job, SchoolTimes, reminder_time
from storage.models import (
    Assignment,
    AssignmentLoad,
    CalendarDay,
    JobRun,
    Lease,
    ProcessedUpdate,
    School,
    SchoolClass,
    SchoolYear,
)
from storage.sql import chunks, dialect_insert

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
    """Every school's schedule inputs (four queries); calendar exceptions from the month's
    start (the monthly report's first school day) and days with homework within a few days of
    `around` only, which is all a tick needs; the school years (a few rows a school)."""
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
                School.reminder_delay,
            )
            .where(School.archived_at.is_(None))  # archived: read-only, nothing is sent
            .order_by(School.id)
        )
    ).all()
    near = (around - timedelta(days=2), around + timedelta(days=2))
    exceptions: dict[int, dict[str, set[date]]] = defaultdict(lambda: defaultdict(set))
    # From the month's start: the monthly report runs on its first school day.
    rows = await session.execute(
        select(CalendarDay.school_id, CalendarDay.day, CalendarDay.kind).where(
            CalendarDay.day.between(near[0].replace(day=1), near[1])
        )
    )
    for school_id, day, kind in rows:
        exceptions[school_id][kind].add(day)
    homework: dict[int, set[date]] = defaultdict(set)
    loaded = await session.execute(
        select(SchoolClass.school_id, AssignmentLoad.day)
        .join(SchoolClass, SchoolClass.id == AssignmentLoad.class_id)
        .join(Assignment, Assignment.id == AssignmentLoad.assignment_id)
        .where(
            AssignmentLoad.day.between(*near),
            Assignment.status == HomeworkStatus.POSTED.value,
        )
        .distinct()
    )
    for school_id, day in loaded:
        homework[school_id].add(day)
    terms: dict[int, list[Term]] = defaultdict(list)
    years = await session.execute(
        select(
            SchoolYear.school_id, SchoolYear.first_day, SchoolYear.last_day, SchoolYear.created_at
        )
    )
    for school_id, first, last, at in years:
        terms[school_id].append(Term(first, last, at.date()))
    result = []
    for school_id, tz, notice, evening, check, days, weekly_day, weekly_time, delay in schools:
        try:
            weekdays = parse_school_days(days)
        except ValueError:
            weekdays = frozenset({1, 2, 3, 4, 5})
        cal = SchoolCalendar(
            school_days=weekdays,
            holidays=frozenset(exceptions[school_id]["holiday"]),
            makeup_days=frozenset(exceptions[school_id]["makeup"]),
            terms=tuple(terms[school_id]),
        )
        reminder = reminder_time(evening, delay, check)
        result.append(
            SchoolTimes(
                school_id,
                tz,
                notice,
                evening,
                check,
                cal,
                weekly_day,
                weekly_time,
                reminder=reminder,
                homework_days=frozenset(homework[school_id]),
            )
        )
    return result


RunKey = tuple[int, str, date]
"""(school id, job, local date): a run's unique key in `job_runs`."""


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
    existing = await _existing_runs(session, keys)
    won = await _insert_runs(session, sorted(k for k in keys if k not in existing), now)
    stale = {
        key: claimed
        for key, (claimed, finished) in existing.items()
        if finished is None and claimed < now - stale_after
    }
    won |= await _resume_runs(session, stale, now)
    await session.commit()
    return [r for r in runs if (r.school_id, r.job.value, r.local_date) in won]


async def _existing_runs(
    session: AsyncSession, keys: set[RunKey]
) -> dict[RunKey, tuple[datetime, datetime | None]]:
    """The runs among `keys` claimed before: key -> (claimed at, finished at)."""
    rows = await session.execute(
        select(
            JobRun.school_id,
            JobRun.job,
            JobRun.local_date,
            JobRun.claimed_at,
            JobRun.finished_at,
        ).where(JobRun.local_date.in_({d for _s, _j, d in keys}))
    )
    return {
        (s, j, d): (claimed, finished) for s, j, d, claimed, finished in rows if (s, j, d) in keys
    }


async def _insert_runs(session: AsyncSession, new: list[RunKey], now: datetime) -> set[RunKey]:
    """Insert the new keys; returns those this caller inserted (not a concurrent one)."""
    won: set[RunKey] = set()
    insert = dialect_insert(session)
    for chunk in chunks(new):
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
    return won


async def _resume_runs(
    session: AsyncSession, stale: dict[RunKey, datetime], now: datetime
) -> set[RunKey]:
    """Take over stale runs; returns those this caller took."""
    won: set[RunKey] = set()
    for (s, j, d), claimed in stale.items():
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
    return won


def _run_filter(runs: Sequence[DueRun]) -> ColumnElement[bool]:
    return tuple_(JobRun.school_id, JobRun.job, JobRun.local_date).in_(
        [(r.school_id, r.job.value, r.local_date) for r in runs]
    )


async def touch_runs(session: AsyncSession, runs: Sequence[DueRun], now: datetime) -> None:
    """A heartbeat for runs in progress, so nobody takes them for dead. Commits."""
    for chunk in chunks(list(runs)):
        await session.execute(update(JobRun).where(_run_filter(chunk)).values(claimed_at=now))
    await session.commit()


async def release_runs(
    session: AsyncSession, runs: Sequence[DueRun], now: datetime, stale_after: timedelta
) -> None:
    """Leave unfinished runs to the next tick (some messages are still to be sent): they look
    stale from now on, so `claim_runs` resumes them. Commits."""
    for chunk in chunks(list(runs)):
        await session.execute(
            update(JobRun).where(_run_filter(chunk)).values(claimed_at=now - stale_after)
        )
    await session.commit()


async def finish_runs(session: AsyncSession, runs: Sequence[DueRun], now: datetime) -> None:
    for chunk in chunks(list(runs)):
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


# ---------------------------------------------------------------- housekeeping


async def purge_processed_updates(session: AsyncSession, before: datetime) -> None:
    """Forget update ids processed before `before` (Telegram redelivers within hours, not days)."""
    await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before))
    await session.commit()


async def purge_job_runs(session: AsyncSession, before: date) -> None:
    """Forget finished runs of local dates before `before` (a claim looks a few days back at
    most; without this the table grows by every school's five jobs a day). Commits."""
    await session.execute(
        delete(JobRun).where(JobRun.local_date < before, JobRun.finished_at.is_not(None))
    )
    await session.commit()
