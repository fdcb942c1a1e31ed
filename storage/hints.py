"""The hints kept with each piece (`assignment_hints`): written when a piece is saved, read for
the grade leader's approval card, the school office's daily summary, and counted per teacher
and per negative-list item for the weekly reports (the office's, a grade leader's) and the
monthly report (a school's, a district's per school)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.homework import HomeworkStatus
from bot.domain.periods import Scope
from bot.domain.textcheck import HintKind, PieceHint
from storage.analytics.scopes import scope_condition
from storage.models import Assignment, AssignmentHint, SchoolClass, Subject, User

COUNTED = (HomeworkStatus.POSTED.value, HomeworkStatus.PENDING.value)
"""Pieces whose hints are shown and counted: posted, or waiting for approval."""


async def replace_hints(
    session: AsyncSession, assignment_id: int, hints: Sequence[PieceHint]
) -> None:
    """The piece's hints as computed at this save (the earlier ones go). Not committed."""
    stale = delete(AssignmentHint).where(AssignmentHint.assignment_id == assignment_id)
    await session.execute(stale)
    session.add_all(
        AssignmentHint(
            assignment_id=assignment_id, kind=h.kind.value, item=h.item, fragment=h.fragment
        )
        for h in hints
    )
    await session.flush()


def _hint(row: AssignmentHint) -> PieceHint:
    return PieceHint(HintKind(row.kind), row.item, row.fragment)


async def hints_of(session: AsyncSession, assignment_id: int) -> list[PieceHint]:
    """A piece's stored hints, negative-list items by number, then the kind hint."""
    rows = await session.scalars(
        select(AssignmentHint)
        .where(AssignmentHint.assignment_id == assignment_id)
        .order_by(AssignmentHint.item.is_(None), AssignmentHint.item, AssignmentHint.id)
    )
    return [_hint(row) for row in rows]


@dataclass(frozen=True)
class DayHint:
    """A hint of a piece set for a checked day, with who set it and for which class."""

    school_id: int
    grade: int
    class_name: str
    subject: str
    teacher: str
    kind: str
    """The piece's declared kind."""
    hint: PieceHint


async def day_hints(session: AsyncSession, targets: Sequence[tuple[int, date]]) -> list[DayHint]:
    """The hints of the pieces whose (first) evening is the target day of their school."""
    if not targets:
        return []
    on_day = or_(
        *(
            and_(SchoolClass.school_id == school_id, Assignment.evening == day)
            for school_id, day in sorted(set(targets))
        )
    )
    rows = await session.execute(
        select(
            SchoolClass.school_id,
            SchoolClass.grade,
            SchoolClass.name,
            Subject.name,
            User,
            Assignment.kind,
            AssignmentHint,
        )
        .join(Assignment, Assignment.id == AssignmentHint.assignment_id)
        .join(SchoolClass, SchoolClass.id == Assignment.class_id)
        .join(Subject, Subject.id == Assignment.subject_id)
        .join(User, User.id == Assignment.teacher_id)
        .where(on_day, Assignment.status.in_(COUNTED))
        .order_by(SchoolClass.grade, SchoolClass.name, Assignment.id, AssignmentHint.id)
    )
    return [
        DayHint(school_id, grade, name, subject, user.display_name, kind, _hint(hint))
        for school_id, grade, name, subject, user, kind, hint in rows
    ]


@dataclass(frozen=True)
class HintCounts:
    """A school's hints over a period: per teacher (name -> count), and per negative-list item
    number (None: the kind hint), each with the pieces they were on."""

    pieces: int
    by_teacher: dict[str, int]
    by_item: dict[int | None, int]

    @property
    def total(self) -> int:
        return sum(self.by_item.values())


async def week_counts(session: AsyncSession, school_id: int, start: date, end: date) -> HintCounts:
    """Hints of the school's pieces set for evenings from `start` to `end` (one statement)."""
    found = await scope_counts(session, Scope.of_school(school_id), start, end)
    return found.get(school_id, HintCounts(0, {}, {}))


async def scope_counts(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> dict[int, HintCounts]:
    """Per school of the scope (a grade, a school, a district), the hints of its pieces posted
    or waiting whose (first) evening is from `start` to `end`, in one statement; schools
    without hints are left out."""
    rows = await session.execute(
        select(
            SchoolClass.school_id,
            Assignment.id,
            User.first_name,
            User.last_name,
            AssignmentHint.item,
            func.count(),
        )
        .select_from(AssignmentHint)
        .join(Assignment, Assignment.id == AssignmentHint.assignment_id)
        .join(SchoolClass, SchoolClass.id == Assignment.class_id)
        .join(User, User.id == Assignment.teacher_id)
        .where(
            scope_condition(scope),
            Assignment.evening.between(start, end),
            Assignment.status.in_(COUNTED),
        )
        .group_by(
            SchoolClass.school_id,
            Assignment.id,
            User.first_name,
            User.last_name,
            AssignmentHint.item,
        )
    )
    pieces: dict[int, set[int]] = defaultdict(set)
    by_teacher: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_item: dict[int, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    for school_id, assignment_id, first, last, item, n in rows:
        pieces[school_id].add(assignment_id)
        by_teacher[school_id][" ".join(p for p in (first, last) if p)] += n
        by_item[school_id][item] += n
    return {
        school_id: HintCounts(
            len(pieces[school_id]), dict(by_teacher[school_id]), dict(by_item[school_id])
        )
        for school_id in pieces
    }


def merged(counts: Iterable[HintCounts]) -> HintCounts:
    """Several schools' hints as one (a district's totals)."""
    pieces = 0
    by_teacher: dict[str, int] = defaultdict(int)
    by_item: dict[int | None, int] = defaultdict(int)
    for c in counts:
        pieces += c.pieces
        for name, n in c.by_teacher.items():
            by_teacher[name] += n
        for item, n in c.by_item.items():
            by_item[item] += n
    return HintCounts(pieces, dict(by_teacher), dict(by_item))
