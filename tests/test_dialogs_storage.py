"""storage.dialogs: a dialog's lifetime, its version check, and the per-user lock (a row lock
on PostgreSQL, held until the step commits)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm.exc import StaleDataError

from storage import dialogs
from storage.db import SessionMaker

USER = 4242
NOW = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)
TTL = timedelta(minutes=30)


async def test_start_replaces_with_a_new_token_and_version(sessionmaker: SessionMaker) -> None:
    async with sessionmaker() as s:
        first = await dialogs.start_dialog(s, USER, "report", "note", {"day": "x"}, now=NOW)
        token = first.token
        assert (first.version, first.updated_at) == (1, NOW)
        await s.commit()
    async with sessionmaker() as s:
        later = NOW + timedelta(minutes=1)
        second = await dialogs.start_dialog(s, USER, "assign", "class", now=later)
        assert (second.name, second.step, second.data) == ("assign", "class", {})
        assert second.token != token and second.version == 2 and second.updated_at == later
        await s.commit()
    async with sessionmaker() as s:
        stored = await dialogs.lock_dialog(s, USER)
        assert stored is not None and stored.version == 2
        assert await dialogs.end_dialog(s, USER)
        assert not await dialogs.end_dialog(s, USER)


@pytest.mark.parametrize(("minutes", "gone"), [(0, False), (30, False), (31, True)])
async def test_expiry(sessionmaker: SessionMaker, minutes: int, gone: bool) -> None:
    async with sessionmaker() as s:
        dialog = await dialogs.start_dialog(s, USER, "report", "note", now=NOW)
        assert dialogs.expired(dialog, NOW + timedelta(minutes=minutes), TTL) is gone
        dialogs.touch(dialog, NOW + timedelta(minutes=minutes))
        assert not dialogs.expired(dialog, NOW + timedelta(minutes=minutes + 30), TTL)


async def test_a_stale_writer_fails(sessionmaker: SessionMaker) -> None:
    """Two steps read the same state (no row lock: SQLite); the second to write fails."""
    async with sessionmaker() as s:
        await dialogs.start_dialog(s, USER, "report", "minutes", now=NOW)
        await s.commit()
    async with sessionmaker() as first, sessionmaker() as second:
        a = await dialogs.lock_dialog(first, USER)
        assert a is not None
        await first.commit()  # let the second one read too (PostgreSQL would wait otherwise)
        b = await dialogs.lock_dialog(second, USER)
        assert b is not None
        await second.commit()
        dialogs.update_dialog(a, "note", minutes=45)
        await first.commit()
        dialogs.update_dialog(b, "note", minutes=50)
        with pytest.raises(StaleDataError):
            await second.commit()
    async with sessionmaker() as s:
        stored = await dialogs.lock_dialog(s, USER)
        assert stored is not None and stored.data == {"minutes": 45} and stored.version == 2


async def test_the_lock_holds_until_commit(sessionmaker: SessionMaker) -> None:
    """PostgreSQL: a second reader waits for the first step to commit, then sees its state."""
    bind = sessionmaker.kw["bind"]
    if bind.dialect.name != "postgresql":
        pytest.skip("SQLite has no row locks (one writer; the version check guards there)")
    async with sessionmaker() as s:
        await dialogs.start_dialog(s, USER, "report", "minutes", now=NOW)
        await s.commit()
    async with sessionmaker() as first, sessionmaker() as second:
        a = await dialogs.lock_dialog(first, USER)
        assert a is not None
        waiting = asyncio.create_task(dialogs.lock_dialog(second, USER))
        await asyncio.sleep(0.3)
        assert not waiting.done(), "the second reader did not wait for the lock"
        dialogs.update_dialog(a, "note", minutes=45)
        await first.commit()
        b = await asyncio.wait_for(waiting, 5)
        assert b is not None and (b.step, b.data, b.version) == ("note", {"minutes": 45}, 2)
        await second.commit()


async def test_two_starts_at_once_queue_instead_of_failing(sessionmaker: SessionMaker) -> None:
    """PostgreSQL: two processes open a dialog for one user at the same moment (no row yet):
    the second waits for the first and replaces it, instead of failing on the primary key."""
    bind = sessionmaker.kw["bind"]
    if bind.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: two starts cannot overlap")
    async with sessionmaker() as first, sessionmaker() as second:
        await dialogs.start_dialog(first, USER, "report", "note", {"n": 1}, now=NOW)
        waiting = asyncio.create_task(
            dialogs.start_dialog(second, USER, "report", "note", {"n": 2}, now=NOW)
        )
        await asyncio.sleep(0.3)
        assert not waiting.done()
        await first.commit()
        replaced = await asyncio.wait_for(waiting, 5)
        assert (replaced.data, replaced.version) == ({"n": 2}, 2)
        await second.commit()
