"""Sending to a user who did not write: a complaint's card, a relayed text, its photos.

Everything goes through the kit's one send path (`handlers.kit.sending`), so a complainant or
handler who blocked the bot, or never opened it, is marked unreachable the same way as for a
scheduled notice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot

from bot.i18n import _
from handlers.kit.context import AsyncSession
from handlers.kit.replies import Keyboard, keyboard, pack_lines
from handlers.kit.sending import mark_unreachable, send, send_to_user
from storage.models import User
from storage.notifications import SendStatus

log = logging.getLogger(__name__)


async def deliver_to(
    bot: Bot, session: AsyncSession, user: User, text: str, rows: Keyboard | None = None
) -> bool:
    """Message a user (no forwarding: the bot always sends its own message); False when they
    cannot be reached (then marked unreachable)."""
    chunks = pack_lines(text.split("\n"))  # a long card with its history: several messages
    markup = keyboard(rows) if rows else None
    return await send_to_user(bot, session, user, ["\n".join(c) for c in chunks], markup)


async def deliver_photos(
    bot: Bot, session: AsyncSession, user: User, photos: Sequence[str], caption: str
) -> None:
    """Send a complaint's photos by file id (they carry nothing of who sent them)."""
    if not user.reachable:
        return
    for n, file_id in enumerate(photos, 1):
        shown = (
            _("{caption} ({n} of {total})").format(caption=caption, n=n, total=len(photos))
            if n == 1
            else ""
        )
        outcome = await send(bot, user.id, shown, photo=file_id)
        if outcome.status is SendStatus.UNREACHABLE:
            await mark_unreachable(session, user.id)
            return
        if outcome.status is not SendStatus.SENT:
            log.info("could not send a complaint photo: %s", type(outcome.error).__name__)
            return
