"""Time zones as people name them: '北京时间', 'Beijing', 'МСК', 'МСК+2', 'Москва', 'UTC+8',
'Asia/Shanghai', or a city in Chinese, Russian or English ('上海', 'Новосибирск', 'London').

City names come from Babel's CLDR data and the IANA database (zoneinfo); the few ways of
naming a zone that neither has (北京时间, МСК) are listed here. A bare UTC offset becomes the
fixed zone Etc/GMT-N (IANA's sign is inverted); an offset that is not whole hours (UTC+5:30)
breaks OFFSET_NOT_WHOLE_HOURS, as no fixed IANA zone has it: the caller asks for a city.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from functools import cache

from babel.core import Locale

from bot.domain.parsing.result import BreaksRule, NotUnderstood, Parsed, Rule, Understood

_SHANGHAI, _MOSCOW = "Asia/Shanghai", "Europe/Moscow"
_ALIASES = {
    **dict.fromkeys(
        ["北京时间", "北京", "中国", "中国时间", "中国标准时间", "beijing", "beijing time",
         "china", "china time", "china standard time", "пекин", "китай", "пекинское время",
         "广州", "深圳", "成都", "杭州", "南京", "武汉", "天津", "重庆", "西安"],
        _SHANGHAI,
    ),
    **dict.fromkeys(
        ["мск", "msk", "москва", "по москве", "московское время", "moscow", "moscow time",
         "莫斯科时间", "санкт-петербург", "петербург", "питер", "спб", "st petersburg",
         "saint petersburg", "казань", "нижний новгород"],
        _MOSCOW,
    ),
    "香港时间": "Asia/Hong_Kong",
    "台北时间": "Asia/Taipei",
    "utc": "Etc/UTC",
    "gmt": "Etc/GMT",
}  # fmt: skip
# MSK+N, the way Russian timetables name the zones east of Moscow.
_MSK_OFFSETS = {
    -1: "Europe/Kaliningrad", 0: _MOSCOW, 1: "Europe/Samara", 2: "Asia/Yekaterinburg",
    3: "Asia/Omsk", 4: "Asia/Krasnoyarsk", 5: "Asia/Irkutsk", 6: "Asia/Yakutsk",
    7: "Asia/Vladivostok", 8: "Asia/Magadan", 9: "Asia/Kamchatka",
}  # fmt: skip
COMMON_TIMEZONES = (
    "Asia/Shanghai",
    "Asia/Urumqi",
    "Asia/Hong_Kong",
    "Europe/Moscow",
    "Asia/Yekaterinburg",
    "Asia/Novosibirsk",
    "Asia/Vladivostok",
    "Europe/London",
    "UTC",
)
"""The zones offered as buttons (any other is typed)."""
_SUFFIXES = re.compile(r"\s*(?:时间|时区|time zone|timezone|time|время)$")


def _key(text: str) -> str:
    return re.sub(r"[\s_]+", " ", text.lower().replace("ё", "е")).strip()


@cache
def _names() -> dict[str, str]:
    """Every name -> IANA zone: IANA ids, their cities, Babel's zh and ru city names."""
    names: dict[str, str] = {}
    for zone in sorted(zoneinfo.available_timezones()):
        names[_key(zone)] = zone
        if "/" in zone and not zone.startswith("Etc/"):
            names.setdefault(_key(zone.rsplit("/", 1)[1]), zone)
    for locale in ("zh", "ru", "en"):
        for zone, data in Locale.parse(locale).time_zones.items():
            city = data.get("city") if hasattr(data, "get") else None
            if city and zone in names.values():
                names.setdefault(_key(city), zone)
    names.update(_ALIASES)
    return names


def _offset(text: str) -> Parsed[str] | None:
    match = re.fullmatch(r"(utc|gmt|мск|msk)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", text)
    if match is None or (match.group(1) is None and not text.startswith(("+", "-"))):
        return None
    sign = 1 if match.group(2) == "+" else -1
    hours, minutes = int(match.group(3)), int(match.group(4) or 0)
    if match.group(1) in ("мск", "msk"):
        zone = _MSK_OFFSETS.get(sign * hours) if minutes == 0 else None
        return Understood(zone) if zone else NotUnderstood(text)
    if minutes:
        return BreaksRule(Rule.OFFSET_NOT_WHOLE_HOURS)
    if hours > (14 if sign > 0 else 12):
        return NotUnderstood(text)
    if hours == 0:
        return Understood("Etc/UTC")
    return Understood(f"Etc/GMT{'-' if sign > 0 else '+'}{hours}")  # IANA: east is minus


def parse_timezone(raw: str | None) -> Parsed[str]:
    """An IANA zone name for what was typed."""
    text = _key(unicodedata.normalize("NFKC", raw or "").strip().strip(".。"))
    offset = _offset(text.replace(" ", ""))
    if offset is not None:
        return offset
    names = _names()
    for candidate in (text, _SUFFIXES.sub("", text)):
        if candidate in names:
            return Understood(names[candidate])
    return NotUnderstood(text)


def timezone_choices(current: str) -> list[str]:
    """The zones to offer: the current (or default) one first, then the common ones."""
    return list(dict.fromkeys((current, *COMMON_TIMEZONES)))
