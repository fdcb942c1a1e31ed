"""The parents' evening messages: the homework notice and the evening question, per family.

Built the same way, under the same keys, by the scheduler's runs (`handlers.scheduler.tick`)
and by the catch-up for a parent who comes back after being unreachable
(`handlers.scheduler.catchup`), so a message is sent at most once whoever builds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.domain.calendar import SchoolCalendar
from bot.domain.load import Cap, Piece, evening_load
from bot.i18n import _, format_day, format_minutes, use_locale
from handlers.kit.gate import user_locale
from handlers.kit.labels import kind_label, rule_label
from handlers.parents.question import answer_rows, question_text
from handlers.scheduler.jobkit import cap_of
from handlers.scheduler.outbox import Outgoing, message_key
from storage.models import School
from storage.notices import ClassEvening, Family

Families = Mapping[int, Sequence[Family]]
"""Class id -> the families (parent and child) to write to."""


def total_line(written: int, cap: Cap) -> str:
    """'Written total: 40 min of 60 min (grades 3-6: ...).' in the current locale."""
    rule = rule_label(cap)
    if cap.minutes is None:
        return _("Written total: {total} ({rule}).").format(
            total=format_minutes(written), rule=rule
        )
    if written > cap.minutes:
        return _("Written total: {total}, {over} over the limit of {cap} ({rule}).").format(
            total=format_minutes(written),
            over=format_minutes(written - cap.minutes),
            cap=format_minutes(cap.minutes),
            rule=rule,
        )
    return _("Written total: {total} of {cap} ({rule}).").format(
        total=format_minutes(written), cap=format_minutes(cap.minutes), rule=rule
    )


NOTICE_TEXT_CHARS = 300  # per piece, so a class's evening fits in one message


def piece_line(piece: Piece, text: str | None = None) -> str:
    line = _("• {subject} ({kind}): {minutes}").format(
        subject=piece.subject, kind=kind_label(piece.kind), minutes=format_minutes(piece.minutes)
    )
    if text:
        short = text if len(text) <= NOTICE_TEXT_CHARS else text[: NOTICE_TEXT_CHARS - 1] + "…"
        line += "\n  " + short.replace("\n", "\n  ")
    return line


def notice_text(child_name: str, evening: ClassEvening, cap: Cap) -> str:
    load = evening_load(evening.pieces, cap)
    lines = [
        _("Homework for {child} ({class_name}), {day}:").format(
            child=child_name, class_name=evening.class_name, day=format_day(evening.day)
        )
    ]
    lines += [
        piece_line(p, evening.texts.get(p.piece_id) if p.piece_id is not None else None)
        for p in evening.pieces
    ]
    lines.append(total_line(load.written_total, cap))
    return "\n".join(lines)


def _cap(
    evening: ClassEvening, schools: Mapping[int, School], calendars: Mapping[int, SchoolCalendar]
) -> Cap:
    school_id = evening.school_id
    return cap_of(schools[school_id], evening.grade, evening.day, calendars.get(school_id))


def notice_messages(
    evenings: Sequence[ClassEvening],
    schools: Mapping[int, School],
    families: Families,
    calendars: Mapping[int, SchoolCalendar],
) -> list[Outgoing]:
    """The homework notice: one message per parent per child of every class with homework."""
    messages = []
    for evening in evenings:
        cap = _cap(evening, schools, calendars)
        for family in families.get(evening.class_id, []):
            with use_locale(user_locale(family.parent)):
                text = notice_text(family.child_name, evening, cap)
            key = message_key("notice", family.parent.id, family.child_id, evening.day)
            messages.append(Outgoing(key, family.parent.id, "notice", text))
    return messages


def question_messages(
    evenings: Sequence[ClassEvening],
    schools: Mapping[int, School],
    families: Families,
    calendars: Mapping[int, SchoolCalendar],
) -> list[Outgoing]:
    """The evening question, to the parents of children whose class had written homework."""
    messages = []
    for evening in evenings:
        if not any(p.is_written for p in evening.pieces):
            continue
        cap = _cap(evening, schools, calendars)
        estimate = evening_load(evening.pieces, cap).written_total
        for family in families.get(evening.class_id, []):
            with use_locale(user_locale(family.parent)):
                text = question_text(family.child_name, evening.day, today=True)
                rows = answer_rows(family.child_id, evening.day, estimate, cap.minutes)
            key = message_key("evening", family.parent.id, family.child_id, evening.day)
            messages.append(Outgoing(key, family.parent.id, "evening", text, rows))
    return messages
