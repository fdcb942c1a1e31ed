"""A homework draft: the open dialog's data resolved against the database, and its loads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain.calendar import SchoolCalendar, local_now
from bot.domain.load import evenings_for, spread_minutes
from handlers.kit.context import Ctx
from storage import homework as hw
from storage.models import Dialog, School, SchoolClass


@dataclass
class Draft:
    """The dialog's draft resolved against the database."""

    dialog: Dialog
    klass: SchoolClass
    school: School
    calendar: SchoolCalendar

    @property
    def data(self) -> dict[str, Any]:
        return self.dialog.data

    @property
    def editing(self) -> bool:
        """The draft changes a posted piece (/homework) rather than posting a new one."""
        return bool(self.data.get("edit_id"))


async def load_draft(context: Ctx, dialog: Dialog) -> Draft | None:
    """None while no class is chosen yet (or the class is gone)."""
    klass = await context.session.get(SchoolClass, dialog.data.get("class_id"))
    if klass is None:
        return None
    school = await context.session.get(School, klass.school_id)
    assert school is not None
    return Draft(dialog, klass, school, await hw.calendar_of(context.session, school))


def school_today(context: Ctx, school: School) -> date:
    return local_now(school.timezone, context.now()).date()


def draft_loads(draft: Draft) -> dict[date, int]:
    """The draft's minutes on each school evening from its evening to its due date."""
    evening = date.fromisoformat(draft.data["evening"])
    due = date.fromisoformat(draft.data["due"]) if draft.data.get("due") else None
    return spread_minutes(int(draft.data["minutes"]), evenings_for(draft.calendar, evening, due))
