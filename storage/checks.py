"""The daily check's statement: per class and evening, the estimated written load, the cap
and what parents reported (count, median, over the cap, unfinished), for any set of
class-evenings, in one statement on SQLite and PostgreSQL alike; and the teachers' shares of
an evening over the cap. `storage.analytics.loads` reuses the statement over a date range;
`class_day` turns its rows into the domain's `bot.domain.figures.ClassDay`, the one definition
of a class-day's figures and of "over the limit".

What a report counts as (docs/FIGURES.md): exact minutes as they are; a range as its midpoint
(the open top range as its lower bound: `bot.domain.reporting.range_figure`); "went to bed
unfinished" as the time worked but at least the cap, and always in the over-the-cap count.
Every report with a figure is in the median's base `timed` (an unfinished report without the
time worked counts as the cap; only with no cap at all does it lack a figure).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    text,
    union,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.figures import MIN_FAMILIES, ClassDay
from bot.domain.homework import HomeworkStatus
from bot.domain.load import HomeworkKind
from bot.domain.reporting import ReportOutcome
from storage.corrections import checked_loads
from storage.models import (
    Assignment,
    Child,
    DailyReport,
    District,
    School,
    SchoolClass,
    Subject,
)
from storage.policy import cap_expression
from storage.sql import chunks

DayCondition = Callable[[Any], ColumnElement[bool]]
"""A condition on `SchoolClass` (joined) and the given day column."""
CapOfDay = Callable[[Any], Any]
"""The cap of a class on the given day column, over the joined `SchoolClass`, `School` and
`District`."""


def class_day(row: Sequence[Any]) -> ClassDay:
    """The one converter of a row of `class_evening_query` into the domain's `ClassDay`
    (the daily check and every report read class-days through it)."""
    (school_id, class_id, name, grade, day, written, pieces, cap) = row[:8]
    reports, timed, median, over, unfinished, share = row[8:14]
    return ClassDay(
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
        median=float(median) if median is not None and timed >= MIN_FAMILIES else None,
        over=int(over or 0),
        unfinished=int(unfinished or 0),
        unfinished_share=int(share),
    )


def over_condition(c: Any) -> ColumnElement[bool]:
    """`ClassDay.is_over` in SQL over the columns `c` of `class_evening_query` (a subquery):
    the estimate above the cap, the median from MIN_FAMILIES timed reports above it, or from
    MIN_FAMILIES reports at least the school's share unfinished (`unfinished_warned`)."""
    has_cap = c.cap.is_not(None)
    return or_(
        and_(has_cap, c.written > c.cap),
        and_(has_cap, c.timed >= MIN_FAMILIES, c.median.is_not(None), c.median > c.cap),
        and_(
            c.reports >= MIN_FAMILIES,
            c.unfinished > 0,
            c.unfinished * 100 >= c.unfinished_share * c.reports,
        ),
    )


def _targets(by_day: dict[date, list[int]], school_col: Any, day_col: Any) -> ColumnElement[bool]:
    return or_(*(and_(day_col == d, school_col.in_(ids)) for d, ids in sorted(by_day.items())))


def counted_child() -> ColumnElement[bool]:
    """Reports count only for children the school stands behind: a child a parent named in a
    class without a list counts once the school office confirmed it (`Child.pending`)."""
    return Child.pending.is_(False)


def reported_minutes(r: Any = DailyReport) -> Any:
    """A report's minutes as the figures count them, before the unfinished rule: exact
    minutes, else a range's midpoint, else an open range's lower bound."""
    return func.coalesce(r.minutes, (r.minutes_low + r.minutes_high) / 2.0, r.minutes_low)


def report_figure(cap: Any, r: Any = DailyReport) -> Any:
    """What a report counts as in the median: `reported_minutes`, and an unfinished report
    at least the cap (the time worked when more; the time worked when there is no cap)."""
    minutes = reported_minutes(r)
    unfinished = r.outcome == ReportOutcome.UNFINISHED.value
    return case(
        (and_(unfinished, cap.is_not(None), or_(minutes.is_(None), minutes < cap)), cap),
        else_=minutes,
    )


def report_over(cap: Any, r: Any = DailyReport) -> Any:
    """1 when a report is over the cap: its figure above it, or unfinished (always over)."""
    return case(
        (r.outcome == ReportOutcome.UNFINISHED.value, 1),
        (and_(cap.is_not(None), reported_minutes(r) > cap), 1),
        else_=0,
    )


