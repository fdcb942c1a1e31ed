"""Every message is translated in every locale, with the same placeholders, and up to date."""

from __future__ import annotations

import string
from datetime import date

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot.i18n import (
    LOCALES,
    LOCALES_DIR,
    format_day,
    format_minutes,
    negotiate,
    ngettext,
    use_locale,
)
from bot.i18n_tool import extract

PLURAL_FORMS = {"zh_Hans": 1, "en": 2, "ru": 3}


def load(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def forms(message: Message) -> list[str]:
    value = message.string
    return list(value) if isinstance(value, tuple | list) else [value or ""]


@pytest.fixture(scope="module")
def template() -> Catalog:
    return extract()


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_matches_source(locale: str, template: Catalog) -> None:
    """Run `python -m bot.i18n_tool` when this fails, then translate the new entries."""
    source = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in template if m.id}
    catalog = {
        (m.id if isinstance(m.id, str) else m.id[0], m.context) for m in load(locale) if m.id
    }
    assert sorted(source - catalog, key=str) == [], "strings missing from the catalogue"
    assert sorted(catalog - source, key=str) == [], "stale strings in the catalogue"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_translated_with_same_placeholders(locale: str) -> None:
    problems = []
    for message in load(locale):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        label = ids[0][:60]
        if message.fuzzy:
            problems.append(f"fuzzy: {label}")
        translated = forms(message)
        if not all(translated):
            problems.append(f"untranslated: {label}")
            continue
        if len(ids) > 1 and len(translated) != PLURAL_FORMS[locale]:
            problems.append(f"{len(translated)} plural forms: {label}")
        expected = placeholders(ids[-1])
        for form in translated:
            if placeholders(form) != expected:
                problems.append(f"placeholders {placeholders(form)} != {expected}: {label}")
            try:
                form.format(**{name: "x" for name in expected})
            except (ValueError, IndexError, KeyError) as error:
                problems.append(f"bad format ({error}): {label}")
    assert problems == []


@pytest.mark.parametrize(
    ("code", "locale"),
    [
        ("zh-hans", "zh_Hans"),
        ("zh-cn", "zh_Hans"),
        ("zh-tw", "zh_Hans"),
        ("zh", "zh_Hans"),
        ("ru", "ru"),
        ("ru-RU", "ru"),
        ("en-US", "en"),
        ("en", "en"),
        ("de", "en"),
        ("pt-br", "en"),
        ("", "en"),
        (None, "en"),
        ("not a language", "en"),
    ],
)
def test_negotiate(code: str | None, locale: str) -> None:
    assert negotiate(code) == locale


@pytest.mark.parametrize(
    ("locale", "n", "expected"),
    [
        ("ru", 1, "1 роль"),
        ("ru", 3, "3 роли"),
        ("ru", 5, "5 ролей"),
        ("ru", 21, "21 роль"),
        ("en", 1, "1 role"),
        ("en", 2, "2 roles"),
        ("zh_Hans", 2, "2 个角色"),
    ],
)
def test_plurals(locale: str, n: int, expected: str) -> None:
    with use_locale(locale):
        text = ngettext("{n} role in all.", "{n} roles in all.", n).format(n=n)
    assert text.startswith(expected)


@pytest.mark.parametrize(
    ("locale", "minutes", "day"),
    [
        ("zh_Hans", "45分钟", "11月19日周四"),
        ("en", "45 min", "Thu, Nov 19"),
        ("ru", "45 мин", "чт, 19 нояб."),
    ],
)
def test_babel_formats(locale: str, minutes: str, day: str) -> None:
    with use_locale(locale):
        assert format_minutes(45) == minutes
        assert format_day(date(2026, 11, 19)) == day
