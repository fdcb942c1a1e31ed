"""What the scheduler's jobs share: the clock and progress callbacks, schools by id, and a
class's cap on a day."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime

from bot.domain.calendar import SchoolCalendar
from bot.domain.load import Cap, cap_for
from handlers.kit.context import AsyncSession
from storage import repo
from storage.homework import caps_of
from storage.models import School

Clock = Callable[[], datetime]
Progress = Callable[[], Awaitable[None]]
"""Awaited between delivery batches (the tick renews its lease and heartbeats its runs)."""


async def schools_by_id(session: AsyncSession, ids: set[int]) -> dict[int, School]:
    return {s.id: s for s in await repo.schools_by_ids(session, ids)}


def cap_of(school: School, grade: int, day: date, cal: SchoolCalendar | None) -> Cap:
    return cap_for(caps_of(school), grade, day, cal or SchoolCalendar())
