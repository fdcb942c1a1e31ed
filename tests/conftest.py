"""Fixtures: a migrated database per test, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import SessionMaker, create_engine, create_sessionmaker, upgrade
from storage.models import Base
from tests.fakebot.transcript import TRANSCRIPT
from tests.wording import button_problems, forbidden_in_chinese, punctuation_problems

# PTB 22 warns when RetryAfter.retry_after is read as seconds; opt in to timedelta (PTB 23).
os.environ.setdefault("PTB_TIMEDELTA", "1")

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(autouse=True)
def words_and_punctuation_as_readers_expect() -> Iterator[None]:
    """Issue 14, over every test that drives the bot: what the fake Bot API received has no
    ASCII , ; : ( ) next to Chinese, none of the glossary's forbidden Chinese variants, and
    no button label too wide for a phone."""
    TRANSCRIPT.reset()
    yield
    problems = punctuation_problems(TRANSCRIPT.rendered, TRANSCRIPT.typed)
    problems += forbidden_in_chinese(TRANSCRIPT.rendered, TRANSCRIPT.typed)
    problems += [f"button too wide for a phone: {b}" for b in button_problems(TRANSCRIPT.rendered)]
    TRANSCRIPT.reset()
    if problems:
        pytest.fail("rendered text breaks the house style:\n" + "\n".join(sorted(set(problems))))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


_pg_migrated = False


def _reset_postgres() -> None:
    """Drop everything once per run and migrate from scratch."""
    import asyncio

    async def drop() -> None:
        engine = create_engine(PG_URL)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()

    asyncio.run(drop())
    upgrade(PG_URL)


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[str]:
    """A URL of an empty, migrated database of each backend."""
    global _pg_migrated
    if request.param == "sqlite":
        path = tmp_path / "qingfu.sqlite3"
        shutil.copy(sqlite_template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    if not _pg_migrated:
        _reset_postgres()
        _pg_migrated = True
    yield PG_URL


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    if engine.dialect.name == "postgresql":
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> SessionMaker:
    return create_sessionmaker(engine)
