"""Default class names in each locale's customary style (bot/naming.py)."""

from __future__ import annotations

import pytest

from bot.domain.naming import (
    class_name,
    class_names,
    fit_name,
    label_width,
    school_labels,
    short_school_name,
)
from bot.i18n import LOCALES


@pytest.mark.parametrize(
    ("locale", "grade", "number", "expected"),
    [
        ("en", 5, 1, "5A"),
        ("en", 5, 2, "5B"),
        ("en", 5, 9, "5J"),  # no I: it reads as 1
        ("en", 5, 14, "5P"),  # no O: it reads as 0
        ("en", 5, 24, "5Z"),
        ("en", 5, 25, "5-25"),  # beyond the alphabet: numbered
        ("en", 12, 3, "12C"),
        ("ru", 5, 1, "5А"),
        ("ru", 5, 2, "5Б"),
        ("ru", 5, 10, "5К"),  # no Й
        ("ru", 5, 27, "5Я"),
        ("ru", 5, 28, "5-28"),
        ("zh_Hans", 5, 2, "5年级2班"),
        ("zh_Hans", 1, 12, "1年级12班"),
        ("zh", 3, 1, "3年级1班"),
        ("de", 5, 1, "5A"),  # any other locale: the English style
    ],
)
def test_class_name(locale: str, grade: int, number: int, expected: str) -> None:
    assert class_name(locale, grade, number) == expected


def test_class_names_in_order() -> None:
    assert class_names("en", 3, 4, 2) == [(3, "3A"), (3, "3B"), (4, "4A"), (4, "4B")]
    assert class_names("zh_Hans", 7, 7, 3) == [(7, "7年级1班"), (7, "7年级2班"), (7, "7年级3班")]
    assert class_names("en", 5, 4, 2) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_names_are_unique_and_fit_the_column(locale: str) -> None:
    names = class_names(locale, 1, 12, 30)
    assert len(names) == 360 == len({name for _grade, name in names})
    assert all(len(name) <= 32 for _grade, name in names)
    assert all(name.startswith(str(grade)) for grade, name in names)


@pytest.mark.parametrize(
    ("names", "ordered"),
    [
        (["1年级10班", "1年级2班", "1年级1班"], ["1年级1班", "1年级2班", "1年级10班"]),
        (["5B", "5A", "5C"], ["5A", "5B", "5C"]),
        (["5-10", "5-9", "5-1"], ["5-1", "5-9", "5-10"]),
        (["10Б", "9А"], ["9А", "10Б"]),
    ],
)
def test_classes_sort_numbers_numerically(names: list[str], ordered: list[str]) -> None:
    from storage.repo import natural_key

    assert sorted(names, key=natural_key) == ordered


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("北京市海淀区实验小学", "实验小学"),
        ("实验小学", "实验小学"),
        ("北京市第一中学", "第一中学"),
        ("广西壮族自治区南宁市第三中学", "第三中学"),
        ("海淀区", "海淀区"),
        ("МБОУ СОШ № 5", "СОШ № 5"),
        ("School No. 1", "School No. 1"),
        ("Sunshine Primary School of Haidian", "Sunshine Primar…"),
    ],
)
def test_short_school_name(name: str, short: str) -> None:
    assert short_school_name(name) == short


def test_school_labels_fall_back_to_full_names_when_short_ones_clash() -> None:
    names = {1: "北京市海淀区实验小学", 2: "北京市朝阳区实验小学", 3: "阳光小学"}
    assert school_labels(names) == {1: names[1], 2: names[2], 3: "阳光小学"}


@pytest.mark.parametrize(
    ("template", "name", "label"),
    [
        ("District: {name}", "Haidian", "District: Haidian"),
        ("District: {name}", "District of No. 1 School", "District: District of No. 1 Sch…"),
        ("区县：{name}", "北京市海淀区教育委员会", "区县：北京市海淀区教育委员会"),
        ("区县：{name}", "北京市海淀区教育委员会基础教育科督导室",
         "区县：北京市海淀区教育委员会基础教育科…"),
        ("Район: {name}", "Управление образования Центрального района",
         "Район: Управление образования Ц…"),
    ],
)  # fmt: skip
def test_a_name_is_cut_until_its_button_fits_a_phone(template: str, name: str, label: str) -> None:
    fitted = fit_name(lambda n: template.format(name=n), name)
    assert fitted == label
    assert label_width(fitted) <= 32
