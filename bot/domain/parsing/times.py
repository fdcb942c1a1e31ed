"""Times of day as people type them: '17:30', '17：30', '17点30', '17点半', '下午5点半',
'5:30 pm', '5pm', '17.30', '17ч30', '5 вечера', '1730'.

A day-part word (下午, вечера, pm) moves hours 1-11 to the afternoon; a 24-hour hour given with
one ('下午17点') is kept as it is. 12 with a morning or night word is midnight.
"""

from __future__ import annotations

import re
from datetime import time
from enum import Enum

from bot.domain.parsing.result import BreaksRule, NotUnderstood, Parsed, Rule, Understood
from bot.domain.parsing.text import all_digits, normalize


class _Part(Enum):
    MORNING = "am"  # 12 is midnight
    NOON = "noon"  # 12 stays 12, 1-11 are afternoon
    AFTERNOON = "pm"  # 1-11 move by 12, 12 stays noon
    EVENING = "evening"  # 1-11 move by 12, 12 is midnight
    NIGHT = "night"  # 12 is midnight, 1-5 stay small (凌晨/ночи), 6-11 move by 12


_ZH_PARTS = (
    (r"凌晨|半夜|夜里|深夜", _Part.NIGHT),
    (r"上午|早上|早晨|清晨|早", _Part.MORNING),
    (r"中午", _Part.NOON),
    (r"下午|午后|傍晚", _Part.AFTERNOON),
    (r"晚上|晚间|晚", _Part.EVENING),
)
_SUFFIX_PARTS = (
    (r"утра|утром", _Part.MORNING),
    (r"дня|днем", _Part.AFTERNOON),
    (r"вечера|вечером", _Part.EVENING),
    (r"ночи|ночью", _Part.NIGHT),
    (r"a\.?m\.?|in the morning", _Part.MORNING),
    (r"p\.?m\.?|in the afternoon", _Part.AFTERNOON),
    (r"in the evening|tonight", _Part.EVENING),
    (r"at night", _Part.NIGHT),
)
_WORDS = {
    "noon": "12:00",
    "midday": "12:00",
    "midnight": "0:00",
    "полдень": "12:00",
    "полночь": "0:00",
    "正午": "12:00",
    "午夜": "0:00",
}
_CLOCK = (
    # 17:30, 17.30, 17h30, 17ч30, 17 ч 30 мин, 5:30
    re.compile(r"(\d{1,2})\s*(?::|\.|h|ч\.?)\s*(\d{2})\s*(?:мин\.?|м|min|m)?"),
    # 17点30, 17点30分, 17点半, 5点一刻, 17点, 17时
    re.compile(r"(\d{1,2})\s*(?:点钟|点|时)\s*(?:(\d{1,2})\s*分?|(半)|(\d)\s*刻|整)?"),
    # 1730, 930
    re.compile(r"(\d{1,2})(\d{2})"),
    # 17, 5 o'clock, 17 ч, 17h
    re.compile(r"(\d{1,2})\s*(?:o'clock|ч\.?|h|часов|часа|час)?"),
)


def _split_part(text: str) -> tuple[_Part | None, str]:
    for pattern, part in _ZH_PARTS:
        match = re.match(rf"(?:{pattern})\s*", text)
        if match:
            return part, text[match.end() :]
    for pattern, part in _SUFFIX_PARTS:
        match = re.search(rf"\s*(?:{pattern})$", text)
        if match:
            return part, text[: match.start()]
    return None, text


def _hour_minute(text: str) -> tuple[int, int] | None:
    for pattern in _CLOCK:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        groups = [*match.groups(), None, None, None][:4]
        hour = int(groups[0] or 0)
        if groups[2] == "半":
            return hour, 30
        if groups[3]:
            return hour, 15 * int(groups[3])
        return hour, int(groups[1] or 0)
    return None


def _apply_part(hour: int, part: _Part | None) -> int | None:
    if part is None or hour > 12:
        return hour if part in (None, _Part.AFTERNOON, _Part.NOON, _Part.EVENING) else None
    if hour == 12:
        return 12 if part in (_Part.AFTERNOON, _Part.NOON) else 0
    if part is _Part.MORNING or (part is _Part.NIGHT and hour < 6):
        return hour
    return hour + 12


def parse_time(raw: str | None) -> Parsed[time]:
    """A time of day in 24-hour, am/pm, Chinese (下午5点半) or Russian (5 вечера) form."""
    text = normalize(raw).strip(".。")
    core = re.sub(r"^(?:в|к|at|@|around)\s+", "", all_digits(text))
    core = _WORDS.get(core, core)
    part, core = _split_part(core)
    found = _hour_minute(core.strip())
    if found is None:
        return NotUnderstood(text)
    hour, minute = found
    shifted = _apply_part(hour, part) if hour <= 23 else None
    if shifted is None or minute > 59 or shifted > 23:
        return BreaksRule(Rule.NO_SUCH_TIME)
    return Understood(time(shifted, minute))
