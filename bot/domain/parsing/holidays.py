"""Named holidays: '国庆 10月1日-7日', '寒假：1月20日-2月17日', 'Новогодние каникулы 30.12-8.01',
'Half term 26-30 Oct', or a range alone ('10.1-10.7', name None). The name may also follow
the dates ('10月1日-7日 国庆'). Dates as in `dates.parse_date_range`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from bot.domain.parsing.dates import DateRange, parse_date_range
from bot.domain.parsing.result import BreaksRule, NotUnderstood, Parsed, Understood

MAX_HOLIDAY_DAYS = 92  # a summer holiday; longer is a typo
MAX_NAME_LENGTH = 40


@dataclass(frozen=True)
class Holiday:
    name: str | None
    first: date
    last: date


_SPLIT = re.compile(r"\s+|[:：,，]\s*|(?<=[^\W\d_])(?=\d)|(?<=[日号\d])(?=[^\W\d_])")


def parse_holiday(raw: str | None, today: date, locale: str) -> Parsed[Holiday]:
    """A name and a date range; the longest date range found at either end wins."""
    text = unicodedata.normalize("NFKC", raw or "").strip().strip("。.")
    cuts = [0, *(m.end() for m in _SPLIT.finditer(text)), len(text)]
    cuts += [m.start() for m in _SPLIT.finditer(text)]
    best: tuple[str | None, Parsed[DateRange]] | None = None
    for cut in sorted(set(cuts)):
        for head, dates in ((text[:cut], text[cut:]), (text[cut:], text[:cut])):
            name = head.strip(" :：,，-")
            if not dates.strip() or len(name) > MAX_NAME_LENGTH:
                continue
            found = parse_date_range(dates, today, locale, max_days=MAX_HOLIDAY_DAYS)
            if not isinstance(found, NotUnderstood) and (
                best is None or len(name) < len(best[0] or "")
            ):
                best = (name or None, found)
    if best is None:
        return NotUnderstood(text)
    label, result = best
    if isinstance(result, Understood):
        return Understood(Holiday(label, result.value.first, result.value.last))
    assert isinstance(result, BreaksRule)
    value = result.value
    return BreaksRule(result.rule, Holiday(label, value.first, value.last) if value else None)
