"""A user's one open dialog (name, step, draft, token), read under a per-user lock.

Each step locks its dialog's row before it loads the state (`SELECT ... FOR UPDATE` on
PostgreSQL) and holds the lock until it commits, so two processes never work on one dialog at
once: the second waits and then reads what the first stored. SQLite has a single writer and no
row locks; there the `version` column, checked by the mapper on every UPDATE and DELETE of a
loaded dialog, makes a stale writer fail (`StaleDataError`) instead of overwriting.

A dialog expires `ttl` after its last step (`updated_at`, written with the caller's clock).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from storage.models import Dialog
from storage.sql import dialect_insert


async def lock_dialog(session: AsyncSession, user_id: int) -> Dialog | None:
    """The user's dialog, its row locked until the transaction ends, loaded fresh from the
    database (not from the session's identity map, which may hold an older state)."""
    return await session.scalar(
        select(Dialog)
        .where(Dialog.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


StaleDialog = StaleDataError
"""Raised by a step's commit when another process changed or closed its dialog since it was
read (the version check; only where there are no row locks, i.e. SQLite)."""


def expired(dialog: Dialog, now: datetime, ttl: timedelta) -> bool:
    return now - dialog.updated_at > ttl


def touch(dialog: Dialog, now: datetime) -> None:
    """A step reached the dialog: its lifetime starts again. Written with the step's first
    flush even when nothing else changes, so every step that commits checks the version."""
    dialog.updated_at = now
    flag_modified(dialog, "updated_at")


async def start_dialog(
    session: AsyncSession,
    user_id: int,
    name: str,
    step: str,
    data: dict[str, Any] | None = None,
    *,
    now: datetime,
) -> Dialog:
    """Open a dialog, replacing any other; its fresh token makes older buttons stale.

    An upsert: two processes starting a dialog for one user at once queue on the row (the
    second replaces the first) instead of one failing on the primary key."""
    insert = dialect_insert(session)
    stmt = insert(Dialog).values(
        user_id=user_id,
        name=name,
        step=step,
        data=data or {},
        token=secrets.token_hex(4),
        updated_at=now,
        version=1,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[Dialog.user_id],
        set_={
            "name": stmt.excluded.name,
            "step": stmt.excluded.step,
            "data": stmt.excluded.data,
            "token": stmt.excluded.token,
            "updated_at": stmt.excluded.updated_at,
            "version": Dialog.version + 1,
        },
    )
    # The row as written, in one statement (the upsert holds its lock until the commit).
    dialog = await session.scalar(
        stmt.returning(Dialog), execution_options={"populate_existing": True}
    )
    assert dialog is not None
    return dialog


def update_dialog(dialog: Dialog, step: str | None = None, **changes: Any) -> None:
    """Move a dialog to `step` and merge `changes` into its draft (a new dict, so it saves)."""
    if step is not None:
        dialog.step = step
    if changes:
        dialog.data = {**dialog.data, **changes}


async def end_dialog(session: AsyncSession, user_id: int) -> bool:
    """Close the user's dialog, if any; True if there was one."""
    result = await session.execute(delete(Dialog).where(Dialog.user_id == user_id))
    return bool(getattr(result, "rowcount", 0))
