"""Benchmark: the dashboard's district page for a whole district against a bare SQL aggregate.

    .venv/bin/python -m bench.dashboard --small                       # SQLite, 50 schools
    .venv/bin/python -m bench.dashboard --db postgresql+asyncpg://postgres@127.0.0.1/qingfu_bench

The district is `bench.daily_check`'s (default 5,000 schools x 30 classes = 150,000 classes,
8 children per class, 5 school days with 4 pieces each, 75% of children reporting each
evening). The database is DROPPED and rebuilt first unless `--no-build`: give it a database
of its own.

Timed, warm, median of `--repeat` runs, over the week of the data:

- **endpoint**: `GET /dashboard/api/district/1` over HTTP on the dashboard's tornado routes
  (in-process server), with a signed initData of the district's supervisor: the signature
  check, the roles from the database, the view's statements (per school and day: class-days,
  over the limit by the estimate or the parents' median, posted over the limit, reports
  coverage, unfinished; complaints; open complaints; limit changes) and the JSON.
- **view only**: the same view called directly (no HTTP, no JSON).
- **bare aggregate**: plain GROUP BYs over the same rows giving the same kind of figures per
  school: class-days and those whose written total is over a fixed cap (60/90 by grade),
  reports and unfinished ones, complaints. No median, no policy caps, no calendar.

The ratios endpoint / bare and view / bare are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import tornado.httpclient
import tornado.httpserver
import tornado.web
from pydantic import SecretStr
from sqlalchemy import case, func, select
from tornado.testing import bind_unused_port

from bench.daily_check import MONDAY, prepare_district
from bot.config import Settings
from bot.domain.roles import Role
from bot.domain.webapp_auth import build_init_data
from handlers.dashboard.common import Request, Viewer
from handlers.dashboard.district import district_view
from handlers.dashboard.web import HEADER, routes
from handlers.kit.context import BotData
from storage import repo
from storage.db import create_engine, create_sessionmaker
from storage.models import (
    Assignment,
    AssignmentLoad,
    Child,
    Complaint,
    DailyReport,
    Membership,
    SchoolClass,
    User,
)

TOKEN = "123456:BENCH-token"
SUPERVISOR = 900_000_001
DISTRICT = 1
NOW = datetime.combine(MONDAY + timedelta(days=7), datetime.min.time(), UTC)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--small", action="store_true", help="50 schools instead of 5,000")
    parser.add_argument("--schools", type=int)
    parser.add_argument("--classes-per-school", type=int, default=30)
    parser.add_argument("--children-per-class", type=int, default=8)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--pieces-per-day", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each side")
    parser.add_argument("--no-build", action="store_true", help="reuse the data already there")
    return parser.parse_args()


def bare_queries(start: Any, end: Any) -> list[Any]:
    """The same kind of per-school figures as plain GROUP BYs over the same rows."""
    al, a, k = AssignmentLoad, Assignment, SchoolClass
    per_class_day = (
        select(
            k.school_id.label("school_id"),
            k.grade.label("grade"),
            func.sum(case((a.kind == "written", al.minutes), else_=0)).label("written"),
        )
        .join(a, a.id == al.assignment_id)
        .join(k, k.id == al.class_id)
        .where(al.day.between(start, end), a.status == "posted")
        .group_by(k.school_id, k.grade, al.class_id, al.day)
        .subquery()
    )
    cap = case((per_class_day.c.grade <= 6, 60), else_=90)
    return [
        select(
            per_class_day.c.school_id,
            func.count(),
            func.sum(case((per_class_day.c.written > cap, 1), else_=0)),
        ).group_by(per_class_day.c.school_id),
        select(
            k.school_id,
            func.count(),
            func.sum(case((DailyReport.outcome == "unfinished", 1), else_=0)),
        )
        .join(Child, Child.id == DailyReport.child_id)
        .join(k, k.id == Child.class_id)
        .where(DailyReport.day.between(start, end))
        .group_by(k.school_id),
        select(Complaint.school_id, func.count()).group_by(Complaint.school_id),
    ]


async def timed(repeat: int, run: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    await run()  # warm
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = await run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


async def add_supervisor(url: str) -> None:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        if await session.get(User, SUPERVISOR) is None:
            session.add(User(id=SUPERVISOR, first_name="Inspector", language_code="zh-hans"))
            await session.flush()
            session.add(
                Membership(
                    user_id=SUPERVISOR,
                    role=Role.SUPERVISOR,
                    scope_key=f"d:{DISTRICT}",
                    district_id=DISTRICT,
                )
            )
            await session.commit()
    await engine.dispose()


async def measure(url: str, args: argparse.Namespace) -> None:
    await add_supervisor(url)
    start, end = MONDAY, MONDAY + timedelta(days=args.days - 1)
    params = {"start": start.isoformat(), "end": end.isoformat()}
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    settings = Settings.model_construct(
        bot_token=SecretStr(TOKEN), bot_owners=frozenset(), dashboard_max_age=3600
    )
    data = BotData(settings=settings, sessionmaker=sessionmaker, clock=lambda: NOW)
    server = tornado.httpserver.HTTPServer(tornado.web.Application(routes(data)))
    sock, port = bind_unused_port()
    server.add_sockets([sock])
    client = tornado.httpclient.AsyncHTTPClient(force_instance=True)
    user = json.dumps({"id": SUPERVISOR, "first_name": "Inspector"})
    signed = build_init_data({"auth_date": str(int(NOW.timestamp())), "user": user}, TOKEN)
    query = "&".join(f"{k}={v}" for k, v in params.items())

    async def endpoint() -> dict[str, Any]:
        response = await client.fetch(
            f"http://127.0.0.1:{port}/dashboard/api/district/{DISTRICT}?{query}",
            headers={HEADER: signed},
            request_timeout=600,
        )
        return dict(json.loads(response.body))

    async def view() -> dict[str, Any]:
        async with sessionmaker() as session:
            roles = await repo.load_roles(session, SUPERVISOR, frozenset())
            request = Request(Viewer(SUPERVISOR, roles, "zh_Hans"), session, NOW, params)
            return await district_view(request, DISTRICT)

    async def bare() -> int:
        rows = 0
        async with sessionmaker() as session:
            for q in bare_queries(start, end):
                rows += len((await session.execute(q)).all())
        return rows

    try:
        endpoint_s, body = await timed(args.repeat, endpoint)
        view_s, _ = await timed(args.repeat, view)
        bare_s, bare_rows = await timed(args.repeat, bare)
    finally:
        client.close()
        server.stop()
        await engine.dispose()
    report(body, endpoint_s, view_s, bare_s, bare_rows)


def report(
    body: dict[str, Any], endpoint_s: float, view_s: float, bare_s: float, rows: int
) -> None:
    schools = body["schools"]
    class_days = sum(s["class_days"] for s in schools)
    over = sum(s["over"] for s in schools)
    size = len(json.dumps(body, ensure_ascii=False).encode())
    print(
        f"endpoint: {len(schools):,} schools, {class_days:,} class-days ({over:,} over the "
        f"limit), {size / 1024:.0f} KiB of JSON in {endpoint_s:.3f} s"
    )
    print(f"view only: {view_s:.3f} s")
    print(f"bare aggregate: {rows:,} rows in {bare_s:.3f} s")
    print(f"ratio (endpoint / bare): {endpoint_s / bare_s:.2f}")
    print(f"ratio (view / bare): {view_s / bare_s:.2f}")


async def main() -> None:
    args = parse_args()
    url = await prepare_district(args)
    await measure(url, args)


if __name__ == "__main__":
    asyncio.run(main())
