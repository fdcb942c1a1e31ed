"""What the daily check gives back: each parent who reported gets one line with the class's
figure for the evening (the median and the number of reports, only from
`bot.domain.reporting.MIN_FAMILIES` reports; never another child's value), against the
limit; and the parents' notes as staff see them (no names; shown on a day with enough
reporting families, else held: `bot.domain.reporting.release_notes`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date

from bot.domain.figures import MIN_FAMILIES, ClassDay
from bot.domain.load import Cap
from bot.i18n import _, format_day, format_minutes, ngettext, use_locale
from handlers.kit.gate import user_locale
from handlers.scheduler.outbox import Outgoing, message_key
from storage.models import User

NOTE_CHARS = 300
"""A note is cut to this many characters in a staff message (the whole note is stored)."""


def figure_line(check: ClassDay, cap: Cap) -> str:
    """'4A, Thu, Nov 19: the class's median was 75 min from 4 reports, over the limit of 60 min.'"""
    assert check.median is not None
    median = format_minutes(round(check.median))
    head = _("{class_name}, {day}").format(class_name=check.class_name, day=format_day(check.day))
    n = check.timed
    if cap.minutes is None:
        return ngettext(
            "{head}: the class's median was {median} from {n} report.",
            "{head}: the class's median was {median} from {n} reports.",
            n,
        ).format(head=head, median=median, n=n)
    if check.median_over:
        return ngettext(
            "{head}: the class's median was {median} from {n} report, over the limit of {cap}.",
            "{head}: the class's median was {median} from {n} reports, over the limit of {cap}.",
            n,
        ).format(head=head, median=median, n=n, cap=format_minutes(cap.minutes))
    return ngettext(
        "{head}: the class's median was {median} from {n} report, within the limit of {cap}.",
        "{head}: the class's median was {median} from {n} reports, within the limit of {cap}.",
        n,
    ).format(head=head, median=median, n=n, cap=format_minutes(cap.minutes))


def parent_figures(
    checks: Sequence[ClassDay],
    reporters: Mapping[tuple[int, date], set[int]],
    users: Mapping[int, User],
    caps: Mapping[int, Cap],
) -> Iterator[Outgoing]:
    """One line per reporting parent and class, only with a median from MIN_FAMILIES reports."""
    for check in checks:
        if check.reports < MIN_FAMILIES or check.median is None:
            continue
        for parent_id in sorted(reporters.get((check.class_id, check.day), ())):
            parent = users.get(parent_id)
            if parent is None:
                continue
            with use_locale(user_locale(parent)):
                text = figure_line(check, caps[check.class_id])
            key = message_key("figure", parent_id, check.class_id, check.day)
            yield Outgoing(key, parent_id, "figure", text)


def note_lines(notes: Sequence[str]) -> list[str]:
    """'Parents' notes (without names):' and one bullet per note; nothing without notes."""
    if not notes:
        return []
    lines = [_("Parents' notes (without names):")]
    for note in notes:
        short = note if len(note) <= NOTE_CHARS else note[: NOTE_CHARS - 1] + "…"
        lines.append("• " + " ".join(short.split()))
    return lines
