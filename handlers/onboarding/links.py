"""Invite links and the teaching summary shown with them (shared by /invite, /start, /newschool)."""

from __future__ import annotations

from bot.i18n import format_list
from handlers.kit.context import Ctx
from storage import repo


def invite_link(context: Ctx, code: str) -> str:
    return f"https://t.me/{context.bot_data.bot_username or context.bot.username}?start={code}"


async def teaching_summary(context: Ctx, pairs: list[tuple[int, int]]) -> str:
    """'5A Maths, 5B Maths' for (class, subject) pairs."""
    if not pairs:
        return "-"
    classes, subjects = await repo.class_and_subject_names(
        context.session, {c for c, _s in pairs}, {s for _c, s in pairs}
    )
    return format_list([f"{classes.get(c, '?')} {subjects.get(s, '?')}" for c, s in sorted(pairs)])
