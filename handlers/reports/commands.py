"""/reports and /export for school administrators and district supervisors: pick a scope
(class, grade, school, district) and a period (this week, last week, the last 4 weeks, or
typed dates), then get the chart and a summary (/reports) or the tables (/export).

```mermaid
stateDiagram-v2
    direction LR
    [*] --> scope: /reports or /export
    scope --> classes: "a class" (per school)
    classes --> period
    scope --> period: school, grade or district
    period --> dates: "other dates"
    dates --> dates: not two dates / reversed / too long / in the future
    period --> [*]: chart + summary, or XLSX + CSV
    dates --> [*]
```

Every button carries the dialog's token, and the scope is re-checked against the presser's
roles at each step: a forged scope is refused with a message, never shown.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from telegram import Update

from bot.domain.naming import fit_name, school_labels
from bot.domain.paging import page_of
from bot.domain.periods import (
    MAX_DAYS,
    RangeProblem,
    Scope,
    ScopeKind,
    check_range,
    last_week,
    last_weeks,
    parse_range,
    this_week,
)
from bot.domain.roles import Roles
from bot.i18n import _, ngettext
from handlers.homework.schools import with_school
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.paging import paging_rows, picker_rows
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say, say_lines
from handlers.kit.router import dialog_for
from handlers.reports import export
from handlers.reports import views as report_views
from handlers.reports.access import allowed, school_allowed, sees_reports
from storage import dialogs, report_queries
from storage.analytics import scopes
from storage.models import Dialog, District, School, SchoolClass

DIALOG = "reports"
SCHOOLS_PAGE = 12
"""Schools on one page of the scope question (each with its 'a class…' button)."""


class ReportPurpose(enum.StrEnum):
    REPORT = "report"
    EXPORT = "export"


class ReportsStep(enum.StrEnum):
    SCOPE = "scope"
    PERIOD = "period"
    DATES = "dates"


class PeriodChoice(enum.StrEnum):
    THIS_WEEK = "tw"
    LAST_WEEK = "lw"
    LAST_4_WEEKS = "l4"
    TYPE = "ty"


@dataclass(frozen=True)
class ReportScopeButton(CallbackData, prefix="rp.s"):
    """A scope: `ref` is the class, school or district id; `grade` for a grade scope."""

    token: str
    kind: ScopeKind
    ref: int
    grade: int = 0


@dataclass(frozen=True)
class ReportSchoolsPageButton(CallbackData, prefix="rp.sp"):
    token: str
    page: int


@dataclass(frozen=True)
class ReportClassesButton(CallbackData, prefix="rp.c"):
    token: str
    school_id: int
    page: int = 0


@dataclass(frozen=True)
class ReportPeriodButton(CallbackData, prefix="rp.p"):
    token: str
    period: PeriodChoice


def scope_of(data: ReportScopeButton) -> Scope | None:
    try:
        if data.kind is ScopeKind.CLASS:
            return Scope.of_class(data.ref)
        if data.kind is ScopeKind.GRADE:
            return Scope.of_grade(data.ref, data.grade)
        if data.kind is ScopeKind.SCHOOL:
            return Scope.of_school(data.ref)
        return Scope.of_district(data.ref)
    except ValueError:
        return None


async def scope_name(context: Ctx, scope: Scope) -> str:
    session = context.session
    if scope.kind is ScopeKind.DISTRICT:
        district = await session.get(District, scope.district_id)
        return district.name if district else "?"
    if scope.kind is ScopeKind.CLASS:
        klass = await session.get(SchoolClass, scope.class_id)
        school = await session.get(School, klass.school_id) if klass else None
        return f"{school.name if school else '?'}, {klass.name if klass else '?'}"
    school = await session.get(School, scope.school_id)
    if scope.kind is ScopeKind.GRADE:
        return _("{school}, grade {grade}").format(
            school=school.name if school else "?", grade=scope.grade
        )
    return school.name if school else "?"


async def today_for(context: Ctx, scope: Scope) -> date:
    """Today in the scope's time zone (a district: its latest school date)."""
    schools = await scopes.schools_of(context.session, scope)
    return scopes.today_of(schools, context.now())


# ---------------------------------------------------------------- commands


async def reports_command(update: Update, context: Ctx) -> None:
    await start(update, context, ReportPurpose.REPORT)


async def export_command(update: Update, context: Ctx) -> None:
    await start(update, context, ReportPurpose.EXPORT)


async def start(update: Update, context: Ctx, purpose: ReportPurpose) -> None:
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    if not sees_reports(roles):
        await say(update, _("Only school administrators and district supervisors see reports."))
        return
    dialog = await dialogs.start_dialog(
        context.session,
        user.id,
        DIALOG,
        ReportsStep.SCOPE,
        {"purpose": purpose.value},
        now=context.now(),
    )
    await context.session.commit()
    await ask_scope(update, context, roles, dialog, 0)


