"""Benchmark: the daily check over a synthetic district against a bare SQL aggregate.

    .venv/bin/python -m bench.daily_check --small                       # SQLite, quick
    .venv/bin/python -m bench.daily_check --db postgresql+asyncpg://postgres@127.0.0.1/qingfu_bench
    .venv/bin/python -m bench.daily_check --db sqlite+aiosqlite:///bench/district.sqlite3

Default size: 5,000 schools x 30 classes (150,000 classes), 8 children per class, 5 school days
with 4 pieces each (3 million homework pieces) and 75% of children reporting each evening
(4.5 million reports). The district is generated set-based (`INSERT ... SELECT` over a number
series), so building takes minutes. The database is DROPPED and re-migrated first: give it a
database of its own.

The check (`storage.checks.daily_check`: estimate, cap, reports, median from 3 reports,
over-cap and unfinished counts for every class of every school, one statement, with JIT off
and its own `work_mem` on PostgreSQL) is timed against its honest floor: one bare statement,
written by hand, computing the same figures (`bench/check_floor.py`), under the same settings;
the two are compared row by row (exit 1 on any difference) and the ratio is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from typing import cast as typed

from sqlalchemy import (
    Date,
    Integer,
    String,
    Table,
    case,
    cast,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from bench.check_floor import differences, floor_rows
from storage.checks import check_settings, daily_check
from storage.db import create_engine, create_sessionmaker, upgrade
from storage.models import (
    Assignment,
    AssignmentLoad,
    Base,
    Child,
    DailyReport,
    District,
    School,
    SchoolClass,
    Subject,
    User,
)

MONDAY = date(2026, 11, 16)
NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
SUBJECTS = 5
TEACHER_BASE = 1_000_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--small", action="store_true", help="50 schools instead of 5,000")
    parser.add_argument("--schools", type=int)
    parser.add_argument("--classes-per-school", type=int, default=30)
    parser.add_argument("--children-per-class", type=int, default=8)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--pieces-per-day", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each query")
    parser.add_argument("--no-build", action="store_true", help="reuse the data already there")
    return parser.parse_args()


# ---------------------------------------------------------------- building


def table_of(model: type[Base]) -> Table:
    return typed(Table, model.__table__)


def series(dialect: str, count: int) -> Any:
    """A FROM clause with one integer column `n` = 1..count."""
    if dialect == "postgresql":
        return func.generate_series(1, count).table_valued("n").render_derived(name="g")
    seq = select(literal(1, Integer).label("n")).cte("seq", recursive=True)
    return seq.union_all(select(seq.c.n + 1).where(seq.c.n < count))


def idiv(a: Any, b: int) -> Any:
    """Integer division as an integer on both backends (PostgreSQL's `//` gives a float)."""
    return cast(a // b, Integer)


def add_days(dialect: str, base: date, days: Any) -> Any:
    if dialect == "postgresql":
        return cast(literal(base, Date) + days, Date)
    return func.date(base.isoformat(), "+" + cast(days, String) + " days")


def defaults(table: Table, given: dict[str, Any]) -> dict[str, Any]:
    """Values for the columns not given: each column's Python default, as a literal."""
    values = dict(given)
    for column in table.columns:
        if column.name in values or (column.primary_key and column.name == "id"):
            continue
        default = column.default
        if default is None:
            values[column.name] = literal(None, column.type)
            continue
        arg = getattr(default, "arg", None)
        if callable(arg):
            arg = NOW if column.name.endswith("_at") else arg(None)
        values[column.name] = literal(arg, column.type)
    return values


async def fill(
    conn: AsyncConnection, table: Table, count: int, row: Callable[[Any], dict[str, Any]]
) -> None:
    """INSERT INTO table SELECT ... FROM a series of `count` numbers."""
    dialect = conn.dialect.name
    src = series(dialect, count)
    values = defaults(table, row(src.c.n))
    names = list(values)
    stmt = insert(table).from_select(names, select(*(values[n] for n in names)).select_from(src))
    await conn.execute(stmt)


async def build(url: str, args: argparse.Namespace) -> dict[str, int]:
    s, c, k = args.schools, args.classes_per_school, args.children_per_class
    d, p = args.days, args.pieces_per_day
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await engine.dispose()
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    dialect = engine.dialect.name
    timings: dict[str, float] = {}
    async with engine.begin() as conn:
        if dialect == "sqlite":
            await conn.execute(text("PRAGMA foreign_keys=OFF"))
        started = time.perf_counter()

        async def step(name: str, table: Table, count: int, row: Callable[[Any], Any]) -> None:
            t0 = time.perf_counter()
            await fill(conn, table, count, row)
            timings[name] = time.perf_counter() - t0
            print(f"  {name:<9} {count:>12,} rows  {timings[name]:7.1f} s", flush=True)

        t = table_of
        await step("districts", t(District), 1, lambda n: {"id": n, "name": literal("D")})
        await step(
            "schools",
            t(School),
            s,
            lambda n: {
                "id": n,
                "district_id": literal(1),
                "name": literal("school ") + cast(n, String),
                "timezone": literal("Asia/Shanghai"),
            },
        )
        await step(
            "classes",
            t(SchoolClass),
            s * c,
            lambda n: {
                "id": n,
                "school_id": idiv(n - 1, c) + 1,
                "grade": 3 + ((n - 1) % c) % 7,
                "name": literal("c") + cast(n, String),
            },
        )
        await step(
            "subjects",
            t(Subject),
            s * SUBJECTS,
            lambda n: {
                "id": n,
                "school_id": idiv(n - 1, SUBJECTS) + 1,
                "name": literal("s") + cast(n, String),
                "position": (n - 1) % SUBJECTS,
            },
        )
        await step(
            "teachers",
            t(User),
            s * SUBJECTS,
            lambda n: {"id": n + TEACHER_BASE, "first_name": literal("T"), "reachable": True},
        )
        per_class = d * p

        def piece(n: Any) -> dict[str, Any]:
            klass = idiv(n - 1, per_class) + 1
            r = (n - 1) % per_class
            school = idiv(klass - 1, c) + 1
            j = r % p
            subject = (school - 1) * SUBJECTS + j % SUBJECTS + 1
            return {
                "id": n,
                "class_id": klass,
                "subject_id": subject,
                "teacher_id": subject + TEACHER_BASE,
                "text": literal("hw"),
                "kind": case((j == 3, "reading"), else_="written"),
                "minutes": 10 + (n * 7) % 21,
                "evening": add_days(dialect, MONDAY, idiv(r, p)),
                "status": case((n % 20 == 0, "cancelled"), else_="posted"),
            }

        # `//` is integer division on both backends (SQLAlchemy's `/` would cast to numeric).
        await step("pieces", t(Assignment), s * c * per_class, piece)
        t0 = time.perf_counter()
        a = table_of(Assignment)
        await conn.execute(
            insert(table_of(AssignmentLoad)).from_select(
                ["assignment_id", "day", "class_id", "minutes"],
                select(a.c.id, a.c.evening, a.c.class_id, a.c.minutes),
            )
        )
        print(f"  {'loads':<9} {s * c * per_class:>12,} rows  {time.perf_counter() - t0:7.1f} s")
        await step(
            "children",
            t(Child),
            s * c * k,
            lambda n: {"id": n, "class_id": idiv(n - 1, k) + 1, "name": literal("k")},
        )
        # Reports: child x day where (child*7 + day*13) % 4 != 0 (75%); 1 in 23 unfinished.
        kids = table_of(Child)
        days = series(dialect, d)
        dn = days.c.n
        unfinished = (kids.c.id + dn) % 23 == 0
        values = defaults(
            table_of(DailyReport),
            {
                "child_id": kids.c.id,
                "day": add_days(dialect, MONDAY, dn - 1),
                "minutes": case((unfinished, None), else_=20 + (kids.c.id * 31 + dn * 17) % 90),
                "outcome": case((unfinished, "unfinished"), else_="done"),
                "reporter_id": literal(None, Integer),
            },
        )
        values.pop("id", None)
        names = list(values)
        t0 = time.perf_counter()
        await conn.execute(
            insert(table_of(DailyReport)).from_select(
                names,
                select(*(values[n] for n in names))
                .select_from(kids.join(days, literal(True)))
                .where((kids.c.id * 7 + dn * 13) % 4 != 0),
            )
        )
        print(f"  {'reports':<9} {'':>12}       {time.perf_counter() - t0:7.1f} s")
        print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
    async with engine.connect() as conn:
        if dialect == "postgresql":
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))
        else:
            await conn.execute(text("ANALYZE"))
            await conn.commit()
    counts = {}
    async with engine.connect() as conn:
        for name, table in (
            ("schools", School),
            ("classes", SchoolClass),
            ("pieces", Assignment),
            ("reports", DailyReport),
        ):
            counts[name] = int(
                (await conn.execute(select(func.count()).select_from(table))).scalar_one()
            )
    await engine.dispose()
    return counts


