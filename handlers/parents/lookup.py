"""A parent looks homework up: /homework (teachers see theirs first), the notice's "📋 Homework"
button, and a typed question ("今天有什么作业？") answered for the day it names.

Each child's class homework for today and the next school days (or this week): what to do,
photos, minutes, optional pieces marked, and the written total against the limit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from telegram import Update

from bot.domain.calendar import SchoolCalendar, local_today
from bot.domain.intents import DayAsked
from bot.domain.load import cap_for, evening_load
from bot.i18n import _, format_day
from handlers.homework import manage
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.replies import Rows, answer, pack_lines, refuse_stale, say
from handlers.parents.payloads import ParentHomeworkButton
from handlers.scheduler.notices import piece_lines, total_line
from storage import repo, reports
from storage.homework import calendar_of, caps_of
from storage.notices import ShownPiece, class_homework
from storage.reports import ChildOfParent

NEXT_DAYS = 2
"""The view shows today (a school day) and this many school days after it."""

DayPicker = Callable[[SchoolCalendar, date], list[date]]
"""The days to show, from the school's calendar and its local today."""


def coming_days(cal: SchoolCalendar, today: date) -> list[date]:
    days = [today] if cal.is_school_day(today) else []
    day = today
    for _n in range(NEXT_DAYS):
        day = cal.next_school_day(day)
        days.append(day)
    return days


def this_week(cal: SchoolCalendar, today: date) -> list[date]:
    monday = today - timedelta(days=today.weekday())
    return [d for d in (monday + timedelta(days=n) for n in range(7)) if cal.is_school_day(d)]


def asked(day: DayAsked) -> DayPicker:
    return lambda _cal, today: [day.resolve(today)]


def day_lines(day: date, shown: list[ShownPiece], cap_text: str) -> list[str]:
    lines = [format_day(day)]
    if not shown:
        return [*lines, _("No homework posted.")]
    for s in shown:
        first, *rest = piece_lines(s.piece, s.text)  # optional pieces are marked there
        lines += [f"{first} 📷" if s.has_photo else first, *rest]
    photos = sum(s.has_photo for s in shown)
    if photos:
        lines.append(_("Photos: {n}").format(n=photos))
    lines.append(cap_text)
    return lines


async def child_lines(context: Ctx, child: ChildOfParent, pick: DayPicker) -> list[str]:
    cal = await calendar_of(context.session, child.school)
    days = pick(cal, local_today(child.school.timezone, context.now()))
    found = await class_homework(context.session, child.class_id, days)
    lines = [
        _("Homework for {child} ({class_name}):").format(
            child=child.name, class_name=child.class_name
        )
    ]
    for day in days:
        shown = found.get(day, [])
        cap = cap_for(caps_of(child.school), child.grade, day, cal)
        written = evening_load([s.piece for s in shown], cap).written_total
        lines += ["", *day_lines(day, shown, total_line(written, cap))]
    return lines


async def my_children(context: Ctx, user_id: int, child_id: int = 0) -> list[ChildOfParent]:
    """The parent's children (or the one `child_id`), each with its school."""
    found = []
    for info in await repo.children_of(context.session, user_id):
        if child_id in (0, info.child_id):
            child = await reports.child_of_parent(context.session, user_id, info.child_id)
            if child is not None:
                found.append(child)
    return found


async def show(
    update: Update,
    context: Ctx,
    children: list[ChildOfParent],
    pick: DayPicker,
    *,
    week: bool | None,
    edit: bool = False,
) -> None:
    """The children's homework on the picked days; a button to switch between the coming days
    and this week (`week` None: no button)."""
    lines: list[str] = []
    for child in children:
        lines += [*([""] if lines else []), *await child_lines(context, child, pick)]
    child_id = children[0].child_id if len(children) == 1 else 0
    rows: Rows = []
    if week is not None:
        label = _("Coming days") if week else _("This week")
        rows = [[(label, ParentHomeworkButton(child_id, week=not week))]]
    chunks = pack_lines(lines)
    for n, chunk in enumerate(chunks):
        last = n == len(chunks) - 1
        await say(update, "\n".join(chunk), rows if last else None, edit=edit and n == 0)


async def show_asked(update: Update, context: Ctx, day: DayAsked | None) -> bool:
    """A typed question: the day it names (or the coming days); False if the person has no
    children (then it is not a parent's question)."""
    user = await current_user(context, update)
    children = await my_children(context, user.id)
    if not children:
        return False
    if day is None:
        await show(update, context, children, coming_days, week=False)
    else:
        await show(update, context, children, asked(day), week=None)
    return True


async def homework_command(update: Update, context: Ctx) -> None:
    """/homework: a teacher's own list first, then their children's homework as a parent."""
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    staff = bool(roles.teacher_schools or roles.grade_leader or roles.admin_schools)
    if staff:
        await manage.homework_command(update, context)
    children = await my_children(context, user.id)
    if children:
        await show(update, context, children, coming_days, week=False)
    elif not staff:
        await say(
            update,
            _("You have no children linked yet. Open the class link your school gave you."),
        )


async def on_homework_button(update: Update, context: Ctx, data: ParentHomeworkButton) -> None:
    """The notice's "📋 Homework" button and the view's week switch."""
    user = await current_user(context, update)
    children = await my_children(context, user.id, data.child_id)
    if not children:
        await refuse_stale(update)
        return
    await answer(update)
    # A new message each time: the notice the button may sit under stays as it was.
    await show(update, context, children, this_week if data.week else coming_days, week=data.week)
