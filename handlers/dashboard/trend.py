"""The district's trend: the share of class-days within the limit and of complaints answered
in time, week by week (12 weeks) or month by month (6 months) up to the chosen period's end.
Loaded by the page after the table (a separate request), two statements."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from bot.domain.periods import Scope, week_of
from handlers.dashboard.common import Request, forbidden, parse_day, share
from handlers.reports.access import allowed
from storage.analytics import complaints as analytics_complaints
from storage.analytics import dashboard as figures
from storage.analytics import scopes

WEEKS = 12
MONTHS = 6


def buckets(span: str, end: date) -> list[tuple[date, date]]:
    """The weeks (Monday to Sunday) or calendar months ending with the one holding `end`."""
    if span == "month":
        first = end.replace(day=1)
        months = [first]
        for _ in range(MONTHS - 1):
            months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
        return [(m, (m + timedelta(days=32)).replace(day=1) - timedelta(days=1)) for m in months]
    monday = week_of(end)[0]
    return [
        (monday - timedelta(weeks=n), monday - timedelta(weeks=n) + timedelta(days=6))
        for n in range(WEEKS - 1, -1, -1)
    ]


async def trend_view(req: Request, district_id: int) -> dict[str, Any]:
    session = req.session
    scope = Scope.of_district(district_id)
    if not await allowed(session, req.viewer.roles, scope):
        raise forbidden()
    today = scopes.today_of(await scopes.schools_of(session, scope), req.now)
    end = min(parse_day(req.params.get("anchor")) or today, today)
    span = "month" if req.params.get("span") == "month" else "week"
    periods = buckets(span, end)
    start, last = periods[0][0], min(periods[-1][1], today)
    index = {}
    for i, (first, final) in enumerate(periods):
        day = first
        while day <= final:
            index[day] = i
            day += timedelta(days=1)
    evenings: dict[int, int] = defaultdict(int)
    over: dict[int, int] = defaultdict(int)
    for day, n, over_n in await figures.day_figures(session, scope, start, last):
        evenings[index[day]] += n
        over[index[day]] += over_n
    answered: dict[int, analytics_complaints.ComplaintFigures] = defaultdict(
        analytics_complaints.ComplaintFigures
    )
    outcomes = await analytics_complaints.complaint_outcomes(session, scope, start, last, req.now)
    for outcome in outcomes:
        answered[index[outcome.day]].add(outcome)
    return {
        "span": span,
        "buckets": [
            {
                "start": first.isoformat(),
                "class_days": evenings[i],
                "within_share": share(evenings[i] - over[i], evenings[i]),
                "complaints_in_time_share": answered[i].in_time_share,
            }
            for i, (first, _final) in enumerate(periods)
        ],
    }
