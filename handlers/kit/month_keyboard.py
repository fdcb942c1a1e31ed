"""A month-grid date picker as an inline keyboard: the month's name with ◀ ▶, the weekdays
(Monday first, in the user's language), then the days; the school's holidays are marked 🏖,
today is marked, days that cannot be chosen (past, too far ahead) are dots.

The grid itself is `bot.domain.month_grid` (pure); the caller gives the payload of a day and
of a month, so every picker keeps its own dialog token and step. A cell that cannot be
chosen carries `InertButton`, answered with a short note and nothing else.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from telegram import Update

from bot.domain.month_grid import Cell, Month, may_go_back, may_go_on, month_grid
from bot.i18n import _, format_month, weekday_headers
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.replies import Button, Rows, answer

BLANK = " "
UNAVAILABLE = "·"


class InertReason(enum.StrEnum):
    LABEL = "label"
    """A header (the month, a weekday) or an empty cell."""
    PAST = "past"
    TOO_FAR = "far"


@dataclass(frozen=True)
class InertButton(CallbackData, prefix="inert"):
    """A cell of a keyboard that does nothing but say why."""

    why: InertReason


@dataclass(frozen=True)
class MonthView:
    """What the picker shows: the month, what may be chosen, and the school's days off."""

    month: Month
    today: date
    first: date
    last: date
    holidays: frozenset[date]
    is_school_day: Callable[[date], bool]


def cell_button(cell: Cell | None, view: MonthView, pick: Callable[[date], CallbackData]) -> Button:
    if cell is None:
        return (BLANK, InertButton(InertReason.LABEL))
    if not cell.selectable:
        why = InertReason.PAST if cell.day < view.first else InertReason.TOO_FAR
        return (UNAVAILABLE, InertButton(why))
    label = str(cell.day.day)
    if cell.today:
        label = f"•{label}"
    if cell.holiday:
        label = f"🏖{label}"
    return (label, pick(cell.day))


def month_rows(
    view: MonthView,
    pick: Callable[[date], CallbackData],
    turn: Callable[[Month], CallbackData],
) -> Rows:
    """The month's title row with its arrows, the weekday row, and one row per week."""
    month = view.month
    title: list[Button] = [
        ("◀", turn(month.shifted(-1)))
        if may_go_back(month, view.first)
        else (BLANK, InertButton(InertReason.LABEL)),
        (format_month(month.first_day), InertButton(InertReason.LABEL)),
        ("▶", turn(month.shifted(1)))
        if may_go_on(month, view.last)
        else (BLANK, InertButton(InertReason.LABEL)),
    ]
    header: list[Button] = [(name, InertButton(InertReason.LABEL)) for name in weekday_headers()]
    weeks = month_grid(
        month,
        today=view.today,
        first=view.first,
        last=view.last,
        holidays=view.holidays,
        is_school_day=view.is_school_day,
    )
    return [title, header] + [[cell_button(c, view, pick) for c in week] for week in weeks]


async def on_inert(update: Update, context: Ctx, data: InertButton) -> None:
    """A dot or a label was tapped: say why it cannot be chosen (or just stop the spinner)."""
    notes = {
        InertReason.PAST: _("That day has passed."),
        InertReason.TOO_FAR: _("That day is too far ahead."),
    }
    await answer(update, notes.get(data.why))
