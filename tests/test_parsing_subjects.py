"""Subjects typed as a list, in the three languages."""

from __future__ import annotations

import pytest

from bot.domain.parsing.result import Rule
from bot.domain.parsing.subjects import parse_subjects
from tests.parsing_cases import NOT, assert_parsed, breaks, ok

CASES = [
    ("语文、数学、英语", ok(("语文", "数学", "英语"))),
    ("语文，数学；英语", ok(("语文", "数学", "英语"))),
    ("1. 语文\n2. 数学\n3、英语", ok(("语文", "数学", "英语"))),
    ("道德与法治\t科学", ok(("道德与法治", "科学"))),
    ("Математика, Русский язык; Литература", ok(("Математика", "Русский язык", "Литература"))),
    ("• Music\n• Art\n- PE", ok(("Music", "Art", "PE"))),
    ("Music, Music, Art", ok(("Music", "Art"))),
    ("Music,, Art,", ok(("Music", "Art"))),
    ("X" * 41, NOT),
    ("Music, " + "X" * 41, NOT),
    ("", NOT),
    (" ,、 ", NOT),
    (None, NOT),
    (
        "、".join(f"科目{n}" for n in range(31)),
        breaks(Rule.TOO_MANY_NAMES, tuple(f"科目{n}" for n in range(31))),
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_parse_subjects(text: str | None, expected: object) -> None:
    assert_parsed(parse_subjects(text), expected)
