"""Minutes as people type them: '45', '４５', '45分钟', '四十五', '一个半小时', '1h20', '25 mins',
'an hour', 'полчаса', '1 час 10 минут'.

A bare number is minutes. Decimals are accepted ('45.5', '45,5', '1.5h') and the total is
rounded half up to whole minutes ('45.5' -> 46), because a typical student's time is an
estimate; a total that rounds to 0 breaks the minimum. Ranges ('40-50') are not understood:
the caller asks for one number.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from bot.domain.parsing.result import BreaksRule, NotUnderstood, Parsed, Rule, Understood
from bot.domain.parsing.text import all_digits, drop_fillers, normalize
from bot.domain.reporting import MAX_MINUTES, MIN_MINUTES

_NUM = r"\d+(?:[.,]\d+)?"

# Idioms first, then unit words: each becomes '<number> h', '<number> m' or '<number> q'.
_IDIOMS: tuple[tuple[str, str], ...] = (
    # zh: 一个半小时, 两个半钟头, 半小时, 半个钟头, 一刻钟
    (rf"({_NUM})\s*个半个?\s*(?:小时|钟头|钟)", r" \1.5 h "),
    (r"半个?\s*(?:小时|钟头)", " 0.5 h "),
    (r"个?\s*(?:小时|钟头)", " h "),
    (r"分钟|分", " m "),
    (r"刻钟|刻", " q "),
    # ru: полтора часа, полчаса, 2 с половиной часа, час 20
    (r"полтора\s*(?:часа|ч\.?)", " 1.5 h "),
    (r"пол[\s-]?часа", " 0.5 h "),
    (rf"({_NUM})\s*с\s*половиной", r" \1.5 "),
    (r"^час(?![а-я])", " 1 h "),
    (r"(?<![а-я])(?:часов|часа|час|ч)(?![а-я])\.?", " h "),
    (r"(?<![а-я])(?:минуты|минута|минут|мин|м)(?![а-я])\.?", " m "),
    # en: an hour and a half, 1 and a half hours, half an hour, a quarter of an hour
    (r"\b(?:an?\s+)?hour\s+and\s+a\s+half\b", " 1.5 h "),
    (rf"({_NUM})\s+and\s+a\s+half\b", r" \1.5 "),
    (r"\bhalf\s+(?:an?\s+)?hour\b|\bhalf-hour\b", " 0.5 h "),
    (r"\b(?:an?\s+)?quarter\s+(?:of\s+)?(?:an?\s+)?hour\b", " 15 m "),
    (r"\ban?\s+hour\b", " 1 h "),
    (r"(?<![a-z])(?:hours|hour|hrs|hr|h)(?![a-z])", " h "),
    (r"(?<![a-z])(?:minutes|minute|mins|min|m)(?![a-z])\.?", " m "),
    (r"\band\b|,(?!\d)|;", " "),
)
_COMPILED = tuple((re.compile(pattern), repl) for pattern, repl in _IDIOMS)
_TOKEN = re.compile(rf"{_NUM}|[^\s\d]+")
_UNIT_MINUTES = {"h": Decimal(60), "m": Decimal(1), "q": Decimal(15)}
_ORDER = "hqm"


def _tokens(text: str) -> list[str]:
    for pattern, repl in _COMPILED:
        text = pattern.sub(repl, text)
    return _TOKEN.findall(text)


def _total(tokens: list[str]) -> Decimal | None:
    """Sum of 'number unit' pairs in h, q, m order; a trailing bare number after hours is
    minutes ('1h20'); a lone bare number is minutes."""
    total, last_unit, i = Decimal(0), -1, 0
    while i < len(tokens):
        if not re.fullmatch(_NUM, tokens[i]):
            return None
        number = Decimal(tokens[i].replace(",", "."))
        unit = tokens[i + 1] if i + 1 < len(tokens) else None
        if unit is None:  # bare: alone, or minutes after hours
            if last_unit not in (-1, 0):
                return None
            unit = "m"
        elif unit not in _UNIT_MINUTES:
            return None
        if _ORDER.index(unit) <= last_unit:
            return None
        total += number * _UNIT_MINUTES[unit]
        last_unit = _ORDER.index(unit)
        i += 2
    return total if tokens else None


def parse_minutes(raw: str | None) -> Parsed[int]:
    """Whole minutes within reporting.MIN_MINUTES..MAX_MINUTES, in zh, ru or en words."""
    text = normalize(raw).strip(".。!！?？")
    total = _total(_tokens(all_digits(drop_fillers(text))))
    if total is None:
        return NotUnderstood(text)
    minutes = int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if minutes < MIN_MINUTES:
        return BreaksRule(Rule.TOO_FEW_MINUTES, minutes)
    if minutes > MAX_MINUTES:
        return BreaksRule(Rule.TOO_MANY_MINUTES, minutes)
    return Understood(minutes)


_CUTS = re.compile(
    r"[\s,，;；:：、]+|(?<=[^\d\s.,])(?=\d)|(?<=[^\s])(?=[半一二两三四五六七八九十])"
)


def split_minutes_suffix(raw: str | None) -> tuple[str, Parsed[int]] | None:
    """A one-message piece of homework, '练习册第12页 20分钟', 'Read pp. 10-12, 15 min',
    'Упр. 5, 20 минут': the text before and the minutes at the end. The minutes must carry a
    unit (a bare '5' ends 'Упр. 5'); None when the end of the text is no such minutes."""
    text = (raw or "").strip()
    for cut in sorted(
        {m.end() for m in _CUTS.finditer(text)} | {m.start() for m in _CUTS.finditer(text)}
    ):
        head, tail = text[:cut].strip(" ,，;；:：、-–—"), text[cut:].strip()
        if not head or not tail:
            continue
        tokens = _tokens(all_digits(drop_fillers(normalize(tail).strip(".。!！"))))
        if not set(tokens) & set(_UNIT_MINUTES):
            continue
        parsed = parse_minutes(tail)
        if not isinstance(parsed, NotUnderstood):
            return head, parsed
    return None
