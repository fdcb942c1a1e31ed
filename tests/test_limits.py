"""The district's ceilings on a school's limits and mode (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.calendar import SchoolCalendar
from bot.domain.limits import Ceiling, LimitField, ceiling_for, refused_limit, refused_mode
from bot.domain.load import CapRule, Caps, OverCapMode, cap_for

PRESET = Caps.cn_double_reduction()
MON, SAT = date(2026, 11, 16), date(2026, 11, 21)


@pytest.mark.parametrize(
    ("field", "minutes", "refused"),
    [
        (LimitField.PRIMARY, 61, Ceiling(60, LimitField.PRIMARY)),
        (LimitField.PRIMARY, 60, None),
        (LimitField.PRIMARY, 30, None),
        (LimitField.JUNIOR, 120, Ceiling(90, LimitField.JUNIOR)),
        (LimitField.SENIOR, 300, None),  # the preset is silent on senior high
        (LimitField.NON_SCHOOL_DAY, None, None),
        (LimitField.NON_SCHOOL_DAY, 200, None),  # held per band by cap_for's ceiling
    ],
)
def test_refused_limit_under_the_preset(
    field: LimitField, minutes: int | None, refused: Ceiling | None
) -> None:
    assert refused_limit(PRESET, field, minutes) == refused


def test_no_limit_breaks_a_district_ceiling() -> None:
    district = Caps(senior=120, non_school_day=45)
    assert refused_limit(district, LimitField.SENIOR, None) == Ceiling(120, LimitField.SENIOR)
    assert refused_limit(district, LimitField.NON_SCHOOL_DAY, 50) == Ceiling(
        45, LimitField.NON_SCHOOL_DAY
    )
    assert ceiling_for(Caps(senior=120), LimitField.NON_SCHOOL_DAY) == Ceiling(
        120, LimitField.SENIOR
    )


def test_cap_for_takes_the_tighter_of_school_and_district() -> None:
    cal = SchoolCalendar()
    raised = Caps(primary_low=20, primary=120, junior=60, non_school_day=200)
    effective = raised.within(Caps(primary=50))
    assert cap_for(effective, 1, MON, cal).minutes == 0
    assert cap_for(effective, 1, MON, cal).rule is CapRule.NO_WRITTEN_PRIMARY_LOW
    assert cap_for(effective, 4, MON, cal).minutes == 50
    assert cap_for(effective, 8, MON, cal).minutes == 60
    assert cap_for(effective, 4, SAT, cal).minutes == 50
    assert cap_for(effective, 11, MON, cal).minutes is None


@pytest.mark.parametrize(
    ("minimum", "mode", "refused"),
    [
        (OverCapMode.APPROVE, OverCapMode.WARN, True),
        (OverCapMode.APPROVE, OverCapMode.APPROVE, False),
        (OverCapMode.APPROVE, OverCapMode.STRICT, False),
        (OverCapMode.WARN, OverCapMode.WARN, False),
    ],
)
def test_mode_floor(minimum: OverCapMode, mode: OverCapMode, refused: bool) -> None:
    assert refused_mode(minimum, mode) is refused
    assert mode.at_least(minimum) == (minimum if refused else mode)
