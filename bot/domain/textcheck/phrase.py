"""The shape of the phrase tables: one :class:`Phrase` per wording, one :class:`Language`
per language (its phrases by negative-list item, its written-work markers, and the words
that cancel a phrase: negations and layered choices)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.domain.policy import NegativeItem

__all__ = ["CLAUSE", "MIN_REPETITIONS", "Language", "Phrase"]

#: A "write/copy N times" phrase is flagged only from this many repetitions on.
MIN_REPETITIONS = 3

#: One character that does not end a clause (for gaps inside Chinese phrases).
CLAUSE = r"[^，。；！？,;!?\n]"


@dataclass(frozen=True)
class Phrase:
    """A wording that signals an item (or written work), as a regular expression.

    The pattern is matched case-insensitively on :func:`~.text.normalize` of the text.
    """

    pattern: str
    min_count: int | None = None
    """With a named group ``n``: a hit only when that count is at least this (抄写N遍)."""
    says_not: bool = False
    """The wording carries its own negation (不批改, "won't be marked"): only a negation
    before it cancels it, not its own "不"."""
    unless: str | None = None
    """Cancelled when this pattern occurs anywhere in the same clause (a reading verb
    beside 作文, "aloud" beside "exercise 5")."""


@dataclass(frozen=True)
class Language:
    """The phrase tables of one language; all languages are scanned for every text."""

    hints: Mapping[NegativeItem, tuple[Phrase, ...]]
    written: tuple[Phrase, ...]
    negators: tuple[str, ...]
    """Words that negate what follows them in the clause (无需, "no need", "не нужно")."""
    post_negators: tuple[str, ...]
    """Words that negate what precedes them in the clause ("signature not required")."""
    choices: tuple[str, ...] = field(default=())
    """Words that make a part optional or a choice (任选一套, "optional", "по желанию")."""
