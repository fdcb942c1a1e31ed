"""Telegram delivers updates at least once: the ids of updates whose effects were committed.

The marker is added to the update's first commit of the outer transaction (never a savepoint's
release: SQLAlchemy fires `before_commit` for those too), so it commits with the effects or not
at all; a second process committing the same update fails on the primary key, and its work is
rolled back. An update that committed nothing (a read-only answer) is marked when it ends.
"""

from __future__ import annotations

from sqlalchemy import event, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.models import ProcessedUpdate, User

PENDING = "update_id"
"""Session info key: the update whose marker the next outer commit writes."""


@event.listens_for(Session, "before_commit")
def _mark_update_processed(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint's release, not the update's commit
        return
    update_id = session.info.pop(PENDING, None)
    if update_id is not None:
        session.add(ProcessedUpdate(update_id=update_id))


async def was_processed(session: AsyncSession, update_id: int) -> bool:
    found = await session.scalar(
        select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update_id)
    )
    return found is not None


async def user_unless_processed(
    session: AsyncSession, update_id: int, user_id: int
) -> tuple[bool, User | None]:
    """(whether the update was processed already, the stored user or None), in one statement
    when the user is known: the duplicate check rides on the user row the gate reads anyway.
    An unknown user needs the check of its own (a user who deleted their data may have one)."""
    seen = exists().where(ProcessedUpdate.update_id == update_id)
    row = (
        await session.execute(select(User, seen.label("seen")).where(User.id == user_id))
    ).first()
    if row is None:
        return await was_processed(session, update_id), None
    return bool(row[1]), row[0]


async def committed_elsewhere(session: AsyncSession, update_id: int) -> bool:
    """True when another session (another process) committed this update while this one
    has not yet: a redelivery handled twice at once."""
    return session.info.get(PENDING) == update_id and await was_processed(session, update_id)


def mark_on_commit(session: AsyncSession, update_id: int) -> None:
    """The next outer commit of `session` records `update_id` as processed."""
    session.info[PENDING] = update_id


async def finish(session: AsyncSession) -> None:
    """The update ended: if nothing committed its marker (a read-only answer), commit it now,
    so a redelivery is not answered twice. Another process that got there first wins."""
    if session.info.get(PENDING) is None:
        return
    await session.rollback()  # what the handlers left uncommitted was never meant to be kept
    try:
        await session.commit()  # only the marker (the listener adds it)
    except IntegrityError:
        await session.rollback()


def is_duplicate_marker(error: BaseException | None) -> bool:
    """The error of a second commit of the same update (another process committed it)."""
    return isinstance(error, IntegrityError) and "processed_updates" in str(error)


def is_unique_violation(error: BaseException | None) -> bool:
    """Two writers raced for the same unique row (the first one won)."""
    return isinstance(error, IntegrityError)
