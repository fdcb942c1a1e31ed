"""The dashboard over HTTP: tornado routes on the webhook server (webhook mode) or on a
local server of its own (polling mode, DASHBOARD_PORT).

Every API request carries Telegram's initData in the `X-Telegram-Init-Data` header (no
cookies, so no cross-site request can borrow a session); it is validated, the user's roles are
loaded from the database, and the view answers only what they may see. Answers are never
cached (`Cache-Control: no-store`)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any

import tornado.httpserver
import tornado.web

from bot.domain.webapp_auth import validate_init_data
from bot.i18n import negotiate
from handlers.dashboard.board import complaints_view, home_view
from handlers.dashboard.common import Refused, Request, Viewer
from handlers.dashboard.district import district_view
from handlers.dashboard.school import class_day_view, school_view
from handlers.dashboard.strings import strings_for
from handlers.dashboard.trend import trend_view
from handlers.dashboard.xlsx import Workbook, workbook
from handlers.kit.context import BotData
from handlers.kit.gate import user_locale
from storage import repo
from storage.models import User

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
HEADER = "X-Telegram-Init-Data"
PREFIX = "/dashboard"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

View = Callable[..., Awaitable[dict[str, Any]]]


class ApiHandler(tornado.web.RequestHandler):
    """One JSON view behind initData authentication."""

    def initialize(self, data: BotData, view: View) -> None:
        self.data = data
        self.view = view

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def reply(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.finish(json.dumps(body, ensure_ascii=False))

    async def get(self, *args: str) -> None:
        # Path arguments: ids (digits only, by the routes' patterns) or a date.
        values = [int(a) if a.isdigit() else a for a in args]
        body = await self.answer(lambda request: self.view(request, *values))
        if body is not None:
            self.reply(HTTPStatus.OK, body)

    async def answer(self, run: Callable[[Request], Awaitable[Any]]) -> Any:
        """`run`'s result for an authenticated viewer (with the page's words when it is a
        dict), or None when a refusal was sent."""
        settings = self.data.settings
        now = self.data.clock()
        checked = validate_init_data(
            self.request.headers.get(HEADER),
            settings.bot_token.get_secret_value(),
            now,
            timedelta(seconds=settings.dashboard_max_age),
        )
        if checked.user is None:
            assert checked.problem is not None
            self.reply(HTTPStatus.UNAUTHORIZED, {"error": checked.problem.value})
            return None
        params = {k: self.get_query_argument(k) for k in self.request.query_arguments}
        refusal: Refused | None = None
        # The answer goes out once the session is closed (its connection back in the pool).
        async with self.data.sessionmaker() as session:
            stored = await session.get(User, checked.user.id)
            locale = user_locale(stored) if stored else negotiate(checked.user.language_code)
            roles = await repo.load_roles(session, checked.user.id, settings.bot_owners)
            request = Request(Viewer(checked.user.id, roles, locale), session, now, params)
            try:
                body = await run(request)
            except Refused as refused:
                refusal = refused
        if refusal is not None:
            self.reply(refusal.status, {"error": refusal.reason})
            return None
        if isinstance(body, dict):
            # The page speaks the language chosen in the bot (/language), whatever Telegram's is.
            body["locale"] = locale
            body["strings"] = strings_for(locale)
        return body


class XlsxHandler(ApiHandler):
    """POST the view's table, get it back as a workbook."""

    SUPPORTED_METHODS = ("POST",)

    async def post(self) -> None:
        try:
            posted = json.loads(self.request.body or b"null")
        except ValueError:
            posted = None

        async def build(request: Request) -> Workbook:
            return await asyncio.to_thread(workbook, request, posted)

        book = await self.answer(build)
        if book is None:
            return
        self.set_header("Content-Type", XLSX_TYPE)
        self.set_header("Content-Disposition", f'attachment; filename="{book.filename}"')
        self.finish(book.content)


class StringsHandler(tornado.web.RequestHandler):
    """The page's words in a language, before (or without) authentication: what a refused or
    expired page says. Public: no data of anyone's in it."""

    def get(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        locale = negotiate(self.get_query_argument("lang", None))
        self.finish(json.dumps({"locale": locale, "strings": strings_for(locale)}))


class PageHandler(tornado.web.StaticFileHandler):
    """The static front end; the page itself is not cached either (it is tiny)."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Content-Type-Options", "nosniff")


def routes(data: BotData) -> list[tuple[str, type[tornado.web.RequestHandler], dict[str, Any]]]:
    api = f"{PREFIX}/api"

    def view(pattern: str, fn: View) -> tuple[str, type[ApiHandler], dict[str, Any]]:
        return (f"{api}/{pattern}", ApiHandler, {"data": data, "view": fn})

    return [
        view("me", home_view),
        view(r"district/(\d+)", district_view),
        view(r"district/(\d+)/trend", trend_view),
        view(r"school/(\d+)", school_view),
        view(r"class/(\d+)/(\d{4}-\d{2}-\d{2})", class_day_view),
        view("complaints", complaints_view),
        (f"{api}/xlsx", XlsxHandler, {"data": data, "view": home_view}),
        (f"{api}/strings", StringsHandler, {}),
        (PREFIX, tornado.web.RedirectHandler, {"url": f"{PREFIX}/"}),
        (
            rf"{PREFIX}/()",
            PageHandler,
            {"path": str(STATIC), "default_filename": "index.html"},
        ),
        (rf"{PREFIX}/(.+)", PageHandler, {"path": str(STATIC)}),
    ]


def add_routes(web_app: tornado.web.Application, data: BotData) -> None:
    """The dashboard on an existing tornado application (the webhook server's)."""
    web_app.add_handlers(r".*", routes(data))


def start_server(data: BotData, listen: str, port: int) -> tornado.httpserver.HTTPServer:
    """A server of its own for polling mode, on the running event loop."""
    server = tornado.httpserver.HTTPServer(tornado.web.Application(routes(data)))
    server.listen(port, address=listen)
    log.info("dashboard served on %s:%d%s/", listen, port, PREFIX)
    return server
