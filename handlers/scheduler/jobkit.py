"""What the scheduler's jobs share: the clock and progress callbacks, schools by id, and a
class's cap on a day."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

from bot.config import Settings
from bot.domain.calendar import SchoolCalendar
from bot.domain.load import Cap, cap_for
from handlers.kit.context import AsyncSession
from storage import repo
from storage.homework import caps_of
from storage.models import School

Clock = Callable[[], datetime]
Progress = Callable[[], Awaitable[None]]
"""Awaited between delivery batches (the tick heartbeats its runs there too)."""


def lease_hold(settings: Settings) -> timedelta:
    """How far ahead the scheduler lease is taken at each tick: a lease's length less one tick,
    so another process's tick notices a dead holder within SCHEDULER_LEASE_SECONDS."""
    return settings.scheduler_lease - timedelta(seconds=settings.scheduler_tick_seconds)


def claim_ttl(settings: Settings) -> timedelta:
    """How long an outbox claim holds: half the lease, so a claim of a holder that died has
    expired by the time another process takes the lease over (and resends it at once)."""
    return settings.scheduler_lease / 2


async def schools_by_id(session: AsyncSession, ids: set[int]) -> dict[int, School]:
    return {s.id: s for s in await repo.schools_by_ids(session, ids)}


def cap_of(school: School, grade: int, day: date, cal: SchoolCalendar | None) -> Cap:
    return cap_for(caps_of(school), grade, day, cal or SchoolCalendar())
