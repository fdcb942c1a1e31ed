"""Issue 14, "speak like a school": the catalogues use one word per concept (docs/GLOSSARY.md),
Chinese has no ASCII punctuation, button labels fit a phone, and the checks themselves catch
what they are meant to catch. Rendered messages are checked for every test by the autouse
fixture in tests/conftest.py (over what the fake Bot API received)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR
from tests.fakebot.transcript import Rendered
from tests.wording import (
    ASCII_NEXT_TO_CJK,
    FORBIDDEN,
    button_problems,
    display_width,
    forbidden_in_chinese,
    punctuation_problems,
    too_wide,
)

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
TRANSLATING = ("_", "N_", "gettext", "pgettext")
LABELS_BUTTON = re.compile(r"(for its|on a) button")
"""How a function's docstring says that its strings are button labels."""


def catalog(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def texts(locale: str) -> list[tuple[str, str]]:
    """(msgid, text) for every form: msgstrs, or the msgids for English."""
    out = []
    for message in catalog(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        forms = ids if locale == "en" else strings
        out += [(str(ids[0]), str(form)) for form in forms if form]
    return out


@pytest.mark.parametrize("locale", sorted(FORBIDDEN))
def test_no_forbidden_variant_in_the_catalogue(locale: str) -> None:
    problems = [
        f"{pattern} ({why}): {text!r}"
        for _id, text in texts(locale)
        for pattern, why in FORBIDDEN[locale]
        if re.search(pattern, text)
    ]
    assert problems == []


def test_chinese_catalogue_has_no_ascii_punctuation_next_to_chinese() -> None:
    problems = [
        text
        for _id, text in texts("zh_Hans")
        if ASCII_NEXT_TO_CJK.search(PLACEHOLDER.sub("X", text))
    ]
    assert problems == []


# ---------------------------------------------------------------- button strings


def _translated_literal(node: ast.AST) -> str | None:
    """The msgid of `_("...")` / `N_("...")` (or of `"✅ " + _("...")`), else None."""
    if isinstance(node, ast.BinOp):
        return _translated_literal(node.right) or _translated_literal(node.left)
    if isinstance(node, ast.Call) and node.args:
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        if name == "format" and isinstance(node.func, ast.Attribute):
            return _translated_literal(node.func.value)
        if name in TRANSLATING and isinstance(node.args[-1], ast.Constant):
            value = node.args[-1].value
            return value if isinstance(value, str) else None
    return None


def _is_payload(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", "").endswith(
        ("Button", "Pick", "Payload")
    )


def button_msgids() -> set[str]:
    """Where button labels come from: `(label, Payload(...))` in keyboard rows, and every
    string of a function whose docstring says its text goes "on a button" / "for its button"."""
    found: set[str] = set()
    for path in [*ROOT.glob("handlers/**/*.py"), *ROOT.glob("bot/**/*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Tuple) and len(node.elts) == 2:
                msgid = _translated_literal(node.elts[0])
                if msgid is not None and _is_payload(node.elts[1]):
                    found.add(msgid)
            if isinstance(node, ast.FunctionDef) and LABELS_BUTTON.search(
                ast.get_docstring(node) or ""
            ):
                found |= {
                    m for inner in ast.walk(node) if (m := _translated_literal(inner)) is not None
                }
    return found


def test_button_labels_are_found() -> None:
    found = button_msgids()
    assert {"Strict", "Exams or rankings", "⬅ Back"} <= found, sorted(found)[:40]


@pytest.mark.parametrize("locale", ["en", "zh_Hans", "ru"])
def test_button_strings_fit_a_phone(locale: str) -> None:
    """Placeholders are filled at run time (the autouse fixture checks the rendered labels);
    the fixed words of a label must fit on their own."""
    labels = button_msgids()
    wide = [
        text
        for msgid, text in texts(locale)
        if msgid in labels and too_wide(PLACEHOLDER.sub("", text))
    ]
    assert wide == []


# ---------------------------------------------------------------- the checks can fail


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("五年级3班, 11月19日周四: 数学 30分钟", True),
        ("本项作业 (口头)", True),
        ("家长反馈中位数65分钟（共11条）; 11条中7条超出上限", True),
        ("五年级3班 11月19日周四：数学30分钟、语文40分钟", False),
        ("请按 17:30 这样的格式输入时间。", False),
        ("Maths (written): 30 min", False),
    ],
)
def test_punctuation_check(text: str, bad: bool) -> None:
    found = punctuation_problems([Rendered("zh-hans", "message", text)], [])
    assert bool(found) is bad


def test_quoted_user_text_is_not_the_bots_punctuation() -> None:
    typed = "练习册第12页, 20分钟"
    sent = Rendered("zh-hans", "message", f"预览 — 5A，数学\n{typed}\n类型：书面")
    assert punctuation_problems([sent], [typed]) == []
    assert punctuation_problems([sent], []) != []


def test_chinese_is_recognised_by_its_punctuation_whatever_the_telegram_language() -> None:
    assert punctuation_problems([Rendered("en", "message", "合计：70分钟 (超出10分钟)")], [])
    assert not punctuation_problems([Rendered("en", "message", "Homework for 小明 (5A)")], [])


def test_button_width() -> None:
    assert display_width("登记作业") == pytest.approx(6.4)
    assert not too_wide("✅ 提醒")
    assert too_wide("✅ 提醒（教师确认后发布，并通知年级组长和教务处管理员）")
    assert too_wide("✅ предупреждение — учитель подтверждает, руководитель параллели")
    long = Rendered("ru", "button", "x" * 33)
    assert button_problems([long, Rendered("ru", "button", "x" * 32)]) == [repr("x" * 33)]


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("zh_Hans", "布置新作业：哪个班级？"),
        ("zh_Hans", "0个班超出上限，共0个班级晚上"),
        ("zh_Hans", "通知年级组长和教务处管理员"),
        ("zh_Hans", "已上报区县督导"),
        ("zh_Hans", "工单"),
        ("ru", "Контрольные или рейтинги"),
        ("en", "on 1 class-evenings"),
    ],
)
def test_forbidden_variants_are_caught(locale: str, text: str) -> None:
    assert any(re.search(pattern, text) for pattern, _why in FORBIDDEN[locale])


