"""Routes button presses and free text by tables, not if/elif chains; keeps dialogs' lifetime.

Buttons are routed by payload type, and optionally by one field of the payload (like aiogram's
`CallbackData.filter(F.action == ...)`): `router.buttons(SettingsButton, lambda d: d.act,
{SettingsAction.CAPS: on_caps, ...})`. The tables are typed, so mypy refuses a handler whose
payload parameter is not the registered payload type.

Free text goes to the user's open dialog, by its name and step (like `ConversationHandler`'s
`states`): `router.dialog(NAME, {Step.TEXT: on_text, Step.MINUTES: on_minutes})`.

Every step reads its dialog under the user's lock (storage/dialogs.py: a row lock held until
the step commits), through `on_text` or `dialog_for`; a dialog left `DIALOG_TTL_MINUTES`
without a step counts as absent (like PTB's `conversation_timeout`) and is deleted. A step
declared optional (`router.dialog(NAME, steps, optional={Step.NOTE: is_note})`) closes as soon
as the user does something else: a command, a button that is not the dialog's (it does not
carry the dialog's token), or text its check refuses. Text that reaches no dialog ends in one
place, `did_not_understand`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from telegram import Update

from bot.i18n import _
from handlers.kit.callbacks import CallbackData, unpack
from handlers.kit.context import Ctx
from handlers.kit.gate import roles_of
from handlers.kit.replies import refuse_stale, say
from storage import dialogs, updates
from storage.models import Dialog, School

log = logging.getLogger(__name__)

P = TypeVar("P", bound=CallbackData)
K = TypeVar("K", bound=Hashable)

ButtonHandler = Callable[[Update, Ctx, P], Awaitable[None]]
StepHandler = Callable[[Update, Ctx, Dialog], Awaitable[None]]
AnswerCheck = Callable[[str | None], bool]
"""Whether a message (its text or caption; None: neither) answers an optional step."""
LooseTextHandler = Callable[[Update, Ctx], Awaitable[bool]]
"""Takes text that reaches no open dialog when it recognises it (returns True), else False."""

ANY_STEP = "*"
"""A dialog table's key for a handler that takes text at any step without its own entry."""


@dataclass(frozen=True)
class _ButtonRoute(Generic[P, K]):
    """Handlers of one payload type, chosen by `key(payload)` (one handler: key is None)."""

    key: Callable[[P], K] | None
    table: Mapping[Any, ButtonHandler[P]]

    def handler_for(self, data: P) -> ButtonHandler[P] | None:
        return self.table.get(self.key(data) if self.key is not None else None)


@dataclass(frozen=True)
class _DialogRoute:
    """A dialog's step handlers, and which of its steps are optional (with their check)."""

    steps: Mapping[str, StepHandler]
    optional: Mapping[str, AnswerCheck] = field(default_factory=dict)


