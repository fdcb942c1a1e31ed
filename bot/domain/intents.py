"""What a message typed outside any open step is, by keyword and reply-context rules only.

A message is one of: a reply (Telegram's reply-to) to a bot message naming exactly one
complaint code; minutes, when the evening question is open for the sender; a question about
homework (a homework word and a question word or mark, short, in zh, ru or en), with the day
it asks about; or unknown. Nothing is guessed beyond these rules: unknown text is offered a
menu, never stored as anything.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.complaints import codes_in
from bot.domain.parsing.minutes import parse_minutes
from bot.domain.parsing.result import Understood
from bot.domain.parsing.text import normalize

MAX_QUESTION = 60
"""A homework question is short; a longer text that mentions homework is something else
(a complaint, a note) and is not taken for a question."""


class IntentKind(enum.StrEnum):
    COMPLAINT_REPLY = "complaint_reply"
    MINUTES = "minutes"
    HOMEWORK = "homework"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class DayAsked:
    """The day a homework question is about: `days` from today, or the next `weekday`
    (0 = Monday; today counts unless `next_week`)."""

    days: int | None = None
    weekday: int | None = None
    next_week: bool = False

    def resolve(self, today: date) -> date:
        if self.days is not None:
            return today + timedelta(days=self.days)
        assert self.weekday is not None
        if self.next_week:
            monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
            return monday + timedelta(days=self.weekday)
        return today + timedelta(days=(self.weekday - today.weekday()) % 7)


TODAY = DayAsked(days=0)
TOMORROW = DayAsked(days=1)


@dataclass(frozen=True)
class TextContext:
    """What the bot knows around a message: the text of the bot message it replies to (None:
    not a reply to the bot), and whether the sender has an unanswered evening question."""

    replied_text: str | None = None
    evening_open: bool = False


@dataclass(frozen=True)
class Intent:
    kind: IntentKind
    code: str | None = None
    """COMPLAINT_REPLY: the complaint's code."""
    minutes: int | None = None
    """MINUTES: whole minutes within the reporting limits."""
    day: DayAsked | None = None
    """HOMEWORK: the day asked about; None: no day named (today and the next days)."""


UNKNOWN = Intent(IntentKind.UNKNOWN)

# ---------------------------------------------------------------- homework questions

_HOMEWORK_WORDS = re.compile(
    r"作业|功课|homework|\bhw\b|задани|домашк|\bдз\b|уроки|уроков|задал[иоа]?(?![а-я])"
)
_QUESTION = re.compile(
    r"[?？]|什么|啥|哪些|多少|吗|呢|有没有|是否|查|"
    r"\b(?:what|which|any|is there|are there|do we|do they)\b|"
    r"(?<![а-я])(?:какое|какие|какая|что|есть ли)(?![а-я])"
)
_WEEKDAYS_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_ZH_WEEKDAY = re.compile(r"(下)?(?:个)?(?:周|星期|礼拜)([一二三四五六日天])")
_EN_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EN_WEEKDAY = re.compile(r"\b(next\s+)?(" + "|".join(_EN_WEEKDAYS) + r")\b")
_RU_WEEKDAYS = ("понедельник", "вторник", "сред", "четверг", "пятниц", "суббот", "воскресень")
_RU_WEEKDAY = re.compile(r"(?<![а-я])(следующ\w*\s+)?(" + "|".join(_RU_WEEKDAYS) + r")[а-я]*")
_RELATIVE: tuple[tuple[re.Pattern[str], DayAsked], ...] = (
    (re.compile(r"后天|day after tomorrow|послезавтра"), DayAsked(days=2)),
    (re.compile(r"明天|明日|明晚|\btomorrow\b|(?<![а-я])завтра"), TOMORROW),
    (re.compile(r"今天|今日|今晚|\btoday\b|\btonight\b|(?<![а-я])сегодня"), TODAY),
)


def asked_day(text: str) -> DayAsked | None:
    """The day a (normalized) question names, if any."""
    for pattern, day in _RELATIVE:
        if pattern.search(text):
            return day
    if m := _ZH_WEEKDAY.search(text):
        return DayAsked(weekday=_WEEKDAYS_ZH[m.group(2)], next_week=bool(m.group(1)))
    if m := _EN_WEEKDAY.search(text):
        return DayAsked(weekday=_EN_WEEKDAYS.index(m.group(2)), next_week=bool(m.group(1)))
    if m := _RU_WEEKDAY.search(text):
        return DayAsked(weekday=_RU_WEEKDAYS.index(m.group(2)), next_week=bool(m.group(1)))
    return None


def homework_question(raw: str | None) -> Intent | None:
    """A short question about homework ('今天有什么作业？', 'what homework today',
    'какое задание на завтра'), with the day it names; None if the text is no such question."""
    text = normalize(raw)
    if not text or len(text) > MAX_QUESTION:
        return None
    if not _HOMEWORK_WORDS.search(text) or not _QUESTION.search(text):
        return None
    return Intent(IntentKind.HOMEWORK, day=asked_day(text))


# ---------------------------------------------------------------- the rules, in order


def complaint_reply(replied_text: str | None) -> str | None:
    """The complaint code of a replied-to bot message naming exactly one complaint."""
    codes = set(codes_in(replied_text or ""))
    return codes.pop() if len(codes) == 1 else None


def typed_minutes(raw: str | None) -> int | None:
    parsed = parse_minutes(raw)
    return parsed.value if isinstance(parsed, Understood) else None


def classify(raw: str | None, context: TextContext) -> Intent:
    """The message's intent: a reply to a complaint message, minutes on an open evening, a
    homework question, or unknown (in that order)."""
    code = complaint_reply(context.replied_text)
    if code is not None:
        return Intent(IntentKind.COMPLAINT_REPLY, code=code)
    if context.evening_open and (minutes := typed_minutes(raw)) is not None:
        return Intent(IntentKind.MINUTES, minutes=minutes)
    return homework_question(raw) or UNKNOWN
