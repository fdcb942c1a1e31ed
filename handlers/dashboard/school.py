"""The school page (a heat map of grade x class x day with subjects' shares) and a class-day
(its pieces, its figures and the anonymous notes released by the daily check's rule).

A grade leader who is not the school's administrator sees the grades they lead. Figures of
fewer than MIN_FAMILIES reporting families are never shown (the median is None then, and the
count and the unfinished share are withheld); no single report, parent or child ever is."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from bot.domain.figures import ClassDay
from bot.domain.periods import Scope, days_of
from bot.domain.reporting import MIN_FAMILIES, release_notes, term_start
from bot.domain.roles import Roles
from bot.i18n import use_locale
from handlers.dashboard.common import Request, forbidden, not_found, parse_day, period, share
from handlers.kit.labels import kind_label
from handlers.reports import views as report_views
from handlers.reports.access import allowed
from storage import homework, reports
from storage.analytics import loads, scopes
from storage.models import School, SchoolClass


async def school_scopes(req: Request, school_id: int) -> list[Scope]:
    """The school, when the viewer may see its reports; else the grades they lead in it."""
    roles = req.viewer.roles
    if await allowed(req.session, roles, Scope.of_school(school_id)):
        return [Scope.of_school(school_id)]
    return [Scope.of_grade(school_id, g) for s, g in sorted(roles.grade_leader) if s == school_id]


def may_see_class(roles: Roles, school_allowed: bool, klass: SchoolClass) -> bool:
    return school_allowed or roles.leads_grade(klass.school_id, klass.grade)


def cell(e: ClassDay) -> dict[str, Any]:
    """A class-evening for the page: the estimate, the cap, the parents' figures from
    MIN_FAMILIES reports on, and whether it is over (`ClassDay.is_over`, the one definition)."""
    enough = e.reports >= MIN_FAMILIES
    return {
        "written": e.written,
        "pieces": e.pieces,
        "cap": e.cap,
        "median": round(e.median) if e.median is not None else None,
        "n": e.reports if enough else None,
        "few_reports": 0 < e.reports < MIN_FAMILIES,
        "unfinished_share": share(e.unfinished, e.reports) if enough else None,
        "over": e.is_over,
    }


async def school_view(req: Request, school_id: int) -> dict[str, Any]:
    session = req.session
    found = await school_scopes(req, school_id)
    if not found:
        raise forbidden()
    school = await session.get(School, school_id)
    if school is None:
        raise not_found()
    today = scopes.today_of(await scopes.schools_of(session, found[0]), req.now)
    start, end = period(req.params, today)
    classes: dict[int, dict[str, Any]] = {}
    subjects: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for scope in found:
        for k in await scopes.classes_of(session, scope):
            classes[k.id] = {"id": k.id, "name": k.name, "grade": k.grade, "days": {}}
        for e in await loads.evenings(session, scope, start, end):
            classes[e.class_id]["days"][e.day.isoformat()] = cell(e)
        for s in await loads.subject_minutes(session, scope, start, end):
            subjects[s.class_id][s.subject] += s.minutes
    for class_id, row in classes.items():
        total = sum(subjects[class_id].values())
        row["subjects"] = [
            {"name": name, "minutes": m, "share": share(m, total)}
            for name, m in sorted(subjects[class_id].items(), key=lambda kv: (-kv[1], kv[0]))
        ]
    return {
        "school": {"id": school.id, "name": school.name},
        "district": {"id": school.district_id, "name": school.district.name},
        "calibration": await calibration(req, found, classes, end),
        "whole_school": found[0].grade is None,
        "today": today.isoformat(),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "days": [d.isoformat() for d in days_of(start, end)],
        "classes": sorted(classes.values(), key=lambda r: (r["grade"], r["name"])),
    }


async def calibration(
    req: Request, found: list[Scope], classes: dict[int, dict[str, Any]], end: date
) -> list[dict[str, Any]]:
    """The teachers' written estimates against what parents report, per class and subject,
    over the 4 weeks before the period's end (as /load and the weekly report show teachers:
    from 5 evenings of 3 reports on)."""
    rows = []
    for scope in found:
        for c in await report_views.calibrations(req.session, scope, end + timedelta(days=1)):
            if c.class_id in classes:
                rows.append(
                    {
                        "class": classes[c.class_id]["name"],
                        "grade": classes[c.class_id]["grade"],
                        "subject": c.subject,
                        "percent": c.percent,
                        "evenings": c.evenings,
                        "in_line": c.in_line,
                    }
                )
    return sorted(rows, key=lambda r: (r["grade"], r["class"], r["subject"]))


async def class_day_view(req: Request, class_id: int, day_text: str) -> dict[str, Any]:
    session = req.session
    day = parse_day(day_text)
    assert day is not None
    klass = await session.get(SchoolClass, class_id)
    if klass is None:
        # The same answer as a class one may not see: ids are not probed.
        raise forbidden()
    school_allowed = await allowed(session, req.viewer.roles, Scope.of_class(class_id))
    if not may_see_class(req.viewer.roles, school_allowed, klass):
        raise forbidden()
    school = await session.get(School, klass.school_id)
    if school is None:
        raise not_found()
    found = await loads.evenings(session, Scope.of_class(class_id), day, day)
    pieces = (await homework.class_pieces(session, class_id, [day])).get(day, [])
    with use_locale(req.viewer.locale):
        shown = [piece_row(p) for p in pieces]
    return {
        "school": {"id": school.id, "name": school.name},
        "district": {"id": school.district_id, "name": school.district.name},
        "class": {"id": klass.id, "name": klass.name, "grade": klass.grade},
        "day": day.isoformat(),
        "figures": cell(found[0]) if found else None,
        "pieces": shown,
        "notes": await released_notes(req, class_id, day),
    }


def piece_row(p: homework.LoadedPiece) -> dict[str, Any]:
    """A piece on the class-day: its subject, kind and minutes (no text, no teacher)."""
    return {
        "subject": p.subject,
        "kind": p.kind.value,
        "kind_label": kind_label(p.kind),
        "minutes": p.minutes,
        "optional": not p.required,
    }


async def released_notes(req: Request, class_id: int, day: date) -> list[str]:
    """The notes the daily check showed (or will show) with this class-day: from
    MIN_FAMILIES reporting families on, sorted, without anyone's name (`release_notes`)."""
    families, notes = await reports.class_notes(req.session, [class_id], term_start(day), day)
    return release_notes(families.get(class_id, {}), notes.get(class_id, {})).get(day, [])
