"""A school's subjects typed or pasted as a list: '语文、数学、英语', 'Music, Art; PE', one a line
(numbered '1. 语文' or bulleted '• Music' lines too), or cells of a spreadsheet row."""

from __future__ import annotations

import re

from bot.domain.parsing.result import BreaksRule, NotUnderstood, Parsed, Rule, Understood
from bot.domain.validate import clean_text

MAX_SUBJECTS = 30
MAX_SUBJECT_LENGTH = 40

_SEPARATORS = re.compile(r"[,，、;；\t]")
_BULLET = re.compile(r"^\s*(?:\d{1,2}\s*[.)、．:]|[•·*\-–—])\s*")


def parse_subjects(raw: str | None) -> Parsed[tuple[str, ...]]:
    """The names in the order typed, each once; a name over MAX_SUBJECT_LENGTH is not
    understood, more than MAX_SUBJECTS names break TOO_MANY_NAMES."""
    lines = [_BULLET.sub("", line) for line in (raw or "").splitlines()]
    parts = [part for line in lines for part in _SEPARATORS.split(line) if part.strip()]
    checked = [clean_text(part, max_len=MAX_SUBJECT_LENGTH).value for part in parts]
    names = tuple(dict.fromkeys(name for name in checked if name is not None))
    if not names or len(checked) != sum(1 for name in checked if name is not None):
        return NotUnderstood(raw or "")
    if len(names) > MAX_SUBJECTS:
        return BreaksRule(Rule.TOO_MANY_NAMES, names)
    return Understood(names)
