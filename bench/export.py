"""Benchmark: /export of a whole district over its term against a bare SELECT of the same rows.

    .venv/bin/python -m bench.export --small                       # SQLite, 50 schools, quick
    .venv/bin/python -m bench.export --db postgresql+asyncpg://postgres@127.0.0.1/qingfu_bench
    .venv/bin/python -m bench.export --db ... --days 90             # a term of school days

The synthetic district comes from `bench.daily_check` (default 5,000 schools x 30 classes =
150,000 classes, 8 children per class, `--days` school days with 4 pieces each, 75% of
children reporting each evening). The database is DROPPED and rebuilt first unless
`--no-build`: give it a database of its own.

Timed: `handlers.reports.export.write_export` (the four tables streamed from server-side
cursors into an XLSX workbook and a zip of CSVs, spooled to temporary files) against a bare
streamed SELECT of the rows the export reads (pieces, class-evening loads, reports,
complaints, no joins, no formatting, fetched in batches), and against the export's own four
statements fetched and dropped ("queries only": the joins and the class-evening aggregate,
nothing written). Peak Python memory is measured with tracemalloc (a
separate run, as tracing slows both down), and the ratios are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bench.daily_check import MONDAY, prepare_district
from bot.domain.periods import Scope
from handlers.reports.export import write_export
from storage.analytics import complaints, exports, loads
from storage.db import create_engine, create_sessionmaker
from storage.models import Assignment, AssignmentLoad, Complaint, DailyReport

NOW = datetime(2027, 1, 30, 8, 0, tzinfo=UTC)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--small", action="store_true", help="50 schools instead of 5,000")
    parser.add_argument("--schools", type=int)
    parser.add_argument("--classes-per-school", type=int, default=30)
    parser.add_argument("--children-per-class", type=int, default=8)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--pieces-per-day", type=int, default=4)
    parser.add_argument("--no-build", action="store_true", help="reuse the data already there")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    return parser.parse_args()


def bare_queries(start: date, end: date) -> list[Any]:
    """Plain rows (Core, no ORM objects) of the four tables the export reads."""
    return [
        select(*Assignment.__table__.c).where(Assignment.evening.between(start, end)),
        select(*AssignmentLoad.__table__.c).where(AssignmentLoad.day.between(start, end)),
        select(*DailyReport.__table__.c).where(DailyReport.day.between(start, end)),
        select(*Complaint.__table__.c),
    ]


async def run_bare(url: str, start: date, end: date) -> int:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = 0
            for query in bare_queries(start, end):
                result = await session.stream(query.execution_options(yield_per=2000))
                async for batch in result.partitions():
                    rows += len(batch)
            return rows
    finally:
        await engine.dispose()


async def run_queries(url: str, start: date, end: date) -> int:
    """The export's own four statements (joins, class-evening aggregate), fetched in batches
    and dropped: what the export costs before anything is written."""
    engine = create_engine(url)
    scope = Scope.of_district(1)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = 0
            for batches in (
                exports.pieces_batches(session, scope, start, end),
                loads.evenings_batches(session, scope, start, end),
                exports.reports_batches(session, scope, start, end),
                complaints.complaints_batches(session, scope, start, end),
            ):
                async for batch in batches:
                    rows += len(batch)
            return rows
    finally:
        await engine.dispose()


async def run_export(url: str, start: date, end: date) -> tuple[int, int, int]:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            export = await write_export(session, Scope.of_district(1), start, end, NOW)
            export.xlsx.seek(0, 2)
            export.archive.seek(0, 2)
            sizes = export.xlsx.tell(), export.archive.tell()
            export.xlsx.close()
            export.archive.close()
            return export.counts.total, sizes[0], sizes[1]
    finally:
        await engine.dispose()


async def timed(run: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = await run()
    return time.perf_counter() - t0, result


async def peak(run: Callable[[], Awaitable[Any]]) -> int:
    tracemalloc.start()
    try:
        await run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def main() -> None:
    args = parse_args()
    url = await prepare_district(args)
    start, end = MONDAY, MONDAY + timedelta(days=args.days + 2)
    await run_bare(url, start, end)  # warm the caches; both are then measured warm
    bare_s, bare_rows = await timed(lambda: run_bare(url, start, end))
    queries_s, query_rows = await timed(lambda: run_queries(url, start, end))
    export_s, (export_rows, xlsx_bytes, zip_bytes) = await timed(
        lambda: run_export(url, start, end)
    )
    print(f"bare SELECT: {bare_rows:,} rows in {bare_s:.2f} s ({bare_rows / bare_s:,.0f} rows/s)")
    print(
        f"export's queries only: {query_rows:,} rows in {queries_s:.2f} s "
        f"({query_rows / queries_s:,.0f} rows/s)"
    )
    print(
        f"export: {export_rows:,} rows in {export_s:.2f} s ({export_rows / export_s:,.0f} rows/s, "
        f"XLSX {xlsx_bytes / 1e6:.1f} MB, CSV zip {zip_bytes / 1e6:.1f} MB)"
    )
    print(f"time ratio (export / bare): {export_s / bare_s:.2f}")
    print(f"time ratio (export / its queries): {export_s / queries_s:.2f}")
    if not args.no_memory:
        bare_peak = await peak(lambda: run_bare(url, start, end))
        queries_peak = await peak(lambda: run_queries(url, start, end))
        export_peak = await peak(lambda: run_export(url, start, end))
        print(
            f"peak Python memory: bare {bare_peak / 1e6:.1f} MB, queries "
            f"{queries_peak / 1e6:.1f} MB, export {export_peak / 1e6:.1f} MB"
        )
        print(f"memory ratio (export / bare): {export_peak / bare_peak:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
