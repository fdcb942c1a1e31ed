"""Tests for bot.load: caps, spreading and the evening-load verdict."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.domain.calendar import SchoolCalendar
from bot.domain.load import (
    NO_CAP,
    Cap,
    CapRule,
    Caps,
    EveningLoad,
    GradeBand,
    HomeworkKind,
    OverCapMode,
    Piece,
    PostingOutcome,
    band_for_grade,
    cap_for,
    check_new_piece,
    evening_load,
    evenings_for,
    median_minutes,
    spread_minutes,
)

# November 2026: Mon 16 ... Thu 19, Fri 20, Sat 21, Sun 22, Mon 23, Tue 24, Wed 25.
WED, THU, FRI, SAT, SUN = (date(2026, 11, d) for d in (18, 19, 20, 21, 22))
MON, TUE, NEXT_WED = (date(2026, 11, d) for d in (23, 24, 25))

CAL = SchoolCalendar()
# Fri 20 is a holiday; Sat 21 is a make-up school day.
HOLIDAY_CAL = SchoolCalendar(holidays=frozenset({FRI}), makeup_days=frozenset({SAT}))

PRESET = Caps.cn_double_reduction()
WEEKEND_30 = Caps(non_school_day=30)
WRITTEN = HomeworkKind.WRITTEN
READING = HomeworkKind.READING


def w(subject: str, minutes: int, piece_id: int | None = None) -> Piece:
    """A written piece."""
    return Piece(subject, WRITTEN, minutes, piece_id)


def r(subject: str, minutes: int) -> Piece:
    """A reading piece."""
    return Piece(subject, READING, minutes)


# --- grade bands and caps -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "band"),
    [
        (1, GradeBand.PRIMARY_LOW),
        (2, GradeBand.PRIMARY_LOW),
        (3, GradeBand.PRIMARY),
        (6, GradeBand.PRIMARY),
        (7, GradeBand.JUNIOR),
        (9, GradeBand.JUNIOR),
        (10, GradeBand.SENIOR),
        (12, GradeBand.SENIOR),
    ],
)
def test_band_for_grade(grade: int, band: GradeBand) -> None:
    assert band_for_grade(grade) is band


@pytest.mark.parametrize("grade", [0, 13, -1, 100, True, 3.0, "3"])
def test_band_for_grade_rejects(grade: Any) -> None:
    with pytest.raises(ValueError, match="grade"):
        band_for_grade(grade)


def test_preset_values() -> None:
    preset = Caps.cn_double_reduction()
    assert preset == Caps()
    assert (preset.primary_low, preset.primary, preset.junior) == (0, 60, 90)
    assert preset.senior is None
    assert preset.non_school_day is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"primary": -1},
        {"junior": -5},
        {"primary_low": -1},
        {"senior": -1},
        {"non_school_day": -1},
        {"primary": None},
        {"primary_low": None},
        {"junior": 1.5},
    ],
)
def test_caps_reject_bad_values(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be"):
        Caps(**kwargs)


@pytest.mark.parametrize(
    ("minutes", "rule"),
    [(None, CapRule.PRIMARY_DAILY), (60, CapRule.NONE), (-1, CapRule.PRIMARY_DAILY)],
)
def test_cap_rejects_inconsistent(minutes: int | None, rule: CapRule) -> None:
    with pytest.raises(ValueError, match="minutes"):
        Cap(minutes, rule)


@pytest.mark.parametrize(
    ("caps", "grade", "evening", "cal", "expected"),
    [
        # school days
        pytest.param(PRESET, 1, THU, CAL, Cap(0, CapRule.NO_WRITTEN_PRIMARY_LOW), id="g1-thu"),
        pytest.param(PRESET, 4, THU, CAL, Cap(60, CapRule.PRIMARY_DAILY), id="g4-thu"),
        pytest.param(PRESET, 6, THU, CAL, Cap(60, CapRule.PRIMARY_DAILY), id="g6-thu"),
        pytest.param(PRESET, 7, THU, CAL, Cap(90, CapRule.JUNIOR_DAILY), id="g7-thu"),
        pytest.param(PRESET, 11, THU, CAL, NO_CAP, id="g11-thu-uncapped"),
        pytest.param(
            Caps(senior=120), 11, THU, CAL, Cap(120, CapRule.SENIOR_DAILY), id="g11-senior-cap"
        ),
        # weekends without a non_school_day cap: the grade's school-day cap
        pytest.param(PRESET, 4, SAT, CAL, Cap(60, CapRule.PRIMARY_DAILY), id="g4-sat-preset"),
        pytest.param(PRESET, 8, SUN, CAL, Cap(90, CapRule.JUNIOR_DAILY), id="g8-sun-preset"),
        pytest.param(PRESET, 12, SAT, CAL, NO_CAP, id="g12-sat-preset"),
        # weekends with a non_school_day cap
        pytest.param(WEEKEND_30, 4, SAT, CAL, Cap(30, CapRule.NON_SCHOOL_DAY), id="g4-sat-30"),
        pytest.param(WEEKEND_30, 8, SUN, CAL, Cap(30, CapRule.NON_SCHOOL_DAY), id="g8-sun-30"),
        pytest.param(WEEKEND_30, 12, SAT, CAL, Cap(30, CapRule.NON_SCHOOL_DAY), id="g12-sat-30"),
        pytest.param(WEEKEND_30, 4, THU, CAL, Cap(60, CapRule.PRIMARY_DAILY), id="g4-thu-30"),
        # grades 1-2: never any written work, weekend or not
        pytest.param(
            PRESET, 2, SAT, CAL, Cap(0, CapRule.NO_WRITTEN_PRIMARY_LOW), id="g2-sat-preset"
        ),
        pytest.param(
            WEEKEND_30, 2, SUN, CAL, Cap(0, CapRule.NO_WRITTEN_PRIMARY_LOW), id="g2-sun-30"
        ),
        pytest.param(
            Caps(primary_low=20),
            1,
            THU,
            CAL,
            Cap(20, CapRule.PRIMARY_LOW_DAILY),
            id="g1-school-override",
        ),
        # holidays and make-up days
        pytest.param(PRESET, 8, FRI, HOLIDAY_CAL, Cap(90, CapRule.JUNIOR_DAILY), id="hol-preset"),
        pytest.param(WEEKEND_30, 8, FRI, HOLIDAY_CAL, Cap(30, CapRule.NON_SCHOOL_DAY), id="hol-30"),
        pytest.param(
            WEEKEND_30, 4, SAT, HOLIDAY_CAL, Cap(60, CapRule.PRIMARY_DAILY), id="makeup-sat-30"
        ),
        pytest.param(
            WEEKEND_30, 4, SUN, HOLIDAY_CAL, Cap(30, CapRule.NON_SCHOOL_DAY), id="sun-after-makeup"
        ),
    ],
)
def test_cap_for(caps: Caps, grade: int, evening: date, cal: SchoolCalendar, expected: Cap) -> None:
    assert cap_for(caps, grade, evening, cal) == expected


def test_cap_for_rejects_bad_grade() -> None:
    with pytest.raises(ValueError, match="grade"):
        cap_for(PRESET, 13, THU, CAL)


# --- spreading ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "evenings", "expected"),
    [
        pytest.param(60, [THU, FRI, MON], [20, 20, 20], id="even"),
        pytest.param(10, [THU, FRI, MON], [4, 3, 3], id="remainder-1"),
        pytest.param(11, [THU, FRI, MON], [4, 4, 3], id="remainder-2"),
        pytest.param(2, [THU, FRI, MON], [1, 1, 0], id="fewer-minutes-than-evenings"),
        pytest.param(45, [THU], [45], id="single"),
        pytest.param(10, [MON, THU, FRI], [4, 3, 3], id="unordered-input"),
    ],
)
def test_spread_minutes(minutes: int, evenings: list[date], expected: list[int]) -> None:
    result = spread_minutes(minutes, evenings)
    assert list(result) == sorted(evenings)
    assert list(result.values()) == expected
    assert sum(result.values()) == minutes


@pytest.mark.parametrize("minutes", range(1, 40))
@pytest.mark.parametrize("n_evenings", [1, 2, 3, 4, 7])
def test_spread_minutes_sum_exact_and_even(minutes: int, n_evenings: int) -> None:
    evenings = CAL.school_days_between(date(2026, 11, 2), date(2026, 11, 30))[:n_evenings]
    values = list(spread_minutes(minutes, evenings).values())
    assert sum(values) == minutes
    assert max(values) - min(values) <= 1
    assert values == sorted(values, reverse=True)


@pytest.mark.parametrize(
    ("minutes", "evenings", "match"),
    [
        (10, [], "empty"),
        (0, [THU], ">= 1"),
        (-5, [THU], ">= 1"),
        (10, [THU, THU], "distinct"),
    ],
)
def test_spread_minutes_rejects(minutes: int, evenings: list[date], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        spread_minutes(minutes, evenings)


@pytest.mark.parametrize(
    ("cal", "evening", "due", "expected"),
    [
        pytest.param(CAL, THU, None, [THU], id="no-due-date"),
        pytest.param(CAL, THU, FRI, [THU], id="due-next-day"),
        pytest.param(CAL, THU, TUE, [THU, FRI, MON], id="thu-to-tue-over-weekend"),
        pytest.param(CAL, FRI, MON, [FRI], id="fri-due-mon"),
        pytest.param(CAL, SAT, MON, [SAT], id="weekend-only-falls-back"),
        pytest.param(CAL, SAT, TUE, [MON], id="set-saturday-due-tue"),
        pytest.param(HOLIDAY_CAL, THU, TUE, [THU, SAT, MON], id="holiday-and-makeup"),
        pytest.param(HOLIDAY_CAL, FRI, SAT, [FRI], id="holiday-only-falls-back"),
    ],
)
def test_evenings_for(
    cal: SchoolCalendar, evening: date, due: date | None, expected: list[date]
) -> None:
    assert evenings_for(cal, evening, due) == expected


@pytest.mark.parametrize("due", [THU, WED])
def test_evenings_for_rejects_due_not_after(due: date) -> None:
    with pytest.raises(ValueError, match="after"):
        evenings_for(CAL, THU, due)


def test_multi_day_spread_thursday_to_tuesday() -> None:
    """Posted Thu 19 Nov, due Tue 24 Nov, 50 min: Thu 17, Fri 17, Mon 16."""
    evenings = evenings_for(CAL, THU, TUE)
    assert spread_minutes(50, evenings) == {THU: 17, FRI: 17, MON: 16}


# --- evening load ---------------------------------------------------------------------------


def test_evening_load_groups_by_subject_in_first_appearance_order() -> None:
    pieces = [w("Maths", 20, 1), r("Chinese", 15), w("Chinese", 15, 2), w("Maths", 5, 3)]
    load = evening_load(pieces, Cap(60, CapRule.PRIMARY_DAILY))
    assert load.written_by_subject == (("Maths", 25), ("Chinese", 15))
    assert load.written_total == 40
    assert load.written == (pieces[0], pieces[2], pieces[3])
    assert load.other == (pieces[1],)
    assert load.over_by == 0
    assert load.is_over is False
    assert load.forbidden_written is False


@pytest.mark.parametrize(
    ("pieces", "cap", "total", "over_by", "forbidden"),
    [
        pytest.param([], Cap(60, CapRule.PRIMARY_DAILY), 0, 0, False, id="empty"),
        pytest.param([w("M", 60)], Cap(60, CapRule.PRIMARY_DAILY), 60, 0, False, id="at-cap"),
        pytest.param([w("M", 61)], Cap(60, CapRule.PRIMARY_DAILY), 61, 1, False, id="one-over"),
        pytest.param([w("M", 500)], NO_CAP, 500, 0, False, id="no-cap"),
        pytest.param(
            [r("M", 30)], Cap(0, CapRule.NO_WRITTEN_PRIMARY_LOW), 0, 0, False, id="g1-reading"
        ),
        pytest.param(
            [w("M", 10)], Cap(0, CapRule.NO_WRITTEN_PRIMARY_LOW), 10, 10, True, id="g1-written"
        ),
        pytest.param(
            [w("M", 0)], Cap(0, CapRule.NO_WRITTEN_PRIMARY_LOW), 0, 0, True, id="g1-written-0min"
        ),
        pytest.param(
            [r("M", 100), w("C", 30)], Cap(30, CapRule.NON_SCHOOL_DAY), 30, 0, False, id="other"
        ),
    ],
)
def test_evening_load_against_cap(
    pieces: list[Piece], cap: Cap, total: int, over_by: int, forbidden: bool
) -> None:
    load = evening_load(pieces, cap)
    assert isinstance(load, EveningLoad)
    assert load.cap == cap
    assert load.written_total == total
    assert load.over_by == over_by
    assert load.is_over is (over_by > 0)
    assert load.forbidden_written is forbidden


# --- verdict on a new piece -----------------------------------------------------------------

PRIMARY_CAP = Cap(60, CapRule.PRIMARY_DAILY)
G1_CAP = Cap(0, CapRule.NO_WRITTEN_PRIMARY_LOW)
OVER_BY_MODE = {
    OverCapMode.WARN: PostingOutcome.OVER_NEEDS_CONFIRM,
    OverCapMode.APPROVE: PostingOutcome.OVER_NEEDS_APPROVAL,
    OverCapMode.STRICT: PostingOutcome.OVER_REFUSED,
}


@pytest.mark.parametrize("mode", list(OverCapMode))
@pytest.mark.parametrize(
    ("existing", "new", "cap", "over"),
    [
        pytest.param([w("Maths", 30)], w("Chinese", 30), PRIMARY_CAP, False, id="exactly-at-cap"),
        pytest.param([w("Maths", 30)], w("Chinese", 31), PRIMARY_CAP, True, id="one-over"),
        pytest.param([], w("Maths", 60), PRIMARY_CAP, False, id="alone-at-cap"),
        pytest.param([], w("Maths", 61), PRIMARY_CAP, True, id="alone-one-over"),
        pytest.param(
            [w("Maths", 50)], w("Maths", 11), PRIMARY_CAP, True, id="same-subject-one-over"
        ),
        pytest.param([w("Maths", 90)], r("Chinese", 20), PRIMARY_CAP, False, id="reading-on-over"),
        pytest.param([r("Maths", 200)], w("Maths", 60), PRIMARY_CAP, False, id="reading-ignored"),
        pytest.param([w("Maths", 300)], w("Art", 300), NO_CAP, False, id="no-cap"),
        pytest.param([w("Maths", 70)], w("Art", 0), PRIMARY_CAP, False, id="zero-share-on-over"),
        pytest.param(
            [w("Maths", 90)],
            w("Chinese", 30),
            Cap(90, CapRule.NON_SCHOOL_DAY),
            True,
            id="weekend-cap-over",
        ),
    ],
)
def test_check_new_piece_over_cap(
    existing: list[Piece], new: Piece, cap: Cap, over: bool, mode: OverCapMode
) -> None:
    verdict = check_new_piece(existing, new, cap, mode)
    expected = OVER_BY_MODE[mode] if over else PostingOutcome.OK
    assert verdict.outcome is expected
    assert verdict.ok is (expected is PostingOutcome.OK)
    assert verdict.load == evening_load([*existing, new], cap)
    assert verdict.load.is_over is (verdict.load.over_by > 0)


@pytest.mark.parametrize("mode", list(OverCapMode))
@pytest.mark.parametrize(
    ("existing", "new", "expected"),
    [
        pytest.param([], w("Chinese", 10), PostingOutcome.FORBIDDEN, id="written"),
        pytest.param([], w("Chinese", 1), PostingOutcome.FORBIDDEN, id="one-minute"),
        pytest.param(
            [r("Chinese", 20)], w("Maths", 5), PostingOutcome.FORBIDDEN, id="after-reading"
        ),
        pytest.param([], r("Chinese", 20), PostingOutcome.OK, id="reading-ok"),
        pytest.param(
            [], Piece("PE", HomeworkKind.PRACTICAL, 30), PostingOutcome.OK, id="practical-ok"
        ),
        pytest.param([], Piece("Eng", HomeworkKind.ORAL, 10), PostingOutcome.OK, id="oral-ok"),
    ],
)
def test_check_new_piece_grades_1_2(
    existing: list[Piece], new: Piece, expected: PostingOutcome, mode: OverCapMode
) -> None:
    verdict = check_new_piece(existing, new, G1_CAP, mode)
    assert verdict.outcome is expected
    assert verdict.load.cap.rule is CapRule.NO_WRITTEN_PRIMARY_LOW
    assert verdict.load.forbidden_written is (expected is PostingOutcome.FORBIDDEN)


def test_check_new_piece_preview_example() -> None:
    """PRODUCT.md: `Maths 25 + Chinese 15 + this 30 = 70 / 60 min, 10 over`."""
    verdict = check_new_piece(
        [w("Maths", 25, 1), w("Chinese", 15, 2)], w("English", 30), PRIMARY_CAP, OverCapMode.WARN
    )
    assert verdict.outcome is PostingOutcome.OVER_NEEDS_CONFIRM
    load = verdict.load
    assert load.written_by_subject == (("Maths", 25), ("Chinese", 15), ("English", 30))
    assert (load.written_total, load.cap.minutes, load.over_by) == (70, 60, 10)
    assert load.cap.rule == "primary_daily"


def test_check_new_piece_multi_day_spread() -> None:
    """A spread piece is judged per evening: only the evening that overflows is over."""
    cap = cap_for(PRESET, 5, THU, CAL)
    existing = {THU: [w("Maths", 50)], FRI: [w("Maths", 20)], MON: []}
    shares = spread_minutes(45, evenings_for(CAL, THU, TUE))
    outcomes = {
        d: check_new_piece(existing[d], w("Chinese", m), cap, OverCapMode.STRICT).outcome
        for d, m in shares.items()
    }
    assert shares == {THU: 15, FRI: 15, MON: 15}
    assert outcomes == {
        THU: PostingOutcome.OVER_REFUSED,
        FRI: PostingOutcome.OK,
        MON: PostingOutcome.OK,
    }


@pytest.mark.parametrize("minutes", [-1, -60])
def test_piece_rejects_negative_minutes(minutes: int) -> None:
    with pytest.raises(ValueError, match="minutes"):
        w("Maths", minutes)


@pytest.mark.parametrize(
    ("kind", "counts"),
    [
        (HomeworkKind.WRITTEN, True),
        (HomeworkKind.READING, False),
        (HomeworkKind.ORAL, False),
        (HomeworkKind.PRACTICAL, False),
        (HomeworkKind.OTHER, False),
    ],
)
def test_only_written_counts(kind: HomeworkKind, counts: bool) -> None:
    assert kind.counts_against_cap is counts
    assert Piece("X", kind, 10).is_written is counts


def test_enums_are_storable_strings() -> None:
    assert HomeworkKind("written") is HomeworkKind.WRITTEN
    assert OverCapMode("strict") is OverCapMode.STRICT
    assert GradeBand("primary_low") is GradeBand.PRIMARY_LOW
    assert CapRule("no_written_primary_low") is CapRule.NO_WRITTEN_PRIMARY_LOW
    assert PostingOutcome("over_needs_confirm") is PostingOutcome.OVER_NEEDS_CONFIRM
    assert f"{CapRule.JUNIOR_DAILY}" == "junior_daily"


# --- median ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "min_reports", "expected"),
    [
        pytest.param([], 3, None, id="none"),
        pytest.param([30, 40], 3, None, id="two-below-threshold"),
        pytest.param([50, 30, 40], 3, 40, id="three-odd"),
        pytest.param([10, 20, 30, 40], 3, 25, id="four-integral"),
        pytest.param([10, 20, 31, 40], 3, 25.5, id="four-half"),
        pytest.param([30, 40], 2, 35, id="two-lower-threshold"),
        pytest.param([45], 1, 45, id="one-threshold-one"),
        pytest.param([0, 0, 120], 3, 0, id="zeros"),
    ],
)
def test_median_minutes(values: list[int], min_reports: int, expected: float | None) -> None:
    result = median_minutes(values, min_reports)
    assert result == expected
    if isinstance(expected, int):
        assert type(result) is int


@pytest.mark.parametrize(
    ("values", "min_reports", "match"),
    [([10, -1, 20], 3, ">= 0"), ([10, 20, 30], 0, "min_reports")],
)
def test_median_minutes_rejects(values: list[int], min_reports: int, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        median_minutes(values, min_reports)
