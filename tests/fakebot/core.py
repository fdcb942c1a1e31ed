"""In-memory fake of the Telegram Bot API.

`FakeBotAPI.handle(method, params)` answers one Bot API call the way Telegram would (same JSON
shapes, same error codes and descriptions for the cases we model). Tests drive the "human" side
through `FakeUser` objects (`api.user(42)`), which enqueue updates and inspect what the bot sent.

Threading: all state is guarded by one `threading.RLock` and every wait (long poll, `wait_for`,
`wait_idle`) polls every `POLL_INTERVAL` seconds with `asyncio.sleep`, so the API can live in a
server thread's event loop while the test waits from its own loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .transcript import TRANSCRIPT

JSON = dict[str, Any]
Matcher = str | re.Pattern[str] | Callable[["SentMessage"], bool]

POLL_INTERVAL = 0.02


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Parameters that are strings in the Bot API: never JSON-decode them ("123" must stay "123").
_STRING_KEYS = _words(
    """text caption parse_mode callback_query_id url file_id language_code action photo document
    inline_message_id business_connection_id message_effect_id secret_token ip_address video
    audio animation voice sticker thumbnail emoji title description short_description name query"""
)
_METHODS = _words(
    """getMe logOut close deleteWebhook setWebhook getWebhookInfo getUpdates sendMessage sendPhoto
    sendMediaGroup sendDocument sendChatAction editMessageText editMessageCaption
    editMessageReplyMarkup deleteMessage answerCallbackQuery setMyCommands deleteMyCommands
    getMyCommands setChatMenuButton getChatMenuButton getChat getFile"""
)
_CANONICAL = {name.lower(): name for name in _METHODS}
# Calls that put something in a chat: refused for blocked users, counted by the rate limit.
_CHAT_METHODS = _words(
    """sendMessage sendPhoto sendMediaGroup sendDocument sendChatAction editMessageText
    editMessageCaption editMessageReplyMarkup deleteMessage"""
)
_RATED_METHODS = _CHAT_METHODS - {"sendChatAction", "deleteMessage"}
# Telegram's default when allowed_updates was never given.
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_HTML_TAGS = _words(
    "b strong i em u ins s strike del span tg-spoiler a tg-emoji code pre blockquote"
)
_TAG_RE = re.compile(r"<(/?)([^\s>/]*)[^>]*>")
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup of "
    "the message are exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """A Bot API error answer; raised inside method implementations."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after

    def body(self) -> JSON:
        out: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after}
        return out


class CallTimedOut(Exception):
    """The answer to a call never reaches the client in time (it times out). `delivered`: the
    call took effect first (the message is in the chat) and only the answer was lost. The
    transports turn it into a client-side timeout: `FakeRequest` raises PTB's TimedOut, the
    HTTP server answers only after `FakeBotAPI.timeout_delay` seconds."""

    def __init__(self, delivered: bool) -> None:
        super().__init__("timed out after delivery" if delivered else "timed out")
        self.delivered = delivered


TIMED_OUT = 504
"""`Call.status` of a call whose answer timed out."""

Fault = ApiError | CallTimedOut
Chaos = Callable[[str, Mapping[str, Any]], Fault | None]
"""Decides a fault (or none) for each call but getUpdates: `api.chaos = policy`."""


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


