"""What the teacher is told when typed minutes or dates are refused: the rule a value breaks,
or examples in their language when it was not understood."""

from __future__ import annotations

from typing import Any

from bot.domain.parsing.result import BreaksRule, NotUnderstood, Rule
from bot.domain.reporting import MAX_MINUTES, MIN_MINUTES
from bot.i18n import _, format_minutes


def minutes_problem(parsed: BreaksRule[int] | NotUnderstood) -> str:
    if isinstance(parsed, NotUnderstood):
        return _(
            "I could not read that as minutes. Type them like this: 20, 45 min, 1 hour, 1 h 20 min."
        )
    value = parsed.value if parsed.value is not None else 0
    if parsed.rule == Rule.TOO_FEW_MINUTES:
        return _("A piece takes at least {minimum}. Please type the minutes again:").format(
            minimum=format_minutes(MIN_MINUTES)
        )
    return _(
        "{minutes} is more than a piece may take (at most {maximum}). Please type the "
        "minutes again:"
    ).format(minutes=format_minutes(value), maximum=format_minutes(MAX_MINUTES))


def date_problem(parsed: BreaksRule[Any] | NotUnderstood, days_ahead: int) -> str:
    if isinstance(parsed, NotUnderstood):
        return _(
            "I could not read that as a day. Type it like this: Fri, next Monday, 28.11, "
            "Dec 1-3, this weekend."
        )
    if parsed.rule == Rule.DATE_IN_PAST:
        return _("That day has passed. Please type a coming day:")
    if parsed.rule == Rule.NO_SUCH_DATE:
        return _("There is no such date. Please type it again:")
    if parsed.rule == Rule.RANGE_REVERSED:
        return _("That range ends before it starts. Please type it again:")
    return too_far(days_ahead)


def too_far(days_ahead: int) -> str:
    return _("Please choose a day at most {days} days ahead.").format(days=days_ahead)
