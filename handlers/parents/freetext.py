"""Text typed outside any open step, understood by what it is (rules in bot.domain.intents),
registered in this order with `router.text_without_dialog`:

1. a reply (Telegram's reply-to) to a bot message naming one complaint -> added to it;
2. minutes, on an evening whose question is still open -> that evening's report (one child:
   saved and confirmed; several: which child?);
3. a question about homework -> the homework of the day it names;
4. while the school waits for the person's details on a complaint -> "Add this to it?";
5. anything else -> a short menu of what the person can do (nothing is stored).

Sure rules come before the unsure offer (4), so a homework question or the evening's minutes
are never offered to a complaint.
"""

from __future__ import annotations

from datetime import date

from telegram import Message, Update

from bot.domain.calendar import local_today
from bot.domain.intents import complaint_reply, homework_question, typed_minutes
from bot.i18n import _, format_minutes
from handlers.complaints import filing
from handlers.complaints import followup as complaint_followup
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user
from handlers.kit.replies import Rows, answer, say
from handlers.onboarding import help
from handlers.parents import history, lookup
from handlers.parents import reports as parents
from handlers.parents.payloads import MenuAction, MenuButton, TypedMinutesButton
from handlers.scheduler.outbox import message_key
from storage import notifications
from storage import reports as report_store
from storage.reports import ChildOfParent


def _text(update: Update) -> str | None:
    message = update.effective_message
    return message.text if message is not None else None


def replied_text(update: Update, bot_id: int) -> str | None:
    """The text (or caption) of the bot's message this one replies to; None if it replies to
    nothing of the bot's."""
    message = update.effective_message
    replied = message.reply_to_message if message is not None else None
    if not isinstance(replied, Message) or replied.from_user is None:
        return None
    if replied.from_user.id != bot_id:
        return None
    return replied.text or replied.caption


async def on_complaint_reply(update: Update, context: Ctx) -> bool:
    code = complaint_reply(replied_text(update, context.bot.id))
    return code is not None and await complaint_followup.on_reply(update, context, code)


async def open_evenings(context: Ctx, user_id: int) -> list[tuple[ChildOfParent, date]]:
    """The children whose evening question went to this parent today and is unanswered."""
    children = await lookup.my_children(context, user_id)
    keys = {}
    for child in children:
        today = local_today(child.school.timezone, context.now())
        keys[message_key("evening", user_id, child.child_id, today)] = (child, today)
    sent = await notifications.claimed_keys(context.session, keys)
    found = []
    for key in sorted(sent):
        child, day = keys[key]
        if day not in await report_store.reports_for(context.session, child.child_id, [day]):
            found.append((child, day))
    return sorted(found, key=lambda found: found[0].name)


async def on_evening_minutes(update: Update, context: Ctx) -> bool:
    minutes = typed_minutes(_text(update))
    if minutes is None:
        return False
    user = await current_user(context, update)
    evenings = await open_evenings(context, user.id)
    if not evenings:
        return False
    if len(evenings) == 1:
        child, day = evenings[0]
        await parents.save_answer(update, context, child, day, parents.Answer(minutes), edit=False)
        return True
    rows: Rows = [
        [(child.name, TypedMinutesButton(child.child_id, day, minutes))] for child, day in evenings
    ]
    await say(
        update,
        _("{minutes} of written homework: for which child?").format(
            minutes=format_minutes(minutes)
        ),
        rows,
    )
    return True


async def on_typed_minutes_for(update: Update, context: Ctx, data: TypedMinutesButton) -> None:
    """The child picked for typed minutes: saved like the question's own answers."""
    found = await history.checked(update, context, data.child_id, data.day)
    if found is None:
        return
    await answer(update)
    child, day, _cal = found
    await parents.save_answer(update, context, child, day, parents.Answer(data.minutes), edit=True)


async def on_homework_question(update: Update, context: Ctx) -> bool:
    intent = homework_question(_text(update))
    return intent is not None and await lookup.show_asked(update, context, intent.day)


async def on_awaiting_complaint_info(update: Update, context: Ctx) -> bool:
    return await complaint_followup.offer_to_add(update, context)


def menu_rows() -> Rows:
    return [
        [
            (_("📋 Homework"), MenuButton(MenuAction.HOMEWORK)),
            (_("⏱ Report"), MenuButton(MenuAction.REPORT)),
        ],
        [
            (_("📮 Complain"), MenuButton(MenuAction.COMPLAIN)),
            (_("❓ Help"), MenuButton(MenuAction.HELP)),
        ],
    ]


async def offer_menu(update: Update, context: Ctx) -> bool:
    """The last rule: what the person can do, instead of a bare "not understood"."""
    await say(update, _("I did not understand that. What would you like to do?"), menu_rows())
    return True


async def on_menu(update: Update, context: Ctx, data: MenuButton) -> None:
    await answer(update)
    command = {
        MenuAction.HOMEWORK: lookup.homework_command,
        MenuAction.REPORT: history.report_command,
        MenuAction.COMPLAIN: filing.complain,
        MenuAction.HELP: help.help_command,
    }[data.action]
    await command(update, context)
