"""One way to send: a user who never opened the bot (Telegram: "chat not found") is marked
unreachable like one who blocked it, by each sender (the scheduler's outbox, `send_to`, the
complaints' relay); when they first write, they get what they missed today (the notice and the
evening question of today, in the school's time zone), each once, and nothing of earlier days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from handlers.kit.sending import classify
from handlers.scheduler.tick import tick
from storage.models import Notification, SchoolClass, Subject, User
from storage.notifications import SendStatus
from tests import world
from tests.handlers import test_complaints as complaints
from tests.handlers import test_homework as homework
from tests.handlers.scheduler_kit import LENA_DAD, TEACHER, THU, Kit, build, local
from tests.harness import Harness

NORA = 509
"""A parent the school linked to Nina (4A) who has never opened the bot."""
WED = THU - timedelta(days=1)
NOTICE = "Homework for Nina (4A), Thu, Nov 19:"
QUESTION = "How long did Nina's written homework take today (Thu, Nov 19)?"


async def with_nora(bot: Harness, *, wednesday: bool = False) -> Kit:
    """The scheduler kit plus Nora, who never opened the bot (and, with `wednesday`, 4A's
    homework on the evening before too)."""
    kit = await build(bot)
    bot.user(NORA, "Nora", started=False)
    async with bot.session() as session:
        a = await session.get(SchoolClass, kit.class_id)
        maths = await session.get(Subject, kit.maths_id)
        assert a is not None and maths is not None
        await world.child(session, a, "Nina", [NORA])
        if wednesday:
            await world.homework(session, a, maths, TEACHER, 40, day=WED)
        await session.commit()
    return kit


def texts(bot: Harness, uid: int) -> list[str]:
    return [m.text or "" for m in bot.user(uid).messages]


def starting(bot: Harness, uid: int, start: str) -> list[str]:
    return [t for t in texts(bot, uid) if t.startswith(start)]


def statuses(bot: Harness, uid: int) -> list[int]:
    """HTTP statuses of the bot's sendMessage calls to one chat."""
    return [c.status for c in bot.api.calls_to("sendMessage") if c.params["chat_id"] == uid]


async def reachable(bot: Harness, uid: int) -> bool:
    async with bot.session() as session:
        user = await session.get(User, uid)
        assert user is not None
        return user.reachable


async def notifications(bot: Harness, uid: int) -> dict[str, str]:
    async with bot.session() as session:
        rows = await session.execute(
            select(Notification.kind, Notification.status).where(Notification.recipient_id == uid)
        )
        return {kind: status for kind, status in rows}


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (Forbidden("Forbidden: bot was blocked by the user"), SendStatus.UNREACHABLE),
        (Forbidden("Forbidden: bot can't initiate conversation with a user"), "unreachable"),
        (BadRequest("Bad Request: chat not found"), SendStatus.UNREACHABLE),
        (BadRequest("Bad Request: message is too long"), SendStatus.FAILED),
        (RetryAfter(3), SendStatus.RETRY),
        (NetworkError("connection reset"), SendStatus.RETRY),
        (TimedOut(), SendStatus.PENDING),
    ],
)
def test_telegram_answers_classified(error: Exception, status: str) -> None:
    assert classify(error) == status  # type: ignore[arg-type]


# ---------------------------------------------------------------- the scheduler's outbox


async def test_notice_to_a_parent_who_never_opened_the_bot_marks_them_unreachable(
    bot: Harness,
) -> None:
    await with_nora(bot)
    report = await tick(bot.app, local(17, 30))
    assert report.sent == 3  # Lena's two parents and Max's
    assert texts(bot, NORA) == []
    assert statuses(bot, NORA) == [400]  # Bad Request: chat not found
    assert not await reachable(bot, NORA)
    assert await notifications(bot, NORA) == {"notice": "unreachable"}
    # Skipped from then on, like a parent who blocked the bot: no call at all.
    await tick(bot.app, local(20, 30))
    assert statuses(bot, NORA) == [400]
    assert await notifications(bot, NORA) == {"notice": "unreachable"}


async def test_first_write_after_the_notice_brings_it_then_the_question_comes_as_usual(
    bot: Harness,
) -> None:
    await with_nora(bot)
    await tick(bot.app, local(17, 30))
    bot.clock.now = local(18, 5)
    nora = bot.user(NORA)
    await bot.send(nora, "/start")
    assert await reachable(bot, NORA)
    [notice] = starting(bot, NORA, NOTICE)
    assert "Maths (written): 30 min" in notice
    assert "Written total 50 min (grades 3-6" in notice
    assert starting(bot, NORA, "How long did") == []  # the question's time has not come
    await bot.send(nora, "/help")  # writing again brings nothing more
    assert len(starting(bot, NORA, "Homework for")) == 1
    await tick(bot.app, local(20, 30))
    assert len(starting(bot, NORA, QUESTION)) == 1
    assert "As estimated (50 min)" in bot.user(NORA).messages[-1].button_texts
    await tick(bot.app, local(20, 31))
    assert len(starting(bot, NORA, "Homework for")) == 1
    assert len(starting(bot, NORA, "How long did")) == 1
    assert await notifications(bot, NORA) == {"notice": "sent", "evening": "sent"}


