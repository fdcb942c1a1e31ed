"""bot.domain.calibration: apportioning reported evening totals to subjects by estimated shares."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.calibration import Calibration, Estimate, Reports, calibrate, window

MON = date(2026, 11, 2)
T1, T2 = 801, 802
A, B = 1, 2


def days(n: int) -> list[date]:
    return [MON + timedelta(days=i) for i in range(n)]


def evening(
    day: date, pieces: list[tuple[int, str, int]], reported: list[int], klass: int = A
) -> tuple[list[Estimate], Reports]:
    return (
        [Estimate(klass, day, t, s, m) for t, s, m in pieces],
        Reports(klass, day, tuple(reported)),
    )


def run(evenings: list[tuple[list[Estimate], Reports]], **kwargs: int) -> list[Calibration]:
    estimates = [e for es, _ in evenings for e in es]
    return calibrate(estimates, [r for _, r in evenings], **kwargs)


@pytest.mark.parametrize(
    ("maths", "chinese", "reported", "expected_ratio"),
    [
        (30, 30, [60, 60, 60], 1.0),  # exactly as estimated
        (30, 30, [78, 78, 78], 1.3),  # 30% more
        (20, 40, [90, 90, 90], 1.5),  # shares 1/3 and 2/3, both 1.5
        (30, 30, [30, 30, 30], 0.5),  # half
        (30, 30, [40, 60, 80], 1.0),  # the mean of the children counts
        (30, 30, [0, 0, 0], 0.0),
    ],
)
def test_ratio_is_the_same_for_every_subject_of_an_evening(
    maths: int, chinese: int, reported: list[int], expected_ratio: float
) -> None:
    result = run(
        [evening(d, [(T1, "Maths", maths), (T2, "Chinese", chinese)], reported) for d in days(5)]
    )
    assert [(c.teacher_id, c.subject) for c in result] == [(T1, "Maths"), (T2, "Chinese")]
    for c in result:
        assert c.ratio == pytest.approx(expected_ratio)
        assert c.evenings == 5 and c.reports == 15


def test_apportioned_over_different_evenings() -> None:
    # Maths 30 with Chinese 30 reported 90 (Maths gets 45), then Maths alone 30 reported 30.
    evenings = [evening(d, [(T1, "Maths", 30), (T2, "Chinese", 30)], [90] * 3) for d in days(3)]
    evenings += [evening(d, [(T1, "Maths", 30)], [30] * 4) for d in days(6)[3:]]
    [maths] = run(evenings)  # Chinese has only 3 evenings: hidden
    # reported: 3 evenings x 3 children x 45 + 3 x 4 x 30 = 405 + 360; estimated 9x30 + 12x30
    assert maths.ratio == pytest.approx((405 + 360) / (270 + 360))
    assert maths.evenings == 6
    [_, chinese] = run(evenings, min_evenings=3)
    assert chinese.evenings == 3 and chinese.ratio == pytest.approx(1.5)


@pytest.mark.parametrize(
    ("evening_count", "reports_each", "shown"),
    [(5, 3, True), (4, 3, False), (5, 2, False), (10, 2, False), (6, 5, True)],
)
def test_enough_data_threshold(evening_count: int, reports_each: int, shown: bool) -> None:
    result = run(
        [evening(d, [(T1, "Maths", 20)], [25] * reports_each) for d in days(evening_count)]
    )
    assert bool(result) is shown


def test_evenings_without_estimate_or_reports_are_skipped() -> None:
    evenings = [evening(d, [(T1, "Maths", 20)], [20] * 3) for d in days(5)]
    evenings.append(evening(MON + timedelta(days=9), [], [50, 50, 50]))  # nothing set
    evenings.append(evening(MON + timedelta(days=10), [(T1, "Maths", 20)], []))  # no reports
    [c] = run(evenings)
    assert c.evenings == 5 and c.ratio == pytest.approx(1.0)


def test_classes_and_teachers_kept_apart() -> None:
    evenings = [evening(d, [(T1, "Maths", 20)], [40] * 3, klass=A) for d in days(5)]
    evenings += [evening(d, [(T1, "Maths", 20)], [20] * 3, klass=B) for d in days(5)]
    result = run(evenings)
    assert [(c.class_id, round(c.ratio, 2)) for c in result] == [(A, 2.0), (B, 1.0)]


@pytest.mark.parametrize(
    ("ratio", "percent", "in_line", "preview", "thirty"),
    [
        (1.0, 0, True, False, 30),
        (1.3, 30, False, True, 40),
        (1.08, 10, True, False, 30),
        (0.8, -20, False, False, 25),
        (0.7, -30, False, True, 20),
        (1.21, 20, False, True, 35),
    ],
)
def test_presentation(
    ratio: float, percent: int, in_line: bool, preview: bool, thirty: int
) -> None:
    c = Calibration(T1, "Maths", A, ratio, 5, 15)
    assert c.percent == percent
    assert c.in_line is in_line
    assert c.worth_showing_in_preview is preview
    assert c.calibrated(30) == thirty


def test_negative_minutes_refused() -> None:
    with pytest.raises(ValueError, match="estimated"):
        calibrate([Estimate(A, MON, T1, "Maths", -1)], [])
    with pytest.raises(ValueError, match="reported"):
        calibrate([], [Reports(A, MON, (10, -5, 10))])


def test_window_is_four_weeks_before_today() -> None:
    assert window(date(2026, 11, 30)) == (date(2026, 11, 2), date(2026, 11, 29))
