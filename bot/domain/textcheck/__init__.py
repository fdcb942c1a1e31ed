"""Check assignment text against the negative list, and its declared kind, before posting.

Pure domain code (stdlib only). :func:`find_hints` scans Chinese, English and Russian text
for wording that the negative list (POLICY.md section 2) forbids, one hint per item;
:func:`kind_hint` tells when a piece declared reading/oral/practical/other reads like
written work. A hint is a warning, never a verdict. The wordings are data, one table per
language (:mod:`.zh`, :mod:`.en`, :mod:`.ru`), so they can be tuned without touching the
logic in :mod:`.check`.
"""

from __future__ import annotations

from bot.domain.textcheck.check import (
    CHOICE_EXCUSES,
    LANGUAGES,
    Hint,
    find_hints,
    kind_hint,
    looks_written,
    written_signal,
)
from bot.domain.textcheck.phrase import MIN_REPETITIONS, Language, Phrase
from bot.domain.textcheck.record import HintKind, PieceHint, piece_hints
from bot.domain.textcheck.text import chinese_numeral_to_int, normalize

__all__ = [
    "CHOICE_EXCUSES",
    "LANGUAGES",
    "MIN_REPETITIONS",
    "Hint",
    "HintKind",
    "Language",
    "Phrase",
    "PieceHint",
    "chinese_numeral_to_int",
    "find_hints",
    "kind_hint",
    "looks_written",
    "normalize",
    "piece_hints",
    "written_signal",
]
