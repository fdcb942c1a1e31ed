"""Recording homework in seconds, end to end through `python bot.py` (issue 10).

A teacher (zh-hans) records one piece for three classes in one go, copies yesterday's piece,
and on her school's last school day of the week records a weekend piece that lands on the
two days off, each checked against the weekend limit. The stories run on the real clock, so
"Friday" is made by the school's week: its five school days end today. A second teacher (ru)
sets a project due in three weeks from the month calendar, then types the same date.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.domain.calendar import SchoolCalendar
from bot.domain.homework import HomeworkStatus
from bot.domain.load import Cap, CapRule, HomeworkKind, work_days
from bot.domain.month_grid import Month
from bot.domain.roles import Role
from bot.i18n import format_day, format_list, format_minutes, format_month
from handlers.homework.payloads import (
    HomeworkAction,
    HomeworkActionButton,
    HomeworkEditButton,
    HomeworkMonthButton,
    HomeworkPickButton,
    HomeworkStep,
)
from handlers.kit.labels import rule_label
from storage import homework as hw
from storage.db import SessionMaker
from storage.models import Assignment, AssignmentLoad, School, SchoolClass
from tests.e2e.conftest import BotProcess
from tests.e2e.helpers import has_button, send, t, tap
from tests.e2e.stories import (
    ASK_TEXT,
    RU,
    ZH,
    Seeded,
    add_person,
    render,
    seed_school,
    update_school,
)
from tests.fakebot import FakeBotAPI, FakeUser, SentMessage

pytestmark = pytest.mark.e2e

T_ZH, T_RU = 3201, 3202
MATHS, RUSSIAN = "数学", "Русский язык"
PREVIEW = "Preview — {klass}, {subject}"
WEEKEND_CAP = 30


def week_ending(today: date) -> str:
    """The school's five school days, ending today (so today is its "Friday")."""
    days = sorted((today.isoweekday() - 1 - k) % 7 + 1 for k in range(5))
    return "".join(str(d) for d in days)


def load_line(locale: str, klass: str, day: date, n: int, *, over: int) -> str:
    """The preview's line for a class and day with only the piece being recorded (issue 14:
    a catalogue sentence; the total and what is over, the rule named once above)."""
    mins = render(locale, format_minutes, n)
    values = {
        "class_name": klass,
        "day": day_of(locale, day),
        "sums": t(locale, "this {minutes}", minutes=mins),
        "total": mins,
        "over": render(locale, format_minutes, over),
    }
    if over > 0:
        return t(locale, "{class_name}, {day}: {sums}, {total} in all, {over} over", **values)
    return t(locale, "{class_name}, {day}: {sums}, {total} in all", **values)


async def seed(db: SessionMaker) -> Seeded:
    seeded = await seed_school(
        db,
        name="实验小学",
        classes=[(5, "5A"), (5, "5B"), (5, "5C"), (6, "6A")],
        subjects=[MATHS, RUSSIAN],
        cap_non_school_day=WEEKEND_CAP,
    )
    await update_school(db, seeded.school_id, school_days=week_ending(seeded.today))
    three = [("5A", MATHS), ("5B", MATHS), ("5C", MATHS)]
    await add_person(db, seeded, T_ZH, "王芳", "zh-hans", Role.TEACHER, teaches=three)
    await add_person(db, seeded, T_RU, "Ольга", "ru", Role.TEACHER, teaches=[("6A", RUSSIAN)])
    return seeded


async def school_calendar(db: SessionMaker, seeded: Seeded) -> SchoolCalendar:
    async with db() as s:
        school = await s.get(School, seeded.school_id)
        assert school is not None
        return await hw.calendar_of(s, school)


