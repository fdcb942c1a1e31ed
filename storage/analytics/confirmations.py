"""Homework posted over the limit as recorded when it happened (`assignment_events.over_limit`):
the teachers' confirmations (mode `warn`) and the grade leaders' approvals (mode `approve`),
counted per school and grade for the monthly report. Plain columns, the same SQL on SQLite and
PostgreSQL."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.homework import HomeworkStatus, OverLimitStep
from bot.domain.periods import Scope
from storage.analytics.scopes import scope_condition
from storage.models import Assignment, AssignmentEvent, SchoolClass

COUNTED = (OverLimitStep.CONFIRMED.value, OverLimitStep.APPROVED.value)


async def over_limit_posts(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> dict[int, Counter[tuple[int, OverLimitStep]]]:
    """Per school of the scope, (grade, confirmed or approved) -> pieces: the posted pieces
    whose (first) evening is from `start` to `end` that a teacher confirmed over the limit or a
    grade leader approved over it (each piece once per kind of step, one statement)."""
    rows = await session.execute(
        select(
            SchoolClass.school_id,
            SchoolClass.grade,
            AssignmentEvent.over_limit,
            func.count(func.distinct(Assignment.id)),
        )
        .select_from(AssignmentEvent)
        .join(Assignment, Assignment.id == AssignmentEvent.assignment_id)
        .join(SchoolClass, SchoolClass.id == Assignment.class_id)
        .where(
            scope_condition(scope),
            Assignment.evening.between(start, end),
            Assignment.status == HomeworkStatus.POSTED.value,
            AssignmentEvent.over_limit.in_(COUNTED),
        )
        .group_by(SchoolClass.school_id, SchoolClass.grade, AssignmentEvent.over_limit)
    )
    result: dict[int, Counter[tuple[int, OverLimitStep]]] = defaultdict(Counter)
    for school_id, grade, step, n in rows:
        result[school_id][(grade, OverLimitStep(str(step)))] += n
    return dict(result)
