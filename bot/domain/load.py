"""Homework-load arithmetic: caps per grade and day, spreading multi-day work, evening totals.

Pure domain code: standard library only. See shared/POLICY.md section 1 for the figures.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from bot.domain.calendar import SchoolCalendar


class HomeworkKind(StrEnum):
    """What a piece of homework is; only `written` counts against the cap."""

    WRITTEN = "written"
    READING = "reading"
    ORAL = "oral"
    PRACTICAL = "practical"
    OTHER = "other"

    @property
    def counts_against_cap(self) -> bool:
        """True only for written homework (POLICY.md 1)."""
        return self is HomeworkKind.WRITTEN


class OverCapMode(StrEnum):
    """What a school does when a new piece takes a class over its cap."""

    WARN = "warn"
    """The teacher confirms explicitly; the grade leader is told."""
    APPROVE = "approve"
    """The piece waits for approval (e.g. by the grade leader)."""
    STRICT = "strict"
    """The piece is refused."""

    @property
    def rank(self) -> int:
        """Strictness: warn < approve < strict (a district's minimum is a lower bound)."""
        return list(OverCapMode).index(self)

    def at_least(self, minimum: OverCapMode) -> OverCapMode:
        """This mode, or `minimum` when that is stricter (the district's floor)."""
        return minimum if minimum.rank > self.rank else self


class GradeBand(StrEnum):
    """Policy grade bands."""

    PRIMARY_LOW = "primary_low"
    """Grades 1-2."""
    PRIMARY = "primary"
    """Grades 3-6."""
    JUNIOR = "junior"
    """Grades 7-9."""
    SENIOR = "senior"
    """Grades 10-12."""


def band_for_grade(grade: int) -> GradeBand:
    """Band of a school grade 1-12; ValueError outside that range."""
    if isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= 12:
        raise ValueError(f"grade must be 1-12, got {grade!r}")
    if grade <= 2:
        return GradeBand.PRIMARY_LOW
    if grade <= 6:
        return GradeBand.PRIMARY
    if grade <= 9:
        return GradeBand.JUNIOR
    return GradeBand.SENIOR


class CapRule(StrEnum):
    """The rule a cap comes from, so a warning can name it."""

    NO_WRITTEN_PRIMARY_LOW = "no_written_primary_low"
    """Grades 1-2: no written homework at home (cap 0)."""
    PRIMARY_LOW_DAILY = "primary_low_daily"
    """Grades 1-2 when a school overrides the cap to a non-zero value."""
    PRIMARY_DAILY = "primary_daily"
    JUNIOR_DAILY = "junior_daily"
    SENIOR_DAILY = "senior_daily"
    NON_SCHOOL_DAY = "non_school_day"
    NONE = "none"
    """No cap applies."""


def _check_minutes(name: str, value: int | None) -> None:
    """ValueError unless `value` is None or a non-negative int."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative int or None, got {value!r}")


@dataclass(frozen=True)
class Caps:
    """A school's written-homework caps in minutes per evening; None means no cap."""

    primary_low: int = 0
    primary: int = 60
    junior: int = 90
    senior: int | None = None
    """The policy is silent on senior high."""
    non_school_day: int | None = None
    """Cap for weekends and holidays, grades 3-12; None = the grade's school-day cap."""
    ceiling: Caps | None = None
    """Caps above these (the district's): `cap_for` takes the tighter of the two, so a school
    that set a higher limit is still held to the ceiling."""

    def __post_init__(self) -> None:
        for name in ("primary_low", "primary", "junior"):
            if getattr(self, name) is None:
                raise ValueError(f"{name} must be an int, not None")
        for name in ("primary_low", "primary", "junior", "senior", "non_school_day"):
            _check_minutes(name, getattr(self, name))

    @classmethod
    def cn_double_reduction(cls) -> Caps:
        """The CN "double reduction" preset: 0 / 60 / 90 / none, same cap on non-school days."""
        return cls(primary_low=0, primary=60, junior=90, senior=None, non_school_day=None)

    def within(self, ceiling: Caps) -> Caps:
        """These caps held under `ceiling` (a school's under its district's)."""
        return replace(self, ceiling=ceiling)


@dataclass(frozen=True)
class Cap:
    """The cap on one class's written total for one evening, and the rule it comes from.

    `minutes` is None exactly when `rule` is `CapRule.NONE`.
    """

    minutes: int | None
    rule: CapRule

    def __post_init__(self) -> None:
        _check_minutes("minutes", self.minutes)
        if (self.minutes is None) != (self.rule is CapRule.NONE):
            raise ValueError(f"minutes={self.minutes!r} is inconsistent with rule {self.rule}")


NO_CAP = Cap(None, CapRule.NONE)

_SCHOOL_DAY_RULES: dict[GradeBand, CapRule] = {
    GradeBand.PRIMARY: CapRule.PRIMARY_DAILY,
    GradeBand.JUNIOR: CapRule.JUNIOR_DAILY,
    GradeBand.SENIOR: CapRule.SENIOR_DAILY,
}


def tighter(a: Cap, b: Cap) -> Cap:
    """The lower of two caps (no cap is the loosest); `b` on a tie (the ceiling's rule)."""
    if a.minutes is None:
        return b
    if b.minutes is None or a.minutes < b.minutes:
        return a
    return b


def cap_for(caps: Caps, grade: int, evening: date, cal: SchoolCalendar) -> Cap:
    """The cap for a class of `grade` on `evening`: the tighter of `caps`' own and its
    ceiling's (`storage.checks.cap_expression` is the same in SQL).

    Grades 1-2 always get `caps.primary_low` (0 in the preset), school day or not. Other grades
    get `caps.non_school_day` on a non-school day when it is set, and otherwise their band's
    school-day cap (`NO_CAP` when that is None).
    """
    own = _own_cap(caps, grade, evening, cal)
    if caps.ceiling is None:
        return own
    return tighter(own, cap_for(caps.ceiling, grade, evening, cal))


def _own_cap(caps: Caps, grade: int, evening: date, cal: SchoolCalendar) -> Cap:
    band = band_for_grade(grade)
    if band is GradeBand.PRIMARY_LOW:
        rule = (
            CapRule.NO_WRITTEN_PRIMARY_LOW if caps.primary_low == 0 else CapRule.PRIMARY_LOW_DAILY
        )
        return Cap(caps.primary_low, rule)
    if caps.non_school_day is not None and not cal.is_school_day(evening):
        return Cap(caps.non_school_day, CapRule.NON_SCHOOL_DAY)
    minutes: int | None = {
        GradeBand.PRIMARY: caps.primary,
        GradeBand.JUNIOR: caps.junior,
        GradeBand.SENIOR: caps.senior,
    }[band]
    if minutes is None:
        return NO_CAP
    return Cap(minutes, _SCHOOL_DAY_RULES[band])


def spread_minutes(minutes: int, evenings: Sequence[date]) -> dict[date, int]:
    """Split `minutes` evenly over distinct `evenings`, remainder to the earliest; sum is exact.

    Keys are in date order and every evening is a key, so when minutes < len(evenings) the
    latest evenings get 0. ValueError on no evenings, repeated evenings, or minutes < 1.
    """
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
        raise ValueError(f"minutes must be an int >= 1, got {minutes!r}")
    if not evenings:
        raise ValueError("evenings must not be empty")
    ordered = sorted(evenings)
    if len(set(ordered)) != len(ordered):
        raise ValueError("evenings must be distinct")
    base, remainder = divmod(minutes, len(ordered))
    return {d: base + (1 if i < remainder else 0) for i, d in enumerate(ordered)}


def evenings_for(cal: SchoolCalendar, evening: date, due: date | None) -> list[date]:
    """The evenings a piece is worked on, ascending.

    Convention: homework due on date D is handed in on D, so it is done on the evenings
    *before* D. The result is the school days in [evening, due - 1 day]; if that range holds
    no school day (e.g. set on a Saturday, due Monday), it is just `[evening]`. With no due
    date it is `[evening]`. ValueError if due <= evening.
    """
    if due is None:
        return [evening]
    if due <= evening:
        raise ValueError(f"due {due.isoformat()} must be after evening {evening.isoformat()}")
    days = cal.school_days_between(evening, due - timedelta(days=1))
    return days or [evening]


def work_days(cal: SchoolCalendar, evening: date, due: date | None) -> list[date]:
    """The days a piece is worked on, ascending (its minutes are spread over them).

    From a school day: `evenings_for` (the school days until the day before `due`). From a
    weekend or holiday day: every day until the day before `due` (a weekend piece due Monday
    is done on Saturday and Sunday, each checked against that day's cap), not piled onto one.
    ValueError if due <= evening.
    """
    if due is None or cal.is_school_day(evening):
        return evenings_for(cal, evening, due)
    if due <= evening:
        raise ValueError(f"due {due.isoformat()} must be after evening {evening.isoformat()}")
    return [evening + timedelta(days=n) for n in range((due - evening).days)]


def non_school_run(cal: SchoolCalendar, day: date) -> list[date]:
    """The weekend or holiday days from `day` to the next school day (exclusive), ascending;
    empty when `day` is a school day."""
    days: list[date] = []
    while not cal.is_school_day(day) and len(days) < 366:
        days.append(day)
        day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class Piece:
    """One piece of homework as it weighs on one evening."""

    subject: str
    kind: HomeworkKind
    minutes: int
    """Minutes for a typical student on this evening (a multi-day piece's share)."""
    piece_id: int | None = None
    """Storage id, None for a piece not yet posted."""
    optional: bool = False
    """Layered homework (分层): an optional (选做) part never counts against the cap."""

    def __post_init__(self) -> None:
        _check_minutes("minutes", self.minutes)

    @property
    def is_written(self) -> bool:
        """True for written work, required or optional."""
        return self.kind.counts_against_cap

    @property
    def counts(self) -> bool:
        """True when the piece counts against the cap: required written work (POLICY.md 1)."""
        return self.is_written and not self.optional


@dataclass(frozen=True)
class EveningLoad:
    """A class's homework for one evening measured against its cap; build with `evening_load`."""

    written: tuple[Piece, ...]
    """Required written pieces (those that count), in input order."""
    written_by_subject: tuple[tuple[str, int], ...]
    """Written minutes summed per subject, subjects in order of first appearance."""
    other: tuple[Piece, ...]
    """Non-written and optional pieces, in input order; shown but not counted."""
    cap: Cap

    @property
    def written_total(self) -> int:
        """Sum of written minutes across all subjects."""
        return sum(m for _, m in self.written_by_subject)

    @property
    def over_by(self) -> int:
        """Minutes above the cap; 0 when within it or uncapped."""
        if self.cap.minutes is None:
            return 0
        return max(0, self.written_total - self.cap.minutes)

    @property
    def is_over(self) -> bool:
        """True when the written total exceeds the cap (equal is within)."""
        return self.over_by > 0

    @property
    def forbidden_written(self) -> bool:
        """True when the cap is 0 and any written piece is present."""
        return self.cap.minutes == 0 and bool(self.written)


def evening_load(pieces: Iterable[Piece], cap: Cap) -> EveningLoad:
    """Group one evening's pieces into required written per subject and other, against `cap`."""
    written: list[Piece] = []
    other: list[Piece] = []
    by_subject: dict[str, int] = {}
    for piece in pieces:
        if piece.counts:
            written.append(piece)
            by_subject[piece.subject] = by_subject.get(piece.subject, 0) + piece.minutes
        else:
            other.append(piece)
    return EveningLoad(
        written=tuple(written),
        written_by_subject=tuple(by_subject.items()),
        other=tuple(other),
        cap=cap,
    )


class PostingOutcome(StrEnum):
    """Decision on posting a new piece for one evening."""

    OK = "ok"
    FORBIDDEN = "forbidden"
    """Written work where the cap is 0 (grades 1-2 in the preset); never postable."""
    OVER_NEEDS_CONFIRM = "over_needs_confirm"
    """Over the cap, mode `warn`: the teacher must confirm."""
    OVER_NEEDS_APPROVAL = "over_needs_approval"
    """Over the cap, mode `approve`: someone must approve."""
    OVER_REFUSED = "over_refused"
    """Over the cap, mode `strict`: refused."""


_OVER_OUTCOME: dict[OverCapMode, PostingOutcome] = {
    OverCapMode.WARN: PostingOutcome.OVER_NEEDS_CONFIRM,
    OverCapMode.APPROVE: PostingOutcome.OVER_NEEDS_APPROVAL,
    OverCapMode.STRICT: PostingOutcome.OVER_REFUSED,
}


@dataclass(frozen=True)
class Verdict:
    """The outcome for a new piece, with the evening's load including that piece."""

    outcome: PostingOutcome
    load: EveningLoad

    @property
    def ok(self) -> bool:
        """True when the piece can be posted without further steps."""
        return self.outcome is PostingOutcome.OK


def check_new_piece(existing: Sequence[Piece], new: Piece, cap: Cap, mode: OverCapMode) -> Verdict:
    """Judge adding `new` to an evening that already has `existing`.

    Only the new piece is judged: a non-written or optional piece, or a written one adding 0
    minutes, is ok even if the evening is already over. Written work against a 0 cap is
    forbidden in every mode, optional or not (grades 1-2 get none at home); a total exactly at
    the cap is ok.
    """
    load = evening_load([*existing, new], cap)
    if not new.is_written:
        outcome = PostingOutcome.OK
    elif cap.minutes == 0:
        outcome = PostingOutcome.FORBIDDEN
    elif new.optional:
        outcome = PostingOutcome.OK
    elif new.minutes > 0 and load.is_over:
        outcome = _OVER_OUTCOME[mode]
    else:
        outcome = PostingOutcome.OK
    return Verdict(outcome=outcome, load=load)


def median_minutes(values: Sequence[int], min_reports: int = 3) -> float | int | None:
    """Median of reported minutes, or None with fewer than `min_reports` values (privacy).

    An integral median is returned as int (e.g. 35, not 35.0). ValueError on negative values
    or min_reports < 1.
    """
    if min_reports < 1:
        raise ValueError(f"min_reports must be >= 1, got {min_reports}")
    if any(v < 0 for v in values):
        raise ValueError("reported minutes must be >= 0")
    if len(values) < min_reports:
        return None
    m = statistics.median(values)
    if isinstance(m, float) and m.is_integer():
        return int(m)
    return m
