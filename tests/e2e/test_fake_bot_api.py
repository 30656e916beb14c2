"""The fake Bot API speaks Telegram well enough for the real python-telegram-bot to run on it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import itertools
import socket
import sys
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from tests.fakes import FakeBotApi, tiny_png

pytestmark = pytest.mark.e2e

TOKEN = "123:TEST"
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Yes", callback_data="ans:yes"),
            InlineKeyboardButton("No", callback_data="ans:no"),
        ]
    ]
)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token=TOKEN, bot_username="readiness_test_bot") as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot") as b:
        yield b


def build_app(api: FakeBotApi) -> Application:
    return (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{api.url}/bot")
        .base_file_url(f"{api.url}/file/bot")
        .build()
    )


# --- the real Application, polling ----------------------------------------------------------


async def test_application_polls_commands_and_taps_through_the_fake(api: FakeBotApi) -> None:
    errors: list[object] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Hola! Ready?", reply_markup=KEYBOARD)

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Saved")
        await query.edit_message_text(f"You said {query.data}")

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)

    app = build_app(api)
    app.add_handlers([CommandHandler("start", start), CallbackQueryHandler(answer)])
    app.add_error_handler(on_error)
    ana = api.user(42, first_name="Ana", language_code="es")

    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            ana.send("/start")
            question = await ana.wait_for_message("Ready?", timeout=2)
            assert ana.buttons() == [("Yes", "ans:yes"), ("No", "ans:no")]
            tap = ana.tap("Yes")
            edited = await ana.wait_for_edit("You said ans:yes", timeout=2)
            await api.wait_until(lambda: api.answer_to(tap), timeout=2)
        finally:
            await app.updater.stop()
            await app.stop()

    assert errors == []
    assert edited.message_id == question.message_id
    assert edited.reply_markup is None  # an edit without reply_markup drops the keyboard
    assert api.answer_to(tap) == {"callback_query_id": tap["callback_query"]["id"], "text": "Saved"}
    assert api.pending_updates == []  # Updater.stop confirmed everything it fetched
    assert [m for m, _ in api.calls][:2] == ["getMe", "deleteWebhook"]


CHILD_BOT = """
import sys
from telegram.ext import ApplicationBuilder, CommandHandler

async def start(update, context):
    await update.effective_message.reply_text("hello from another process")

