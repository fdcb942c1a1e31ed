"""/load: a class's written homework today and this week, by subject, against the cap, and
the parents' notes of the week's evenings (without names; an evening's notes only when enough
families reported, else held to the next such evening: `bot.domain.reporting.release_notes`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from telegram import Update

from bot.domain.calendar import local_now
from bot.domain.figures import ClassDay, OverReason, tally
from bot.domain.load import EveningLoad, HomeworkKind, cap_for, evening_load
from bot.domain.periods import Scope, week_of
from bot.domain.reporting import release_notes, term_start
from bot.i18n import _, format_day, format_list, format_minutes
from handlers.homework.schools import SchoolLabels, class_name, labels_for
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.labels import rule_label, subject_minutes
from handlers.kit.paging import picker_rows
from handlers.kit.replies import Button, Rows, answer, refuse_stale, say
from handlers.reports import views as report_views
from storage import homework as hw
from storage import reports
from storage.analytics import loads
from storage.models import School, SchoolClass


@dataclass(frozen=True)
class LoadPageButton(CallbackData, prefix="ld.p"):
    page: int


@dataclass(frozen=True)
class LoadClassButton(CallbackData, prefix="ld.c"):
    class_id: int


@dataclass(frozen=True)
class LoadChartButton(CallbackData, prefix="ld.g"):
    """This week's chart of a class."""

    class_id: int


def chart_rows(klass: SchoolClass) -> Rows:
    return [[(_("📊 Chart"), LoadChartButton(klass.id))]]


async def visible_class(update: Update, context: Ctx, class_id: int) -> SchoolClass | None:
    """The class, if the presser still sees it (refused politely if not)."""
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    classes = await hw.visible_classes(context.session, user.id, roles)
    klass = next((k for k in classes if k.id == class_id), None)
    if klass is None:
        await refuse_stale(update)
        return None
    await answer(update)
    return klass


async def load_command(update: Update, context: Ctx) -> None:
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    classes = await hw.visible_classes(context.session, user.id, roles)
    if not classes:
        await say(update, _("Only teachers, grade leaders and school administrators see this."))
        return
    if len(classes) == 1:
        await say(
            update, await class_week_text(context, classes[0], user.id), chart_rows(classes[0])
        )
        return
    await ask_class(update, context, classes, 0)


async def ask_class(
    update: Update, context: Ctx, classes: list[SchoolClass], page: int, *, edit: bool = False
) -> None:
    """Which class (the school's short name too for a person in two schools), a page at a time."""
    schools = await labels_for(context, (k.school_id for k in classes))
    buttons: list[Button] = [(class_name(k, schools), LoadClassButton(k.id)) for k in classes]
    await say(update, _("Which class?"), picker_rows(buttons, page, LoadPageButton), edit=edit)


async def on_page(update: Update, context: Ctx, data: LoadPageButton) -> None:
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    classes = await hw.visible_classes(context.session, user.id, roles)
    if len(classes) < 2:
        await refuse_stale(update)
        return
    await answer(update)
    await ask_class(update, context, classes, data.page, edit=True)


async def on_class(update: Update, context: Ctx, data: LoadClassButton) -> None:
    klass = await visible_class(update, context, data.class_id)
    if klass is None:
        return
    assert update.effective_user is not None
    user = await current_user(context, update)
    classes = await hw.visible_classes(context.session, user.id, await roles_of(context, user.id))
    schools = await labels_for(context, (k.school_id for k in classes))
    text = await class_week_text(context, klass, user.id, schools)
    await say(update, text, chart_rows(klass))


async def on_chart(update: Update, context: Ctx, data: LoadChartButton) -> None:
    """This week's chart of the class (re-checked: the presser must still see the class)."""
    klass = await visible_class(update, context, data.class_id)
    if klass is None:
        return
    school = await context.session.get(School, klass.school_id)
    assert school is not None
    today = local_now(school.timezone, context.now()).date()
    monday, sunday = week_of(today)
    picture = await report_views.class_picture(context.session, klass.id, monday, sunday)
    chat = update.effective_chat
    if picture is None or chat is None:
        await say(update, report_views.no_data_text())
        return
    await chat.send_photo(picture.images[0], caption=picture.caption)