async def stored(db: SessionMaker, teacher: int) -> list[tuple[str, str, list[tuple[date, int]]]]:
    """(class, text, [(day, minutes)]) of a teacher's posted pieces, in posting order."""
    async with db() as s:
        pieces = list(
            await s.scalars(
                select(Assignment)
                .where(Assignment.teacher_id == teacher, Assignment.status == "posted")
                .order_by(Assignment.id)
            )
        )
        result = []
        for a in pieces:
            klass = await s.get(SchoolClass, a.class_id)
            assert klass is not None
            loads = await s.execute(
                select(AssignmentLoad.day, AssignmentLoad.minutes)
                .where(AssignmentLoad.assignment_id == a.id)
                .order_by(AssignmentLoad.day)
            )
            result.append((klass.name, a.text, [(d, m) for d, m in loads.all()]))
        return result


async def add_yesterdays_piece(db: SessionMaker, seeded: Seeded) -> int:
    async with db() as s:
        klass = await s.get(SchoolClass, seeded.classes["5A"])
        assert klass is not None
        yesterday = seeded.today - timedelta(days=1)
        piece = await hw.create_assignment(
            s,
            klass=klass,
            subject_id=seeded.subjects[MATHS],
            teacher_id=T_ZH,
            text="口算练习第7页",
            photo_file_id=None,
            kind=HomeworkKind.WRITTEN,
            minutes=15,
            evening=yesterday,
            due=None,
            loads={yesterday: 15},
            status=HomeworkStatus.POSTED,
        )
        await s.commit()
        return piece.id


def day_of(locale: str, day: date) -> str:
    return render(locale, format_day, day)


async def post(user: FakeUser, locale: str, action: HomeworkAction) -> SentMessage:
    return await tap(user, HomeworkActionButton, t(locale, "Posted."), action=action)


async def test_three_classes_copy_and_a_weekend_piece_in_chinese(
    bot: BotProcess, api: FakeBotAPI, db: SessionMaker
) -> None:
    seeded = await seed(db)
    today = seeded.today
    copied_id = await add_yesterdays_piece(db, seeded)
    wang = api.user(T_ZH, "王芳", language_code="zh-hans")
    three = render(ZH, format_list, ["5A", "5B", "5C"])

    # ---- one piece for three classes in one go: all three preselected, one preview
    await send(wang, "/assign", t(ZH, ASK_TEXT, klass=three, subject=MATHS))
    preview = await send(wang, "练习册第12页 20分钟", t(ZH, PREVIEW, klass=three, subject=MATHS))
    for klass in ("5A", "5B", "5C"):
        assert load_line(ZH, klass, today, 20, over=0) in (preview.text or "")
    await post(wang, ZH, HomeworkAction.POST)
    assert [(k, x, d) for k, x, d in await stored(db, T_ZH)][1:] == [
        (k, "练习册第12页", [(today, 20)]) for k in ("5A", "5B", "5C")
    ]

    # ---- copy yesterday's piece: listed first, opened at the preview for today
    await send(wang, "/assign", has_button(HomeworkActionButton, action=HomeworkAction.COPY))
    listing = await tap(
        wang,
        HomeworkActionButton,
        t(ZH, "Which piece do you want to copy? You can change it before posting."),
        action=HomeworkAction.COPY,
    )
    assert (
        (listing.text or "")
        .split("\n")[1]
        .startswith(f"1. {day_of(ZH, today - timedelta(days=1))} · 5A · {MATHS}")
    )
    copy = await tap(
        wang,
        HomeworkPickButton,
        t(ZH, PREVIEW, klass="5A", subject=MATHS),
        step=HomeworkStep.COPY,
        value=copied_id,
    )
    assert "口算练习第7页" in (copy.text or "")
    assert t(ZH, "For {day}.", day=day_of(ZH, today)) in (copy.text or "")
    await post(wang, ZH, HomeworkAction.POST)
    assert (await stored(db, T_ZH))[-1] == ("5A", "口算练习第7页", [(today, 15)])

    # ---- today is the school's Friday: 80 minutes for the weekend, 40 on each day off
    # (5A only: the classes of the last piece are preselected)
    calendar = await school_calendar(db, seeded)
    saturday, sunday = today + timedelta(days=1), today + timedelta(days=2)
    assert not calendar.is_school_day(saturday) and not calendar.is_school_day(sunday)
    await send(wang, "/assign", t(ZH, ASK_TEXT, klass="5A", subject=MATHS))
    await send(wang, "周末作业：数学小报 80分钟", t(ZH, PREVIEW, klass="5A", subject=MATHS))
    spread_label = t(
        ZH,
        "🏖 {first} – {last}",
        first=day_of(ZH, saturday),
        last=day_of(ZH, sunday),
    )
    await tap(
        wang,
        HomeworkEditButton,
        has_button(HomeworkPickButton, step=HomeworkStep.EVENING, value=1),
        field=HomeworkStep.EVENING,
    )
    weekend = await tap(
        wang,
        HomeworkPickButton,
        t(ZH, PREVIEW, klass="5A", subject=MATHS),
        label=spread_label,
        step=HomeworkStep.EVENING,
    )
    text = weekend.text or ""
    days = render(ZH, format_list, [day_of(ZH, saturday), day_of(ZH, sunday)])
    assert t(ZH, "Spread over {n} days: {days}.", n=2, days=days) in text
    rule = render(ZH, rule_label, Cap(WEEKEND_CAP, CapRule.NON_SCHOOL_DAY))
    assert t(ZH, "Written homework of the class (limit: {rule}):", rule=rule) in text
    for day in (saturday, sunday):
        assert load_line(ZH, "5A", day, 40, over=40 - WEEKEND_CAP) in text
    assert f"5A, {day_of(ZH, today)}:" not in text  # nothing lands on Friday
    await post(wang, ZH, HomeworkAction.POST_OVER)
    assert (await stored(db, T_ZH))[-1] == (
        "5A",
        "周末作业：数学小报",
        [(saturday, 40), (sunday, 40)],
    )


