"""The dashboard's JSON API over HTTP (its tornado routes on an ephemeral port), on SQLite and
PostgreSQL: every endpoint x role (owner, supervisor of this and of another district, school
office of this and of another school, grade leader, teacher, parent, stranger), what each may
and may not see, and refusals of missing, forged and expired initData."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl
import pytest
import tornado.httpclient
import tornado.httpserver
import tornado.web
from sqlalchemy import select
from tornado.testing import bind_unused_port

from bot.domain.webapp_auth import build_init_data
from handlers.dashboard.web import HEADER, routes
from handlers.kit.context import BotData
from storage.db import SessionMaker
from storage.models import Child, DailyReport, Subject
from tests import dashboard_world as dw
from tests.harness import test_settings as make_settings

TOKEN = "123456:TEST-TOKEN"
NOW = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)  # Thu 19 Nov 2026, 20:00 in Shanghai
DAY = NOW.date()
WEEK = {"start": "2026-11-16", "end": "2026-11-19"}


EVERYONE = (
    dw.OWNER,
    dw.SUPERVISOR,
    dw.OTHER_SUPERVISOR,
    dw.ADMIN,
    dw.OTHER_ADMIN,
    dw.GRADE_LEADER,
    dw.TEACHER,
    dw.PARENT,
    dw.STRANGER,
    dw.HANDLER,
)


def init_data(user_id: int, *, at: datetime = NOW, token: str = TOKEN) -> str:
    user = json.dumps({"id": user_id, "first_name": "T", "language_code": "en"})
    return build_init_data({"auth_date": str(int(at.timestamp())), "user": user}, token)


class Client:
    def __init__(self, base: str, w: dw.DashWorld) -> None:
        self.base, self.w = base, w
        # One of its own, closed with the test (not the loop's shared instance).
        self.http = tornado.httpclient.AsyncHTTPClient(force_instance=True)

    async def get(
        self, path: str, user: int | None, raw: str | None = None, **params: str
    ) -> tuple[int, dict[str, Any], tornado.httpclient.HTTPResponse]:
        headers = {}
        if raw is not None:
            headers[HEADER] = raw
        elif user is not None:
            headers[HEADER] = init_data(user)
        query = "&".join(f"{k}={v}" for k, v in params.items())
        response = await self.http.fetch(
            f"{self.base}{path}" + (f"?{query}" if query else ""),
            headers=headers,
            raise_error=False,
        )
        body = json.loads(response.body) if response.body else {}
        return response.code, body, response


@pytest.fixture
async def client(sessionmaker: SessionMaker) -> AsyncIterator[Client]:
    async with sessionmaker() as session:
        w = await dw.seed(session, DAY, NOW)
    data = BotData(settings=make_settings(dashboard_max_age=3600), sessionmaker=sessionmaker)
    data.clock = lambda: NOW
    server = tornado.httpserver.HTTPServer(tornado.web.Application(routes(data)))
    sock, port = bind_unused_port()
    server.add_sockets([sock])
    client = Client(f"http://127.0.0.1:{port}/dashboard/api", w)
    try:
        yield client
    finally:
        client.http.close()
        server.stop()
        await server.close_all_connections()


# ---------------------------------------------------------------- authentication


async def test_missing_forged_expired_and_wrong_bot_refused(client: Client) -> None:
    for raw, problem in [
        (None, "missing"),
        (init_data(dw.SUPERVISOR)[:-2] + "00", "bad_signature"),
        (init_data(dw.SUPERVISOR, token="999:other"), "bad_signature"),
        (init_data(dw.SUPERVISOR, at=NOW - timedelta(hours=1, minutes=1)), "expired"),
    ]:
        code, body, response = await client.get("/me", None, raw=raw if raw else None)
        assert (code, body) == (401, {"error": problem})
        assert response.headers["Cache-Control"] == "no-store"
    # another user's id put into a signed initData breaks the signature
    forged = init_data(dw.STRANGER).replace(
        f"%22id%22%3A+{dw.STRANGER}", f"%22id%22%3A+{dw.SUPERVISOR}"
    )
    assert (await client.get("/me", None, raw=forged))[0] == 401


async def test_no_cookie_is_set_and_answers_are_not_cached(client: Client) -> None:
    code, _body, response = await client.get("/me", dw.SUPERVISOR)
    assert code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


# ---------------------------------------------------------------- the first page


@pytest.mark.parametrize(
    ("user", "districts", "schools", "board"),
    [
        (dw.OWNER, None, None, None),
        (dw.SUPERVISOR, ["North District"], [], True),
        (dw.OTHER_SUPERVISOR, ["South District"], [], True),
        (dw.ADMIN, [], [("Alpha School", None)], True),
        (dw.OTHER_ADMIN, [], [("Beta School", None)], True),
        (dw.GRADE_LEADER, [], [("Alpha School", [3])], False),
        (dw.HANDLER, [], [], True),
        (dw.TEACHER, None, None, None),
        (dw.PARENT, None, None, None),
        (dw.STRANGER, None, None, None),
    ],
)
async def test_me(
    client: Client,
    user: int,
    districts: list[str] | None,
    schools: list[tuple[str, list[int] | None]] | None,
    board: bool | None,
) -> None:
    code, body, _r = await client.get("/me", user)
    if districts is None:
        assert (code, body) == (403, {"error": "forbidden"})
        return
    assert code == 200
    assert [d["name"] for d in body["districts"]] == districts
    assert [(s["name"], s["grades"]) for s in body["schools"]] == schools
    assert body["complaints"] is board
    assert body["strings"]["title"] == "Homework dashboard"


# ---------------------------------------------------------------- the district


DISTRICT_ALLOWED = {dw.SUPERVISOR}


@pytest.mark.parametrize(
    "user",
    EVERYONE,
)
async def test_district_by_role(client: Client, user: int) -> None:
    code, body, _r = await client.get(f"/district/{client.w.district.id}", user, **WEEK)
    if user not in DISTRICT_ALLOWED:
        assert (code, body) == (403, {"error": "forbidden"})
        return
    assert code == 200
    rows = {r["name"]: r for r in body["schools"]}
    assert set(rows) == {"Alpha School", "Beta School"}  # never the other district's
    alpha = rows["Alpha School"]
    assert alpha["class_days"] == 3 and alpha["over"] == 1
    assert alpha["within_share"] == pytest.approx(2 / 3, abs=1e-4)
    assert alpha["coverage"] == pytest.approx(1 / 3, abs=1e-4)  # only 3-1 has 3 reports
    assert alpha["unfinished_share"] == pytest.approx(1 / 6, abs=1e-4)
    assert alpha["confirmations"] == 1
    assert (alpha["complaints_filed"], alpha["complaints_open"]) == (1, 1)
    assert (alpha["complaints_late"], alpha["complaints_in_time"]) == (1, 0)
    assert alpha["limit_changes"] == 1
    beta = rows["Beta School"]
    assert (beta["class_days"], beta["over"], beta["within_share"]) == (1, 1, 0.0)
    assert beta["complaints_filed"] == 0 and beta["coverage"] == 0.0


async def test_other_district_for_its_supervisor(client: Client) -> None:
    code, body, _r = await client.get(
        f"/district/{client.w.other_district.id}", dw.OTHER_SUPERVISOR
    )
    assert code == 200
    assert [r["name"] for r in body["schools"]] == ["Gamma School"]
    assert body["schools"][0]["complaints_open"] == 1


@pytest.mark.parametrize("user", EVERYONE)
async def test_trend_by_role(client: Client, user: int) -> None:
    code, body, _r = await client.get(f"/district/{client.w.district.id}/trend", user)
    if user not in DISTRICT_ALLOWED:
        assert (code, body) == (403, {"error": "forbidden"})
        return
    assert code == 200 and body["span"] == "week"
    weeks = body["buckets"]
    assert len(weeks) == 12 and weeks[0]["start"] == "2026-08-31"
    assert weeks[-1] == {
        "start": "2026-11-16",
        "class_days": 4,  # Alpha's three and Beta's one; never the other district's
        "within_share": 0.5,
        "complaints_in_time_share": 0.0,  # Alpha's one, late
    }
    assert all(w["class_days"] == 0 and w["within_share"] is None for w in weeks[:-1])
    code, body, _r = await client.get(
        f"/district/{client.w.district.id}/trend", user, span="month", anchor="2026-11-05"
    )
    months = body["buckets"]
    assert [m["start"] for m in months] == [
        "2026-06-01",
        "2026-07-01",
        "2026-08-01",
        "2026-09-01",
        "2026-10-01",
        "2026-11-01",
    ]
    assert months[-1]["class_days"] == 4


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"start": "2026-11-19", "end": "2026-11-16"}, "range_reversed"),
        ({"start": "2026-11-16", "end": "2026-11-25"}, "range_future"),
        ({"start": "2026-08-01", "end": "2026-11-19"}, "range_too_long"),
        ({"start": "yesterday"}, "bad_date"),
    ],
)
async def test_bad_periods(client: Client, params: dict[str, str], error: str) -> None:
    code, body, _r = await client.get(f"/district/{client.w.district.id}", dw.SUPERVISOR, **params)
    assert (code, body) == (400, {"error": error})


# ---------------------------------------------------------------- the school


SCHOOL_A = {
    dw.SUPERVISOR: ["3-1", "3-2", "7-1"],
    dw.ADMIN: ["3-1", "3-2", "7-1"],
    dw.GRADE_LEADER: ["3-1", "3-2"],  # the grade they lead only
}


@pytest.mark.parametrize(
    "user",
    EVERYONE,
)
async def test_school_by_role(client: Client, user: int) -> None:
    code, body, _r = await client.get(f"/school/{client.w.a.id}", user, **WEEK)
    if user not in SCHOOL_A:
        assert (code, body) == (403, {"error": "forbidden"})
        return
    assert code == 200
    assert [k["name"] for k in body["classes"]] == SCHOOL_A[user]
    assert body["days"] == ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19"]
    by_name = {k["name"]: k for k in body["classes"]}
    cell = by_name["3-1"]["days"][DAY.isoformat()]
    assert cell == {
        "written": 80,
        "pieces": 2,
        "cap": 60,
        "median": 85,
        "n": 4,
        "few_reports": False,
        "unfinished_share": 0.25,
        "over": True,
    }
    few = by_name["3-2"]["days"][DAY.isoformat()]
    assert (few["median"], few["n"], few["unfinished_share"], few["few_reports"]) == (
        None,
        None,
        None,
        True,
    )
    assert [(s["name"], s["minutes"]) for s in by_name["3-1"]["subjects"]] == [
        ("Maths", 50),
        ("Chinese", 30),
    ]


async def test_school_of_another_district_or_unknown(client: Client) -> None:
    assert (await client.get(f"/school/{client.w.c.id}", dw.SUPERVISOR))[0] == 403
    assert (await client.get(f"/school/{client.w.c.id}", dw.OTHER_SUPERVISOR))[0] == 200
    assert (await client.get(f"/school/{client.w.b.id}", dw.OTHER_ADMIN))[0] == 200
    assert (await client.get("/school/99999", dw.SUPERVISOR))[0] == 403


# ---------------------------------------------------------------- a class-day


@pytest.mark.parametrize(
    "user",
    EVERYONE,
)
async def test_class_day_by_role(client: Client, user: int) -> None:
    path = f"/class/{client.w.classes['3-1']}/{DAY.isoformat()}"
    code, body, response = await client.get(path, user)
    if user not in SCHOOL_A:
        assert (code, body) == (403, {"error": "forbidden"})
        return
    assert code == 200
    assert body["figures"]["median"] == 85 and body["figures"]["n"] == 4
    assert [(p["subject"], p["minutes"]) for p in body["pieces"]] == [
        ("Maths", 50),
        ("Chinese", 30),
    ]
    assert body["notes"] == sorted(dw.NOTES)
    text = response.body.decode()
    for private in ("Kid", "reporter", str(dw.PARENT), "3001"):
        assert private not in text


async def test_class_day_notes_of_fewer_than_three_families_held(client: Client) -> None:
    path = f"/class/{client.w.classes['3-2']}/{DAY.isoformat()}"
    code, body, response = await client.get(path, dw.ADMIN)
    assert code == 200
    assert body["notes"] == []
    assert body["figures"]["n"] is None and body["figures"]["median"] is None
    assert "lonely" not in response.body.decode()


async def test_class_day_outside_the_led_grade(client: Client) -> None:
    path = f"/class/{client.w.classes['7-1']}/{DAY.isoformat()}"
    assert (await client.get(path, dw.GRADE_LEADER))[0] == 403
    assert (await client.get(path, dw.ADMIN))[0] == 200
    assert (await client.get(f"/class/99999/{DAY.isoformat()}", dw.ADMIN))[0] == 403


# ---------------------------------------------------------------- the complaints board


BOARD = {
    dw.SUPERVISOR: "a",
    dw.OTHER_SUPERVISOR: "c",
    dw.ADMIN: "a",
    dw.HANDLER: "a",
    dw.OTHER_ADMIN: "",
}


@pytest.mark.parametrize(
    "user",
    EVERYONE,
)
async def test_complaints_by_role(client: Client, user: int) -> None:
    code, body, response = await client.get("/complaints", user)
    if user not in BOARD:
        assert (code, body) == (403, {"error": "forbidden"})
        return
    assert code == 200
    expected = {"a": [client.w.complaint_a], "c": [client.w.complaint_c], "": []}[BOARD[user]]
    assert [t["code"] for t in body["tickets"]] == expected
    text = response.body.decode()
    assert str(dw.PARENT) not in text and "too long" not in text  # no complainant, no text
    if BOARD[user] == "a":
        ticket = body["tickets"][0]
        assert ticket["overdue"] is True and ticket["class"] == "3-1"
        assert [h["kind"] for h in ticket["history"]] == ["filed"]
        assert ticket["history"][0]["who"] == "Parent"


async def test_complaints_status_filter(client: Client) -> None:
    code, body, _r = await client.get("/complaints", dw.SUPERVISOR, status="closed")
    assert (code, body["tickets"]) == (200, [])
    code, body, _r = await client.get("/complaints", dw.SUPERVISOR, status="nonsense")
    assert (code, body) == (400, {"error": "bad_status"})


async def test_language_of_the_bot(client: Client, sessionmaker: SessionMaker) -> None:
    async with sessionmaker() as session:
        user = await session.get(dw.world.User, dw.SUPERVISOR)
        assert user is not None
        user.locale = "ru"
        await session.commit()
    code, body, _r = await client.get("/me", dw.SUPERVISOR)
    assert code == 200 and body["locale"] == "ru"
    code, board, _r = await client.get("/complaints", dw.SUPERVISOR)
    assert board["tickets"][0]["history"][0]["who"] == "Родитель"


async def test_school_calibration(client: Client, sessionmaker: SessionMaker) -> None:
    """3-1's Maths on five more days (30 minutes, three families reporting 45): with the seed
    day's share, parents report about 35% more than estimated over 6 days."""
    async with sessionmaker() as session:
        klass = await session.get(dw.world.SchoolClass, client.w.classes["3-1"])
        maths = await session.scalar(
            select(Subject).where(Subject.school_id == client.w.a.id, Subject.name == "Maths")
        )
        assert klass is not None and maths is not None
        kids = list(await session.scalars(select(Child).where(Child.class_id == klass.id)))
        for back in range(1, 6):
            day = DAY - timedelta(days=back)
            await dw.world.homework(session, klass, maths, dw.TEACHER, 30, day)
            for kid in kids[:3]:
                session.add(DailyReport(child_id=kid.id, day=day, minutes=45, outcome="done"))
        await session.commit()
    for user, rows in ((dw.ADMIN, 1), (dw.GRADE_LEADER, 1), (dw.SUPERVISOR, 1)):
        code, body, _r = await client.get(f"/school/{client.w.a.id}", user, **WEEK)
        assert code == 200
        assert len(body["calibration"]) == rows
        assert body["calibration"][0] == {
            "class": "3-1",
            "grade": 3,
            "subject": "Maths",
            "percent": 35,
            "evenings": 6,
            "in_line": False,
        }


