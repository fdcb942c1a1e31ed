"""The monthly report (月报): a school's or a district's month on one page, in the current
locale. Per school: the share of class-days within the limits (and why the others were
over), the reports coverage, the unfinished share, the pieces posted over the limit per grade
(confirmed by the teacher or approved by the grade leader, as recorded), the hints per
negative-list item (and kind hints) on the month's homework, complaints by category and
answered on time, and the changes of limits. All class-day figures are `bot.domain.figures`
(`ClassDay`, `tally`): the same as the daily check, `/load`, the weekly report and the
export. Used by the monthly job (`handlers.scheduler.monthly`) and `/monthly`.

Hints are those stored with each piece (`storage.hints`), counted for the pieces posted or
waiting whose (first) evening is in the month, with the items' labels of the catalogue.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import Update

from bot.domain.calendar import local_now
from bot.domain.figures import MIN_FAMILIES, OverReason, Tally
from bot.domain.homework import OverLimitStep
from bot.domain.periods import Scope, last_month
from bot.i18n import _, format_month, format_percent
from handlers.kit.context import AsyncSession, Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.labels import category_label
from handlers.kit.replies import say, say_lines
from handlers.reports import hint_lines
from handlers.school.limits import change_line
from storage import hints, policy, report_queries
from storage.analytics import complaints as analytics_complaints
from storage.analytics import confirmations, loads, scopes
from storage.models import District, School


@dataclass
class Month:
    """One school's (or a district's) month of class-days, counted."""

    figures: Tally = field(default_factory=Tally)
    posted_over: Counter[tuple[int, OverLimitStep]] = field(default_factory=Counter)
    """Pieces posted over the limit, by grade and step: confirmed by their teacher (mode
    `warn`) or approved by the grade leader (mode `approve`), as recorded when it happened
    (`storage.analytics.confirmations`)."""


async def school_months(
    session: AsyncSession, scope: Scope, start: date, end: date
) -> dict[int, Month]:
    """Per school of the scope, its class-days of the period counted (streamed: a district's
    month is never held as rows) and its pieces confirmed or approved over the limit."""
    result: dict[int, Month] = defaultdict(Month)
    async for batch in loads.evenings_batches(session, scope, start, end):
        for day in batch:
            result[day.school_id].figures.add(day)
    for school_id, posted in (
        await confirmations.over_limit_posts(session, scope, start, end)
    ).items():
        result[school_id].posted_over.update(posted)
    return dict(result)


def _share(part: int, whole: int) -> str:
    return format_percent(part / whole) if whole else "—"


def figure_lines(month: Month) -> list[str]:
    """The class-day lines of a page: within the limits, over by reason, coverage, unfinished,
    posted over the limit per grade."""
    t = month.figures
    if not t.days:
        return [_("No homework and no reports in this period.")]
    lines = [
        _("Class-days within the limits: {within} of {days} ({share}).").format(
            within=t.within, days=t.days, share=_share(t.within, t.days)
        ),
        _(
            "Over the limit: {over} class-days (by the estimate {estimate}, by the parents' "
            "median {median}, by unfinished reports {unfinished})."
        ).format(
            over=t.over,
            estimate=t.by_reason[OverReason.ESTIMATE],
            median=t.by_reason[OverReason.MEDIAN],
            unfinished=t.by_reason[OverReason.UNFINISHED],
        ),
        _(
            "Reports coverage: {covered} of {days} class-days with written homework had at "
            "least {min} reports ({share})."
        ).format(
            covered=t.covered,
            days=t.written_days,
            min=MIN_FAMILIES,
            share=_share(t.covered, t.written_days),
        ),
        _("Went to bed unfinished: {unfinished} of {reports} reports ({share}).").format(
            unfinished=t.unfinished, reports=t.reports, share=_share(t.unfinished, t.reports)
        ),
    ]
    return lines + posted_over_lines(month.posted_over)


def posted_over_lines(posted: Counter[tuple[int, OverLimitStep]]) -> list[str]:
    """Pieces posted over the limit per grade: confirmed by the teacher, approved by the grade
    leader."""
    if not posted:
        return [_("Nothing was posted over the limit.")]
    lines = [_("Homework posted over the limit, pieces by grade:")]
    for grade in sorted({g for g, _step in posted}):
        lines.append(
            "• "
            + _(
                "grade {grade}: {confirmed} confirmed by the teacher, {approved} approved by "
                "the grade leader"
            ).format(
                grade=grade,
                confirmed=posted[(grade, OverLimitStep.CONFIRMED)],
                approved=posted[(grade, OverLimitStep.APPROVED)],
            )
        )
    return lines


def complaint_lines(outcomes: Sequence[analytics_complaints.ComplaintOutcome]) -> list[str]:
    """Complaints filed by category, and how many of them were answered on time (the one
    definition: `bot.domain.complaints.response_timeliness`)."""
    if not outcomes:
        return [_("Complaints: none filed.")]
    by_category: dict[str, analytics_complaints.ComplaintFigures] = defaultdict(
        analytics_complaints.ComplaintFigures
    )
    total = analytics_complaints.ComplaintFigures()
    for o in outcomes:
        by_category[o.category].add(o)
        total.add(o)
    lines = [
        _("Complaints: {n} filed, {in_time} of {due} due answered on time.").format(
            n=total.opened, in_time=total.in_time, due=total.due
        )
    ]
    for category, f in sorted(by_category.items(), key=lambda kv: (-kv[1].opened, kv[0])):
        lines.append(
            _("• {category}: {n} filed, {in_time} answered on time.").format(
                category=category_label(category), n=f.opened, in_time=f.in_time
            )
        )
    return lines


def change_lines(changes: Sequence[policy.ChangeRow]) -> list[str]:
    if not changes:
        return [_("Limits: no changes.")]
    return [
        _("Limit changes:"),
        *("• " + change_line(c.school, c.field, c.old, c.new) for c in changes),
    ]


def month_bounds(start: date, end: date, timezone: str) -> tuple[datetime, datetime]:
    """The month's local days as a UTC window [low, high)."""
    zone = ZoneInfo(timezone)
    low = datetime.combine(start, time(0), zone)
    high = datetime.combine(end + timedelta(days=1), time(0), zone)
    return low, high


