"""Parents' reports: one row per child per evening (the latest answer wins), with history; the
days a parent may report, who answered, notes by class, reminders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.homework import HomeworkStatus
from bot.domain.load import HomeworkKind
from bot.domain.reporting import MAX_MINUTES, MAX_NOTE, ReportOutcome, valid_range
from storage import daycache
from storage.models import (
    Assignment,
    AssignmentLoad,
    Child,
    DailyReport,
    Notification,
    ParentLink,
    ReportEvent,
    School,
    SchoolClass,
    User,
)
from storage.sql import chunks, dialect_insert


@dataclass(frozen=True)
class ChildOfParent:
    """A child the presser is a parent of, with what rendering and the calendar need."""

    child_id: int
    name: str
    class_id: int
    class_name: str
    grade: int
    school: School
    joined: datetime | None = None
    """When the child joined: its first parent link (`joined_at`)."""


async def child_of_parent(
    session: AsyncSession, parent_id: int, child_id: int
) -> ChildOfParent | None:
    """The child when `parent_id` is one of its parents; None otherwise (forged or stale)."""
    first_link = (
        select(func.min(ParentLink.created_at))
        .where(ParentLink.child_id == child_id)
        .scalar_subquery()
    )
    row = (
        await session.execute(
            select(Child, SchoolClass, School, first_link)
            .join(ParentLink, ParentLink.child_id == Child.id)
            .join(SchoolClass, SchoolClass.id == Child.class_id)
            .join(School, School.id == SchoolClass.school_id)
            .where(ParentLink.parent_id == parent_id, Child.id == child_id)
        )
    ).first()
    if row is None:
        return None
    child, klass, school, joined = row
    return ChildOfParent(child.id, child.name, klass.id, klass.name, klass.grade, school, joined)


async def save_report(
    session: AsyncSession,
    *,
    child_id: int,
    day: date,
    minutes: int | None,
    outcome: ReportOutcome,
    reporter_id: int,
    now: datetime,
    span: tuple[int, int | None] | None = None,
) -> int:
    """Upsert the child's report for `day` (one row, latest wins) and log the answer; returns
    the report id. `span` is a range answer (low, high; high None: 'over low'), stored as
    the range with `minutes` None. The caller commits."""
    if minutes is not None and not 0 <= minutes <= MAX_MINUTES:
        raise ValueError(f"minutes must be 0-{MAX_MINUTES}, got {minutes}")
    if span is not None and (minutes is not None or not valid_range(*span)):
        raise ValueError(f"a range is stored without minutes and must be valid, got {span}")
    low, high = span if span is not None else (None, None)
    insert = dialect_insert(session)
    stmt = insert(DailyReport).values(
        child_id=child_id,
        day=day,
        minutes=minutes,
        minutes_low=low,
        minutes_high=high,
        outcome=outcome.value,
        reporter_id=reporter_id,
        created_at=now,
        updated_at=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[DailyReport.child_id, DailyReport.day],
        set_={
            "minutes": stmt.excluded.minutes,
            "minutes_low": stmt.excluded.minutes_low,
            "minutes_high": stmt.excluded.minutes_high,
            "outcome": stmt.excluded.outcome,
            "reporter_id": stmt.excluded.reporter_id,
            "updated_at": stmt.excluded.updated_at,
        },
    ).returning(DailyReport.id)
    report_id = int((await session.execute(stmt)).scalar_one())
    session.add(
        ReportEvent(
            report_id=report_id,
            reporter_id=reporter_id,
            minutes=minutes,
            minutes_low=low,
            minutes_high=high,
            outcome=outcome.value,
            created_at=now,
        )
    )
    await session.flush()
    return report_id


async def set_worked(
    session: AsyncSession, child_id: int, day: date, minutes: int, reporter_id: int, now: datetime
) -> bool:
    """The time a child worked before going to bed unfinished (the report stays unfinished,
    logged as an answer); False when there is no unfinished report for `day`."""
    if not 0 <= minutes <= MAX_MINUTES:
        raise ValueError(f"minutes must be 0-{MAX_MINUTES}, got {minutes}")
    report_id = (
        await session.execute(
            update(DailyReport)
            .where(
                DailyReport.child_id == child_id,
                DailyReport.day == day,
                DailyReport.outcome == ReportOutcome.UNFINISHED.value,
            )
            .values(minutes=minutes, updated_at=now)
            .returning(DailyReport.id)
        )
    ).scalar_one_or_none()
    if report_id is None:
        return False
    session.add(
        ReportEvent(
            report_id=report_id,
            reporter_id=reporter_id,
            minutes=minutes,
            outcome=ReportOutcome.UNFINISHED.value,
            created_at=now,
        )
    )
    await session.flush()
    return True


async def set_note(session: AsyncSession, child_id: int, day: date, note: str | None) -> bool:
    """Attach (or clear) the note of the child's report for `day`; False when there is none."""
    if note is not None and len(note) > MAX_NOTE:
        raise ValueError(f"a note is at most {MAX_NOTE} characters")
    result = await session.execute(
        update(DailyReport)
        .where(DailyReport.child_id == child_id, DailyReport.day == day)
        .values(note=note)
        .returning(DailyReport.id)
    )
    return result.scalar_one_or_none() is not None


