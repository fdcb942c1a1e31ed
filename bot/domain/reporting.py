"""The evening question (pure): its one-tap ranges around the cap, and what passes as a note.

A range answer is stored as its middle, so the class median stays meaningful; the open top
range is stored a quarter of the base above its lower bound.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class ReportOutcome(enum.StrEnum):
    DONE = "done"
    UNFINISHED = "unfinished"  # did not finish, went to bed: a signal, not a failure


MIN_MINUTES = 1
MAX_MINUTES = 600
MAX_NOTE = 500
"""A note on a report is at most this many characters."""


@dataclass(frozen=True)
class RangeChoice:
    """'low-high minutes' (low 0: 'under high'; high None: 'over low'), stored as `value`."""

    low: int
    high: int | None
    value: int


def _round5(value: float) -> int:
    return max(5, round(value / 5.0) * 5)


def range_choices(estimate: int, cap: int | None) -> list[RangeChoice]:
    """Four ranges around the cap (or around the estimate when there is no cap): under half,
    half to the cap, the cap to one and a half times it, and more."""
    base = cap if cap else max(estimate, 30)
    half, cap_, one_half = _round5(base / 2), _round5(base), _round5(base * 1.5)
    if not half < cap_ < one_half:
        half, cap_, one_half = 15, 30, 45
    quarter = max(5, (cap_ - half) // 2)
    return [
        RangeChoice(0, half, _round5(half / 2)),
        RangeChoice(half, cap_, (half + cap_) // 2),
        RangeChoice(cap_, one_half, (cap_ + one_half) // 2),
        RangeChoice(one_half, None, min(MAX_MINUTES, one_half + quarter)),
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
