"""A real school set up through `python bot.py`, in Chinese, only by typing and pasting: the
owner creates it (the time zone typed as 北京时间), its administrator types the subjects as a
list, six grades of twenty classes as '1-6年级 每级20个班', pastes 120 class lists copied from
a spreadsheet (student number, name, gender), types the holidays by name and a time in words."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import func, select

from bot.domain.roles import InviteRole
from handlers.onboarding import owner
from handlers.onboarding.owner import NewSchoolConfirmButton, NewSchoolDistrictButton
from handlers.school.settings import SettingsAction, SettingsButton
from handlers.school.setup import SetupAction, SetupButton
from storage.db import SessionMaker
from storage.models import CalendarDay, Child, Invite, School, SchoolClass, Subject
from tests.e2e.conftest import OWNER_ID, BotProcess
from tests.e2e.helpers import has_button, invite_code, labels, send, t, t_re, tap, tn
from tests.fakebot import FakeBotAPI, FakeUser

pytestmark = pytest.mark.e2e

ZH = "zh_Hans"
DISTRICT, SCHOOL = "海淀区", "北京市海淀区实验小学"
GRADES, PER_GRADE, PUPILS = 6, 20, 40
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀英", "霞", "平", "刚", "桂英", "欣怡", "子涵", "浩然", "梓萱", "宇轩",
    "一诺", "雨桐", "思远", "嘉怡", "俊杰", "紫涵", "博文", "晨曦", "诗涵", "子轩", "若曦",
    "天佑", "佳琪",
]  # fmt: skip
SUBJECTS = ["语文", "数学", "英语", "道德与法治", "科学", "音乐", "美术", "体育"]


def class_name(grade: int, number: int) -> str:
    return f"{grade}年级{number}班"


def pupils(grade: int, number: int) -> list[str]:
    """Forty names for a class; a surname shifts by class, so classes differ."""
    shift = grade * PER_GRADE + number
    return [SURNAMES[(shift + i) % len(SURNAMES)] + GIVEN[i] for i in range(PUPILS)]


def spreadsheet(grade: int, number: int) -> str:
    """The class list as copied from a spreadsheet: a header row, then number, name, gender."""
    rows = ["学号\t姓名\t性别"]
    rows += [f"{i}\t{name}\t{'男女'[i % 2]}" for i, name in enumerate(pupils(grade, number), 1)]
    return "\n".join(rows)


def typed_list(grade: int, number: int) -> str:
    """The class list as typed in a chat: names separated by 、, ten a line."""
    names = pupils(grade, number)
    return "\n".join("、".join(names[i : i + 10]) for i in range(0, len(names), 10))


async def create_school(o: FakeUser, db: SessionMaker) -> str:
    await send(o, "/newschool", has_button(NewSchoolDistrictButton, district_id=0))
    ask_school = t(ZH, "Type the school's name:")
    await tap(
        o,
        NewSchoolDistrictButton,
        t(ZH, 'Type the district\'s name (e.g. "Haidian District"):'),
        district_id=0,
    )
    await send(o, DISTRICT, ask_school)
    await send(
        o, SCHOOL, t(ZH, "Which time zone is the school in? Pick one, or type it or a city in it:")
    )
    check = await send(
        o, "北京时间", has_button(NewSchoolConfirmButton, action=owner.NewSchoolAction.CREATE)
    )
    assert "Asia/Shanghai" in (check.text or "")
    done = await tap(
        o,
        NewSchoolConfirmButton,
        t_re(
            ZH,
            "The school {school} is created. Send this link to its administrator (it works "
            "once, for {days} days):\n{link}\n\nOpen it yourself if you will administer the "
            "school.",
            school=SCHOOL,
            days=owner.ADMIN_INVITE_DAYS,
        ),
        action=owner.NewSchoolAction.CREATE,
    )
    return invite_code(done)


async def type_classes(a: FakeUser, db: SessionMaker) -> dict[str, int]:
    """'1-6年级 每级20个班' typed at the menu: shown, then created; a class written otherwise
    is asked about, not added."""
    menu = t(ZH, "Classes of {school}:", school=SCHOOL) + "\n" + t(ZH, "No classes yet.")
    await send(a, "/classes", menu)
    preview = await send(
        a,
        "1-6年级 每级20个班",
        tn(ZH, "This creates {n} class:", "This creates {n} classes:", GRADES * PER_GRADE),
    )
    first_to_last = t(ZH, "{first} to {last}", first=class_name(1, 1), last=class_name(1, 20))
    assert "• " + t(ZH, "Grade {n}: {classes}", n=1, classes=first_to_last) in (preview.text or "")
    created = tn(ZH, "{n} class created.", "{n} classes created.", GRADES * PER_GRADE)
    await tap(
        a,
        SetupButton,
        t(ZH, "Grade {n}: {classes}", n=6, classes=""),
        toast=created,
        act=SetupAction.CREATE,
    )
    question = t(
        ZH,
        "{same} is already here. Is {name} the same class?",
        same=class_name(1, 1),
        name="一年级1班",
    )
    await send(a, "一年级1班", question)
    await tap(
        a,
        SetupButton,
        t(ZH, "Classes of {school}:", school=SCHOOL),
        label=t(ZH, "Yes, the same class"),
        act=SetupAction.MENU,
    )
    async with db() as s:
        found = await s.execute(select(SchoolClass.name, SchoolClass.id, SchoolClass.grade))
        classes = {name: class_id for name, class_id, _grade in found}
    assert sorted(classes) == sorted(
        class_name(g, n) for g in range(1, GRADES + 1) for n in range(1, PER_GRADE + 1)
    )
    return classes


async def paste_class_lists(a: FakeUser, classes: dict[str, int]) -> None:
    """Every class's list pasted at the menu under the class's name, previewed, saved."""
    for grade in range(1, GRADES + 1):
        for number in range(1, PER_GRADE + 1):
            name = class_name(grade, number)
            body = spreadsheet(grade, number) if number % 2 else typed_list(grade, number)
            head = tn(
                ZH,
                "{n} name for {klass}: {names}",
                "{n} names for {klass}: {names}",
                PUPILS,
                klass=name,
                names="",
            )
            preview = await send(a, f"{name}\n{body}", head)
            assert pupils(grade, number)[-1] in (preview.text or "")
            added = tn(
                ZH,
                "{n} child added to the class list of {klass}.",
                "{n} children added to the class list of {klass}.",
                PUPILS,
                klass=name,
            )
            await tap(
                a, SetupButton, added, toast=added, act=SetupAction.SAVE_ROSTER, value=classes[name]
            )


async def type_settings(a: FakeUser) -> None:
    """A time in words and two named holidays."""
    await send(a, "/settings", has_button(SettingsButton, act=SettingsAction.TIMES))
    await tap(
        a, SettingsButton, t(ZH, "Which time do you want to change?"), act=SettingsAction.TIMES
    )
    notice = t(ZH, "Homework notice to parents")
    [label] = [x for x in labels(a, SettingsButton) if x.startswith(notice)]
    await tap(a, SettingsButton, notice, label=label, act=SettingsAction.TIME)
    await send(a, "18点半后", t(ZH, "I could not read that as a time."))
    # 17:30 would come before the homework cut-off (18:00): refused with the rule stated.
    await send(a, "下午5点半", lambda m: "17:30" in (m.text or "") and "18:00" in (m.text or ""))
    await send(a, "下午6点半", "18:30")
    await tap(
        a,
        SettingsButton,
        t(ZH, "Upcoming holidays and make-up school days:"),
        act=SettingsAction.CALENDAR,
    )
    for typed, holiday in (("国庆 10月1日-7日", "国庆"), ("寒假 1月20日-2月17日", "寒假")):
        await tap(
            a,
            SettingsButton,
            t(
                ZH,
                "Type the holiday's name and dates, e.g. Autumn break Oct 26-30, or only the "
                "dates.",
            ),
            act=SettingsAction.ADD_HOLIDAYS,
        )
        await send(a, typed, f"• {holiday}")
    assert [x for x in labels(a, SettingsButton) if x.startswith("🗑")] == ["🗑 寒假", "🗑 国庆"]


async def test_a_school_of_six_grades_of_twenty_classes_set_up_by_typing(
    bot: BotProcess, api: FakeBotAPI, db: SessionMaker
) -> None:
    principal = api.user(OWNER_ID, "王校长", language_code="zh-hans")
    admin = api.user(2100, "李主任", language_code="zh-hans")
    code = await create_school(principal, db)
    await send(
        admin,
        f"/start {code}",
        t(ZH, "You are now a school administrator of {school}.", school=SCHOOL),
    )

    await send(
        admin,
        "/subjects",
        t(ZH, "Subjects of {school}: {subjects}", school=SCHOOL, subjects=t(ZH, "none yet")),
    )
    await send(
        admin,
        "、".join(SUBJECTS),
        tn(ZH, "{n} subject added.", "{n} subjects added.", len(SUBJECTS)),
    )
    await tap(admin, SetupButton, t(ZH, "Saved."), act=SetupAction.DONE)

    classes = await type_classes(admin, db)
    await paste_class_lists(admin, classes)
    await tap(admin, SetupButton, t(ZH, "Saved."), act=SetupAction.DONE)
    await type_settings(admin)

    async with db() as s:
        school = await s.scalar(select(School).where(School.name == SCHOOL))
        assert school is not None and school.timezone == "Asia/Shanghai"
        assert school.notice_time == time(18, 30)
        subjects = await s.scalars(select(Subject.name).order_by(Subject.position))
        assert list(subjects) == SUBJECTS
        total = await s.scalar(select(func.count()).select_from(Child))
        assert total == GRADES * PER_GRADE * PUPILS
        for name in (class_name(1, 1), class_name(3, 14), class_name(6, 20)):
            grade, number = int(name[0]), int(name[3:-1])
            found = await s.scalars(
                select(Child.name).where(Child.class_id == classes[name]).order_by(Child.id)
            )
            assert list(found) == pupils(grade, number)
        days = (await s.execute(select(CalendarDay.day, CalendarDay.name))).all()
        national = sorted(day for day, name in days if name == "国庆")
        assert [(d.month, d.day) for d in national] == [(10, n) for n in range(1, 8)]
        assert {name for _day, name in days} == {"国庆", "寒假"}
        assert len(days) == 7 + 29
        admin_invite = await s.scalar(select(Invite).where(Invite.code == code))
        assert admin_invite is not None and admin_invite.role == InviteRole.SCHOOL_ADMIN