async def class_week_text(
    context: Ctx,
    klass: SchoolClass,
    viewer_id: int | None = None,
    schools: SchoolLabels | None = None,
) -> str:
    """Today's load first, then each day of this week with its subjects and the cap."""
    school = await context.session.get(School, klass.school_id)
    assert school is not None
    calendar = await hw.calendar_of(context.session, school)
    caps = hw.caps_of(school)
    today = local_now(school.timezone, context.now()).date()
    monday = today - timedelta(days=today.weekday())
    days = [monday + timedelta(days=i) for i in range(7)]
    pieces = await hw.class_pieces(context.session, klass.id, days, as_checked=True)
    lines = [
        _("{klass}: written homework this week (limit: {rule})").format(
            klass=class_name(klass, schools or {}),
            rule=rule_label(cap_for(caps, klass.grade, today, calendar)),
        )
    ]
    figures = {
        f.day: f
        for f in await loads.evenings(context.session, Scope.of_class(klass.id), days[0], days[-1])
    }
    for day in days:
        day_pieces = pieces.get(day, [])
        if not calendar.is_school_day(day) and not day_pieces and day not in figures:
            continue
        cap = cap_for(caps, klass.grade, day, calendar)
        load = evening_load([p.piece() for p in day_pieces], cap)
        others = sum(p.minutes for p in day_pieces if p.kind != HomeworkKind.WRITTEN)
        line = ("▶ " if day == today else "") + week_day_line(day, load, others, figures.get(day))
        lines.append(line)
    over_days = tally(figures.values()).over
    if over_days:
        lines.append(_("Over the limit on {n} of these days.").format(n=over_days))
    else:
        lines.append(_("Within the limit every day so far."))
    lines += await week_notes(context, klass, days, today)
    if viewer_id is not None:
        found = await report_views.calibrations(context.session, Scope.of_class(klass.id), today)
        lines += await report_views.calibration_lines(context.session, found, viewer_id)
    return "\n".join(lines)


def over_reasons(day: ClassDay) -> str:
    """Why a class-day is over the limit (`ClassDay.reasons`), as a list of the locale: '15 min
    over', 'parents' median 75 min', '2 of 5 children did not finish'."""
    parts = []
    for reason in day.reasons:
        if reason is OverReason.ESTIMATE:
            parts.append(_("{minutes} over").format(minutes=format_minutes(day.over_by)))
        elif reason is OverReason.MEDIAN and day.median is not None:
            parts.append(
                _("parents' median {median}").format(median=format_minutes(round(day.median)))
            )
        elif reason is OverReason.UNFINISHED:
            parts.append(
                _("{unfinished} of {n} children did not finish").format(
                    unfinished=day.unfinished, n=day.reports
                )
            )
    return format_list(parts)


def week_day_line(
    day: date, load: EveningLoad, not_counted: int, found: ClassDay | None = None
) -> str:
    """'Thu, Nov 19: Maths 25 min and Chinese 15 min, 40 min in all', with why it is over (the
    class-day's figures, `ClassDay.is_over`) and what does not count, each a phrase of the
    catalogue."""
    subjects = format_list([subject_minutes(s, m) for s, m in load.written_by_subject])
    values = {
        "day": format_day(day),
        "subjects": subjects,
        "total": format_minutes(load.written_total),
    }
    over = found is not None and found.is_over
    if not load.written_by_subject:
        line = _("{day}: no written homework").format(**values)
        if over:
            assert found is not None
            line = _("{line}, ⚠ {reasons}").format(line=line, reasons=over_reasons(found))
    elif over:
        assert found is not None
        line = _("{day}: {subjects}, {total} in all, ⚠ {reasons}").format(
            reasons=over_reasons(found), **values
        )
    else:
        line = _("{day}: {subjects}, {total} in all").format(**values)
    if not_counted:
        line = _("{line}; not counted: {minutes}").format(
            line=line, minutes=format_minutes(not_counted)
        )
    return line


async def week_notes(context: Ctx, klass: SchoolClass, days: list[date], today: date) -> list[str]:
    """'Parents' notes, <day>:' and the notes shown with each evening of the week so far."""
    families, notes = await reports.class_notes(
        context.session, [klass.id], term_start(days[0]), min(today, days[-1])
    )
    released = release_notes(families.get(klass.id, {}), notes.get(klass.id, {}))
    lines: list[str] = []
    for day in days:
        if released.get(day):
            lines.append(_("Parents' notes, {day} (without names):").format(day=format_day(day)))
            lines += ["• " + " ".join(note.split()) for note in released[day]]
    return lines
