"""A small world for the dashboard's API and browser tests: two districts, three schools,
every role of the API matrix, homework and reports on one day (`day`), two complaints and a
limit change. The figures the pages must show are in `DashWorld` (computed by hand here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.complaints import ComplaintLevel
from bot.domain.policy import ComplaintCategory
from bot.domain.reporting import ReportOutcome
from bot.domain.roles import Role
from storage.complaints import create_complaint
from storage.models import DailyReport, District, Membership, PolicyChange, School
from tests import world

OWNER = 1000
SUPERVISOR = 2001  # of district 1 (schools A and B)
OTHER_SUPERVISOR = 2002  # of district 2 (school C)
ADMIN = 2003  # school office of A
OTHER_ADMIN = 2004  # school office of B
GRADE_LEADER = 2005  # grade 3 of A
TEACHER = 2006  # teaches in A
PARENT = 2007  # a parent in class 3-1 of A (and the complainant)
STRANGER = 2008
HANDLER = 2009  # complaint handler of A

NOTES = ("Too much copying", "Maths took an hour")
REPORTED = (70, 80, 90, 100)  # minutes of the four families of 3-1 on `day`


@dataclass
class DashWorld:
    day: date
    district: District
    other_district: District
    a: School
    b: School
    c: School
    classes: dict[str, int] = field(default_factory=dict)
    complaint_a: str = ""
    complaint_c: str = ""


async def supervisor(session: AsyncSession, user_id: int, district: District) -> None:
    await world.user(session, user_id, f"Supervisor {user_id}")
    session.add(
        Membership(
            user_id=user_id,
            role=Role.SUPERVISOR,
            scope_key=f"d:{district.id}",
            district_id=district.id,
        )
    )
    await session.flush()


async def staff(
    session: AsyncSession, user_id: int, role: Role, school: School, grade: int | None = None
) -> None:
    await world.user(session, user_id, f"Staff {user_id}")
    await world.role(session, user_id, role, school, grade)


async def seed(session: AsyncSession, day: date, now: datetime) -> DashWorld:
    """The world; `day` is the class-day with homework and reports (a school day or not: the
    caps of grades 3 and 7 are 60 and 90 either way, no non-school-day cap is set)."""
    a = await world.school(session, "Alpha School", cap_non_school_day=None)
    b = await world.school(session, "Beta School")
    b.district_id = a.district_id
    c = await world.school(session, "Gamma School")
    district = await session.get(District, a.district_id)
    other = await session.get(District, c.district_id)
    assert district is not None and other is not None
    district.name, other.name = "North District", "South District"
    for s in (a, b, c):
        s.school_days = "1234567"  # every day a school day: the figures need no calendar
    await session.flush()
    w = DashWorld(day, district, other, a, b, c)
    for s, grade, name in ((a, 3, "3-1"), (a, 3, "3-2"), (a, 7, "7-1"), (b, 3, "B3"), (c, 3, "C3")):
        w.classes[name] = (await world.klass(session, s, grade, name)).id
    await world.user(session, OWNER, "Owner")
    await supervisor(session, SUPERVISOR, district)
    await supervisor(session, OTHER_SUPERVISOR, other)
    await staff(session, ADMIN, Role.SCHOOL_ADMIN, a)
    await staff(session, OTHER_ADMIN, Role.SCHOOL_ADMIN, b)
    await staff(session, GRADE_LEADER, Role.GRADE_LEADER, a, 3)
    await staff(session, TEACHER, Role.TEACHER, a)
    await staff(session, HANDLER, Role.COMPLAINT_HANDLER, a)
    await world.user(session, STRANGER, "Stranger")
    await homework_and_reports(session, w)
    await complaints_and_changes(session, w, now)
    await session.commit()
    return w


async def homework_and_reports(session: AsyncSession, w: DashWorld) -> None:
    """3-1: 80 written minutes (over its cap of 60), four reports (median 85) with two
    notes; 3-2: 40 minutes, two reports (too few to show); 7-1: 50 minutes, no reports;
    B3: 70 minutes (over); C3: 30 minutes."""
    maths = await world.subject(session, w.a, "Maths")
    chinese = await world.subject(session, w.a, "Chinese")
    klass = {name: await session.get(world.SchoolClass, cid) for name, cid in w.classes.items()}
    await world.homework(session, klass["3-1"], maths, TEACHER, 50, w.day)  # type: ignore[arg-type]
    await world.homework(session, klass["3-1"], chinese, TEACHER, 30, w.day)  # type: ignore[arg-type]
    await world.homework(session, klass["3-2"], maths, TEACHER, 40, w.day)  # type: ignore[arg-type]
    await world.homework(session, klass["7-1"], chinese, TEACHER, 50, w.day)  # type: ignore[arg-type]
    b_maths = await world.subject(session, w.b, "Maths")
    c_maths = await world.subject(session, w.c, "Maths")
    await world.homework(session, klass["B3"], b_maths, TEACHER, 70, w.day)  # type: ignore[arg-type]
    await world.homework(session, klass["C3"], c_maths, TEACHER, 30, w.day)  # type: ignore[arg-type]
    for i, minutes in enumerate(REPORTED):
        parent = PARENT if i == 0 else 3000 + i
        kid = await world.child(session, klass["3-1"], f"Kid {i}", [parent])  # type: ignore[arg-type]
        session.add(
            DailyReport(
                child_id=kid.id,
                day=w.day,
                minutes=minutes,
                outcome=ReportOutcome.UNFINISHED.value if i == 3 else ReportOutcome.DONE.value,
                note=NOTES[i] if i < len(NOTES) else None,
                reporter_id=parent,
            )
        )
    for i in range(2):
        kid = await world.child(session, klass["3-2"], f"Kid B{i}", [3100 + i])  # type: ignore[arg-type]
        session.add(
            DailyReport(
                child_id=kid.id,
                day=w.day,
                minutes=30,
                outcome=ReportOutcome.DONE.value,
                note="A lonely note" if i == 0 else None,
                reporter_id=3100 + i,
            )
        )
    await session.flush()


async def complaints_and_changes(session: AsyncSession, w: DashWorld, now: datetime) -> None:
    """An anonymous complaint about 3-1 filed on `day` by PARENT, its deadline passed and
    unanswered (late, open); one in school C; a limit change in school A on `day`."""
    filed = datetime.combine(w.day, time(4, 0), UTC)
    a = await create_complaint(
        session,
        school_id=w.a.id,
        class_id=w.classes["3-1"],
        complainant_id=PARENT,
        anonymous=True,
        category=ComplaintCategory.OVER_TIME_LIMIT.value,
        text="Parent 2007 here: too long",
        photos=[],
        now=filed,
        deadline_at=min(filed + timedelta(hours=1), now - timedelta(minutes=1)),
        remind_at=None,
        level=ComplaintLevel.SCHOOL,
    )
    c = await create_complaint(
        session,
        school_id=w.c.id,
        class_id=w.classes["C3"],
        complainant_id=STRANGER,
        anonymous=True,
        category=ComplaintCategory.TOTAL_LOAD.value,
        text="South",
        photos=[],
        now=filed,
        deadline_at=filed + timedelta(days=30),
        remind_at=None,
    )
    w.complaint_a, w.complaint_c = a.code, c.code
    session.add(
        PolicyChange(
            at=filed,
            user_id=ADMIN,
            district_id=w.a.district_id,
            school_id=w.a.id,
            field="cap_primary",
            old="60",
            new="50",
        )
    )
    await session.flush()
