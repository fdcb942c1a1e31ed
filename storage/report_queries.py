"""Look-ups of the /reports and /export dialog and of the report pictures: which districts,
schools, grades and classes a user can pick, and class names for captions."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import District, School, SchoolClass


async def districts_by_name(session: AsyncSession, ids: Collection[int]) -> list[District]:
    return list(
        await session.scalars(select(District).where(District.id.in_(ids)).order_by(District.name))
    )


async def schools_in_reach(
    session: AsyncSession,
    school_ids: Collection[int],
    district_ids: Collection[int],
    limit: int | None = None,
) -> list[School]:
    """The schools given, and every school of the districts given, by name (at most `limit`)."""
    return list(
        await session.scalars(
            select(School)
            .where(School.id.in_(school_ids) | School.district_id.in_(district_ids))
            .order_by(School.name, School.id)
            .limit(limit)
        )
    )


async def grades_of(session: AsyncSession, school_id: int) -> list[int]:
    """The grades the school has classes in, ascending."""
    return sorted(
        set(
            await session.scalars(
                select(SchoolClass.grade).where(SchoolClass.school_id == school_id)
            )
        )
    )


async def classes_by_grade(
    session: AsyncSession, school_id: int, limit: int | None = None
) -> list[SchoolClass]:
    """The school's classes by grade, then name (archived ones too: kept for reports; the
    current ones first), at most `limit`."""
    return list(
        await session.scalars(
            select(SchoolClass)
            .where(SchoolClass.school_id == school_id)
            .order_by(SchoolClass.archived_at.is_not(None), SchoolClass.grade, SchoolClass.name)
            .limit(limit)
        )
    )


async def class_names(session: AsyncSession, class_ids: Collection[int]) -> dict[int, str]:
    rows = await session.execute(
        select(SchoolClass.id, SchoolClass.name).where(SchoolClass.id.in_(class_ids))
    )
    return {class_id: name for class_id, name in rows.all()}
