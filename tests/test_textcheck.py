"""Tests for bot.textcheck (negative-list hints in assignment text) and bot.policy."""

from __future__ import annotations

import pytest

from bot.domain.policy import ComplaintCategory, NegativeItem
from bot.domain.textcheck import Hint, chinese_numeral_to_int, find_hints, normalize

I = NegativeItem  # noqa: E741 - short alias keeps the case tables readable

POSITIVES: list[tuple[str, NegativeItem]] = [
    # --- parents complete / do the work (item 6) ---
    ("手工作业由家长完成。", I.PARENTS_COMPLETE),
    ("本周科学小制作请家长代做。", I.PARENTS_COMPLETE),
    ("请家长帮助完成调查表。", I.PARENTS_COMPLETE),
    ("家长帮孩子完成手抄报", I.PARENTS_COMPLETE),
    ("在家长的帮助下完成植物观察记录", I.PARENTS_COMPLETE),
    ("和爸爸妈妈一起制作一个灯笼", I.PARENTS_COMPLETE),
    ("亲子作业:制作家庭树", I.PARENTS_COMPLETE),
    ("The parents complete the form together with the child.", I.PARENTS_COMPLETE),
    ("With your parents' help, finish the volcano model.", I.PARENTS_COMPLETE),
    ("Ask your parents to help you finish the poster.", I.PARENTS_COMPLETE),
    ("Parents should complete the science project at home.", I.PARENTS_COMPLETE),
    ("Родители выполняют проект дома.", I.PARENTS_COMPLETE),
    ("Поделку попросите родителям сделать к пятнице.", I.PARENTS_COMPLETE),
    ("Выполнить проект с помощью родителей.", I.PARENTS_COMPLETE),
    ("Сделать скворечник вместе с родителями.", I.PARENTS_COMPLETE),
    # --- parents sign or mark (item 9) ---
    ("作业完成后请家长签字。", I.PARENTS_MARK),
    ("口算练习请家长批改", I.PARENTS_MARK),
    ("家长检查并签名", I.PARENTS_MARK),
    ("请父母检查作业后签字", I.PARENTS_MARK),
    ("家長簽字", I.PARENTS_MARK),
    ("Reading log needs a parent signature.", I.PARENTS_MARK),
    ("Parents, please mark the spelling test.", I.PARENTS_MARK),
    ("Parents grade the worksheet and return it.", I.PARENTS_MARK),
    ("Parents check and sign the planner every day.", I.PARENTS_MARK),
    ("The reading log must be signed by a parent.", I.PARENTS_MARK),
    ("Дневник чтения с подписью родителей.", I.PARENTS_MARK),
    ("Родители проверяют и подписывают тетрадь.", I.PARENTS_MARK),
    ("Подпись родителей обязательна.", I.PARENTS_MARK),
    ("Пусть родители распишутся в дневнике.", I.PARENTS_MARK),
    # --- punitive / repetitive (item 4) ---
    ("生字抄写5遍", I.PUNITIVE_REPETITIVE),
    ("课文抄十遍", I.PUNITIVE_REPETITIVE),
    ("每个字写20遍", I.PUNITIVE_REPETITIVE),
    ("每个单词写10次", I.PUNITIVE_REPETITIVE),
    ("错题罚抄", I.PUNITIVE_REPETITIVE),
    ("把错字抄写二十五遍", I.PUNITIVE_REPETITIVE),
    ("生字抄写５遍", I.PUNITIVE_REPETITIVE),
    ("词语抄寫三遍", I.PUNITIVE_REPETITIVE),
    ("Copy the poem 10 times.", I.PUNITIVE_REPETITIVE),
    ("Write each word 20 times.", I.PUNITIVE_REPETITIVE),
    ("Write your spelling words three times each.", I.PUNITIVE_REPETITIVE),
    ("Copy out the rule twenty-five times.", I.PUNITIVE_REPETITIVE),
    ("Copy the sentence thrice.", I.PUNITIVE_REPETITIVE),
    ("Переписать текст 5 раз.", I.PUNITIVE_REPETITIVE),
    ("Написать каждое слово 10 раз.", I.PUNITIVE_REPETITIVE),
    ("Перепиши правило три раза.", I.PUNITIVE_REPETITIVE),
    ("Пропиши букву Ж двадцать раз в наказание.", I.PUNITIVE_REPETITIVE),
    # --- whole bought test papers / workbooks (item 5) ---
    ("今晚完成一整套试卷", I.BOUGHT_PAPERS),
    ("数学做一套试卷", I.BOUGHT_PAPERS),
    ("完成练习册。", I.BOUGHT_PAPERS),
    ("每天做一张数学试卷", I.BOUGHT_PAPERS),
    ("请购买教辅并完成", I.BOUGHT_PAPERS),
    ("Do the whole test paper tonight.", I.BOUGHT_PAPERS),
    ("Complete the workbook by Monday.", I.BOUGHT_PAPERS),
    ("Take a full practice test at home.", I.BOUGHT_PAPERS),
    ("Решить весь сборник к концу недели.", I.BOUGHT_PAPERS),
    ("Решить целый вариант ЕГЭ.", I.BOUGHT_PAPERS),
    ("Целый вариант контрольной на дом.", I.BOUGHT_PAPERS),
    ("Заполнить всю рабочую тетрадь.", I.BOUGHT_PAPERS),
    # --- assigned or submitted via chat apps (item 7) ---
    ("作业发到微信群", I.VIA_CHAT_APPS),
    ("完成后拍照发QQ群", I.VIA_CHAT_APPS),
    ("在钉钉上提交作文", I.VIA_CHAT_APPS),
    ("今天的作业见班级群", I.VIA_CHAT_APPS),
    ("每天在小程序打卡", I.VIA_CHAT_APPS),
    ("Post your answers in the WeChat group.", I.VIA_CHAT_APPS),
    ("Send a photo of your homework to the class chat.", I.VIA_CHAT_APPS),
    ("Submit via WhatsApp by 8 pm.", I.VIA_CHAT_APPS),
    ("Ответы прислать в чате класса.", I.VIA_CHAT_APPS),
    ("Скиньте фото работы в вотсапе.", I.VIA_CHAT_APPS),
    ("Задание в родительском чате.", I.VIA_CHAT_APPS),
    # --- rankings / results published (item 8) ---
    ("按成绩排名", I.PUBLISHED_IN_GROUPS),
    ("明天公布成绩", I.PUBLISHED_IN_GROUPS),
    ("考试后晒分数", I.PUBLISHED_IN_GROUPS),
    ("The class ranking will be updated weekly.", I.PUBLISHED_IN_GROUPS),
    ("I will post the scores on the leaderboard.", I.PUBLISHED_IN_GROUPS),
    ("Рейтинг класса по итогам теста.", I.PUBLISHED_IN_GROUPS),
    ("Оценки опубликую завтра; список не сдавших тоже.", I.PUBLISHED_IN_GROUPS),
]

