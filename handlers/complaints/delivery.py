"""Sending to a user who did not write: a complaint's card, a relayed text, its photos."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot
from telegram.error import BadRequest, Forbidden

from handlers.kit.replies import Keyboard, keyboard, pack_lines
from storage import repo
from storage.models import User

log = logging.getLogger(__name__)


async def deliver_to(
    bot: Bot, session: AsyncSession, user: User, text: str, rows: Keyboard | None = None
) -> bool:
    """Message a user (no forwarding: the bot always sends its own message); False when they
    cannot be reached (then marked unreachable)."""
    if not user.reachable:
        return False
    chunks = pack_lines(text.split("\n"))  # a long card with its history: several messages
    try:
        for n, chunk in enumerate(chunks, 1):
            markup = keyboard(rows) if rows and n == len(chunks) else None
            await bot.send_message(user.id, "\n".join(chunk), reply_markup=markup)
    except Forbidden:
        await repo.set_reachable(session, user.id, False)
        return False
    except BadRequest as error:
        if "chat not found" not in str(error).lower():
            raise
        await repo.set_reachable(session, user.id, False)
        return False
    return True


async def deliver_photos(bot: Bot, user: User, photos: Sequence[str], caption: str) -> None:
    """Send a complaint's photos by file id (they carry nothing of who sent them)."""
    if not user.reachable:
        return
    for n, file_id in enumerate(photos, 1):
        try:
            await bot.send_photo(
                user.id, file_id, caption=f"{caption} ({n}/{len(photos)})" if n == 1 else None
            )
        except (Forbidden, BadRequest) as error:
            log.info("could not send a complaint photo: %s", type(error).__name__)
            return
