"""Large results from a server-side cursor, a batch per round trip."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

STREAM_ROWS = 2000
"""Rows fetched per round trip when streaming."""


async def batches(session: AsyncSession, query: Any) -> AsyncIterator[Sequence[Any]]:
    """The rows of `query` from a server-side cursor, in lists of up to `STREAM_ROWS`: one
    await per batch rather than per row (a row-by-row async iteration costs more than the
    database's own work)."""
    result = await session.stream(query.execution_options(yield_per=STREAM_ROWS))
    async for rows in result.partitions():
        yield rows


T = TypeVar("T")


async def flatten(batches: AsyncIterator[Sequence[T]]) -> AsyncIterator[T]:
    """Row by row from one of the `*_batches` streams."""
    async for batch in batches:
        for row in batch:
            yield row
