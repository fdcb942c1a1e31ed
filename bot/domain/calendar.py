"""School calendar and local-time helpers: which dates are school days, and what "today" is.

Pure domain code: standard library and zoneinfo only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_SEARCH_DAYS = 366
"""How far `SchoolCalendar.next_school_day` looks ahead before giving up."""

WEEKDAYS_MON_FRI: frozenset[int] = frozenset({1, 2, 3, 4, 5})

_ONE_DAY = timedelta(days=1)
_ISO_WEEKDAYS = frozenset(range(1, 8))
# IANA keys: ASCII letters, digits and "_+-" in "/"-separated components, none of them "." or "..".
_TZ_COMPONENT = r"[A-Za-z0-9_+\-]+(?:\.[A-Za-z0-9_+\-]+)*"
_TZ_NAME_RE = re.compile(rf"{_TZ_COMPONENT}(?:/{_TZ_COMPONENT})*")
_TZ_NAME_MAX_LEN = 255
# Loadable from a system zoneinfo directory but not zones a school can meaningfully live in.
_TZ_REJECTED = frozenset({"localtime", "posixrules", "Factory"})
_TZ_REJECTED_PREFIXES = ("posix/", "right/")


SUMMER_DAYS = 92
"""After the last school year ends, the days counted as its summer break at most."""


@dataclass(frozen=True, order=True)
class Term:
    """A school year: its first and last day, and the day it was set (a break before it)."""

    first_day: date
    last_day: date
    set_on: date


@dataclass(frozen=True)
class SchoolCalendar:
    """A school's week and its exceptions.

    Precedence for one date: a holiday is never a school day (even if it is also listed as a
    make-up day); otherwise a make-up day always is; otherwise the ISO weekday decides.
    """

    school_days: frozenset[int] = WEEKDAYS_MON_FRI
    holidays: frozenset[date] = field(default_factory=frozenset)
    makeup_days: frozenset[date] = field(default_factory=frozenset)
    terms: tuple[Term, ...] = ()
    """The school years set with /newyear; the days between them are no school days."""

    def __post_init__(self) -> None:
        # Accept any set-like input at runtime but store frozensets, so the calendar stays hashable.
        object.__setattr__(self, "school_days", frozenset(self.school_days))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "makeup_days", frozenset(self.makeup_days))
        object.__setattr__(self, "terms", tuple(sorted(self.terms)))
        bad = self.school_days - _ISO_WEEKDAYS
        if bad:
            raise ValueError(f"school_days must be ISO weekdays 1-7, got {sorted(bad)}")

    def is_school_day(self, d: date) -> bool:
        """True when pupils have school on `d` (holiday > make-up day > between school years
        > weekday)."""
        if d in self.holidays:
            return False
        if d in self.makeup_days:
            return True
        if self.between_years(d):
            return False
        return d.isoweekday() in self.school_days

    def between_years(self, d: date) -> bool:
        """`d` falls in a break the school years show: from the day the first year was set
        to its first day, between two years, and up to `SUMMER_DAYS` after the last one (a
        school that does not start its next year in time runs by its week again). Before
        the first year was set nothing is known: no break."""
        if not self.terms:
            return False
        first = self.terms[0]
        if d < first.first_day:
            return first.set_on <= d
        if any(t.first_day <= d <= t.last_day for t in self.terms):
            return False
        return d <= self.terms[-1].last_day + timedelta(days=SUMMER_DAYS) or any(
            d < t.first_day for t in self.terms
        )

    def next_school_day(self, d: date, *, include_self: bool = False) -> date:
        """First school day after `d` (or `d` itself when `include_self`); ValueError if none
        within `MAX_SEARCH_DAYS` days."""
        candidate = d if include_self else d + _ONE_DAY
        for _ in range(MAX_SEARCH_DAYS + (1 if include_self else 0)):
            if self.is_school_day(candidate):
                return candidate
            candidate += _ONE_DAY
        raise ValueError(f"no school day within {MAX_SEARCH_DAYS} days after {d.isoformat()}")

    def school_days_between(self, start: date, end: date) -> list[date]:
        """School days in [start, end], ascending; empty when end < start."""
        days: list[date] = []
        d = start
        while d <= end:
            if self.is_school_day(d):
                days.append(d)
            d += _ONE_DAY
        return days

    def add_school_days(self, d: date, n: int) -> date:
        """The n-th school day after `d` (`d` itself for n == 0); ValueError if n < 0."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        for _ in range(n):
            d = self.next_school_day(d)
        return d

    def count_school_days(self, start: date, end: date) -> int:
        """Number of school days in [start, end]; 0 when end < start."""
        return len(self.school_days_between(start, end))


