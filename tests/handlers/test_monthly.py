"""The monthly report (月报) through the real Application: due on the first school day of the
month, the school office's and the supervisor's page in their languages, once; /monthly on
demand for those roles only."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from bot.domain.homework import HomeworkStatus
from bot.domain.load import HomeworkKind
from bot.domain.textcheck import piece_hints
from handlers.scheduler.tick import tick
from storage import hints, policy
from storage.models import Notification, School, SchoolClass, Subject
from tests import world
from tests.handlers.scheduler_kit import local
from tests.handlers.test_reports import (
    ADMIN,
    LEADER,
    OTHER_ADMIN,
    OUTSIDER,
    SUPERVISOR,
    TEACHER,
    build,
)
from tests.harness import Harness

DEC_1 = date(2026, 12, 1)  # a Tuesday: the first school day of December


async def record_changes(bot: Harness, ids: dict[str, int]) -> None:
    async with bot.session() as session:
        for field, old, new, school_id, day in (
            ("cap_junior", 90, 80, ids["school"], 20),
            ("check_time", "21:30", "21:00", ids["school"], 20),  # a time: not a limit
            ("cap_primary", 60, 50, None, 10),  # the district's
            ("cap_primary", 60, 55, ids["school"], 2 + 30),  # December: not this month
        ):
            policy.record_change(
                session,
                user_id=ADMIN,
                district_id=ids["district"],
                school_id=school_id,
                field=field,
                old=old,
                new=new,
                now=local(10, 0, date(2026, 11, 1) + timedelta(days=day - 1)),
            )
        await session.commit()


SCHOOL_PAGE = [
    "Monthly report for No. 1 School, November 2026.",
    "Class-days within the limits: 1 of 6 (17%).",
    "Over the limit: 5 class-days (by the estimate 1, by the parents' median 5, "
    "by unfinished reports 0).",
    "Reports coverage: 5 of 6 class-days with written homework had at least 3 reports (83%).",
    "Went to bed unfinished: 0 of 20 reports (0%).",
    "Nothing was posted over the limit.",  # over by the estimate, but nobody confirmed it
    "Hints on the month's homework: none.",
    "Complaints: 2 filed, 1 of 2 due answered on time.",
    "• total homework load too high: 2 filed, 1 answered on time.",
    "Limit changes:",
    "• District: Grades 3-6 changed from 60 min to 50 min.",
    "• No. 1 School: Grades 7-9 changed from 90 min to 80 min.",
]


async def test_monthly_report_on_the_first_school_day_once(bot: Harness) -> None:
    ids = await build(bot)
    await record_changes(bot, ids)
    assert [r.job.value for r in (await tick(bot.app, local(7, 59, DEC_1))).runs] == []
    report = await tick(bot.app, local(8, 0, DEC_1))
    assert [r.job.value for r in report.runs] == ["monthly", "monthly"]  # both schools
    admin = bot.user(ADMIN).messages
    assert [bool(m.photo) for m in admin] == [True, False]
    assert "No. 1 School: written homework by class, Nov 1\u2009–\u200930, 2026" in (
        admin[0].text or ""
    )
    assert (admin[1].text or "").split("\n") == SCHOOL_PAGE
    supervisor = bot.user(SUPERVISOR).messages
    assert [bool(m.photo) for m in supervisor] == [True, False]
    page = (supervisor[1].text or "").split("\n")
    assert page[0] == "District of No. 1 School月度简报，2026年11月。"
    assert page[2] == "• No. 1 School：未超上限17%（6个班·日中5个超出）；反馈覆盖83%；没写完0%。"
    over = "超出上限：5个班·日（按登记时长1个，按家长反馈用时中位数5个，按没写完的反馈0个）。"
    assert over in page
    assert "没有超上限登记的作业。" in page
    assert len(bot.user(OTHER_ADMIN).messages) == 2  # the far school's own month
    for quiet in (TEACHER, LEADER, OUTSIDER):
        assert bot.user(quiet).messages == []
    # Once: later ticks that day send nothing more; the next day is not the first school day.
    assert (await tick(bot.app, local(9, 0, DEC_1))).sent == 0
    assert "monthly" not in {
        r.job.value for r in (await tick(bot.app, local(8, 0, DEC_1 + timedelta(days=1)))).runs
    }
    async with bot.session() as session:
        sent = await session.scalar(
            select(func.count()).select_from(Notification).where(Notification.kind == "monthly")
        )
    assert sent == 2 + 2 + 2


async def test_monthly_command_for_offices_and_supervisors_only(bot: Harness) -> None:
    ids = await build(bot)
    await record_changes(bot, ids)
    bot.clock.now = local(12, 0, DEC_1 + timedelta(days=2))
    reply = await bot.send(bot.user(ADMIN), "/monthly")
    assert (reply.text or "").split("\n") == SCHOOL_PAGE
    reply = await bot.send(bot.user(SUPERVISOR), "/monthly")
    assert (reply.text or "").startswith("District of No. 1 School月度简报，2026年11月。")
    for outsider in (OUTSIDER, TEACHER):
        reply = await bot.send(bot.user(outsider), "/monthly")
        assert "Only school administrators and district supervisors" in (reply.text or "") or (
            "Отчёты доступны только" in (reply.text or "")
        )


async def hinted(
    bot: Harness,
    klass: str,
    text: str,
    day: date,
    status: HomeworkStatus = HomeworkStatus.POSTED,
    school: str = "No. 1 School",
) -> None:
    """A reading piece (it never counts against the limit) with its hints stored."""
    async with bot.session() as session:
        found = await session.scalar(
            select(SchoolClass)
            .join(School, School.id == SchoolClass.school_id)
            .where(SchoolClass.name == klass, School.name == school)
        )
        assert found is not None
        subject = await session.scalar(select(Subject).where(Subject.school_id == found.school_id))
        if subject is None:
            owner = await session.get(School, found.school_id)
            assert owner is not None
            subject = await world.subject(session, owner, "Y")
        piece = await world.homework(
            session,
            found,
            subject,
            801,
            10,
            day,
            kind=HomeworkKind.READING,
            status=status,
            text=text,
        )
        await hints.replace_hints(session, piece.id, piece_hints(HomeworkKind.READING, text))
        await session.commit()


async def east_school(bot: Harness, ids: dict[str, int]) -> None:
    """A second school of the same district, with a class 7A."""
    async with bot.session() as session:
        east = School(district_id=ids["district"], name="East School", timezone="Asia/Shanghai")
        session.add(east)
        await session.flush()
        await world.klass(session, east, 7, "7A")
        await session.commit()


async def test_monthly_pages_count_hints_per_item(bot: Harness) -> None:
    ids = await build(bot)
    await east_school(bot, ids)
    await hinted(bot, "5A", "Copy the text 10 times, parents must sign it", date(2026, 11, 10))
    await hinted(bot, "5A", "Copy the poem", date(2026, 11, 11))
    await hinted(bot, "5A", "Copy the word 10 times", date(2026, 11, 12), HomeworkStatus.CANCELLED)
    await hinted(bot, "5A", "Copy the word 10 times", date(2026, 12, 1))  # not last month
    await hinted(bot, "7A", "抄写课文十遍", date(2026, 11, 20), school="East School")
    bot.clock.now = local(12, 0, DEC_1 + timedelta(days=2))
    page = ((await bot.send(bot.user(ADMIN), "/monthly")).text or "").split("\n")
    start = page.index("Hints on the month's homework: 4 on 2 pieces, by item:")
    assert page[start + 1 : start + 4] == [
        "• Item 4 (1 hint): punitive, repetitive or arbitrary (e.g. copying a text N times as a "
        "punishment)",
        "• Item 9 (1 hint): parents or students made to mark homework, or a parent's signature "
        "used as the proof that the child completed it",
        "• Reads like written work, declared otherwise: 2 hints",
    ]
    assert page[start + 4].startswith("Complaints:")
    page = ((await bot.send(bot.user(SUPERVISOR), "/monthly")).text or "").split("\n")
    assert "各校提示：No. 1 School 4条和East School 2条。"  # a space after a Latin name in page
    start = page.index("本月作业提示共6条，涉及3项作业，按条目：")
    assert (
        page[start + 1] == "• 第4条（提示2条）：惩罚性、重复性、随意性作业（如罚抄课文、生字多遍）"
    )
    assert page[start + 2].startswith("• 第9条（提示1条）：")
    assert page[start + 3] == "• 登记为非书面作业但内容像书面作业：3条"
