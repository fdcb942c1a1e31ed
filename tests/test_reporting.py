"""bot.domain.reporting: the evening question's ranges around the cap."""

from __future__ import annotations

import pytest

from bot.domain.reporting import MAX_MINUTES, RangeChoice, range_choices


def test_ranges_around_primary_cap() -> None:
    assert range_choices(40, 60) == [
        RangeChoice(0, 30, 15),
        RangeChoice(30, 60, 45),
        RangeChoice(60, 90, 75),
        RangeChoice(90, None, 105),
    ]


@pytest.mark.parametrize(("estimate", "cap"), [(0, None), (200, None), (20, 0), (5, 90), (0, 1)])
def test_ranges_are_ordered_and_values_inside(estimate: int, cap: int | None) -> None:
    choices = range_choices(estimate, cap)
    assert len(choices) == 4
    for choice in choices:
        assert 1 <= choice.value <= MAX_MINUTES
        assert choice.low <= choice.value
        assert choice.high is None or choice.value <= choice.high
    assert [c.low for c in choices] == sorted({c.low for c in choices})


def test_no_cap_uses_the_estimate() -> None:
    assert range_choices(120, None)[1] == RangeChoice(60, 120, 90)
