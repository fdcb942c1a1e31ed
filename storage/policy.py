"""The policy a school works under: its own limits held under its district's (one function,
`caps_of`, in Python; `cap_expression` the same in SQL), the mode at least the district's
minimum, and the record of every change of a limit, mode or time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.load import Caps, OverCapMode
from storage.models import District, PolicyChange, School, SchoolClass, User


def district_caps(district: District) -> Caps:
    """The district's preset (grades 1-2: always none)."""
    return Caps(
        primary_low=0,
        primary=district.cap_primary,
        junior=district.cap_junior,
        senior=district.cap_senior,
        non_school_day=district.cap_non_school_day,
    )


def own_caps(school: School) -> Caps:
    """The school's own settings, as stored (may be above the district's: see `caps_of`)."""
    return Caps(
        primary_low=school.cap_primary_low,
        primary=school.cap_primary,
        junior=school.cap_junior,
        senior=school.cap_senior,
        non_school_day=school.cap_non_school_day,
    )


def parse_mode(value: str) -> OverCapMode:
    try:
        return OverCapMode(value)
    except ValueError:
        return OverCapMode.WARN


def caps_of(school: School) -> Caps:
    """The caps every reader uses: the school's own under its district's (the tighter wins).
    `School.district` is loaded with the school."""
    return own_caps(school).within(district_caps(school.district))


def minimum_mode(district: District) -> OverCapMode:
    return parse_mode(district.min_over_cap_mode)


def mode_of(school: School) -> OverCapMode:
    """The school's over-limit mode, at least the district's minimum."""
    return parse_mode(school.over_cap_mode).at_least(minimum_mode(school.district))


# ---------------------------------------------------------------- the same cap in SQL


def _tighter(a: Any, b: Any) -> Any:
    """The lower of two nullable caps (NULL: no cap), as `bot.domain.load.tighter`."""
    return case((a.is_(None), b), (b.is_(None), a), (a < b, a), else_=b)


def _band_cap(
    grade: Any, low: Any, primary: Any, junior: Any, senior: Any, weekend: Any, off: Any
) -> Any:
    whens: list[tuple[Any, Any]] = [(grade <= 2, low)]
    if off is not None:
        whens.append((and_(weekend.is_not(None), off), weekend))
    whens += [(grade <= 6, primary), (grade <= 9, junior)]
    return case(*whens, else_=senior)


def cap_expression(non_school_day: ColumnElement[bool] | None = None) -> Any:
    """The cap of the joined `SchoolClass` under the joined `School` and `District` (mirrors
    `bot.domain.load.cap_for` with the district's ceiling); `non_school_day` the condition
    that the day is a weekend or holiday (None: a school day)."""
    k, s, d = SchoolClass, School, District
    school = _band_cap(
        k.grade,
        s.cap_primary_low,
        s.cap_primary,
        s.cap_junior,
        s.cap_senior,
        s.cap_non_school_day,
        non_school_day,
    )
    district = _band_cap(
        k.grade,
        literal(0),
        d.cap_primary,
        d.cap_junior,
        d.cap_senior,
        d.cap_non_school_day,
        non_school_day,
    )
    return _tighter(school, district)


# ---------------------------------------------------------------- changes


def as_text(value: object) -> str | None:
    """A setting's value as recorded: minutes as digits, times as HH:MM, None as None."""
    if value is None:
        return None
    if hasattr(value, "strftime"):
        return str(value.strftime("%H:%M"))
    return str(value)


def record_change(
    session: AsyncSession,
    *,
    user_id: int | None,
    district_id: int,
    school_id: int | None,
    field: str,
    old: object,
    new: object,
    now: datetime,
) -> PolicyChange | None:
    """Record a change (None when the value did not change). Not committed."""
    if as_text(old) == as_text(new):
        return None
    change = PolicyChange(
        at=now,
        user_id=user_id,
        district_id=district_id,
        school_id=school_id,
        field=field,
        old=as_text(old),
        new=as_text(new),
    )
    session.add(change)
    return change


@dataclass(frozen=True)
class ChangeRow:
    at: datetime
    school: str | None
    """None: the district's own preset."""
    field: str
    old: str | None
    new: str | None
    who: str | None = None
    """The display name of the person who changed it (None: unknown or forgotten)."""
    timezone: str | None = None
    """The school's time zone (None for the district's own changes)."""


def _change_query(district_id: int) -> Any:
    return (
        select(
            PolicyChange.at,
            School.name,
            PolicyChange.field,
            PolicyChange.old,
            PolicyChange.new,
            User.first_name,
            User.last_name,
            School.timezone,
        )
        .outerjoin(School, School.id == PolicyChange.school_id)
        .outerjoin(User, User.id == PolicyChange.user_id)
        .where(PolicyChange.district_id == district_id)
        .order_by(PolicyChange.at.desc(), PolicyChange.id.desc())
    )


def _change_row(row: Any) -> ChangeRow:
    at, school, field, old, new, first, last, timezone = row
    who = " ".join(part for part in (first, last) if part) or None
    return ChangeRow(at, school, field, old, new, who, timezone)


async def recent_changes(
    session: AsyncSession, district_id: int, limit: int = 15
) -> Sequence[ChangeRow]:
    """The district's and its schools' latest changes, newest first."""
    rows = await session.execute(_change_query(district_id).limit(limit))
    return [_change_row(row) for row in rows]


async def school_changes(
    session: AsyncSession, school: School, limit: int = 200
) -> Sequence[ChangeRow]:
    """One school's own changes (limits, mode, times), newest first."""
    query = _change_query(school.district_id).where(PolicyChange.school_id == school.id)
    return [_change_row(row) for row in await session.execute(query.limit(limit))]


async def district_schools(session: AsyncSession, district_id: int) -> Sequence[School]:
    """The district's schools by name."""
    return list(
        await session.scalars(
            select(School).where(School.district_id == district_id).order_by(School.name)
        )
    )


LIMIT_FIELDS = (
    "cap_primary_low",
    "cap_primary",
    "cap_junior",
    "cap_senior",
    "cap_non_school_day",
    "over_cap_mode",
    "min_over_cap_mode",
)
"""The recorded fields that are limits (or what happens over them), not times."""


async def limit_changes(
    session: AsyncSession,
    district_id: int,
    low: datetime,
    high: datetime,
    school_id: int | None = None,
) -> Sequence[ChangeRow]:
    """Changes of a limit or the over-limit mode in [low, high) (UTC), oldest first: the
    district's and all its schools', or with `school_id` the district's and that school's."""
    query = (
        _change_query(district_id)
        .where(
            PolicyChange.at >= low,
            PolicyChange.at < high,
            PolicyChange.field.in_(LIMIT_FIELDS),
        )
        .order_by(None)
        .order_by(PolicyChange.at, PolicyChange.id)
    )
    if school_id is not None:
        query = query.where(
            (PolicyChange.school_id == school_id) | PolicyChange.school_id.is_(None)
        )
    return [_change_row(row) for row in await session.execute(query)]
