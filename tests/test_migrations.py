"""The migrations produce exactly the models' schema, on every backend."""

from __future__ import annotations

import asyncio
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


async def test_0011_moves_only_the_old_conflicting_notice_default(
    database_url: str, engine: AsyncEngine
) -> None:
    """Schools that still hold notice 17:30 with cut-off 18:00 (the old defaults, which break
    cut-off <= notice) get notice 18:00; a school that chose its own times keeps them."""
    from datetime import time

    from alembic import command
    from sqlalchemy import text

    from storage.db import alembic_config, upgrade_async

    await asyncio.to_thread(command.downgrade, alembic_config(database_url), "0010")
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO districts (id, name, created_at, cap_primary, "
                    "cap_junior, min_over_cap_mode) VALUES (1, 'D', "
                    "CURRENT_TIMESTAMP, 60, 90, 'warn')"
                )
            )
            for school_id, cutoff, notice in (
                (1, "18:00", "17:30"),
                (2, "17:00", "17:30"),
                (3, "18:00", "16:00"),
            ):
                await conn.execute(
                    text(
                        "INSERT INTO schools (id, district_id, name, timezone, policy_preset, "
                        "cap_primary_low, cap_primary, cap_junior, over_cap_mode, school_days, "
                        "cutoff_time, notice_time, evening_time, check_time, "
                        "weekly_report_weekday, weekly_report_time, complaint_deadline_days, "
                        "complaint_daily_cap, daily_all_clear, created_at, updated_at) VALUES "
                        "(:id, 1, 'S', 'Asia/Shanghai', 'cn', 0, 60, 90, 'warn', '12345', "
                        ":cutoff, :notice, :evening, :check, 1, :weekly, 3, 5, false, "
                        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ).bindparams(
                        id=school_id, cutoff=time.fromisoformat(cutoff),
                        notice=time.fromisoformat(notice), evening=time(20, 30),
                        check=time(21, 30), weekly=time(8, 0),
                    )
                )  # fmt: skip
    finally:
        await upgrade_async(database_url)
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT id, notice_time FROM schools ORDER BY id"))).all()
    notices = [(i, n if isinstance(n, time) else time.fromisoformat(str(n))) for i, n in rows]
    assert notices == [(1, time(18, 0)), (2, time(17, 30)), (3, time(16, 0))]


def test_0015_cleans_markup_out_of_school_names(tmp_path: Any) -> None:
    """A school named with literal '<b>' tags before names were cleaned keeps them no more."""
    import sqlite3

    from storage.db import upgrade

    path = tmp_path / "old.db"
    upgrade(f"sqlite+aiosqlite:///{path}", "0014")
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
