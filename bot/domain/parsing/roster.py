"""A class list pasted from a spreadsheet or a chat: one name a line (with student numbers,
tabs, extra columns) or several a line separated by 、 , ， ; ；.

Names keep their order. Two pupils may share a name (张伟 is common), so a repeated name is
kept and reported in `duplicates` for the preview to ask about; lines with no name in them
(headers, totals, formulas, dashes) are reported in `junk`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.domain.parsing.result import BreaksRule, NotUnderstood, Parsed, Rule, Understood
from bot.domain.validate import clean_person_name

MAX_NAMES = 100

# Column headers and other cells that are words but not pupils.
_NOT_NAMES = {
    "序号", "学号", "编号", "姓名", "名字", "学生", "学生姓名", "性别", "男", "女", "班级",
    "合计", "总计",
    "№", "номер", "фио", "имя", "фамилия", "ученик", "пол", "м", "ж", "класс", "итого",
    "no", "name", "names", "student", "pupil", "gender", "class", "total", "m", "f",
}  # fmt: skip
_NUMBERING = re.compile(r"^\s*(?:№\s*)?\d{1,4}\s*(?:[.)、:．]\s*|\s+|(?=\D))")
_SEPARATORS = re.compile(r"[、,，;；]")


@dataclass(frozen=True)
class Roster:
    names: tuple[str, ...]
    duplicates: tuple[str, ...] = ()  # each name that occurs more than once, once
    junk: tuple[str, ...] = ()  # lines or cells in which no name was found


def _name(cell: str) -> str | None:
    cell = _NUMBERING.sub("", cell).strip()
    if not cell or cell.casefold().rstrip(".:") in _NOT_NAMES:
        return None
    checked = clean_person_name(cell)
    return checked.value


def _line_names(line: str) -> list[str] | None:
    """The names in one line, or None when it has none."""
    if "\t" in line:
        found = [name for name in map(_name, line.split("\t")) if name]
        return found[:1] or None  # student number, name, gender...: the first name column
    cells = [cell for cell in _SEPARATORS.split(_NUMBERING.sub("", line)) if cell.strip()]
    found = [name for name in map(_name, cells) if name]
    return found if found and len(found) == len(cells) else None


def parse_roster(raw: str | None) -> Parsed[Roster]:
    """Pupils' names in the order pasted; more than MAX_NAMES breaks TOO_MANY_NAMES."""
    text = unicodedata.normalize("NFC", raw or "").replace("\r\n", "\n").replace("\r", "\n")
    names: list[str] = []
    junk: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        found = _line_names(line)
        if found is None:
            junk.append(line.strip())
        else:
            names.extend(found)
    if not names:
        return NotUnderstood(text.strip())
    duplicates = tuple(name for name in dict.fromkeys(names) if names.count(name) > 1)
    roster = Roster(tuple(names), duplicates, tuple(junk))
    if len(names) > MAX_NAMES:
        return BreaksRule(Rule.TOO_MANY_NAMES, roster)
    return Understood(roster)