class Router:
    """Tables filled in `handlers.registry`: payload -> handler, dialog step -> handler."""

    def __init__(self) -> None:
        self._buttons: dict[type[CallbackData], _ButtonRoute[Any, Any]] = {}
        self._dialogs: dict[str, _DialogRoute] = {}
        self._loose_text: list[LooseTextHandler] = []

    # -- registration

    def text_without_dialog(self, handler: LooseTextHandler) -> None:
        """Text outside any dialog is offered to `handler` (in registration order)."""
        self._loose_text.append(handler)

    def button(self, payload: type[P], handler: ButtonHandler[P]) -> None:
        """Every press of `payload` goes to `handler`."""
        self._add(payload, _ButtonRoute[P, None](None, {None: handler}))

    def buttons(
        self, payload: type[P], key: Callable[[P], K], table: Mapping[K, ButtonHandler[P]]
    ) -> None:
        """A press of `payload` goes to `table[key(payload)]`; a value not in it is refused."""
        self._add(payload, _ButtonRoute[P, K](key, table))

    def dialog(
        self,
        name: str,
        steps: Mapping[str, StepHandler],
        *,
        optional: Mapping[str, AnswerCheck] | None = None,
    ) -> None:
        """Text in dialog `name` goes to `steps[dialog.step]` (or `steps[ANY_STEP]`).

        A step in `optional` closes when the user does something else, or sends a message its
        check refuses (that message then goes where text outside any dialog goes)."""
        if name in self._dialogs:
            raise ValueError(f"dialog {name!r} is registered twice")
        for step in optional or {}:
            if step not in steps:
                raise ValueError(f"optional step {step!r} of dialog {name!r} has no handler")
        self._dialogs[name] = _DialogRoute(steps, optional or {})

    def _add(self, payload: type[CallbackData], route: _ButtonRoute[Any, Any]) -> None:
        if payload in self._buttons:
            raise ValueError(f"{payload.__name__} is registered twice")
        self._buttons[payload] = route

    # -- introspection (tests, docs)

    @property
    def payload_types(self) -> frozenset[type[CallbackData]]:
        return frozenset(self._buttons)

    @property
    def dialog_names(self) -> frozenset[str]:
        return frozenset(self._dialogs)

    def step_handler(self, dialog: Dialog) -> StepHandler | None:
        route = self._dialogs.get(dialog.name)
        if route is None:
            return None
        return route.steps.get(dialog.step) or route.steps.get(ANY_STEP)

    def answer_check(self, dialog: Dialog) -> AnswerCheck | None:
        """The check of the dialog's step if that step is optional, else None."""
        route = self._dialogs.get(dialog.name)
        return route.optional.get(dialog.step) if route is not None else None

    # -- dispatch

    async def on_button(self, update: Update, context: Ctx) -> None:
        query = update.callback_query
        assert query is not None
        data = unpack(query.data)
        route = self._buttons.get(type(data)) if data is not None else None
        handler = route.handler_for(data) if route is not None else None
        if data is None or handler is None:
            await refuse_stale(update)
            return
        # A button of another dialog, or of none, closes an optional step. Buttons of a dialog
        # carry its token (a stale one of the same dialog does not match either).
        await self._close_optional_step(update, context, keep=getattr(data, "token", None))
        await _stale_writer_refused(update, context, handler(update, context, data))

    async def on_text(self, update: Update, context: Ctx) -> None:
        """Free text (or a photo) goes to the user's open dialog, whatever process opened it."""
        assert update.effective_user is not None
        dialog = await live_dialog(context, update.effective_user.id)
        handler = self.step_handler(dialog) if dialog is not None else None
        if dialog is not None and handler is not None and not self._answers(dialog, update):
            await _close(context, dialog)
            handler = None
        if dialog is None or handler is None:
            for loose in self._loose_text:
                if await loose(update, context):
                    return
            await did_not_understand(update, context)
            return
        dialogs.touch(dialog, context.now())
        await _stale_writer_refused(update, context, handler(update, context, dialog))

    async def on_command(self, update: Update, context: Ctx) -> None:
        """Before any command: an open optional step closes. (A mandatory step stays open, as
        a command such as /help mid-dialog leaves it; /cancel or a new dialog ends it.)"""
        await self._close_optional_step(update, context, keep=None)

    def _answers(self, dialog: Dialog, update: Update) -> bool:
        check = self.answer_check(dialog)
        if check is None:
            return True
        message = update.effective_message
        return check(message.text or message.caption if message is not None else None)

    async def _close_optional_step(self, update: Update, context: Ctx, keep: object) -> None:
        """Close the user's dialog if it is at an optional step and `keep` is not its token."""
        if update.effective_user is None:
            return
        dialog = await live_dialog(context, update.effective_user.id)
        if dialog is not None and self.answer_check(dialog) is not None and keep != dialog.token:
            await _close(context, dialog)


async def did_not_understand(update: Update, context: Ctx) -> None:
    """Where text that reaches no open dialog ends: it is never stored as anything."""
    await say(update, _("I did not understand that. Send /help to see what I can do for you."))


async def live_dialog(context: Ctx, user_id: int) -> Dialog | None:
    """The user's dialog, read under the user's lock; an expired one is deleted at once and
    counts as absent."""
    session = context.session
    dialog = await dialogs.lock_dialog(session, user_id)
    if dialog is not None and dialogs.expired(dialog, context.now(), context.settings.dialog_ttl):
        await _close(context, dialog)
        return None
    return dialog


async def _close(context: Ctx, dialog: Dialog) -> None:
    """End a dialog for good, before the update goes on (a handler may not commit)."""
    await dialogs.end_dialog(context.session, dialog.user_id)
    await context.session.commit()


async def _stale_writer_refused(update: Update, context: Ctx, step: Awaitable[None]) -> None:
    """Run a step; if another process changed or closed its dialog since it was read (only
    possible where there are no row locks, i.e. SQLite), the step's work is rolled back and
    the user gets the polite refusal instead of an error."""
    try:
        await step
    except dialogs.StaleDialog:
        await context.session.rollback()
        log.info("update %s lost a race for its dialog; refused", update.update_id)
        if await handled_elsewhere(context, update):
            return
        if update.callback_query is not None:
            await refuse_stale(update)
        else:
            await say(update, _("This is no longer available."))


async def handled_elsewhere(context: Ctx, update: Update) -> bool:
    """True when another process already handled this very update (a redelivery), whose
    dialog step this one then found closed: the user got their answer there."""
    return await updates.committed_elsewhere(context.session, update.update_id)


async def dialog_for(context: Ctx, update: Update, name: str, token: str) -> Dialog | None:
    """The user's open dialog when a button belongs to it; None (after a polite refusal) if not.
    The dialog is read under the user's lock, held until the step commits."""
    assert update.effective_user is not None
    dialog = await live_dialog(context, update.effective_user.id)
    if dialog is None or dialog.name != name or dialog.token != token:
        if not await handled_elsewhere(context, update):
            await refuse_stale(update)
        return None
    dialogs.touch(dialog, context.now())
    return dialog


async def admin_dialog_for(
    context: Ctx, update: Update, name: str, token: str
) -> tuple[Dialog, School] | None:
    """A school-administration dialog and its school, if the presser still administers it."""
    dialog = await dialog_for(context, update, name, token)
    if dialog is None:
        return None
    school = await context.session.get(School, dialog.data.get("school_id"))
    roles = await roles_of(context, dialog.user_id)
    if school is None or not roles.administers(school.id):
        await refuse_stale(update)
        return None
    return dialog, school
