"""/members' buttons: one payload dispatched on its action, one for a teacher's pair. Every
press re-checks that the presser administers the school (handlers.members.common.office)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from handlers.kit.callbacks import CallbackData

DIALOG = "members"


class MembersStep(enum.StrEnum):
    RENAME = "rename"  # a child's new name
    LIMIT = "limit"  # a class link's new use limit


class MembersAction(enum.StrEnum):
    MENU = "m"
    SCHOOLS = "s"  # page: the schools of an office of several
    TEACHERS = "t"  # page
    TEACHER = "tc"  # target: the teacher
    SUBJECT = "ts"  # target: the teacher, item: the subject whose classes to toggle
    REMOVE_TEACHER = "tr"
    REMOVE_TEACHER_OK = "tro"
    LEADERS = "l"  # page
    CLASSES = "k"  # page
    CLASS = "kc"  # target: the class, page
    CHILD = "c"  # target: the child
    REMOVE_PARENT = "pr"  # target: the class, item: the parent
    REMOVE_PARENT_OK = "pro"
    PENDING = "w"  # page
    CONFIRM = "wc"  # target: the child, page: of the pending list
    CONFIRM_ALL = "wa"
    RENAME = "cn"  # target: the child
    MERGE = "cm"  # target: the child to merge into another
    MERGE_INTO = "cmi"  # target: the child merged, item: the child kept
    MERGE_OK = "cmo"
    REMOVE_CHILD = "cr"
    REMOVE_CHILD_OK = "cro"
    WAITING = "j"  # page: who has not joined yet
    LIMIT = "kl"  # target: the class link (an invite)


@dataclass(frozen=True)
class MembersButton(CallbackData, prefix="mb"):
    act: MembersAction
    school: int
    target: int = 0
    item: int = 0
    page: int = 0


@dataclass(frozen=True)
class PairButton(CallbackData, prefix="mb.p"):
    """Add or remove one (class, subject) pair of a teacher: the grid shows ✅ on theirs."""

    school: int
    teacher: int
    subject: int
    klass: int
