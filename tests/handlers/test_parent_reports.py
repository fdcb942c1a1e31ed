"""Parents answer the evening question, type minutes, add notes and correct with /report;
forged buttons are refused. Driven through the real Application."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from handlers.parents.history import ReportDayButton
from handlers.parents.question import EveningAnswer, EveningAnswerButton
from handlers.scheduler.tick import tick
from storage.models import DailyReport, ParentLink, ReportEvent, SchoolClass, Subject
from tests import world
from tests.fakebot import FakeUser
from tests.handlers.scheduler_kit import (
    LENA_DAD,
    LENA_MUM,
    MAX_MUM,
    TEACHER,
    THU,
    Kit,
    build,
    local,
)
from tests.harness import Harness


async def evening(bot: Harness) -> Kit:
    """The kit, with the clock at 20:35 and the evening question sent."""
    kit = await build(bot)
    bot.clock.now = local(20, 35)
    await tick(bot.app)
    return kit


async def spans(bot: Harness) -> list[tuple[int | None, int | None]]:
    """Each report's range (low, high), by child."""
    async with bot.session() as session:
        return [
            (r.minutes_low, r.minutes_high)
            for r in await session.scalars(select(DailyReport).order_by(DailyReport.child_id))
        ]


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
    # A range is stored as the range and echoed as it (issue 11; was stored as its middle, 75).
    kit = await evening(bot)
    reply = await bot.tap(bot.user(LENA_MUM), "60–90 min")
    assert "Saved for Lena, Thu, Nov 19: 60–90 min." in (reply.text or "")
    reply = await bot.tap(bot.user(MAX_MUM), "Did not finish, went to bed")
    assert "how long the child worked" in (reply.text or "")
    assert await rows(bot) == [
        (kit.lena, None, "done", LENA_MUM, None),
        (kit.max, None, "unfinished", MAX_MUM, None),
    ]
    assert await spans(bot) == [(60, 90), (None, None)]
    reply = await bot.send(bot.user(MAX_MUM), "50 min")  # the time worked, optional
    assert "did not finish, went to bed (after 50 min)" in (reply.text or "")
    assert (await rows(bot))[1] == (kit.max, 50, "unfinished", MAX_MUM, None)


async def test_typed_minutes_with_bad_input_then_a_note(bot: Harness) -> None:
    # "45.5" is minutes now (46), not refused (issue 11: minutes in the parent's words).
    kit = await evening(bot)
    mum = bot.user(LENA_MUM)
    reply = await bot.tap(mum, "Type minutes")
    assert "e.g. 45, 45 min or 1 hour (1 to 600 minutes)" in (reply.text or "")
    for bad, why in (
        ("abc", "could not read that as minutes"),
        ("0", "between 1 and 600 minutes"),
        ("601", "between 1 and 600 minutes"),
        ("-3", "could not read that as minutes"),
    ):
        answer = await bot.send(mum, bad)
        assert answer is not None and why in (answer.text or ""), bad
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


async def test_minutes_after_an_answer_correct_it_and_are_not_a_note(bot: Harness) -> None:
    kit = await evening(bot)
    mum = bot.user(LENA_MUM)
    await bot.tap(mum, "As estimated (50 min)")
    answer = await bot.send(mum, "45.5")
    assert "Changed to 46 min for Lena" in (answer.text or "")
    assert await rows(bot) == [(kit.lena, 46, "done", LENA_MUM, None)]
    answer = await bot.send(mum, "Maths took longest")
    assert "Note saved" in (answer.text or "")
    assert await rows(bot) == [(kit.lena, 46, "done", LENA_MUM, "Maths took longest")]


