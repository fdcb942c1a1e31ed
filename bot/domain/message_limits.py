"""Telegram's size limits, and long texts split to fit them (at line, then word boundaries)."""

from __future__ import annotations

from collections.abc import Sequence

MAX_TEXT = 4096
"""A message's text, in UTF-16 code units (what Telegram counts)."""
MAX_CAPTION = 1024
"""A photo's caption, in UTF-16 code units."""
MAX_CALLBACK_DATA = 64
"""A button's callback data, in bytes."""
MAX_BUTTONS = 100
"""Buttons on one inline keyboard."""


def text_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _split_line(line: str, limit: int) -> list[str]:
    """An over-long line in pieces of at most `limit`, broken after a space when there is
    one (CJK text has none: it is broken between characters, never inside one)."""
    pieces: list[str] = []
    rest = line
    while text_length(rest) > limit:
        end = 0
        size = 0
        for index, char in enumerate(rest):
            size += text_length(char)
            if size > limit:
                break
            end = index + 1
        cut = rest.rfind(" ", 0, end + 1)
        if cut <= 0:
            cut = end
        pieces.append(rest[:cut].rstrip(" "))
        rest = rest[cut:].lstrip(" ")
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def pack_lines(lines: Sequence[str], limit: int = MAX_TEXT) -> list[list[str]]:
    """Consecutive lines grouped into messages of at most `limit`; a line longer than a
    message is split between words first."""
    chunks: list[list[str]] = []
    size = 0
    for whole in lines:
        for line in _split_line(whole, limit) if text_length(whole) > limit else [whole]:
            length = text_length(line)
            if not chunks or size + 1 + length > limit:
                chunks.append([line])
                size = length
            else:
                chunks[-1].append(line)
                size += 1 + length
    return chunks


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """`text` as one or more messages of at most `limit` each, in order."""
    if text_length(text) <= limit:
        return [text]
    return ["\n".join(chunk) for chunk in pack_lines(text.split("\n"), limit)]
