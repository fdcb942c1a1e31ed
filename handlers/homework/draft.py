"""A homework draft: the open dialog's data resolved against the database, and its loads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.domain.calendar import SchoolCalendar, default_evening, local_now
from bot.domain.load import HomeworkKind, spread_minutes, work_days
from handlers.homework.schools import SchoolLabels, class_name, teaching_labels
from handlers.kit.context import Ctx
from storage import homework as hw
from storage.models import Dialog, School, SchoolClass


@dataclass
class Draft:
    """The dialog's draft resolved against the database; `klass` is the first of `classes`."""

    dialog: Dialog
    classes: list[SchoolClass]
    school: School
    calendar: SchoolCalendar
    schools: SchoolLabels = field(default_factory=dict)
    """The school's short name by id, for a teacher in more than one school."""

    def class_name(self, klass: SchoolClass) -> str:
        """'3年级1班', or '3年级1班 · 实验小学' for a teacher in two schools."""
        return class_name(klass, self.schools)

    @property
    def klass(self) -> SchoolClass:
        return self.classes[0]

    @property
    def data(self) -> dict[str, Any]:
        return self.dialog.data

    @property
    def editing(self) -> bool:
        """The draft changes a posted piece (/homework) rather than posting a new one."""
        return bool(self.data.get("edit_id"))

    @property
    def required(self) -> bool:
        return bool(self.data.get("required", True))

    @property
    def kind(self) -> HomeworkKind:
        return HomeworkKind(self.data["kind"])


def chosen_class_ids(data: dict[str, Any]) -> list[int]:
    ids = data.get("class_ids")
    if ids:
        return [int(i) for i in ids]
    return [int(data["class_id"])] if data.get("class_id") else []


async def load_draft(context: Ctx, dialog: Dialog) -> Draft | None:
    """None while no class is chosen yet (or the classes are gone)."""
    classes = [
        k
        for k in [await context.session.get(SchoolClass, i) for i in chosen_class_ids(dialog.data)]
        if k is not None
    ]
    if not classes:
        return None
    school = await context.session.get(School, classes[0].school_id)
    assert school is not None
    calendar = await hw.calendar_of(context.session, school)
    return Draft(dialog, classes, school, calendar, await teaching_labels(context, dialog.user_id))


def school_today(context: Ctx, school: School) -> date:
    return local_now(school.timezone, context.now()).date()


def first_evening(context: Ctx, draft: Draft) -> date:
    """Today before the school's cut-off (on a school day), else the next school day."""
    now_local = local_now(draft.school.timezone, context.now())
    return default_evening(draft.calendar, now_local, draft.school.cutoff_time)


def draft_loads(draft: Draft) -> dict[date, int]:
    """The draft's minutes on each day it is worked on, from its day to its due date."""
    evening = date.fromisoformat(draft.data["evening"])
    due = date.fromisoformat(draft.data["due"]) if draft.data.get("due") else None
    return spread_minutes(int(draft.data["minutes"]), work_days(draft.calendar, evening, due))
