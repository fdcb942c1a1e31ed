"""Homework's dialog names, steps, actions and button payloads, and the choices offered."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.domain.load import HomeworkKind
from handlers.kit.callbacks import CallbackData

DIALOG = "homework"
REJECT_DIALOG = "homework_reject"
MAX_TEXT = 1000
MAX_REASON = 500
MINUTE_CHOICES = (10, 15, 20, 30, 45, 60)
TYPED_MINUTES = 0
"""The minutes button's value for "Type a number"."""
EVENING_CHOICES = 6
DUE_CHOICES = 6
NEXT_SCHOOL_DAY = 0
"""The due-date button's value for "Due the next school day"."""
KINDS = list(HomeworkKind)


class HomeworkStep(enum.StrEnum):
    """The /assign dialog's steps (class -> subject -> text -> kind -> minutes -> evening ->
    due -> preview)."""

    CLASS = "class"
    SUBJECT = "subject"
    TEXT = "text"
    KIND = "kind"
    MINUTES = "minutes"
    EVENING = "evening"
    DUE = "due"
    PREVIEW = "preview"


class HomeworkRejectStep(enum.StrEnum):
    """The grade leader's reject dialog: one step, the reason for the teacher."""

    REASON = "reason"


class HomeworkAction(enum.StrEnum):
    """The preview's buttons."""

    POST = "post"
    POST_OVER = "post_over"
    SUBMIT = "submit"
    SAVE = "save"
    EDIT = "edit"
    CANCEL = "cancel"


@dataclass(frozen=True)
class HomeworkPickButton(CallbackData, prefix="hw.p"):
    """A choice at `step`: a class/subject id, a kind index, minutes, or a date ordinal."""

    token: str
    step: HomeworkStep
    value: int


@dataclass(frozen=True)
class HomeworkActionButton(CallbackData, prefix="hw.a"):
    token: str
    action: HomeworkAction


@dataclass(frozen=True)
class HomeworkEditButton(CallbackData, prefix="hw.e"):
    """Go back to one field from the preview."""

    token: str
    field: HomeworkStep


@dataclass(frozen=True)
class HomeworkDecisionButton(CallbackData, prefix="hw.ok"):
    """The grade leader's approve or reject of a piece over the limit."""

    assignment_id: int
    approve: bool
