"""Typed callback data: packing within Telegram's 64 bytes, and refusing anything malformed."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import pytest

from handlers.kit.callbacks import MAX_BYTES, CallbackData, pack, unpack, unpack_as
from handlers.onboarding import invite_list, invites, language, owner, schools, start
from handlers.school import setup as school_setup
from handlers.school import year as school_year


class Colour(enum.StrEnum):
    RED = "red"
    GREEN = "green"


@dataclass(frozen=True)
class Every(CallbackData, prefix="t.every"):
    token: str
    number: int
    flag: bool
    colour: Colour
    maybe: int | None
    note: str | None = None


@dataclass(frozen=True)
class Bare(CallbackData, prefix="t.bare"):
    pass


@dataclass(frozen=True)
class Defaulted(CallbackData, prefix="t.def"):
    token: str
    value: int = 0


@pytest.mark.parametrize(
    "data",
    [
        Every("ab12cd34", 0, False, Colour.RED, None),
        Every("x", -5, True, Colour.GREEN, 7, "hello"),
        Every("", 2**63 - 1, True, Colour.RED, -(2**62), "汉字"),
        Every("t", 1, False, Colour.GREEN, 0, None),
        Bare(),
        Defaulted("tok"),
        Defaulted("tok", 12),
        Defaulted("tok", -(2**63)),
    ],
)
def test_pack_unpack_roundtrip(data: CallbackData) -> None:
    packed = data.pack()
    assert packed == pack(data)
    assert len(packed.encode()) <= MAX_BYTES
    assert unpack(packed) == data
    assert unpack_as(packed, type(data)) == data


def test_packed_form_is_prefix_and_fields() -> None:
    assert Every("tok", 5, True, Colour.RED, None).pack() == "t.every:tok:5:1:red::"
    assert Bare().pack() == "t.bare"
    assert Defaulted("a").pack() == "t.def:a:0"


def test_over_64_bytes_is_refused_both_ways() -> None:
    fits = Every("x" * (MAX_BYTES - len("t.every::1:1:red::")), 1, True, Colour.RED, None)
    assert len(fits.pack().encode()) == MAX_BYTES
    with pytest.raises(ValueError, match="too long"):
        Every("x" * 60, 1, True, Colour.RED, None).pack()
    with pytest.raises(ValueError, match="too long"):
        Every("汉" * 16, 1, True, Colour.RED, None).pack()  # 48 bytes of 16 characters
    assert unpack(fits.pack() + "x") is None


def test_separator_in_a_text_field_is_refused() -> None:
    with pytest.raises(ValueError, match="contains"):
        Defaulted("a:b").pack()


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "nonsense",
        "t.nope:1",
        "T.DEF:a:1",  # prefixes are exact
        "t.def",  # too few fields
        "t.def:a",
        "t.def:a:1:2",  # too many
        "t.bare:",
        "t.bare:x",
        "t.def:a:x",  # bad int
        "t.def:a:1.5",
        "t.def:a:",
        "t.def:a:--1",
        "t.def:a:+1",
        "t.def:a: 1",
        "t.def:a:²",
        "t.def:a:٣",  # an Arabic-Indic digit: int() would take it, a button never has it
        "t.def:a:-",
        "t.def:a:1-",
        "t.def:a:" + "9" * 20,
        "t.every:t:1:2:red::",  # bad bool
        "t.every:t:1:true:red::",
        "t.every:t:1::red::",
        "t.every:t:1:1:blue::",  # not an enum value
        "t.every:t:1:1:RED::",
        "t.every:t:1:1:red:x:",  # bad optional int
        "lang:" + "x" * 70,
    ],
)
def test_malformed_data_unpacks_to_none(raw: str | None) -> None:
    assert unpack(raw) is None


def test_optional_fields_are_empty_when_absent() -> None:
    data = unpack("t.every:t:-3:0:green::")
    assert data == Every("t", -3, False, Colour.GREEN, None, None)
    assert unpack("t.every:t:3:1:green:0:") == Every("t", 3, True, Colour.GREEN, 0, None)
    # An empty optional text is absent (None), not "".
    assert unpack(Every("t", 1, True, Colour.RED, None, "").pack()) == Every(
        "t", 1, True, Colour.RED, None, None
    )


def test_unpack_as_checks_the_type() -> None:
    packed = Defaulted("a", 1).pack()
    assert unpack_as(packed, Defaulted) == Defaulted("a", 1)
    assert unpack_as(packed, Bare) is None
    assert unpack_as("garbage", Defaulted) is None


def test_prefixes_are_unique_and_without_separator() -> None:
    with pytest.raises(TypeError, match="used twice"):

        @dataclass(frozen=True)
        class Again(CallbackData, prefix="t.def"):
            pass

    with pytest.raises(TypeError, match="prefix"):

        @dataclass(frozen=True)
        class Colon(CallbackData, prefix="t:colon"):
            pass

    with pytest.raises(TypeError, match="prefix"):

        class NoPrefix(CallbackData):
            pass


TOKEN = "0123abcd"  # dialogs' tokens are 8 hex digits
BIG_ID = 10**12  # far beyond any row id; Telegram user ids have 10 digits


def worst_case(cls: type[CallbackData], **values: Any) -> CallbackData:
    """An instance with long values: the dialog token, 13-digit ids, the longest enum value."""
    import dataclasses
    import typing

    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        kind = hints[f.name]
        if f.name in values:
            continue
        if kind is str:
            values[f.name] = TOKEN
        elif isinstance(kind, type) and issubclass(kind, enum.Enum):
            values[f.name] = max(kind, key=lambda member: len(str(member.value)))
        else:
            values[f.name] = BIG_ID
    return cls(**values)


@pytest.mark.parametrize(
    ("cls", "values"),
    [
        (start.RosterPickButton, {}),
        (owner.NewSchoolDistrictButton, {}),
        (owner.NewSchoolTimezoneButton, {}),
        (owner.NewSchoolConfirmButton, {}),
        (invites.InviteSchoolButton, {}),
        (invites.InviteRoleButton, {}),
        (invites.InviteDistrictButton, {}),
        (invites.InviteToggleButton, {}),
        (invites.InviteGradeButton, {}),
        (invites.InviteClassButton, {}),
        (invites.InviteValidityButton, {}),
        (invite_list.InviteRevokeButton, {}),
        (invite_list.InviteQrButton, {}),
        (invite_list.InvitesPageButton, {}),
        (schools.SchoolsPageButton, {}),
        (schools.SchoolActionButton, {}),
        (schools.SchoolTimezoneButton, {}),
        (school_year.YearSchoolButton, {}),
        (school_year.YearConfirmButton, {"confirm": True}),
        (school_setup.SetupSchoolButton, {}),
        (school_setup.SetupButton, {}),
        (language.LanguageButton, {"locale": "zh_Hans"}),
    ],
)
def test_onboarding_payloads_fit_with_large_values(
    cls: type[CallbackData], values: dict[str, Any]
) -> None:
    data = worst_case(cls, **values)
    assert unpack(data.pack()) == data


def test_date_fields_round_trip_and_refuse_impossible_dates() -> None:
    from datetime import date

    from handlers.parents.reports import EveningAnswer, EveningAnswerButton

    tap = EveningAnswerButton(7, date(2026, 11, 19), EveningAnswer.ESTIMATE)
    assert tap.pack() == "pr.a:7:20261119:e:0::0"
    assert unpack(tap.pack()) == tap
    assert unpack("pr.a:7:20261399:e:0") is None
    assert unpack("pr.a:7:2026-11-19:e:0") is None