NEGATIVES: list[str] = [
    # Chinese
    "朗读课文两遍",
    "把课文读三遍",
    "写完作文后朗读三遍",
    "生字抄写两遍",
    "抄写课文一遍",
    "请准备好签字笔和尺子",
    "家长准备签字笔",
    "家长督促孩子完成书面作业",
    "和家长一起读一本书",
    "和爸爸妈妈一起做家务",
    "采访爸爸妈妈小时候的故事",
    "完成练习册第5页",
    "完成练习册上的第三题",
    "整本书阅读:《西游记》",
    "做一套广播体操",
    "以下名单排名不分先后",
    "老师批改后发还",
    "制作一份手抄报",
    # English
    "Read the text twice.",
    "Read the poem three times aloud.",
    "Write the new words, then read them 3 times.",
    "Copy the words twice.",
    "Write in your journal 3 times a week.",
    "Learn the 3 times table.",
    "Ask your parents about their childhood.",
    "Interview your parents about their first job.",
    "What do your parents do for work?",
    "Your parents do not need to help.",
    "Complete workbook page 12, exercises 1-3.",
    "The whole class will visit the museum.",
    "Sign up for the chess club.",
    "Make a postcard with pictures of your town.",
    "Work in a class group project on Friday.",
    "Share your experiment results with a partner.",
    # Russian
    "Прочитать текст два раза.",
    "Прочитать стихотворение три раза.",
    "Переписать упражнение 2 раза.",
    "Спросите родителей об их детстве.",
    "Расскажите родителям, что узнали на уроке.",
    "Прочитать вместе с родителями сказку.",
    "Выполнить задания 1-5 из сборника.",
    "Работа в группах на уроке.",
    "Написать сочинение 2 раза в неделю.",
    "",
]