async def save_note(
    session: AsyncSession, parent_id: int, child_id: int, day: date, note: str
) -> bool:
    """A parent's note on the child's report for `day`, in one statement that also checks
    that they are still the child's parent; False when they are not, or there is no report."""
    if len(note) > MAX_NOTE:
        raise ValueError(f"a note is at most {MAX_NOTE} characters")
    linked = (
        select(ParentLink.child_id)
        .where(ParentLink.parent_id == parent_id, ParentLink.child_id == child_id)
        .exists()
    )
    result = await session.execute(
        update(DailyReport)
        .where(DailyReport.child_id == child_id, DailyReport.day == day, linked)
        .values(note=note)
        .returning(DailyReport.id)
    )
    return result.scalar_one_or_none() is not None


async def reports_for(
    session: AsyncSession, child_id: int, days: list[date]
) -> dict[date, DailyReport]:
    if not days:
        return {}
    rows = await session.scalars(
        select(DailyReport).where(DailyReport.child_id == child_id, DailyReport.day.in_(days))
    )
    return {r.day: r for r in rows}


async def history(session: AsyncSession, child_id: int, day: date) -> list[ReportEvent]:
    return list(
        await session.scalars(
            select(ReportEvent)
            .join(DailyReport, DailyReport.id == ReportEvent.report_id)
            .where(DailyReport.child_id == child_id, DailyReport.day == day)
            .order_by(ReportEvent.id)
        )
    )


@dataclass(frozen=True)
class Answered:
    """A child's report with who gave it (their display name; None if they left)."""

    report: DailyReport
    reporter: str | None


async def answered(
    session: AsyncSession, child_id: int, days: Sequence[date]
) -> dict[date, Answered]:
    """The child's reports on `days`, each with its reporter's display name."""
    if not days:
        return {}
    rows = await session.execute(
        select(DailyReport, User)
        .outerjoin(User, User.id == DailyReport.reporter_id)
        .where(DailyReport.child_id == child_id, DailyReport.day.in_(list(days)))
    )
    return {r.day: Answered(r, user.display_name if user is not None else None) for r, user in rows}


async def joined_at(session: AsyncSession, child_id: int) -> datetime | None:
    """When the child joined: its first parent link."""
    return await session.scalar(
        select(func.min(ParentLink.created_at)).where(ParentLink.child_id == child_id)
    )


async def cached_homework_days(
    session: AsyncSession, class_id: int, first: date, last: date
) -> list[date]:
    """`homework_days` from the day cache (`storage.daycache`): every parent's tap of the
    class checks its day against the same evenings."""
    days = await daycache.cached(
        session,
        ("homework_days", class_id, first, last),
        lambda: _homework_days_tuple(session, class_id, first, last),
    )
    return list(days)


async def _homework_days_tuple(
    session: AsyncSession, class_id: int, first: date, last: date
) -> tuple[date, ...]:
    return tuple(await homework_days(session, class_id, first, last))


