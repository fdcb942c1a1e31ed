"""Estimate calibration (pure): how parents' reported times compare with teachers' estimates.

For each teacher, subject and class over a window (the last 4 school weeks), every child's
reported evening total is apportioned to the evening's subjects by their share of the
estimated written minutes; the ratio is the apportioned reported time over the estimated time
of the same child-evenings. Shown only with enough data: at least `MIN_EVENINGS` evenings of
that teacher's subject, each with at least `MIN_REPORTS` timed reports.

Standard library only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.reporting import MIN_FAMILIES

MIN_EVENINGS = 5
MIN_REPORTS = MIN_FAMILIES
WINDOW_DAYS = 28
"""The last 4 school weeks."""
IN_LINE = 0.10
"""Within this relative difference an estimate is 'in line' with the reports."""
PREVIEW_OFF = 0.20
"""Off by more than this, the posting preview shows the calibrated figure."""


@dataclass(frozen=True)
class Estimate:
    """Written minutes a teacher set in a subject for a class on an evening."""

    class_id: int
    day: date
    teacher_id: int
    subject: str
    minutes: int


@dataclass(frozen=True)
class Reports:
    """Timed reports (minutes) of a class's children for an evening."""

    class_id: int
    day: date
    minutes: tuple[int, ...]


@dataclass(frozen=True)
class Calibration:
    teacher_id: int
    subject: str
    class_id: int
    ratio: float
    """Reported over estimated: 1.3 means parents report 30% more than estimated."""
    evenings: int
    reports: int

    @property
    def percent(self) -> int:
        """The difference in whole percent, rounded to 5 (positive: parents report more)."""
        return round((self.ratio - 1) * 20) * 5

    @property
    def in_line(self) -> bool:
        return abs(self.ratio - 1) <= IN_LINE

    def calibrated(self, minutes: int) -> int:
        """What a piece estimated at `minutes` takes by the reports, to 5 minutes."""
        return max(5, round(minutes * self.ratio / 5) * 5)

    @property
    def worth_showing_in_preview(self) -> bool:
        return abs(self.ratio - 1) > PREVIEW_OFF


def window(today: date) -> tuple[date, date]:
    """The evenings calibration looks at: the 4 weeks before today."""
    return today - timedelta(days=WINDOW_DAYS), today - timedelta(days=1)


def calibrate(
    estimates: Iterable[Estimate],
    reports: Iterable[Reports],
    *,
    min_evenings: int = MIN_EVENINGS,
    min_reports: int = MIN_REPORTS,
) -> list[Calibration]:
    """Calibrations with enough data, ordered by teacher, class and subject.

    Evenings with fewer than `min_reports` timed reports, or with no written estimate, are
    skipped. ValueError on negative minutes.
    """
    by_evening: dict[tuple[int, date], dict[tuple[int, str], int]] = defaultdict(dict)
    for e in estimates:
        if e.minutes < 0:
            raise ValueError("estimated minutes must be >= 0")
        shares = by_evening[(e.class_id, e.day)]
        shares[(e.teacher_id, e.subject)] = shares.get((e.teacher_id, e.subject), 0) + e.minutes
    reported: dict[tuple[int, str, int], float] = defaultdict(float)
    estimated: dict[tuple[int, str, int], float] = defaultdict(float)
    evenings: dict[tuple[int, str, int], int] = defaultdict(int)
    counts: dict[tuple[int, str, int], int] = defaultdict(int)
    for r in reports:
        if any(m < 0 for m in r.minutes):
            raise ValueError("reported minutes must be >= 0")
        if len(r.minutes) < min_reports:
            continue
        shares = by_evening.get((r.class_id, r.day), {})
        total = sum(shares.values())
        if total <= 0:
            continue
        children = len(r.minutes)
        reported_total = sum(r.minutes)
        for (teacher, subject), minutes in shares.items():
            if minutes <= 0:
                continue
            key = (teacher, subject, r.class_id)
            reported[key] += reported_total * minutes / total
            estimated[key] += children * minutes
            evenings[key] += 1
            counts[key] += children
    return [
        Calibration(t, s, c, reported[(t, s, c)] / estimated[(t, s, c)], n, counts[(t, s, c)])
        for (t, s, c), n in sorted(evenings.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][1]))
        if n >= min_evenings
    ]


def of_teacher(calibrations: Sequence[Calibration], teacher_id: int) -> list[Calibration]:
    return [c for c in calibrations if c.teacher_id == teacher_id]
