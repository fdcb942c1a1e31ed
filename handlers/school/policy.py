"""/policy: the district's view. An inspector (督学) or the owner sees the district's limits per
grade band, its minimum over-limit mode and the latest changes of its schools; a school office
or grade leader sees the district's ceilings beside the school's own (lower) values and the
school's own changes. Changes are listed newest first, a page at a time, in local time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from telegram import Update

from bot.domain.load import Caps
from bot.domain.paging import Page, page_of
from bot.domain.roles import Roles
from bot.i18n import _, format_datetime
from handlers.kit.callbacks import CallbackData
from handlers.kit.context import Ctx
from handlers.kit.gate import current_user, roles_of
from handlers.kit.paging import paging_rows
from handlers.kit.replies import Rows, answer, refuse_stale, say
from handlers.school.limits import LIMIT_FIELDS, field_label, mode_name, recorded_value
from storage import policy, repo
from storage.models import District, School

PAGE_SIZE = 10
CAP_OF_FIELD = {
    "cap_primary": "primary",
    "cap_junior": "junior",
    "cap_senior": "senior",
    "cap_non_school_day": "non_school_day",
}
"""The `Caps` attribute of each settable limit column."""


@dataclass(frozen=True)
class PolicyViewButton(CallbackData, prefix="pl.v"):
    """A district's view (school_id 0) or a school's, at a page of its changes."""

    district_id: int
    school_id: int = 0
    page: int = 0


def is_district_viewer(roles: Roles, district_id: int) -> bool:
    return roles.owner or district_id in roles.supervisor_districts


def school_ids(roles: Roles) -> set[int]:
    """The schools whose own view the person sees: as school office or grade leader."""
    return set(roles.admin_schools) | {school_id for school_id, _grade in roles.grade_leader}


async def policy_command(update: Update, context: Ctx) -> None:
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    session = context.session
    if roles.owner or roles.supervisor_districts:
        districts = [
            d
            for d in await repo.districts(session)
            if roles.owner or d.id in roles.supervisor_districts
        ]
        if len(districts) == 1:
            await show_district(update, context, districts[0], 0)
            return
        if districts:
            rows: Rows = [[(d.name, PolicyViewButton(d.id))] for d in districts]
            await say(update, _("Which district?"), rows)
            return
    schools = await repo.schools_by_ids(session, school_ids(roles))
    if not schools:
        await say(
            update,
            _(
                "The district's limits are shown to its inspectors, to school offices and to "
                "grade leaders."
            ),
        )
        return
    if len(schools) == 1:
        await show_school(update, context, schools[0], 0)
        return
    rows = [[(s.name, PolicyViewButton(s.district_id, s.id))] for s in schools]
    await say(update, _("Which school?"), rows)


async def on_view(update: Update, context: Ctx, data: PolicyViewButton) -> None:
    """A district or school view, or another page of it (the presser's rights re-checked)."""
    user = await current_user(context, update)
    roles = await roles_of(context, user.id)
    session = context.session
    if data.school_id == 0:
        district = await session.get(District, data.district_id)
        if district is None or not is_district_viewer(roles, district.id):
            await refuse_stale(update)
            return
        await answer(update)
        await show_district(update, context, district, data.page)
        return
    school = await session.get(School, data.school_id)
    if school is None or not (
        school.id in school_ids(roles) or is_district_viewer(roles, school.district_id)
    ):
        await refuse_stale(update)
        return
    await answer(update)
    await show_school(update, context, school, data.page)


# ---------------------------------------------------------------- the district's view


def limit_value(field: str, caps: Caps) -> str:
    value = getattr(caps, CAP_OF_FIELD[field])
    return recorded_value(field, policy.as_text(value))


async def show_district(update: Update, context: Ctx, district: District, number: int) -> None:
    caps = policy.district_caps(district)
    lines = [
        _("{district}: written homework limits a day (a school can only lower them)").format(
            district=district.name
        ),
        "• " + _("Grades 1-2: no written homework (policy)"),
    ]
    lines += [f"• {field_label(f)}: {limit_value(f, caps)}" for f in LIMIT_FIELDS]
    lines.append(
        _("Over the limit, at least: {mode}").format(mode=mode_name(district.min_over_cap_mode))
    )
    schools = await policy.district_schools(context.session, district.id)
    zone = schools[0].timezone if schools else "UTC"
    changes = await policy.recent_changes(context.session, district.id, limit=200)
    page = page_of(changes, number, PAGE_SIZE)
    lines.append("")
    lines.append(_("Changes by its schools, newest first:") if changes else _("No changes yet."))
    lines += [district_change_line(c, zone) for c in page.items]
    await show_page(update, page, lines, lambda n: PolicyViewButton(district.id, 0, n))


def district_change_line(change: policy.ChangeRow, zone: str) -> str:
    return "• " + _("{when}: {who} ({school}) changed {field} from {old} to {new}").format(
        school=change.school if change.school is not None else _("District"),
        **change_values(change, zone),
    )


def change_values(change: policy.ChangeRow, zone: str) -> dict[str, str]:
    """The values of a change line: when (local time of the school), who, what from -> to."""
    local = change.at.astimezone(ZoneInfo(change.timezone or zone))
    return {
        "when": format_datetime(local),
        "who": change.who or _("someone"),
        "field": field_label(change.field),
        "old": recorded_value(change.field, change.old),
        "new": recorded_value(change.field, change.new),
    }


# ---------------------------------------------------------------- a school's view


async def show_school(update: Update, context: Ctx, school: School, number: int) -> None:
    ceilings = policy.district_caps(school.district)
    own = policy.caps_of(school)
    lines = [
        _("{school}: limits of written homework a day, under the district's").format(
            school=school.name
        ),
        "• " + _("Grades 1-2: no written homework (policy)"),
    ]
    lines += [
        "• "
        + _("{band}: {own} (district: {ceiling})").format(
            band=field_label(f), own=limit_value(f, own), ceiling=limit_value(f, ceilings)
        )
        for f in LIMIT_FIELDS
    ]
    lines.append(
        _("Over the limit: {mode} (district minimum: {minimum})").format(
            mode=mode_name(policy.mode_of(school)),
            minimum=mode_name(school.district.min_over_cap_mode),
        )
    )
    changes = await policy.school_changes(context.session, school)
    page = page_of(changes, number, PAGE_SIZE)
    lines.append("")
    lines.append(_("Changes at this school, newest first:") if changes else _("No changes yet."))
    lines += [
        "• "
        + _("{when}: {who} changed {field} from {old} to {new}").format(
            **change_values(c, school.timezone)
        )
        for c in page.items
    ]
    await show_page(
        update, page, lines, lambda n: PolicyViewButton(school.district_id, school.id, n)
    )


async def show_page(
    update: Update,
    page: Page[policy.ChangeRow],
    lines: Sequence[str],
    to_page: Callable[[int], CallbackData],
) -> None:
    rows = paging_rows(page, to_page)
    await say(update, "\n".join(lines), rows, edit=update.callback_query is not None)
