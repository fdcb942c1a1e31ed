"""bot.domain.reporting: the evening question's ranges around the cap, and what passes as a
note at the optional note step."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.reporting import (
    MAX_MINUTES,
    MAX_NOTE,
    RangeChoice,
    looks_like_note,
    looks_like_question,
    range_choices,
    range_figure,
    release_notes,
    unfinished_warned,
    valid_range,
)


def test_ranges_around_primary_cap() -> None:
    # Stored as the range (issue 11; was its middle, 15/45/75/105).
    assert range_choices(40, 60) == [
        RangeChoice(0, 30),
        RangeChoice(30, 60),
        RangeChoice(60, 90),
        RangeChoice(90, None),
    ]
    assert [c.figure for c in range_choices(40, 60)] == [15, 45, 75, 90]


@pytest.mark.parametrize(("estimate", "cap"), [(0, None), (200, None), (20, 0), (5, 90), (0, 1)])
def test_ranges_are_ordered_and_values_inside(estimate: int, cap: int | None) -> None:
    choices = range_choices(estimate, cap)
    assert len(choices) == 4
    for choice in choices:
        assert valid_range(choice.low, choice.high)
        assert 1 <= choice.figure <= MAX_MINUTES
        assert choice.low <= choice.figure
        assert choice.high is None or choice.figure <= choice.high
    assert [c.low for c in choices] == sorted({c.low for c in choices})


def test_no_cap_uses_the_estimate() -> None:
    assert range_choices(120, None)[1] == RangeChoice(60, 120)


def test_range_figure_is_the_midpoint_and_the_open_range_its_bound() -> None:
    assert range_figure(60, 90) == 75
    assert range_figure(0, 25) == 12.5
    assert range_figure(90, None) == 90


@pytest.mark.parametrize(
    ("low", "high", "ok"),
    [(0, 30, True), (90, None, True), (0, None, False), (30, 30, False), (10, 601, False)],
)
def test_valid_range(low: int, high: int | None, ok: bool) -> None:
    assert valid_range(low, high) is ok


@pytest.mark.parametrize(
    ("unfinished", "reports", "share", "warned"),
    [(1, 5, 20, True), (1, 6, 20, False), (0, 5, 0, False), (2, 2, 20, False), (3, 3, 100, True)],
)
def test_unfinished_share(unfinished: int, reports: int, share: int, warned: bool) -> None:
    assert unfinished_warned(unfinished, reports, share) is warned


def test_notes_of_a_small_evening_are_held_to_the_next_with_enough_families() -> None:
    mon, tue, wed, thu = (date(2026, 11, d) for d in (16, 17, 18, 19))
    families = {mon: 3, tue: 1, wed: 2, thu: 4}
    notes = {mon: ["b", "a"], tue: ["held 1"], wed: ["held 2"], thu: ["c"]}
    assert release_notes(families, notes) == {
        mon: ["a", "b"],
        thu: ["c", "held 1", "held 2"],
    }
    assert release_notes({tue: 2}, {tue: ["x"]}) == {}


@pytest.mark.parametrize(
    "text",
    [
        # zh
        "累了，数学有点难",
        "做完了。",
        "孩子今天状态不好",
        "明天再补",
        "怎么也做不完",  # "no matter what" here, not "how?"
        # ru
        "Устал, но сделал.",
        "Что-то долго сегодня",  # "что-то" is not "что"
        "Математика была трудной",
        # en
        "Tired, maths was hard",
        "Whatever, it is done",  # "whatever" is not "what"
        "Did well today!",
        "x" * MAX_NOTE,
    ],
)
def test_plausible_notes(text: str) -> None:
    assert looks_like_note(text)


@pytest.mark.parametrize(
    "text",
    [
        # zh: the case, a question mark, the particle 吗, openings
        "老师您好，下周一的作业是什么？",
        "明天交吗",
        "作业在哪里?",
        "请问明天有没有听写",
        "老师辛苦了",  # addressed to the teacher: not a note on the report
        "为什么今天这么多作业",
        "是不是要家长签字",
        # ru
        "Какое задание на завтра",
        "Когда сдавать сочинение",
        "Подскажите, пожалуйста, что задали",
        "Что задали по математике?!",
        # en
        "What is the homework for Monday",
        "what's due tomorrow",
        "Can you resend the task",
        "Is there homework tomorrow?",
    ],
)
def test_questions_are_not_notes(text: str) -> None:
    assert looks_like_question(text)
    assert not looks_like_note(text)


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text_is_not_a_note(text: str) -> None:
    assert not looks_like_note(text)


@pytest.mark.parametrize("text", ["x" * (MAX_NOTE + 1), "长" * (MAX_NOTE + 1)])
def test_an_over_long_note_is_still_a_note(text: str) -> None:
    """The step answers it with the limit and stays open: a long note is not lost."""
    assert looks_like_note(text)


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (date(2026, 11, 19), date(2026, 8, 1)),
        (date(2027, 1, 10), date(2026, 8, 1)),
        (date(2027, 3, 1), date(2027, 2, 1)),
        (date(2027, 7, 31), date(2027, 2, 1)),
    ],
)
def test_term_start(today: date, start: date) -> None:
    from bot.domain.reporting import term_start

    assert term_start(today) == start
