"""Typed button payloads of complaints: the /complain draft, a complaint's card, the staff
listing; and what each card action means."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from bot.domain.complaints import ComplaintAction
from handlers.kit.callbacks import CallbackData

# ---------------------------------------------------------------- a complaint's card


class ComplaintCardAction(enum.StrEnum):
    """A button on a complaint: staff actions, complainant actions, views and confirmations."""

    VIEW = "v"  # staff: the card with its history
    MINE = "m"  # complainant: their complaint with the thread
    TAKE = "t"
    REPLY = "r"
    ASK = "q"
    RESOLVE = "s"
    ESCALATE = "e"
    RETURN = "b"
    ABUSIVE = "x"
    ABUSIVE_OK = "xx"  # the former confirmation: now asks for the reason like ABUSIVE
    CONTEST = "c"  # the complainant contests an abusive close: to the district
    ADD_INFO = "i"
    WITHDRAW = "w"
    WITHDRAW_OK = "ww"
    RATE_OK = "ok"
    RATE_BAD = "no"


ACTION_OF: dict[ComplaintCardAction, ComplaintAction] = {
    ComplaintCardAction.TAKE: ComplaintAction.TAKE,
    ComplaintCardAction.REPLY: ComplaintAction.REPLY,
    ComplaintCardAction.ASK: ComplaintAction.ASK,
    ComplaintCardAction.RESOLVE: ComplaintAction.RESOLVE,
    ComplaintCardAction.ESCALATE: ComplaintAction.ESCALATE,
    ComplaintCardAction.RETURN: ComplaintAction.RETURN,
    ComplaintCardAction.ABUSIVE: ComplaintAction.ABUSIVE,
    ComplaintCardAction.ABUSIVE_OK: ComplaintAction.ABUSIVE,
    ComplaintCardAction.CONTEST: ComplaintAction.CONTEST,
    ComplaintCardAction.ADD_INFO: ComplaintAction.ADD_INFO,
    ComplaintCardAction.WITHDRAW: ComplaintAction.WITHDRAW,
    ComplaintCardAction.WITHDRAW_OK: ComplaintAction.WITHDRAW,
    ComplaintCardAction.RATE_OK: ComplaintAction.RATE_RESOLVED,
    ComplaintCardAction.RATE_BAD: ComplaintAction.RATE_UNRESOLVED,
}
COMPLAINANT_ACTIONS = frozenset(
    {
        ComplaintAction.ADD_INFO,
        ComplaintAction.WITHDRAW,
        ComplaintAction.RATE_RESOLVED,
        ComplaintAction.RATE_UNRESOLVED,
        ComplaintAction.CONTEST,
    }
)
TEXT_ACTIONS = frozenset(
    {
        ComplaintAction.REPLY,
        ComplaintAction.ASK,
        ComplaintAction.RESOLVE,
        ComplaintAction.RETURN,
        ComplaintAction.ABUSIVE,  # the reason
        ComplaintAction.ADD_INFO,
    }
)
"""Actions that ask for a text first (a dialog whose step is the action)."""


@dataclass(frozen=True)
class ComplaintCardButton(CallbackData, prefix="cp.c"):
    complaint_id: int
    do: ComplaintCardAction


@dataclass(frozen=True)
class OwnComplaintsPageButton(CallbackData, prefix="cp.o"):
    """A page of a complainant's own complaints."""

    page: int


@dataclass(frozen=True)
class ComplaintFilterButton(CallbackData, prefix="cp.f"):
    """The staff listing with its filters ("" / 0: any); `menu` opens a picker."""

    status: str
    category: str
    class_id: int
    menu: str = ""
    page: int = 0


# ---------------------------------------------------------------- filing (/complain)


class ComplaintDraftStep(enum.StrEnum):
    SCHOOL = "school"
    CLASS = "class"
    CATEGORY = "category"
    TEXT = "text"
    PHOTOS = "photos"
    WHO = "who"
    PREVIEW = "preview"


class ComplaintDraftAction(enum.StrEnum):
    PHOTOS_DONE = "photos_done"
    SEND = "send"
    CANCEL = "cancel"


@dataclass(frozen=True)
class ComplaintPickButton(CallbackData, prefix="cp.p"):
    """A choice at `step`: a school or class id, a category index, 1 = anonymous / 0 = named."""

    token: str
    step: ComplaintDraftStep
    value: int


@dataclass(frozen=True)
class ComplaintDraftButton(CallbackData, prefix="cp.a"):
    token: str
    act: ComplaintDraftAction


@dataclass(frozen=True)
class ComplainAboutButton(CallbackData, prefix="cp.n"):
    """ "Complain about this" under a homework notice: /complain for this class and evening."""

    class_id: int
    day: date
