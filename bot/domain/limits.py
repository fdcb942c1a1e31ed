"""The district's ceilings on a school's own limits (POLICY.md: limits are ceilings owned by
the district; a school may only set a lower one; grades 1-2 written homework is always none).

Pure domain code: standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.load import Caps, OverCapMode


class LimitField(StrEnum):
    """A limit a school or district sets (grades 1-2 are not settable: always none)."""

    PRIMARY = "primary"
    JUNIOR = "junior"
    SENIOR = "senior"
    NON_SCHOOL_DAY = "non_school_day"


NULLABLE_LIMITS = (LimitField.SENIOR, LimitField.NON_SCHOOL_DAY)
"""None is allowed: no limit (senior), the school-day limit (weekends and holidays)."""


def limit_of(caps: Caps, field: LimitField) -> int | None:
    return {
        LimitField.PRIMARY: caps.primary,
        LimitField.JUNIOR: caps.junior,
        LimitField.SENIOR: caps.senior,
        LimitField.NON_SCHOOL_DAY: caps.non_school_day,
    }[field]


@dataclass(frozen=True)
class Ceiling:
    """The most a school may set for one limit, and the district's limit it comes from."""

    minutes: int
    field: LimitField


def ceiling_for(district: Caps, field: LimitField) -> Ceiling | None:
    """The district's ceiling on a school's `field`; None when the district sets none.

    Weekends and holidays: the district's own weekend limit, else its highest school-day limit
    (each band is still held to its own by `cap_for`'s ceiling)."""
    own = limit_of(district, field)
    if own is not None:
        return Ceiling(own, field)
    if field is not LimitField.NON_SCHOOL_DAY:
        return None
    bands = [
        (m, f)
        for f in (LimitField.PRIMARY, LimitField.JUNIOR, LimitField.SENIOR)
        if (m := limit_of(district, f)) is not None
    ]
    if LimitField.SENIOR not in {f for _, f in bands}:
        return None  # a band without a district limit: nothing to hold weekends to
    minutes, source = max(bands)
    return Ceiling(minutes, source)


def refused_limit(district: Caps, field: LimitField, minutes: int | None) -> Ceiling | None:
    """The ceiling a school's new value breaks (None: allowed). "No limit" breaks any ceiling;
    "as on school days" for weekends never does (the school-day limits are held already)."""
    if minutes is None and field is LimitField.NON_SCHOOL_DAY:
        return None
    ceiling = ceiling_for(district, field)
    if ceiling is None:
        return None
    if minutes is None or minutes > ceiling.minutes:
        return ceiling
    return None


def refused_mode(minimum: OverCapMode, mode: OverCapMode) -> bool:
    """True when `mode` is less strict than the district's minimum."""
    return mode.rank < minimum.rank
