"""Report periods and scopes (pure): which class-evenings a report or an export covers.

Standard library only. A period is a closed range of school-local dates; a scope is a class,
a grade of a school, a school or a district.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta

MAX_DAYS = 366
"""The longest period a report or an export may cover: one school year."""


class ScopeKind(enum.StrEnum):
    CLASS = "class"
    GRADE = "grade"
    SCHOOL = "school"
    DISTRICT = "district"


@dataclass(frozen=True)
class Scope:
    """What a report covers; `school_id` is set for every kind but district."""

    kind: ScopeKind
    district_id: int | None = None
    school_id: int | None = None
    grade: int | None = None
    class_id: int | None = None

    def __post_init__(self) -> None:
        needed = {
            ScopeKind.CLASS: ("class_id",),
            ScopeKind.GRADE: ("school_id", "grade"),
            ScopeKind.SCHOOL: ("school_id",),
            ScopeKind.DISTRICT: ("district_id",),
        }[self.kind]
        for name in needed:
            if getattr(self, name) is None:
                raise ValueError(f"a {self.kind} scope needs {name}")

    @classmethod
    def of_class(cls, class_id: int) -> Scope:
        return cls(ScopeKind.CLASS, class_id=class_id)

    @classmethod
    def of_grade(cls, school_id: int, grade: int) -> Scope:
        return cls(ScopeKind.GRADE, school_id=school_id, grade=grade)

    @classmethod
    def of_school(cls, school_id: int) -> Scope:
        return cls(ScopeKind.SCHOOL, school_id=school_id)

    @classmethod
    def of_district(cls, district_id: int) -> Scope:
        return cls(ScopeKind.DISTRICT, district_id=district_id)


class RangeProblem(enum.StrEnum):
    REVERSED = "reversed"
    TOO_LONG = "too_long"
    FUTURE = "future"


def check_range(start: date, end: date, today: date) -> RangeProblem | None:
    """None for a usable period: start <= end <= today, at most `MAX_DAYS` days."""
    if start > end:
        return RangeProblem.REVERSED
    if end > today:
        return RangeProblem.FUTURE
    if (end - start).days + 1 > MAX_DAYS:
        return RangeProblem.TOO_LONG
    return None


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def last_week(today: date) -> tuple[date, date]:
    return week_of(today - timedelta(days=7))


def this_week(today: date) -> tuple[date, date]:
    """Monday of this week to today (a period never reaches into the future)."""
    return week_of(today)[0], today


def last_weeks(today: date, weeks: int) -> tuple[date, date]:
    """The `weeks` whole weeks before this one."""
    monday = week_of(today)[0]
    return monday - timedelta(days=7 * weeks), monday - timedelta(days=1)


def last_month(today: date) -> tuple[date, date]:
    """The first and last day of the calendar month before `today`'s."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def days_of(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


_DATE = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_RANGE = re.compile(rf"\s*{_DATE}\s*(?:\.\.|—|–|-|to|~|\s)\s*{_DATE}\s*")


def parse_range(text: str) -> tuple[date, date] | None:
    """'2026-11-02 2026-11-13' (or with '..', '-', '~', 'to' between) as two dates; None when
    it is not two valid ISO dates. The order is kept: `check_range` judges it."""
    match = _RANGE.fullmatch(text)
    if match is None:
        return None
    y1, m1, d1, y2, m2, d2 = (int(g) for g in match.groups())
    try:
        return date(y1, m1, d1), date(y2, m2, d2)
    except ValueError:
        return None
