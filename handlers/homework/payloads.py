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
NEXT_SCHOOL_DAY = 0
"""The due-date button's value for "Due the next school day"."""
WEEKEND = 1
"""The day picker's value for "this weekend" (or the coming holiday): spread over its days."""
MAX_DAYS_AHEAD = 120
"""How far ahead a day or a due date may be typed (about a term)."""
MAX_COPIES = 20
KINDS = list(HomeworkKind)


class HomeworkStep(enum.StrEnum):
    """The /assign dialog's steps: subject -> text (class toggles on the same message; the
    minutes may end the text) -> minutes -> preview. The kind is guessed or remembered, the
    day defaults to today: both are changed from the preview (KIND, EVENING), as is the due
    date (DUE, only on "Due later"). COPY lists earlier pieces to start from."""

    CLASS = "class"
    SUBJECT = "subject"
    TEXT = "text"
    KIND = "kind"
    MINUTES = "minutes"
    EVENING = "evening"
    DUE = "due"
    PREVIEW = "preview"
    COPY = "copy"


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
    COPY = "copy"
    """List the teacher's recent pieces to copy one."""
    LAYER = "layer"
    """Switch the piece between required (必做) and optional (选做)."""


@dataclass(frozen=True)
class HomeworkPickButton(CallbackData, prefix="hw.p"):
    """A choice at `step`: a class (toggled) or subject id, a kind index, minutes, a date
    ordinal (or WEEKEND / NEXT_SCHOOL_DAY), or the id of a piece to copy."""

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


@dataclass(frozen=True)
class HomeworkMonthButton(CallbackData, prefix="hw.mo"):
    """◀ / ▶ on the day or due-date calendar: show `month` (year * 12 + month - 1)."""

    token: str
    step: HomeworkStep
    month: int
