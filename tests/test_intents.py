"""Text outside an open step, by keyword and reply-context rules, in zh, ru and en."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.intents import (
    TODAY,
    TOMORROW,
    DayAsked,
    Intent,
    IntentKind,
    TextContext,
    classify,
)

HOMEWORK, MINUTES, REPLY, UNKNOWN = (
    IntentKind.HOMEWORK,
    IntentKind.MINUTES,
    IntentKind.COMPLAINT_REPLY,
    IntentKind.UNKNOWN,
)
PLAIN = TextContext()
EVENING = TextContext(evening_open=True)
MONDAY = DayAsked(weekday=0)
NEXT_MONDAY = DayAsked(weekday=0, next_week=True)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # zh
        ("今天有什么作业？", TODAY),
        ("明天的作业是什么", TOMORROW),
        ("老师您好，下周一的作业是什么？", NEXT_MONDAY),
        ("周一有作业吗", MONDAY),
        ("今晚作业有哪些", TODAY),
        ("作业是什么？", None),
        ("后天的作业是什么", DayAsked(days=2)),
        # en
        ("what homework today", TODAY),
        ("What is the homework for tomorrow?", TOMORROW),
        ("any homework for next Monday?", NEXT_MONDAY),
        ("homework?", None),
        # ru
        ("какое задание на завтра", TOMORROW),
        ("Что задали на сегодня?", TODAY),
        ("Какое домашнее задание на понедельник?", MONDAY),
        ("есть ли дз на следующий понедельник", NEXT_MONDAY),
    ],
)
def test_homework_questions(text: str, day: DayAsked | None) -> None:
    assert classify(text, PLAIN) == Intent(HOMEWORK, day=day)
    # An open evening question does not change what a question is.
    assert classify(text, EVENING) == Intent(HOMEWORK, day=day)


@pytest.mark.parametrize(
    "text",
    [
        "孩子写到九点半，语文抄写太多",  # a note, not a question
        "作业太多了",  # homework, but no question
        "你好",
        "too much homework tonight",
        "hello",
        "спасибо",
        "слишком много задали",
        "今天的作业是什么情况，孩子从六点写到十点还没写完，数学练习册三页，语文抄写两遍，英语还要背诵课文，请问老师能不能少布置一点？",
    ],
)
def test_not_questions_are_unknown(text: str) -> None:
    assert classify(text, PLAIN).kind is UNKNOWN


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45分钟", 45),
        ("一个半小时", 90),
        ("45", 45),
        ("四十五", 45),
        ("１小时", 60),
        ("45 min", 45),
        ("an hour and a half", 90),
        ("45 минут", 45),
        ("полтора часа", 90),
    ],
)
def test_minutes_only_on_an_open_evening(text: str, minutes: int) -> None:
    assert classify(text, EVENING) == Intent(MINUTES, minutes=minutes)
    assert classify(text, PLAIN).kind is UNKNOWN


@pytest.mark.parametrize("text", ["0", "601", "45-60", "九点半"])
def test_minutes_out_of_bounds_or_unclear_are_not_minutes(text: str) -> None:
    assert classify(text, EVENING).kind is UNKNOWN


@pytest.mark.parametrize(
    "replied",
    [
        "Question on C-7K3Q-9XMD — please answer with “Add information”:\nWhich page?",
        "C-7K3Q-9XMD 的问题——请用“补充信息”回答：\n哪一页？",
        "Вопрос по C-7K3Q-9XMD:\nКакая страница?",
    ],
)
def test_a_reply_to_a_complaint_message(replied: str) -> None:
    for text in ("第12页", "45分钟", "今天有什么作业？", "page 12"):
        context = TextContext(replied_text=replied, evening_open=True)
        assert classify(text, context) == Intent(REPLY, code="C-7K3Q-9XMD")


@pytest.mark.parametrize(
    "replied",
    [
        "Homework for Lena (4A), Thu, Nov 19:",  # no code
        "C-7K3Q-9XMD: resolved\nC-22AB-CDEF: new",  # two complaints: not sure which
        "c-7k3q-9xmd",  # not a code as the bot writes it
    ],
)
def test_a_reply_to_another_message_is_not_a_complaint_reply(replied: str) -> None:
    assert classify("第12页", TextContext(replied_text=replied)).kind is UNKNOWN


@pytest.mark.parametrize(
    ("day", "today", "expected"),
    [
        (TODAY, date(2026, 11, 19), date(2026, 11, 19)),
        (TOMORROW, date(2026, 11, 19), date(2026, 11, 20)),
        (MONDAY, date(2026, 11, 19), date(2026, 11, 23)),  # Thursday -> the coming Monday
        (MONDAY, date(2026, 11, 23), date(2026, 11, 23)),  # on a Monday: today
        (NEXT_MONDAY, date(2026, 11, 19), date(2026, 11, 23)),
        (NEXT_MONDAY, date(2026, 11, 23), date(2026, 11, 30)),
        (DayAsked(weekday=4), date(2026, 11, 19), date(2026, 11, 20)),
    ],
)
def test_days_resolve(day: DayAsked, today: date, expected: date) -> None:
    assert day.resolve(today) == expected
