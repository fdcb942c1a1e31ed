"""The one-tap answers of the evening question (pure): ranges around the cap.

A range answer is stored as its middle, so the class median stays meaningful; the open top
range is stored a quarter of the base above its lower bound.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ReportOutcome(enum.StrEnum):
    DONE = "done"
    UNFINISHED = "unfinished"  # did not finish, went to bed: a signal, not a failure


MIN_MINUTES = 1
MAX_MINUTES = 600


@dataclass(frozen=True)
class RangeChoice:
    """'low-high minutes' (low 0: 'under high'; high None: 'over low'), stored as `value`."""

    low: int
    high: int | None
    value: int


def _round5(value: float) -> int:
    return max(5, round(value / 5.0) * 5)


def range_choices(estimate: int, cap: int | None) -> list[RangeChoice]:
    """Four ranges around the cap (or around the estimate when there is no cap): under half,
    half to the cap, the cap to one and a half times it, and more."""
    base = cap if cap else max(estimate, 30)
    half, cap_, one_half = _round5(base / 2), _round5(base), _round5(base * 1.5)
    if not half < cap_ < one_half:
        half, cap_, one_half = 15, 30, 45
    quarter = max(5, (cap_ - half) // 2)
    return [
        RangeChoice(0, half, _round5(half / 2)),
        RangeChoice(half, cap_, (half + cap_) // 2),
        RangeChoice(cap_, one_half, (cap_ + one_half) // 2),
        RangeChoice(one_half, None, min(MAX_MINUTES, one_half + quarter)),
    ]