async def homework_days(
    session: AsyncSession, class_id: int, first: date, last: date
) -> list[date]:
    """The class's evenings with posted written homework from `first` to `last`, newest first."""
    rows = await session.scalars(
        select(AssignmentLoad.day)
        .distinct()
        .join(Assignment, Assignment.id == AssignmentLoad.assignment_id)
        .where(
            AssignmentLoad.class_id == class_id,
            AssignmentLoad.day.between(first, last),
            Assignment.status == HomeworkStatus.POSTED.value,
            Assignment.kind == HomeworkKind.WRITTEN.value,
        )
        .order_by(AssignmentLoad.day.desc())
    )
    return list(rows)


async def reporters(
    session: AsyncSession, pairs: Sequence[tuple[int, date]]
) -> dict[tuple[int, date], set[int]]:
    """Per (class, day), the parents who gave the reports that stand."""
    result: dict[tuple[int, date], set[int]] = defaultdict(set)
    by_day: dict[date, list[int]] = defaultdict(list)
    for class_id, day in sorted(set(pairs)):
        by_day[day].append(class_id)
    for day, class_ids in sorted(by_day.items()):
        for chunk in chunks(class_ids):
            rows = await session.execute(
                select(Child.class_id, DailyReport.reporter_id)
                .join(Child, Child.id == DailyReport.child_id)
                .where(
                    DailyReport.day == day,
                    Child.class_id.in_(chunk),
                    DailyReport.reporter_id.is_not(None),
                )
            )
            for class_id, reporter_id in rows:
                if reporter_id is not None:
                    result[(class_id, day)].add(int(reporter_id))
    return result


async def class_notes(
    session: AsyncSession, class_ids: Sequence[int], first: date, last: date
) -> tuple[dict[int, dict[date, int]], dict[int, dict[date, list[str]]]]:
    """Per class, the number of reporting families per day and the notes per day (text only:
    no parent, no child), from `first` to `last`; `bot.domain.reporting.release_notes` decides
    which may be shown."""
    families: dict[int, dict[date, int]] = defaultdict(dict)
    notes: dict[int, dict[date, list[str]]] = defaultdict(lambda: defaultdict(list))
    for chunk in chunks(sorted(set(class_ids))):
        rows = await session.execute(
            select(Child.class_id, DailyReport.day, DailyReport.note)
            .join(Child, Child.id == DailyReport.child_id)
            .where(
                Child.class_id.in_(chunk),
                DailyReport.day.between(first, last),
                Child.pending.is_(False),  # a child not yet confirmed counts in no figure
            )
        )
        for class_id, day, note in rows:
            families[class_id][day] = families[class_id].get(day, 0) + 1
            if note:
                notes[class_id][day].append(note)
    return families, notes


async def unanswered(
    session: AsyncSession, pairs: Sequence[tuple[int, date]]
) -> set[tuple[int, date]]:
    """Of the (child, day) pairs, those with no report yet."""
    result = set(pairs)
    by_day: dict[date, list[int]] = defaultdict(list)
    for child_id, day in sorted(result):
        by_day[day].append(child_id)
    for day, child_ids in by_day.items():
        for chunk in chunks(child_ids):
            rows = await session.scalars(
                select(DailyReport.child_id).where(
                    DailyReport.day == day, DailyReport.child_id.in_(chunk)
                )
            )
            result -= {(int(c), day) for c in rows}
    return result


async def set_reminders(session: AsyncSession, user_id: int, *, on: bool) -> None:
    """Turn the evening reminder on or off for a parent. The caller commits."""
    await session.execute(update(User).where(User.id == user_id).values(reminders_off=not on))


async def parents_of(session: AsyncSession, child_id: int) -> list[User]:
    """The child's parents, by id."""
    return list(
        await session.scalars(
            select(User)
            .join(ParentLink, ParentLink.parent_id == User.id)
            .where(ParentLink.child_id == child_id)
            .order_by(User.id)
        )
    )


async def sent_before(session: AsyncSession, keys: Sequence[str], before: datetime) -> set[str]:
    """Of the notification keys, those sent at or before `before`."""
    found: set[str] = set()
    for chunk in chunks(sorted(set(keys))):
        rows = await session.scalars(
            select(Notification.key).where(
                Notification.key.in_(chunk),
                Notification.sent_at.is_not(None),
                Notification.sent_at <= before,
            )
        )
        found |= set(rows)
    return found
