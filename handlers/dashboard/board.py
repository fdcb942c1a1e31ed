"""The first page (what the viewer may open) and the complaints board: tickets by status and
deadline with each one's history, for the roles /tickets shows them to, by role only (never a
complainant, never anyone's id)."""

from __future__ import annotations

from typing import Any

from bot.domain.complaints import ComplaintStatus, is_open
from bot.domain.periods import Scope
from bot.i18n import use_locale
from handlers.complaints.access import complaint_reach
from handlers.complaints.render import actor_label, level_label, status_label
from handlers.dashboard.common import Request, bad_request, forbidden
from handlers.kit.labels import category_label
from handlers.reports.access import allowed
from storage import complaints as store
from storage import repo, report_queries
from storage.analytics import dashboard as figures

BOARD_LIMIT = 200
STATUS_FILTERS = frozenset({"open", "all", *(s.value for s in ComplaintStatus)})


async def home_view(req: Request) -> dict[str, Any]:
    """The districts, schools and grades the viewer may open, and whether the board is
    theirs; 403 for someone with none of them (a teacher, a parent, a stranger)."""
    roles, session = req.viewer.roles, req.session
    districts = [
        {"id": d.id, "name": d.name}
        for d in await report_queries.districts_by_name(session, roles.supervisor_districts)
        if await allowed(session, roles, Scope.of_district(d.id))
    ]
    led = {s for s, _g in roles.grade_leader}
    schools = []
    for s in await repo.schools_by_ids(session, set(roles.admin_schools) | led):
        whole = await allowed(session, roles, Scope.of_school(s.id))
        grades = sorted(g for sid, g in roles.grade_leader if sid == s.id)
        schools.append({"id": s.id, "name": s.name, "grades": None if whole else grades})
    schools.sort(key=lambda s: (s["name"], s["id"]))
    school_ids, district_ids = complaint_reach(roles)
    board = bool(school_ids or district_ids)
    if not districts and not schools and not board:
        raise forbidden()
    return {
        "user_id": req.viewer.user_id,
        "locale": req.viewer.locale,
        "districts": districts,
        "schools": schools,
        "complaints": board,
    }


async def complaints_view(req: Request) -> dict[str, Any]:
    school_ids, district_ids = complaint_reach(req.viewer.roles)
    if not school_ids and not district_ids:
        raise forbidden()
    status = req.params.get("status") or "open"
    if status not in STATUS_FILTERS:
        raise bad_request("bad_status")
    session = req.session
    tickets = await store.list_for_staff(
        session,
        school_ids=school_ids,
        district_ids=district_ids,
        filters=store.Filters(None if status == "all" else status, None, None),
        limit=BOARD_LIMIT,
    )
    schools = {s.id: s for s in await repo.schools_by_ids(session, {t.school_id for t in tickets})}
    classes = await store.class_names(session, {t.class_id for t in tickets if t.class_id})
    history = await figures.histories(session, [t.id for t in tickets])
    with use_locale(req.viewer.locale):
        rows = [
            {
                "code": t.code,
                "school": schools[t.school_id].name,
                "class": classes.get(t.class_id) if t.class_id else None,
                "category": category_label(t.category),
                "status": t.status,
                "status_label": status_label(t.status),
                "level": level_label(t.level),
                "created_at": t.created_at.isoformat(),
                "deadline_at": t.deadline_at.isoformat(),
                "overdue": is_open(ComplaintStatus(t.status)) and t.deadline_at < req.now,
                "history": [
                    {
                        "who": actor_label(e.role),
                        "kind": e.kind,
                        "status": status_label(e.status) if e.status else None,
                        "at": e.at.isoformat(),
                    }
                    for e in history.get(t.id, [])
                ],
            }
            for t in tickets
        ]
    return {"status": status, "tickets": rows, "limit": BOARD_LIMIT}
