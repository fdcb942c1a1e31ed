"""Tests for bot.calendar: school days, local time and the default evening."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import (
    MAX_SEARCH_DAYS,
    SchoolCalendar,
    default_evening,
    format_school_days,
    is_valid_timezone,
    local_now,
    local_today,
    parse_school_days,
)

# November 2026: Mon 16, Tue 17, Wed 18, Thu 19, Fri 20, Sat 21, Sun 22, Mon 23, Tue 24, Wed 25.
MON, TUE, WED, THU, FRI = (date(2026, 11, d) for d in (16, 17, 18, 19, 20))
SAT, SUN, NEXT_MON, NEXT_TUE, NEXT_WED = (date(2026, 11, d) for d in (21, 22, 23, 24, 25))

PLAIN = SchoolCalendar()
# Wed 18 is a holiday; Sat 21 is a make-up school day.
EXCEPTIONS = SchoolCalendar(holidays=frozenset({WED}), makeup_days=frozenset({SAT}))
SIX_DAY = SchoolCalendar(school_days=frozenset({1, 2, 3, 4, 5, 6}))
SHANGHAI = "Asia/Shanghai"


@pytest.mark.parametrize(
    ("cal", "d", "expected"),
    [
        pytest.param(PLAIN, MON, True, id="monday"),
        pytest.param(PLAIN, FRI, True, id="friday"),
        pytest.param(PLAIN, SAT, False, id="saturday"),
        pytest.param(PLAIN, SUN, False, id="sunday"),
        pytest.param(EXCEPTIONS, WED, False, id="holiday-on-weekday"),
        pytest.param(EXCEPTIONS, SAT, True, id="makeup-saturday"),
        pytest.param(EXCEPTIONS, SUN, False, id="sunday-next-to-makeup"),
        pytest.param(SIX_DAY, SAT, True, id="six-day-week-saturday"),
        pytest.param(SIX_DAY, SUN, False, id="six-day-week-sunday"),
        pytest.param(
            SchoolCalendar(holidays=frozenset({SAT}), makeup_days=frozenset({SAT})),
            SAT,
            False,
            id="holiday-beats-makeup",
        ),
    ],
)
def test_is_school_day(cal: SchoolCalendar, d: date, expected: bool) -> None:
    assert cal.is_school_day(d) is expected


@pytest.mark.parametrize("days", [frozenset({0}), frozenset({8}), frozenset({1, 2, 9})])
def test_calendar_rejects_bad_weekdays(days: frozenset[int]) -> None:
    with pytest.raises(ValueError, match="ISO weekdays"):
        SchoolCalendar(school_days=days)


def test_calendar_stores_frozensets_and_is_hashable() -> None:
    cal = SchoolCalendar(
        school_days={1, 2, 3},  # type: ignore[arg-type]
        holidays={MON},  # type: ignore[arg-type]
        makeup_days={SAT},  # type: ignore[arg-type]
    )
    assert isinstance(cal.school_days, frozenset)
    assert isinstance(cal.holidays, frozenset)
    assert isinstance(cal.makeup_days, frozenset)
    assert hash(cal) == hash(
        SchoolCalendar(frozenset({1, 2, 3}), frozenset({MON}), frozenset({SAT}))
    )


@pytest.mark.parametrize(
    ("cal", "d", "include_self", "expected"),
    [
        pytest.param(PLAIN, THU, False, FRI, id="thu-to-fri"),
        pytest.param(PLAIN, FRI, False, NEXT_MON, id="fri-over-weekend"),
        pytest.param(PLAIN, SAT, False, NEXT_MON, id="sat-to-mon"),
        pytest.param(PLAIN, THU, True, THU, id="include-self-school-day"),
        pytest.param(PLAIN, SUN, True, NEXT_MON, id="include-self-sunday"),
        pytest.param(EXCEPTIONS, TUE, False, THU, id="skips-holiday"),
        pytest.param(EXCEPTIONS, FRI, False, SAT, id="makeup-saturday"),
        pytest.param(EXCEPTIONS, WED, True, THU, id="include-self-holiday"),
    ],
)
def test_next_school_day(cal: SchoolCalendar, d: date, include_self: bool, expected: date) -> None:
    assert cal.next_school_day(d, include_self=include_self) == expected


@pytest.mark.parametrize("include_self", [False, True])
def test_next_school_day_none_within_bound(include_self: bool) -> None:
    cal = SchoolCalendar(school_days=frozenset())
    with pytest.raises(ValueError, match="no school day"):
        cal.next_school_day(MON, include_self=include_self)


@pytest.mark.parametrize(
    ("offset", "found"),
    [(1, True), (MAX_SEARCH_DAYS, True), (MAX_SEARCH_DAYS + 1, False)],
)
def test_next_school_day_search_bound(offset: int, found: bool) -> None:
    target = MON + timedelta(days=offset)
    cal = SchoolCalendar(school_days=frozenset(), makeup_days=frozenset({target}))
    if found:
        assert cal.next_school_day(MON) == target
    else:
        with pytest.raises(ValueError, match="no school day"):
            cal.next_school_day(MON)


@pytest.mark.parametrize(
    ("cal", "start", "end", "expected"),
    [
        pytest.param(PLAIN, THU, NEXT_TUE, [THU, FRI, NEXT_MON, NEXT_TUE], id="over-weekend"),
        pytest.param(PLAIN, THU, THU, [THU], id="single-day"),
        pytest.param(PLAIN, SAT, SUN, [], id="weekend-only"),
        pytest.param(PLAIN, FRI, THU, [], id="end-before-start"),
        pytest.param(
            EXCEPTIONS, MON, NEXT_MON, [MON, TUE, THU, FRI, SAT, NEXT_MON], id="exceptions"
        ),
    ],
)
def test_school_days_between(
    cal: SchoolCalendar, start: date, end: date, expected: list[date]
) -> None:
    assert cal.school_days_between(start, end) == expected
    assert cal.count_school_days(start, end) == len(expected)


@pytest.mark.parametrize(
    ("cal", "d", "n", "expected"),
    [
        pytest.param(PLAIN, THU, 0, THU, id="zero"),
        pytest.param(PLAIN, SAT, 0, SAT, id="zero-from-weekend"),
        pytest.param(PLAIN, THU, 1, FRI, id="one"),
        pytest.param(PLAIN, THU, 2, NEXT_MON, id="over-weekend"),
        pytest.param(PLAIN, FRI, 3, NEXT_WED, id="three-from-friday"),
        pytest.param(PLAIN, SAT, 1, NEXT_MON, id="from-weekend"),
        pytest.param(EXCEPTIONS, TUE, 3, SAT, id="skips-holiday-uses-makeup"),
    ],
)
def test_add_school_days(cal: SchoolCalendar, d: date, n: int, expected: date) -> None:
    assert cal.add_school_days(d, n) == expected


def test_add_school_days_rejects_negative() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        PLAIN.add_school_days(THU, -1)


@pytest.mark.parametrize(
    ("tz", "now_utc", "expected_local"),
    [
        pytest.param(
            SHANGHAI,
            datetime(2026, 11, 19, 17, 0, tzinfo=UTC),
            datetime(2026, 11, 20, 1, 0),
            id="shanghai-already-tomorrow",
        ),
        pytest.param(
            SHANGHAI,
            datetime(2026, 11, 19, 15, 59, tzinfo=UTC),
            datetime(2026, 11, 19, 23, 59),
            id="shanghai-still-today",
        ),
        pytest.param(
            "America/New_York",
            datetime(2026, 11, 19, 3, 0, tzinfo=UTC),
            datetime(2026, 11, 18, 22, 0),
            id="new-york-still-yesterday",
        ),
        pytest.param(
            SHANGHAI,
            datetime(2026, 11, 20, 9, 0, tzinfo=timezone(timedelta(hours=8))),
            datetime(2026, 11, 20, 9, 0),
            id="non-utc-aware-input",
        ),
        pytest.param(
            "UTC",
            datetime(2026, 11, 19, 17, 0, tzinfo=UTC),
            datetime(2026, 11, 19, 17, 0),
            id="utc",
        ),
    ],
)
def test_local_now_and_today(tz: str, now_utc: datetime, expected_local: datetime) -> None:
    result = local_now(tz, now_utc)
    assert result.tzinfo == ZoneInfo(tz)
    assert result.replace(tzinfo=None) == expected_local
    assert result == now_utc  # same instant
    assert local_today(tz, now_utc) == expected_local.date()


def test_local_now_rejects_naive() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_now(SHANGHAI, datetime(2026, 11, 19, 17, 0))
    with pytest.raises(ValueError, match="aware"):
        local_today(SHANGHAI, datetime(2026, 11, 19, 17, 0))


@pytest.mark.parametrize("tz", ["", "Mars/Olympus", "../etc/passwd"])
def test_local_now_rejects_unknown_zone(tz: str) -> None:
    with pytest.raises(ValueError, match="time zone"):
        local_now(tz, datetime(2026, 11, 19, 17, 0, tzinfo=UTC))


CUTOFF = time(18, 0)


@pytest.mark.parametrize(
    ("cal", "now_local", "expected"),
    [
        pytest.param(PLAIN, datetime(2026, 11, 19, 9, 0), THU, id="morning-before-cutoff"),
        pytest.param(PLAIN, datetime(2026, 11, 19, 17, 59), THU, id="one-minute-before"),
        pytest.param(PLAIN, datetime(2026, 11, 19, 18, 0), FRI, id="at-cutoff"),
        pytest.param(PLAIN, datetime(2026, 11, 19, 21, 0), FRI, id="after-cutoff"),
        pytest.param(PLAIN, datetime(2026, 11, 20, 19, 0), NEXT_MON, id="friday-after-cutoff"),
        pytest.param(PLAIN, datetime(2026, 11, 21, 10, 0), NEXT_MON, id="saturday"),
        pytest.param(EXCEPTIONS, datetime(2026, 11, 18, 10, 0), THU, id="holiday"),
        pytest.param(EXCEPTIONS, datetime(2026, 11, 21, 10, 0), SAT, id="makeup-saturday"),
        pytest.param(EXCEPTIONS, datetime(2026, 11, 20, 19, 0), SAT, id="fri-late-to-makeup"),
        pytest.param(
            PLAIN,
            datetime(2026, 11, 19, 10, 0, tzinfo=ZoneInfo(SHANGHAI)),
            THU,
            id="aware-local",
        ),
    ],
)
def test_default_evening(cal: SchoolCalendar, now_local: datetime, expected: date) -> None:
    assert default_evening(cal, now_local, CUTOFF) == expected


def test_default_evening_uses_local_date_not_utc() -> None:
    # 17:00 UTC on Thu 19th is 01:00 on Fri 20th in Shanghai: before the cut-off, so Friday.
    now = local_now(SHANGHAI, datetime(2026, 11, 19, 17, 0, tzinfo=UTC))
    assert default_evening(PLAIN, now, CUTOFF) == FRI


def test_default_evening_rejects_aware_cutoff() -> None:
    with pytest.raises(ValueError, match="naive"):
        default_evening(PLAIN, datetime(2026, 11, 19, 9, 0), time(18, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    "name",
    [
        "Asia/Shanghai",
        "Europe/Moscow",
        "UTC",
        "America/Argentina/Buenos_Aires",
        "America/Port-au-Prince",
        "Etc/GMT-8",
    ],
)
def test_valid_timezones(name: str) -> None:
    assert is_valid_timezone(name) is True


@pytest.mark.parametrize(
    "name",
    [
        "",
        " ",
        " Asia/Shanghai",
        "Asia/Shanghai ",
        "asia/shanghai",
        "Mars/Olympus",
        "Beijing",
        "Asia",
        "Asia/",
        "Asia//Shanghai",
        "/etc/passwd",
        "../etc/passwd",
        "Asia/../Asia/Shanghai",
        "Asia/./Shanghai",
        "Asia/Shanghai\x00",
        "Asia\\Shanghai",
        "localtime",
        "posixrules",
        "Factory",
        "right/UTC",
        "posix/Asia/Shanghai",
        "UTC+8",
        "上海",
        "A" * 300,
        None,
        8,
    ],
)
def test_invalid_timezones(name: Any) -> None:
    assert is_valid_timezone(name) is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12345", frozenset({1, 2, 3, 4, 5})),
        ("123456", frozenset({1, 2, 3, 4, 5, 6})),
        ("54321", frozenset({1, 2, 3, 4, 5})),
        (" 135 ", frozenset({1, 3, 5})),
        ("7", frozenset({7})),
    ],
)
def test_parse_school_days(text: str, expected: frozenset[int]) -> None:
    assert parse_school_days(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "0", "8", "1234567 8", "1,2,3", "Mon", "112"])
def test_parse_school_days_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="school day"):
        parse_school_days(text)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (frozenset({1, 2, 3, 4, 5}), "12345"),
        (frozenset({6, 1, 3}), "136"),
        (frozenset(range(1, 8)), "1234567"),
    ],
)
def test_format_school_days_round_trip(days: frozenset[int], expected: str) -> None:
    assert format_school_days(days) == expected
    assert parse_school_days(expected) == days


@pytest.mark.parametrize("days", [frozenset(), frozenset({0, 1}), frozenset({8})])
def test_format_school_days_rejects(days: frozenset[int]) -> None:
    with pytest.raises(ValueError, match="school days"):
        format_school_days(days)


def test_calendar_periods_join_consecutive_days_of_one_name() -> None:
    from bot.domain.calendar import CalendarPeriod, calendar_periods

    d = date(2026, 10, 1)
    rows: list[tuple[date, str, str | None]] = [
        (d + timedelta(days=i), "holiday", "国庆") for i in range(7)
    ]
    rows += [(date(2026, 10, 10), "makeup", None), (date(2026, 10, 11), "makeup", None)]
    rows += [(date(2026, 10, 12), "holiday", None)]  # follows, but another kind
    rows += [(date(2026, 10, 20), "holiday", "A"), (date(2026, 10, 21), "holiday", "B")]
    rows += [(date(2026, 10, 23), "holiday", "B")]  # a gap: a second period of the same name
    assert calendar_periods(reversed(rows)) == [
        CalendarPeriod(d, date(2026, 10, 7), "holiday", "国庆"),
        CalendarPeriod(date(2026, 10, 10), date(2026, 10, 11), "makeup", None),
        CalendarPeriod(date(2026, 10, 12), date(2026, 10, 12), "holiday", None),
        CalendarPeriod(date(2026, 10, 20), date(2026, 10, 20), "holiday", "A"),
        CalendarPeriod(date(2026, 10, 21), date(2026, 10, 21), "holiday", "B"),
        CalendarPeriod(date(2026, 10, 23), date(2026, 10, 23), "holiday", "B"),
    ]
    assert calendar_periods([])[:1] == []
    assert calendar_periods(rows)[0].days == 7


# ---------------------------------------------------------------- school years (/newyear)


def test_the_breaks_between_school_years() -> None:
    from bot.domain.calendar import SUMMER_DAYS, Term

    year = Term(date(2026, 9, 1), date(2027, 7, 10), date(2026, 8, 20))
    nxt = Term(date(2027, 9, 1), date(2028, 7, 10), date(2027, 8, 25))
    cal = SchoolCalendar(terms=(nxt, year))  # any order
    assert cal.is_school_day(date(2026, 8, 19))  # before the first year was set: the week
    assert not cal.is_school_day(date(2026, 8, 31))  # set, not started yet
    assert cal.is_school_day(date(2026, 9, 1)) and cal.is_school_day(date(2027, 7, 9))
    assert not cal.is_school_day(date(2027, 7, 12))  # the summer between two years
    assert not cal.is_school_day(date(2027, 8, 31))
    assert cal.is_school_day(date(2027, 9, 1))
    assert not cal.is_school_day(date(2028, 7, 11))  # the last year's summer...
    after = date(2028, 7, 10) + timedelta(days=SUMMER_DAYS + 1)
    assert cal.is_school_day(after + timedelta(days=(7 - after.isoweekday()) % 7 + 1))
    assert cal.next_school_day(date(2027, 7, 10)) == date(2027, 9, 1)  # ...up to the next one
    one = SchoolCalendar(terms=(year,))
    assert one.next_school_day(date(2027, 7, 10)) > date(2027, 7, 10) + timedelta(SUMMER_DAYS)
    holidays = SchoolCalendar(holidays=frozenset({date(2026, 10, 1)}), terms=(year,))
    assert not holidays.is_school_day(date(2026, 10, 1))
    makeup = SchoolCalendar(makeup_days=frozenset({date(2026, 8, 30)}), terms=(year,))
    assert makeup.is_school_day(date(2026, 8, 30))  # a make-up day wins over the break
