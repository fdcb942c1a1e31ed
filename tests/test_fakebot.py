"""Tests of the fake Bot API (tests/fakebot), in-process and over loopback HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import time
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from tests.fakebot import (
    FakeBotAPI,
    FakeBotServer,
    FakeRequest,
    FakeUser,
    UploadedFile,
    app_builder,
    decode_params,
    feed_updates,
)

TOKEN = "123:ABC"
Context = CallbackContext[Any, Any, Any, Any]
KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Yes", callback_data="answer:yes")],
        [InlineKeyboardButton("No, thanks", callback_data="answer:no")],
        [InlineKeyboardButton("Docs", url="https://example.org")],
    ]
)


@pytest.fixture
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without it, reading RetryAfter.retry_after emits PTBDeprecationWarning (an error here).
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
def api() -> FakeBotAPI:
    return FakeBotAPI()


@pytest.fixture
def alice(api: FakeBotAPI) -> FakeUser:
    return api.user(5, "Alice", language_code="ru", username="alice")


@pytest.fixture
async def server(api: FakeBotAPI) -> AsyncIterator[FakeBotServer]:
    async with FakeBotServer(api) as srv:
        yield srv


@pytest.fixture
async def http_bot(server: FakeBotServer) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=server.base_url, base_file_url=server.base_file_url) as bot:
        yield bot


# ---------------------------------------------------------------------------- pure core


def test_decode_params_keeps_string_parameters_and_wraps_files() -> None:
    params = decode_params(
        {
            "chat_id": "5",
            "text": "123",
            "disable_notification": "true",
            "reply_markup": '{"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}',
            "photo": b"\x89PNG",
            "caption": "[1]",
        }
    )
    assert params["chat_id"] == 5
    assert params["text"] == "123"
    assert params["caption"] == "[1]"
    assert params["disable_notification"] is True
    assert params["reply_markup"]["inline_keyboard"][0][0]["text"] == "a"
    assert params["photo"] == UploadedFile("photo", b"\x89PNG")


async def test_unknown_method_and_case_insensitive_names(api: FakeBotAPI) -> None:
    assert await api.handle("fooBar", {}) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
    )
    status, body = await api.handle("GETME", {})
    assert status == 200
    assert body["result"]["username"] == "qingfu_test_bot"
    assert [c.method for c in api.calls] == ["fooBar", "getMe"]


async def test_get_updates_offset_limit_and_allowed_updates(
    api: FakeBotAPI, alice: FakeUser
) -> None:
    first, second, third = alice.send("a"), alice.send("b"), alice.send("c")
    _, body = await api.handle("getUpdates", {"limit": 2})
    assert [u["update_id"] for u in body["result"]] == [first, second]
    _, body = await api.handle("getUpdates", {"offset": third})
    assert [u["update_id"] for u in body["result"]] == [third]
    assert [u["update_id"] for u in api.pending_updates] == [third]
    _, body = await api.handle(
        "getUpdates", {"offset": third, "allowed_updates": ["callback_query"]}
    )
    assert body["result"] == []


async def test_second_poller_terminates_the_first_with_409(api: FakeBotAPI) -> None:
    first = asyncio.create_task(api.handle("getUpdates", {"timeout": 5}))
    await asyncio.sleep(0.05)
    second = await api.handle("getUpdates", {"timeout": 0})
    status, body = await first
    assert second == (200, {"ok": True, "result": []})
    assert status == 409
    assert body["description"].startswith("Conflict: terminated by other getUpdates request")
    assert api.conflicts == 1


def test_tap_finds_buttons_and_reports_visible_ones(api: FakeBotAPI, alice: FakeUser) -> None:
    markup = KEYBOARD.to_dict()
    asyncio.run(api.handle("sendMessage", {"chat_id": 5, "text": "old", "reply_markup": markup}))
    asyncio.run(api.handle("sendMessage", {"chat_id": 5, "text": "new", "reply_markup": markup}))
    alice.tap("No")  # substring
    alice.tap(data="answer:yes", message_id=1)
    alice.tap_raw("forged:data")
    queries = [u["callback_query"] for u in api.pending_updates]
    assert [(q["data"], q["message"]["message_id"]) for q in queries] == [
        ("answer:no", 2),
        ("answer:yes", 1),
        ("forged:data", 2),
    ]
    with pytest.raises(AssertionError, match=re.escape("#2 'new' [Yes] [No, thanks] [Docs]")):
        alice.tap("Maybe")
    with pytest.raises(AssertionError, match="has no callback_data"):
        alice.tap("Docs")


def test_chat_menu_commands_fall_back_like_telegram(api: FakeBotAPI, alice: FakeUser) -> None:
    def set_commands(scope: dict[str, Any] | None, lang: str | None, name: str) -> None:
        params = {"commands": [{"command": name, "description": name}], "language_code": lang}
        asyncio.run(api.handle("setMyCommands", {**params, "scope": scope}))

    assert alice.chat_menu_commands() == []
    set_commands(None, None, "default")
    set_commands(None, "ru", "default_ru")
    assert alice.chat_menu_commands()[0]["command"] == "default_ru"
    assert alice.chat_menu_commands("en")[0]["command"] == "default"
    set_commands({"type": "chat", "chat_id": 5}, None, "chat")
    assert alice.chat_menu_commands()[0]["command"] == "chat"
    set_commands({"type": "chat", "chat_id": "@alice"}, "ru", "chat_ru")
    assert alice.chat_menu_commands("ru-RU")[0]["command"] == "chat_ru"


# ---------------------------------------------------------------------------- in-process PTB


async def test_in_process_bot_methods(api: FakeBotAPI, alice: FakeUser) -> None:
    app = app_builder(api, TOKEN).build()
    async with app:
        bot = app.bot
        assert bot.username == "qingfu_test_bot"
        sent = await bot.send_message(5, "<b>Pick</b> &amp; go", parse_mode=ParseMode.HTML,
                                      reply_markup=KEYBOARD)  # fmt: skip
        assert sent.text == "Pick & go"
        assert sent.reply_markup == KEYBOARD
        assert sent.from_user is not None and sent.from_user.id == 7000000001
        assert alice.last.text == "Pick & go"
        assert alice.last.raw_text == "<b>Pick</b> &amp; go"
        assert alice.last.button_texts == ["Yes", "No, thanks", "Docs"]

        photo = await bot.send_photo(5, photo=b"\x89PNG fake", caption="look")
        assert photo.caption == "look" and photo.photo
        assert api.files[alice.last.photo or ""].content == b"\x89PNG fake"

        await bot.set_my_commands([BotCommand("help", "Help")], scope=BotCommandScopeChat(5),
                                  language_code="ru")  # fmt: skip
        assert alice.chat_menu_commands() == [{"command": "help", "description": "Help"}]
        assert await bot.get_my_commands(scope=BotCommandScopeChat(5), language_code="ru") == (
            BotCommand("help", "Help"),
        )

        edited = await bot.edit_message_text("Done", chat_id=5, message_id=sent.message_id)
        assert isinstance(edited, type(sent)) and edited.edit_date is not None
        first = alice.messages[0]
        assert (first.text, first.edits, first.reply_markup) == ("Done", 1, [])
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("Done", chat_id=5, message_id=sent.message_id)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", chat_id=5, message_id=999)
        assert await bot.delete_message(5, photo.message_id)
        assert alice.texts() == ["Done"]
        chat = await bot.get_chat(5)
        assert chat.username == "alice"
    assert api.tokens_seen == {TOKEN}


@pytest.mark.usefixtures("ptb_timedelta")
async def test_in_process_faults(api: FakeBotAPI, alice: FakeUser) -> None:
    api.user(6, started=False, met_elsewhere=True)  # e.g. they share a group with the bot
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(FakeRequest(api))
        .get_updates_request(FakeRequest(api))
        .build()
    )
    async with app:
        api.fail_next("sendMessage", retry_after=3)
        with pytest.raises(RetryAfter) as retry:
            await app.bot.send_message(5, "hi")
        assert retry.value.retry_after == dt.timedelta(seconds=3)
        assert (await app.bot.send_message(5, "hi")).message_id == 1

        alice.block(notify=True)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await app.bot.send_message(5, "hi")
        member = Update.de_json(api.take_updates()[0], app.bot).my_chat_member
        assert member is not None and member.new_chat_member.status == "kicked"
        alice.unblock()
        with pytest.raises(Forbidden, match="can't initiate conversation"):
            await app.bot.send_message(6, "hi")
        with pytest.raises(BadRequest, match="Chat not found"):
            await app.bot.send_message(404, "hi")
        with pytest.raises(BadRequest, match=r'(?i)unsupported start tag "br"'):
            await app.bot.send_message(5, "a<br>b", parse_mode=ParseMode.HTML)
        too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]])
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await app.bot.send_message(5, "hi", reply_markup=too_long)
    assert [c.status for c in api.calls_to("sendMessage")] == [429, 200, 403, 403, 400, 400, 400]
    assert alice.texts() == ["hi"]


@pytest.mark.usefixtures("ptb_timedelta")
async def test_a_user_who_never_opened_the_bot_has_no_chat(api: FakeBotAPI) -> None:
    """Like Telegram: no chat until the user writes ("chat not found"), then a normal one."""
    never = api.user(7, "Never", started=False)
    app = ApplicationBuilder().token(TOKEN).request(FakeRequest(api)).build()
    async with app:
        with pytest.raises(BadRequest, match="Chat not found"):
            await app.bot.send_message(7, "hi")
        never.send("hello")
        await app.bot.send_message(7, "hi")
    assert [c.status for c in api.calls_to("sendMessage")] == [400, 200]
    assert never.texts() == ["hi"]


@pytest.mark.usefixtures("ptb_timedelta")
async def test_rate_limit_over_a_sliding_second(api: FakeBotAPI, alice: FakeUser) -> None:
    api.rate_limit_per_second = 2
    async with app_builder(api).build() as app:
        await app.bot.send_message(5, "1")
        await app.bot.send_chat_action(5, "typing")  # not a message: not counted
        await app.bot.send_message(5, "2")
        with pytest.raises(RetryAfter):
            await app.bot.send_message(5, "3")
    assert api.rate_violations == 1
    assert alice.texts() == ["1", "2"]


async def test_in_process_handlers_with_feed_updates(api: FakeBotAPI, alice: FakeUser) -> None:
    errors: list[object] = []

    async def start(update: Update, context: Context) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"code={context.args}", reply_markup=KEYBOARD)

    async def answer(update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer(f"got {query.data}", show_alert=True)
        await query.edit_message_text(f"chose {query.data}")

    async def on_error(update: object, context: Context) -> None:
        errors.append(context.error)

    app = app_builder(api).build()
    app.add_handlers([CommandHandler("start", start), CallbackQueryHandler(answer)])
    app.add_error_handler(on_error)
    async with app:
        alice.send("/start ABC42")
        assert await feed_updates(app, api) == 1
        assert alice.last.text == "code=['ABC42']"
        update_id = alice.tap("Yes")
        await feed_updates(app, api)
    assert errors == []
    assert alice.last.text == "chose answer:yes"
    [answered] = alice.answered_callbacks
    assert (answered.update_id, answered.text, answered.show_alert) == (
        update_id,
        "got answer:yes",
        True,
    )


async def test_in_process_polling(api: FakeBotAPI) -> None:
    async def echo(update: Update, context: Context) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo {update.effective_message.text}")

    app = app_builder(api).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    carol = api.user(8, "Carol")
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=5)
        mark = carol.mark()
        carol.send("one")
        carol.send("two")
        await carol.wait_for("echo two", after=mark)
        start = time.monotonic()
        await app.updater.stop()  # cancels the pending 5 s long poll
        await app.stop()
        assert time.monotonic() - start < 2
    assert carol.texts() == ["echo one", "echo two"]
    assert api.pending_updates == []


async def test_wait_for_times_out_with_the_chat_history(api: FakeBotAPI, alice: FakeUser) -> None:
    await api.handle("sendMessage", {"chat_id": 5, "text": "hello"})
    mark = alice.mark()
    assert (await alice.wait_for("hell")).message_id == 1
    with pytest.raises(AssertionError, match=r"(?s)no bot message matching 'hell'.*#1 'hello'"):
        await alice.wait_for("hell", after=mark, timeout=0.1)
    await api.handle("editMessageText", {"chat_id": 5, "message_id": 1, "text": "hello again"})
    assert (await alice.wait_for(re.compile(r"again$"), after=mark)).edits == 1
    start = time.monotonic()
    await alice.wait_idle(quiet=0.1)
    assert 0.1 <= time.monotonic() - start < 1


# ---------------------------------------------------------------------------- over HTTP


async def test_http_get_me_send_and_tap(api: FakeBotAPI, alice: FakeUser, http_bot: Bot) -> None:
    me = await http_bot.get_me()
    assert (me.id, me.username) == (7000000001, "qingfu_test_bot")
    sent = await http_bot.send_message(5, "Choose", reply_markup=KEYBOARD)
    assert sent.reply_markup == KEYBOARD
    assert api.tokens_seen == {TOKEN}

    update_id = alice.tap("Yes")
    [update] = await http_bot.get_updates(offset=0, timeout=1)
    assert update.update_id == update_id
    query = update.callback_query
    assert query is not None and query.data == "answer:yes"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert Update.de_json(api.pending_updates[0], http_bot) == update
    assert await http_bot.answer_callback_query(query.id, text="ok")
    assert [a.text for a in alice.answered_callbacks] == ["ok"]
    assert await http_bot.get_updates(offset=update_id + 1) == ()
    assert api.pending_updates == []


async def test_http_long_poll(api: FakeBotAPI, alice: FakeUser, http_bot: Bot) -> None:
    start = time.monotonic()
    assert await http_bot.get_updates(timeout=1) == ()
    assert 1.0 <= time.monotonic() - start < 2.5

    start = time.monotonic()
    poll = asyncio.create_task(http_bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    alice.send("/help")
    [update] = await poll
    assert time.monotonic() - start < 2
    assert update.message is not None and update.message.text == "/help"
    assert update.message.entities[0].type == "bot_command"


@pytest.mark.usefixtures("ptb_timedelta")
async def test_http_errors(api: FakeBotAPI, alice: FakeUser, http_bot: Bot) -> None:
    alice.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await http_bot.send_message(5, "hi")
    alice.unblock()
    api.fail_next("sendMessage", retry_after=7, times=2)
    for _ in range(2):
        with pytest.raises(RetryAfter) as retry:
            await http_bot.send_message(5, "hi")
        assert retry.value.retry_after == dt.timedelta(seconds=7)
    await http_bot.set_webhook("https://example.org/hook")
    with pytest.raises(Conflict, match="webhook is active"):
        await http_bot.get_updates()
    assert alice.messages == []


async def test_http_document_upload_and_download(
    api: FakeBotAPI, alice: FakeUser, http_bot: Bot
) -> None:
    sent = await http_bot.send_document(
        5, document=b"a,b\n1,2\n", filename="report.csv", caption="Report 1"
    )
    assert sent.document is not None and sent.document.file_name == "report.csv"
    assert (alice.last.document_bytes, alice.last.document_name) == (b"a,b\n1,2\n", "report.csv")
    assert alice.last.text == "Report 1"
    [call] = api.calls_to("sendDocument")
    assert call.params["document"] == UploadedFile("report.csv", b"a,b\n1,2\n", "text/csv")

    file = await http_bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"a,b\n1,2\n"
    alice.send_photo("user-photo", content=b"jpeg")
    [update] = await http_bot.get_updates()
    assert update.message is not None
    photo_file = await update.message.photo[-1].get_file()
    assert bytes(await photo_file.download_as_bytearray()) == b"jpeg"


async def test_http_application_polling_lifecycle(api: FakeBotAPI, server: FakeBotServer) -> None:
    errors: list[object] = []
    bob = api.user(77, "Bob")

    async def start(update: Update, context: Context) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        await update.effective_message.reply_text(f"Hello, {update.effective_user.first_name}!")

    async def on_error(update: object, context: Context) -> None:
        errors.append(context.error)

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_error_handler(on_error)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        mark = bob.mark()
        bob.send("/start")
        assert (await bob.wait_for("Hello, Bob!", after=mark)).chat_id == 77
        await bob.wait_idle(quiet=0.2)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert errors == []
    methods = [c.method for c in api.calls]
    assert methods[:3] == ["getMe", "deleteWebhook", "getUpdates"]
    assert api.pending_updates == []  # the final getUpdates acknowledged /start
    assert api.conflicts == 0


async def test_server_in_thread_serves_form_json_and_waits(
    api: FakeBotAPI, alice: FakeUser
) -> None:
    with FakeBotServer.start_in_thread(api) as srv:

        def post(method: str, body: bytes, content_type: str) -> dict[str, Any]:
            request = urllib.request.Request(
                f"{srv.base_url}{TOKEN}/{method}", body, {"Content-Type": content_type}
            )
            with urllib.request.urlopen(request, timeout=5) as response:
                result: dict[str, Any] = json.load(response)
            return result

        form = urllib.parse.urlencode({"chat_id": "5", "text": "via form"}).encode()
        body = json.dumps({"chat_id": 5, "text": "via json"}).encode()
        await asyncio.to_thread(post, "sendMessage", form, "application/x-www-form-urlencoded")
        await asyncio.to_thread(post, "sendmessage", body, "application/json")
        assert (await alice.wait_for("via json")).message_id == 2

        async with Bot(TOKEN, base_url=srv.base_url) as bot:
            poll = asyncio.create_task(bot.get_updates(timeout=5))
            await asyncio.sleep(0.1)
            alice.send("ping")
            [update] = await poll
        assert update.message is not None and update.message.text == "ping"
        start = time.monotonic()
    assert time.monotonic() - start < 2
    assert alice.texts() == ["via form", "via json"]


async def test_server_stop_does_not_wait_for_a_pending_long_poll(api: FakeBotAPI) -> None:
    srv = FakeBotServer(api)
    await srv.start()
    async with Bot(TOKEN, base_url=srv.base_url) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=10))
        await asyncio.sleep(0.1)
        start = time.monotonic()
        await srv.stop()
        assert time.monotonic() - start < 2
        with pytest.raises(NetworkError):  # the server cut the connection
            await poll


async def test_media_groups_and_file_ids_like_telegram(api: FakeBotAPI, alice: FakeUser) -> None:
    """sendMediaGroup takes 2-10 photos and sends all or nothing; a file id the bot never
    received (or one Telegram forgot) is refused with 400, a URL is fetched."""
    app = app_builder(api, TOKEN).build()
    one, two = api.store_file(b"a"), api.store_file(b"b")
    async with app:
        bot = app.bot
        group = await bot.send_media_group(
            5, [InputMediaPhoto(one, caption="first"), InputMediaPhoto(two)]
        )
        assert [m.caption for m in group] == ["first", None]
        assert group[0].media_group_id and group[0].media_group_id == group[1].media_group_id
        assert [m.photo for m in alice.messages] == [one, two]
        with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
            await bot.send_media_group(5, [InputMediaPhoto(one), InputMediaPhoto("unknown-id")])
        with pytest.raises(BadRequest, match=r"(?i)wrong number of media"):
            await bot.send_media_group(5, [InputMediaPhoto(one)] * 11)
        assert len(alice.messages) == 2  # a refused group sends nothing
        api.forget_file(one)
        with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
            await bot.send_photo(5, one)
        by_url = await bot.send_photo(5, "https://example.org/p.jpg")
        assert by_url.photo
