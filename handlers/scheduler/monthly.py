"""The monthly report (月报), a scheduler job (`Job.MONTHLY`: the first school day of a month,
at the school's weekly report time): the month before on one page to each school office
(admins: the school's heat map by week and its page) and each district supervisor (the
district's chart and its page), in their language (`handlers.reports.monthly`).

It runs on the weekly report's machinery (`handlers.scheduler.weekly.report_job`:
claimed in `job_runs`, each school built and delivered through the outbox before the next);
every message has a unique key (recipient, kind, subject, the month's first day), so a re-run,
a second process or a second school of the same district sends nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.periods import Scope, last_month
from bot.domain.roles import Role
from bot.domain.schedule import DueRun
from bot.i18n import use_locale
from handlers.kit.context import AsyncSession
from handlers.kit.gate import user_locale
from handlers.reports import monthly as pages
from handlers.reports import views as report_views
from handlers.reports.views import Picture
from handlers.scheduler.outbox import Outgoing, message_key
from handlers.scheduler.weekly import open_dashboard, report_job, supervisors_of
from storage import notifications
from storage.models import District, School, User
from storage.staff import WeeklyAudience, weekly_audience

KIND = "monthly"


async def school_messages(
    session: AsyncSession, run: DueRun, now: datetime, dashboard_url: str = ""
) -> list[Outgoing]:
    """A school's monthly messages: its admins, then its district's supervisors (once per
    district: the first school whose report is due sends them); with DASHBOARD_URL each page
    carries a button opening the month in the dashboard."""
    audience = await weekly_audience(session, run.school_id)
    if audience is None:
        return []
    start, end = last_month(run.local_date)
    messages = await office_messages(session, audience, start, end, now, dashboard_url)
    district = await session.get(District, audience.school.district_id)
    if district is not None:
        messages += await district_messages(
            session, district, supervisors_of(audience), start, end, now, dashboard_url
        )
    return messages


run_monthly_reports = report_job(school_messages)


async def office_messages(
    session: AsyncSession,
    audience: WeeklyAudience,
    start: date,
    end: date,
    now: datetime,
    dashboard_url: str = "",
) -> list[Outgoing]:
    """Each admin: the school's heat map of the month (by week) and the month's page."""
    school = audience.school
    month = start.isoformat()
    rendered: dict[str, tuple[Picture | None, str]] = {}
    messages: list[Outgoing] = []
    for user_id, role, _grade, _district in audience.members:
        user = audience.users.get(user_id)
        if role != Role.SCHOOL_ADMIN.value or user is None:
            continue
        locale = user_locale(user)
        if locale not in rendered:
            rendered[locale] = await office_rendering(session, school, start, end, now, locale)
        picture, page = rendered[locale]
        if picture is not None:
            for n, png in enumerate(picture.images):
                key = message_key("monthly_school", user_id, f"{school.id}.{n}", month)
                messages.append(Outgoing(key, user_id, KIND, picture.caption, photo=png))
        key = message_key("monthly_summary", user_id, school.id, month)
        with use_locale(locale):
            rows = open_dashboard(
                dashboard_url, v="school", id=school.id, span="month", anchor=month
            )
        messages.append(Outgoing(key, user_id, KIND, page, rows))
    return messages


async def office_rendering(
    session: AsyncSession, school: School, start: date, end: date, now: datetime, locale: str
) -> tuple[Picture | None, str]:
    with use_locale(locale):
        scope = Scope.of_school(school.id)
        picture = await report_views.heat_picture(session, scope, start, end)
        page = await pages.school_page(session, school, start, end, now)
    return picture, "\n".join(page)


async def district_messages(
    session: AsyncSession,
    district: District,
    supervisors: list[User],
    start: date,
    end: date,
    now: datetime,
    dashboard_url: str = "",
) -> list[Outgoing]:
    """Each supervisor: the district's chart of the month and its page (skipped when another
    school of the district has claimed it already)."""
    month = start.isoformat()
    keys = {s.id: message_key("monthly_bulletin", s.id, district.id, month) for s in supervisors}
    done = await notifications.claimed_keys(session, keys.values())
    rendered: dict[str, tuple[Picture | None, str]] = {}
    messages: list[Outgoing] = []
    for supervisor in supervisors:
        if keys[supervisor.id] in done:
            continue
        locale = user_locale(supervisor)
        if locale not in rendered:
            with use_locale(locale):
                rendered[locale] = (
                    await report_views.district_picture(session, district.id, start, end, now),
                    "\n".join(await pages.district_page(session, district, start, end, now)),
                )
        picture, page = rendered[locale]
        if picture is not None:
            key = message_key("monthly_district", supervisor.id, district.id, month)
            messages.append(
                Outgoing(key, supervisor.id, KIND, picture.caption, photo=picture.images[0])
            )
        with use_locale(locale):
            rows = open_dashboard(
                dashboard_url, v="district", id=district.id, span="month", anchor=month
            )
        messages.append(Outgoing(keys[supervisor.id], supervisor.id, KIND, page, rows))
    return messages
