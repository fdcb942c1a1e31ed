"""The stored hints (`storage.hints.HintCounts`) as report lines: per negative-list item with
the item's label as in the catalogue (`handlers.kit.labels.negative_item_label`, POLICY.md
section 2), the kind hint last. Used by the weekly reports (the office's summary, a grade
leader's caption) and the monthly pages."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.policy import NegativeItem
from bot.i18n import _, format_list, ngettext
from handlers.kit.labels import negative_item_label
from storage.hints import HintCounts


def _ordered(by_item: Mapping[int | None, int]) -> list[tuple[int | None, int]]:
    """Items by number, the kind hint (None) last."""
    return sorted(by_item.items(), key=lambda t: (t[0] is None, t[0] or 0))


def item_lines(by_item: Mapping[int | None, int]) -> list[str]:
    """One bulleted line per item with hints: its number, the count and its label."""
    lines: list[str] = []
    for number, n in _ordered(by_item):
        if number is None:
            line = ngettext(
                "Reads like written work, declared otherwise: {n} hint",
                "Reads like written work, declared otherwise: {n} hints",
                n,
            ).format(n=n)
        else:
            label = negative_item_label(list(NegativeItem)[number - 1])
            # the count in brackets, the item's words last: they have brackets of their own
            line = ngettext(
                "Item {number} ({n} hint): {item}", "Item {number} ({n} hints): {item}", n
            ).format(number=number, item=label, n=n)
        lines.append("• " + line)
    return lines


def short_line(counts: HintCounts) -> str | None:
    """The counts on one short line (a chart caption): item numbers only; None without hints."""
    if not counts.total:
        return None
    parts = [
        _("kind: {n}").format(n=n)
        if number is None
        else _("item {number}: {n}").format(number=number, n=n)
        for number, n in _ordered(counts.by_item)
    ]
    return ngettext(
        "Hints on the negative list and kinds: {items} ({pieces} piece).",
        "Hints on the negative list and kinds: {items} ({pieces} pieces).",
        counts.pieces,
    ).format(items=format_list(parts), pieces=counts.pieces)


def month_lines(counts: HintCounts) -> list[str]:
    """A month's hints: the total and per item (the monthly page)."""
    if not counts.total:
        return [_("Hints on the month's homework: none.")]
    return [
        ngettext(
            "Hints on the month's homework: {n} on {pieces} piece, by item:",
            "Hints on the month's homework: {n} on {pieces} pieces, by item:",
            counts.pieces,
        ).format(n=counts.total, pieces=counts.pieces),
        *item_lines(counts.by_item),
    ]


def by_school_line(names: Mapping[int, str], counts: Mapping[int, HintCounts]) -> str | None:
    """A district's hints per school, most first (None when no school has any)."""
    found = sorted(
        ((names[s], c.total) for s, c in counts.items() if c.total and s in names),
        key=lambda t: (-t[1], t[0]),
    )
    if not found:
        return None
    return _("Hints by school: {schools}.").format(
        schools=format_list([_("{school} {n}").format(school=s, n=n) for s, n in found])
    )