# ---------------------------------------------------------------- the view as XLSX


async def post_xlsx(client: Client, user: int | None, body: object) -> Any:
    headers = {"Content-Type": "application/json"}
    if user is not None:
        headers[HEADER] = init_data(user)
    return await client.http.fetch(
        f"{client.base}/xlsx",
        method="POST",
        headers=headers,
        body=json.dumps(body),
        raise_error=False,
    )


TABLE = {
    "name": "district-1-2026-11-16-2026-11-19",
    "headers": ["学校", "班·日", "未超上限"],
    "rows": [["Alpha School", 3, 0.6667], ["Beta School", 1, None]],
}


@pytest.mark.parametrize("user", EVERYONE)
async def test_xlsx_of_the_view(client: Client, user: int) -> None:
    response = await post_xlsx(client, user, TABLE)
    if user in (dw.OWNER, dw.TEACHER, dw.PARENT, dw.STRANGER):
        assert (response.code, json.loads(response.body)) == (403, {"error": "forbidden"})
        return
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "qingfu-district-1-2026-11-16-2026-11-19.xlsx" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.body)).active
    assert sheet is not None
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["学校", "班·日", "未超上限"],
        ["Alpha School", 3, 0.6667],
        ["Beta School", 1, None],
    ]


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {**TABLE, "name": "../../etc"},
        {**TABLE, "headers": []},
        {**TABLE, "rows": [["only one cell"]]},
        {**TABLE, "rows": [["x", {"nested": 1}, 2]]},
    ],
)
async def test_xlsx_refuses_a_bad_table(client: Client, body: object) -> None:
    response = await post_xlsx(client, dw.SUPERVISOR, body)
    assert (response.code, json.loads(response.body)) == (400, {"error": "bad_table"})


async def test_xlsx_needs_init_data_and_post(client: Client) -> None:
    response = await post_xlsx(client, None, TABLE)
    assert response.code == 401
    got = await client.http.fetch(
        f"{client.base}/xlsx", headers={HEADER: init_data(dw.SUPERVISOR)}, raise_error=False
    )
    assert got.code == 405