async def test_two_parents_and_a_correction_leave_one_row(bot: Harness) -> None:
    # The second parent is asked before replacing the first's answer (issue 11; it was
    # overwritten silently), and both see who answered what.
    kit = await evening(bot)
    mum, dad = bot.user(LENA_MUM), bot.user(LENA_DAD)
    await bot.tap(mum, "30–60 min")
    # Dad was told of Anna's answer; tapping his question asks him (the question is edited).
    assert "Anna reported 30–60 min at 8:35\u202fPM for Lena, Thu, Nov 19." in (dad.last.text or "")
    await bot.tap(dad, "over 90 min")
    ask = next(m for m in reversed(dad.messages) if "Replace" in m.button_texts)
    assert "Anna reported 30–60 min at 8:35\u202fPM for Lena, Thu, Nov 19." in (ask.text or "")
    assert ask.button_texts == ["Replace", "Keep it"]
    assert await rows(bot) == [(kit.lena, None, "done", LENA_MUM, None)]
    await bot.tap(dad, "Replace")
    assert await rows(bot) == [(kit.lena, None, "done", LENA_DAD, None)]
    assert await spans(bot) == [(90, None)]
    assert "Boris reported over 90 min at 8:35\u202fPM for Lena" in (mum.last.text or "")
    # Mum corrects through /report: only the evening with homework is offered, with who
    # answered; she is asked first, then replaces.
    reply = await bot.send(mum, "/report")
    assert reply is not None and "Which day" in (reply.text or "")
    assert reply.button_texts == ["Thu, Nov 19 — over 90 min"]
    question = await bot.tap(mum, reply.button_texts[0])
    assert "Boris reported over 90 min at 8:35\u202fPM." in (question.text or "")
    await bot.tap(mum, "As estimated (50 min)")
    await bot.tap(mum, "Keep it")
    assert await rows(bot) == [(kit.lena, None, "done", LENA_DAD, None)]
    reply = await bot.send(mum, "/report")
    await bot.tap(mum, reply.button_texts[0])
    await bot.tap(mum, "As estimated (50 min)")
    await bot.tap(mum, "Replace")
    assert await rows(bot) == [(kit.lena, 50, "done", LENA_MUM, None)]
    assert await events(bot) == 3  # the history keeps every answer


async def test_report_an_earlier_day_for_one_of_two_children(bot: Harness) -> None:
    # Only evenings with homework are offered (issue 11; it was the last 7 school days).
    kit = await evening(bot)
    monday = date(2026, 11, 16)
    async with bot.session() as session:
        session.add(ParentLink(parent_id=MAX_MUM, child_id=kit.lena))  # Clara is Lena's too
        klass = await session.get(SchoolClass, kit.class_id)
        maths = await session.get(Subject, kit.maths_id)
        assert klass is not None and maths is not None
        await world.homework(session, klass, maths, TEACHER, 25, monday)
        await session.commit()
    clara = bot.user(MAX_MUM)
    reply = await bot.send(clara, "/report")
    assert reply is not None and reply.button_texts == ["Lena (4A)", "Max (4A)"]
    days = await bot.tap(clara, "Max (4A)")
    assert [b.split(" — ")[0] for b in days.button_texts] == ["Thu, Nov 19", "Mon, Nov 16"]
    question = await bot.tap(clara, data=ReportDayButton(kit.max, monday).pack())
    assert "on Mon, Nov 16" in (question.text or "")
    assert "As estimated (25 min)" in question.button_texts
    await bot.tap(clara, "under 30 min")
    async with bot.session() as session:
        report = await session.scalar(select(DailyReport).where(DailyReport.child_id == kit.max))
        assert report is not None
        assert (report.day, report.minutes, report.minutes_low, report.minutes_high) == (
            monday,
            None,
            0,
            30,
        )


async def test_report_pages_back_since_the_child_joined(bot: Harness) -> None:
    kit = await evening(bot)
    async with bot.session() as session:
        klass = await session.get(SchoolClass, kit.class_id)
        maths = await session.get(Subject, kit.maths_id)
        assert klass is not None and maths is not None
        for back in range(1, 22):  # three weeks of evenings before Thursday, weekends too
            await world.homework(session, klass, maths, TEACHER, 20, THU - timedelta(days=back))
        link = await session.get(ParentLink, (MAX_MUM, kit.max))
        assert link is not None
        link.created_at = local(12, 0, THU - timedelta(days=9))  # joined on Tue, Nov 10
        await session.commit()
    clara = bot.user(MAX_MUM)
    first = await bot.send(clara, "/report")
    assert len(first.button_texts) == 8 and first.button_texts[-1] == "◀ Earlier"
    second = await bot.tap(clara, "◀ Earlier")
    days = [b.split(" — ")[0] for b in second.button_texts[:-1]]
    assert days == ["Thu, Nov 12", "Wed, Nov 11", "Tue, Nov 10"]  # not before she joined
    assert second.button_texts[-1] == "Later ▶"
    # A day before she joined is refused even when forged.
    clara.tap_raw(ReportDayButton(kit.max, THU - timedelta(days=10)).pack(), second.message_id)
    await bot.deliver()
    assert "no longer available" in (clara.answered_callbacks[-1].text or "")


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
