"""Subject presets offered to school admins and used by the demo."""

from __future__ import annotations

import pytest
from sqlalchemy import String

from bot.domain.presets import SUBJECT_PRESETS
from bot.i18n import LOCALES
from storage.models import Subject


def test_every_locale_has_presets() -> None:
    assert set(SUBJECT_PRESETS) == set(LOCALES)


@pytest.mark.parametrize("locale", sorted(SUBJECT_PRESETS))
def test_presets_are_distinct_and_fit_the_column(locale: str) -> None:
    names = SUBJECT_PRESETS[locale]
    assert len(names) >= 8
    assert len(set(names)) == len(names)
    column = Subject.__table__.c.name.type
    assert isinstance(column, String) and column.length
    assert all(0 < len(n) <= column.length and n == n.strip() for n in names)


def test_core_subjects_come_first() -> None:
    assert set(SUBJECT_PRESETS["en"][:3]) == {"Chinese", "Maths", "English"}
    assert set(SUBJECT_PRESETS["zh_Hans"][:3]) == {"语文", "数学", "英语"}
