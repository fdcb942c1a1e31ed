"""Guess a piece's kind from its text, for the one-message shortcut and the preview's default.

Written work names what is written: a workbook, copying, a paper, a composition, sums, "do
problems N" (练习册, 抄写, 试卷, 作文, 计算, 做第3题; упражнение, переписать, сочинение; exercise,
worksheet, essay, write). Otherwise reading, oral, and practical words decide. A text that says
nothing of the kind gives None and the teacher is asked.
"""

from __future__ import annotations

import re
import unicodedata

from bot.domain.load import HomeworkKind

_WRITTEN = re.compile(
    r"练习册|练习卷|作业本|抄写|抄|默写|听写|试卷|卷子|作文|日记|周记|计算|口算题|习题|练习|"
    r"写|做第?\s*\d+|第\s*\d+\s*[题页]|课时练|同步练|"
    r"упр\b|упр\.|упражнени|перепиш|переписать|списать|спиши|сочинени|диктант|решить|реши|"
    r"задач|пример|тетрад|напиш|написать|контрольн|пропис|"
    r"\bexercises?\b|\bex\.|\bworksheets?\b|\bworkbook\b|\bessay\b|\bwrite\b|\bcopy\b|"
    r"\bsolve\b|\bproblems?\b|\bsums\b|\bdictation\b|\bcomposition\b|\btest paper\b",
    re.IGNORECASE,
)
_READING = re.compile(
    r"阅读|读|看书|预习|课外书|читать|прочитать|прочит|чтени|\bread\b|\breading\b|\bpp?\.\s*\d",
    re.IGNORECASE,
)
_ORAL = re.compile(
    r"背诵|背|朗读|口语|复述|наизусть|пересказ|выучить|\brecite\b|\blearn by heart\b|\bretell\b|"
    r"\bspeak\b|\boral\b",
    re.IGNORECASE,
)
_PRACTICAL = re.compile(
    r"跳绳|运动|锻炼|实验|手工|家务|观察|测量|зарядк|эксперимент|поделк|измер|"
    r"\bmeasure\b|\bexperiment\b|\bjump rope\b|\bcraft\b|\brun\b",
    re.IGNORECASE,
)


def guess_kind(text: str) -> HomeworkKind | None:
    """Written when the text reads like written work; else reading, oral or practical by its
    words; None when nothing tells."""
    normalized = unicodedata.normalize("NFKC", text).lower()
    if _WRITTEN.search(normalized):
        return HomeworkKind.WRITTEN
    for pattern, kind in (
        (_ORAL, HomeworkKind.ORAL),
        (_READING, HomeworkKind.READING),
        (_PRACTICAL, HomeworkKind.PRACTICAL),
    ):
        if pattern.search(normalized):
            return kind
    return None
