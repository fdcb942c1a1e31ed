"""Small builders for scheduler and report tests: schools, classes, families and homework."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.homework import HomeworkStatus
from bot.domain.load import HomeworkKind
from bot.domain.roles import Role
from storage.homework import create_assignment
from storage.models import (
    Assignment,
    CalendarDay,
    Child,
    District,
    JobRun,
    Membership,
    ParentLink,
    School,
    SchoolClass,
    Subject,
    User,
)

# Thu 19 Nov 2026, the harness clock's date.
THU = date(2026, 11, 19)
LINKED = datetime(2026, 9, 1, tzinfo=UTC)
"""When the families of these worlds joined (before any test day: /report offers days since)."""


async def school(
    session: AsyncSession, name: str = "School 1", tz: str = "Asia/Shanghai", **settings: Any
) -> School:
    district = District(name=f"District of {name}")
    session.add(district)
    await session.flush()
    settings.setdefault("notice_time", time(17, 30))
    settings.setdefault("evening_time", time(20, 30))
    settings.setdefault("check_time", time(21, 30))
    found = School(district=district, name=name, timezone=tz, **settings)
    session.add(found)
    await session.flush()
    return found


async def calendar_day(session: AsyncSession, school_: School, day: date, kind: str) -> None:
    session.add(CalendarDay(school_id=school_.id, day=day, kind=kind))
    await session.flush()


async def klass(session: AsyncSession, school_: School, grade: int, name: str) -> SchoolClass:
    found = SchoolClass(school_id=school_.id, grade=grade, name=name)
    session.add(found)
    await session.flush()
    return found


async def subject(session: AsyncSession, school_: School, name: str) -> Subject:
    found = Subject(school_id=school_.id, name=name)
    session.add(found)
    await session.flush()
    return found


async def user(
    session: AsyncSession, user_id: int, name: str = "User", language_code: str = "en"
) -> User:
    found = await session.get(User, user_id)
    if found is None:
        found = User(id=user_id, first_name=name, language_code=language_code, reachable=True)
        session.add(found)
        await session.flush()
    return found


async def role(
    session: AsyncSession, user_id: int, role_: Role, school_: School, grade: int | None = None
) -> None:
    key = f"s:{school_.id}" if grade is None else f"s:{school_.id}:g:{grade}"
    session.add(
        Membership(
            user_id=user_id,
            role=role_,
            scope_key=key,
            school_id=school_.id,
            district_id=school_.district_id,
            grade=grade,
        )
    )
    await session.flush()


async def run_done(session: AsyncSession, school_: School, job: str, day: date) -> None:
    """Mark the school's `job` of `day` as run, so the scheduler leaves it alone (e.g. the
    monthly report, on a real first school day of a month, in a test about something else)."""
    await session.flush()
    session.add(JobRun(school_id=school_.id, job=job, local_date=day, finished_at=LINKED))
    await session.flush()


async def supervisor(session: AsyncSession, user_id: int, school_: School) -> None:
    """`user_id` supervises the school's district."""
    session.add(
        Membership(
            user_id=user_id,
            role=Role.SUPERVISOR,
            scope_key=f"d:{school_.district_id}",
            district_id=school_.district_id,
        )
    )
    await session.flush()


async def child(session: AsyncSession, klass_: SchoolClass, name: str, parents: list[int]) -> Child:
    found = Child(class_id=klass_.id, name=name)
    session.add(found)
    await session.flush()
    for parent in parents:
        await user(session, parent, f"Parent {parent}")
        session.add(ParentLink(parent_id=parent, child_id=found.id, created_at=LINKED))
    await session.flush()
    return found


async def homework(
    session: AsyncSession,
    klass_: SchoolClass,
    subject_: Subject,
    teacher_id: int,
    minutes: int,
    day: date = THU,
    kind: HomeworkKind = HomeworkKind.WRITTEN,
    status: HomeworkStatus = HomeworkStatus.POSTED,
    text: str = "Exercises",
    required: bool = True,
) -> Assignment:
    await user(session, teacher_id, f"Teacher {teacher_id}")
    return await create_assignment(
        session,
        klass=klass_,
        subject_id=subject_.id,
        teacher_id=teacher_id,
        text=text,
        photo_file_id=None,
        kind=kind,
        minutes=minutes,
        evening=day,
        due=None,
        loads={day: minutes},
        status=status,
        required=required,
    )