def cap_column() -> Any:
    """The school-day cap of a class under its school and district (`bot.load.cap_for`)."""
    return cap_expression()


def daily_check_query(
    dialect: str,
    targets: Sequence[tuple[int, date]],
    non_school: Sequence[tuple[int, date]] = (),
) -> Any:
    """One statement: per class of the target (school, day) pairs that had homework or
    reports, the estimated written total, the cap and the report aggregates. On the targets
    listed in `non_school` (a weekend or holiday with homework) the cap is the school's
    non-school-day cap where it set one (`bot.domain.load.cap_for`).

    The median is `percentile_cont` on PostgreSQL and the middle row(s) by `ROW_NUMBER` on
    SQLite; both only when at least `MIN_FAMILIES` reports carry minutes.
    """
    by_day: dict[date, list[int]] = defaultdict(list)
    for school_id, day in sorted(set(targets)):
        by_day[day].append(school_id)
    off: dict[date, list[int]] = defaultdict(list)
    for school_id, day in sorted(set(non_school)):
        off[day].append(school_id)

    def cap_of_day(day_col: Any) -> Any:
        if not off:
            return cap_column()
        return case(
            (SchoolClass.grade <= 2, School.cap_primary_low),
            (
                and_(
                    School.cap_non_school_day.is_not(None),
                    _targets(off, SchoolClass.school_id, day_col),
                ),
                School.cap_non_school_day,
            ),
            else_=cap_column(),
        )

    return class_evening_query(
        dialect, lambda day_col: _targets(by_day, SchoolClass.school_id, day_col), cap_of_day
    )


def class_evening_query(dialect: str, where: DayCondition, cap_on: CapOfDay | None = None) -> Any:
    """The daily check's statement for any set of class-evenings: `where(day_column)` is a
    condition on `SchoolClass` (joined) and the given day column (`storage.analytics` passes
    a date range and a scope); `cap_on(day_column)` the cap over `SchoolClass` and `School`
    (default: the school-day cap). Rows as in `daily_check`, ordered by school, grade, class."""
    k, s = SchoolClass, School
    cap_of_day = cap_on or (lambda _day: cap_column())
    est = _estimates(where)
    if dialect == "postgresql":
        rep = _reports_postgresql(where, cap_of_day)
    else:
        rep = _reports_sqlite(where, cap_of_day)
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
            s.unfinished_share.label("unfinished_share"),
        )
        .select_from(keys)
        .join(k, k.id == keys.c.class_id)
        .join(s, s.id == k.school_id)
        .join(District, District.id == s.district_id)
        .outerjoin(est, and_(est.c.class_id == keys.c.class_id, est.c.day == keys.c.day))
        .outerjoin(rep, and_(rep.c.class_id == keys.c.class_id, rep.c.day == keys.c.day))
        .order_by(k.school_id, k.grade, k.name)
    )


def counts_against_cap() -> ColumnElement[bool]:
    """A piece counts against the cap: required written work (`bot.domain.load.Piece.counts`;
    an optional 选做 piece never does)."""
    return and_(Assignment.kind == HomeworkKind.WRITTEN.value, Assignment.required.is_(True))


def _estimates(where: DayCondition) -> Any:
    """CTE `est`: per class-evening, the posted written minutes (as the daily check saw them:
    `storage.corrections.checked_loads`) and the pieces."""
    load = checked_loads()
    return (
        select(
            load.c.class_id.label("class_id"),
            load.c.day.label("day"),
            func.sum(case((counts_against_cap(), load.c.minutes), else_=0)).label("written"),
            func.count().label("pieces"),
        )
        .join(Assignment, Assignment.id == load.c.assignment_id)
        .join(SchoolClass, SchoolClass.id == load.c.class_id)
        .where(
            Assignment.status == HomeworkStatus.POSTED.value,
            where(load.c.day),
        )
        .group_by(load.c.class_id, load.c.day)
        .cte("est")
    )


