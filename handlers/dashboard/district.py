"""The district page: a row per school (limits, reports, complaints, limit changes), in a
handful of set-based statements whatever its size (its trend: `handlers.dashboard.trend`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.periods import Scope
from handlers.dashboard.common import Request, forbidden, not_found, period, share
from handlers.reports.access import allowed
from storage.analytics import complaints as analytics_complaints
from storage.analytics import dashboard as figures
from storage.analytics import scopes
from storage.models import District


def local_bounds(start: date, end: date, timezone: str) -> tuple[datetime, datetime]:
    """From the start of `start` to the end of `end` in the zone, as UTC."""
    zone = ZoneInfo(timezone)
    low = datetime.combine(start, datetime.min.time(), zone).astimezone(UTC)
    high = datetime.combine(end + timedelta(days=1), datetime.min.time(), zone).astimezone(UTC)
    return low, high


async def district_view(req: Request, district_id: int) -> dict[str, Any]:
    session = req.session
    scope = Scope.of_district(district_id)
    if not await allowed(session, req.viewer.roles, scope):
        raise forbidden()
    district = await session.get(District, district_id)
    if district is None:
        raise not_found()
    schools = await scopes.schools_of(session, scope)
    start, end = period(req.params, scopes.today_of(schools, req.now))
    zone = schools[0].timezone if schools else "UTC"
    per_day = await figures.school_day_figures(session, scope, start, end)
    per_school: dict[int, figures.SchoolFigures] = defaultdict(figures.SchoolFigures)
    for school_id, _day, f in per_day:
        per_school[school_id] += f
    complaints = await analytics_complaints.complaint_figures(session, scope, start, end, req.now)
    open_now = await figures.open_complaints(session, district_id)
    changes = await figures.limit_changes(session, district_id, *local_bounds(start, end, zone))
    rows = [
        school_row(s, per_school.get(s.id), complaints.get(s.id), open_now.get(s.id, 0), changes)
        for s in schools
    ]
    return {
        "district": {"id": district.id, "name": district.name},
        "start": start.isoformat(),
        "end": end.isoformat(),
        "today": scopes.today_of(schools, req.now).isoformat(),
        "schools": rows,
        "district_limit_changes": changes.get(None, 0),
    }


def school_row(
    school: scopes.SchoolInfo,
    f: figures.SchoolFigures | None,
    c: analytics_complaints.ComplaintFigures | None,
    open_now: int,
    changes: dict[int | None, int],
) -> dict[str, Any]:
    f = f or figures.SchoolFigures()
    c = c or analytics_complaints.ComplaintFigures()
    return {
        "id": school.id,
        "name": school.name,
        "class_days": f.evenings,
        "over": f.over,
        "within_share": share(f.evenings - f.over, f.evenings),
        "coverage": share(f.covered, f.evenings),
        "unfinished_share": share(f.unfinished, f.reports),
        "confirmations": f.estimate_over,
        "complaints_filed": c.opened,
        "complaints_open": open_now,
        "complaints_late": c.late,
        "complaints_in_time": c.in_time,
        "complaints_in_time_share": share(c.in_time, c.due),
        "limit_changes": changes.get(school.id, 0),
    }
