"""Seed data for handler tests, written straight through the storage layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role
from storage import repo
from storage.models import School, SchoolClass, Subject, User


@dataclass
class SchoolSetup:
    """A school with classes by name, subjects by name, and staff ids by role."""

    school: School
    classes: dict[str, SchoolClass] = field(default_factory=dict)
    subjects: dict[str, Subject] = field(default_factory=dict)


async def make_user(
    session: AsyncSession, user_id: int, name: str, language_code: str = "en"
) -> User:
    user, _changed = await repo.upsert_user(
        session, repo.TelegramProfile(user_id, name, None, None, language_code)
    )
    await session.flush()
    return user


async def make_school(
    session: AsyncSession,
    *,
    name: str = "School No. 1",
    timezone: str = "Asia/Shanghai",
    classes: tuple[tuple[int, str], ...] = ((2, "2A"), (5, "5A"), (5, "5B"), (8, "8A")),
    subjects: tuple[str, ...] = ("Maths", "Chinese", "English"),
    **settings: Any,
) -> SchoolSetup:
    district = await repo.create_district(session, "District")
    school = await repo.create_school(session, district.id, name, timezone)
    for key, value in settings.items():
        setattr(school, key, value)
    await repo.add_classes(session, school.id, list(classes))
    await repo.add_subjects(session, school.id, list(subjects))
    setup = SchoolSetup(school)
    setup.classes = {k.name: k for k in await repo.classes_of(session, school.id)}
    setup.subjects = {s.name: s for s in await repo.subjects_of(session, school.id)}
    return setup


async def make_teacher(
    session: AsyncSession,
    setup: SchoolSetup,
    user_id: int,
    name: str,
    pairs: list[tuple[str, str]],
    language_code: str = "en",
) -> User:
    """A teacher of (class name, subject name) pairs."""
    user = await make_user(session, user_id, name, language_code)
    await repo.add_membership(session, user_id, Role.TEACHER, school_id=setup.school.id)
    await repo.add_teaching(
        session,
        user_id,
        [(setup.classes[c].id, setup.subjects[s].id) for c, s in pairs],
    )
    return user


async def make_staff(
    session: AsyncSession,
    setup: SchoolSetup,
    user_id: int,
    name: str,
    role: Role,
    grade: int | None = None,
    language_code: str = "en",
) -> User:
    user = await make_user(session, user_id, name, language_code)
    await repo.add_membership(
        session,
        user_id,
        role,
        school_id=setup.school.id,
        grade=grade,
        district_id=setup.school.district_id if role == Role.SUPERVISOR else None,
    )
    return user
