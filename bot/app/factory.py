"""Application factory: the one place where the bot is assembled and handlers are registered."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, cast

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationBuilder,
    BaseUpdateProcessor,
    ContextTypes,
    Defaults,
)
from telegram.request import BaseRequest

from bot.config import Settings
from handlers.kit.budget import BudgetLimiter, windows_for
from handlers.kit.context import BotData, Ctx, QingfuApp, _session
from handlers.kit.menus import set_default_menus
from handlers.registry import register_handlers
from handlers.scheduler.tick import start_scheduler, stop_scheduler
from storage import updates
from storage.db import SessionMaker

log = logging.getLogger(__name__)


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Runs chats in parallel but each chat's updates in order, each with its own DB session.

    PTB's `concurrent_updates(True)` would drop per-chat ordering; a dialog depends on it.
    """

    def __init__(self, sessionmaker: SessionMaker, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._sessionmaker = sessionmaker
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            await self._run(coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await self._run(coroutine)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                self._locks.pop(key, None)

    async def _run(self, coroutine: Awaitable[Any]) -> None:
        async with self._sessionmaker() as session:
            token = _session.set(session)
            try:
                await coroutine
                await updates.finish(session)
            finally:
                _session.reset(token)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def concurrency(sessionmaker: SessionMaker) -> int:
    """Updates processed at once: SQLite has one writer at a time, so many concurrent write
    transactions only queue on its lock (and a long queue can outlast the busy timeout)."""
    bind = sessionmaker.kw.get("bind")
    return 4 if bind is not None and bind.dialect.name == "sqlite" else 64


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


def build_application(
    settings: Settings,
    sessionmaker: SessionMaker,
    *,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    bot_data: BotData | None = None,
    rate_limit: bool = True,
    scheduler: bool = True,
) -> QingfuApp:
    """The configured Application with every handler registered (see `handlers.registry`)."""
    data = bot_data or BotData(settings=settings, sessionmaker=sessionmaker)
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.bot_api_url)
        .base_file_url(_file_url(settings.bot_api_url))
        .context_types(ContextTypes(context=Ctx, bot_data=cast(type[BotData], lambda: data)))
        .concurrent_updates(ChatOrderedProcessor(sessionmaker, concurrency(sessionmaker)))
        .defaults(Defaults(parse_mode=None, block=True))
        .post_init(_post_init)
        .post_stop(_post_stop if scheduler else _drain_edits)
    )
    if rate_limit:
        # One budget for every send (replies first), shared through Redis with REDIS_URL.
        bot_id = settings.bot_token.get_secret_value().partition(":")[0]
        limiter = BudgetLimiter(windows_for(settings.redis_url, bot_id), max_retries=5)
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    if request is not None:
        builder = builder.request(request)
    if updates_request is not None:
        builder = builder.get_updates_request(updates_request)
    app: QingfuApp = builder.build()  # type: ignore[assignment]
    register_handlers(app)
    if scheduler:
        # The scheduler tick (off in handler tests, which drive `handlers.jobs.tick` directly).
        start_scheduler(app)
    return app


def _file_url(api_url: str) -> str:
    """Telegram's file URL mirrors the API URL: `.../bot` -> `.../file/bot`."""
    head, sep, tail = api_url.rstrip("/").rpartition("/")
    return f"{head}{sep}file/{tail}" if sep else api_url


async def _drain_edits(app: QingfuApp) -> None:
    """Edits still waiting for the budget go out before the bot stops."""
    await app.bot_data.edits.drain()


async def _post_stop(app: QingfuApp) -> None:
    await stop_scheduler(app)
    await _drain_edits(app)


async def _post_init(app: QingfuApp) -> None:
    app.bot_data.bot_username = app.bot.username
    try:
        await set_default_menus(app.bot)
    except TelegramError as error:  # the menus are a convenience: never block start-up
        log.warning("could not set the default command menus: %s", error)
    log.info("bot @%s ready", app.bot.username)
