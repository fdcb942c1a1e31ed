"""The one definition of a class-day's figures and of "over the limit" (bot.domain.figures)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.figures import MIN_FAMILIES, ClassDay, OverReason, tally


def day(
    written: int = 0,
    cap: int | None = 60,
    reports: int = 0,
    timed: int | None = None,
    median: float | None = None,
    over: int = 0,
    unfinished: int = 0,
    share: int = 20,
    class_id: int = 1,
) -> ClassDay:
    return ClassDay(
        school_id=1,
        class_id=class_id,
        class_name="5A",
        grade=5,
        day=date(2026, 11, 19),
        written=written,
        pieces=1 if written else 0,
        cap=cap,
        reports=reports,
        timed=reports if timed is None else timed,
        median=median,
        over=over,
        unfinished=unfinished,
        unfinished_share=share,
    )


@pytest.mark.parametrize(
    ("figures", "reasons"),
    [
        (day(written=60), ()),  # at the cap is within
        (day(written=61), (OverReason.ESTIMATE,)),
        (day(written=600, cap=None), ()),  # no cap: the estimate never goes over
        (day(written=40, reports=3, median=75.0, over=2), (OverReason.MEDIAN,)),
        (day(written=40, reports=3, median=60.0), ()),
        # a median below MIN_FAMILIES timed reports does not count, even if one was given
        (day(written=40, reports=3, timed=2, median=75.0), ()),
        (day(written=40, reports=2, median=75.0, over=2), ()),
        # unfinished: from 3 reports, at least the school's share (20%)
        (day(written=40, reports=5, median=50.0, over=1, unfinished=1), (OverReason.UNFINISHED,)),
        (day(written=40, reports=6, median=50.0, over=1, unfinished=1), ()),
        (day(written=40, reports=2, unfinished=2, over=2), ()),  # below 3 reports: never
        (day(written=40, reports=5, unfinished=1, share=25), ()),  # the school's share
        (
            day(written=70, reports=4, median=80.0, over=4, unfinished=2),
            (OverReason.ESTIMATE, OverReason.MEDIAN, OverReason.UNFINISHED),
        ),
    ],
)
def test_reasons_and_over(figures: ClassDay, reasons: tuple[OverReason, ...]) -> None:
    assert figures.reasons == reasons
    assert figures.is_over is bool(reasons)


def test_shown_only_from_min_families() -> None:
    assert MIN_FAMILIES == 3
    low = day(reports=2, over=1, unfinished=1)
    assert (low.shown, low.over_shown, low.unfinished_shown) == (False, None, None)
    high = day(reports=3, over=1, unfinished=1)
    assert (high.shown, high.over_shown, high.unfinished_shown) == (True, 1, 1)


def test_tally_counts_what_is_over() -> None:
    days = [
        day(written=70, class_id=1),  # over by the estimate
        day(written=40, reports=3, median=70.0, over=2, class_id=1),  # over by the median
        day(written=40, reports=2, median=None, unfinished=2, class_id=2),  # within, uncovered
        day(written=0, reports=4, median=30.0, class_id=3),  # reports only: no coverage base
    ]
    t = tally(days)
    assert (t.days, t.over, t.within) == (4, 2, 2)
    assert t.by_reason == {OverReason.ESTIMATE: 1, OverReason.MEDIAN: 1}
    assert (t.written_days, t.covered) == (3, 1)
    assert (t.reports, t.unfinished) == (9, 2)
    assert t.over_classes == {1} and t.classes == {1, 2, 3}
    assert t.within_share == 0.5 and t.unfinished_part == pytest.approx(2 / 9)
    assert tally([]).within_share is None


def test_tally_merge_is_the_tally_of_both() -> None:
    a = [day(written=70, class_id=1), day(written=40, reports=5, unfinished=2, class_id=2)]
    b = [day(written=40, reports=3, median=70.0, over=2, class_id=3)]
    merged = tally(a)
    merged.merge(tally(b))
    both = tally(a + b)
    assert (merged.days, merged.over, merged.by_reason, merged.covered) == (
        both.days,
        both.over,
        both.by_reason,
        both.covered,
    )
    assert (merged.reports, merged.unfinished, merged.over_classes) == (
        both.reports,
        both.unfinished,
        both.over_classes,
    )
