"""Parents answer the evening question, type minutes, add notes and correct with /report;
forged buttons are refused. Driven through the real Application."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from handlers.parents.reports import EveningAnswer, EveningAnswerButton, ReportDayButton
from handlers.scheduler.tick import tick
from storage.models import DailyReport, ParentLink, ReportEvent
from tests.fakebot import FakeUser
from tests.handlers.scheduler_kit import LENA_DAD, LENA_MUM, MAX_MUM, THU, Kit, build, local
from tests.harness import Harness


async def evening(bot: Harness) -> Kit:
    """The kit, with the clock at 20:35 and the evening question sent."""
    kit = await build(bot)
    bot.clock.now = local(20, 35)
    await tick(bot.app)
    return kit


async def rows(bot: Harness) -> list[tuple[int, int | None, str, int | None, str | None]]:
    async with bot.session() as session:
        return [
            (r.child_id, r.minutes, r.outcome, r.reporter_id, r.note)
            for r in await session.scalars(select(DailyReport).order_by(DailyReport.child_id))
        ]


async def events(bot: Harness) -> int:
    async with bot.session() as session:
        return await session.scalar(select(func.count()).select_from(ReportEvent)) or 0


async def test_as_estimated_then_skip_note(bot: Harness) -> None:
    kit = await evening(bot)
    mum = bot.user(LENA_MUM)
    reply = await bot.tap(mum, "As estimated (50 min)")
    assert "Saved for Lena" in (reply.text or "") and "50 min" in (reply.text or "")
    reply = await bot.tap(mum, "Skip")
    assert "Thank you" in (reply.text or "")
    assert await rows(bot) == [(kit.lena, 50, "done", LENA_MUM, None)]


async def test_range_and_unfinished_taps(bot: Harness) -> None:
    kit = await evening(bot)
    await bot.tap(bot.user(LENA_MUM), "60–90 min")
    await bot.tap(bot.user(MAX_MUM), "Did not finish, went to bed")
    assert await rows(bot) == [
        (kit.lena, 75, "done", LENA_MUM, None),
        (kit.max, None, "unfinished", MAX_MUM, None),
    ]


async def test_typed_minutes_with_bad_input_then_a_note(bot: Harness) -> None:
    kit = await evening(bot)
    mum = bot.user(LENA_MUM)
    reply = await bot.tap(mum, "Type minutes")
    assert "whole number from 1 to 600" in (reply.text or "")
    for bad in ("abc", "0", "601", "45.5", "-3"):
        answer = await bot.send(mum, bad)
        assert answer is not None and "whole number from 1 to 600" in (answer.text or ""), bad
    assert await rows(bot) == []
    answer = await bot.send(mum, "７５")  # full-width digits are fine
    assert answer is not None and "75 min" in (answer.text or "")
    answer = await bot.send(mum, "x" * 501)
    assert answer is not None and "too long" in (answer.text or "")
    answer = await bot.send(mum, "  Tired, maths was hard  ")
    assert answer is not None and "Note saved" in (answer.text or "")
    assert await rows(bot) == [(kit.lena, 75, "done", LENA_MUM, "Tired, maths was hard")]
    # The dialog is over: more text is not taken as a note.
    answer = await bot.send(mum, "hello")
    assert answer is not None and "did not understand" in (answer.text or "")


async def test_two_parents_and_a_correction_leave_one_row(bot: Harness) -> None:
    kit = await evening(bot)
    await bot.tap(bot.user(LENA_MUM), "30–60 min")
    await bot.tap(bot.user(LENA_DAD), "over 90 min")
    assert await rows(bot) == [(kit.lena, 105, "done", LENA_DAD, None)]
    # Mum corrects through /report: today is offered with its current answer.
    mum = bot.user(LENA_MUM)
    reply = await bot.send(mum, "/report")
    assert reply is not None and "Which day" in (reply.text or "")
    assert len(reply.button_texts) == 7  # the last 7 school days
    assert "105 min" in reply.button_texts[0]
    assert "not reported" in reply.button_texts[1]
    await bot.tap(mum, reply.button_texts[0])
    await bot.tap(mum, "As estimated (50 min)")
    assert await rows(bot) == [(kit.lena, 50, "done", LENA_MUM, None)]
    assert await events(bot) == 3  # the history keeps every answer


async def test_report_an_earlier_day_for_one_of_two_children(bot: Harness) -> None:
    kit = await evening(bot)
    async with bot.session() as session:
        session.add(ParentLink(parent_id=MAX_MUM, child_id=kit.lena))  # Clara is Lena's too
        await session.commit()
    clara = bot.user(MAX_MUM)
    reply = await bot.send(clara, "/report")
    assert reply is not None and reply.button_texts == ["Lena (4A)", "Max (4A)"]
    await bot.tap(clara, "Max (4A)")
    monday = date(2026, 11, 16)
    question = await bot.tap(clara, data=ReportDayButton(kit.max, monday).pack())
    assert "on Mon, Nov 16" in (question.text or "")
    assert "As estimated (0 min)" in question.button_texts  # no homework was posted that day
    await bot.tap(clara, "under 30 min")
    async with bot.session() as session:
        report = await session.scalar(select(DailyReport).where(DailyReport.child_id == kit.max))
        assert report is not None and (report.day, report.minutes) == (monday, 15)


async def test_forged_buttons_are_refused(bot: Harness) -> None:
    kit = await evening(bot)
    mum = bot.user(LENA_MUM)
    message = mum.last.message_id

    def forge(user: FakeUser, data: str) -> None:
        user.tap_raw(data, message)

    # Another family's child, a day out of range, a future day, absurd minutes, a bad date,
    # and /report's day button for a child of another class.
    forge(mum, EveningAnswerButton(kit.max, THU, EveningAnswer.ESTIMATE).pack())
    forge(
        mum, EveningAnswerButton(kit.lena, THU - timedelta(days=30), EveningAnswer.ESTIMATE).pack()
    )
    forge(
        mum, EveningAnswerButton(kit.lena, THU + timedelta(days=1), EveningAnswer.ESTIMATE).pack()
    )
    forge(mum, EveningAnswerButton(kit.lena, THU, EveningAnswer.MINUTES, 9999).pack())
    forge(mum, f"pr.a:{kit.lena}:20261399:{EveningAnswer.ESTIMATE.value}:0")  # no such date
    forge(mum, ReportDayButton(kit.other, THU).pack())
    await bot.deliver()
    answers = mum.answered_callbacks
    assert len(answers) == 6
    assert all("no longer available" in (a.text or "") for a in answers)
    assert await rows(bot) == []
    # Nothing of Max's or Olga's was shown to her.
    assert not any("Max" in (m.text or "") or "Olga" in (m.text or "") for m in mum.messages)


async def test_stale_skip_button_is_refused(bot: Harness) -> None:
    await evening(bot)
    mum = bot.user(LENA_MUM)
    await bot.tap(mum, "As estimated (50 min)")
    skip = mum.last
    await bot.send(mum, "/cancel")
    mum.tap("Skip", message_id=skip.message_id)
    await bot.deliver()
    assert "no longer available" in (mum.answered_callbacks[-1].text or "")


async def test_report_without_children(bot: Harness) -> None:
    stranger = bot.user(999, "Stranger")
    reply = await bot.send(stranger, "/report")
    assert reply is not None and "no children linked" in (reply.text or "")
