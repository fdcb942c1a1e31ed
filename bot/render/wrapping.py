"""Line breaking for chart titles, captions and labels: at word and phrase boundaries per
language, never inside a date or a figure with its unit, no line starting with punctuation."""

from __future__ import annotations

import re

TITLE_UNITS = 44
"""Characters of a title line (CJK characters count twice) across 1080 px at the title size."""


def _units(ch: str) -> int:
    return 2 if ord(ch) >= 0x2E80 else 1


NO_LINE_START = set("，、；：。！？）》」』”’,.;:!?)]}%…—–-·")
"""Characters a line must not start with (they stay at the end of the line before)."""
NO_LINE_END = set("（《「『“‘([{")
"""Characters a line must not end with (they go with what follows)."""
CJK_BREAK_AFTER = set("，、；：。！？）》」』")
"""Chinese punctuation after which a line breaks best (a phrase ends there)."""
_HAN = re.compile(r"[\u3400-\u9fff]")
UNBREAKABLE = re.compile(
    r"\d{4}年\d{1,2}月(?:\d{1,2}日)?(?:\s?周[一二三四五六日])?"
    r"|\d{1,2}月\d{1,2}日(?:\s?周[一二三四五六日])?"
    r"|\d+(?:[.,]\d+)?\s?(?:分钟|个|份|天|年级|班|%)"
    r"|[A-Z][a-z]{2} \d{1,2}(?:, \d{4})?"
    r"|\d{1,2}(?:\s|\u00a0)[а-яё]{3,}\.?(?: \d{4}(?:\s|\u202f)?г\.)?"
    r"|[А-ЯЁ][а-яё]+ \d{4}(?:\s|\u202f)?г\."
    r"|[\w.]+(?:[–-][\w.]+)+"
    r"|(?:No\.|№|#)\s?\d+"
)
"""Dates, figures with their unit, hyphenated words and numbers of names ('No. 1', '№ 15'):
never broken inside."""


def _break_strength(text: str, i: int, locked: list[bool]) -> int:
    """How good a line break before text[i] is: 3 at a space or after Chinese punctuation, 2
    before an opening bracket, 1 between two Chinese characters (or one and a figure or a
    Latin word), 0 where not allowed."""
    before, here = text[i - 1], text[i]
    if locked[i] or here in NO_LINE_START or before in NO_LINE_END:
        return 0
    if here == " " or before in CJK_BREAK_AFTER:
        return 3
    if here in NO_LINE_END and before != " ":
        return 2
    han = bool(_HAN.match(before)), bool(_HAN.match(here))
    if all(han) or (any(han) and (before.isalnum() and here.isalnum())):
        return 1
    return 0


def _locked(text: str) -> list[bool]:
    """locked[i]: no break before text[i] (inside a date, a figure with its unit, a name with
    a hyphen)."""
    locked = [False] * (len(text) + 1)
    for match in UNBREAKABLE.finditer(text):
        for i in range(match.start() + 1, match.end()):
            locked[i] = True
    return locked


def _wrap_line(text: str, units: int) -> list[str]:
    lines: list[str] = []
    while sum(_units(c) for c in text) > units:
        locked = _locked(text)
        width, fits = 0, 0
        for i, ch in enumerate(text):
            width += _units(ch)
            if width > units:
                break
            fits = i + 1
        candidates = [(i, _break_strength(text, i, locked)) for i in range(1, len(text))]
        inside = [(i, k) for i, k in candidates if k and i <= fits]
        # The best kind of break that still fills a third of the line, else any that fits,
        # else the first allowed one after the limit (a long word overflows, it is not cut).
        good = [(i, k) for i, k in inside if i * 3 >= fits] or inside
        if good:
            best = max(k for _i, k in good)
            cut = max(i for i, k in good if k == best)
        else:
            later = [i for i, k in candidates if k and i > fits]
            if not later:
                break
            cut = later[0]
        lines.append(text[:cut].rstrip(" "))
        text = text[cut:].lstrip(" ")
    lines.append(text)
    return lines


def wrap(text: str, units: int = TITLE_UNITS) -> str:
    """Break `text` into lines of at most `units` (CJK characters count twice) at word and
    phrase boundaries: spaces, then after Chinese punctuation, then between Chinese
    characters; never inside a date or a figure with its unit, and no line starts with
    punctuation. Existing line breaks are kept."""
    return "\n".join(
        line for paragraph in text.split("\n") for line in _wrap_line(paragraph, units)
    )
