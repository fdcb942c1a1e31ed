"""/members through `python bot.py` (issue 13): the school office (教务处, in Chinese) gives
张老师 English in 4B (one pair, nothing else) and removes a parent from 4A; the parent is told,
their report stays in the class's figures without their name."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.domain.roles import Role
from bot.i18n import format_list, use_locale
from handlers.members.payloads import MembersAction, MembersButton, PairButton
from storage.db import SessionMaker
from storage.models import DailyReport, ParentLink, Teaching
from tests.e2e.conftest import BotProcess
from tests.e2e.helpers import send, t, tap
from tests.e2e.stories import add_child, add_person, seed_school
from tests.fakebot import FakeBotAPI

pytestmark = pytest.mark.e2e

ZH = "zh_Hans"
OFFICE, ZHANG, MUM, DAD = 7001, 7002, 7003, 7004
SCHOOL = "阳光小学"


async def test_office_changes_a_teachers_pairs_and_removes_a_parent(
    bot: BotProcess, api: FakeBotAPI, db: SessionMaker
) -> None:
    seeded = await seed_school(
        db, name=SCHOOL, classes=[(4, "4A"), (4, "4B")], subjects=["数学", "英语"]
    )
    await add_person(db, seeded, OFFICE, "周主任", "zh-hans", Role.SCHOOL_ADMIN)
    await add_person(db, seeded, ZHANG, "张老师", "zh-hans", Role.TEACHER, teaches=[("4A", "数学")])
    await add_person(db, seeded, MUM, "王芳", "zh-hans")
    await add_person(db, seeded, DAD, "王强", "zh-hans")
    xiaoming = await add_child(db, seeded, "王小明", "4A", [MUM, DAD])
    async with db() as s:
        s.add(
            DailyReport(
                child_id=xiaoming, day=seeded.today, minutes=50, outcome="done", reporter_id=MUM
            )
        )
        await s.commit()
    office = api.user(OFFICE, "周主任", language_code="zh-hans")
    mum = api.user(MUM, "王芳", language_code="zh-hans")
    english, maths = seeded.subjects["英语"], seeded.subjects["数学"]
    a, b = seeded.classes["4A"], seeded.classes["4B"]

    await send(office, "/members", t(ZH, "The people of {school}:", school=SCHOOL))
    # 张老师's pairs: English in 4B added, and nothing else.
    await tap(
        office,
        MembersButton,
        t(ZH, "Teachers of {school}: {n}", school=SCHOOL, n=1),
        act=MembersAction.TEACHERS,
    )
    await tap(office, MembersButton, "张老师", act=MembersAction.TEACHER, target=ZHANG)
    await tap(
        office,
        MembersButton,
        t(
            ZH,
            "{subject} of {name}: tap a class to add or remove it. Each tap changes one class "
            "and subject, nothing else.",
            subject="英语",
            name="张老师",
        ),
        act=MembersAction.SUBJECT,
        item=english,
    )
    await tap(office, PairButton, lambda m: "✅ 4B" in m.button_texts, klass=b, subject=english)
    with use_locale(ZH):
        both = format_list(["4A 数学", "4B 英语"])
    done = t(ZH, "Teaches: {pairs}", pairs=both)
    await tap(office, MembersButton, done, act=MembersAction.TEACHER, target=ZHANG)
    async with db() as s:
        pairs = set((await s.execute(select(Teaching.class_id, Teaching.subject_id))).all())
    assert pairs == {(a, maths), (b, english)}

    # 王芳 removed from 4A: unlinked and told; 王小明 stays with 王强; her report stays, anonymous.
    await send(office, "/members", t(ZH, "The people of {school}:", school=SCHOOL))
    await tap(
        office,
        MembersButton,
        t(ZH, "Parents by class: tap a class to see its families."),
        act=MembersAction.CLASSES,
    )
    await tap(office, MembersButton, "王小明", act=MembersAction.CLASS, target=a)
    await tap(office, MembersButton, "王芳", act=MembersAction.CHILD, target=xiaoming)
    await tap(
        office,
        MembersButton,
        t(
            ZH,
            "Remove {name} from class {klass}? They will no longer get its homework or questions. "
            "Their past reports stay in the class's figures, without their name.",
            name="王芳",
            klass="4A",
        ),
        act=MembersAction.REMOVE_PARENT,
        item=MUM,
    )
    await tap(
        office,
        MembersButton,
        t(ZH, "Done: {name} is no longer a parent in class {klass}.", name="王芳", klass="4A"),
        act=MembersAction.REMOVE_PARENT_OK,
        item=MUM,
    )
    await mum.wait_for(
        t(
            ZH,
            "The school office removed you from class {klass} at {school}.",
            klass="4A",
            school=SCHOOL,
        )
    )
    async with db() as s:
        links = set((await s.execute(select(ParentLink.parent_id, ParentLink.child_id))).all())
        report = await s.scalar(select(DailyReport).where(DailyReport.child_id == xiaoming))
    assert links == {(DAD, xiaoming)}
    assert report is not None and (report.minutes, report.reporter_id) == (50, None)
