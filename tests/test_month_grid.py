"""The month grid of the date pickers (bot/domain/month_grid.py): Monday first, holidays and
days off, days that may be chosen, and how far the arrows go."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.calendar import SchoolCalendar
from bot.domain.month_grid import Month, may_go_back, may_go_on, month_grid, month_to_show

TODAY = date(2026, 11, 19)  # a Thursday
LAST = date(2027, 3, 19)  # 120 days ahead


def days_of(weeks: list) -> list[date]:
    return [c.day for w in weeks for c in w if c is not None]


def test_november_2026_starts_on_sunday() -> None:
    weeks = month_grid(Month(2026, 11), today=TODAY, first=TODAY, last=LAST)
    assert all(len(w) == 7 for w in weeks)
    assert weeks[0][:6] == [None] * 6 and weeks[0][6] is not None
    assert weeks[0][6].day == date(2026, 11, 1)  # Sunday, last column
    assert weeks[-1][0] is not None and weeks[-1][0].day == date(2026, 11, 30)  # Monday
    assert days_of(weeks) == [date(2026, 11, d) for d in range(1, 31)]


def test_past_days_and_today() -> None:
    weeks = month_grid(Month(2026, 11), today=TODAY, first=TODAY, last=LAST)
    cells = {c.day: c for w in weeks for c in w if c is not None}
    assert not cells[date(2026, 11, 18)].selectable
    assert cells[TODAY].selectable and cells[TODAY].today
    assert not cells[date(2026, 11, 20)].today


def test_holidays_and_days_off_from_the_school_calendar() -> None:
    national_day = frozenset(date(2026, 10, d) for d in range(1, 8))
    calendar = SchoolCalendar(holidays=national_day, makeup_days=frozenset({date(2026, 10, 10)}))
    weeks = month_grid(
        Month(2026, 10),
        today=date(2026, 9, 28),
        first=date(2026, 9, 28),
        last=date(2027, 1, 26),
        holidays=calendar.holidays,
        is_school_day=calendar.is_school_day,
    )
    cells = {c.day: c for w in weeks for c in w if c is not None}
    assert cells[date(2026, 10, 1)].holiday and cells[date(2026, 10, 1)].day_off
    assert not cells[date(2026, 10, 10)].day_off  # a make-up Saturday is a school day
    assert cells[date(2026, 10, 11)].day_off and not cells[date(2026, 10, 11)].holiday
    assert not cells[date(2026, 10, 9)].day_off


def test_days_beyond_the_last_cannot_be_chosen() -> None:
    weeks = month_grid(Month(2027, 3), today=TODAY, first=TODAY, last=LAST)
    cells = {c.day: c for w in weeks for c in w if c is not None}
    assert cells[LAST].selectable and not cells[date(2027, 3, 20)].selectable


@pytest.mark.parametrize(
    ("month", "back", "on"),
    [(Month(2026, 11), False, True), (Month(2026, 12), True, True), (Month(2027, 3), True, False)],
)
def test_arrows(month: Month, back: bool, on: bool) -> None:
    assert may_go_back(month, TODAY) is back
    assert may_go_on(month, LAST) is on


def test_month_index_round_trip_and_year_boundaries() -> None:
    assert Month.from_index(Month(2026, 12).index) == Month(2026, 12)
    assert Month(2026, 12).shifted(1) == Month(2027, 1)
    assert Month(2027, 1).shifted(-1) == Month(2026, 12)
    assert Month(2028, 2).last_day == date(2028, 2, 29)
    with pytest.raises(ValueError, match="no such month"):
        Month.from_index(-1)


def test_a_stale_month_is_kept_within_range() -> None:
    assert month_to_show(Month(2020, 1), TODAY, LAST) == Month(2026, 11)
    assert month_to_show(Month(2030, 1), TODAY, LAST) == Month(2027, 3)
    assert month_to_show(Month(2027, 1), TODAY, LAST) == Month(2027, 1)
