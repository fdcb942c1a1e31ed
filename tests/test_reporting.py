"""bot.domain.reporting: the evening question's ranges around the cap, and what passes as a
note at the optional note step."""

from __future__ import annotations

import pytest

from bot.domain.reporting import (
    MAX_MINUTES,
    MAX_NOTE,
    RangeChoice,
    looks_like_note,
    looks_like_question,
    range_choices,
)


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