async def ask_scope(update: Update, context: Ctx, roles: Roles, dialog: Dialog, page: int) -> None:
    rows = await scope_rows(context, roles, dialog.token, page)
    purpose = ReportPurpose(dialog.data.get("purpose", ReportPurpose.REPORT.value))
    question = (
        _("A report of what?") if purpose is ReportPurpose.REPORT else _("An export of what?")
    )
    await say(update, question, rows, edit=update.callback_query is not None)


async def on_scope_page(update: Update, context: Ctx, data: ReportSchoolsPageButton) -> None:
    found = await _dialog(update, context, data.token)
    if found is None:
        return
    dialog, roles = found
    if dialog.step != ReportsStep.SCOPE:
        await refuse_stale(update)
        return
    await answer(update)
    await ask_scope(update, context, roles, dialog, data.page)


async def scope_rows(context: Ctx, roles: Roles, token: str, page: int = 0) -> Rows:
    """A row per supervised district, per school (with "a class…"), and for up to three
    schools a row of their grades."""
    session = context.session
    rows: Rows = [
        [
            (
                fit_name(lambda n: _("District: {name}").format(name=n), d.name),
                ReportScopeButton(token, ScopeKind.DISTRICT, d.id),
            )
        ]
        for d in await report_queries.districts_by_name(session, roles.supervisor_districts)
    ]
    everyone = await report_queries.schools_in_reach(
        session, roles.admin_schools, roles.supervisor_districts
    )
    schools = page_of(everyone, page, SCHOOLS_PAGE)
    # Two schools' "Grade 3" buttons are told apart by the school's short name.
    labels = school_labels({s.id: s.name for s in everyone}) if len(everyone) > 1 else {}
    for s in schools.items:
        rows.append(
            [
                (s.name, ReportScopeButton(token, ScopeKind.SCHOOL, s.id)),
                (_("A class…"), ReportClassesButton(token, s.id)),
            ]
        )
        if len(everyone) <= 3:
            buttons: list[Button] = [
                (
                    with_school(_("Grade {grade}").format(grade=g), s.id, labels),
                    ReportScopeButton(token, ScopeKind.GRADE, s.id, g),
                )
                for g in await report_queries.grades_of(session, s.id)
            ]
            rows += [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    return [*rows, *paging_rows(schools, lambda n: ReportSchoolsPageButton(token, n))]


async def _dialog(update: Update, context: Ctx, token: str) -> tuple[Dialog, Roles] | None:
    dialog = await dialog_for(context, update, DIALOG, token)
    if dialog is None:
        return None
    assert update.effective_user is not None
    return dialog, await roles_of(context, update.effective_user.id)


async def refuse_scope(update: Update) -> None:
    await answer(update, _("You may not see reports for that."), alert=True)


async def on_classes(update: Update, context: Ctx, data: ReportClassesButton) -> None:
    found = await _dialog(update, context, data.token)
    if found is None:
        return
    _dialog_row, roles = found
    if await school_allowed(context.session, roles, data.school_id) is None:
        await refuse_scope(update)
        return
    await answer(update)
    classes = await report_queries.classes_by_grade(context.session, data.school_id)
    if not classes:
        await say(update, _("This school has no classes yet."), edit=True)
        return
    buttons: list[Button] = [
        (k.name, ReportScopeButton(data.token, ScopeKind.CLASS, k.id)) for k in classes
    ]
    rows = picker_rows(
        buttons, data.page, lambda n: ReportClassesButton(data.token, data.school_id, n)
    )
    await say(update, _("Which class?"), rows, edit=True)


async def on_scope(update: Update, context: Ctx, data: ReportScopeButton) -> None:
    found = await _dialog(update, context, data.token)
    if found is None:
        return
    dialog, roles = found
    scope = scope_of(data)
    if scope is None or not await allowed(context.session, roles, scope):
        await refuse_scope(update)
        return
    await answer(update)
    repo_data = {
        "kind": scope.kind.value,
        "district_id": scope.district_id,
        "school_id": scope.school_id,
        "grade": scope.grade,
        "class_id": scope.class_id,
    }
    dialogs.update_dialog(dialog, ReportsStep.PERIOD, scope=repo_data)
    await context.session.commit()
    t = dialog.token
    rows: Rows = [
        [
            (_("Last week"), ReportPeriodButton(t, PeriodChoice.LAST_WEEK)),
            (_("This week"), ReportPeriodButton(t, PeriodChoice.THIS_WEEK)),
        ],
        [(_("The last 4 weeks"), ReportPeriodButton(t, PeriodChoice.LAST_4_WEEKS))],
        [(_("Other dates…"), ReportPeriodButton(t, PeriodChoice.TYPE))],
    ]
    name = await scope_name(context, scope)
    await say(update, _("{name}: which period?").format(name=name), rows, edit=True)


def stored_scope(dialog: Dialog) -> Scope | None:
    raw = dialog.data.get("scope")
    if not isinstance(raw, dict):
        return None
    try:
        return Scope(
            ScopeKind(raw["kind"]),
            district_id=raw.get("district_id"),
            school_id=raw.get("school_id"),
            grade=raw.get("grade"),
            class_id=raw.get("class_id"),
        )
    except (KeyError, ValueError):
        return None


async def on_period(update: Update, context: Ctx, data: ReportPeriodButton) -> None:
    found = await _dialog(update, context, data.token)
    if found is None:
        return
    dialog, roles = found
    scope = stored_scope(dialog)
    if scope is None or not await allowed(context.session, roles, scope):
        await refuse_scope(update)
        return
    await answer(update)
    if data.period is PeriodChoice.TYPE:
        dialogs.update_dialog(dialog, ReportsStep.DATES)
        await context.session.commit()
        await say(update, dates_question(), edit=True)
        return
    today = await today_for(context, scope)
    start, end = {
        PeriodChoice.LAST_WEEK: last_week,
        PeriodChoice.THIS_WEEK: this_week,
        PeriodChoice.LAST_4_WEEKS: lambda d: last_weeks(d, 4),
    }[data.period](today)
    await finish(update, context, dialog, scope, start, end)


def dates_question() -> str:
    return _(
        "Send the first and the last day, e.g. 2026-11-02 2026-11-13 (at most {days} days, "
        "not in the future)."
    ).format(days=MAX_DAYS)


def range_problem_text(problem: RangeProblem, today: date) -> str:
    if problem is RangeProblem.REVERSED:
        return _("The first day must not be after the last day.")
    if problem is RangeProblem.TOO_LONG:
        return ngettext(
            "That is longer than a school year: at most {days} day.",
            "That is longer than a school year: at most {days} days.",
            MAX_DAYS,
        ).format(days=MAX_DAYS)
    return _("That reaches into the future: the last day can be {today} at the latest.").format(
        today=today.isoformat()
    )


async def on_text(update: Update, context: Ctx, dialog: Dialog) -> None:
    message = update.effective_message
    assert message is not None
    if dialog.step != ReportsStep.DATES:
        await say(update, _("Please use the buttons above, or /cancel."))
        return
    assert update.effective_user is not None
    roles = await roles_of(context, update.effective_user.id)
    scope = stored_scope(dialog)
    if scope is None or not await allowed(context.session, roles, scope):
        await dialogs.end_dialog(context.session, update.effective_user.id)
        await context.session.commit()
        await say(update, _("You may not see reports for that."))
        return
    parsed = parse_range(message.text or "")
    if parsed is None:
        await say(update, _("I could not read two dates there.") + "\n" + dates_question())
        return
    start, end = parsed
    today = await today_for(context, scope)
    problem = check_range(start, end, today)
    if problem is not None:
        await say(update, range_problem_text(problem, today) + "\n" + dates_question())
        return
    await finish(update, context, dialog, scope, start, end)


async def finish(
    update: Update, context: Ctx, dialog: Dialog, scope: Scope, start: date, end: date
) -> None:
    purpose = ReportPurpose(dialog.data.get("purpose", ReportPurpose.REPORT.value))
    await dialogs.end_dialog(context.session, dialog.user_id)
    await context.session.commit()
    name = await scope_name(context, scope)
    if purpose is ReportPurpose.EXPORT:
        await export.send_export(update, context, scope, start, end, name)
        return
    await send_report(update, context, scope, start, end)


async def send_report(update: Update, context: Ctx, scope: Scope, start: date, end: date) -> None:
    """The chart(s) with a caption, then the summary text."""
    session, chat = context.session, update.effective_chat
    assert chat is not None
    now = context.now()
    summary: list[str] = []
    if scope.kind is ScopeKind.CLASS:
        assert scope.class_id is not None
        picture = await report_views.class_picture(session, scope.class_id, start, end)
    elif scope.kind is ScopeKind.DISTRICT:
        assert scope.district_id is not None
        picture = await report_views.district_picture(session, scope.district_id, start, end, now)
        summary = await report_views.district_bulletin(session, scope.district_id, start, end, now)
    else:
        picture = await report_views.heat_picture(session, scope, start, end)
        summary = await report_views.school_summary(session, scope, start, end, now)
    if picture is None:
        await say(update, report_views.no_data_text())
        return
    for png in picture.images:
        await chat.send_photo(png, caption=picture.caption)
    if summary:
        await say_lines(update, summary)
