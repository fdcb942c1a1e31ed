"""The hints kept with a piece when it is saved: each negative-list item the text seems to
touch (with its number, 1..10) and, for a piece declared other than written, the fragment that
reads like written work. Pure: computed from the kind and the text."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.domain.load import HomeworkKind
from bot.domain.textcheck.check import find_hints, kind_hint

MAX_FRAGMENT = 200
"""Longest fragment kept (the column's size)."""


class HintKind(enum.StrEnum):
    NEGATIVE = "negative"
    """A negative-list item (`PieceHint.item` its number)."""
    KIND = "kind"
    """Declared reading/oral/practical/other, but the text reads like written work."""


@dataclass(frozen=True)
class PieceHint:
    kind: HintKind
    item: int | None
    """The negative-list item's number (1..10); None for a kind hint."""
    fragment: str


def piece_hints(kind: HomeworkKind | str, text: str) -> list[PieceHint]:
    """The hints to keep with a piece of this kind and text, negative-list items first."""
    hints = [
        PieceHint(HintKind.NEGATIVE, hint.item.number, hint.match[:MAX_FRAGMENT])
        for hint in find_hints(text)
    ]
    fragment = kind_hint(kind, text)
    if fragment is not None:
        hints.append(PieceHint(HintKind.KIND, None, fragment[:MAX_FRAGMENT]))
    return hints
