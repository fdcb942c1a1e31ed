"""What a school administrator is told when typed set-up input is refused: the rule a value
breaks, or examples in their language when it was not understood.

The examples are part of the translated text, so each language shows the forms its schools
write ('1-6年级 每级4个班', '5 «Б»', 'Year 5 Blue')."""

from __future__ import annotations

from typing import Any

from bot.domain.parsing.classes import MAX_CLASSES_PER_GRADE, MAX_GRADE, MIN_GRADE
from bot.domain.parsing.holidays import MAX_HOLIDAY_DAYS
from bot.domain.parsing.result import BreaksRule, NotUnderstood, Rule
from bot.domain.parsing.roster import MAX_NAMES
from bot.i18n import _


def class_examples() -> str:
    return _(
        "For example: Grades 1-6, 4 classes each / Grades 7-9 / 5B / Year 5 Blue / 10-2 "
        "(one class or a range of grades a message)."
    )


def class_problem(parsed: BreaksRule[Any] | NotUnderstood) -> str:
    """Why a typed grade range, class count or class is refused, with examples."""
    if isinstance(parsed, NotUnderstood):
        return _("I could not read that as grades or a class.") + "\n" + class_examples()
    if parsed.rule == Rule.GRADE_OUT_OF_RANGE:
        text = _("Grades go from {first} to {last}.").format(first=MIN_GRADE, last=MAX_GRADE)
    elif parsed.rule == Rule.RANGE_REVERSED:
        text = _("That range of grades ends before it starts.")
    else:
        text = _("A grade has from 1 to {max} classes.").format(max=MAX_CLASSES_PER_GRADE)
    return text + "\n" + class_examples()


def count_problem(parsed: BreaksRule[Any] | NotUnderstood) -> str:
    if isinstance(parsed, NotUnderstood):
        return _("I could not read that as a number of classes. For example: 4, 4 classes.")
    return _("A grade has from 1 to {max} classes. For example: 4, 4 classes.").format(
        max=MAX_CLASSES_PER_GRADE
    )


def subjects_problem() -> str:
    return _(
        "Please type subject names of at most 40 characters, separated by commas or one a "
        "line. For example: Music, Art, PE"
    )


def roster_problem(parsed: BreaksRule[Any] | NotUnderstood) -> str:
    if isinstance(parsed, BreaksRule) and parsed.rule == Rule.TOO_MANY_NAMES:
        return _("That is more than {max} names; please paste one class at a time.").format(
            max=MAX_NAMES
        )
    return _(
        "I found no names in that. Paste the class list from a spreadsheet (a column of "
        "names, student numbers may stay), or type names separated by commas. For example: "
        "Anna Smith, Ben Jones"
    )


def holiday_problem(parsed: BreaksRule[Any] | NotUnderstood) -> str:
    examples = _(
        "For example: Autumn break Oct 26-30 / Christmas Dec 22 - Jan 2 / 2026-10-01 - 2026-10-07"
    )
    if isinstance(parsed, NotUnderstood):
        return _("I could not read that as a holiday.") + "\n" + examples
    texts = {
        Rule.NO_SUCH_DATE: _("There is no such date."),
        Rule.DATE_IN_PAST: _("That holiday has passed; please type a coming one."),
        Rule.RANGE_REVERSED: _("That range ends before it starts."),
        Rule.RANGE_TOO_LONG: _("A holiday lasts at most {days} days.").format(
            days=MAX_HOLIDAY_DAYS
        ),
    }
    return texts.get(parsed.rule, _("I could not read that as a holiday.")) + "\n" + examples


def time_problem(parsed: BreaksRule[Any] | NotUnderstood) -> str:
    examples = _("For example: 17:30, 5:30 pm, 5 pm")
    if isinstance(parsed, NotUnderstood):
        return _("I could not read that as a time.") + "\n" + examples
    return _("There is no such time.") + "\n" + examples


def timezone_problem(parsed: BreaksRule[Any] | NotUnderstood) -> str:
    examples = _("For example: London, Europe/Moscow, Asia/Shanghai, UTC+8")
    if isinstance(parsed, BreaksRule) and parsed.rule == Rule.OFFSET_NOT_WHOLE_HOURS:
        return _("Please name a city of that time zone instead of the offset.") + "\n" + examples
    return _("That is not a time zone I know.") + "\n" + examples