@pytest.mark.parametrize(("text", "item"), POSITIVES)
def test_positive_finds_item(text: str, item: NegativeItem) -> None:
    hints = find_hints(text)
    assert [h.item for h in hints] == [item], hints
    assert hints[0].match
    assert hints[0].match in text


@pytest.mark.parametrize("text", NEGATIVES)
def test_negative_finds_nothing(text: str) -> None:
    assert find_hints(text) == []


def test_match_quotes_original_fullwidth_text() -> None:
    assert find_hints("生字抄写１０遍。") == [Hint(I.PUNITIVE_REPETITIVE, "抄写１０遍")]


def test_repetition_scans_past_small_counts() -> None:
    hints = find_hints("Copy it twice, then copy the word list 5 times.")
    assert [h.item for h in hints] == [I.PUNITIVE_REPETITIVE]
    assert hints[0].match.endswith("5 times")


def test_several_items_one_hint_each_in_list_order() -> None:
    text = "整套试卷做完后家长签字,并拍照发到微信群。家长签名!抄写十遍,按成绩排名。"
    assert [h.item for h in find_hints(text)] == [
        I.PUNITIVE_REPETITIVE,
        I.BOUGHT_PAPERS,
        I.VIA_CHAT_APPS,
        I.PUBLISHED_IN_GROUPS,
        I.PARENTS_MARK,
    ]


def test_case_insensitive() -> None:
    assert [h.item for h in find_hints("PARENT SIGNATURE REQUIRED")] == [I.PARENTS_MARK]
    assert [h.item for h in find_hints("ПОДПИСЬ РОДИТЕЛЕЙ")] == [I.PARENTS_MARK]


def test_normalize_keeps_length() -> None:
    text = "ＱＱ群１２３　家長簽字"
    assert normalize(text) == "QQ群123 家长签字"
    assert len(normalize(text)) == len(text)


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("三", 3),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("二十五", 25),
        ("两", 2),
        ("一百", 100),
        ("百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("一百五", 150),
        ("三千零五十", 3050),
        ("零", 0),
        (" 九 ", 9),
    ],
)
def test_chinese_numeral_to_int(numeral: str, value: int) -> None:
    assert chinese_numeral_to_int(numeral) == value


@pytest.mark.parametrize("bad", ["", "二三", "十十", "百十", "一零", "二十零", "五遍", "12", "abc"])
def test_chinese_numeral_to_int_rejects(bad: str) -> None:
    assert chinese_numeral_to_int(bad) is None


def test_negative_item_order_and_numbers() -> None:
    assert [i.value for i in NegativeItem] == [
        "beyond_curriculum",
        "over_time_limit",
        "not_pretested",
        "punitive_repetitive",
        "bought_papers",
        "parents_complete",
        "via_chat_apps",
        "published_in_groups",
        "parents_mark",
        "not_marked",
    ]
    assert [i.number for i in NegativeItem] == list(range(1, 11))


def test_complaint_categories_map_one_to_one() -> None:
    assert len(ComplaintCategory) == 13
    for item in NegativeItem:
        category = ComplaintCategory.from_item(item)
        assert category.value == item.value
        assert category.negative_item is item
    extras = [c for c in ComplaintCategory if c.negative_item is None]
    assert [c.value for c in extras] == ["total_load", "exams_rankings", "other"]
