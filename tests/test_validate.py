"""Free-text validation (bot/validate.py): clean values or an error code with its limit."""

from __future__ import annotations

import pytest

from bot.domain.validate import (
    Checked,
    TextError,
    clean_person_name,
    clean_text,
    parse_int,
    parse_phone,
    parse_range,
    strip_invisible,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Haidian", "Haidian"),
        ("  No. 1   Primary\tSchool \n", "No. 1 Primary School"),
        ("e\u0301cole", "\u00e9cole"),  # NFC: one spelling per name
        ("海淀区", "海淀区"),
        ("ab", "ab"),
        ("x" * 20, "x" * 20),
    ],
)
def test_clean_text_accepts(raw: str, expected: str) -> None:
    assert clean_text(raw, min_len=2, max_len=20) == Checked(expected)


@pytest.mark.parametrize(
    ("raw", "error", "limit"),
    [
        (None, TextError.EMPTY, 2),
        ("", TextError.EMPTY, 2),
        (" \t\n ", TextError.EMPTY, 2),
        ("x", TextError.TOO_SHORT, 2),
        (" x ", TextError.TOO_SHORT, 2),
        ("x" * 21, TextError.TOO_LONG, 20),
    ],
)
def test_clean_text_refuses(raw: str | None, error: TextError, limit: int) -> None:
    assert clean_text(raw, min_len=2, max_len=20) == Checked(None, error, limit)


@pytest.mark.parametrize(
    ("raw", "expected", "removed"),
    [
        # Controls are no longer refused (issue 16): removed, and the user is told which.
        ("a\x00b", "ab", ("U+0000",)),
        ("ab\x7f", "ab", ("U+007F",)),
        ("a\x08b", "ab", ("U+0008",)),
        ("5A\u202e", "5A", ("U+202E",)),
        ("\u2066Maths\u2069", "Maths", ("U+2066", "U+2069")),
        ("No.\u200b1\u200b School\ufeff", "No.1 School", ("U+200B", "U+FEFF")),
        ("a\u200db\u200fc\x85", "abc", ("U+200D", "U+200F", "U+0085")),
        ("Jos\u0065\u0301", "Jos\u00e9", ()),  # NFC
    ],
)
def test_clean_text_removes_invisible_characters(
    raw: str, expected: str, removed: tuple[str, ...]
) -> None:
    assert clean_text(raw) == Checked(expected, removed=removed)
    assert strip_invisible(raw)[1] == removed


def test_only_invisible_characters_are_empty() -> None:
    assert clean_text("\u202e\u200b") == Checked(None, TextError.EMPTY, 1, ("U+202E", "U+200B"))
    assert clean_person_name("Lena\u202e") == Checked("Lena", removed=("U+202E",))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Lena", "Lena"),
        ("  Anna-Maria   O'Neil ", "Anna-Maria O'Neil"),
        ("王小明", "王小明"),
        ("阿卜杜拉·买买提", "阿卜杜拉·买买提"),
        ("Алёна", "Алёна"),
        ("Jos\u0065\u0301", "Jos\u00e9"),
        ("D’Artagnan", "D’Artagnan"),
        ("J. R. Smith", "J. R. Smith"),
        ("L" * 64, "L" * 64),
    ],
)
def test_person_name_accepts(raw: str, expected: str) -> None:
    assert clean_person_name(raw) == Checked(expected)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (None, TextError.EMPTY),
        ("   ", TextError.EMPTY),
        ("Lena2", TextError.BAD_CHARS),
        ("１２３", TextError.BAD_CHARS),
        ("Lena 😀", TextError.BAD_CHARS),
        ("😀", TextError.BAD_CHARS),
        ("lena@example.org", TextError.BAD_CHARS),
        ("Lena_Li", TextError.BAD_CHARS),
        ("<b>Lena</b>", TextError.BAD_CHARS),
        ("---", TextError.BAD_CHARS),  # no letter at all
        (". . .", TextError.BAD_CHARS),
        ("\u0301", TextError.BAD_CHARS),  # a lone combining accent
        ("L" * 65, TextError.TOO_LONG),
    ],
)
def test_person_name_refuses(raw: str | None, error: TextError) -> None:
    checked = clean_person_name(raw)
    assert (checked.value, checked.error) == (None, error)
    if error == TextError.TOO_LONG:
        assert checked.limit == 64


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        ("30", 30),
        (" 7 ", 7),
        ("０７", 7),  # full-width digits from a Chinese keyboard
        ("007", 7),
    ],
)
def test_parse_int_accepts(raw: str, expected: int) -> None:
    assert parse_int(raw, 1, 30) == expected


@pytest.mark.parametrize(
    "raw",
    [None, "", " ", "0", "31", "-1", "+1", "1.5", "1,5", "1 0", "abc", "12a", "1234567", "五"],
)
def test_parse_int_refuses(raw: str | None) -> None:
    assert parse_int(raw, 1, 30) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3-5", (3, 5)),
        ("3 - 5", (3, 5)),
        ("3–5", (3, 5)),
        ("3—5", (3, 5)),
        ("3~5", (3, 5)),
        ("３－５", (3, 5)),
        ("3至5", (3, 5)),
        ("3 到 5", (3, 5)),
        ("3 to 5", (3, 5)),
        ("3 до 5", (3, 5)),
        ("4", (4, 4)),
        ("1-12", (1, 12)),
        ("5-5", (5, 5)),
    ],
)
def test_parse_range_accepts(raw: str, expected: tuple[int, int]) -> None:
    assert parse_range(raw, 1, 12) == expected


@pytest.mark.parametrize(
    "raw",
    [None, "", "0-13", "0-5", "1-13", "13", "99", "5-3", "abc", "3-5-7", "3 or 5", "-3", "3.5"],
)
def test_parse_range_refuses(raw: str | None) -> None:
    assert parse_range(raw, 1, 12) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12345", "12345"),
        ("010-12345678", "010-12345678"),
        ("  (0571)  8765 4321 ", "(0571) 8765 4321"),
        ("+7 495 123–45–67", "+7 495 123-45-67"),
        ("０１０－１２３４５６７８", "010-12345678"),
        ("010-12345678 转 2", "010-12345678 转 2"),
        ("8 800 100-12-12 доб. 5", "8 800 100-12-12 доб. 5"),
    ],
)
def test_parse_phone_accepts_hotlines_as_written(raw: str, expected: str) -> None:
    assert parse_phone(raw) == expected


@pytest.mark.parametrize(
    "raw", [None, "", "12", "call 12345", "12345; DROP", "1" * 21, "+", "--", "12345@x"]
)
def test_parse_phone_refuses(raw: str | None) -> None:
    assert parse_phone(raw) is None


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<b>No. 1 School</b>", "No. 1 School"),
        ("<i>一小</i> &amp; 二小", "一小 & 二小"),
        ('<a href="https://x.y">Школа № 5</a>', "Школа № 5"),
        ("3 < 5 > 2", "3 < 5 > 2"),
        ("A<B School", "A<B School"),
    ],
)
def test_clean_text_strips_markup(raw: str, clean: str) -> None:
    assert clean_text(raw).value == clean
