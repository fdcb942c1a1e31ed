"""A month laid out as a calendar grid, Monday first, for a date picker (pure).

Each cell says whether its day may be chosen (not before `first`, not after `last`), whether it
is a holiday of the school, a day off at all (weekend or holiday), or today; days of the
neighbouring months are empty cells. The keyboard that draws it lives in the handlers.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Month:
    """A calendar month; `index` (year * 12 + month - 1) is how buttons carry it."""

    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def from_index(cls, index: int) -> Month:
        if not 12 <= index <= 9999 * 12 + 11:
            raise ValueError(f"no such month index: {index}")
        return cls(index // 12, index % 12 + 1)

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def shifted(self, months: int) -> Month:
        return Month.from_index(self.index + months)


@dataclass(frozen=True)
class Cell:
    day: date
    selectable: bool
    holiday: bool
    day_off: bool
    today: bool


Week = list[Cell | None]


def month_grid(
    month: Month,
    *,
    today: date,
    first: date,
    last: date,
    holidays: frozenset[date] = frozenset(),
    is_school_day: Callable[[date], bool] | None = None,
) -> list[Week]:
    """The month's weeks, Monday first, seven cells each (None outside the month)."""
    weeks: list[Week] = []
    for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        month.year, month.month
    ):
        row: Week = []
        for day in week:
            if day.month != month.month:
                row.append(None)
                continue
            off = (not is_school_day(day)) if is_school_day else day.weekday() >= 5
            row.append(Cell(day, first <= day <= last, day in holidays, off, day == today))
        weeks.append(row)
    return weeks


def may_go_back(month: Month, first: date) -> bool:
    """The month before has a day that may be chosen."""
    return month.first_day > first


def may_go_on(month: Month, last: date) -> bool:
    """The month after has a day that may be chosen."""
    return month.last_day < last


def month_to_show(wanted: Month, first: date, last: date) -> Month:
    """`wanted`, kept between the months of `first` and `last` (a stale arrow)."""
    low, high = Month.of(first).index, Month.of(last).index
    return Month.from_index(min(max(wanted.index, low), high))
