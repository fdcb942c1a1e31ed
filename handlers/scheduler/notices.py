"""The parents' evening messages: the homework notice and the evening question, per family.

Built the same way, under the same keys, by the scheduler's runs (`handlers.scheduler.tick`)
and by the catch-up for a parent who comes back after being unreachable
(`handlers.scheduler.catchup`), so a message is sent at most once whoever builds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from bot.domain.calendar import SchoolCalendar
from bot.domain.load import Cap, CapRule, Piece, evening_load
from bot.i18n import _, format_day, format_minutes, use_locale
from handlers.complaints.payloads import ComplainAboutButton
from handlers.kit.gate import user_locale
from handlers.kit.labels import kind_label, rule_label
from handlers.kit.replies import Rows
from handlers.parents.payloads import ParentHomeworkButton
from handlers.parents.question import answer_rows, question_text
from handlers.scheduler.jobkit import cap_of
from handlers.scheduler.outbox import Outgoing, Photo, message_key
from storage.models import School
from storage.notices import ClassEvening, Family

Families = Mapping[int, Sequence[Family]]
"""Class id -> the families (parent and child) to write to."""


def total_line(written: int, cap: Cap) -> str:
    """'Written total 70 min, 10 min over (grades 3-6: at most 60 min a day).': the rule names
    the limit once; grades 1-2 say that the class is given no written homework at home."""
    values = {"total": format_minutes(written), "rule": rule_label(cap)}
    if cap.rule == CapRule.NO_WRITTEN_PRIMARY_LOW:
        if written:
            return _(
                "Written total {total}; this class is given no written homework at home."
            ).format(**values)
        return _("This class is given no written homework at home.")
    if cap.minutes is None:
        return _("Written total {total} ({rule}).").format(**values)
    if written > cap.minutes:
        return _("Written total {total}, {over} over ({rule}).").format(
            over=format_minutes(written - cap.minutes), **values
        )
    return _("Written total {total} ({rule}).").format(**values)


def piece_lines(piece: Piece, text: str | None = None) -> list[str]:
    """'• Maths (written): 20 min' (optional pieces marked), then the piece's full text,
    indented, line by line."""
    lines = [
        _("• {subject} ({kind}): {minutes}").format(
            subject=piece.subject,
            kind=kind_label(piece.kind),
            minutes=format_minutes(piece.minutes),
        )
    ]
    if piece.optional:
        lines[0] = _("{line} (optional)").format(line=lines[0])
    if text:
        lines += ["  " + line for line in text.split("\n")]
    return lines


def photo_missing(line: str) -> str:
    """A piece's line when Telegram no longer has its photo."""
    return _("{line} (photo no longer available)").format(line=line)


def notice_body(title: str, evening: ClassEvening, cap: Cap) -> tuple[str, tuple[Photo, ...]]:
    """The notice: its title, each piece in full (its photo sent before the text, captioned
    with the piece's lines), the written total, and that homework is set in class."""
    load = evening_load(evening.pieces, cap)
    lines = [title]
    photos: list[Photo] = []
    for piece in evening.pieces:
        aid = piece.piece_id
        block = piece_lines(piece, evening.texts.get(aid) if aid is not None else None)
        photo = evening.photos.get(aid) if aid is not None else None
        if photo:
            caption = "\n".join(block)
            photos.append(Photo(photo, caption, len(lines), photo_missing(block[0])))
        lines += block
    lines.append(total_line(load.written_total, cap))
    lines.append(_("Homework is set in class; this is the record."))
    return "\n".join(lines), tuple(photos)


def notice_title(child_name: str, evening: ClassEvening) -> str:
    """In Chinese 作业公示 with the class and day (the en/ru msgids name the child first)."""
    return _("Homework for {child} ({class_name}), {day}:").format(
        child=child_name, class_name=evening.class_name, day=format_day(evening.day)
    )


def notice_rows(child_id: int, class_id: int, day: date) -> Rows:
    """Under the notice: the homework view (coming days, the week) and a complaint about it."""
    return [
        [
            (_("📋 Homework"), ParentHomeworkButton(child_id)),
            (_("Complain about this"), ComplainAboutButton(class_id, day)),
        ]
    ]


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
                title = notice_title(family.child_name, evening)
                text, photos = notice_body(title, evening, cap)
                rows = notice_rows(family.child_id, evening.class_id, evening.day)
            key = message_key("notice", family.parent.id, family.child_id, evening.day)
            messages.append(Outgoing(key, family.parent.id, "notice", text, rows, photos=photos))
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
