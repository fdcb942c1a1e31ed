"""Lists that fit a real school (issue 10): /homework a page at a time with a count and
filters, the month calendar of the day and due-date pickers, and the school's name for a
teacher in two schools; in zh_Hans, ru and en."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.domain.roles import Role
from bot.i18n import format_day, format_month, use_locale, weekday_headers
from handlers.homework.manage import HomeworkListButton
from handlers.homework.payloads import (
    HomeworkAction,
    HomeworkActionButton,
    HomeworkEditButton,
    HomeworkMonthButton,
    HomeworkPickButton,
    HomeworkStep,
)
from handlers.kit.month_keyboard import InertButton
from storage import repo
from storage.models import AssignmentLoad, CalendarDay, School
from tests.e2e.helpers import find_button, payloads, t
from tests.factories import make_school, make_staff, make_teacher
from tests.handlers.test_homework_flow import (
    LOCALE,
    MULTI,
    OTHER,
    SOLO,
    TODAY,
    add_piece,
    press,
    seed,
    teacher,
)
from tests.harness import Harness

LEADER = 2104
LANGS = ["zh", "ru", "en"]


def in_locale(lang: str, fn: object, *args: object) -> str:
    with use_locale(LOCALE[lang]):
        return str(fn(*args))  # type: ignore[operator]


def numbers(text: str) -> list[int]:
    """The item numbers of a /homework page ('12. Thu, Nov 19 · ...')."""
    return [int(line.split(".")[0]) for line in text.split("\n") if line[:1].isdigit()]


# ---------------------------------------------------------------- /homework: pages


@pytest.mark.parametrize("lang", LANGS)
async def test_homework_pages_with_a_count_nothing_cut(bot: Harness, lang: str) -> None:
    await seed(bot, lang)
    for n in range(25):
        await add_piece(bot, SOLO, "5A", "Chinese", TODAY + timedelta(days=n // 3), 10, f"P{n}")
    user = teacher(bot, SOLO, lang)
    loc = LOCALE[lang]
    first = await bot.send(user, "/homework")
    assert numbers(first.text or "") == list(range(1, 11))
    label = t(loc, "Page {n} of {count}", n=1, count=3)
    assert label in first.button_texts and "◀" not in first.button_texts
    assert {"zh": "第1页，共3页", "ru": "стр. 1 из 3", "en": "Page 1 of 3"}[lang] == label
    second = await bot.tap(user, "▶")
    assert numbers(second.text or "") == list(range(11, 21))
    assert second.message_id == first.message_id  # the page is turned in place
    assert t(loc, "Page {n} of {count}", n=2, count=3) in second.button_texts
    third = await bot.tap(user, "▶")
    assert numbers(third.text or "") == list(range(21, 26))
    assert "▶" not in third.button_texts and "◀" in third.button_texts
    # Edit and cancel keep the numbers of the whole list.
    assert t(loc, "✏ Edit {n}", n=25) in third.button_texts
    back = await bot.tap(user, "◀")
    assert numbers(back.text or "") == list(range(11, 21))


async def test_one_page_has_no_paging_row_and_a_stale_page_is_clamped(bot: Harness) -> None:
    await seed(bot)
    await add_piece(bot, SOLO, "5A", "Chinese", TODAY, 10, "Only one")
    user = teacher(bot, SOLO)
    listing = await bot.send(user, "/homework")
    assert numbers(listing.text or "") == [1]
    assert not any(isinstance(p, HomeworkListButton) for _l, p in payloads(listing))
    user.tap_raw(HomeworkListButton(page=7).pack(), listing.message_id)
    await bot.deliver()
    assert numbers(user.messages[-1].text or "") == [1]


# ---------------------------------------------------------------- /homework: filters


@pytest.mark.parametrize("lang", LANGS)
async def test_homework_filters_class_day_and_mine(bot: Harness, lang: str) -> None:
    await seed(bot, lang)
    await add_piece(bot, MULTI, "5A", "Maths", TODAY, 20, "Mine in 5A")
    await add_piece(bot, MULTI, "5B", "Maths", TODAY + timedelta(days=1), 20, "Mine in 5B")
    await add_piece(bot, OTHER, "5B", "English", TODAY, 15, "Someone else's")
    loc = LOCALE[lang]
    user = teacher(bot, MULTI, lang)
    listing = await bot.send(user, "/homework")
    assert "Mine in 5A" in (listing.text or "") and "Mine in 5B" in (listing.text or "")
    # A teacher sees only their own pieces: no "only mine"; two classes and two days.
    assert t(loc, "👤 Only mine") not in listing.button_texts
    picker = await bot.tap(user, t(loc, "Class: all"))
    assert t(loc, "Which class?") == picker.text
    only_5b = await bot.tap(user, "5B")
    assert "Mine in 5B" in (only_5b.text or "") and "Mine in 5A" not in (only_5b.text or "")
    assert t(loc, "Class: {klass}", klass="5B") in only_5b.button_texts
    await bot.tap(user, t(loc, "Day: all"))
    tomorrow = in_locale(lang, format_day, TODAY + timedelta(days=1))
    today_only = await bot.tap(user, in_locale(lang, format_day, TODAY))
    assert t(loc, "Nothing matches these filters.") in (today_only.text or "")
    await bot.tap(user, t(loc, "Day: {day}", day=in_locale(lang, format_day, TODAY)))
    again = await bot.tap(user, tomorrow)
    assert numbers(again.text or "") == [1] and "Mine in 5B" in (again.text or "")


async def test_grade_leader_filters_only_mine(bot: Harness) -> None:
    await seed(bot, "ru")
    await add_piece(bot, MULTI, "5A", "Maths", TODAY, 20, "Maths for 5A")
    await add_piece(bot, OTHER, "5B", "English", TODAY, 15, "English for 5B")
    async with bot.session() as session:
        school_id = await session.scalar(select(School.id))
        assert school_id is not None
        await repo.add_membership(session, MULTI, Role.GRADE_LEADER, school_id=school_id, grade=5)
        await session.commit()
    user = teacher(bot, MULTI, "ru")
    listing = await bot.send(user, "/homework")
    assert "English for 5B" in (listing.text or "")  # the grade leader may change it
    mine = await bot.tap(user, t("ru", "👤 Only mine"))
    assert "English for 5B" not in (mine.text or "") and "Maths for 5A" in (mine.text or "")
    everyone = await bot.tap(user, t("ru", "👥 Everyone's"))
    assert "English for 5B" in (everyone.text or "")


# ---------------------------------------------------------------- the month calendar

SHORTCUT = {"zh": "练习册第12页 20分钟", "ru": "Упр. 5, 20 минут", "en": "Worksheet 4, 20 min"}


async def add_holiday(bot: Harness, day: date) -> None:
    async with bot.session() as session:
        school_id = await session.scalar(select(School.id))
        assert school_id is not None
        session.add(CalendarDay(school_id=school_id, day=day, kind="holiday"))
        await session.commit()


@pytest.mark.parametrize("lang", LANGS)
async def test_day_picker_is_a_month_calendar(bot: Harness, lang: str) -> None:
    await seed(bot, lang)
    await add_holiday(bot, date(2026, 12, 1))
    loc = LOCALE[lang]
    user = teacher(bot, SOLO, lang)
    await bot.send(user, SHORTCUT[lang])
    days = await press(bot, user, HomeworkEditButton, field=HomeworkStep.EVENING)
    texts = days.button_texts
    assert in_locale(lang, format_month, date(2026, 11, 1)) in texts
    with use_locale(loc):
        headers = weekday_headers()
    assert headers[0] == {"zh": "周一", "ru": "пн", "en": "Mo"}[lang]  # Monday first
    start = texts.index(headers[0])
    assert texts[start : start + 7] == headers
    assert "•19" in texts and "18" not in texts  # today marked, the past not offered
    assert all(len(p.pack().encode()) <= 64 for _l, p in payloads(days) if p is not None)
    december = await press(bot, user, HomeworkMonthButton, step=HomeworkStep.EVENING)
    assert december.message_id == days.message_id
    assert in_locale(lang, format_month, date(2026, 12, 1)) in december.button_texts
    assert "🏖1" in december.button_texts  # the school's holiday
    preview = await bot.tap(user, "2")
    day = in_locale(lang, format_day, date(2026, 12, 2))
    assert t(loc, "For {day}.", day=day) in (preview.text or "")


@pytest.mark.parametrize("lang", LANGS)
async def test_due_date_from_the_calendar_spreads_a_project(bot: Harness, lang: str) -> None:
    await seed(bot, lang)
    loc = LOCALE[lang]
    user = teacher(bot, SOLO, lang)
    await bot.send(user, SHORTCUT[lang])
    due = await press(bot, user, HomeworkEditButton, field=HomeworkStep.DUE)
    _label, past, _m = find_button(user, InertButton, why="past")
    update_id = user.tap_raw(past.pack(), due.message_id)
    await bot.deliver()
    answered = [a for a in user.answered_callbacks if a.update_id == update_id]
    assert answered and answered[0].text == t(loc, "That day has passed.")
    december = await press(bot, user, HomeworkMonthButton, step=HomeworkStep.DUE)
    assert in_locale(lang, format_month, date(2026, 12, 1)) in december.button_texts
    preview = await bot.tap(user, "10")  # three weeks ahead
    assert t(
        loc,
        "Spread over {n} school days until {due}.",
        n=15,
        due=in_locale(lang, format_day, date(2026, 12, 10)),
    ) in (preview.text or "")
    await press(bot, user, HomeworkActionButton, action=HomeworkAction.POST)
    async with bot.session() as session:
        spread = (await session.execute(select(AssignmentLoad.day, AssignmentLoad.minutes))).all()
    assert len(spread) == 15 and sum(m for _d, m in spread) == 20
    assert max(d for d, _m in spread) == date(2026, 12, 9)


async def test_calendar_stops_a_term_ahead_and_refuses_a_forged_month(bot: Harness) -> None:
    await seed(bot)
    user = teacher(bot, SOLO)
    await bot.send(user, SHORTCUT["en"])
    days = await press(bot, user, HomeworkEditButton, field=HomeworkStep.EVENING)
    _l, arrow, _m = find_button(user, HomeworkMonthButton)
    far = HomeworkMonthButton(arrow.token, HomeworkStep.EVENING, 2030 * 12)
    user.tap_raw(far.pack(), days.message_id)
    await bot.deliver()
    march = user.messages[-1]
    assert "March 2027" in march.button_texts  # kept within 120 days (Mar 19)
    assert "▶" not in march.button_texts and "19" in march.button_texts
    assert "20" not in march.button_texts
    user.tap_raw(
        HomeworkPickButton(arrow.token, HomeworkStep.EVENING, date(2027, 3, 20).toordinal()).pack(),
        days.message_id,
    )
    await bot.deliver()
    assert user.answered_callbacks[-1].text == "That day cannot be chosen now."
    user.tap_raw(
        HomeworkMonthButton("forged", HomeworkStep.EVENING, 2027 * 12).pack(), days.message_id
    )
    await bot.deliver()
    assert "no longer available" in (user.answered_callbacks[-1].text or "")


# ---------------------------------------------------------------- a teacher in two schools

TWO = 2201


async def seed_two_schools(bot: Harness, lang: str) -> dict[str, int]:
    """The same class name and subject in two schools, one teacher in both."""
    ids: dict[str, int] = {}
    async with bot.session() as session:
        for name in ("北京市海淀区实验小学", "阳光小学"):
            setup = await make_school(
                session, name=name, classes=((3, "3年级1班"),), subjects=("数学",)
            )
            await make_teacher(session, setup, TWO, "Two", [("3年级1班", "数学")], lang)
            ids[name] = setup.classes["3年级1班"].id
        await make_staff(session, setup, LEADER, "One school", Role.SCHOOL_ADMIN)
        await session.commit()
    return ids


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_two_schools_are_named_where_ambiguous(bot: Harness, lang: str) -> None:
    ids = await seed_two_schools(bot, {"zh": "zh-hans", "en": "en"}[lang])
    user = bot.user(TWO, "Two", language_code={"zh": "zh-hans", "en": "en"}[lang])
    start = await bot.send(user, "/assign")
    assert {"数学 · 实验小学", "数学 · 阳光小学"} <= set(start.button_texts)
    ask = await bot.tap(user, "数学 · 实验小学")
    assert (ask.text or "").startswith("3年级1班 · 实验小学")
    preview = await bot.send(user, "练习册第12页 20分钟")
    assert "3年级1班 · 实验小学" in (preview.text or "").split("\n")[0]
    await press(bot, user, HomeworkActionButton, action=HomeworkAction.POST)
    listing = await bot.send(user, "/homework")
    assert "3年级1班 · 实验小学" in (listing.text or "")
    loads = await bot.send(user, "/load")
    assert {"3年级1班 · 实验小学", "3年级1班 · 阳光小学"} <= set(loads.button_texts)
    week = await bot.tap(user, "3年级1班 · 阳光小学")
    assert (week.text or "").startswith("3年级1班 · 阳光小学")
    assert ids["阳光小学"] != ids["北京市海淀区实验小学"]
    # Someone in one school sees plain names.
    admin = bot.user(LEADER, "One school")
    alone = await bot.send(admin, "/load")
    assert "·" not in (alone.text or "") + "".join(alone.button_texts)