def _zone(tz_name: str) -> ZoneInfo:
    """The zone for a valid IANA name; ValueError otherwise."""
    if not is_valid_timezone(tz_name):
        raise ValueError(f"unknown time zone {tz_name!r}")
    return ZoneInfo(tz_name)


def local_now(tz_name: str, now_utc: datetime) -> datetime:
    """`now_utc` as an aware wall-clock time in `tz_name`; ValueError if naive or zone unknown."""
    if now_utc.tzinfo is None or now_utc.utcoffset() is None:
        raise ValueError("now_utc must be timezone-aware")
    return now_utc.astimezone(_zone(tz_name))


def local_today(tz_name: str, now_utc: datetime) -> date:
    """The calendar date in `tz_name` at the instant `now_utc`."""
    return local_now(tz_name, now_utc).date()


def default_evening(cal: SchoolCalendar, now_local: datetime, cutoff: time) -> date:
    """Today if it is a school day and the wall-clock time is strictly before `cutoff`,
    else the next school day.

    `cutoff` is a naive local wall-clock time (ValueError if it carries a tzinfo).
    """
    if cutoff.tzinfo is not None:
        raise ValueError("cutoff must be a naive local time")
    today = now_local.date()
    if cal.is_school_day(today) and now_local.time() < cutoff:
        return today
    return cal.next_school_day(today)


def is_valid_timezone(name: str) -> bool:
    """True for a loadable IANA zone key; never raises, whatever `name` is."""
    if not isinstance(name, str) or not name or len(name) > _TZ_NAME_MAX_LEN:
        return False
    if not _TZ_NAME_RE.fullmatch(name):
        return False
    if name in _TZ_REJECTED or name.startswith(_TZ_REJECTED_PREFIXES):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, UnicodeError):
        return False
    return True


def parse_school_days(text: str) -> frozenset[int]:
    """ISO weekdays from the compact form, e.g. "12345" -> Mon-Fri; ValueError if empty, not
    digits 1-7, or repeated."""
    compact = text.strip()
    if not compact:
        raise ValueError("school days must not be empty")
    days: set[int] = set()
    for ch in compact:
        if ch not in "1234567":
            raise ValueError(f"school days must be digits 1-7, got {text!r}")
        day = int(ch)
        if day in days:
            raise ValueError(f"school day {day} repeated in {text!r}")
        days.add(day)
    return frozenset(days)


def format_school_days(days: frozenset[int]) -> str:
    """Compact ascending form, e.g. Mon-Fri -> "12345"; inverse of `parse_school_days`."""
    if not days:
        raise ValueError("school days must not be empty")
    bad = set(days) - _ISO_WEEKDAYS
    if bad:
        raise ValueError(f"school days must be ISO weekdays 1-7, got {sorted(bad)}")
    return "".join(str(d) for d in sorted(days))


@dataclass(frozen=True)
class CalendarPeriod:
    """Consecutive holidays (or make-up days) of one name: '国庆' from 1 to 7 October."""

    first: date
    last: date
    kind: str
    name: str | None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def calendar_periods(days: Iterable[tuple[date, str, str | None]]) -> list[CalendarPeriod]:
    """(day, kind, name) rows as periods, by date: a day joins the period before it when it
    follows it directly and has the same kind and name."""
    periods: list[CalendarPeriod] = []
    for day, kind, name in sorted(days, key=lambda row: row[0]):
        last = periods[-1] if periods else None
        if last and (last.kind, last.name) == (kind, name) and day == last.last + _ONE_DAY:
            periods[-1] = CalendarPeriod(last.first, day, kind, name)
        else:
            periods.append(CalendarPeriod(day, day, kind, name))
    return periods
