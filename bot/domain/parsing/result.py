"""The three answers a parser gives: understood, understood but against a rule, not understood."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Generic, TypeAlias, TypeVar

T = TypeVar("T")


class Rule(enum.StrEnum):
    """Why an understood value is refused; the handler words it in the user's language."""

    TOO_FEW_MINUTES = "too_few_minutes"  # below reporting.MIN_MINUTES (0 minutes)
    TOO_MANY_MINUTES = "too_many_minutes"  # above reporting.MAX_MINUTES
    NO_SUCH_DATE = "no_such_date"  # 30 February, 31.11: the value is None
    DATE_IN_PAST = "date_in_past"  # before `today`
    RANGE_REVERSED = "range_reversed"  # the end comes before the start
    RANGE_TOO_LONG = "range_too_long"  # more days than the caller allows
    NO_SUCH_TIME = "no_such_time"  # 25:00, 17:75, 13pm: the value is None
    GRADE_OUT_OF_RANGE = "grade_out_of_range"  # outside 1-12
    CLASS_COUNT_OUT_OF_RANGE = "class_count_out_of_range"  # 0 classes or more than allowed
    TOO_MANY_NAMES = "too_many_names"  # a pasted class list longer than allowed
    OFFSET_NOT_WHOLE_HOURS = "offset_not_whole_hours"  # UTC+5:30: ask for a city instead


@dataclass(frozen=True)
class Understood(Generic[T]):
    value: T


@dataclass(frozen=True)
class BreaksRule(Generic[T]):
    """Understood, refused by `rule`; `value` is what was understood, None when it cannot exist
    (a date or a time that is not in the calendar or on the clock)."""

    rule: Rule
    value: T | None = None


@dataclass(frozen=True)
class NotUnderstood:
    text: str


Parsed: TypeAlias = Understood[T] | BreaksRule[T] | NotUnderstood