# ---------------------------------------------------------------- timing


async def timed(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = await run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


async def measure(url: str, repeat: int) -> None:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    day = date.fromordinal(MONDAY.toordinal() + 2)
    async with sessionmaker() as session:
        school_ids = list(await session.scalars(select(School.id).order_by(School.id)))
        targets = [(sid, day) for sid in school_ids]

        async def check() -> Any:
            return await daily_check(session, targets)

        async def bare() -> Any:
            await check_settings(session)  # the same settings as the check's
            return await floor_rows(session, day)

        await check()  # warm the caches (both are then measured warm)
        await bare()
        check_s, checks = await timed(repeat, check)
        bare_s, rows = await timed(repeat, bare)
    await engine.dispose()
    over = sum(1 for c in checks if c.is_over)
    with_median = sum(1 for c in checks if c.median is not None)
    print(
        f"daily check: {len(checks):,} classes ({over:,} over the limit, {with_median:,} with a "
        f"median) in {check_s:.3f} s"
    )
    print(
        f"bare statement (same figures, bench/check_floor.py): {len(rows):,} rows in {bare_s:.3f} s"
    )
    wrong = differences(checks, rows)
    print(f"row by row: {'the same figures' if not wrong else f'{len(wrong)} differences'}")
    for line in wrong[:10]:
        print("  " + line)
    print(f"ratio (check / bare): {check_s / bare_s:.2f}")
    if wrong:
        raise SystemExit(1)


async def prepare_district(args: argparse.Namespace) -> str:
    """The benchmark district's database URL, built unless `--no-build` (shared by benches)."""
    if args.schools is None:
        args.schools = 50 if args.small else 5000
    url = args.db
    if url is None:
        folder = Path(tempfile.mkdtemp(prefix="qingfu-bench-"))
        url = f"sqlite+aiosqlite:///{folder / 'district.sqlite3'}"
    print(f"database: {url.split('@')[-1]}")
    if not args.no_build:
        print(
            f"building {args.schools:,} schools x {args.classes_per_school} classes, "
            f"{args.children_per_class} children per class, {args.days} days x "
            f"{args.pieces_per_day} pieces",
            flush=True,
        )
        counts = await build(url, args)
        print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()), flush=True)
    return url


async def main() -> None:
    args = parse_args()
    url = await prepare_district(args)
    await measure(url, args.repeat)


if __name__ == "__main__":
    asyncio.run(main())
