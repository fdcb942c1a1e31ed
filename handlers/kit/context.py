"""The typed context every handler receives: one database session per update."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession  # handlers type with it
from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.config import Settings
from handlers.kit.edits import Edits
from storage.db import SessionMaker

_session: ContextVar[AsyncSession | None] = ContextVar("qingfu_session", default=None)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class BotData:
    """Long-lived things shared by handlers and jobs (set up once in the app factory)."""

    settings: Settings
    sessionmaker: SessionMaker
    clock: Callable[[], datetime] = field(default=_utcnow)
    bot_username: str = ""
    edits: Edits = field(default_factory=Edits)
    """Edits of pressed buttons' messages, sent in the background (`handlers.kit.edits`)."""


class Ctx(CallbackContext[ExtBot[None], dict[object, object], dict[object, object], BotData]):
    """CallbackContext with the update's session and the shared BotData."""

    @property
    def session(self) -> AsyncSession:
        """The session opened for this update by the update processor (jobs open their own)."""
        session = _session.get()
        if session is None:
            raise RuntimeError("no database session outside of update processing")
        return session

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    def now(self) -> datetime:
        return self.bot_data.clock()


QingfuApp = Application[
    ExtBot[None], Ctx, dict[object, object], dict[object, object], BotData, JobQueue[Ctx]
]
