from __future__ import annotations

import pytest

from bot.domain.message_limits import MAX_TEXT, pack_lines, split_text, text_length


def test_a_short_text_is_one_message() -> None:
    assert split_text("hello\nworld") == ["hello\nworld"]


def test_lines_are_kept_whole() -> None:
    lines = [f"line {n} " + "x" * 90 for n in range(200)]
    parts = split_text("\n".join(lines))
    assert len(parts) > 1
    assert all(text_length(p) <= MAX_TEXT for p in parts)
    assert "\n".join(parts).split("\n") == lines


def test_a_long_line_is_split_between_words() -> None:
    names = ", ".join(f"Alexandrina-Konstantinovna{n:03d}" for n in range(300))
    parts = split_text(names)
    assert len(parts) > 1
    assert all(text_length(p) <= MAX_TEXT for p in parts)
    words = " ".join(parts).split(" ")
    assert words == names.split(" ")  # no word cut, none lost


@pytest.mark.parametrize("char", ["字", "😀"])
def test_text_without_spaces_is_split_between_characters(char: str) -> None:
    text = char * 5000
    parts = split_text(text)
    assert "".join(parts) == text
    assert all(text_length(p) <= MAX_TEXT for p in parts)


def test_pack_lines_respects_a_small_limit() -> None:
    assert pack_lines(["ab", "cd", "ef"], limit=5) == [["ab", "cd"], ["ef"]]
    assert pack_lines(["abc def"], limit=4) == [["abc"], ["def"]]
