"""One class's figures on one day (a class-day), and when it is over the limit: the one
definition every screen uses (the daily check, `/load` and its chart, the weekly and monthly
reports, the district's bulletin and chart, the export). Pure; docs/FIGURES.md.

A class-day is over the limit when any of these holds:

- the estimate: the posted required written minutes are above the cap;
- the parents' median: from `MIN_FAMILIES` reports with a figure, the median is above the cap;
- unfinished: from `MIN_FAMILIES` reports, at least the school's share of them went to bed
  unfinished (`unfinished_warned`), even with the median under the cap.

Below `MIN_FAMILIES` reports nothing but the count of reports is shown and the parents'
side never makes a class-day over; the estimate always counts. The figures are those stored
when they are read: a report that comes after the daily check changes the class-day in every
later report (the check itself has told what it saw).

`storage.checks.class_day` is the one converter from the database's class-day rows, and
`storage.checks.over_condition` the same rule in SQL (for counts a district's month would
otherwise pull row by row).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from bot.domain.reporting import DEFAULT_UNFINISHED_SHARE, MIN_FAMILIES, unfinished_warned

__all__ = ["MIN_FAMILIES", "ClassDay", "OverReason", "Tally", "tally"]


class OverReason(enum.StrEnum):
    """Why a class-day is over the limit (several may hold at once)."""

    ESTIMATE = "estimate"
    MEDIAN = "median"
    UNFINISHED = "unfinished"


@dataclass(frozen=True)
class ClassDay:
    """One class on one day: its estimated written load, cap and what parents reported.

    `median` is None below `MIN_FAMILIES` reports with a figure (`timed`); `over` (reports
    above the cap, every unfinished one included) and `unfinished` are counts over all the
    reports and are shown only from `MIN_FAMILIES` reports (`shown`)."""

    school_id: int
    class_id: int
    class_name: str
    grade: int
    day: date
    written: int
    pieces: int
    cap: int | None
    reports: int
    timed: int  # reports with a figure (the median's base)
    median: float | None
    over: int
    unfinished: int
    unfinished_share: int = DEFAULT_UNFINISHED_SHARE  # the school's warning share, percent

    @property
    def shown(self) -> bool:
        """Whether the parents' figures may be shown (privacy): from `MIN_FAMILIES` reports."""
        return self.reports >= MIN_FAMILIES

    @property
    def over_shown(self) -> int | None:
        return self.over if self.shown else None

    @property
    def unfinished_shown(self) -> int | None:
        return self.unfinished if self.shown else None

    @property
    def estimate_over(self) -> bool:
        return self.cap is not None and self.written > self.cap

    @property
    def over_by(self) -> int:
        """Minutes the estimate is above the cap (0 within it or without a cap)."""
        return max(0, self.written - self.cap) if self.cap is not None else 0

    @property
    def median_over(self) -> bool:
        return (
            self.cap is not None
            and self.timed >= MIN_FAMILIES
            and self.median is not None
            and self.median > self.cap
        )

    @property
    def unfinished_over(self) -> bool:
        """At least the school's share of the reports went to bed unfinished."""
        return unfinished_warned(self.unfinished, self.reports, self.unfinished_share)

    @property
    def reasons(self) -> tuple[OverReason, ...]:
        flags = (
            (OverReason.ESTIMATE, self.estimate_over),
            (OverReason.MEDIAN, self.median_over),
            (OverReason.UNFINISHED, self.unfinished_over),
        )
        return tuple(reason for reason, flag in flags if flag)

    @property
    def is_over(self) -> bool:
        return self.estimate_over or self.median_over or self.unfinished_over

    @property
    def peak(self) -> float:
        """The larger of the estimate and the parents' median."""
        return max(float(self.written), self.median or 0.0)


@dataclass
class Tally:
    """Class-days counted: how many, how many over (and why), reports coverage, unfinished."""

    days: int = 0
    over: int = 0
    by_reason: Counter[OverReason] = field(default_factory=Counter)
    written_days: int = 0
    """Class-days with written homework: the base of the reports coverage."""
    covered: int = 0
    """Of those, the ones with at least `MIN_FAMILIES` reports (figures shown)."""
    reports: int = 0
    unfinished: int = 0
    classes: set[int] = field(default_factory=set)
    over_classes: set[int] = field(default_factory=set)

    def add(self, day: ClassDay) -> None:
        self.days += 1
        self.classes.add(day.class_id)
        self.reports += day.reports
        self.unfinished += day.unfinished
        if day.written > 0:
            self.written_days += 1
            self.covered += day.shown
        if day.is_over:
            self.over += 1
            self.over_classes.add(day.class_id)
            self.by_reason.update(day.reasons)

    def merge(self, other: Tally) -> None:
        """Add another tally's class-days (another school's, for a district)."""
        for name in ("days", "over", "written_days", "covered", "reports", "unfinished"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.by_reason.update(other.by_reason)
        self.classes |= other.classes
        self.over_classes |= other.over_classes

    @property
    def within(self) -> int:
        return self.days - self.over

    @property
    def within_share(self) -> float | None:
        return self.within / self.days if self.days else None

    @property
    def coverage(self) -> float | None:
        return self.covered / self.written_days if self.written_days else None

    @property
    def unfinished_part(self) -> float | None:
        """Unfinished reports as a share of all reports."""
        return self.unfinished / self.reports if self.reports else None


def tally(days: Iterable[ClassDay]) -> Tally:
    result = Tally()
    for day in days:
        result.add(day)
    return result