def _reports_postgresql(where: DayCondition, cap_of_day: CapOfDay) -> Any:
    """CTE `rep`: per class-evening the report aggregates; the median by `percentile_cont`."""
    r = DailyReport
    cap = cap_of_day(r.day)
    figure = report_figure(cap)
    median: Any = case(
        (
            func.count(figure) >= literal(MIN_FAMILIES),
            func.percentile_cont(0.5).within_group(figure),
        ),
        else_=None,
    )
    return (
        select(
            Child.class_id.label("class_id"),
            r.day.label("day"),
            func.count().label("reports"),
            func.count(figure).label("timed"),
            median.label("median"),
            func.sum(report_over(cap)).label("over"),
            func.sum(case((r.outcome == "unfinished", 1), else_=0)).label("unfinished"),
        )
        .join(Child, Child.id == r.child_id)
        .join(SchoolClass, SchoolClass.id == Child.class_id)
        .join(School, School.id == SchoolClass.school_id)
        .join(District, District.id == School.district_id)
        .where(where(r.day), counted_child())
        .group_by(Child.class_id, r.day)
        .cte("rep")
    )


def _reports_sqlite(where: DayCondition, cap_of_day: CapOfDay) -> Any:
    """CTE `rep` without `percentile_cont`: the median is the mean of the middle row(s) of the
    timed reports ranked by `ROW_NUMBER` (CTE `ranked`)."""
    r = DailyReport
    part = (Child.class_id, r.day)
    cap = cap_of_day(r.day)
    figure = report_figure(cap)
    ranked = (
        select(
            Child.class_id.label("class_id"),
            r.day.label("day"),
            figure.label("minutes"),
            r.outcome.label("outcome"),
            report_over(cap).label("over"),
            func.row_number()
            .over(partition_by=part, order_by=(figure.is_(None), figure))
            .label("rn"),
            func.count(figure).over(partition_by=part).label("timed"),
        )
        .join(Child, Child.id == r.child_id)
        .join(SchoolClass, SchoolClass.id == Child.class_id)
        .join(School, School.id == SchoolClass.school_id)
        .join(District, District.id == School.district_id)
        .where(where(r.day), counted_child())
        .cte("ranked")
    )
    q = ranked.c
    middle = and_(
        q.timed >= literal(MIN_FAMILIES),
        q.minutes.is_not(None),
        or_(q.rn == (q.timed + 1) // 2, q.rn == (q.timed + 2) // 2),
    )
    return (
        select(
            q.class_id,
            q.day,
            func.count().label("reports"),
            func.count(q.minutes).label("timed"),
            func.avg(case((middle, q.minutes), else_=None)).label("median"),
            func.sum(q.over).label("over"),
            func.sum(case((q.outcome == "unfinished", 1), else_=0)).label("unfinished"),
        )
        .group_by(q.class_id, q.day)
        .cte("rep")
    )


CHECK_WORK_MEM = "64MB"
"""PostgreSQL's memory per sort and hash of the check (the default 4 MB spills a city's sorts
to disk)."""


async def check_settings(session: AsyncSession) -> None:
    """For the rest of the transaction, on PostgreSQL: no JIT (the planner expects far more
    rows than a check reads, and compiling costs seconds), `CHECK_WORK_MEM` for its sorts."""
    if session.get_bind().dialect.name != "postgresql":
        return
    await session.execute(text("SET LOCAL jit = off"))
    await session.execute(text(f"SET LOCAL work_mem = '{CHECK_WORK_MEM}'"))


async def daily_check(
    session: AsyncSession,
    targets: Sequence[tuple[int, date]],
    non_school: Sequence[tuple[int, date]] = (),
) -> list[ClassDay]:
    """The daily check over all classes of all (school, day) targets, in one statement (the
    `non_school` targets against the non-school-day cap)."""
    if not targets:
        return []
    await check_settings(session)
    query = daily_check_query(session.get_bind().dialect.name, targets, non_school)
    return [class_day(row) for row in await session.execute(query)]


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
    load = checked_loads()
    for day, class_ids in sorted(by_day.items()):
        for chunk in chunks(class_ids):
            rows = await session.execute(
                select(
                    load.c.class_id,
                    Assignment.teacher_id,
                    Subject.name,
                    cast(func.sum(load.c.minutes), Integer),
                )
                .join(Assignment, Assignment.id == load.c.assignment_id)
                .join(Subject, Subject.id == Assignment.subject_id)
                .where(
                    load.c.day == day,
                    load.c.class_id.in_(chunk),
                    Assignment.status == HomeworkStatus.POSTED.value,
                    counts_against_cap(),
                )
                .group_by(load.c.class_id, Assignment.teacher_id, Subject.name)
                .order_by(load.c.class_id, Assignment.teacher_id, Subject.name)
            )
            result.extend(TeacherShare(c, day, t, name, int(m)) for c, t, name, m in rows)
    return result
