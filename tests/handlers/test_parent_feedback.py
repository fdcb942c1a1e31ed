"""Issue 11, per language (zh_Hans, ru, en): minutes in the parent's words, ranges stored as
ranges, an unfinished report counts as over, two parents of one child, one reminder, the class
figure to reporting parents (nobody below 3 reports), notes to staff without names."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.domain.periods import Scope
from bot.domain.reporting import ReportOutcome
from bot.i18n import format_day, format_minutes, use_locale
from handlers.parents.question import (
    EveningAnswer,
    EveningAnswerButton,
    KeepAnswerButton,
    RemindersButton,
    range_label,
)
from handlers.parents.reports import NoteSkipButton
from handlers.scheduler.tick import tick
from storage import reports
from storage.analytics import exports
from storage.checks import daily_check
from storage.models import DailyReport, SchoolClass, Subject, User
from tests import world
from tests.e2e.helpers import find_button, t, tn
from tests.fakebot import FakeUser, SentMessage
from tests.handlers.scheduler_kit import (
    LEADER,
    LENA_DAD,
    LENA_MUM,
    MAX_MUM,
    OTHER_MUM,
    TEACHER,
    TEACHER2,
    THU,
    Kit,
    build,
    local,
)
from tests.harness import Harness

LANGS = ["zh", "ru", "en"]
CODE = {"zh": "zh-hans", "ru": "ru", "en": "en"}
LOCALE = {"zh": "zh_Hans", "ru": "ru", "en": "en"}
SAVED = "Saved for {child}, {day}: {answer}. Thank you!"


def rendered(lang: str, fn: Any, *args: Any) -> str:
    with use_locale(LOCALE[lang]):
        return str(fn(*args))


async def speak(bot: Harness, lang: str, *uids: int) -> None:
    """These parents use `lang` (in Telegram and as their chosen language)."""
    async with bot.session() as session:
        for uid in uids:
            bot.user(uid).language_code = CODE[lang]
            user = await session.get(User, uid)
            assert user is not None
            user.locale = LOCALE[lang]
        await session.commit()


async def evening(bot: Harness, lang: str, *uids: int) -> Kit:
    kit = await build(bot)
    await speak(bot, lang, *uids)
    bot.clock.now = local(20, 35)
    await tick(bot.app)
    return kit


async def press(bot: Harness, user: FakeUser, cls: type[Any], **fields: Any) -> SentMessage:
    label, _payload, msg = find_button(user, cls, **fields)
    return await bot.tap(user, label, message_id=msg.message_id)


async def report_of(bot: Harness, child_id: int) -> DailyReport:
    async with bot.session() as session:
        found = await session.scalar(select(DailyReport).where(DailyReport.child_id == child_id))
        assert found is not None
        return found


async def add_reports(bot: Harness, kit: Kit, answers: list[tuple[int | None, str]]) -> None:
    """More children of 4A with reports (minutes, note), each by a parent of their own."""
    async with bot.session() as session:
        a = await session.get(SchoolClass, kit.class_id)
        assert a is not None
        for i, (minutes, note) in enumerate(answers):
            parent = 600 + i
            kid = await world.child(session, a, f"Kid {i}", [parent])
            await reports.save_report(
                session,
                child_id=kid.id,
                day=THU,
                minutes=minutes,
                outcome=ReportOutcome.DONE,
                reporter_id=parent,
                now=local(20, 40),
            )
            if note:
                await reports.set_note(session, kid.id, THU, note)
        await session.commit()


async def load_4a(bot: Harness) -> str:
    """/load of 4A as the grade leader sees it."""
    leader = bot.user(LEADER)
    reply = await bot.send(leader, "/load")
    if "4A" in reply.button_texts:
        reply = await bot.tap(leader, "4A")
    assert "4A: written homework this week" in (reply.text or "")
    return reply.text or ""


MINUTES_WORDS = [
    ("zh", "45分钟", 45),
    ("zh", "四十五", 45),
    ("zh", "１小时", 60),
    ("ru", "45 минут", 45),
    ("ru", "полчаса", 30),
    ("en", "45 min", 45),
    ("en", "an hour", 60),
]


@pytest.mark.parametrize(("lang", "typed", "minutes"), MINUTES_WORDS)
async def test_minutes_in_the_parents_words(
    bot: Harness, lang: str, typed: str, minutes: int
) -> None:
    kit = await evening(bot, lang, LENA_MUM)
    mum = bot.user(LENA_MUM)
    await press(bot, mum, EveningAnswerButton, answer=EveningAnswer.TYPE)
    reply = await bot.send(mum, typed)
    answer = rendered(lang, format_minutes, minutes)
    day = rendered(lang, format_day, THU)
    assert t(LOCALE[lang], SAVED, child="Lena", day=day, answer=answer) in (reply.text or "")
    assert (await report_of(bot, kit.lena)).minutes == minutes
    # After the answer, minutes again correct it: "45.5" is not a note.
    await bot.send(mum, "45.5")
    found = await report_of(bot, kit.lena)
    assert (found.minutes, found.note) == (46, None)


@pytest.mark.parametrize("lang", LANGS)
async def test_a_range_is_stored_and_shown_as_a_range(bot: Harness, lang: str) -> None:
    kit = await evening(bot, lang, LENA_MUM)
    mum = bot.user(LENA_MUM)
    reply = await press(bot, mum, EveningAnswerButton, answer=EveningAnswer.MINUTES, minutes=60)
    found = await report_of(bot, kit.lena)
    assert (found.minutes, found.minutes_low, found.minutes_high) == (None, 60, 90)
    assert rendered(lang, range_label, 60, 90) in (reply.text or "")
    # The open top range is "over 90", stored with no upper bound.
    await press(bot, mum, NoteSkipButton)
    await bot.send(mum, "/report")
    await bot.tap(mum, mum.last.button_texts[0])
    await press(bot, mum, EveningAnswerButton, answer=EveningAnswer.MINUTES, minutes=90)
    found = await report_of(bot, kit.lena)
    assert (found.minutes, found.minutes_low, found.minutes_high) == (None, 90, None)


@pytest.mark.parametrize("lang", LANGS)
async def test_an_unfinished_report_counts_as_over_and_warns(bot: Harness, lang: str) -> None:
    kit = await evening(bot, lang, LENA_MUM)
    mum = bot.user(LENA_MUM)
    await press(bot, mum, EveningAnswerButton, answer=EveningAnswer.UNFINISHED)
    await bot.send(mum, {"zh": "四十分钟", "ru": "40 минут", "en": "40 minutes"}[lang])
    found = await report_of(bot, kit.lena)
    assert (found.outcome, found.minutes) == ("unfinished", 40)
    await add_reports(bot, kit, [(30, ""), (35, "")])  # everyone else within the limit
    async with bot.session() as session:
        [check] = [c for c in await daily_check(session, [(kit.school_id, THU)]) if c.reports]
    # The unfinished child counts as at least the cap (60): median 35, 1 of 3 over, and a
    # third of the class went to bed unfinished (the school warns from 20%).
    assert (check.reports, check.timed, check.median, check.over) == (3, 3, 35.0, 1)
    assert check.unfinished_over and check.is_over and not check.median_over
    await tick(bot.app, local(21, 30))
    [warning] = [m.text or "" for m in bot.user(TEACHER).messages]
    assert "1 of 3 reports over the limit." in warning
    assert "at least 20% of the reporting children went to bed unfinished" in warning


@pytest.mark.parametrize("lang", LANGS)
async def test_two_parents_of_one_child(bot: Harness, lang: str) -> None:
    kit = await evening(bot, lang, LENA_MUM, LENA_DAD)
    mum, dad = bot.user(LENA_MUM), bot.user(LENA_DAD)
    await press(bot, mum, EveningAnswerButton, answer=EveningAnswer.MINUTES, minutes=30)
    told = dad.last.text or ""
    assert "Anna" in told and rendered(lang, range_label, 30, 60) in told
    await press(bot, dad, EveningAnswerButton, answer=EveningAnswer.UNFINISHED)
    ask = next(m for m in reversed(dad.messages) if m.button_texts and len(m.buttons) == 2)
    assert ask.button_texts == [t(LOCALE[lang], "Replace"), t(LOCALE[lang], "Keep it")]
    assert (await report_of(bot, kit.lena)).reporter_id == LENA_MUM
    await press(bot, dad, KeepAnswerButton)
    assert (await report_of(bot, kit.lena)).reporter_id == LENA_MUM
    await bot.send(dad, "/report")
    await bot.tap(dad, dad.last.button_texts[0])
    await press(bot, dad, EveningAnswerButton, answer=EveningAnswer.UNFINISHED)
    await press(bot, dad, EveningAnswerButton, answer=EveningAnswer.UNFINISHED, replace=True)
    found = await report_of(bot, kit.lena)
    assert (found.reporter_id, found.outcome) == (LENA_DAD, "unfinished")
    assert "Boris" in (mum.last.text or "")


@pytest.mark.parametrize("lang", LANGS)
async def test_one_reminder_to_parents_who_have_not_answered(bot: Harness, lang: str) -> None:
    await evening(bot, lang, LENA_MUM, LENA_DAD, MAX_MUM)
    await press(bot, bot.user(MAX_MUM), EveningAnswerButton, answer=EveningAnswer.ESTIMATE)
    assert (await tick(bot.app, local(21, 14))).sent == 0
    await tick(bot.app, local(21, 15))  # asked at 20:35: more than half the delay ago
    reminder = (
        "A reminder: how long did {child}'s written homework take today ({day})? One tap is enough."
    )
    day = rendered(lang, format_day, THU)
    for uid in (LENA_MUM, LENA_DAD):
        last = bot.user(uid).last
        assert t(LOCALE[lang], reminder, child="Lena", day=day) == last.text
        assert t(LOCALE[lang], "No more reminders") in last.button_texts
    assert len(bot.user(MAX_MUM).messages) == 2  # answered: the notice and the question only
    assert bot.user(OTHER_MUM).messages == []
    await tick(bot.app, local(21, 20))
    texts = [m.text for m in bot.user(LENA_DAD).messages]
    assert texts.count(t(LOCALE[lang], reminder, child="Lena", day=day)) == 1  # once
    # Reminders off: a button under the reminder.
    await press(bot, bot.user(LENA_DAD), RemindersButton, on=False)
    async with bot.session() as session:
        dad = await session.get(User, LENA_DAD)
        assert dad is not None and dad.reminders_off


async def test_a_reminder_never_follows_the_question_at_once_after_downtime(
    bot: Harness,
) -> None:
    await build(bot)
    report = await tick(bot.app, local(21, 20))  # the bot was down from 17:00
    assert [r.job.value for r in report.runs] == ["notice", "evening", "reminder"]
    assert len(bot.user(LENA_MUM).messages) == 2  # the notice and the question only


async def test_reminders_off_are_respected(bot: Harness) -> None:
    await build(bot)
    async with bot.session() as session:
        await reports.set_reminders(session, LENA_DAD, on=False)
        await session.commit()
    await tick(bot.app, local(20, 30))
    await tick(bot.app, local(21, 15))
    assert len(bot.user(LENA_DAD).messages) == 2
    assert len(bot.user(LENA_MUM).messages) == 3


@pytest.mark.parametrize("lang", LANGS)
async def test_class_figure_to_each_reporting_parent(bot: Harness, lang: str) -> None:
    kit = await evening(bot, lang, LENA_MUM)
    await press(bot, bot.user(LENA_MUM), EveningAnswerButton, answer=EveningAnswer.ESTIMATE)
    await add_reports(bot, kit, [(70, ""), (80, "")])
    await tick(bot.app, local(21, 30))
    with use_locale(LOCALE[lang]):
        head = t(LOCALE[lang], "{class_name}, {day}", class_name="4A", day=format_day(THU))
        line = tn(
            LOCALE[lang],
            "{head}: the class's median was {median} from {n} report, over the limit of {cap}.",
            "{head}: the class's median was {median} from {n} reports, over the limit of {cap}.",
            3,
            head=head,
            median=format_minutes(70),
            cap=format_minutes(60),
        )
    assert bot.user(LENA_MUM).last.text == line
    assert "figure" not in repr([m.text for m in bot.user(LENA_DAD).messages])
    assert not any("70" in (m.text or "") for m in bot.user(LENA_DAD).messages)
    assert not any("median" in (m.text or "") for m in bot.user(MAX_MUM).messages)
    # Never another child's value: only the median and the count.
    assert "80" not in line and "50" not in line


async def test_no_class_figure_below_three_reports(bot: Harness) -> None:
    kit = await evening(bot, "en", LENA_MUM)
    await press(bot, bot.user(LENA_MUM), EveningAnswerButton, answer=EveningAnswer.ESTIMATE)
    await add_reports(bot, kit, [(70, "")])
    before = {uid: len(bot.user(uid).messages) for uid in (LENA_MUM, 600)}
    await tick(bot.app, local(21, 30))
    assert not any("median" in (m.text or "") for m in bot.user(LENA_MUM).messages)
    assert len(bot.user(LENA_MUM).messages) == before[LENA_MUM]


@pytest.mark.parametrize("lang", LANGS)
async def test_notes_reach_teachers_and_leader_without_names(bot: Harness, lang: str) -> None:
    kit = await evening(bot, lang, LENA_MUM)
    mum = bot.user(LENA_MUM)
    await press(bot, mum, EveningAnswerButton, answer=EveningAnswer.ESTIMATE)
    note = {"zh": "孩子写到九点半，语文抄写太多", "ru": "Сидели до 21:30", "en": "Until 9:30"}[lang]
    await bot.send(mum, note)
    await add_reports(bot, kit, [(40, "Fine tonight"), (45, "")])
    await tick(bot.app, local(21, 30))
    for staff in (TEACHER, TEACHER2, LEADER):
        [message] = [m.text or "" for m in bot.user(staff).messages]
        assert note in message and "Fine tonight" in message
        assert "Parents' notes (without names):" in message
        assert not any(name in message for name in ("Lena", "Anna", "Kid 0", "Parent 6"))
    shown = await load_4a(bot)
    assert note in shown and "Lena" not in shown and "Anna" not in shown


async def test_notes_are_held_below_three_families(bot: Harness) -> None:
    kit = await evening(bot, "en", LENA_MUM)
    mum = bot.user(LENA_MUM)
    await press(bot, mum, EveningAnswerButton, answer=EveningAnswer.ESTIMATE)
    await bot.send(mum, "Too much copying")
    await add_reports(bot, kit, [(40, "")])
    await tick(bot.app, local(21, 30))
    for staff in (TEACHER, TEACHER2, LEADER):
        assert not any("Too much copying" in (m.text or "") for m in bot.user(staff).messages)
    assert "Too much copying" not in await load_4a(bot)


@pytest.mark.parametrize("lang", LANGS)
async def test_as_estimated_records_the_estimate_when_pressed(bot: Harness, lang: str) -> None:
    kit = await evening(bot, lang, LENA_MUM)
    async with bot.session() as session:
        a = await session.get(SchoolClass, kit.class_id)
        maths = await session.get(Subject, kit.maths_id)
        assert a is not None and maths is not None
        await world.homework(session, a, maths, TEACHER, 15)  # after the question: 65
        await session.commit()
    mum = bot.user(LENA_MUM)
    await press(bot, mum, EveningAnswerButton, answer=EveningAnswer.ESTIMATE, minutes=50)
    changed = t(
        LOCALE[lang],
        "The estimate changed since the question: {was} then, {now} now.",
        was=rendered(lang, format_minutes, 50),
        now=rendered(lang, format_minutes, 65),
    )
    assert any(m.text == changed for m in mum.messages)
    assert (await report_of(bot, kit.lena)).minutes == 65


async def test_export_has_notes_only_with_three_reports(bot: Harness) -> None:
    """The export's reports sheet is class-day aggregates only (issue 12): the notes are one
    cell of the class-day, sorted, and only from three reports on, never with who wrote them."""
    kit = await evening(bot, "en", LENA_MUM)
    mum = bot.user(LENA_MUM)
    await press(bot, mum, EveningAnswerButton, answer=EveningAnswer.MINUTES, minutes=60)
    await bot.send(mum, "Too much copying")
    scope = Scope.of_class(kit.class_id)

    async def exported() -> list[tuple[Any, ...]]:
        async with bot.session() as session:
            return [
                tuple(row[3:])
                async for rows in exports.reports_batches(session, scope, THU, THU)
                for row in rows
            ]

    # reports, median, over the limit, unfinished, notes
    assert await exported() == [(1, None, None, None, None)]  # one report: the count alone
    await add_reports(bot, kit, [(40, "A lot of reading"), (45, "")])
    # the range 60-90 counts as 75 (over the limit of 60), with 40 and 45: median 45
    assert await exported() == [(3, 45, 1, 0, "A lot of reading\nToo much copying")]
