"""A short-lived cache of what every tap of one evening reads alike: a school's holidays and
make-up days, and a class's homework (its evenings with written homework, its pieces of a day).

At 21:00 thousands of parents of a few hundred classes tap the evening question; each tap
re-checks the day and shows the class's estimate. Those reads are the same for every parent of
a class, so they are kept per database, per key (school, or class and days) for `TTL` seconds.

Invalidation: any write of homework or of a calendar through a session of this process
(ORM objects flushed, or an INSERT/UPDATE/DELETE statement on one of the `WATCHED` tables)
empties the cache when that session commits (and at once, so nothing read meanwhile outlives
the commit). Another process's change is seen within `TTL` seconds.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session

TTL = 60.0
"""Seconds an entry lives (the bound on how stale another process's change may be seen)."""

MAX_ENTRIES = 50_000
"""Entries per database before the cache is emptied (a bound on memory, never reached by a
district's evening: a key per class and day)."""

WATCHED = frozenset(
    {
        "assignments",
        "assignment_loads",
        "load_corrections",
        "calendar_days",
        "school_years",
        "classes",
        "subjects",
        "schools",
    }
)
"""Tables whose writes empty the cache."""

CHANGED = "daycache_changed"
"""Session info key: this transaction wrote a watched table."""

T = TypeVar("T")

_caches: weakref.WeakKeyDictionary[Any, dict[Hashable, tuple[float, Any]]] = (
    weakref.WeakKeyDictionary()
)


def _cache_of(session: AsyncSession) -> dict[Hashable, tuple[float, Any]]:
    return _caches.setdefault(session.get_bind(), {})


async def cached(session: AsyncSession, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
    """The value under `key` for `session`'s database, loaded by `load` when absent or old.
    Values must be immutable (shared by every update of the process)."""
    cache = _cache_of(session)
    now = time.monotonic()
    found = cache.get(key)
    if found is not None and found[0] > now:
        return found[1]
    value = await load()
    if len(cache) >= MAX_ENTRIES:
        cache.clear()
    if not session.info.get(CHANGED):  # never keep what this transaction's own writes show
        cache[key] = (now + TTL, value)
    return value


def clear() -> None:
    """Empty every cache of this process (its homework or a calendar changed)."""
    for cache in list(_caches.values()):
        cache.clear()


def _mark(session: Session) -> None:
    session.info[CHANGED] = True
    clear()


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in WATCHED:
            _mark(session)
            return


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in WATCHED:
        _mark(state.session)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(CHANGED, False):
        clear()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(CHANGED, None)
