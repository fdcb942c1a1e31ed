"""A small school for scheduler and parents' tests: class 4A with homework and families."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.domain.load import HomeworkKind
from bot.domain.roles import Role
from tests import world
from tests.harness import Harness

TZ = "Asia/Shanghai"
THU = world.THU
TEACHER, TEACHER2, LEADER, ADMIN = 801, 802, 701, 702
LENA_MUM, LENA_DAD, MAX_MUM, OTHER_MUM = 501, 502, 503, 504


def local(hh: int, mm: int = 0, day: date = THU) -> datetime:
    """A Shanghai wall-clock time on `day` as a UTC instant."""
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=ZoneInfo(TZ)).astimezone(UTC)


@dataclass
class Kit:
    school_id: int
    class_id: int
    other_class_id: int
    lena: int
    max: int
    other: int
    maths_id: int


async def build(bot: Harness, *, all_clear: bool = False) -> Kit:
    """4A (grade 4, cap 60): Maths 30 + Chinese 20 written + reading 15 on Thursday; Lena
    (two parents), Max (one); 4B has no homework. Every person is a fake Telegram user."""
    for uid, name in (
        (TEACHER, "Teacher Wang"),
        (TEACHER2, "Teacher Li"),
        (LEADER, "Leader Zhao"),
        (ADMIN, "Admin Sun"),
        (LENA_MUM, "Anna"),
        (LENA_DAD, "Boris"),
        (MAX_MUM, "Clara"),
        (OTHER_MUM, "Dora"),
    ):
        bot.user(uid, name)
    async with bot.session() as session:
        school = await world.school(session, "No. 1 School", TZ, daily_all_clear=all_clear)
        a = await world.klass(session, school, 4, "4A")
        b = await world.klass(session, school, 4, "4B")
        maths = await world.subject(session, school, "Maths")
        chinese = await world.subject(session, school, "Chinese")
        await world.homework(session, a, maths, TEACHER, 30)
        await world.homework(session, a, chinese, TEACHER2, 20)
        await world.homework(session, a, chinese, TEACHER2, 15, kind=HomeworkKind.READING)
        lena = await world.child(session, a, "Lena", [LENA_MUM, LENA_DAD])
        max_ = await world.child(session, a, "Max", [MAX_MUM])
        other = await world.child(session, b, "Olga", [OTHER_MUM])
        for uid in (TEACHER, TEACHER2, LEADER, ADMIN):
            await world.user(session, uid)
        await world.role(session, LEADER, Role.GRADE_LEADER, school, grade=4)
        await world.role(session, ADMIN, Role.SCHOOL_ADMIN, school)
        await session.commit()
        return Kit(school.id, a.id, b.id, lena.id, max_.id, other.id, maths.id)
