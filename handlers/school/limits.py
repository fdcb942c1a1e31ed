"""A school's limits under its district's: the refusals that name the district's rule, the
record of each change, and the one-line message to the district's supervisors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time

from bot.domain.limits import Ceiling, LimitField, refused_limit, refused_mode
from bot.domain.load import OverCapMode
from bot.i18n import (
    _,
    format_minutes,
    format_percent,
    format_time,
    ngettext,
    use_locale,
    weekday_name,
    zone_label,
)
from handlers.kit.context import Ctx
from handlers.kit.gate import user_locale
from handlers.kit.replies import send_to
from storage import policy
from storage.complaints import district_supervisors
from storage.models import School

LIMIT_FIELDS: dict[str, LimitField] = {
    "cap_primary": LimitField.PRIMARY,
    "cap_junior": LimitField.JUNIOR,
    "cap_senior": LimitField.SENIOR,
    "cap_non_school_day": LimitField.NON_SCHOOL_DAY,
}
"""The settable limits by column (the same names on `School` and `District`)."""
NOTIFIED = (*LIMIT_FIELDS, "over_cap_mode")
"""Changes the district's supervisors are told of at once (times are only recorded)."""


def rule_band(field: LimitField) -> str:
    """The band as the policy names it ("primary grades 3-6")."""
    labels = {
        LimitField.PRIMARY: _("primary grades 3-6"),
        LimitField.JUNIOR: _("junior middle grades 7-9"),
        LimitField.SENIOR: _("senior grades 10-12"),
        LimitField.NON_SCHOOL_DAY: _("weekends and holidays"),
    }
    return labels[field]


def field_label(field: str) -> str:
    labels = {
        "cap_primary": _("Grades 3-6"),
        "cap_junior": _("Grades 7-9"),
        "cap_senior": _("Grades 10-12"),
        "cap_non_school_day": _("Weekends and holidays"),
        "over_cap_mode": _("Over-limit mode"),
        "min_over_cap_mode": _("Minimum over-limit mode"),
        "cutoff_time": _("Cut-off for today's homework"),
        "notice_time": _("Homework notice to parents"),
        "evening_time": _("Evening question to parents"),
        "check_time": _("Daily check and warnings"),
        "reminder_delay": _("Reminder after the evening question"),
        "weekly_report_weekday": _("Weekly report day"),
        "weekly_report_time": _("Weekly report time"),
        "complaint_deadline_days": _("Complaint deadline"),
        "daily_all_clear": _("Daily all-clear"),
        "unfinished_share": _("Unfinished share"),
        "hotline": _("Hotline"),
        "timezone": _("Time zone"),
    }
    return labels.get(field, field)


OTHER_VALUES: dict[str, Callable[[str], str]] = {
    "weekly_report_weekday": lambda v: weekday_name(int(v)),
    "complaint_deadline_days": lambda v: ngettext(
        "{n} school day", "{n} school days", int(v)
    ).format(n=int(v)),
    "daily_all_clear": lambda v: _("on") if v == "True" else _("off"),
    "unfinished_share": lambda v: format_percent(int(v) / 100),
    "hotline": lambda v: v,
    "timezone": lambda v: zone_label(v, datetime.now(UTC)),
}
"""How the settings that are neither minutes nor times read."""


def mode_name(mode: str) -> str:
    names: dict[str, str] = {
        OverCapMode.WARN: _("warn"),
        OverCapMode.APPROVE: _("approve"),
        OverCapMode.STRICT: _("strict"),
    }
    return names.get(mode, mode)


def recorded_value(field: str, value: str | None) -> str:
    """A recorded value as the user reads it."""
    if field.endswith("mode"):
        return mode_name(value or "")
    if field in OTHER_VALUES and value is not None:
        return OTHER_VALUES[field](value)
    if field.endswith("_time") and value is not None:
        hours, minutes = value.split(":")
        return format_time(time(int(hours), int(minutes)))
    if value is None:
        if field == "hotline":
            return _("not set")
        return _("as on school days") if field == "cap_non_school_day" else _("no limit")
    return format_minutes(int(value))


def limit_refusal(ceiling: Ceiling) -> str:
    return _(
        "The district's rule: {band}, at most {limit} a day; a school can only lower it."
    ).format(band=rule_band(ceiling.field), limit=format_minutes(ceiling.minutes))


def refused_limit_text(school: School, field: str, minutes: int | None) -> str | None:
    """Why the school may not set `field` to `minutes` (None: it may)."""
    ceiling = refused_limit(policy.district_caps(school.district), LIMIT_FIELDS[field], minutes)
    return None if ceiling is None else limit_refusal(ceiling)


def refused_mode_text(school: School, mode: OverCapMode) -> str | None:
    minimum = policy.minimum_mode(school.district)
    if not refused_mode(minimum, mode):
        return None
    return _(
        "The district requires at least “{mode}” over the limit; "
        "a school can only choose a stricter mode."
    ).format(mode=mode_name(minimum))


def change_line(school: str | None, field: str, old: str | None, new: str | None) -> str:
    return _("{who}: {field} changed from {old} to {new}.").format(
        who=school if school is not None else _("District"),
        field=field_label(field),
        old=recorded_value(field, old),
        new=recorded_value(field, new),
    )


async def set_school_value(
    context: Ctx, user_id: int, school: School, field: str, value: object
) -> None:
    """Set a limit, the mode or a time of `school`, record the change and, for a limit or the
    mode, tell the district's supervisors in one line. Committed."""
    old = getattr(school, field)
    setattr(school, field, value)
    change = policy.record_change(
        context.session,
        user_id=user_id,
        district_id=school.district_id,
        school_id=school.id,
        field=field,
        old=old,
        new=value,
        now=context.now(),
    )
    await context.session.commit()
    if change is None or field not in NOTIFIED:
        return
    for supervisor in await district_supervisors(context.session, school.district_id):
        with use_locale(user_locale(supervisor)):
            await send_to(
                context, supervisor, change_line(school.name, field, change.old, change.new)
            )
    await context.session.commit()
