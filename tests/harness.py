"""Handler-test harness: the real Application on an offline bot, fed real Update objects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.app.factory import build_application
from bot.config import Settings
from handlers.kit.context import BotData, Ctx, QingfuApp
from storage.db import SessionMaker
from tests.fakebot import FakeBotAPI, FakeRequest, FakeUser, SentMessage

OWNER_ID = 1000


@dataclass
class Clock:
    """A settable clock injected into the bot (UTC)."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 19, 8, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


class Harness:
    """Drives the bot: users send and tap, `deliver` runs the pending updates through it."""

    def __init__(self, app: QingfuApp, api: FakeBotAPI, sessionmaker: SessionMaker, clock: Clock):
        self.app = app
        self.api = api
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.errors: list[BaseException] = []

    def user(self, user_id: int, first_name: str = "Test", **kwargs: Any) -> FakeUser:
        kwargs.setdefault("language_code", "en")
        return self.api.user(user_id, first_name, **kwargs)

    async def deliver(self) -> int:
        """Process every pending update the way polling would (update processor included)."""
        count = 0
        while payloads := self.api.take_updates():
            for payload in payloads:
                update = Update.de_json(payload, self.app.bot)
                await self.app.update_processor.process_update(
                    update, self.app.process_update(update)
                )
                count += 1
            await self.app.bot_data.edits.drain()  # the buttons' edits, sent in the background
        return count

    async def send(
        self, user: FakeUser, text: str, reply_to: SentMessage | None = None
    ) -> SentMessage:
        """The user sends text (maybe as a reply to `reply_to`); returns the newest bot message
        in their chat afterwards."""
        user.send(text, reply_to)
        await self.deliver()
        assert user.messages, f"the bot never wrote to {user!r}"
        return user.messages[-1]

    async def tap(self, user: FakeUser, label: str | None = None, **kwargs: Any) -> SentMessage:
        user.tap(label, **kwargs)
        await self.deliver()
        return user.messages[-1]

    async def replay(self, payload: dict[str, Any]) -> None:
        """Deliver an update again (Telegram's at-least-once delivery after a crash)."""
        update = Update.de_json(payload, self.app.bot)
        await self.app.update_processor.process_update(update, self.app.process_update(update))

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessionmaker() as session:
            yield session


def test_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": SecretStr("123456:TEST-TOKEN"),
        "bot_owners": frozenset({OWNER_ID}),
        "database_url": "sqlite+aiosqlite:///unused.sqlite3",
    }
    values.update(overrides)
    return Settings.model_construct(**values)


@asynccontextmanager
async def running_bot(sessionmaker: SessionMaker, **settings: Any) -> AsyncIterator[Harness]:
    api = FakeBotAPI()
    clock = Clock()
    config = test_settings(**settings)
    data = BotData(settings=config, sessionmaker=sessionmaker, clock=clock)
    app = build_application(
        config,
        sessionmaker,
        request=FakeRequest(api),
        updates_request=FakeRequest(api),
        bot_data=data,
        scheduler=False,
    )
    harness = Harness(app, api, sessionmaker, clock)

    async def collect(update: object, context: Ctx) -> None:
        if context.error is not None:
            harness.errors.append(context.error)

    app.add_error_handler(collect)
    async with app:
        data.bot_username = app.bot.username
        yield harness
