"""Set-up typed as schools write it, in Chinese, Russian and English, through the real
Application: classes and grade ranges, class lists pasted from a spreadsheet, subjects,
holidays and times; what is understood is shown before it is saved, and every refusal gives
examples in the user's language."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.i18n import ngettext, use_locale
from storage.models import CalendarDay, Child, School, SchoolClass, Subject
from tests.fakebot import FakeUser
from tests.handlers.onboarding_kit import admin_school, localized, one, rows, text
from tests.harness import Harness

LANGUAGES = [("zh-hans", "zh_Hans"), ("ru", "ru"), ("en", "en")]
CLASS_EXAMPLES = (
    "For example: Grades 1-6, 4 classes each / Grades 7-9 / 5B / Year 5 Blue / 10-2 "
    "(one class or a range of grades a message)."
)
HOLIDAY_EXAMPLES = (
    "For example: Autumn break Oct 26-30 / Christmas Dec 22 - Jan 2 / 2026-10-01 - 2026-10-07"
)


def t(locale: str, msgid: str, **values: Any) -> str:
    return localized(locale, msgid).format(**values)


def tn(locale: str, singular: str, plural: str, n: int, **values: Any) -> str:
    with use_locale(locale):
        return ngettext(singular, plural, n).format(n=n, **values)


async def class_names(bot: Harness, school_id: int) -> list[str]:
    found = await rows(bot, SchoolClass, SchoolClass.school_id == school_id)
    return sorted(c.name for c in found)


async def children_of(bot: Harness, school_id: int, name: str) -> list[str]:
    async with bot.session() as session:
        klass = await session.scalar(
            select(SchoolClass).where(SchoolClass.school_id == school_id, SchoolClass.name == name)
        )
        assert klass is not None
        found = await session.scalars(
            select(Child.name).where(Child.class_id == klass.id).order_by(Child.id)
        )
        return list(found)


# ---------------------------------------------------------------- classes

# locale -> (a grade range with the count, its classes, one class, the same class written
# otherwise, a new class)
CLASS_CASES = {
    "zh_Hans": ("1-2年级 每级2个班", ["1年级1班", "1年级2班", "2年级1班", "2年级2班"],
                "七年级1班", "初一(1)班", "7年级2班"),
    "ru": ("1-2 классы по 2 класса", ["1А", "1Б", "2А", "2Б"], "5 «Б»", "5Б", "10-2"),
    "en": ("Grades 1-2, 2 classes each", ["1A", "1B", "2A", "2B"], "Year 5 Blue",
           "Y5 Blue", "5B"),
}  # fmt: skip


@pytest.mark.parametrize(("language_code", "locale"), LANGUAGES)
async def test_classes_typed_as_schools_write_them(
    bot: Harness, language_code: str, locale: str
) -> None:
    admin, school = await admin_school(bot, language_code=language_code)
    grades, bulk, one_class, same_class, other_class = CLASS_CASES[locale]
    await bot.send(admin, "/classes")
    # A grade range with its class count, typed at the menu: shown, then created.
    reply = await bot.send(admin, grades)
    assert text(reply).startswith(
        tn(
            locale,
            "Grades {a}-{b}, {per} class each.",
            "Grades {a}-{b}, {per} classes each.",
            2,
            a=1,
            b=2,
            per=2,
        )
    )
    assert tn(locale, "This creates {n} class:", "This creates {n} classes:", 4) in text(reply)
    assert await class_names(bot, school.id) == []
    await bot.tap(admin, t(locale, "✅ Create"))
    assert await class_names(bot, school.id) == sorted(bulk)
    # Again: everything is there, nothing to create.
    reply = await bot.send(admin, grades)
    assert tn(
        locale,
        "{n} of them is already there and is kept.",
        "{n} of them are already there and are kept.",
        4,
    ) in text(reply)
    assert reply.button_texts == [t(locale, "✖ Back")]
    await bot.tap(admin, t(locale, "✖ Back"))
    # One class: shown as understood, added on confirmation.
    await bot.tap(admin, t(locale, "✖ Back"))
    reply = await bot.send(admin, one_class)
    grade = {"zh_Hans": 7, "ru": 5, "en": 5}[locale]
    assert text(reply) == t(
        locale, "Grade {grade}, class {name}. Add it?", grade=grade, name=one_class
    )
    assert await class_names(bot, school.id) == sorted(bulk)
    await bot.tap(admin, t(locale, "✅ Add"))
    assert one_class in await class_names(bot, school.id)
    # The same class written otherwise: a question, not a second class.
    reply = await bot.send(admin, same_class)
    assert text(reply) == t(
        locale,
        "{same} is already here. Is {name} the same class?",
        same=one_class,
        name=same_class,
    )
    await bot.tap(admin, t(locale, "Yes, the same class"))
    assert same_class not in await class_names(bot, school.id)
    # The exact name again is only told.
    reply = await bot.send(admin, one_class)
    assert text(reply).startswith(t(locale, "{name} already exists.", name=one_class))
    # Another class through "Add one class".
    await bot.tap(admin, t(locale, "Add one class"))
    await bot.send(admin, other_class)
    await bot.tap(admin, t(locale, "✅ Add"))
    assert await class_names(bot, school.id) == sorted([*bulk, one_class, other_class])


@pytest.mark.parametrize(("language_code", "locale"), LANGUAGES)
async def test_grades_then_the_count_typed_in_words(
    bot: Harness, language_code: str, locale: str
) -> None:
    admin, school = await admin_school(bot, language_code=language_code)
    grades, count = {
        "zh_Hans": ("一至三年级", "两个班"),
        "ru": ("1-3 классы", "по 2 класса"),
        "en": ("Grades 1 to 3", "2 classes"),
    }[locale]
    await bot.send(admin, "/classes")
    await bot.tap(admin, t(locale, "Add grades and classes"))
    reply = await bot.send(admin, grades)
    assert t(
        locale, "Grades {a}-{b}. How many classes in each grade? Pick or type a number:", a=1, b=3
    ) in text(reply)
    reply = await bot.send(admin, "0")
    assert text(reply).startswith(
        t(locale, "A grade has from 1 to {max} classes. For example: 4, 4 classes.", max=40)
    )
    reply = await bot.send(admin, count)
    assert tn(locale, "This creates {n} class:", "This creates {n} classes:", 6) in text(reply)
    await bot.tap(admin, t(locale, "✅ Create"))
    assert len(await class_names(bot, school.id)) == 6


@pytest.mark.parametrize(("language_code", "locale"), LANGUAGES)
async def test_class_refusals_give_examples_in_the_users_language(
    bot: Harness, language_code: str, locale: str
) -> None:
    admin, school = await admin_school(bot, language_code=language_code)
    examples = t(locale, CLASS_EXAMPLES)
    await bot.send(admin, "/classes")
    cases = [
        ("13-14", t(locale, "Grades go from {first} to {last}.", first=1, last=12)),
        ("6-1年级", t(locale, "That range of grades ends before it starts.")),
        ("1-6 / 99", t(locale, "I could not read that as grades or a class.")),
        ("13А", t(locale, "Grades go from {first} to {last}.", first=1, last=12)),
    ]
    for typed, refusal in cases:
        reply = await bot.send(admin, typed)
        assert text(reply) == refusal + "\n" + examples, typed
    if locale != "en":  # translated: the examples are the language's own forms
        assert examples != CLASS_EXAMPLES
        assert ("1-6年级 每级4个班" if locale == "zh_Hans" else "5 «Б»") in examples
    assert await class_names(bot, school.id) == []


async def test_deleting_a_class_tells_its_history_in_chinese(bot: Harness) -> None:
    admin, school = await admin_school(bot, language_code="zh-hans")
    await bot.send(admin, "/classes")
    await bot.send(admin, "1-1年级 每级2个班")
    await bot.tap(admin, t("zh_Hans", "✅ Create"))
    await bot.send(admin, "1年级1班\n张伟\n李娜\n王芳")
    await bot.tap(admin, t("zh_Hans", "✅ Save"))
    await bot.tap(admin, t("zh_Hans", "Delete a class"))
    reply = await bot.tap(admin, "1年级1班")
    history = tn("zh_Hans", "{n} child on its class list", "{n} children on its class list", 3)
    assert text(reply) == t(
        "zh_Hans",
        "{name} has {history}; a class with history is kept.",
        name="1年级1班",
        history=history,
    )
    await bot.tap(admin, t("zh_Hans", "✖ Back"))
    reply = await bot.tap(admin, "1年级2班")
    assert text(reply) == t(
        "zh_Hans",
        "Delete {name}? It has no class list, homework or complaints yet.",
        name="1年级2班",
    )
    await bot.tap(admin, t("zh_Hans", "🗑 Delete {name}", name="1年级2班"))
    assert await class_names(bot, school.id) == ["1年级1班"]


# ---------------------------------------------------------------- class lists

ROSTERS = {
    "zh_Hans": (
        "1年级1班",
        "序号\t姓名\t性别\n1\t张伟\t男\n2\t李娜\t女\n3\t张伟\t男",
        ["张伟", "李娜", "张伟"],
    ),
    "ru": ("1А", "1. Иванов Иван\n2. Петрова Анна\n3. Сидоров Пётр", ["Иванов Иван",
           "Петрова Анна", "Сидоров Пётр"]),
    "en": ("1A", "Anna Smith, Ben Jones; Carl Li", ["Anna Smith", "Ben Jones", "Carl Li"]),
}  # fmt: skip


@pytest.mark.parametrize(("language_code", "locale"), LANGUAGES)
async def test_a_pasted_class_list_is_previewed_then_saved(
    bot: Harness, language_code: str, locale: str
) -> None:
    admin, school = await admin_school(bot, language_code=language_code)
    klass, pasted, names = ROSTERS[locale]
    await bot.send(admin, "/classes")
    await bot.send(admin, CLASS_CASES[locale][0])
    await bot.tap(admin, t(locale, "✅ Create"))
    await bot.tap(admin, t(locale, "Class lists"))
    reply = await bot.tap(admin, klass)
    assert text(reply).startswith(
        t(locale, "Class list of {klass}: {names}", klass=klass, names=t(locale, "nobody yet"))
    )
    # Nothing that reads as names: refused with examples.
    reply = await bot.send(admin, "12345\n---")
    assert text(reply).startswith(
        t(
            locale,
            "I found no names in that. Paste the class list from a spreadsheet (a column of "
            "names, student numbers may stay), or type names separated by commas. For example: "
            "Anna Smith, Ben Jones",
        )
    )
    reply = await bot.send(admin, pasted)
    head = tn(
        locale,
        "{n} name for {klass}: {names}",
        "{n} names for {klass}: {names}",
        3,
        klass=klass,
        names="",
    )
    assert text(reply).startswith(head)
    for name in names:
        assert name in text(reply)
    if locale == "zh_Hans":  # two pupils called 张伟: both kept, and said so
        assert t(locale, "Twice in the list (both are kept): {names}", names="张伟") in text(reply)
        assert t(locale, "Left out: {lines}", lines="序号\t姓名\t性别") in text(reply)
    assert await children_of(bot, school.id, klass) == []
    reply = await bot.tap(admin, t(locale, "✅ Save"))
    assert await children_of(bot, school.id, klass) == names
    # The class's name on the first line of a list typed at the menu picks the class.
    reply = await bot.send(admin, f"{klass}\n{names[1]}\nZoe Extra")
    assert tn(
        locale,
        "{n} of them is on the class list already.",
        "{n} of them are on the class list already.",
        1,
    ) in text(reply)
    await bot.tap(admin, t(locale, "✅ Save"))
    assert await children_of(bot, school.id, klass) == [*names, "Zoe Extra"]


# ---------------------------------------------------------------- subjects

SUBJECTS = {
    "zh_Hans": ("语文、数学；英语\n道德与法治", ["语文", "数学", "英语", "道德与法治"]),
    "ru": ("Математика, Русский язык\nЛитература", ["Математика", "Русский язык", "Литература"]),
    "en": ("1. Music\n2. Art\n3. PE", ["Music", "Art", "PE"]),
}


@pytest.mark.parametrize(("language_code", "locale"), LANGUAGES)
async def test_subjects_typed_as_a_list(bot: Harness, language_code: str, locale: str) -> None:
    admin, school = await admin_school(bot, language_code=language_code)
    typed, names = SUBJECTS[locale]
    await bot.send(admin, "/subjects")
    reply = await bot.send(admin, "X" * 41)
    assert text(reply).startswith(
        t(
            locale,
            "Please type subject names of at most 40 characters, separated by commas or one a "
            "line. For example: Music, Art, PE",
        )
    )
    reply = await bot.send(admin, typed)  # at the menu, no button needed
    assert text(reply).startswith(
        tn(locale, "{n} subject added.", "{n} subjects added.", len(names))
    )
    found = await rows(bot, Subject, Subject.school_id == school.id)
    assert [s.name for s in sorted(found, key=lambda s: s.position)] == names


# ---------------------------------------------------------------- holidays and times


async def open_calendar(bot: Harness, admin: FakeUser, locale: str) -> None:
    await bot.send(admin, "/settings")
    await bot.tap(admin, t(locale, "Holidays and make-up days"))


HOLIDAYS = {
    "zh_Hans": ("国庆 10月1日-7日", "国庆", date(2027, 10, 1), date(2027, 10, 7)),
    "ru": ("Осенние каникулы 27.10-4.11", "Осенние каникулы", date(2027, 10, 27),
           date(2027, 11, 4)),
    "en": ("Half term Feb 15-19", "Half term", date(2027, 2, 15), date(2027, 2, 19)),
}  # fmt: skip


@pytest.mark.parametrize(("language_code", "locale"), LANGUAGES)
async def test_a_named_holiday_is_stored_listed_and_removed_whole(
    bot: Harness, language_code: str, locale: str
) -> None:
    from bot.i18n import format_date_range

    admin, school = await admin_school(bot, language_code=language_code)
    typed, name, first, last = HOLIDAYS[locale]
    await open_calendar(bot, admin, locale)
    await bot.tap(admin, t(locale, "Add holidays"))
    examples = t(locale, HOLIDAY_EXAMPLES)
    for bad, refusal in (
        ("whatever", t(locale, "I could not read that as a holiday.")),
        (
            "Winter 2027-01-20 - 2027-05-17",
            t(locale, "A holiday lasts at most {days} days.", days=92),
        ),
        ("Winter 2027-02-20 - 2027-01-17", t(locale, "That range ends before it starts.")),
    ):
        reply = await bot.send(admin, bad)
        assert text(reply).startswith(refusal + "\n" + examples), bad
    assert await rows(bot, CalendarDay) == []
    await bot.send(admin, typed)
    with use_locale(locale):
        dates = format_date_range(first, last)
    saved = admin.messages[-2]
    assert text(saved) == t(
        locale, "Saved: {period}", period=t(locale, "{name}: {dates}", name=name, dates=dates)
    )
    listing = admin.last
    assert f"• {t(locale, '{name}: {dates}', name=name, dates=dates)}" in text(listing)
    days = await rows(bot, CalendarDay, CalendarDay.school_id == school.id)
    assert len(days) == (last - first).days + 1
    assert {(d.kind, d.name) for d in days} == {("holiday", name)}
    # One button for the whole holiday, not one a day.
    remove = [label for label in listing.button_texts if label.startswith("🗑")]
    assert remove == [f"🗑 {name}"]
    menu = await bot.send(admin, "/settings")  # one holiday of several days counts once
    assert tn(locale, "{n} upcoming holiday.", "{n} upcoming holidays.", 1) in text(menu)
    await bot.tap(admin, t(locale, "Holidays and make-up days"))
    await bot.tap(admin, f"🗑 {name}")
    assert await rows(bot, CalendarDay) == []


async def test_the_holiday_list_is_paged(bot: Harness) -> None:
    admin, school = await admin_school(bot, language_code="zh-hans")
    async with bot.session() as session:
        for n in range(10):
            day = date(2027, 3, 1 + 2 * n)
            session.add(CalendarDay(school_id=school.id, day=day, kind="holiday", name=f"假{n}"))
        await session.commit()
    await open_calendar(bot, admin, "zh_Hans")
    reply = admin.last
    removes = [label for label in reply.button_texts if label.startswith("🗑")]
    assert removes == [f"🗑 假{n}" for n in range(8)]
    reply = await bot.tap(admin, "▶")
    removes = [label for label in reply.button_texts if label.startswith("🗑")]
    assert removes == ["🗑 假8", "🗑 假9"]
    await bot.tap(admin, "🗑 假9")  # from page 2: the list stays on it
    assert [label for label in admin.last.button_texts if label.startswith("🗑")] == ["🗑 假8"]
    assert len(await rows(bot, CalendarDay)) == 9


TIMES = {
    "zh_Hans": [("下午5点半", time(17, 30)), ("17点30", time(17, 30)), ("晚上8点", time(20, 0))],
    "ru": [("в 17.30", time(17, 30)), ("5 вечера", time(17, 0)), ("18:15", time(18, 15))],
    "en": [("5:30 pm", time(17, 30)), ("17:30", time(17, 30)), ("6pm", time(18, 0))],
}


@pytest.mark.parametrize(("language_code", "locale"), LANGUAGES)
async def test_times_typed_in_words(bot: Harness, language_code: str, locale: str) -> None:
    admin, school = await admin_school(bot, language_code=language_code)
    # The notice may not come before the homework cut-off (the daily times' rule): a cut-off
    # at 16:00 leaves every typed time below valid.
    async with bot.session() as session:
        await session.execute(
            update(School).where(School.id == school.id).values(cutoff_time=time(16, 0))
        )
        await session.commit()
    examples = t(locale, "For example: 17:30, 5:30 pm, 5 pm")
    for typed, expected in TIMES[locale]:
        await bot.send(admin, "/settings")
        await bot.tap(admin, t(locale, "Times"))
        labels = admin.last.button_texts
        [notice] = [b for b in labels if b.startswith(t(locale, "Homework notice to parents"))]
        await bot.tap(admin, notice)
        for bad, refusal in (
            ("25:00", t(locale, "There is no such time.")),
            ("soon", t(locale, "I could not read that as a time.")),
        ):
            reply = await bot.send(admin, bad)
            assert text(reply) == refusal + "\n" + examples, bad
        await bot.send(admin, typed)
        saved = await one(bot, School, School.id == school.id)
        assert saved.notice_time == expected, typed


async def test_a_school_with_many_classes_picks_the_grade_first(bot: Harness) -> None:
    admin, school = await admin_school(bot, language_code="zh-hans")
    await bot.send(admin, "/classes")
    await bot.send(admin, "1-6年级 每级10个班")
    await bot.tap(admin, t("zh_Hans", "✅ Create"))
    grades = [t("zh_Hans", "Grade {n}", n=g) for g in range(1, 7)]
    # Class lists: the grade, then its classes (all of them, past the first 96 of the school).
    reply = await bot.tap(admin, t("zh_Hans", "Class lists"))
    assert reply.button_texts == [*grades, t("zh_Hans", "✖ Back")]
    reply = await bot.tap(admin, grades[5])
    assert reply.button_texts == [
        *(f"6年级{n}班" for n in range(1, 11)),
        t("zh_Hans", "✖ Back"),
    ]
    reply = await bot.tap(admin, "6年级10班")
    assert text(reply).startswith(
        t("zh_Hans", "Class list of {klass}: {names}", klass="6年级10班", names="暂无")
    )
    # Another class's list pasted under its name while this one is open: it goes there.
    reply = await bot.send(admin, "6年级9班\n王芳\n赵敏")
    assert text(reply).startswith(
        tn(
            "zh_Hans",
            "{n} name for {klass}: {names}",
            "{n} names for {klass}: {names}",
            2,
            klass="6年级9班",
            names="",
        )
    )
    await bot.tap(admin, t("zh_Hans", "✅ Save"))
    assert await children_of(bot, school.id, "6年级9班") == ["王芳", "赵敏"]
    await bot.tap(admin, t("zh_Hans", "Class lists"))
    await bot.tap(admin, grades[5])
    await bot.tap(admin, "6年级10班")
    await bot.send(admin, "张伟、李娜")
    await bot.tap(admin, t("zh_Hans", "✅ Save"))
    assert await children_of(bot, school.id, "6年级10班") == ["张伟", "李娜"]
    # Deleting: the same two steps; back from a grade's classes to the grades.
    await bot.tap(admin, t("zh_Hans", "Delete a class"))
    await bot.tap(admin, grades[2])
    reply = await bot.tap(admin, t("zh_Hans", "✖ Back"))
    assert reply.button_texts == [*grades, t("zh_Hans", "✖ Back")]
    await bot.tap(admin, grades[2])
    await bot.tap(admin, "3年级7班")
    await bot.tap(admin, t("zh_Hans", "🗑 Delete {name}", name="3年级7班"))
    assert "3年级7班" not in await class_names(bot, school.id)
    assert len(await class_names(bot, school.id)) == 59


TIME_ZONES = {
    "zh_Hans": [("北京时间", "Asia/Shanghai"), ("上海", "Asia/Shanghai")],
    "ru": [("МСК", "Europe/Moscow"), ("Новосибирск", "Asia/Novosibirsk")],
    "en": [("Moscow", "Europe/Moscow"), ("asia/shanghai", "Asia/Shanghai")],
}


@pytest.mark.parametrize(("language_code", "locale"), LANGUAGES)
async def test_a_new_schools_time_zone_typed_by_name(
    bot: Harness, language_code: str, locale: str
) -> None:
    from tests.harness import OWNER_ID

    owner = bot.user(OWNER_ID, "Owner", language_code=language_code)
    examples = t(locale, "For example: London, Europe/Moscow, Asia/Shanghai, UTC+8")
    for typed, zone in TIME_ZONES[locale]:
        await bot.send(owner, "/newschool")
        await bot.tap(owner, data=owner.last.reply_markup[-1][0]["callback_data"])
        await bot.send(owner, "District")
        await bot.send(owner, "School")
        reply = await bot.send(owner, "Атлантида" if locale == "ru" else "亚特兰蒂斯")
        assert text(reply).startswith(
            t(locale, "That is not a time zone I know.") + "\n" + examples
        )
        reply = await bot.send(owner, typed)
        assert f"{zone}" in text(reply), typed
        assert reply.button_texts[0] == t(locale, "✅ Create the school")
        await bot.tap(owner, t(locale, "✖ Cancel"))


@pytest.mark.parametrize(("language_code", "locale"), LANGUAGES)
async def test_make_up_days_typed_in_words(bot: Harness, language_code: str, locale: str) -> None:
    admin, school = await admin_school(bot, language_code=language_code)
    typed = {"zh_Hans": "下周六", "ru": "в следующую субботу", "en": "next Saturday"}[locale]
    await open_calendar(bot, admin, locale)
    await bot.tap(admin, t(locale, "Add make-up days"))
    await bot.send(admin, typed)
    days = await rows(bot, CalendarDay, CalendarDay.school_id == school.id)
    # The harness's today is Thursday 19 November 2026: next week's Saturday is the 28th.
    assert [(d.day, d.kind, d.name) for d in days] == [(date(2026, 11, 28), "makeup", None)]


SEVERAL = {
    # '初一(1)班' on a line of its own: the bot quotes it as typed (ASCII brackets), and the
    # house-style check leaves out whole lines a user typed
    "zh_Hans": ("七年级1班、七年级2班\n初一(1)班\n八年级3班", "七年级1班", "初一(1)班"),
    "ru": ("5А, 5Б; 5 «А»\n6В", "5А", "5 «А»"),
    "en": ("Year 5 Blue, Year 5 Red\nY5 Blue, 6B", "Year 5 Blue", "Y5 Blue"),
}


@pytest.mark.parametrize(("language_code", "locale"), LANGUAGES)
async def test_several_classes_in_one_message(
    bot: Harness, language_code: str, locale: str
) -> None:
    admin, school = await admin_school(bot, language_code=language_code)
    typed, first, same = SEVERAL[locale]
    await bot.send(admin, "/classes")
    reply = await bot.send(admin, typed)
    assert text(reply).startswith(tn(locale, "{n} class to add:", "{n} classes to add:", 3))
    already = t(locale, "{name} (as {same})", name=same, same=first)
    assert t(locale, "Already here, not added again: {names}", names=already) in text(reply)
    assert await class_names(bot, school.id) == []
    await bot.tap(admin, t(locale, "✅ Add"))
    names = await class_names(bot, school.id)
    assert len(names) == 3 and first in names and same not in names
    # Typed again at "Add one class": all there, nothing to add.
    await bot.tap(admin, t(locale, "Add one class"))
    reply = await bot.send(admin, typed)
    assert reply.button_texts == [t(locale, "✖ Back")]
    assert len(await class_names(bot, school.id)) == 3
