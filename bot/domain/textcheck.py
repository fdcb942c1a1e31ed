"""Check assignment text against the negative list before a teacher posts it.

Pure domain code (stdlib only). :func:`find_hints` scans Chinese, English and Russian
text for wording that the negative list (POLICY.md section 2) forbids: parents doing
or marking the work, "copy N times", whole bought test papers, chat-app submission,
rankings. A hint is a warning for the teacher, never a verdict; the phrase lists are
data (:data:`PATTERNS`) so they can be tuned without touching the logic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from bot.domain.policy import NegativeItem

__all__ = [
    "MIN_REPETITIONS",
    "PATTERNS",
    "Hint",
    "chinese_numeral_to_int",
    "find_hints",
    "normalize",
]

#: A "write/copy N times" phrase is flagged only from this many repetitions on.
MIN_REPETITIONS: Final = 3


@dataclass(frozen=True)
class Hint:
    """One negative-list item found in a text, with the fragment that matched."""

    item: NegativeItem
    match: str


# --------------------------------------------------------------------------------------
# Normalisation: one character in, one character out, so match spans stay valid for
# the original text and the quoted fragment is exactly what the teacher wrote.

_FULLWIDTH: Final[dict[int, int]] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space

# Traditional -> simplified, only for characters that occur in the patterns below.
_TRAD_TO_SIMP: Final[dict[int, int]] = {
    ord(t): ord(s)
    for t, s in zip(
        "長簽寫試練習冊績羣釘罰協幫請親檢閱輔發傳張個詞語單兩數讀聽說講唸題與們評後謄",
        "长签写试练习册绩群钉罚协帮请亲检阅辅发传张个词语单两数读听说讲念题与们评后誊",
        strict=True,
    )
}

_TRANSLATION: Final[dict[int, int]] = {**_FULLWIDTH, **_TRAD_TO_SIMP}


def normalize(text: str) -> str:
    """Return text with full-width ASCII and some traditional characters mapped 1:1."""
    return text.translate(_TRANSLATION)


# --------------------------------------------------------------------------------------
# Numbers.

_CN_DIGITS: Final[Mapping[str, int]] = MappingProxyType(
    {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
)
_CN_ZEROS: Final = frozenset("零〇")
_CN_UNITS: Final[Mapping[str, int]] = MappingProxyType({"十": 10, "百": 100, "千": 1000})


def chinese_numeral_to_int(s: str) -> int | None:
    """Return the value of a Chinese numeral below 10000 (三, 十五, 两, 一百零五), else None."""
    s = s.strip()
    if not s:
        return None
    if all(ch in _CN_ZEROS for ch in s):
        return 0 if len(s) == 1 else None
    total = 0
    pending: int | None = None  # a digit waiting for its unit
    last_unit = 10_000
    after_zero = False
    for ch in s:
        if ch in _CN_ZEROS:
            if pending is not None or total == 0 or after_zero:
                return None
            after_zero = True
        elif ch in _CN_DIGITS:
            if pending is not None:
                return None
            pending = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit >= last_unit:
                return None
            if pending is None:
                if total != 0:  # 一百十 is not accepted; 一百一十 is
                    return None
                pending = 1  # 十五 = 15, 百 = 100
            total += pending * unit
            last_unit, pending, after_zero = unit, None, False
        else:
            return None
    if pending is not None:
        if after_zero or last_unit == 10 or total == 0:
            total += pending
        else:  # 一百五 = 150, 两千三 = 2300 (colloquial abbreviation)
            total += pending * (last_unit // 10)
    elif after_zero:
        return None
    return total


_WORD_NUMBERS: Final[Mapping[str, int]] = MappingProxyType(
    {
        # English
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
        "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
        "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
        "hundred": 100,
        # Russian
        "один": 1, "одну": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5,
        "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
        "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14,
        "пятнадцать": 15, "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18,
        "девятнадцать": 19, "двадцать": 20, "тридцать": 30, "сорок": 40,
        "пятьдесят": 50, "сто": 100,
    }
)  # fmt: skip


def _parse_count(s: str) -> int | None:
    """Return the value of a repetition count (digits, Chinese numeral, EN/RU words)."""
    s = s.strip().lower()
    if s.isdecimal():
        return int(s)
    value = chinese_numeral_to_int(s)
    if value is not None:
        return value
    total = 0
    for word in re.split(r"[\s-]+", s):
        if word == "a":  # "a hundred"
            continue
        n = _WORD_NUMBERS.get(word)
        if n is None:
            return None
        total = max(total, 1) * n if n == 100 else total + n
    return total or None


# --------------------------------------------------------------------------------------
# Pattern data. Matching is case-insensitive and runs on normalize(text).
# A pattern with a named group "n" is a repetition count: it only counts as a hint when
# the count parses and is >= MIN_REPETITIONS.

_L: Final = r"(?<![a-z])"  # Latin word start that also works next to CJK characters
_R: Final = r"(?![a-z])"  # Latin word end that also works next to CJK characters

_CN_PARENT: Final = r"(?:家长|父母|爸爸妈妈|爸妈|爸爸或妈妈)们?"
_CN_NUM: Final = (
    r"(?<![\d零〇一二两三四五六七八九十百千])(?P<n>\d+|[零〇一二两三四五六七八九十百千]+)"
)
_CN_GAP: Final = r"[^，。；！？、,.;!?\n读背念看听说讲朗诵]"  # no clause break, no reading verb

_EN_NUM_WORD: Final = (
    r"(?:seventeen|thirteen|fourteen|eighteen|nineteen|fifteen|sixteen|eleven|twelve"
    r"|twenty|thirty|forty|fifty|hundred|three|seven|eight|four|five|nine|one|two|six|ten)"
)
_EN_NUM: Final = rf"(?<![\d.])\b(?P<n>\d+|(?:a\s+)?{_EN_NUM_WORD}(?:[\s-]{_EN_NUM_WORD})?)"
_EN_TIMES: Final = (
    r"\s*times\b(?!\s*(?:-\s*)?tables?\b|\s+\d|\s+(?:a|per|each|every)\s+"
    r"(?:day|week|month|night|lesson)\b)"
)
_EN_GAP: Final = (
    r"(?:(?!\b(?:read|reading|recite|say|listen|practi[cs]e|play|run|jump|sing)\b)"
    r"[^.;!?\n]){0,40}?"
)
_EN_COPY: Final = r"\b(?:copy|copying|re-?write|re-?writing|write|writing|spell)(?:\s+out)?\b"
_EN_PARENT: Final = r"parents?(?:['’]s?)?"
_EN_SEND: Final = r"(?:send|sending|sent|post|posting|upload|uploading)"
_EN_MODAL: Final = r"(?:(?:should|must|need\s+to|have\s+to|will|to|please|can)\s+)"

_RU_NUM_WORD: Final = (
    r"(?:одиннадцать|двенадцать|тринадцать|четырнадцать|пятнадцать|шестнадцать"
    r"|семнадцать|восемнадцать|девятнадцать|двадцать|тридцать|пятьдесят|четыре"
    r"|восемь|девять|десять|сорок|шесть|пять|семь|три|сто)"
)
_RU_NUM: Final = rf"(?<![\d.])\b(?P<n>\d+|{_RU_NUM_WORD}(?:\s+{_RU_NUM_WORD})?)"
_RU_TIMES: Final = r"\s*раза?\b(?!\s+в\s+(?:день|неделю|месяц|сутки))"
_RU_GAP: Final = r"(?:(?!\b(?:прочит|чита|повтор|расскаж|выуч|произн|перескаж)\w*)[^.;!?\n]){0,40}?"
_RU_COPY: Final = r"\b(?:пере|с|на|про)?пи(?:с|ш)\w*"
_RU_MODAL: Final = r"(?:(?:должны|нужно|надо|необходимо|следует|пусть|могут|обязаны)\s+)"

_RAW_PATTERNS: Final[Mapping[NegativeItem, tuple[str, ...]]] = MappingProxyType(
    {
        NegativeItem.PUNITIVE_REPETITIVE: (
            # zh: 抄写5遍, 抄十遍, 生字抄写三遍, 每个字写20遍, 每个单词写10次, 罚抄
            rf"(?:抄写|誊写|罚写|默写|重写|抄){_CN_GAP}{{0,12}}?{_CN_NUM}\s*(?:遍|次)",
            rf"写{_CN_GAP}{{0,8}}?{_CN_NUM}\s*遍",
            rf"每(?:一)?个?(?:字|词|词语|生字|单词|句子?)[^，。；！？,.;!?\n]{{0,4}}?写{_CN_NUM}\s*次",
            r"罚(?:抄|写|做|背)|惩罚性",
            # en: copy 10 times, write each word twenty times, copy it out thrice
            rf"{_EN_COPY}{_EN_GAP}{_EN_NUM}{_EN_TIMES}",
            rf"{_EN_COPY}{_EN_GAP}\bthrice\b",
            r"\bas\s+(?:a\s+)?punishment\b|\bpunishment\s+(?:homework|work|task)s?\b|\bwrite\s+lines\b",
            # ru: переписать 5 раз, написать каждое слово 10 раз, перепиши трижды
            rf"{_RU_COPY}{_RU_GAP}{_RU_NUM}{_RU_TIMES}",
            rf"{_RU_COPY}{_RU_GAP}\bтрижды\b",
            r"\bв\s+наказание\b|\bштрафн\w*\s+(?:задани|работ)\w*",
        ),
        NegativeItem.BOUGHT_PAPERS: (
            # zh: 整套试卷, 一套试卷, 一张数学试卷, 完成练习册 (not 练习册第5页), 教辅
            r"(?:[整成全]|[一两二三四五六七八九十\d]+)套[^，。；！？,;!?\n]{0,4}?"
            r"(?:试卷|试题|卷子|真题|卷|题)",
            r"[一两二三四五六七八九十\d]+[张份][^，。；！？,;!?\n]{0,4}?(?:试卷|卷子|测试卷|模拟卷)"
            r"(?!分析|讲评|订正|更正|纠错|反思)",
            r"(?:完成|做完|做)(?:整本|全部|整个)?的?(?:练习册|习题册|教辅|辅导书)"
            r"(?!\s*(?:上|中|里)?的?\s*(?:第|[p]\.?\s*\d|\d|[一二三四五六七八九十百]+\s*[页题课]))",
            r"整本(?:练习册|习题册|教辅)|教辅|模拟(?:试)?卷",
            # en: whole test paper, full practice test, complete the workbook, past paper
            r"\b(?:whole|entire|full)\s+(?:(?:practice|past|mock|sample|test|exam|model)\s+)?"
            r"(?:tests?|exams?|papers?|workbooks?|booklets?)\b",
            r"\b(?:complete|finish|do)\s+(?:the\s+|your\s+|this\s+|a\s+)?(?:whole\s+|entire\s+)?"
            r"workbook\b(?!\s*(?:pages?|p\.|pp\.|exercises?|ex\.|units?|sections?|chapters?"
            r"|lessons?|tasks?|§|#|\d))",
            r"\b(?:past|mock)\s+(?:exam\s+|test\s+)?papers?\b|\bmock\s+(?:exam|test)s?\b",
            # ru: весь сборник, целый вариант ЕГЭ, всю рабочую тетрадь, пробник
            r"\b(?:весь|всю|целый|целую|целиком|полный|полную|полностью)\s+(?:\w+\s+)?"
            r"(?:сборник|вариант|тетрад|тест|контрольн|пробник)\w*",
            r"\bвариант\w*\s+(?:№?\s*\d+\s+)?(?:ЕГЭ|ОГЭ|ВПР)\b|\bпробник\w*",
        ),
        NegativeItem.PARENTS_COMPLETE: (
            # zh: 家长完成, 家长代做, 家长帮助(孩子)完成, 在家长帮助下完成, 亲子作业
            rf"{_CN_PARENT}(?:帮助|帮忙|协助|帮|替|代替|代为|辅助|陪同|亲自)?"
            r"(?:孩子|学生|小朋友|子女)?(?:完成|做完|代做|代写|代劳|代笔|代答)",
            rf"{_CN_PARENT}(?:帮助|帮忙|协助|帮|替|代替)(?:孩子|学生|小朋友|子女)?做",
            rf"在{_CN_PARENT}的?(?:帮助|协助|帮忙)下",
            rf"[和与跟同]{_CN_PARENT}(?:一起|共同)(?:完成|制作)",
            r"亲子(?:手工)?作业",
            # en: parents complete, with your parents' help finish, ask your parents to do
            rf"\b{_EN_PARENT}\s*,?\s+{_EN_MODAL}?(?:help\s+(?:\w+\s+){{0,2}}?)?(?:complete|finish)\b",
            rf"\b{_EN_PARENT}\s*,?\s+{_EN_MODAL}do\b(?!\s+not\b)",
            rf"\bwith\s+(?:your\s+|a\s+|the\s+)?{_EN_PARENT}\s+help\b",
            rf"\bwith\s+(?:the\s+)?help\s+of\s+(?:your\s+|a\s+)?{_EN_PARENT}",
            rf"\b(?:ask|get|have|let)\s+(?:your\s+|a\s+)?{_EN_PARENT}\s+(?:to\s+)?"
            r"(?:help\s+(?:you\s+)?(?:to\s+)?)?(?:do|complete|finish|write|make|build)\b",
            rf"\b(?:together\s+)?with\s+(?:your\s+)?{_EN_PARENT}\s*,?\s+"
            r"(?:complete|finish|make|build)\b",
            # ru: родители выполняют, родителям сделать, с помощью родителей
            rf"\bродител\w*\s*,?\s+{_RU_MODAL}?(?:помо\w*\s+)?"
            r"(?:выполн|сдела|делают|делать|доделат|доделыва|заверш)\w*",
            r"\b(?:с|при)\s+помощ(?:ью|и)\s+родител\w*",
            r"\bвместе\s+с\s+родител\w*\s+(?:выполн|сдела|смастер|изготов|заверш)\w*",
            r"\b(?:выполн|сдела|смастер|изготов|заверш)\w*\s+(?:\w+\s+){0,3}?"
            r"вместе\s+с\s+родител\w*",
        ),
        NegativeItem.VIA_CHAT_APPS: (
            # zh: 微信群, QQ群, 钉钉, 班级群, 发到群里, 打卡, 拍照上传
            rf"微信群?|企业微信|{_L}qq{_R}群?|钉钉|班级群|家长群|班群|群里|群内|小程序|打卡|拍照上传"
            r"|发(?:到|至|在)[^，。；！？,;!?\n]{0,6}?群",
            # en: WeChat group, WhatsApp, class chat, send a photo of your work
            rf"{_L}(?:wechat|weixin|whatsapp|viber|dingtalk|ding\s?talk|qq){_R}"
            rf"|{_L}(?:telegram|line|signal)\s+(?:chat|group){_R}",
            r"\b(?:class|parents?['’]?|school)\s+(?:chat|group\s+chat|chat\s+group)\b"
            r"|\bgroup\s+chat\b|\bclass\s+group\b(?!\s+(?:work|project|discussion|activity))",
            rf"\b{_EN_SEND}\s+(?:\w+\s+){{0,3}}?(?:photos?|pictures?|pics|screenshots?|images?)\b",
            rf"\b{_EN_SEND}\s+(?:\w+\s+){{0,4}}?(?:to|in|on|into)\s+(?:the\s+|our\s+)?"
            r"(?:app|group|chat)\b",
            # ru: в чате, в вотсапе, в родительский чат, скиньте фото
            r"\b(?:whatsapp|вотсап\w*|ватсап\w*|вацап\w*|viber|вайбер\w*|телеграм\w*"
            r"|мессенджер\w*)",
            r"\b(?:в|во|через)\s+(?:\w+\s+)?чат\w*|\bв\s+групп\w*\s+класса\b",
            r"\b(?:присл|присыл|пришл|отправ|скин|скид|выклад|вылож|загруз|загруж)\w*\s+"
            r"(?:\w+\s+){0,3}?(?:фото|скрин|снимк)\w*",
        ),
        NegativeItem.PUBLISHED_IN_GROUPS: (
            # zh: 排名, 排行榜, 名次, 公布成绩, 晒分数, 点名批评
            r"排名(?!不分先后)|排行榜?|名次|红黑榜|点名批评|通报批评"
            r"|(?:公布|发布|晒|通报)[^，。；！？,;!?\n]{0,8}?"
            r"(?:成绩|分数|得分|排名|名单|完成情况|作业情况)",
            # en: ranking, leaderboard, publish the scores in the group
            r"\brankings?\b|\bleader\s?boards?\b|\bleague\s+tables?\b",
            r"\b(?:publish|published|publishing|post|posted|posting|share|shared|sharing"
            r"|announce|announced|announcing)\s+(?:\w+\s+){0,3}?"
            r"(?:scores|marks|grades|(?:test|exam)\s+results)\b",
            # ru: рейтинг, опубликовать оценки, список не сдавших
            r"\bрейтинг\w*",
            r"\b(?:опублик|публик|выложи|выклад|размест|объяв)\w*\s+(?:\w+\s+){0,3}?"
            r"(?:оценк|балл|отметк)\w*",
            r"\bсписок\s+(?:\w+\s+)?не\s*(?:сдавш|выполнивш|сделавш)\w*",
        ),
        NegativeItem.PARENTS_MARK: (
            # zh: 家长签字, 家长批改, 家长检查并签名 (but not 签字笔, a gel pen)
            rf"{_CN_PARENT}[^，。；！？,;!?\n师]{{0,6}}?"
            r"(?:签字(?!笔)|签名|签阅|阅签|签上|签个字|批改|批阅|打分|评分|评改|判分|改错|检查对错)",
            # en: parent signature, signed by a parent, parents mark/grade/check and sign
            rf"\b{_EN_PARENT}\s+(?:signature|sign-?off|initials)\b",
            rf"\bsigned\s+(?:off\s+)?by\s+(?:a\s+|your\s+|the\s+|one\s+)?{_EN_PARENT}",
            rf"\b{_EN_PARENT}\s*,?\s+{_EN_MODAL}?"
            r"(?:sign(?!\s+up)|mark|grade|correct|initial|check\s+and\s+sign)\b",
            rf"\b(?:have|get|ask)\s+(?:your\s+|a\s+)?{_EN_PARENT}\s+(?:to\s+)?"
            r"(?:sign(?!\s+up)|mark|grade|correct|check\s+and\s+sign)\b",
            # ru: подпись родителей, родители проверяют и подписывают
            r"\bподпис\w*\s+(?:у\s+|\w+\s+)?родител\w*|\bродительск\w*\s+подпис\w*",
            rf"\bродител\w*\s*,?\s+{_RU_MODAL}?(?:провер|подпис|подпиш|распис|распиш|оцен|исправ)\w*",
        ),
    }
)

#: Compiled negative-list patterns, by item; items absent here are not text-detectable.
PATTERNS: Final[Mapping[NegativeItem, tuple[re.Pattern[str], ...]]] = MappingProxyType(
    {item: tuple(re.compile(p, re.IGNORECASE) for p in raw) for item, raw in _RAW_PATTERNS.items()}
)


def _first_match(pattern: re.Pattern[str], norm: str, text: str) -> str | None:
    """Return the first acceptable match of pattern in norm, quoted from text, or None."""
    counted = "n" in pattern.groupindex
    for m in pattern.finditer(norm):
        if counted:
            count = _parse_count(m.group("n"))
            if count is None or count < MIN_REPETITIONS:
                continue
        return text[m.start() : m.end()].strip()
    return None


def find_hints(text: str) -> list[Hint]:
    """Return at most one hint per negative-list item found in text, in NegativeItem order."""
    norm = normalize(text)
    hints: list[Hint] = []
    for item in NegativeItem:
        for pattern in PATTERNS.get(item, ()):
            fragment = _first_match(pattern, norm, text)
            if fragment is not None:
                hints.append(Hint(item, fragment))
                break
    return hints