async def test_a_project_due_in_three_weeks_in_russian(
    bot: BotProcess, api: FakeBotAPI, db: SessionMaker
) -> None:
    seeded = await seed(db)
    today = seeded.today
    calendar = await school_calendar(db, seeded)
    due = today + timedelta(days=21)
    olga = api.user(T_RU, "Ольга", language_code="ru")
    await send(olga, "/assign", t(RU, ASK_TEXT, klass="6A", subject=RUSSIAN))
    text = "Проект «Моя семья»"
    await send(olga, f"{text}, 60 минут", t(RU, PREVIEW, klass="6A", subject=RUSSIAN))
    picker = await tap(
        olga,
        HomeworkEditButton,
        has_button(HomeworkPickButton, step=HomeworkStep.DUE, value=0),
        field=HomeworkStep.DUE,
    )
    assert render(RU, format_month, today) in picker.button_texts
    if Month.of(due) != Month.of(today):  # turn to the due date's month
        await tap(
            olga,
            HomeworkMonthButton,
            has_button(HomeworkPickButton, step=HomeworkStep.DUE, value=due.toordinal()),
            step=HomeworkStep.DUE,
            month=Month.of(due).index,
        )
    evenings = work_days(calendar, today, due)
    spread = t(RU, "Spread over {n} school days until {due}.", n=len(evenings), due=day_of(RU, due))
    preview = await tap(
        olga,
        HomeworkPickButton,
        t(RU, PREVIEW, klass="6A", subject=RUSSIAN),
        step=HomeworkStep.DUE,
        value=due.toordinal(),
    )
    assert spread in (preview.text or "")
    # The same date typed works too.
    await tap(
        olga,
        HomeworkEditButton,
        has_button(HomeworkPickButton, step=HomeworkStep.DUE, value=0),
        field=HomeworkStep.DUE,
    )
    typed = await send(
        olga, f"{due.day:02d}.{due.month:02d}", t(RU, PREVIEW, klass="6A", subject=RUSSIAN)
    )
    assert spread in (typed.text or "")
    await post(olga, RU, HomeworkAction.POST)
    [(klass, stored_text, loads)] = await stored(db, T_RU)
    assert (klass, stored_text) == ("6A", text)
    assert [d for d, _m in loads] == evenings and sum(m for _d, m in loads) == 60
    assert all(calendar.is_school_day(d) for d, _m in loads)
    assert len(loads) >= 10  # three weeks of school days
