"""The demo's fixed world: the district and school, the made-up people and their names, the
subjects and the homework texts teachers pick from.

The names and homework texts are data of a sample school, not UI, so they are not translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.load import HomeworkKind
from bot.domain.presets import SUBJECT_PRESETS

DISTRICT_NAME = "Demo District"
SCHOOL_NAME = "Demo School No. 1"
CLASS_LOCALE = "en"
SUBJECTS = SUBJECT_PRESETS["en"]

FAKE_ID_MIN = 9_100_000_000
"""Reserved Telegram ids for demo people who are not on Telegram (marked unreachable)."""
FAKE_ID_MAX = 9_100_999_999
PARENT_ID_BASE = 9_100_100_000

CHILDREN_PER_CLASS = 20
USER_CHILD = "Lena"
USER_CHILD_CLASS = "5A"
USER_CLASSES = ("5A", "5B")
USER_SUBJECTS = ("Maths", "Chinese")
LEADER_GRADE = 5
MULTI_DAY_CLASS = "5A"


# ---------------------------------------------------------------- people


@dataclass(frozen=True)
class DemoTeacher:
    id: int
    first_name: str
    last_name: str | None
    language_code: str
    subjects: tuple[str, ...]


TEACHERS = (
    DemoTeacher(FAKE_ID_MIN + 1, "王芳", None, "zh-hans", ("Maths",)),
    DemoTeacher(FAKE_ID_MIN + 2, "李娜", None, "zh-hans", ("Chinese",)),
    DemoTeacher(FAKE_ID_MIN + 3, "Emily", "Carter", "en", ("English",)),
    DemoTeacher(
        FAKE_ID_MIN + 4,
        "Ivan",
        "Sokolov",
        "ru",
        ("Science", "Morality and Law", "History", "Geography", "Biology"),
    ),
)


class NameStyle(StrEnum):
    PINYIN = "pinyin"  # family name first, Latin letters
    HANZI = "hanzi"  # family name first, no space
    RU_LATIN = "ru_latin"
    RU_CYRILLIC = "ru_cyrillic"
    EN = "en"


# (style, given name, family name)
CHILD_NAMES: tuple[tuple[NameStyle, str, str], ...] = (
    *(
        (NameStyle.PINYIN, given, family)
        for family, given in (
            ("Wang", "Haoran"),
            ("Li", "Yutong"),
            ("Zhang", "Zihan"),
            ("Liu", "Xinyi"),
            ("Chen", "Yichen"),
            ("Yang", "Muchen"),
            ("Zhao", "Ruoxi"),
            ("Huang", "Jiayi"),
            ("Zhou", "Zirui"),
            ("Wu", "Yuxuan"),
            ("Xu", "Haoyu"),
            ("Sun", "Shiyu"),
            ("Ma", "Yinuo"),
            ("Zhu", "Siyuan"),
            ("Hu", "Jingyi"),
            ("Guo", "Tianyou"),
        )
    ),
    *(
        (NameStyle.HANZI, given, family)
        for family, given in (
            ("王", "子涵"),
            ("李", "欣怡"),
            ("张", "浩然"),
            ("刘", "梓睿"),
            ("陈", "雨桐"),
            ("杨", "一诺"),
            ("赵", "思远"),
            ("黄", "佳怡"),
            ("周", "语桐"),
            ("吴", "宇轩"),
            ("徐", "沐宸"),
            ("孙", "诗雨"),
        )
    ),
    (NameStyle.RU_LATIN, "Masha", "Ivanova"),
    (NameStyle.RU_LATIN, "Sasha", "Petrov"),
    (NameStyle.RU_LATIN, "Dasha", "Smirnova"),
    (NameStyle.RU_LATIN, "Artyom", "Kuznetsov"),
    (NameStyle.RU_LATIN, "Polina", "Sokolova"),
    (NameStyle.RU_LATIN, "Egor", "Morozov"),
    (NameStyle.RU_LATIN, "Alyona", "Popova"),
    (NameStyle.RU_LATIN, "Timur", "Volkov"),
    (NameStyle.RU_CYRILLIC, "Ваня", "Орлов"),
    (NameStyle.RU_CYRILLIC, "Ксюша", "Волкова"),
    (NameStyle.RU_CYRILLIC, "Миша", "Лебедев"),
    (NameStyle.RU_CYRILLIC, "Соня", "Новикова"),
    (NameStyle.EN, "Lily", "Carter"),
    (NameStyle.EN, "Oliver", "Smith"),
    (NameStyle.EN, "Emma", "Brown"),
    (NameStyle.EN, "Noah", "Wilson"),
    (NameStyle.EN, "Chloe", "Taylor"),
    (NameStyle.EN, "Leo", "Johnson"),
    (NameStyle.EN, "Grace", "Evans"),
    (NameStyle.EN, "Max", "Turner"),
    (NameStyle.EN, "Sophie", "Hall"),
    (NameStyle.EN, "Jack", "Green"),
)

PARENT_GIVEN: dict[NameStyle, tuple[str, ...]] = {
    NameStyle.PINYIN: ("Jun", "Li", "Wei", "Min", "Qiang", "Yan"),
    NameStyle.HANZI: ("军", "丽", "伟", "敏", "强", "燕"),
    NameStyle.RU_LATIN: ("Olga", "Elena", "Anna", "Irina", "Natalia"),  # mothers
    NameStyle.RU_CYRILLIC: ("Ольга", "Елена", "Анна", "Ирина"),  # mothers
    NameStyle.EN: ("Sarah", "David", "Laura", "James", "Helen", "Mark"),
}

LANGUAGE_OF_STYLE = {
    NameStyle.PINYIN: "zh-hans",
    NameStyle.HANZI: "zh-hans",
    NameStyle.RU_LATIN: "ru",
    NameStyle.RU_CYRILLIC: "ru",
    NameStyle.EN: "en",
}


# ---------------------------------------------------------------- homework


@dataclass(frozen=True)
class Template:
    kind: HomeworkKind
    text: str
    minutes: tuple[int, ...]


Kind = HomeworkKind

TEMPLATES: dict[str, tuple[Template, ...]] = {
    "Maths": (
        Template(Kind.WRITTEN, "Workbook p. {page}: exercises 1-6", (15, 20)),
        Template(Kind.WRITTEN, "Practice sheet {lesson}: word problems 1-5", (15, 20, 25)),
        Template(Kind.ORAL, "Explain today's word problem to someone at home", (10,)),
        Template(Kind.PRACTICAL, "Measure five things at home and write down their lengths", (15,)),
    ),
    "Chinese": (
        Template(Kind.WRITTEN, "Copy the new characters of lesson {lesson} twice each", (15, 20)),
        Template(Kind.WRITTEN, "Write a diary entry of about 150 characters", (20, 25)),
        Template(Kind.READING, "Read lesson {lesson} aloud twice", (10, 15)),
        Template(Kind.ORAL, "Recite the poem of lesson {lesson}", (10,)),
    ),
    "English": (
        Template(Kind.WRITTEN, "Workbook Unit {unit}: exercises A-C", (15, 20)),
        Template(Kind.READING, "Read the Unit {unit} story and underline the new words", (10, 15)),
        Template(Kind.ORAL, "Practise the Unit {unit} dialogue aloud", (10,)),
        # Trips two negative-list hints on purpose, so the text check has something to show.
        Template(
            Kind.WRITTEN, "Copy each new word of Unit {unit} five times, signed by a parent", (20,)
        ),
    ),
    "Science": (
        Template(Kind.PRACTICAL, "Water your bean seed and draw how it has changed", (10, 15)),
        Template(Kind.WRITTEN, "Answer questions 1-3 on p. {page}", (10, 15)),
    ),
    "Morality and Law": (
        Template(Kind.READING, "Read pp. {page}-{page2} about rules at home and at school", (10,)),
        Template(Kind.OTHER, "Help cook dinner and tell the class tomorrow what you did", (20,)),
    ),
    "History": (
        Template(Kind.READING, "Read pp. {page}-{page2} about the Qin dynasty", (15,)),
        Template(Kind.WRITTEN, "Draw a timeline of the Warring States period", (20, 25)),
    ),
    "Geography": (Template(Kind.WRITTEN, "Label the provinces on the blank map", (15, 20)),),
    "Biology": (
        Template(Kind.PRACTICAL, "Collect three different leaves and describe their shapes", (15,)),
        Template(Kind.WRITTEN, "Answer the review questions on p. {page}", (15, 20)),
    ),
}
LOW_GRADE_TEMPLATES: tuple[tuple[str, Template], ...] = (
    ("Chinese", Template(Kind.READING, "Read lesson {lesson} aloud to a parent", (10,))),
    ("English", Template(Kind.ORAL, "Sing the Unit {unit} song", (5, 10))),
    ("Maths", Template(Kind.ORAL, "Count the stairs at home, up and down", (5, 10))),
)
CORE = ("Chinese", "Maths", "English")
EXTRAS_PRIMARY = ("Science", "Morality and Law")
EXTRAS_JUNIOR = ("History", "Geography", "Biology", "Morality and Law")
EXTRA_PRACTICE = "Extra practice: finish the mistakes of this week's tests"
MULTI_DAY_SUBJECT = "Chinese"
MULTI_DAY_TEXT = "Essay: My favourite season (about 400 characters)"
MULTI_DAY_MINUTES = 60
MULTI_DAY_EVENINGS = 3
