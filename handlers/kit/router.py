"""Routes button presses and free text by tables, not if/elif chains.

Buttons are routed by payload type, and optionally by one field of the payload (like aiogram's
`CallbackData.filter(F.action == ...)`): `router.buttons(SettingsButton, lambda d: d.act,
{SettingsAction.CAPS: on_caps, ...})`. The tables are typed, so mypy refuses a handler whose
payload parameter is not the registered payload type.

Free text goes to the user's open dialog, by its name and step (like `ConversationHandler`'s
`states`): `router.dialog(NAME, {Step.TEXT: on_text, Step.MINUTES: on_minutes})`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from telegram import Update

from bot.i18n import _
from handlers.kit.callbacks import CallbackData, unpack
from handlers.kit.context import Ctx
from handlers.kit.gate import roles_of
from handlers.kit.replies import refuse_stale, say
from storage import repo
from storage.models import Dialog, School

P = TypeVar("P", bound=CallbackData)
K = TypeVar("K", bound=Hashable)

ButtonHandler = Callable[[Update, Ctx, P], Awaitable[None]]
StepHandler = Callable[[Update, Ctx, Dialog], Awaitable[None]]
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


class Router:
    """Tables filled in `handlers.registry`: payload -> handler, dialog step -> handler."""

    def __init__(self) -> None:
        self._buttons: dict[type[CallbackData], _ButtonRoute[Any, Any]] = {}
        self._dialogs: dict[str, Mapping[str, StepHandler]] = {}
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

    def dialog(self, name: str, steps: Mapping[str, StepHandler]) -> None:
        """Text in dialog `name` goes to `steps[dialog.step]` (or `steps[ANY_STEP]`)."""
        if name in self._dialogs:
            raise ValueError(f"dialog {name!r} is registered twice")
        self._dialogs[name] = steps

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
        steps = self._dialogs.get(dialog.name)
        if steps is None:
            return None
        return steps.get(dialog.step) or steps.get(ANY_STEP)

    # -- dispatch

    async def on_button(self, update: Update, context: Ctx) -> None:
        query = update.callback_query
        assert query is not None
        data = unpack(query.data)
        route = self._buttons.get(type(data)) if data is not None else None
        handler = route.handler_for(data) if route is not None else None
        if handler is None:
            await refuse_stale(update)
            return
        await handler(update, context, data)

    async def on_text(self, update: Update, context: Ctx) -> None:
        """Free text (or a photo) goes to the user's open dialog, whatever process opened it."""
        assert update.effective_user is not None
        dialog = await repo.get_dialog(context.session, update.effective_user.id)
        handler = self.step_handler(dialog) if dialog is not None else None
        if dialog is None:
            for loose in self._loose_text:
                if await loose(update, context):
                    return
        if dialog is None or handler is None:
            await say(
                update,
                _("I did not understand that. Send /help to see what I can do for you."),
            )
            return
        await handler(update, context, dialog)


async def dialog_for(context: Ctx, update: Update, name: str, token: str) -> Dialog | None:
    """The user's open dialog when a button belongs to it; None (after a polite refusal) if not."""
    assert update.effective_user is not None
    dialog = await repo.get_dialog(context.session, update.effective_user.id)
    if dialog is None or dialog.name != name or dialog.token != token:
        await refuse_stale(update)
        return None
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
