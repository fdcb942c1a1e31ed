"""Dialect helpers shared by the storage modules: the dialect's `insert` (for
`ON CONFLICT`, on SQLite and PostgreSQL alike) and statement-sized chunks of a list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

CHUNK = 500
"""Rows per multi-row statement (keeps bound parameters well under both backends' limits)."""


def dialect_insert(session: AsyncSession) -> Any:
    """The dialect's `insert` (with `on_conflict_*`): sqlite or postgresql."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"unsupported database {name!r}")


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
