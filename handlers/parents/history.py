"""/report: a parent reports or corrects an evening of this term, and which evenings a parent
may answer for at all (`reportable`): days with the class's written homework, since the child
joined (its first parent link), in the current term, up to today; paged back with prev/next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from telegram import Update

from bot.domain.calendar import SchoolCalendar, local_today
from bot.domain.reporting import term_start
from bot.i18n import _, format_day
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user
from handlers.kit.replies import Rows, answer, refuse_stale, say
from handlers.parents.question import (
    answer_rows,
    evening_of,
    question_text,
    report_label,
    who_answered,
)
from storage import repo, reports
from storage.homework import cached_calendar_of
from storage.reports import Answered, ChildOfParent

PAGE = 7
"""Evenings per page of /report."""


@dataclass(frozen=True)
class ReportChildButton(CallbackData, prefix="pr.c"):
    child_id: int
    page: int = 0


@dataclass(frozen=True)
class ReportDayButton(CallbackData, prefix="pr.d"):
    child_id: int
    day: date


async def reportable(context: Ctx, child: ChildOfParent) -> list[date]:
    """The evenings a parent may answer for, newest first: the class had written homework,
    the child had joined (the school-local date of its first parent link), this term."""
    today = local_today(child.school.timezone, context.now())
    term = term_start(today)
    joined = child.joined or await reports.joined_at(context.session, child.child_id)
    first = term if joined is None else max(term, local_today(child.school.timezone, joined))
    if first > today:
        return []
    days = await reports.cached_homework_days(context.session, child.class_id, term, today)
    return [d for d in days if d >= first]


async def checked(
    update: Update, context: Ctx, child_id: int, day: date
) -> tuple[ChildOfParent, date, SchoolCalendar] | None:
    """The child, day and school calendar of a button, if the presser is the child's parent
    and the day reportable; otherwise a polite refusal (a forged or stale button) and None."""
    assert update.effective_user is not None
    child = await reports.child_of_parent(context.session, update.effective_user.id, child_id)
    if child is None or day not in await reportable(context, child):
        await refuse_stale(update)
        return None
    return child, day, await cached_calendar_of(context.session, child.school)


async def report_command(update: Update, context: Ctx) -> None:
    user = await current_user(context, update)
    children = await repo.children_of(context.session, user.id)
    if not children:
        await say(
            update,
            _("You have no children linked yet. Open the class link your school gave you."),
        )
        return
    if len(children) == 1:
        found = await reports.child_of_parent(context.session, user.id, children[0].child_id)
        if found is not None:
            await show_days(update, context, found, 0, edit=False)
        return
    rows: Rows = [
        [
            (
                _("{child} ({klass})").format(child=c.name, klass=c.class_name),
                ReportChildButton(c.child_id),
            )
        ]
        for c in children[:30]
    ]
    await say(update, _("For which child?"), rows)


async def on_child(update: Update, context: Ctx, data: ReportChildButton) -> None:
    """A child, or a page of its evenings (prev/next)."""
    assert update.effective_user is not None
    child = await reports.child_of_parent(context.session, update.effective_user.id, data.child_id)
    if child is None or data.page < 0:
        await refuse_stale(update)
        return
    await answer(update)
    await show_days(update, context, child, data.page, edit=True)


def answered_sentence(found: Answered, timezone: str) -> str:
    """'Anna reported 75 min at 21:05.' (or the answer alone when its parent has left)."""
    if found.reporter is None:
        return _("Reported: {answer}.").format(answer=report_label(found.report))
    return _("{who}.").format(who=who_answered(found, timezone))


def day_status(found: Answered | None) -> str:
    """What a day's button says: the answer, or that there is none (who and when are in the
    message the button opens, to keep it short enough for a phone)."""
    if found is None:
        return _("not reported")
    return report_label(found.report)


async def show_days(
    update: Update, context: Ctx, child: ChildOfParent, page: int, *, edit: bool
) -> None:
    days = await reportable(context, child)
    if not days:
        await say(update, _("There are no days with homework to report yet."), edit=edit)
        return
    page = min(page, (len(days) - 1) // PAGE)
    shown = days[page * PAGE : (page + 1) * PAGE]
    known = await reports.answered(context.session, child.child_id, shown)
    rows: Rows = [
        [
            (
                _("{day} — {status}").format(
                    day=format_day(day), status=day_status(known.get(day))
                ),
                ReportDayButton(child.child_id, day),
            )
        ]
        for day in shown
    ]
    paging: list[tuple[str, CallbackData | str]] = []
    if (page + 1) * PAGE < len(days):
        paging.append((_("◀ Earlier"), ReportChildButton(child.child_id, page + 1)))
    if page > 0:
        paging.append((_("Later ▶"), ReportChildButton(child.child_id, page - 1)))
    if paging:
        rows.append(paging)
    await say(
        update,
        _("Which day do you want to report or correct for {child}?").format(child=child.name),
        rows,
        edit=edit,
    )


async def on_day(update: Update, context: Ctx, data: ReportDayButton) -> None:
    found = await checked(update, context, data.child_id, data.day)
    if found is None:
        return
    child, day, cal = found
    await answer(update)
    evening = await evening_of(context, child, day, cal)
    today = local_today(child.school.timezone, context.now())
    text = question_text(child.name, day, today=day == today)
    known = (await reports.answered(context.session, child.child_id, [day])).get(day)
    if known is not None:
        text += "\n" + answered_sentence(known, child.school.timezone)
    await say(
        update,
        text,
        answer_rows(child.child_id, day, evening.estimate, evening.cap.minutes),
        edit=True,
    )
