"""What every dashboard view shares: the viewer, refusals, the period of a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from http import HTTPStatus

from bot.domain.periods import check_range, this_week, week_of
from bot.domain.roles import Roles
from handlers.kit.context import AsyncSession

MAX_DASHBOARD_DAYS = 62
"""A heat map or a table covers at most about two months (a month view with margin)."""


@dataclass(frozen=True)
class Viewer:
    """Who asks: their id, their roles as loaded for this request, their language."""

    user_id: int
    roles: Roles
    locale: str


@dataclass(frozen=True)
class Request:
    """A view's inputs: the viewer, the session, the time and the query parameters."""

    viewer: Viewer
    session: AsyncSession
    now: datetime
    params: dict[str, str]


class Refused(Exception):
    """An HTTP refusal with a short machine-readable reason (no data in it)."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def forbidden() -> Refused:
    return Refused(HTTPStatus.FORBIDDEN, "forbidden")


def not_found() -> Refused:
    return Refused(HTTPStatus.NOT_FOUND, "not_found")


def bad_request(reason: str) -> Refused:
    return Refused(HTTPStatus.BAD_REQUEST, reason)


def parse_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise bad_request("bad_date") from None


def span_of(span: str | None, anchor: date, today: date) -> tuple[date, date]:
    """The week (Monday to Sunday) or the calendar month holding `anchor`, ending today at
    the latest (a view never reaches into the future)."""
    anchor = min(anchor, today)
    if span == "month":
        first = anchor.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, min(following - timedelta(days=1), today)
    if span not in (None, "", "week"):
        raise bad_request("bad_span")
    start, end = week_of(anchor)
    return start, min(end, today)


def period(params: dict[str, str], today: date) -> tuple[date, date]:
    """`start` and `end` from the query, or the `span` (week or month) holding `anchor`
    (default: this week so far); checked like /reports (not reversed, not in the future) and
    at most `MAX_DASHBOARD_DAYS` long."""
    if "start" in params or "end" in params:
        start = parse_day(params.get("start")) or this_week(today)[0]
        end = parse_day(params.get("end")) or today
    else:
        anchor = parse_day(params.get("anchor")) or today
        start, end = span_of(params.get("span"), anchor, today)
    problem = check_range(start, end, today)
    if problem is not None:
        raise bad_request(f"range_{problem.value}")
    if end - start >= timedelta(days=MAX_DASHBOARD_DAYS):
        raise bad_request("range_too_long")
    return start, end


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
