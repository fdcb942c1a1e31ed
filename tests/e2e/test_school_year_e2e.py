"""A new school year end to end (`python bot.py`, the fake Bot API): the administrator (zh)
types the term dates, the bot restarts before the confirmation, the preview's button moves
every class up a grade; the leaving grade is archived; a parent (ru) is still linked to the
child, now in the next grade's class, and a teacher (zh) still teaches the moved class."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.domain.roles import Role
from handlers.reports.views import period_label
from handlers.school.year import YearConfirmButton
from storage.db import SessionMaker
from storage.models import SchoolClass, SchoolYear
from tests.e2e.conftest import BotProcess
from tests.e2e.helpers import has_button, send, t, tap
from tests.e2e.stories import ZH, add_child, add_person, render, seed_school
from tests.fakebot import FakeBotAPI

pytestmark = pytest.mark.e2e

ADMIN, PARENT, TEACHER = 4701, 4702, 4703
CLASSES = [(5, "5年级1班"), (5, "5年级2班"), (6, "6年级1班")]


async def test_the_year_moves_up(
    bot_process: BotProcess, api: FakeBotAPI, db: SessionMaker
) -> None:
    seeded = await seed_school(db, name="育英小学", classes=CLASSES, subjects=["数学"])
    await add_person(db, seeded, ADMIN, "张校长", "zh-hans", Role.SCHOOL_ADMIN)
    await add_person(db, seeded, PARENT, "Ирина", "ru")
    await add_person(
        db, seeded, TEACHER, "李静", "zh-hans", Role.TEACHER, teaches=[("5年级2班", "数学")]
    )
    await add_child(db, seeded, "Маша", "5年级2班", [PARENT])
    await add_child(db, seeded, "王小明", "6年级1班", [PARENT])
    admin = api.user(ADMIN, "张校长", language_code="zh-hans")
    parent = api.user(PARENT, "Ирина", language_code="ru")
    teacher = api.user(TEACHER, "李静", language_code="zh-hans")
    await bot_process.start()

    question = await send(admin, "/newyear", "育英小学")
    assert t(ZH, "The current school year: {period}.")[:4] not in (question.text or "")
    preview = await send(
        admin,
        "2026年9月1日至2027年7月10日",
        has_button(YearConfirmButton, confirm=True),
    )
    assert t(ZH, "{old} → {new}", old="5年级2班", new="6年级2班") in (preview.text or "")
    await bot_process.restart()  # the dialog is a row: the preview's button still works
    period = render(ZH, period_label, date(2026, 9, 1), date(2027, 7, 10))
    await tap(
        admin,
        YearConfirmButton,
        t(ZH, "Done: the school year {period} has started.", period=period),
        confirm=True,
    )

    async with db() as s:
        rows = (
            await s.execute(
                select(SchoolClass.name, SchoolClass.grade, SchoolClass.archived_at.is_(None))
                .where(SchoolClass.school_id == seeded.school_id)
                .order_by(SchoolClass.id)
            )
        ).all()
        year = await s.scalar(select(SchoolYear))
    assert [tuple(r) for r in rows] == [
        ("6年级1班", 6, True),
        ("6年级2班", 6, True),
        ("6年级1班（2026届）", 6, False),
    ]
    assert year is not None
    assert (year.first_day, year.last_day) == (date(2026, 9, 1), date(2027, 7, 10))

    # The parent still has both children: Masha now in 6年级2班, the leaver in the archive.
    me = await send(parent, "/me", lambda m: "Маша" in (m.text or ""))
    assert "6年级2班" in (me.text or "")
    assert "6年级1班（2026届）" in (me.text or "")
    # The teacher still teaches the moved class, under its new name.
    me = await send(teacher, "/me", lambda m: "数学" in (m.text or ""))
    assert "6年级2班" in (me.text or "") and "5年级2班" not in (me.text or "")
