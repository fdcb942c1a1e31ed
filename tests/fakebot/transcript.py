"""Every text the fake Bot API received from the bot, and every text users typed, per process.

The fake API records here (messages, edits, captions, button labels, callback answers), so
checks over the rendered text (tests/wording.py: no ASCII punctuation next to Chinese) can run
over any handler or end-to-end test without the test's help. `reset()` starts a new record.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rendered:
    """One text as its reader saw it: in a message, on a button, or in a callback answer."""

    language_code: str
    kind: str  # "message", "button", "answer"
    text: str


@dataclass
class Transcript:
    rendered: list[Rendered] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)  # what users sent (echoed back verbatim)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, language_code: str, kind: str, text: str | None) -> None:
        if text:
            with self._lock:
                self.rendered.append(Rendered(language_code, kind, text))

    def record_typed(self, text: str | None) -> None:
        if text:
            with self._lock:
                self.typed.append(text)

    def reset(self) -> None:
        with self._lock:
            self.rendered.clear()
            self.typed.clear()


TRANSCRIPT = Transcript()
