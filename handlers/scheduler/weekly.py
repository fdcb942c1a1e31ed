"""The weekly report (a scheduler job, default Monday 08:00 school time): last week's class
chart to each teacher of the class with their estimate calibration, the grade's heat map to
grade leaders, the school's heat map and summary to admins, the district's chart and bulletin
to supervisors. Every message has a unique key (recipient, kind, subject, the week's Monday),
so a re-run, a second process or a second school of the same district sends nothing twice.

Each school is rendered and delivered before the next one, so a district's Monday never holds
more than one school's charts in memory; a chart is drawn once per language and shared.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime

from bot.domain.calendar import SchoolCalendar
from bot.domain.periods import Scope, last_week, last_weeks
from bot.domain.roles import Role
from bot.domain.schedule import DueRun
from bot.i18n import _, ngettext, use_locale
from handlers.dashboard.links import dashboard_link
from handlers.kit.context import AsyncSession, QingfuApp
from handlers.kit.gate import user_locale
from handlers.kit.replies import Keyboard, WebAppLink
from handlers.reports import views as report_views
from handlers.reports.hint_lines import item_lines, short_line
from handlers.reports.views import Picture, caption_of
from handlers.scheduler import outbox as delivery
from handlers.scheduler.jobkit import Clock, Progress, claim_ttl
from handlers.scheduler.outbox import Outgoing, message_key
from storage import hints, notifications
from storage.hints import HintCounts
from storage.models import User
from storage.staff import WeeklyAudience, weekly_audience

log = logging.getLogger(__name__)


SchoolMessages = Callable[[AsyncSession, DueRun, datetime, str], Awaitable[list[Outgoing]]]
"""A school's messages of a report job, built in one session (`school_messages`), given
DASHBOARD_URL (empty without it) for the buttons opening the dashboard."""


Runner = Callable[
    [QingfuApp, Sequence[DueRun], dict[int, SchoolCalendar], Clock, Progress],
    Awaitable[delivery.Report],
]
"""A scheduler job as the tick runs it (`handlers.scheduler.tick.RUNNERS`)."""


def report_job(build: SchoolMessages) -> Runner:
    """A report job (weekly, monthly) from its school messages: each school's messages built
    and delivered through the outbox before the next school's, so one school's charts at most
    are held in memory."""

    async def run(
        app: QingfuApp,
        runs: Sequence[DueRun],
        _calendars: dict[int, SchoolCalendar],
        clock: Clock,
        heartbeat: Progress,
    ) -> delivery.Report:
        return await run_school_reports(app, runs, clock, heartbeat, build)

    return run


async def run_school_reports(
    app: QingfuApp,
    runs: Sequence[DueRun],
    clock: Clock,
    heartbeat: Progress,
    build: SchoolMessages,
) -> delivery.Report:
    """Each run's school messages (`build`) built in a session and delivered."""
    data = app.bot_data
    total = delivery.Report()
    for run in runs:
        async with data.sessionmaker() as session:
            messages = await build(session, run, clock(), data.settings.dashboard_url)
        report = await delivery.deliver(
            app.bot,
            data.sessionmaker,
            messages,
            clock,
            on_progress=heartbeat,
            claim_ttl=claim_ttl(data.settings),
        )
        total.add(report)
        await heartbeat()
    return total


def supervisors_of(audience: WeeklyAudience) -> list[User]:
    """The school's district's supervisors who can be reached."""
    return [
        audience.users[user_id]
        for user_id, role, _grade, _district in audience.members
        if role == Role.SUPERVISOR.value and user_id in audience.users
    ]


