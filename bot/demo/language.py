"""The demo world in the demo user's language: the names of the district, the school, its
classes and subjects, the teachers, the children and their parents, and the homework texts.

The plan (`bot.demo.planning`) is made with English keys, so it is the same in every
language; this module gives each key its name in the world's language when it is written
("Demo School No. 1" and "5A" in English, "示范区第一实验小学" and "5年级1班" in Chinese,
"Школа № 1" and "5А" in Russian), so a Chinese interface never shows "Maths" or a Latin
school name followed by a Chinese grade.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bot.demo.data import (
    DISTRICT_NAME,
    EXTRA_PRACTICE,
    LOW_GRADE_TEMPLATES,
    MULTI_DAY_TEXT,
    SCHOOL_NAME,
    TEACHERS,
    TEMPLATES,
    USER_CHILD,
)


@dataclass(frozen=True)
class Person:
    """A made-up person of the roster: the child's name and one parent's."""

    child: str
    parent: str


@dataclass(frozen=True)
class DemoLanguage:
    locale: str  # ours: "en", "zh_Hans", "ru"
    language_code: str  # Telegram's, for the made-up people
    district: str
    school: str
    subjects: dict[str, str]  # the plan's subject key -> the school's name for it
    teachers: dict[int, tuple[str, str | None]]  # teacher id -> first and last name
    user_child: str
    texts: dict[str, str]  # an English homework template -> the same in this language
    people: tuple[Person, ...] = field(default=())  # empty: the mixed international roster
    id_offset: int = 0
    """Added to the reserved ids of the made-up people, so that worlds in several languages
    can share a database without sharing people."""

    def subject(self, key: str) -> str:
        return self.subjects.get(key, key)

    def text(self, template: str) -> str:
        return self.texts.get(template, template)

    def roster(self, class_key: str, count: int) -> list[Person]:
        """`count` children of a class with a parent each, the same for the same class."""
        return random.Random(f"roster|{self.locale}|{class_key}").sample(self.people, count)


def _zh_people() -> tuple[Person, ...]:
    families = "王李张刘陈杨赵黄周吴徐孙马朱胡郭"
    given = ("子涵", "欣怡", "浩然", "梓睿", "雨桐", "一诺", "思远", "佳怡", "语桐", "宇轩")
    adults = ("军", "丽", "伟", "敏", "强", "燕", "静", "磊")
    return tuple(
        Person(f + g, f + adults[(i + j) % len(adults)])
        for i, f in enumerate(families)
        for j, g in enumerate(given)
    )


def _ru_people() -> tuple[Person, ...]:
    families = ("Орлов", "Лебедев", "Кузнецов", "Морозов", "Волков", "Попов", "Соколов", "Новиков")
    boys = ("Ваня", "Миша", "Артём", "Егор", "Тимур", "Саша", "Дима", "Кирилл")
    girls = ("Маша", "Соня", "Ксюша", "Даша", "Полина", "Алёна", "Вика", "Аня")
    mothers = ("Ольга", "Елена", "Анна", "Ирина", "Наталья", "Татьяна")
    people = []
    for i, family in enumerate(families):
        for j, (boy, girl) in enumerate(zip(boys, girls, strict=True)):
            mother = f"{mothers[(i + j) % len(mothers)]} {family}а"
            people += [Person(f"{boy} {family}", mother), Person(f"{girl} {family}а", mother)]
    return tuple(people)


_T = [t.text for ts in TEMPLATES.values() for t in ts] + [t.text for _s, t in LOW_GRADE_TEMPLATES]
_ZH_TEXTS = (
    "练习册第{page}页：第1-6题",
    "练习卷{lesson}：应用题1-5",
    "给家人讲一讲今天的应用题",
    "量一量家里五样东西的长度并记下来",
    "第{lesson}课生字每个抄写两遍",
    "写一篇150字左右的日记",
    "朗读第{lesson}课两遍",
    "背诵第{lesson}课古诗",
    "练习册第{unit}单元：A-C题",
    "读第{unit}单元的故事并画出生词",
    "大声练习第{unit}单元对话",
    "第{unit}单元每个生词抄写五遍，家长签字",
    "给豆子浇水，画出它的变化",
    "完成第{page}页第1-3题",
    "阅读第{page}-{page2}页：家庭和学校里的规则",
    "帮忙做晚饭，明天在班上讲一讲",
    "阅读第{page}-{page2}页：秦朝",
    "画一条战国时期的时间轴",
    "在空白地图上标出各省",
    "收集三种不同的树叶并描述形状",
    "完成第{page}页的复习题",
    "给家长朗读第{lesson}课",
    "唱第{unit}单元的英文歌",
    "数一数家里的楼梯，上楼下楼各一次",
)
_RU_TEXTS = (
    "Рабочая тетрадь, с. {page}: упр. 1-6",
    "Карточка {lesson}: задачи 1-5",
    "Объяснить дома сегодняшнюю задачу",
    "Измерить пять предметов дома и записать длину",
    "Новые слова урока {lesson}: переписать каждое дважды",
    "Запись в дневнике, около 150 слов",
    "Прочитать урок {lesson} вслух два раза",
    "Выучить стихотворение урока {lesson}",
    "Рабочая тетрадь, раздел {unit}: упр. A-C",
    "Прочитать текст раздела {unit} и подчеркнуть новые слова",
    "Отработать вслух диалог раздела {unit}",
    "Каждое новое слово раздела {unit} переписать пять раз, подпись родителя",
    "Полить фасоль и нарисовать, как она изменилась",
    "Ответить на вопросы 1-3 на с. {page}",
    "Прочитать с. {page}-{page2} о правилах дома и в школе",
    "Помочь приготовить ужин и завтра рассказать классу",
    "Прочитать с. {page}-{page2} о династии Цинь",
    "Нарисовать ленту времени периода Сражающихся царств",
    "Подписать провинции на контурной карте",
    "Собрать три разных листа и описать их форму",
    "Ответить на вопросы для повторения на с. {page}",
    "Прочитать урок {lesson} вслух родителю",
    "Спеть песню раздела {unit}",
    "Посчитать ступеньки дома вверх и вниз",
)

ENGLISH = DemoLanguage(
    locale="en",
    language_code="en",
    district=DISTRICT_NAME,
    school=SCHOOL_NAME,
    subjects={},
    teachers={t.id: (t.first_name, t.last_name) for t in TEACHERS},
    user_child=USER_CHILD,
    texts={},
)

CHINESE = DemoLanguage(
    locale="zh_Hans",
    language_code="zh-hans",
    district="示范区",
    school="示范区第一实验小学",
    subjects={
        "Chinese": "语文",
        "Maths": "数学",
        "English": "英语",
        "Science": "科学",
        "Morality and Law": "道德与法治",
        "Physics": "物理",
        "Chemistry": "化学",
        "History": "历史",
        "Geography": "地理",
        "Biology": "生物",
    },
    teachers={
        TEACHERS[0].id: ("王芳", None),
        TEACHERS[1].id: ("李娜", None),
        TEACHERS[2].id: ("张静", None),
        TEACHERS[3].id: ("刘洋", None),
    },
    user_child="乐乐",
    texts={
        **dict(zip(_T, _ZH_TEXTS, strict=True)),
        EXTRA_PRACTICE: "加练：订正本周测验中的错题",
        MULTI_DAY_TEXT: "作文：我最喜欢的季节（400字左右）",
    },
    people=_zh_people(),
    id_offset=200_000,
)

RUSSIAN = DemoLanguage(
    locale="ru",
    language_code="ru",
    district="Центральный район",
    school="Школа № 1",
    subjects={
        "Chinese": "Русский язык",
        "Maths": "Математика",
        "English": "Английский язык",
        "Science": "Окружающий мир",
        "Morality and Law": "Обществознание",
        "Physics": "Физика",
        "Chemistry": "Химия",
        "History": "История",
        "Geography": "География",
        "Biology": "Биология",
    },
    teachers={
        TEACHERS[0].id: ("Ольга", "Петрова"),
        TEACHERS[1].id: ("Марина", "Ковалёва"),
        TEACHERS[2].id: ("Екатерина", "Фролова"),
        TEACHERS[3].id: ("Игорь", "Соколов"),
    },
    user_child="Лена",
    texts={
        **dict(zip(_T, _RU_TEXTS, strict=True)),
        EXTRA_PRACTICE: "Дополнительно: исправить ошибки контрольных этой недели",
        MULTI_DAY_TEXT: "Сочинение «Моё любимое время года» (около 250 слов)",
    },
    people=_ru_people(),
    id_offset=400_000,
)

LANGUAGES = {lang.locale: lang for lang in (ENGLISH, CHINESE, RUSSIAN)}


def demo_language(locale: str | None) -> DemoLanguage:
    """The world for a locale (English for any other)."""
    return LANGUAGES.get(locale or "en", ENGLISH)