@pytest.mark.parametrize(
    "text", ["登记课堂上布置的作业：哪个学科？", "通过微信、QQ、钉钉群、APP等电子方式布置作业"]
)
def test_the_policy_may_still_say_bu_zhi(text: str) -> None:
    assert not any(re.search(pattern, text) for pattern, _why in FORBIDDEN["zh_Hans"])


def test_forbidden_chinese_in_a_rendered_message_is_caught() -> None:
    sent = Rendered("zh-hans", "message", "其中您布置的：数学30分钟。共3个班级晚上。")
    assert len(forbidden_in_chinese([sent], [])) == 2
    typed = Rendered("zh-hans", "message", "预览：布置作业：第3页")
    assert forbidden_in_chinese([typed], ["布置作业：第3页"]) == []


def test_an_english_message_quoting_chinese_homework_is_judged_as_english() -> None:
    typed = "见图：练习册第6页，第1至5题"
    sent = Rendered(
        "en", "message", f"Homework for 王小明 (4A), Fri, Nov 27:\n• 数学 (written)\n{typed}"
    )
    assert punctuation_problems([sent], [typed]) == []


def test_a_russian_sentence_naming_a_chinese_class_with_brackets_is_judged_as_russian() -> None:
    """Chinese class names carry full-width brackets (初一（1）班, an archived 6年级1班（2026届）);
    they do not make a Russian reader's sentence Chinese."""
    me = "• Родитель: 王小明, класс 6年级1班（2026届）, 育英小学"
    assert punctuation_problems([Rendered("ru", "message", me)], []) == []
    assert punctuation_problems([Rendered("zh-hans", "message", me)], [])
    assert punctuation_problems([Rendered("ru", "message", "家长：王小明, 初一（1）班")], [])