async def school_messages(
    session: AsyncSession, run: DueRun, now: datetime, dashboard_url: str = ""
) -> list[Outgoing]:
    """A school's weekly messages: teachers, grade leaders, admins, then its district's
    supervisors (once per district); with DASHBOARD_URL the summaries carry a button opening
    last week's page of the dashboard."""
    audience = await weekly_audience(session, run.school_id)
    if audience is None:
        return []
    school = audience.school
    messages = await teacher_messages(session, audience, run.local_date)
    messages += await grade_messages(session, audience, run.local_date)
    messages += await admin_messages(session, audience, run.local_date, now, dashboard_url)
    # The first school of the district whose report is due sends the district's messages.
    messages += await district_messages(
        session, school.district_id, supervisors_of(audience), run.local_date, now, dashboard_url
    )
    return messages


run_weekly_reports = report_job(school_messages)


async def teacher_messages(
    session: AsyncSession, audience: WeeklyAudience, today: date
) -> list[Outgoing]:
    """Each teacher: their classes' charts, with their estimate calibration."""
    start, end = last_week(today)
    week = start.isoformat()
    users = audience.users
    teachers_of: dict[int, list[User]] = defaultdict(list)
    for user_id, class_id in audience.teaching:
        if user_id in users:
            teachers_of[class_id].append(users[user_id])
    found = (
        await report_views.calibrations(session, Scope.of_school(audience.school.id), today)
        if teachers_of
        else []
    )
    messages: list[Outgoing] = []
    for class_id, teachers in sorted(teachers_of.items()):
        pictures: dict[str, Picture | None] = {}
        for teacher in teachers:
            locale = user_locale(teacher)
            with use_locale(locale):
                if locale not in pictures:
                    pictures[locale] = await report_views.class_picture(
                        session, class_id, start, end
                    )
                picture = pictures[locale]
                if picture is None:
                    continue
                lines = await report_views.calibration_lines(
                    session, [c for c in found if c.class_id == class_id], teacher.id
                )
                caption = caption_of([_("Weekly report."), picture.caption, *lines])
            key = message_key("weekly_class", teacher.id, class_id, week)
            messages.append(Outgoing(key, teacher.id, "weekly", caption, photo=picture.images[0]))
    return messages


async def grade_messages(
    session: AsyncSession, audience: WeeklyAudience, today: date
) -> list[Outgoing]:
    """Each grade leader: the grade's heat map, with the week's hints on the grade's homework
    per item in its caption."""
    start, end = last_week(today)
    week = start.isoformat()
    school = audience.school
    messages: list[Outgoing] = []
    grade_pictures: dict[tuple[int, str], Picture | None] = {}
    grade_hints: dict[int, HintCounts] = {}
    for user_id, role, grade, _district in audience.members:
        user = audience.users.get(user_id)
        if role != Role.GRADE_LEADER.value or user is None or grade is None:
            continue
        locale = user_locale(user)
        with use_locale(locale):
            if (grade, locale) not in grade_pictures:
                grade_pictures[(grade, locale)] = await report_views.heat_picture(
                    session, Scope.of_grade(school.id, grade), start, end
                )
            picture = grade_pictures[(grade, locale)]
            if picture is None:
                continue
            if grade not in grade_hints:
                found = await hints.scope_counts(
                    session, Scope.of_grade(school.id, grade), start, end
                )
                grade_hints[grade] = hints.merged(found.values())
            hint_line = short_line(grade_hints[grade])
            caption = caption_of(
                [_("Weekly report."), picture.caption, *([hint_line] if hint_line else [])]
            )
        for n, png in enumerate(picture.images):
            key = message_key("weekly_grade", user_id, f"{school.id}.{grade}.{n}", week)
            messages.append(Outgoing(key, user_id, "weekly", caption, photo=png))
    return messages


