"""Typed buttons of a parent's look-ups and of text typed outside any step (kept apart from
the modules that handle them, so the scheduler's notice can carry them without a cycle)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from handlers.kit.callbacks import CallbackData


@dataclass(frozen=True)
class ParentHomeworkButton(CallbackData, prefix="pv.h"):
    """A parent's homework view: one child (0: every child), the coming days or this week."""

    child_id: int
    week: bool = False


@dataclass(frozen=True)
class TypedMinutesButton(CallbackData, prefix="pv.m"):
    """Minutes typed outside any step, for the child whose evening question is open."""

    child_id: int
    day: date
    minutes: int


class MenuAction(enum.StrEnum):
    HOMEWORK = "h"
    REPORT = "r"
    COMPLAIN = "c"
    HELP = "?"


@dataclass(frozen=True)
class MenuButton(CallbackData, prefix="pv.u"):
    """The short menu offered for text that no rule recognises."""

    action: MenuAction
