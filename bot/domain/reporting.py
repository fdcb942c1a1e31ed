"""The evening question (pure): its one-tap ranges around the cap, what a report counts as in
the class's figures, what passes as a note, and when notes may be shown (docs/FIGURES.md).

A range answer is stored as the range (low and high); the class median counts it as its
midpoint (`range_figure`), the open top range ("over 90") as its lower bound. A "went to bed
unfinished" report counts as at least the time worked and always as over the limit.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date


class ReportOutcome(enum.StrEnum):
    DONE = "done"
    UNFINISHED = "unfinished"  # did not finish, went to bed: a signal, not a failure


MIN_MINUTES = 1
MAX_MINUTES = 600
MAX_NOTE = 500
"""A note on a report is at most this many characters."""


MIN_FAMILIES = 3
"""Class figures and parents' notes are shown only with at least this many reports (privacy)."""
DEFAULT_UNFINISHED_SHARE = 20
"""Percent of a class's reports that went to bed unfinished from which the class is warned."""


@dataclass(frozen=True)
class RangeChoice:
    """'low-high minutes' (low 0: 'under high'; high None: 'over low'), stored as the range."""

    low: int
    high: int | None

    @property
    def figure(self) -> float:
        return range_figure(self.low, self.high)


def range_figure(low: int, high: int | None) -> float:
    """What a range counts as in the class median: its midpoint; the open top range ("over
    low") its lower bound, the least the child needed (it is over the limit anyway)."""
    return low if high is None else (low + high) / 2


def valid_range(low: int, high: int | None) -> bool:
    """A range a button may carry: 0 <= low < high <= MAX_MINUTES, or an open 'over low'."""
    if high is None:
        return MIN_MINUTES <= low <= MAX_MINUTES
    return 0 <= low < high <= MAX_MINUTES


def term_start(today: date) -> date:
    """The first day of the current school term, roughly (the bot keeps no term dates): the
    autumn term from August 1 (through January), the spring term from February 1."""
    if today.month >= 8:
        return date(today.year, 8, 1)
    if today.month == 1:
        return date(today.year - 1, 8, 1)
    return date(today.year, 2, 1)


def unfinished_warned(unfinished: int, reports: int, share_percent: int) -> bool:
    """Whether a class's unfinished reports reach the school's share (reports >= MIN_FAMILIES)."""
    return (
        reports >= MIN_FAMILIES and unfinished > 0 and unfinished * 100 >= share_percent * reports
    )


def release_notes(
    families: Mapping[date, int], notes: Mapping[date, Sequence[str]]
) -> dict[date, list[str]]:
    """Which notes are shown on which day: a day's notes on that day when the class had at
    least MIN_FAMILIES reporting families; otherwise held to the next day with reports that
    has (shown there among that day's notes, without their own day), or held still."""
    shown: dict[date, list[str]] = {}
    held: list[str] = []
    for day in sorted(set(families) | set(notes)):
        held += list(notes.get(day, ()))
        if families.get(day, 0) >= MIN_FAMILIES and held:
            shown[day] = sorted(held)  # sorted: the order gives no hint of who wrote which
            held = []
    return shown


def _round5(value: float) -> int:
    return max(5, round(value / 5.0) * 5)


def range_choices(estimate: int, cap: int | None) -> list[RangeChoice]:
    """Four ranges around the cap (or around the estimate when there is no cap): under half,
    half to the cap, the cap to one and a half times it, and more."""
    base = cap if cap else max(estimate, 30)
    half, cap_, one_half = _round5(base / 2), _round5(base), _round5(base * 1.5)
    if not half < cap_ < one_half:
        half, cap_, one_half = 15, 30, 45
    return [
        RangeChoice(0, half),
        RangeChoice(half, cap_),
        RangeChoice(cap_, one_half),
        RangeChoice(one_half, None),
    ]


QUESTION_ENDINGS = ("?", "？", "吗", "嗎")
QUESTION_PREFIXES = (
    "请问",
    "請問",
    "请教",
    "老师",
    "老師",
    "为什么",
    "能不能",
    "可不可以",
    "是不是",
)
"""Chinese openings of a question (to the teacher, about homework): "may I ask", "teacher",
"why", "can (you)", "is it"."""
QUESTION_WORDS = frozenset(
    {
        # en
        "what",
        "when",
        "where",
        "why",
        "how",
        "which",
        "who",
        "can",
        "could",
        "would",
        "should",
        # ru
        "какое",
        "какой",
        "какая",
        "какие",
        "что",
        "когда",
        "где",
        "почему",
        "зачем",
        "сколько",
        "подскажите",
        "скажите",
        "можно",
    }
)
"""English and Russian first words of a question, matched as whole words ("Whatever" and
"что-то" are not questions)."""

_FIRST_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_TRAILING = " \t\n.!。！…~～)）"


def looks_like_question(text: str) -> bool:
    """A question mark at the end (ASCII or full-width, or the particle 吗), or a question's
    first word."""
    text = text.strip().rstrip(_TRAILING)
    if text.endswith(QUESTION_ENDINGS) or text.startswith(QUESTION_PREFIXES):
        return True
    first = _FIRST_WORD.match(text.casefold())
    return first is not None and first.group(0) in QUESTION_WORDS


def looks_like_note(text: str) -> bool:
    """Whether text sent at the optional note step is plausibly a note on the report: not
    empty and not a question (a question is meant for someone; stored as a note nobody would
    answer it). A note over `MAX_NOTE` is still a note: the step asks for a shorter one."""
    text = text.strip()
    return bool(text) and not looks_like_question(text)