async def admin_messages(
    session: AsyncSession,
    audience: WeeklyAudience,
    today: date,
    now: datetime,
    dashboard_url: str = "",
) -> list[Outgoing]:
    """Each admin: the school's heat map and summary."""
    start, end = last_week(today)
    week = start.isoformat()
    school = audience.school
    messages: list[Outgoing] = []
    school_pictures: dict[str, tuple[Picture | None, list[str]]] = {}
    scope = Scope.of_school(school.id)
    for user_id, role, _grade, _district in audience.members:
        user = audience.users.get(user_id)
        if role != Role.SCHOOL_ADMIN.value or user is None:
            continue
        locale = user_locale(user)
        with use_locale(locale):
            if locale not in school_pictures:
                school_pictures[locale] = (
                    await report_views.heat_picture(session, scope, start, end),
                    await report_views.school_summary(session, scope, start, end, now)
                    + week_hint_lines(await hints.week_counts(session, school.id, start, end)),
                )
            picture, summary = school_pictures[locale]
            head = _("Weekly report for {school}, {period}.").format(
                school=school.name, period=report_views.period_label(start, end)
            )
        if picture is not None:
            for n, png in enumerate(picture.images):
                key = message_key("weekly_school", user_id, f"{school.id}.{n}", week)
                messages.append(Outgoing(key, user_id, "weekly", picture.caption, photo=png))
        key = message_key("weekly_summary", user_id, school.id, week)
        text = "\n".join([head, *summary])[:4000]
        with use_locale(locale):
            rows = open_dashboard(dashboard_url, v="school", id=school.id, anchor=week)
        messages.append(Outgoing(key, user_id, "weekly", text, rows))
    return messages


async def district_messages(
    session: AsyncSession,
    district_id: int,
    supervisors: list[User],
    today: date,
    now: datetime,
    dashboard_url: str = "",
) -> list[Outgoing]:
    start, end = last_week(today)
    week = start.isoformat()
    keys = {s.id: message_key("weekly_district", s.id, district_id, week) for s in supervisors}
    done = await notifications.claimed_keys(session, keys.values())
    messages: list[Outgoing] = []
    rendered: dict[str, tuple[Picture | None, list[str]]] = {}
    # The chart covers the last 4 weeks, so the trend shows; the bulletin last week.
    chart_start = last_weeks(today, 4)[0]
    for supervisor in supervisors:
        if keys[supervisor.id] in done:
            continue
        locale = user_locale(supervisor)
        with use_locale(locale):
            if locale not in rendered:
                rendered[locale] = (
                    await report_views.district_picture(
                        session, district_id, chart_start, end, now
                    ),
                    await report_views.district_bulletin(session, district_id, start, end, now),
                )
            picture, bulletin = rendered[locale]
            text = "\n".join([_("Weekly bulletin."), *bulletin])[:4000]
            rows = open_dashboard(dashboard_url, v="district", id=district_id, anchor=week)
        if picture is not None:
            messages.append(
                Outgoing(
                    keys[supervisor.id],
                    supervisor.id,
                    "weekly",
                    picture.caption,
                    photo=picture.images[0],
                )
            )
        messages.append(
            Outgoing(
                message_key("weekly_bulletin", supervisor.id, district_id, week),
                supervisor.id,
                "weekly",
                text,
                rows,
            )
        )
    return messages


def week_hint_lines(counts: HintCounts) -> list[str]:
    """The week's hints on the school's homework, per teacher and per negative-list item."""
    if not counts.total:
        return []
    lines = [
        ngettext(
            "Hints on last week's homework: {n} on {pieces} piece.",
            "Hints on last week's homework: {n} on {pieces} pieces.",
            counts.pieces,
        ).format(n=counts.total, pieces=counts.pieces),
        _("By teacher:"),
    ]
    for teacher, n in sorted(counts.by_teacher.items(), key=lambda t: (-t[1], t[0])):
        lines.append(
            "• "
            + ngettext("{teacher}: {n} hint", "{teacher}: {n} hints", n).format(
                teacher=teacher, n=n
            )
        )
    lines.append(_("By item:"))
    return lines + item_lines(counts.by_item)


def open_dashboard(base: str, **view: object) -> Keyboard | None:
    """A "📊 Dashboard" button opening the view, in the current locale (None without
    DASHBOARD_URL)."""
    if not base:
        return None
    return [[(_("📊 Dashboard"), WebAppLink(dashboard_link(base, **view)))]]