app = ApplicationBuilder().token(sys.argv[2]).base_url(sys.argv[1] + "/bot").build()
app.add_handler(CommandHandler("start", start))
app.run_polling(poll_interval=0, timeout=1)
"""


async def test_a_bot_in_another_process_needs_only_the_url(api: FakeBotApi) -> None:
    ana = api.user(42)
    child = await asyncio.create_subprocess_exec(sys.executable, "-c", CHILD_BOT, api.url, TOKEN)
    try:
        ana.send("/start")
        reply = await ana.wait_for_message("another process", timeout=5)
    finally:
        child.terminate()  # run_polling stops cleanly on SIGTERM and confirms what it fetched
        await child.wait()
    assert reply.text == "hello from another process"
    assert api.pending_updates == []


# --- Bot API basics ---------------------------------------------------------------------------


async def test_get_me_describes_the_configured_bot(bot: Bot, api: FakeBotApi) -> None:
    assert bot.username == "readiness_test_bot"
    assert bot.id == 123
    assert api.calls_to("getMe") == [{}]


async def test_a_wrong_token_is_unauthorized(api: FakeBotApi) -> None:
    stranger = Bot("999:WRONG", base_url=f"{api.url}/bot")
    with pytest.raises(InvalidToken):
        async with stranger:
            pass
    assert api.calls == []


async def test_an_unknown_method_is_not_found(bot: Bot, api: FakeBotApi) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})
    assert api.errors[-1].status == 404


async def test_send_message_keeps_text_markup_and_options(bot: Bot, api: FakeBotApi) -> None:
    ana = api.user(42)
    sent = await bot.send_message(
        42,
        "<b>Question 1</b> of 3\n",
        parse_mode=ParseMode.HTML,
        reply_markup=KEYBOARD,
        protect_content=True,
    )
    assert sent.text == "Question 1 of 3"  # tags parsed, trailing whitespace trimmed
    assert sent.entities[0].type == "bold"
    assert sent.reply_markup == KEYBOARD
    assert sent.chat.id == 42 and sent.from_user is not None and sent.from_user.is_bot

    stored = api.chat(42).messages[0]
    assert (stored.message_id, stored.text) == (sent.message_id, "Question 1 of 3")
    assert stored.reply_markup == KEYBOARD.to_dict()
    assert stored.params["protect_content"] is True
    assert ana.last is stored and ana.buttons() == [("Yes", "ans:yes"), ("No", "ans:no")]


async def test_user_and_bot_messages_share_one_id_counter(bot: Bot, api: FakeBotApi) -> None:
    ana = api.user(42)
    first = ana.send("hello")["message"]["message_id"]
    reply = await bot.send_message(42, "hi", reply_parameters=ReplyParameters(first))
    assert reply.message_id == first + 1
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "hello"


async def test_markup_telegram_rejects_is_rejected(bot: Bot, api: FakeBotApi) -> None:
    api.user(42)
    with pytest.raises(BadRequest, match=r'(?i)unsupported start tag "" at byte offset 2'):
        await bot.send_message(42, "a < b", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)character '\.' is reserved"):
        await bot.send_message(42, "Done.", parse_mode=ParseMode.MARKDOWN_V2)
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(
            42,
            "x",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("a", callback_data="x" * 65)]]
            ),
        )
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(42, "   ")
    assert api.chat(42).messages == []


async def test_reply_keyboard_is_tracked_until_removed(bot: Bot, api: FakeBotApi) -> None:
    ana = api.user(42)
    await bot.send_message(42, "Pick", reply_markup=ReplyKeyboardMarkup([["English", "Español"]]))
    assert ana.reply_keyboard == [["English", "Español"]]
    await bot.send_message(42, "Thanks", reply_markup=ReplyKeyboardRemove())
    assert ana.reply_keyboard is None


async def test_edits_and_deletes_answer_like_telegram(bot: Bot, api: FakeBotApi) -> None:
    ana = api.user(42)
    sent = await bot.send_message(42, "Q1", reply_markup=KEYBOARD)

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Q1", chat_id=42, message_id=sent.message_id, reply_markup=KEYBOARD
        )
    await bot.edit_message_reply_markup(chat_id=42, message_id=sent.message_id, reply_markup=None)
    edited = await bot.edit_message_text("Q1 (answered)", chat_id=42, message_id=sent.message_id)
    assert isinstance(edited, object) and ana.last is not None
    assert (ana.last.text, ana.last.edited, ana.last.history) == (
        "Q1 (answered)",
        True,
        ["Q1", "Q1"],
    )

    assert await bot.delete_message(42, sent.message_id) is True
    assert ana.messages == [] and api.chat(42).messages[0].deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(42, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("again", chat_id=42, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("never", chat_id=42, message_id=999)

    more = [await bot.send_message(42, f"m{i}") for i in range(3)]
    assert await bot.delete_messages(42, [m.message_id for m in more] + [999]) is True
    assert ana.messages == []


async def test_photos_and_documents_keep_their_bytes(bot: Bot, api: FakeBotApi) -> None:
    ana = api.user(42)
    png = tiny_png(3, 2)
    photo = await bot.send_photo(
        42, png, caption="<i>Readiness</i> chart", parse_mode="HTML", filename="chart.png"
    )
    assert (photo.photo[-1].width, photo.photo[-1].height) == (3, 2)
    assert photo.caption == "Readiness chart"
    document = await bot.send_document(42, b"dimension,level\nA,4\n", filename="report.csv")
    assert document.document is not None and document.document.file_name == "report.csv"

    first, second = ana.messages
    assert (first.photo, first.caption, first.filename) == (png, "Readiness chart", "chart.png")
    assert (second.document, second.filename, second.mime_type) == (
        b"dimension,level\nA,4\n",
        "report.csv",
        "text/csv",
    )
    upload = api.calls_to("sendDocument")[0]["document"]
    assert upload.content == b"dimension,level\nA,4\n"

    file = await bot.get_file(photo.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == png
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(42, b"not an image")


async def test_an_upload_the_network_splits_unevenly_is_read_whole(
    api: FakeBotApi,
) -> None:
    """The kernel may split a request anywhere; aiohttp's multipart reader then takes a path
    that warns of its own deprecated call, which must not turn the upload into a 500."""
    api.user(42)
    content = bytes(range(256)) * 160
    boundary = "readiness-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n42\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="document"; '
            f'filename="report.csv"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    host, port = api.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        f"POST /bot{TOKEN}/sendDocument HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n".encode()
    )
    # A few bytes, then more than the reader's 8 KiB chunk: the pattern that takes that path.
    start = 0
    for size in itertools.cycle((3, 9_000)):
        if start >= len(body):
            break
        writer.write(body[start : start + size])
        await writer.drain()
        await asyncio.sleep(0.005)
        start += size
    status_line = await reader.readline()
    await reader.read()
    writer.close()
    assert status_line.split()[1] == b"200"
    assert api.calls_to("sendDocument")[0]["document"].content == content


async def test_chat_actions_and_commands_are_stored(bot: Bot, api: FakeBotApi) -> None:
    api.user(42)
    await bot.send_chat_action(42, "typing")
    assert api.chat(42).actions == ["typing"]
    commands = [BotCommand("start", "Empezar"), BotCommand("help", "Ayuda")]
    await bot.set_my_commands(commands, language_code="es")
    await bot.set_my_commands([BotCommand("report", "Report")], scope=BotCommandScopeChat(7))
    assert await bot.get_my_commands(language_code="es") == tuple(commands)
    assert await bot.get_my_commands() == ()
    assert api.commands({"type": "chat", "chat_id": 7}) == [
        {"command": "report", "description": "Report"}
    ]
    await bot.delete_my_commands(language_code="es")
    assert api.commands(language_code="es") == []
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start!", "x")])


# --- failures -----------------------------------------------------------------------------------


async def test_injected_failures_raise_and_change_nothing(
    bot: Bot, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PTB 22 warns (PTBDeprecationWarning) when RetryAfter is built unless PTB_TIMEDELTA is set.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    ana = api.user(42)
    api.fail_next("sendMessage", status=500)
    with pytest.raises(NetworkError, match="Internal Server Error") as failed:
        await bot.send_message(42, "lost")
    assert not isinstance(failed.value, BadRequest)

    api.fail_next("sendMessage", status=429, retry_after=7, times=2)
    for _ in range(2):
        with pytest.raises(RetryAfter) as flood:
            await bot.send_message(42, "flood")
        assert flood.value.retry_after == dtm.timedelta(seconds=7)
    await bot.send_message(42, "through")

    assert [m.text for m in ana.messages] == ["through"]
    assert len(api.calls_to("sendMessage")) == 4
    assert [e.status for e in api.errors] == [500, 429, 429]


async def test_blocked_and_unknown_chats_are_refused(bot: Bot, api: FakeBotApi) -> None:
    ana = api.user(42)
    api.user(43)
    blocked = ana.block_bot()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(42, "hello?")
    api.forget_chat(43)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(43, "hello?")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "never met")
    assert blocked["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    assert Update.de_json(blocked, bot).my_chat_member is not None


async def test_fail_for_fails_every_call_until_the_window_ends(bot: Bot, api: FakeBotApi) -> None:
    api.user(42)
    api.fail_for("sendMessage", 0.3, status=502, description="Bad Gateway")
    for _ in range(3):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(42, "during")
    await asyncio.sleep(0.35)  # the window is a stretch of time, so only time can end it
    await bot.send_message(42, "after")
    assert [m.text for m in api.chat(42).messages] == ["after"]


async def test_a_delayed_call_times_out_and_still_lands_when_it_completes(
    api: FakeBotApi,
) -> None:
    api.user(42)
    api.delay_next("sendMessage", 0.6)
    async with Bot(TOKEN, base_url=f"{api.url}/bot") as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(42, "slow", read_timeout=0.2)
        # Telegram did send it: the bot never learnt so, which is how duplicates are born.
        await api.wait_until(lambda: api.chat(42).messages, timeout=2)
    (call,) = [c for c in api.timeline if c.method == "sendMessage"]
    assert (call.status, call.dropped) == (200, True)
    assert call.answered_at is not None and call.answered_at - call.received_at >= 0.6


async def test_a_delayed_call_that_does_not_complete_leaves_no_trace(api: FakeBotApi) -> None:
    api.user(42)
    api.delay_next("sendMessage", 0.6, completes=False)
    async with Bot(TOKEN, base_url=f"{api.url}/bot") as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(42, "lost", read_timeout=0.2)
        await api.wait_until(lambda: api.timeline[-1].answered_at is not None, timeout=2)
        assert api.timeline[-1].dropped and api.timeline[-1].status is None
        await bot.send_message(42, "next")
    assert [m.text for m in api.chat(42).messages] == ["next"]


async def test_a_dropped_connection_is_a_network_error(bot: Bot, api: FakeBotApi) -> None:
    api.user(42)
    api.drop_next("sendMessage", times=2)
    for _ in range(2):
        with pytest.raises(NetworkError) as failed:
            await bot.send_message(42, "gone")
        assert not isinstance(failed.value, BadRequest | TimedOut)
    await bot.send_message(42, "through")
    assert [m.text for m in api.chat(42).messages] == ["through"]
    sends = [c for c in api.timeline if c.method == "sendMessage"]
    assert [(c.dropped, c.status) for c in sends] == [
        (True, None),
        (True, None),
        (False, 200),
    ]


async def test_the_timeline_times_every_call_and_observers_see_both_ends(
    bot: Bot, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.user(42)
    seen: list[tuple[str, str, int | None]] = []
    stop = api.observe(lambda phase, call: seen.append((phase, call.method, call.status)))
    api.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter):
        await bot.send_message(42, "flood")
    sent = await bot.send_message(42, "hello")
    stop()
    await bot.send_message(42, "unobserved")
    assert seen == [
        ("received", "sendMessage", None),
        ("answered", "sendMessage", 429),
        ("received", "sendMessage", None),
        ("answered", "sendMessage", 200),
    ]
    flood, ok, _ = [c for c in api.timeline if c.method == "sendMessage"]
    assert flood.description == "Too Many Requests: retry after 3" and not flood.ok
    assert ok.ok and ok.chat_id == 42 and ok.result["message_id"] == sent.message_id
    assert flood.received_at <= flood.answered_at <= ok.received_at  # type: ignore[operator]


async def test_replay_hands_out_confirmed_updates_again(bot: Bot, api: FakeBotApi) -> None:
    ana = api.user(7)
    ids = [ana.send(f"m{i}")["update_id"] for i in range(3)]
    assert [u.update_id for u in await bot.get_updates()] == ids
    assert await bot.get_updates(offset=ids[-1] + 1) == ()

    assert api.replay(since=ids[1]) == ids[1:]
    fresh = ana.send("m3")["update_id"]
    again = await bot.get_updates(offset=ids[-1] + 1)
    assert [u.update_id for u in again] == [*ids[1:], fresh]
    assert await bot.get_updates(offset=fresh + 1) == ()
    assert api.replay() == [*ids, fresh]


# --- updates --------------------------------------------------------------------------------------


async def test_get_updates_offset_confirms_for_good_and_redeliver_repeats(
    bot: Bot, api: FakeBotApi
) -> None:
    ana = api.user(7)
    one = ana.send("one")["update_id"]
    two = ana.send("two")["update_id"]

    assert [u.update_id for u in await bot.get_updates()] == [one, two]
    assert [u.update_id for u in await bot.get_updates(offset=one + 1)] == [two]
    assert await bot.get_updates(offset=two + 1) == ()
    assert await bot.get_updates() == ()  # confirmed updates never come back by themselves

    api.redeliver(one)
    again = await bot.get_updates(offset=two + 1)
    assert [(u.update_id, u.message.text if u.message else None) for u in again] == [(one, "one")]
    assert await bot.get_updates(offset=two + 1) == ()


async def test_get_updates_limit_allowed_updates_and_negative_offset(
    bot: Bot, api: FakeBotApi
) -> None:
    ana = api.user(7)
    ids = [ana.send(f"m{i}")["update_id"] for i in range(3)]
    assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == ids[-1:]
    await bot.send_message(7, "Q", reply_markup=KEYBOARD)
    ana.tap("No")
    only_messages = await bot.get_updates(offset=ids[-1] + 1, allowed_updates=["message"])
    assert only_messages == ()  # the callback_query was not asked for, so it is gone


async def test_long_poll_returns_as_soon_as_an_update_arrives(bot: Bot, api: FakeBotApi) -> None:
    ana = api.user(7)
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(timeout=dtm.timedelta(seconds=0.2)) == ()
    assert 0.15 < loop.time() - started < 1.0

    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await api.wait_until(lambda: len(api.calls_to("getUpdates")) == 2, timeout=1)
    started = loop.time()
    ana.send("late")
    updates = await poll
    assert [u.message.text for u in updates if u.message] == ["late"]
    assert loop.time() - started < 0.5


async def test_a_second_poller_terminates_the_first(bot: Bot, api: FakeBotApi) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    try:
        await api.wait_until(lambda: api.calls_to("getUpdates"), timeout=1)
        # PTB gives getUpdates a one-connection pool, so the rival needs its own Bot.
        async with Bot(TOKEN, base_url=f"{api.url}/bot") as rival:
            assert await rival.get_updates() == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await first
    finally:
        first.cancel()
        with contextlib.suppress(asyncio.CancelledError, Conflict):
            await first


async def test_webhook_delivery_with_secret_token(bot: Bot, api: FakeBotApi) -> None:
    received: list[tuple[dict[str, object], str | None]] = []

    async def intake(request: web.Request) -> web.Response:
        received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", intake)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    try:
        await web.SockSite(runner, sock).start()
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
        await bot.set_webhook(url, secret_token="s3cret")
        update = api.user(7).send("via webhook")
        await api.wait_until(lambda: received, timeout=1)
        assert received == [(update, "s3cret")]
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count) == (url, 0)
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
        with pytest.raises(BadRequest, match=r"(?i)bad webhook"):
            await bot.set_webhook("https://example.org/hook")
        await bot.delete_webhook()
    finally:
        await runner.cleanup()
        sock.close()


# --- the test kit ---------------------------------------------------------------------------------


async def test_user_kit_builds_valid_updates(bot: Bot, api: FakeBotApi) -> None:
    ana = api.user(42, first_name="Ana", username="ana_m", language_code="es")
    kinds = [
        ana.start("c0ffee"),
        ana.send_sticker(),
        ana.send_photo(caption="mine"),
        ana.send_voice(),
        ana.send_document(),
        ana.send_location(),
        ana.send_contact("+34 600 000 000"),
    ]
    parsed = [Update.de_json(u, bot) for u in kinds]
    start = parsed[0].message
    assert start is not None and start.text == "/start c0ffee"
    assert start.entities[0].type == "bot_command" and start.entities[0].length == 6
    assert start.from_user is not None and start.from_user.language_code == "es"
    assert [
        bool(getattr(p.message, attr))
        for p, attr in zip(
            parsed[1:],
            ["sticker", "photo", "voice", "document", "location", "contact"],
            strict=True,
        )
    ] == [True] * 6

    edit = Update.de_json(ana.edit(start.message_id, "/start other"), bot)
    assert edit.edited_message is not None and edit.edited_message.text == "/start other"

    group = api.group(-100, "Task force")
    posted = Update.de_json(group.send(ana, "/report@readiness_test_bot"), bot)
    assert posted.effective_chat is not None and posted.effective_chat.type == "group"
    assert posted.message is not None and posted.message.entities[0].length == 26


async def test_taps_find_buttons_and_forged_taps_reach_stale_messages(
    bot: Bot, api: FakeBotApi
) -> None:
    ana = api.user(42)
    with pytest.raises(AssertionError, match="no bot message with an inline keyboard"):
        ana.tap("Yes")
    old = await bot.send_message(42, "Q1", reply_markup=KEYBOARD)
    await bot.send_message(
        42,
        "Q2",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Skip", callback_data="skip")]]),
    )

    tap = Update.de_json(ana.tap("skip"), bot)
    assert tap.callback_query is not None and tap.callback_query.data == "skip"
    stale = Update.de_json(ana.tap("Yes", message_id=old.message_id), bot)
    assert stale.callback_query is not None and stale.callback_query.message is not None
    assert stale.callback_query.message.message_id == old.message_id
    with pytest.raises(AssertionError, match=r"available .*\('Skip', 'skip'\)"):
        ana.tap("Maybe")

    await bot.delete_message(42, old.message_id)
    forged = Update.de_json(ana.tap_data("ans:999:x", old.message_id), bot)
    assert forged.callback_query is not None
    # PTB decodes callback_query.message with Message, so check is_accessible, not the type.
    assert forged.callback_query.message is not None
    assert not forged.callback_query.message.is_accessible
    assert await bot.answer_callback_query(forged.callback_query.id) is True
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(forged.callback_query.id)


async def test_wait_for_message_uses_a_cursor_and_explains_timeouts(
    bot: Bot, api: FakeBotApi
) -> None:
    ana = api.user(42)
    await bot.send_message(42, "Welcome")  # sent before anyone waits: still counts
    assert (await ana.wait_for_message(timeout=0.5)).text == "Welcome"
    later = asyncio.create_task(ana.wait_for_message("Q2", timeout=1))
    await bot.send_message(42, "Q1")
    await bot.send_message(42, "Q2")
    assert (await later).text == "Q2"
    with pytest.raises(AssertionError, match=r"(?s)no new bot message containing 'Q1'.*'Q2'"):
        await ana.wait_for_message("Q1", timeout=0.05)
    with pytest.raises(AssertionError, match="still false"):
        await api.wait_until(lambda: False, timeout=0.05)
