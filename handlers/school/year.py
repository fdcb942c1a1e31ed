"""/newyear: a school administrator starts a new school year.

The term dates first (the first and last day, set once a year), then a preview of every class
a grade up (renamed in the school's own pattern: bot/domain/school_year.py) and of the leaving
grade (archived with its history), and one confirmation. Parents stay linked to their
children: the classes move in place (storage/school_year.py)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from telegram import Update

from bot.domain.calendar import local_today
from bot.domain.parsing.dates import DateRange, parse_date_range
from bot.domain.parsing.result import BreaksRule, Parsed, Rule, Understood
from bot.domain.school_year import Move, YearPlan, archived_name, overlaps, plan_year
from bot.i18n import _, current_locale, format_list, ngettext
from handlers.kit import school_picker
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.replies import Rows, answer, refuse_stale, say
from handlers.kit.router import admin_dialog_for, dialog_for
from handlers.kit.school_picker import school_page
from handlers.onboarding.invites import archived_text
from handlers.reports.views import period_label
from storage import dialogs, repo
from storage import school_year as years
from storage.models import Dialog, School

DIALOG = "newyear"
MAX_YEAR_DAYS = 400


class YearStep(enum.StrEnum):
    SCHOOL = "school"
    DATES = "dates"
    CONFIRM = "confirm"


@dataclass(frozen=True)
class YearSchoolButton(CallbackData, prefix="ny.s"):
    token: str
    school_id: int


@dataclass(frozen=True)
class YearSchoolPageButton(CallbackData, prefix="ny.sp"):
    token: str
    page: int


@dataclass(frozen=True)
class YearConfirmButton(CallbackData, prefix="ny.ok"):
    token: str
    confirm: bool


async def newyear_command(update: Update, context: Ctx) -> None:
    session = context.session
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    if not roles.admin_schools:
        await say(update, _("Only school administrators can start a new school year."))
        return
    dialog = await dialogs.start_dialog(
        session, user.id, DIALOG, YearStep.SCHOOL, now=context.now()
    )
    await session.commit()
    schools = await repo.open_schools_by_ids(session, roles.admin_schools)
    if not schools:
        await say(update, archived_text())
        return
    if len(schools) == 1:
        await ask_dates(update, context, dialog, schools[0])
        return
    await ask_school(update, context, dialog, schools, 0)


async def ask_school(
    update: Update, context: Ctx, dialog: Dialog, schools: list[School], page: int
) -> None:
    await school_picker.ask_school(
        update,
        schools,
        page,
        lambda s: YearSchoolButton(dialog.token, s.id),
        lambda n: YearSchoolPageButton(dialog.token, n),
    )


async def on_school_page(update: Update, context: Ctx, data: YearSchoolPageButton) -> None:
    found = await school_page(
        update, context, DIALOG, data.token, YearStep.SCHOOL, repo.open_schools_by_ids
    )
    if found is not None:
        await ask_school(update, context, found[0], found[1], data.page)


async def on_school(update: Update, context: Ctx, data: YearSchoolButton) -> None:
    dialog = await dialog_for(context, update, DIALOG, data.token)
    if dialog is None:
        return
    roles = await roles_of(context, dialog.user_id)
    school = await context.session.get(School, data.school_id)
    if (
        dialog.step != YearStep.SCHOOL
        or school is None
        or school.archived_at is not None
        or not roles.administers(school.id)
    ):
        await refuse_stale(update)
        return
    await answer(update)
    await ask_dates(update, context, dialog, school)


def dates_question() -> str:
    return _(
        "Type the first and the last day of the new school year, e.g. 1 September 2026 - "
        "30 June 2027. "
        "(Holidays are set in /settings, Calendar.)"
    )


async def ask_dates(update: Update, context: Ctx, dialog: Dialog, school: School) -> None:
    dialogs.update_dialog(dialog, YearStep.DATES, school_id=school.id)
    await context.session.commit()
    lines = [
        _(
            "{school}: a new school year. Every class moves up a grade and the last grade "
            "leaves; you will see everything before anything changes."
        ).format(school=school.name)
    ]
    current = await years.current_year(context.session, school.id)
    if current is not None:
        lines.append(
            _("The current school year: {period}.").format(
                period=period_label(current.first_day, current.last_day)
            )
        )
    lines.append(dates_question())
    await say(update, "\n\n".join(lines), edit=update.callback_query is not None)


def dates_error(rule: Rule) -> str:
    if rule == Rule.RANGE_REVERSED:
        return _("The last day comes before the first.")
    if rule == Rule.RANGE_TOO_LONG:
        return _("A school year lasts at most {n} days.").format(n=MAX_YEAR_DAYS)
    return _("There is no such date.")


async def on_dates_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    school = await context.session.get(School, dialog.data.get("school_id"))
    message = update.effective_message
    if school is None or message is None:
        return
    today = local_today(school.timezone, context.now())
    parsed = parse_date_range(
        message.text, today, current_locale(), allow_past=True, max_days=MAX_YEAR_DAYS
    )
    parsed = across_new_year(parsed, message.text or "")
    if isinstance(parsed, BreaksRule):
        await say(update, dates_error(parsed.rule) + "\n\n" + dates_question())
        return
    if not isinstance(parsed, Understood) or parsed.value.days < 2:
        await say(update, _("I did not understand those dates.") + "\n\n" + dates_question())
        return
    term = parsed.value
    current = await years.current_year(context.session, school.id)
    if overlaps(current.last_day if current else None, term.first):
        assert current is not None
        await say(
            update,
            _(
                "The current school year runs until {day}: the new one starts after it "
                "(classes move up once a year)."
            ).format(day=period_label(current.last_day, current.last_day))
            + "\n\n"
            + dates_question(),
        )
        return
    dialogs.update_dialog(
        dialog, YearStep.CONFIRM, first=term.first.isoformat(), last=term.last.isoformat()
    )
    await context.session.commit()
    plan = plan_year(await years.class_rows(context.session, school.id))
    await show_preview(update, dialog, school, plan, term)


def across_new_year(parsed: Parsed[DateRange], text: str) -> Parsed[DateRange]:
    """'9月1日-7月10日', without years: the last day is in the next year."""
    found = parsed.value if isinstance(parsed, BreaksRule) else None
    if parsed_reversed(parsed) and found is not None and not re.search(r"\d{4}", text):
        last = found.last + (date(found.last.year + 1, 3, 1) - date(found.last.year, 3, 1))
        if (last - found.first).days < MAX_YEAR_DAYS:
            return Understood(DateRange(found.first, last))
    return parsed


def parsed_reversed(parsed: Parsed[DateRange]) -> bool:
    return isinstance(parsed, BreaksRule) and parsed.rule == Rule.RANGE_REVERSED


def move_lines(moves: tuple[Move, ...]) -> list[str]:
    """One line per grade: '1A → 2A, 1B → 2B' (a list in the user's language)."""
    return [
        format_list([_("{old} → {new}").format(old=m.name, new=m.new_name) for m in grade])
        for _grade, grade in groupby(sorted(moves, key=lambda m: m.grade), key=lambda m: m.grade)
    ]


async def show_preview(
    update: Update, dialog: Dialog, school: School, plan: YearPlan, term: DateRange
) -> None:
    lines = [
        _("{school}, the school year {period}:").format(
            school=school.name, period=period_label(term.first, term.last)
        )
    ]
    if plan.moves:
        lines.append(
            ngettext(
                "{n} class moves up a grade:", "{n} classes move up a grade:", len(plan.moves)
            ).format(n=len(plan.moves))
        )
        lines += move_lines(plan.moves)
    if plan.leaving:
        lines.append(
            _(
                "Grade {grade} leaves; archived with its history (kept for reports): {classes}"
            ).format(grade=plan.leaving_grade, classes=format_list([c.name for c in plan.leaving]))
        )
    if not plan.moves and not plan.leaving:
        lines.append(_("The school has no classes yet: only the term dates are saved."))
    lines.append(
        _(
            "Parents stay linked to their children and teachers to their classes; the leaving "
            "classes' invite links stop working."
        )
    )
    rows: Rows = []
    if plan.clashes:
        lines.append(
            _(
                "Two classes would have the same name: {names}. Rename one in /classes first."
            ).format(names=format_list(list(plan.clashes)))
        )
    else:
        rows.append([(_("✅ Start the new school year"), YearConfirmButton(dialog.token, True))])
    rows.append([(_("✖ Cancel"), YearConfirmButton(dialog.token, False))])
    await say(update, "\n".join(lines), rows)


async def on_confirm(update: Update, context: Ctx, data: YearConfirmButton) -> None:
    found = await admin_dialog_for(context, update, DIALOG, data.token)
    if found is None:
        return
    dialog, school = found
    if dialog.step != YearStep.CONFIRM or school.archived_at is not None:
        await refuse_stale(update)
        return
    session = context.session
    await answer(update)
    if not data.confirm:
        await dialogs.end_dialog(session, dialog.user_id)
        await session.commit()
        await say(update, _("Cancelled. Nothing was changed."), edit=True)
        return
    term = (date.fromisoformat(dialog.data["first"]), date.fromisoformat(dialog.data["last"]))
    current = await years.current_year(session, school.id)
    plan = plan_year(await years.class_rows(session, school.id))
    if plan.clashes or overlaps(current.last_day if current else None, term[0]):
        await dialogs.end_dialog(session, dialog.user_id)
        await session.commit()
        await say(update, _("The classes changed meanwhile: send /newyear again."), edit=True)
        return
    year = current.last_day.year if current else term[0].year
    locale = current_locale()
    archived = {c.id: archived_name(c.name, year, locale) for c in plan.leaving}
    await years.move_up(
        session, school.id, plan, archived, term, user_id=dialog.user_id, now=context.now()
    )
    await dialogs.end_dialog(session, dialog.user_id)
    await session.commit()
    done = _("Done: the school year {period} has started.").format(
        period=period_label(term[0], term[1])
    )
    counts = [
        ngettext("{n} class moved up", "{n} classes moved up", len(plan.moves)).format(
            n=len(plan.moves)
        ),
        ngettext("{n} class archived", "{n} classes archived", len(plan.leaving)).format(
            n=len(plan.leaving)
        ),
    ]
    await say(update, "\n".join([done, *counts]), edit=True)


async def on_other_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    """Text at a step that waits for a button."""
    await say(update, _("Please use the buttons above, or /cancel."))
