"""The checks themselves: phrase tables in, hints out.

A phrase is a hint only where the text means it: not under a negation in the same clause
("不需要家长签字", "no need to print", "подпись не нужна"), not cancelled by a word of its
clause (:attr:`Phrase.unless`), and for the items a layered choice excuses (extension work,
time, hard questions, whole sets: "A、B两套题任选一套"), not inside such a choice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from bot.domain.load import HomeworkKind
from bot.domain.policy import NegativeItem
from bot.domain.textcheck import en, ru, zh
from bot.domain.textcheck.phrase import Language, Phrase
from bot.domain.textcheck.text import normalize, parse_count

__all__ = [
    "CHOICE_EXCUSES",
    "LANGUAGES",
    "Hint",
    "find_hints",
    "kind_hint",
    "looks_written",
    "written_signal",
]

LANGUAGES: Final[tuple[Language, ...]] = (zh.LANGUAGE, en.LANGUAGE, ru.LANGUAGE)

#: Items a layered choice excuses: optional extension work (item 1 allows it), optional
#: parts do not count against the time limit, optional hard questions, a choice of sets.
CHOICE_EXCUSES: Final = frozenset(
    {
        NegativeItem.BEYOND_CURRICULUM,
        NegativeItem.OVER_TIME_LIMIT,
        NegativeItem.NOT_PRETESTED,
        NegativeItem.BOUGHT_PAPERS,
    }
)


@dataclass(frozen=True)
class Hint:
    """One negative-list item found in a text, with the fragment that matched."""

    item: NegativeItem
    match: str


@dataclass(frozen=True)
class _Rule:
    regex: re.Pattern[str]
    min_count: int | None
    says_not: bool
    unless: re.Pattern[str] | None
    excused_by_choice: bool


def _rule(phrase: Phrase, *, excused_by_choice: bool = False) -> _Rule:
    unless = re.compile(phrase.unless, re.IGNORECASE) if phrase.unless else None
    return _Rule(
        re.compile(phrase.pattern, re.IGNORECASE),
        phrase.min_count,
        phrase.says_not,
        unless,
        excused_by_choice,
    )


def _alternatives(parts: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)


_HINT_RULES: Final[Mapping[NegativeItem, tuple[_Rule, ...]]] = MappingProxyType(
    {
        item: tuple(
            _rule(phrase, excused_by_choice=item in CHOICE_EXCUSES)
            for language in LANGUAGES
            for phrase in language.hints.get(item, ())
        )
        for item in NegativeItem
    }
)
_WRITTEN_RULES: Final = tuple(_rule(p) for language in LANGUAGES for p in language.written)
_NEGATOR: Final = _alternatives([p for lang in LANGUAGES for p in lang.negators])
_POST_NEGATOR: Final = _alternatives([p for lang in LANGUAGES for p in lang.post_negators])
_CHOICE: Final = _alternatives([p for lang in LANGUAGES for p in lang.choices])

# A clause ends at punctuation, a line break, a full stop before a space, or "but".
_CLAUSE_BREAK: Final = re.compile(r"[，。；！？,;!?\n]|\.(?=\s|$)|\bbut\b|\bно\b|但是?|而是", re.I)
_SENTENCE_BREAK: Final = re.compile(r"[。；！？;!?\n]|\.(?=\s|$)")


class _Text:
    """A text prepared for scanning: normalised, with its clause and sentence bounds."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.norm = normalize(text)
        self._clauses = [m.span() for m in _CLAUSE_BREAK.finditer(self.norm)]
        self._sentences = [m.span() for m in _SENTENCE_BREAK.finditer(self.norm)]

    def _bounds(self, breaks: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
        """The stretch around [start, end) up to the nearest breaks outside it."""
        lo = max((e for _, e in breaks if e <= start), default=0)
        hi = min((s for s, _ in breaks if s >= end), default=len(self.norm))
        return lo, hi

    def accepts(self, rule: _Rule, m: re.Match[str]) -> bool:
        """True when the match means what it says (count, negation, clause, choice)."""
        if rule.min_count is not None:
            count = parse_count(m.group("n"))
            if count is None or count < rule.min_count:
                return False
        lo, hi = self._bounds(self._clauses, m.start(), m.end())
        norm = self.norm
        if _NEGATOR.search(norm, lo, m.start() if rule.says_not else m.end()):
            return False
        if not rule.says_not and _POST_NEGATOR.search(norm, m.end(), hi):
            return False
        if rule.unless and (
            rule.unless.search(norm, lo, m.start()) or rule.unless.search(norm, m.end(), hi)
        ):
            return False
        if rule.excused_by_choice:
            s_lo, _ = self._bounds(self._sentences, m.start(), m.end())
            if _CHOICE.search(norm, s_lo, hi):
                return False
        return True

    def first(self, rules: tuple[_Rule, ...]) -> str | None:
        """The original text of the first accepted match of any rule, else None."""
        for rule in rules:
            for m in rule.regex.finditer(self.norm):
                if self.accepts(rule, m):
                    return self.text[m.start() : m.end()].strip()
        return None


def find_hints(text: str) -> list[Hint]:
    """Return at most one hint per negative-list item found in text, in NegativeItem order."""
    scanned = _Text(text)
    hints: list[Hint] = []
    for item in NegativeItem:
        fragment = scanned.first(_HINT_RULES[item])
        if fragment is not None:
            hints.append(Hint(item, fragment))
    return hints


def written_signal(text: str) -> str | None:
    """The fragment that makes text read like written work (抄写, "workbook", "письменно")."""
    return _Text(text).first(_WRITTEN_RULES)


def looks_written(text: str) -> bool:
    """True when text reads like written work, whatever kind it was declared as."""
    return written_signal(text) is not None


def kind_hint(kind: HomeworkKind | str, text: str) -> str | None:
    """For a piece declared reading/oral/practical/other whose text reads like written
    work, the fragment that shows it; None for written pieces and texts that fit their kind."""
    if HomeworkKind(kind) is HomeworkKind.WRITTEN:
        return None
    return written_signal(text)