async def test_first_write_after_the_question_time_brings_both_once(bot: Harness) -> None:
    await with_nora(bot)
    await tick(bot.app, local(17, 30))
    await tick(bot.app, local(20, 30))
    bot.clock.now = local(20, 50)
    nora = bot.user(NORA)
    await bot.send(nora, "hello")
    assert len(starting(bot, NORA, NOTICE)) == 1
    assert len(starting(bot, NORA, QUESTION)) == 1
    question = next(m for m in nora.messages if (m.text or "").startswith(QUESTION))
    assert "As estimated (50 min)" in question.button_texts
    # The notice came before the question; later writes and ticks repeat neither.
    assert texts(bot, NORA).index(starting(bot, NORA, NOTICE)[0]) < texts(bot, NORA).index(
        question.text or ""
    )
    await bot.send(nora, "/help")
    await tick(bot.app, local(21, 0))
    assert len(starting(bot, NORA, "Homework for")) == 1
    assert len(starting(bot, NORA, "How long did")) == 1
    # The answer buttons work like the scheduler's.
    await bot.tap(nora, "As estimated (50 min)")
    assert [t for t in texts(bot, NORA) if t.startswith("Saved for Nina")]


async def test_nothing_of_earlier_days_is_delivered(bot: Harness) -> None:
    await with_nora(bot, wednesday=True)
    await tick(bot.app, local(17, 30, WED))
    await tick(bot.app, local(20, 30, WED))  # skipped: unreachable since the notice
    await tick(bot.app, local(17, 30))  # Thursday: skipped too
    assert statuses(bot, NORA) == [400]
    bot.clock.now = local(18, 0)
    await bot.send(bot.user(NORA), "/start")
    assert len(starting(bot, NORA, NOTICE)) == 1
    assert [t for t in texts(bot, NORA) if "Nov 18" in t] == []
    assert starting(bot, NORA, "How long did") == []  # not Wednesday's question either


async def test_writing_before_todays_notice_brings_nothing_of_yesterday(bot: Harness) -> None:
    await with_nora(bot, wednesday=True)
    await tick(bot.app, local(17, 30, WED))
    await tick(bot.app, local(20, 30, WED))
    bot.clock.now = local(9, 0)  # Thursday morning
    await bot.send(bot.user(NORA), "/start")
    assert starting(bot, NORA, "Homework for") == []
    assert starting(bot, NORA, "How long did") == []
    await tick(bot.app, local(17, 30))  # reachable again: today's notice as usual
    assert len(starting(bot, NORA, NOTICE)) == 1
    assert [t for t in texts(bot, NORA) if "Nov 18" in t] == []


async def test_a_parent_who_unblocks_the_bot_gets_todays_notice(bot: Harness) -> None:
    """Unblocking sends a my_chat_member update first; the catch-up runs on it, and the
    /start that follows (Telegram's "Restart") brings nothing twice."""
    await build(bot)
    bot.api.block(LENA_DAD)
    await tick(bot.app, local(17, 30))
    assert texts(bot, LENA_DAD) == [] and not await reachable(bot, LENA_DAD)
    bot.clock.now = local(19, 0)
    bot.api.unblock(LENA_DAD, notify=True)
    await bot.deliver()
    assert await reachable(bot, LENA_DAD)
    [notice] = texts(bot, LENA_DAD)
    assert notice.startswith("Homework for Lena (4A), Thu, Nov 19:")
    await bot.send(bot.user(LENA_DAD), "/start")
    assert len(starting(bot, LENA_DAD, "Homework for")) == 1


# ---------------------------------------------------------------- send_to (homework)


async def test_send_to_a_leader_who_never_opened_the_bot_marks_them_unreachable(
    bot: Harness,
) -> None:
    bot.user(homework.LEADER, "Zhao", started=False)
    await homework.seed(bot)
    await homework.post(bot, homework.TEACHER, "5A", None, "Big project", "Written", "60")
    await bot.tap(bot.user(homework.TEACHER, "T"), "Post")
    await homework.post(bot, homework.TEACHER, "5A", None, "Worksheet", "Written", "15")
    await bot.tap(bot.user(homework.TEACHER, "T"), "Post anyway")
    # The admin was told; the grade leader could not be, and is skipped from now on.
    assert "5A is over the homework limit" in (bot.user(homework.ADMIN).last.text or "")
    assert statuses(bot, homework.LEADER) == [400]
    assert not await reachable(bot, homework.LEADER)
    await homework.post(bot, homework.TEACHER, "5A", None, "Another", "Written", "10")
    await bot.tap(bot.user(homework.TEACHER, "T"), "Post anyway")
    assert statuses(bot, homework.LEADER) == [400]
    # Writing makes them reachable (nothing of a parent's to catch up on).
    await bot.send(bot.user(homework.LEADER), "/help")
    assert await reachable(bot, homework.LEADER)


# ---------------------------------------------------------------- the complaints' relay


async def test_complaint_to_a_handler_who_never_opened_the_bot_marks_them_unreachable(
    bot: Harness,
) -> None:
    bot.user(complaints.HANDLER, "Handler", started=False)
    await complaints.seed(bot)
    confirmation = await complaints.file(bot, complaints.parent(bot))
    assert confirmation
    # The school's admin was told; the handler could not be.
    assert "A new complaint for your school." in (bot.user(complaints.ADMIN).last.text or "")
    assert statuses(bot, complaints.HANDLER) == [400]
    assert not await reachable(bot, complaints.HANDLER)
    await bot.send(bot.user(complaints.HANDLER), "/tickets")
    assert await reachable(bot, complaints.HANDLER)
