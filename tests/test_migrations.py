"""The migrations produce exactly the models' schema, on every backend."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import Base


async def test_migrations_match_models(engine: AsyncEngine) -> None:
    def diff(sync_conn: Any) -> list[Any]:
        context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []


async def test_every_model_table_exists(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert set(Base.metadata.tables) <= names
    assert "alembic_version" in names


def test_0011_cleans_markup_out_of_school_names(tmp_path: Any) -> None:
    """A school named with literal '<b>' tags before names were cleaned keeps them no more."""
    import sqlite3

    from storage.db import upgrade

    path = tmp_path / "old.db"
    upgrade(f"sqlite+aiosqlite:///{path}", "0010")
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO districts (id, name, created_at) VALUES (1, '<i>海淀</i>区', 0)")
        db.execute(
            "INSERT INTO schools (id, district_id, name, timezone, policy_preset, "
            "cap_primary_low, cap_primary, cap_junior, over_cap_mode, school_days, cutoff_time, "
            "notice_time, evening_time, check_time, weekly_report_weekday, weekly_report_time, "
            "complaint_deadline_days, complaint_daily_cap, daily_all_clear, created_at, "
            "updated_at) VALUES (1, 1, '<b>No. 1</b> &amp; Primary', 'UTC', 'cn', 0, 60, 90, "
            "'warn', '12345', '18:00', '18:00', '20:30', '21:30', 1, '08:00', 3, 5, 0, 0, 0)"
        )
    upgrade(f"sqlite+aiosqlite:///{path}")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT name FROM schools").fetchall() == [("No. 1 & Primary",)]
        assert db.execute("SELECT name FROM districts").fetchall() == [("海淀区",)]