async def school_page(
    session: AsyncSession, school: School, start: date, end: date, now: datetime
) -> list[str]:
    """A school office's month on one page."""
    scope = Scope.of_school(school.id)
    month = (await school_months(session, scope, start, end)).get(school.id, Month())
    outcomes = await analytics_complaints.complaint_outcomes(session, scope, start, end, now)
    low, high = month_bounds(start, end, school.timezone)
    changes = await policy.limit_changes(session, school.district_id, low, high, school.id)
    found = await hints.scope_counts(session, scope, start, end)
    return [
        _("Monthly report for {school}, {month}.").format(
            school=school.name, month=format_month(start)
        ),
        *figure_lines(month),
        *hint_lines.month_lines(hints.merged(found.values())),
        *complaint_lines(outcomes),
        *change_lines(changes),
    ]


def school_line(name: str, month: Month) -> str:
    t = month.figures
    return _(
        "• {school}: within the limits {within} ({over} of {days} class-days over); "
        "reports coverage {coverage}; unfinished {unfinished}."
    ).format(
        school=name,
        within=_share(t.within, t.days),
        over=t.over,
        days=t.days,
        coverage=_share(t.covered, t.written_days),
        unfinished=_share(t.unfinished, t.reports),
    )


async def district_page(
    session: AsyncSession, district: District, start: date, end: date, now: datetime
) -> list[str]:
    """A district supervisor's month on one page: each school, lowest share within the limits
    first, then the district's totals, complaints and limit changes."""
    scope = Scope.of_district(district.id)
    schools = await scopes.schools_of(session, scope)
    months = await school_months(session, scope, start, end)
    whole = Month()
    for month in months.values():
        whole.figures.merge(month.figures)
        whole.posted_over.update(month.posted_over)
    order = sorted(
        (s for s in schools if s.id in months),
        key=lambda s: (months[s.id].figures.within_share or 0, s.name),
    )
    outcomes = await analytics_complaints.complaint_outcomes(session, scope, start, end, now)
    timezone = schools[0].timezone if schools else "UTC"
    changes = await policy.limit_changes(session, district.id, *month_bounds(start, end, timezone))
    found = await hints.scope_counts(session, scope, start, end)
    by_school = hint_lines.by_school_line({s.id: s.name for s in schools}, found)
    lines = [
        _("Monthly bulletin for {district}, {month}.").format(
            district=district.name, month=format_month(start)
        )
    ]
    if order:
        lines.append(_("Schools, lowest share of class-days within the limits first:"))
        lines += [school_line(s.name, months[s.id]) for s in order]
        if by_school is not None:
            lines.append(by_school)
        lines.append(_("The district:"))
    return [
        *lines,
        *figure_lines(whole),
        *hint_lines.month_lines(hints.merged(found.values())),
        *complaint_lines(outcomes),
        *change_lines(changes),
    ]


MAX_PAGES = 5
"""At most this many schools' and districts' pages for one `/monthly`."""


async def monthly_command(update: Update, context: Ctx) -> None:
    """/monthly: last month's page of each school the user administers and each district
    they supervise (the month before today in the school's zone)."""
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    if not roles.admin_schools and not roles.supervisor_districts:
        await say(update, _("Only school administrators and district supervisors see reports."))
        return
    session, now = context.session, context.now()
    schools = await report_queries.schools_in_reach(
        session, roles.admin_schools, roles.supervisor_districts, MAX_PAGES * 10
    )
    zones = {s.district_id: s.timezone for s in schools}
    lines: list[str] = []
    for school in [s for s in schools if s.id in roles.admin_schools][:MAX_PAGES]:
        start, end = last_month(local_now(school.timezone, now).date())
        lines += [*(await school_page(session, school, start, end, now)), ""]
    for district in (await report_queries.districts_by_name(session, roles.supervisor_districts))[
        :MAX_PAGES
    ]:
        start, end = last_month(local_now(zones.get(district.id, "UTC"), now).date())
        lines += [*(await district_page(session, district, start, end, now)), ""]
    await say_lines(update, lines[:-1])