def decode_params(raw: Mapping[str, object]) -> dict[str, Any]:
    """Decode transport values: JSON-encoded numbers/bools/objects/arrays become Python values
    (string-typed parameters are left alone), bytes become `UploadedFile`s."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, bytes | bytearray):
            value = UploadedFile(filename=key, content=bytes(value))
        elif isinstance(value, str) and key not in _STRING_KEYS:
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        out[key] = value
    return out


@dataclass
class Call:
    """One Bot API call as received; `status` is the HTTP status it was answered with."""

    method: str
    params: dict[str, Any]
    time: float  # time.monotonic()
    status: int = 0


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def file_path(self) -> str:
        return f"files/{self.file_unique_id}/{self.file_name or 'file'}"


@dataclass
class SentMessage:
    """A message the bot sent, in its current state (edits apply in place)."""

    chat_id: int
    message_id: int
    date: int
    text: str | None  # text or caption, as the user sees it (HTML tags removed)
    raw_text: str | None = None  # text or caption as sent
    parse_mode: str | None = None
    reply_markup: list[list[JSON]] = field(default_factory=list)  # inline keyboard rows
    markup: JSON | None = None  # the reply_markup parameter as given (also reply keyboards)
    photo: str | None = None  # file_id
    media_group_id: str | None = None  # set on each photo of a media group
    document: str | None = None  # file_id
    document_bytes: bytes | None = None  # set when the document was uploaded
    document_name: str | None = None
    edits: int = 0
    edit_date: int | None = None
    deleted: bool = False
    seq: int = 0  # global change counter at the last send/edit/delete (see FakeUser.mark)

    @property
    def buttons(self) -> list[JSON]:
        return [button for row in self.reply_markup for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [str(button.get("text")) for button in self.buttons]

    def describe(self) -> str:
        flags = "".join(
            f" [{flag}]"
            for flag, on in (("deleted", self.deleted), (f"edited x{self.edits}", self.edits))
            if on
        )
        kind = "photo " if self.photo else "document " if self.document else ""
        buttons = " ".join(f"[{t}]" for t in self.button_texts)
        return f"#{self.message_id} {kind}{self.text!r}{flags}{' ' + buttons if buttons else ''}"


@dataclass
class CallbackAnswer:
    query_id: str
    update_id: int
    data: str | None  # the tapped button's callback_data
    text: str | None
    show_alert: bool
    url: str | None


@dataclass
class _Query:
    user_id: int
    update_id: int
    data: str | None
    answer: CallbackAnswer | None = None


def _text_param(params: Mapping[str, Any], key: str) -> str | None:
    value = params.get(key)
    return None if value is None else str(value)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _render(text: str, parse_mode: str | None) -> str:
    """The text the user sees; validates HTML like Telegram (supported tags, nesting)."""
    if (parse_mode or "").upper() != "HTML":
        return text
    stack: list[str] = []
    for match in _TAG_RE.finditer(text):
        closing, name = match.group(1) == "/", match.group(2).lower()
        where = f"at byte offset {len(text[: match.start()].encode())}"
        if name not in _HTML_TAGS:
            kind = "end" if closing else "start"
            raise ApiError(
                400, f'Bad Request: can\'t parse entities: Unsupported {kind} tag "{name}" {where}'
            )
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            raise ApiError(400, f"Bad Request: can't parse entities: Unmatched end tag {where}")
    if stack:
        raise ApiError(
            400,
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1]}"',
        )
    return html.unescape(_TAG_RE.sub("", text))


def _inline_rows(markup: object) -> list[list[JSON]]:
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return []
    rows: list[list[JSON]] = markup["inline_keyboard"]
    for button in (b for row in rows for b in row):
        if not button.get("text"):
            raise ApiError(400, "Bad Request: can't parse inline keyboard button: Text is empty")
        if len(button) < 2:
            raise ApiError(
                400,
                "Bad Request: can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard",
            )
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= 64:
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return rows


def _matcher(pattern: Matcher) -> Callable[[SentMessage], bool]:
    if isinstance(pattern, str):
        return lambda m: pattern in (m.text or "") or pattern in (m.raw_text or "")
    if isinstance(pattern, re.Pattern):
        regex = pattern
        return lambda m: bool(regex.search(m.text or "") or regex.search(m.raw_text or ""))
    return pattern


class FakeBotAPI:
    """Pure in-memory Telegram Bot API state. See the module docstring."""

    def __init__(
        self,
        bot_id: int = 7000000001,
        username: str = "qingfu_test_bot",
        first_name: str = "Qingfu",
    ) -> None:
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.messages: dict[int, list[SentMessage]] = {}  # chat id -> bot messages, in order
        self.users: dict[int, FakeUser] = {}
        self.files: dict[str, StoredFile] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}  # (scope json, language) -> list
        self.menu_buttons: dict[int | None, JSON] = {}  # chat id (None: default) -> button
        self.webhook_url = ""
        self.tokens_seen: set[str] = set()
        self.rate_limit_per_second: float | None = None
        self.rate_violations = 0
        self.conflicts = 0  # getUpdates calls terminated by a newer getUpdates (409)
        self.blocked: set[int] = set()
        self._lock = threading.RLock()
        self._updates: list[JSON] = []  # not yet acknowledged
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)  # file ids, callback query ids
        self._next_message_id: dict[int, int] = {}
        self._seq = 0
        self._faults: dict[str, list[Fault]] = {}
        self.chaos: Chaos | None = None
        self.timeout_delay = 6.0  # longer than PTB's default read timeout (5 s)
        self._send_times: deque[float] = deque()
        self._queries: dict[str, _Query] = {}
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self.last_activity = time.monotonic()  # last non-getUpdates call or update traffic

    # ------------------------------------------------------------------ test-side controls

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        language_code: str = "en",
        username: str | None = None,
        last_name: str | None = None,
        started: bool = True,
        met_elsewhere: bool = False,
    ) -> FakeUser:
        """The user with this id (created on first call; later calls return the same object).
        `started=False`: they never opened the bot, which may not message them until they send
        something: Telegram answers 400 "chat not found", or 403 "bot can't initiate
        conversation" when the bot has met them elsewhere (`met_elsewhere`: a group, an inline
        query)."""
        with self._lock:
            if user_id not in self.users:
                self.users[user_id] = FakeUser(
                    self, user_id, first_name, language_code, username, last_name, started
                )
                self.users[user_id].met_elsewhere = met_elsewhere
            return self.users[user_id]

    def block(self, user_id: int, *, notify: bool = False) -> None:
        """The user blocks the bot: sends/edits to their chat get 403. `notify` also enqueues
        the `my_chat_member` update (status "kicked") that Telegram sends."""
        with self._lock:
            self.blocked.add(user_id)
            if notify:
                self._chat_member_update(user_id, "member", "kicked")

    def unblock(self, user_id: int, *, notify: bool = False) -> None:
        with self._lock:
            self.blocked.discard(user_id)
            if notify:
                self._chat_member_update(user_id, "kicked", "member")

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """The next `times` calls of `method` fail (default: 429 Too Many Requests)."""
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after}",
                400: "Bad Request: injected failure",
                403: "Forbidden: injected failure",
            }.get(status, "Internal Server Error: injected failure")
        error = ApiError(status, description, retry_after if status == 429 else None)
        with self._lock:
            self._faults.setdefault(method.lower(), []).extend([error] * times)

    def time_out_next(self, method: str, *, delivered: bool, times: int = 1) -> None:
        """The next `times` calls of `method` time out, before taking effect or (`delivered`)
        after it: the client cannot tell which."""
        with self._lock:
            self._faults.setdefault(method.lower(), []).extend([CallTimedOut(delivered)] * times)

    def push_update(self, payload: JSON) -> int:
        """Enqueue a raw update (without update_id); returns its update_id."""
        with self._lock:
            update_id = next(self._update_ids)
            message = payload.get("message") or {}
            TRANSCRIPT.record_typed(message.get("text") or message.get("caption"))
            self._updates.append({"update_id": update_id, **payload})
            self.last_activity = time.monotonic()
            return update_id

    def take_updates(self) -> list[JSON]:
        """Remove and return all pending updates (for feeding an Application directly)."""
        with self._lock:
            updates, self._updates = self._updates, []
            return updates

    @property
    def pending_updates(self) -> list[JSON]:
        with self._lock:
            return list(self._updates)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method.lower() == method.lower()]

    def commands_for(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """The commands set for exactly this scope and language (like getMyCommands)."""
        with self._lock:
            return list(self.commands.get(self._commands_key(scope, language_code), []))

    def file_content(self, file_path: str) -> bytes | None:
        with self._lock:
            for stored in self.files.values():
                if stored.file_path == file_path:
                    return stored.content
            return None

    @property
    def seq(self) -> int:
        with self._lock:
            return self._seq

    # ------------------------------------------------------------------ dispatch

    async def handle(self, method: str, params: dict[str, Any]) -> tuple[int, JSON]:
        """Answer one Bot API call: (HTTP status, response JSON)."""
        name = _CANONICAL.get(method.lower(), method)
        call = Call(name, dict(params), time.monotonic())
        with self._lock:
            self.calls.append(call)
            if name != "getUpdates":
                self.last_activity = call.time
        try:
            if name not in _METHODS:
                raise ApiError(404, "Not Found: method not found")
            if name == "getUpdates":
                self._check_faults(name)
                result: Any = await self._get_updates(params)
            else:
                with self._lock:
                    fault = self._fault(name, params)
                    if isinstance(fault, ApiError) or (fault is not None and not fault.delivered):
                        raise fault
                    if name in _CHAT_METHODS:
                        self._check_chat(name, params)
                    result = getattr(self, f"_api_{name.lower()}")(params)
                    if name in _RATED_METHODS:
                        self._send_times.append(time.monotonic())
                    if fault is not None:
                        raise fault
        except ApiError as error:
            call.status = error.status
            return error.status, error.body()
        except CallTimedOut:
            call.status = TIMED_OUT
            raise
        call.status = 200
        return 200, {"ok": True, "result": result}

    def _check_faults(self, name: str) -> None:
        with self._lock:
            queue = self._faults.get(name.lower())
            if queue:
                raise queue.pop(0)

    def _fault(self, name: str, params: Mapping[str, Any]) -> Fault | None:
        """The queued fault for this call, else the chaos policy's."""
        queue = self._faults.get(name.lower())
        if queue:
            return queue.pop(0)
        return self.chaos(name, params) if self.chaos is not None else None

    def _check_chat(self, name: str, params: Mapping[str, Any]) -> None:
        chat_id = self._chat_id(params)
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        user = self.users[chat_id]
        if not user.started:
            if user.met_elsewhere:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise ApiError(400, "Bad Request: chat not found")
        if name in _RATED_METHODS and self.rate_limit_per_second is not None:
            now = time.monotonic()
            while self._send_times and self._send_times[0] <= now - 1.0:
                self._send_times.popleft()
            if len(self._send_times) >= self.rate_limit_per_second:
                self.rate_violations += 1
                raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)

    def _chat_id(self, params: Mapping[str, Any]) -> int:
        value = params.get("chat_id")
        if isinstance(value, str):
            for user in self.users.values():
                if value == str(user.id) or (user.username and value == f"@{user.username}"):
                    return user.id
        elif isinstance(value, int) and value in self.users:
            return value
        if value is None:
            raise ApiError(400, "Bad Request: chat_id is empty")
        raise ApiError(400, "Bad Request: chat not found")

    # ------------------------------------------------------------------ JSON builders

    def _chat_json(self, chat_id: int) -> JSON:
        user = self.users[chat_id]
        chat: JSON = {"id": chat_id, "type": "private", "first_name": user.first_name}
        if user.last_name:
            chat["last_name"] = user.last_name
        if user.username:
            chat["username"] = user.username
        return chat

    def _file_json(self, file_id: str) -> JSON:
        stored = self.files[file_id]
        out: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
        }
        if stored.file_name:
            out["file_name"] = stored.file_name
        if stored.mime_type:
            out["mime_type"] = stored.mime_type
        return out

    def _photo_json(self, file_id: str) -> list[JSON]:
        info = self._file_json(file_id)
        info.pop("file_name", None)
        info.pop("mime_type", None)
        return [{**info, "width": 800, "height": 600}]

    def message_json(self, msg: SentMessage) -> JSON:
        """`msg` as a Bot API Message object (as returned by send*/edit* and in callbacks)."""
        out: JSON = {
            "message_id": msg.message_id,
            "date": msg.date,
            "chat": self._chat_json(msg.chat_id),
            "from": self.bot_user,
        }
        if msg.photo or msg.document:
            if msg.photo:
                out["photo"] = self._photo_json(msg.photo)
            else:
                out["document"] = self._file_json(str(msg.document))
            if msg.text is not None:
                out["caption"] = msg.text
        else:
            out["text"] = msg.text
        if msg.media_group_id is not None:
            out["media_group_id"] = msg.media_group_id
        if msg.reply_markup:
            out["reply_markup"] = {"inline_keyboard": msg.reply_markup}
        if msg.edit_date is not None:
            out["edit_date"] = msg.edit_date
        return out

    def _chat_member_update(self, user_id: int, old: str, new: str) -> None:
        def member(status: str) -> JSON:
            extra = {"until_date": 0} if status == "kicked" else {}
            return {"user": self.bot_user, "status": status, **extra}

        user = self.user(user_id)
        self.push_update(
            {
                "my_chat_member": {
                    "chat": self._chat_json(user_id),
                    "from": user.user_json(),
                    "date": int(time.time()),
                    "old_chat_member": member(old),
                    "new_chat_member": member(new),
                }
            }
        )

    # ------------------------------------------------------------------ state helpers

    def _touch(self, msg: SentMessage) -> None:
        self._seq += 1
        msg.seq = self._seq

    def new_message_id(self, chat_id: int) -> int:
        with self._lock:
            message_id = self._next_message_id.get(chat_id, 1)
            self._next_message_id[chat_id] = message_id + 1
            return message_id

    def store_file(
        self,
        content: bytes,
        file_name: str | None = None,
        mime_type: str | None = None,
        file_id: str | None = None,
    ) -> str:
        with self._lock:
            n = next(self._ids)
            file_id = file_id or f"fake-file-{n}"
            self.files[file_id] = StoredFile(file_id, f"u{n}", content, file_name, mime_type)
            return file_id

    def _input_file(self, value: object, kind: str) -> tuple[str, UploadedFile | None]:
        if isinstance(value, UploadedFile):
            mime = None if kind == "photo" else value.mime_type
            return self.store_file(value.content, value.filename, mime), value
        if not isinstance(value, str) or not value:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        if value not in self.files:
            if not value.startswith(("http://", "https://")):
                # Like Telegram: a file id this bot never received (or one that expired).
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            self.store_file(f"fake {kind} {value}".encode(), file_id=value)  # fetched by URL
        return value, None

    def forget_file(self, file_id: str) -> None:
        """The file id no longer works (Telegram's files do not live forever)."""
        with self._lock:
            self.files.pop(file_id, None)

    def _find_message(self, params: Mapping[str, Any], action: str) -> SentMessage:
        if params.get("inline_message_id") is not None:
            raise ApiError(400, "Bad Request: inline messages are not supported by the fake")
        chat_id = self._chat_id(params)
        message_id = params.get("message_id")
        for msg in self.messages.get(chat_id, []):
            if msg.message_id == message_id and not msg.deleted:
                return msg
        raise ApiError(400, f"Bad Request: message to {action} not found")

    def _send(self, params: Mapping[str, Any], text: str | None, **fields: Any) -> JSON:
        chat_id = self._chat_id(params)
        parse_mode = _text_param(params, "parse_mode")
        visible = None if text is None else _render(text, parse_mode)
        markup = params.get("reply_markup")
        msg = SentMessage(
            chat_id=chat_id,
            message_id=self.new_message_id(chat_id),
            date=int(time.time()),
            text=visible,
            raw_text=text,
            parse_mode=parse_mode,
            reply_markup=_inline_rows(markup),
            markup=markup if isinstance(markup, dict) else None,
            **fields,
        )
        self._touch(msg)
        self.messages.setdefault(chat_id, []).append(msg)
        self._transcribe(msg)
        return self.message_json(msg)

    def _edit(self, msg: SentMessage, params: Mapping[str, Any], text: str | None) -> JSON:
        parse_mode = _text_param(params, "parse_mode")
        visible = None if text is None else _render(text, parse_mode)
        rows = _inline_rows(params.get("reply_markup"))
        if visible == msg.text and rows == msg.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        msg.text, msg.raw_text, msg.parse_mode, msg.reply_markup = visible, text, parse_mode, rows
        msg.markup = params.get("reply_markup")
        msg.edits += 1
        msg.edit_date = int(time.time())
        self._touch(msg)
        self._transcribe(msg)
        return self.message_json(msg)

    def _language_of(self, chat_id: int) -> str:
        user = self.users.get(chat_id)
        return (user.language_code or "") if user is not None else ""

    def _transcribe(self, msg: SentMessage) -> None:
        """Record what the reader sees (tests/fakebot/transcript.py)."""
        language = self._language_of(msg.chat_id)
        TRANSCRIPT.record(language, "message", msg.text)
        for label in msg.button_texts:
            TRANSCRIPT.record(language, "button", label)

    @staticmethod
    def _checked_caption(params: Mapping[str, Any]) -> str | None:
        caption = _text_param(params, "caption")
        if caption is not None and len(_render(caption, _text_param(params, "parse_mode"))) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        return caption

    @staticmethod
    def _checked_text(params: Mapping[str, Any]) -> str:
        text = _text_param(params, "text") or ""
        visible = _render(text, _text_param(params, "parse_mode"))
        if not visible.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(visible) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    def _commands_key(self, scope: object, language_code: object) -> tuple[str, str]:
        key: JSON = dict(scope) if isinstance(scope, dict) else {"type": "default"}
        if isinstance(key.get("chat_id"), str):
            key["chat_id"] = self._chat_id(key)
        return json.dumps(key, sort_keys=True), str(language_code or "")

    # ------------------------------------------------------------------ Bot API methods

    async def _get_updates(self, params: Mapping[str, Any]) -> list[JSON]:
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self._lock:
            if self.webhook_url:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            self._poll_generation += 1
            generation = self._poll_generation
            if params.get("allowed_updates") is not None:
                self._allowed_updates = frozenset(params["allowed_updates"]) or None
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]
        while True:
            with self._lock:
                if generation != self._poll_generation:
                    self.conflicts += 1
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                batch = [u for u in self._updates if self._allowed(u)][:limit]
                now = time.monotonic()
                if batch:
                    self.last_activity = now
                if batch or now >= deadline:
                    return batch
            await asyncio.sleep(min(POLL_INTERVAL, max(deadline - now, 0)))

    def _allowed(self, update: JSON) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self._allowed_updates is None:
            return kind not in _DEFAULT_EXCLUDED_UPDATES
        return kind in self._allowed_updates

    def _api_getme(self, params: Mapping[str, Any]) -> JSON:
        return self.bot_user

    def _api_logout(self, params: Mapping[str, Any]) -> bool:
        return True

    _api_close = _api_logout

    def _api_deletewebhook(self, params: Mapping[str, Any]) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_setwebhook(self, params: Mapping[str, Any]) -> bool:
        self.webhook_url = _text_param(params, "url") or ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_getwebhookinfo(self, params: Mapping[str, Any]) -> JSON:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _api_sendmessage(self, params: Mapping[str, Any]) -> JSON:
        return self._send(params, self._checked_text(params))

    def _api_sendphoto(self, params: Mapping[str, Any]) -> JSON:
        caption = self._checked_caption(params)
        file_id, _ = self._input_file(params.get("photo"), "photo")
        return self._send(params, caption, photo=file_id)

    def _api_sendmediagroup(self, params: Mapping[str, Any]) -> list[JSON]:
        media = params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise ApiError(400, "Bad Request: wrong number of media specified (2-10)")
        items: list[tuple[str, str | None]] = []
        for item in media:  # checked whole first: Telegram sends all of a group or nothing
            if not isinstance(item, dict) or item.get("type") != "photo":
                raise ApiError(400, "Bad Request: this fake supports photo media groups only")
            caption = self._checked_caption(item)
            value = item.get("media")
            if isinstance(value, str) and value.startswith("attach://"):
                value = params.get(value.removeprefix("attach://"))
            file_id, _ = self._input_file(value, "photo")
            items.append((file_id, caption))
        group = f"group-{next(self._ids)}"
        base = {k: v for k, v in params.items() if k != "reply_markup"}  # no keyboard on a group
        return [
            self._send({**base, "parse_mode": None}, caption, photo=file_id, media_group_id=group)
            for file_id, caption in items
        ]

    def _api_senddocument(self, params: Mapping[str, Any]) -> JSON:
        caption = self._checked_caption(params)
        file_id, upload = self._input_file(params.get("document"), "document")
        return self._send(
            params,
            caption,
            document=file_id,
            document_bytes=upload.content if upload else None,
            document_name=upload.filename if upload else self.files[file_id].file_name,
        )

    def _api_sendchataction(self, params: Mapping[str, Any]) -> bool:
        return True

    def _api_editmessagetext(self, params: Mapping[str, Any]) -> JSON:
        msg = self._find_message(params, "edit")
        if msg.photo or msg.document:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        return self._edit(msg, params, self._checked_text(params))

    def _api_editmessagecaption(self, params: Mapping[str, Any]) -> JSON:
        msg = self._find_message(params, "edit")
        if not (msg.photo or msg.document):
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        return self._edit(msg, params, self._checked_caption(params))

    def _api_editmessagereplymarkup(self, params: Mapping[str, Any]) -> JSON:
        msg = self._find_message(params, "edit")
        return self._edit(msg, {**params, "parse_mode": msg.parse_mode}, msg.raw_text)

    def _api_deletemessage(self, params: Mapping[str, Any]) -> bool:
        msg = self._find_message(params, "delete")
        msg.deleted = True
        self._touch(msg)
        return True

    def _api_answercallbackquery(self, params: Mapping[str, Any]) -> bool:
        query_id = _text_param(params, "callback_query_id") or ""
        query = self._queries.get(query_id)
        if query is None or query.answer is not None:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        query.answer = CallbackAnswer(
            query_id=query_id,
            update_id=query.update_id,
            data=query.data,
            text=_text_param(params, "text"),
            show_alert=bool(params.get("show_alert")),
            url=_text_param(params, "url"),
        )
        TRANSCRIPT.record(self._language_of(query.user_id), "answer", query.answer.text)
        return True

    def _api_setmycommands(self, params: Mapping[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, 'Bad Request: parameter "commands" can\'t be parsed as JSON array')
        for command in commands:
            if not _COMMAND_RE.fullmatch(str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise ApiError(400, "Bad Request: command description is empty")
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        if commands:
            self.commands[key] = [dict(c) for c in commands]
        else:
            self.commands.pop(key, None)
        return True

    def _api_deletemycommands(self, params: Mapping[str, Any]) -> bool:
        self.commands.pop(
            self._commands_key(params.get("scope"), params.get("language_code")), None
        )
        return True

    def _api_getmycommands(self, params: Mapping[str, Any]) -> list[JSON]:
        return self.commands_for(params.get("scope"), params.get("language_code") or "")

    def _api_setchatmenubutton(self, params: Mapping[str, Any]) -> bool:
        chat_id = None if params.get("chat_id") is None else self._chat_id(params)
        self.menu_buttons[chat_id] = dict(params.get("menu_button") or {"type": "default"})
        return True

    def _api_getchatmenubutton(self, params: Mapping[str, Any]) -> JSON:
        chat_id = None if params.get("chat_id") is None else self._chat_id(params)
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "default"}

    def _api_getchat(self, params: Mapping[str, Any]) -> JSON:
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        return {
            **self._chat_json(self._chat_id(params)),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {**dict.fromkeys(gifts, True), "gifts_from_channels": True},
        }

    def _api_getfile(self, params: Mapping[str, Any]) -> JSON:
        stored = self.files.get(_text_param(params, "file_id") or "")
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        info = self._file_json(stored.file_id)
        info.pop("file_name", None)
        info.pop("mime_type", None)
        return {**info, "file_path": stored.file_path}


class FakeUser:
    """A Telegram user in a private chat with the bot (chat id == user id)."""

    def __init__(
        self,
        api: FakeBotAPI,
        user_id: int,
        first_name: str,
        language_code: str,
        username: str | None,
        last_name: str | None,
        started: bool,
    ) -> None:
        self.api, self.id, self.first_name = api, user_id, first_name
        self.language_code, self.username, self.last_name = language_code, username, last_name
        self.started = started
        self.met_elsewhere = False

    def __repr__(self) -> str:
        return f"FakeUser({self.id}, {self.first_name!r})"

    def user_json(self) -> JSON:
        out: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        optional = {
            "last_name": self.last_name,
            "username": self.username,
            "language_code": self.language_code,
        }
        out.update({k: v for k, v in optional.items() if v})
        return out

    # ------------------------------------------------------------------ acting

    def _send_message(self, fields: JSON) -> int:
        with self.api._lock:
            self.started = True
            message = {
                "message_id": self.api.new_message_id(self.id),
                "date": int(time.time()),
                "chat": self.api._chat_json(self.id),
                "from": self.user_json(),
                **fields,
            }
            return self.api.push_update({"message": message})

    def send(self, text: str, reply_to: SentMessage | None = None) -> int:
        """The user sends a text message; returns the update_id. A leading "/command" (also
        "/start CODE" or "/cmd@bot") gets its `bot_command` entity. `reply_to`: a bot message
        the user replies to (Telegram's reply-to)."""
        fields: JSON = {"text": text}
        if reply_to is not None:
            fields["reply_to_message"] = self.api.message_json(reply_to)
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            fields["entities"] = [
                {"type": "bot_command", "offset": 0, "length": _utf16_len(command)}
            ]
        return self._send_message(fields)

    def send_photo(
        self, file_id: str = "photo-1", caption: str | None = None, content: bytes | None = None
    ) -> int:
        with self.api._lock:
            if file_id not in self.api.files or content is not None:
                self.api.store_file(content or f"fake photo {file_id}".encode(), file_id=file_id)
            fields: JSON = {"photo": self.api._photo_json(file_id)}
        if caption is not None:
            fields["caption"] = caption
        return self._send_message(fields)

    def send_document(
        self,
        content: bytes = b"hello",
        file_name: str = "file.txt",
        mime_type: str = "text/plain",
        caption: str | None = None,
    ) -> int:
        file_id = self.api.store_file(content, file_name, mime_type)
        fields: JSON = {"document": self.api._file_json(file_id)}
        if caption is not None:
            fields["caption"] = caption
        return self._send_message(fields)

    def tap(
        self,
        button_text: str | None = None,
        *,
        data: str | None = None,
        message_id: int | None = None,
    ) -> int:
        """Press an inline button of the newest visible bot message that has it (or of
        `message_id`): matched by exact text, else by substring, and/or by callback data.
        Returns the update_id of the callback_query."""
        if button_text is None and data is None:
            raise TypeError("tap() needs button_text or data")
        with self.api._lock:
            visible = [m for m in reversed(self.messages) if not m.deleted]
            if message_id is not None:
                visible = [m for m in visible if m.message_id == message_id]
            for exact in (True, False):
                for msg in visible:
                    hits = [
                        b
                        for b in msg.buttons
                        if (data is None or b.get("callback_data") == data)
                        and (
                            button_text is None
                            or (b.get("text") == button_text if exact else button_text in b["text"])
                        )
                    ]
                    if len(hits) > 1 and not exact:
                        raise AssertionError(
                            f"{self!r}: {button_text!r} is ambiguous in {msg.describe()}"
                        )
                    if hits:
                        if "callback_data" not in hits[0]:
                            raise AssertionError(f"{self!r}: button {hits[0]} has no callback_data")
                        return self._callback(msg, str(hits[0]["callback_data"]))
            shown = "\n  ".join(m.describe() for m in reversed(visible) if m.buttons) or "(none)"
            raise AssertionError(
                f"{self!r}: no button text={button_text!r} data={data!r}"
                f"{'' if message_id is None else f' in message {message_id}'}; "
                f"visible buttons:\n  {shown}"
            )

    def tap_raw(self, data: str, message_id: int | None = None) -> int:
        """A callback_query with arbitrary (forged) data on a bot message (default: the last)."""
        with self.api._lock:
            msgs = [m for m in self.messages if message_id in (None, m.message_id)]
            if not msgs:
                raise AssertionError(f"{self!r}: no bot message {message_id}")
            return self._callback(msgs[-1], data)

    def _callback(self, msg: SentMessage, data: str) -> int:
        query_id = f"{self.id}-{next(self.api._ids)}"
        update_id = self.api.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.user_json(),
                    "message": self.api.message_json(msg),
                    "chat_instance": f"ci-{self.id}",
                    "data": data,
                }
            }
        )
        self.api._queries[query_id] = _Query(self.id, update_id, data)
        return update_id

    def block(self, *, notify: bool = False) -> None:
        self.api.block(self.id, notify=notify)

    def unblock(self, *, notify: bool = False) -> None:
        self.api.unblock(self.id, notify=notify)

    # ------------------------------------------------------------------ inspecting

    @property
    def messages(self) -> list[SentMessage]:
        """All bot messages in this chat, oldest first (deleted ones included, flagged)."""
        with self.api._lock:
            return list(self.api.messages.get(self.id, []))

    @property
    def last(self) -> SentMessage:
        """The newest bot message that is not deleted."""
        visible = [m for m in self.messages if not m.deleted]
        if not visible:
            raise AssertionError(f"{self!r}: the bot has sent no (undeleted) message")
        return visible[-1]

    def texts(self) -> list[str | None]:
        """Texts (or captions) of the undeleted bot messages, oldest first."""
        return [m.text for m in self.messages if not m.deleted]

    @property
    def answered_callbacks(self) -> list[CallbackAnswer]:
        with self.api._lock:
            queries = [q for q in self.api._queries.values() if q.user_id == self.id]
            return [q.answer for q in queries if q.answer is not None]

    def chat_menu_commands(self, language_code: str | None = None) -> list[JSON]:
        """The commands this user's menu shows, with Telegram's fallback: chat scope, all
        private chats, default; each with the language, its base language, then none."""
        lang = self.language_code if language_code is None else language_code
        languages = dict.fromkeys([lang, lang.split("-")[0], ""])
        for scope in ({"type": "chat", "chat_id": self.id}, {"type": "all_private_chats"}, None):
            for code in languages:
                if commands := self.api.commands_for(scope, code):
                    return commands
        return []

    def mark(self) -> int:
        """A marker for `wait_for(after=...)`: only messages sent/edited/deleted later count."""
        return self.api.seq

    def describe(self, last: int = 5) -> str:
        lines = [m.describe() for m in self.messages[-last:]]
        return "\n  ".join(lines) if lines else "(no bot messages)"

    async def wait_for(
        self,
        pattern: Matcher,
        *,
        timeout: float = 10.0,  # noqa: ASYNC109
        after: int | None = None,
    ) -> SentMessage:
        """Wait for a bot message in this chat matching `pattern` (substring of the text as seen
        or as sent, regex search, or predicate), changed after the marker `after` (default: any
        message so far, deleted ones included). Returns the earliest match."""
        match = _matcher(pattern)
        deadline = time.monotonic() + timeout
        while True:
            for msg in sorted(self.messages, key=lambda m: m.seq):
                if (after is None or msg.seq > after) and match(msg):
                    return msg
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"{self!r}: no bot message matching {pattern!r} within {timeout}s; "
                    f"last messages:\n  {self.describe()}"
                )
            await asyncio.sleep(POLL_INTERVAL)

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until nothing happened (no Bot API call other than an empty getUpdates, no
        update enqueued or delivered) for `quiet` seconds, counting from now at the earliest."""
        start = time.monotonic()
        while True:
            now = time.monotonic()
            if now - max(self.api.last_activity, start) >= quiet:
                return
            if now - start >= timeout:
                raise AssertionError(f"{self!r}: the bot was still busy after {timeout}s")
            await asyncio.sleep(POLL_INTERVAL)
