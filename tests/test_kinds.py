"""Guessing a piece's kind from its text (the one-message shortcut's default)."""

from __future__ import annotations

import pytest

from bot.domain.kinds import guess_kind
from bot.domain.load import HomeworkKind

W, R, OR, P = HomeworkKind.WRITTEN, HomeworkKind.READING, HomeworkKind.ORAL, HomeworkKind.PRACTICAL


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # zh
        ("练习册第12页", W),
        ("抄写生字三遍", W),
        ("数学试卷一张", W),
        ("写一篇作文", W),
        ("计算题10道", W),
        ("做第3题", W),
        ("课本第45页第2题", W),
        ("口算练习一页", W),
        ("背诵课文第三段，写一篇日记", W),
        ("阅读课外书30分钟", R),
        ("预习第五课", R),
        ("背诵《静夜思》", OR),
        ("朗读课文三遍", OR),
        ("跳绳200下", P),
        ("观察月亮的变化", P),
        ("和家人聊聊今天", None),
        # ru
        ("Упр. 5", W),
        ("Упражнение 124", W),
        ("Переписать текст", W),
        ("Сочинение про осень", W),
        ("Решить задачи 3-5", W),
        ("Рабочая тетрадь, с. 12", W),
        ("Прописи: буква А", W),
        ("Прочитать рассказ", R),
        ("Стихотворение наизусть", OR),
        ("Пересказ параграфа", OR),
        ("Сделать поделку", P),
        ("Повторить правило", None),
        # en
        ("Exercise 3, p. 12", W),
        ("Worksheet B", W),
        ("Essay on autumn", W),
        ("Read and copy new words", W),
        ("Solve problems 1-5", W),
        ("Read pp. 10-12", R),
        ("Reading log", R),
        ("Recite the poem", OR),
        ("Measure your room", P),
        ("Big project", None),
        ("", None),
    ],
)
def test_guess_kind(text: str, kind: HomeworkKind | None) -> None:
    assert guess_kind(text) == kind
