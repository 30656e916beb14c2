"""A fake Telegram Bot API server on 127.0.0.1 that the real Application runs against in e2e tests.

It speaks HTTP like api.telegram.org (form or multipart requests, ``{"ok": ...}`` answers,
Telegram's error texts), so the bot may run in this process or in a child process that only
knows ``api.url``. Tests drive it through ``api.user(...)`` and read what the bot sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import mimetypes
import re
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from tests.fakes.formatting import EntityParseError, UnsupportedParseMode, format_text, utf16_len
from tests.fakes.media import image_size
from tests.fakes.state import (
    JSON,
    ApiCall,
    FailedCall,
    FakeChat,
    FakeMessage,
    StoredFile,
    TimedCall,
    UploadedFile,
)
from tests.fakes.users import FakeGroup, FakeUser

T = TypeVar("T")

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64

# Parameters Telegram reads as plain strings; every other form value is JSON (PTB's encoding).
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "language_code",
        "url",
        "action",
        "secret_token",
        "ip_address",
        "description",
        "short_description",
        "name",
        "file_id",
        "emoji",
        "title",
        "message_effect_id",
        "business_connection_id",
        "inline_message_id",
        "photo",
        "document",
        "thumbnail",
    }
)
_INLINE_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Telegram's default when allowed_updates was never set (or set to []).
_NOT_ALLOWED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class TelegramApiError(Exception):
    """An error answer: HTTP status = error_code, Telegram's description, optional parameters."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> TelegramApiError:
    return TelegramApiError(400, f"Bad Request: {reason}")


@dataclass
class _Pending:
    update: JSON
    redelivery: bool = False
    handed_out: bool = False

    @property
    def update_id(self) -> int:
        update_id: int = self.update["update_id"]
        return update_id

    @property
    def kind(self) -> str:
        return next((key for key in self.update if key != "update_id"), "")


@dataclass
class _Window:
    until: float  # time.monotonic()
    error: TelegramApiError


@dataclass(frozen=True)
class _Delay:
    seconds: float
    completes: bool


Observer = Callable[[str, TimedCall], None]
"""Called with "received" when a request arrives and "answered" once it is answered or dropped."""

_Handler = Callable[["FakeBotApi", JSON], Awaitable[Any]]
_METHODS: dict[str, tuple[str, _Handler]] = {}


def _api_method(name: str) -> Callable[[_Handler], _Handler]:
    def register(handler: _Handler) -> _Handler:
        _METHODS[name.lower()] = (name, handler)  # Telegram matches names case-insensitively
        return handler

    return register


class FakeBotApi:
    """The fake server and everything it knows. Use as ``async with FakeBotApi() as api:``."""

    def __init__(
        self,
        token: str = "123:TEST",
        bot_username: str = "readiness_test_bot",
        *,
        bot_name: str = "Readiness Test Bot",
        strict_chats: bool = True,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_name = bot_name
        # Telegram answers "chat not found" for chats the bot never met; so do we, unless told.
        self.strict_chats = strict_chats
        self.calls: list[ApiCall] = []
        self.errors: list[FailedCall] = []
        self.callback_answers: dict[str, JSON] = {}
        self.files: dict[str, StoredFile] = {}
        self.webhook_retry_delay = 0.2
        self._chats: dict[int, FakeChat] = {}
        self._users: dict[int, FakeUser] = {}
        self._groups: dict[int, FakeGroup] = {}
        self._failures: dict[str, deque[TelegramApiError]] = {}
        self.timeline: list[TimedCall] = []
        self._observers: list[Observer] = []
        self._windows: dict[str, list[_Window]] = {}
        self._delays: dict[str, deque[_Delay]] = {}
        self._drops: dict[str, int] = {}
        self._background: set[asyncio.Task[tuple[JSON, int]]] = set()
        self._queue: list[_Pending] = []
        self._history: dict[int, JSON] = {}
        self._update_ids = itertools.count(1)
        self._allowed: frozenset[str] | None = None
        self._poll_generation = 0
        self._callback_queries: dict[str, bool] = {}  # id -> answered
        self._query_ids = itertools.count(4_000_000_001)
        self._file_ids = itertools.count(1)
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}
        self._menu_buttons: dict[int | None, JSON] = {}
        self._webhook: JSON = {"url": ""}
        self._webhook_task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._sock: socket.socket | None = None
        self.url = ""

    # --- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self) -> None:
        app = web.Application(client_max_size=60 * 1024 * 1024)  # Bot API upload limit is 50 MB
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # handler_cancellation: a long poll whose client went away (Updater.stop) ends at once.
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        await web.SockSite(self._runner, self._sock).start()
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    async def close(self) -> None:
        self._closing = True
        self._pulse()  # long polls answer [] now instead of holding up shutdown
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    # --- the bot, people and chats -----------------------------------------------------------

    @property
    def bot_id(self) -> int:
        return int(self.token.split(":", 1)[0])

    @property
    def bot_user(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
        }

    def user(
        self,
        user_id: int,
        first_name: str = "Ana",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "es",
    ) -> FakeUser:
        """A person with a private chat with the bot (chat id == user id); same id, same user."""
        if user_id in self._users:
            return self._users[user_id]
        info: JSON = {"id": user_id, "type": "private", "first_name": first_name}
        if last_name:
            info["last_name"] = last_name
        if username:
            info["username"] = username
        chat = self._chats.setdefault(user_id, FakeChat(id=user_id, type="private", info=info))
        user = FakeUser(self, chat, first_name, last_name, username, language_code)
        self._users[user_id] = user
        return user

    def group(
        self, chat_id: int, title: str = "Task force", *, supergroup: bool = False
    ) -> FakeGroup:
        """A group chat the bot is a member of; ``group.send(user, text)`` posts in it."""
        if chat_id in self._groups:
            return self._groups[chat_id]
        kind = "supergroup" if supergroup else "group"
        info: JSON = {"id": chat_id, "type": kind, "title": title}
        chat = self._chats.setdefault(chat_id, FakeChat(id=chat_id, type=kind, info=info))
        group = FakeGroup(self, chat, title)
        self._groups[chat_id] = group
        return group

    def chat(self, chat_id: int) -> FakeChat:
        try:
            return self._chats[chat_id]
        except KeyError:
            raise AssertionError(
                f"FakeBotApi knows no chat {chat_id}; create it with api.user() or api.group()"
            ) from None

    def block(self, chat_id: int) -> None:
        """Every request aimed at this chat now fails with 403, as after the user blocks the bot."""
        self.chat(chat_id).blocked = True

    def unblock(self, chat_id: int) -> None:
        self.chat(chat_id).blocked = False

    def forget_chat(self, chat_id: int) -> None:
        """Every request aimed at this chat now fails with 400 "chat not found"."""
        self.chat(chat_id).forgotten = True

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """The command list the bot set for this scope and language (exact match, no fallback)."""
        return list(self._commands.get(self._commands_key(scope, language_code), []))

    @property
    def webhook(self) -> JSON:
        return dict(self._webhook)

    # --- calls and failures ------------------------------------------------------------------

    def calls_to(self, method: str) -> list[JSON]:
        """The params of every call to ``method`` (failed ones too), oldest first."""
        wanted = method.lower()
        return [call.params for call in self.calls if call.method.lower() == wanted]

    def fail_next(
        self,
        method: str,
        status: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """The next ``times`` calls of ``method`` fail like this; they are recorded, nothing else.

        For 429 the answer carries ``parameters.retry_after`` (1 unless given), which PTB turns
        into ``telegram.error.RetryAfter``; other 5xx statuses become ``NetworkError``.
        """
        queue = self._failures.setdefault(method.lower(), deque())
        for _ in range(times):
            queue.append(_injected_error(status, description, retry_after))

    def fail_for(
        self,
        method: str,
        seconds: float,
        status: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
    ) -> None:
        """Every call of ``method`` in the next ``seconds`` fails like this: an outage or a
        flood-control window rather than a count of failures. ``fail_next`` failures come first.
        """
        window = _Window(
            time.monotonic() + seconds, _injected_error(status, description, retry_after)
        )
        self._windows.setdefault(method.lower(), []).append(window)

    def delay_next(
        self, method: str, seconds: float, *, times: int = 1, completes: bool = True
    ) -> None:
        """The next ``times`` calls of ``method`` are answered ``seconds`` late.

        A client whose read timeout is shorter gives up (PTB raises ``TimedOut``). With
        ``completes`` the call is still carried out after the delay, as Telegram may deliver a
        message whose answer never reached the bot; without it, a call whose client has gone
        is not carried out at all.
        """
        queue = self._delays.setdefault(method.lower(), deque())
        for _ in range(times):
            queue.append(_Delay(seconds, completes))

    def drop_next(self, method: str, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` get no answer: the server closes the
        connection, as a failing proxy or network would (PTB raises ``NetworkError``)."""
        key = method.lower()
        self._drops[key] = self._drops.get(key, 0) + times

    def observe(self, observer: Observer) -> Callable[[], None]:
        """Calls ``observer(phase, call)`` when a request arrives ("received") and when it is
        answered or dropped ("answered"), synchronously, so a test can act at that very moment
        (e.g. kill the bot mid-send). Returns the function that stops the observation."""
        self._observers.append(observer)

        def stop() -> None:
            with contextlib.suppress(ValueError):
                self._observers.remove(observer)

        return stop

    def _notify(self, phase: str, call: TimedCall) -> None:
        for observer in list(self._observers):
            observer(phase, call)

    def _injected(self, method: str) -> TelegramApiError | None:
        key = method.lower()
        queue = self._failures.get(key)
        if queue:
            return queue.popleft()
        windows = self._windows.get(key)
        if windows:
            now = time.monotonic()
            windows[:] = [w for w in windows if w.until > now]
            if windows:
                return windows[0].error
        return None

    def describe_recent(self, last: int = 10) -> str:
        calls = (
            "\n".join(f"  {c.method} {self._short(c.params)}" for c in self.calls[-last:])
            or "  (none)"
        )
        errors = (
            "\n".join(f"  {e.method} -> {e.status} {e.description}" for e in self.errors[-last:])
            or "  (none)"
        )
        return f"last calls:\n{calls}\nlast error answers:\n{errors}"

    @staticmethod
    def _short(params: JSON) -> str:
        text = json.dumps(params, default=repr, ensure_ascii=False)
        return text if len(text) <= 160 else text[:157] + "..."

    # --- updates -----------------------------------------------------------------------------

    def push_update(self, update: JSON) -> JSON:
        """Queues an update for getUpdates (or the webhook); gives it the next update_id."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = next(self._update_ids)
        else:
            # keep later automatic ids above any explicit one, as Telegram's ids only grow
            floor = update["update_id"] + 1
            current = next(self._update_ids)
            self._update_ids = itertools.count(max(floor, current))
        self._history[update["update_id"]] = update
        self._queue.append(_Pending(update))
        self._pulse()
        return update

    @property
    def pushed(self) -> list[JSON]:
        """Every update pushed so far, in order (what users did, for counting taps)."""
        return list(self._history.values())

    def redeliver(self, update_id: int) -> JSON:
        """Queues the very same update again (same update_id), even after it was confirmed."""
        try:
            update = self._history[update_id]
        except KeyError:
            raise AssertionError(f"no update {update_id} was ever pushed") from None
        self._queue.append(_Pending(update, redelivery=True))
        self._pulse()
        return update

    def replay(self, since: int | None = None) -> list[int]:
        """Hands out every update from ``since`` on (all if None) again with its original id,
        confirmed or not: what a bot sees when Telegram loses its offset. Returns the ids."""
        waiting = {p.update_id for p in self._queue if not p.handed_out}
        ids = sorted(i for i in self._history if (since is None or i >= since) and i not in waiting)
        for update_id in ids:
            self._queue.append(_Pending(self._history[update_id], redelivery=True))
        self._pulse()
        return ids

    @property
    def pending_updates(self) -> list[int]:
        """update_ids not yet confirmed by the bot, in queue order."""
        return [pending.update_id for pending in self._queue]

    # --- waiting -----------------------------------------------------------------------------

    def _pulse(self) -> None:
        """Wakes every waiter. An Event swapped per change works from sync code (push_update),
        which a Condition (it needs its lock held to notify) does not."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_for(self, check: Callable[[], T | None], timeout: float) -> T | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed
            result = check()
            if result is not None and result is not False:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing:
                return None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):
                    await changed.wait()

    async def wait_until(self, predicate: Callable[[], T], timeout: float = 10.0) -> T:
        """Waits until ``predicate()`` is truthy (checked after every call and update)."""
        result = await self._wait_for(lambda: predicate() or None, timeout)
        if result is None:
            name = getattr(predicate, "__name__", repr(predicate))
            raise AssertionError(f"{name} still false after {timeout}s\n{self.describe_recent()}")
        return result

    # --- HTTP --------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _answer(TelegramApiError(401, "Unauthorized").body(), 401)
        name = request.match_info["method"]
        try:
            params = await _read_params(request)
        except (ValueError, aiohttp.ClientError) as exc:
            return _answer(bad_request(f"can't parse request: {exc}").body(), 400)
        entry = _METHODS.get(name.lower())
        if entry is None:
            self.errors.append(FailedCall(name, params, 404, "Not Found (not in FakeBotApi)"))
            self._pulse()
            return _answer(TelegramApiError(404, "Not Found").body(), 404)
        method, handler = entry
        self.calls.append(ApiCall(method, params))
        call = TimedCall(method, params, received_at=time.monotonic())
        self.timeline.append(call)
        self._notify("received", call)
        self._pulse()  # waiters see the call arrive (a long poll only answers later)
        key = method.lower()
        if self._drops.get(key):
            self._drops[key] -= 1
            call.dropped = True
            call.answered_at = time.monotonic()
            self._notify("answered", call)
            self._pulse()
            if request.transport is not None:
                request.transport.close()
            return web.Response()  # never reaches the client: the connection is closed
        delays = self._delays.get(key)
        delay = delays.popleft() if delays else None
        if delay is None:
            body, status = await self._carry_out(method, handler, params, call)
        elif delay.completes:
            # Shielded: the call is carried out even after the client gave up waiting.
            task = asyncio.ensure_future(self._late(delay.seconds, method, handler, params, call))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
            try:
                body, status = await asyncio.shield(task)
            except asyncio.CancelledError:
                call.dropped = True
                raise
        else:
            try:
                body, status = await self._late(delay.seconds, method, handler, params, call)
            except asyncio.CancelledError:
                call.dropped = True
                call.answered_at = time.monotonic()
                self._notify("answered", call)
                raise
        return _answer(body, status)

    async def _late(
        self, seconds: float, method: str, handler: _Handler, params: JSON, call: TimedCall
    ) -> tuple[JSON, int]:
        await asyncio.sleep(seconds)
        return await self._carry_out(method, handler, params, call)

    async def _carry_out(
        self, method: str, handler: _Handler, params: JSON, call: TimedCall
    ) -> tuple[JSON, int]:
        body: JSON
        try:
            injected = self._injected(method)
            if injected is not None:
                raise injected
            result = await handler(self, params)
        except TelegramApiError as error:
            self.errors.append(FailedCall(method, params, error.status, error.description))
            body, status = error.body(), error.status
            call.description = error.description
        except asyncio.CancelledError:
            call.dropped = True
            call.answered_at = time.monotonic()
            self._notify("answered", call)
            self._pulse()
            raise
        else:
            body, status = {"ok": True, "result": result}, 200
            call.result = result
        call.status = status
        call.answered_at = time.monotonic()
        self._notify("answered", call)
        self._pulse()
        return body, status

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _answer(TelegramApiError(401, "Unauthorized").body(), 401)
        path = request.match_info["path"]
        for stored in self.files.values():
            if stored.file_path == path:
                return web.Response(body=stored.data, content_type="application/octet-stream")
        return _answer(TelegramApiError(404, "Not Found").body(), 404)

    # --- shared checks -----------------------------------------------------------------------

    def _target(self, params: JSON) -> FakeChat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        chat = self._find_chat(raw)
        if chat is None or chat.forgotten:
            raise bad_request("chat not found")
        if chat.blocked:
            if chat.type == "private":
                raise TelegramApiError(403, "Forbidden: bot was blocked by the user")
            raise TelegramApiError(403, "Forbidden: bot was kicked from the group chat")
        return chat

    def _find_chat(self, raw: object) -> FakeChat | None:
        if isinstance(raw, str) and raw.startswith("@"):
            wanted = raw[1:].lower()
            return next(
                (
                    c
                    for c in self._chats.values()
                    if str(c.info.get("username", "")).lower() == wanted
                ),
                None,
            )
        try:
            chat_id = int(raw)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return None
        chat = self._chats.get(chat_id)
        if chat is None and not self.strict_chats:
            if chat_id > 0:
                self.user(chat_id, first_name=f"User {chat_id}")
            else:
                self.group(chat_id, title=f"Group {chat_id}")
            chat = self._chats[chat_id]
        return chat

    @staticmethod
    def _format(
        text: str, parse_mode: str | None, entities: list[JSON] | None
    ) -> tuple[str, list[JSON]]:
        try:
            return format_text(text, parse_mode, entities)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
        except UnsupportedParseMode:
            raise bad_request(f"unsupported parse_mode {parse_mode!r}") from None

    def _check_markup(self, markup: object, *, inline_only: bool = False) -> JSON | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request(
                    'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
                )
            for button in itertools.chain.from_iterable(rows):
                self._check_inline_button(button)
            return markup
        if inline_only:
            raise bad_request("inline keyboard expected")
        if "keyboard" in markup or "remove_keyboard" in markup or "force_reply" in markup:
            return markup
        raise bad_request("can't parse reply keyboard markup JSON object")

    @staticmethod
    def _check_inline_button(button: object) -> None:
        if not isinstance(button, dict) or not button.get("text"):
            raise bad_request("can't parse inline keyboard button: Text must be non-empty")
        actions = _INLINE_ACTIONS.intersection(button)
        if not actions:
            raise bad_request(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )
        data = button.get("callback_data")
        if "callback_data" in button and (
            not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA
        ):
            raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button and not button["url"]:
            raise bad_request("BUTTON_URL_INVALID")

    def _reply_target(self, chat: FakeChat, params: JSON) -> JSON | None:
        reply = params.get("reply_parameters")
        message_id = reply.get("message_id") if isinstance(reply, dict) else None
        if message_id is None:
            message_id = params.get("reply_to_message_id")
        if message_id is None:
            return None
        found = chat.message(message_id)
        target: JSON | None
        if found is not None and not found.deleted:
            target = found.raw
        else:
            target = chat.user_messages.get(message_id)
        if target is None:
            lenient = (isinstance(reply, dict) and reply.get("allow_sending_without_reply")) or (
                params.get("allow_sending_without_reply")
            )
            if lenient:
                return None
            raise bad_request("message to be replied not found")
        return {k: v for k, v in target.items() if k != "reply_to_message"}

    def _store_file(
        self, data: bytes, kind: str, filename: str | None, mime: str | None
    ) -> StoredFile:
        number = next(self._file_ids)
        extension = (filename or "").rpartition(".")[2] if filename and "." in filename else "bin"
        if kind == "photo":
            extension = "jpg"
        stored = StoredFile(
            file_id=f"fake-{kind}-{number}",
            file_unique_id=f"fu{number}",
            data=data,
            file_path=f"{kind}s/file_{number}.{extension}",
            filename=filename,
            mime_type=mime,
        )
        self.files[stored.file_id] = stored
        return stored

    def _input_file(self, params: JSON, field: str) -> StoredFile:
        value = params.get(field)
        if isinstance(value, UploadedFile):
            if not value.content:
                raise bad_request("file must be non-empty")
            return self._store_file(value.content, field, value.filename, value.mime_type)
        if isinstance(value, str) and value:
            if value in self.files:
                return self.files[value]
            if value.startswith(("http://", "https://")):
                raise bad_request("failed to get HTTP URL content")  # the fake never fetches
            raise bad_request("wrong file identifier/HTTP URL specified")
        raise bad_request(f"there is no {field} in the request")

    def _caption(self, params: JSON) -> tuple[str | None, list[JSON]]:
        caption = params.get("caption")
        if not caption:
            return None, []
        plain, entities = self._format(
            caption, params.get("parse_mode"), params.get("caption_entities")
        )
        if utf16_len(plain) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return plain or None, entities

    def _new_message(
        self,
        chat: FakeChat,
        method: str,
        params: JSON,
        content: JSON,
        **fields: Any,
    ) -> FakeMessage:
        markup = self._check_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        message_id = chat.next_message_id()
        raw: JSON = {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": dict(chat.info),
            "date": int(time.time()),
            **content,
        }
        if reply_to is not None:
            raw["reply_to_message"] = reply_to
        if markup is not None and "inline_keyboard" in markup:
            raw["reply_markup"] = markup  # Telegram echoes only inline keyboards
        if params.get("protect_content"):
            raw["has_protected_content"] = True
        if markup is not None and "keyboard" in markup:
            chat.reply_keyboard = [
                [b if isinstance(b, str) else str(b.get("text", "")) for b in row]
                for row in markup["keyboard"]
            ]
        elif markup is not None and "remove_keyboard" in markup:
            chat.reply_keyboard = None
        message = FakeMessage(
            message_id=message_id,
            chat_id=chat.id,
            date=raw["date"],
            method=method,
            params=params,
            raw=raw,
            reply_markup=markup,
            **fields,
        )
        chat.messages.append(message)
        return message

    def _editable(self, params: JSON, missing: str) -> FakeMessage:
        if params.get("inline_message_id"):
            raise bad_request("inline messages are not supported by FakeBotApi")
        chat = self._target(params)
        message_id = params.get("message_id")
        message = chat.message(message_id) if isinstance(message_id, int) else None
        if message is None or message.deleted:
            if isinstance(message_id, int) and message_id in chat.user_messages:
                raise bad_request("message can't be edited")
            raise bad_request(missing)
        return message

    def _record_edit(self, message: FakeMessage, previous: str | None) -> JSON:
        message.edited = True
        message.history.append(previous)
        message.raw["edit_date"] = int(time.time())
        self.chat(message.chat_id).edit_log.append(message)
        return message.raw

    @staticmethod
    def _not_modified() -> TelegramApiError:
        return bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )

    @staticmethod
    def _set_markup(message: FakeMessage, markup: JSON | None) -> None:
        message.reply_markup = markup
        if markup is None:
            message.raw.pop("reply_markup", None)
        else:
            message.raw["reply_markup"] = markup

    # --- update delivery ---------------------------------------------------------------------

    def _allowed_kinds_ok(self, kind: str) -> bool:
        if self._allowed is None:
            return kind not in _NOT_ALLOWED_BY_DEFAULT
        return kind in self._allowed

    def _set_allowed(self, allowed: object) -> None:
        if isinstance(allowed, list):
            self._allowed = frozenset(allowed) if allowed else None

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            self._queue = self._queue[offset:]
            return
        self._queue = [
            p for p in self._queue if p.update_id >= offset or (p.redelivery and not p.handed_out)
        ]

    def _deliverable(self) -> list[_Pending]:
        """Pending updates in delivery order; types the bot did not ask for are dropped."""
        self._queue = [p for p in self._queue if self._allowed_kinds_ok(p.kind)]
        redelivered = [p for p in self._queue if p.redelivery and not p.handed_out]
        fresh = sorted((p for p in self._queue if not p.redelivery), key=lambda p: p.update_id)
        # Redeliveries first: PTB confirms up to the *last* id of a batch.
        return redelivered + fresh

    async def _deliver_webhook(self) -> None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            while not self._closing and self._webhook.get("url"):
                batch = await self._wait_for(
                    lambda: self._deliverable() or None if self._webhook.get("url") else [], 3600
                )
                if not batch or not self._webhook.get("url"):
                    continue
                pending = batch[0]
                headers = {}
                if self._webhook.get("secret_token"):
                    headers["X-Telegram-Bot-Api-Secret-Token"] = self._webhook["secret_token"]
                error = None
                try:
                    async with session.post(
                        self._webhook["url"], json=pending.update, headers=headers
                    ) as response:
                        await response.read()
                        if not 200 <= response.status < 300:
                            status = f"{response.status} {response.reason}"
                            error = f"Wrong response from the webhook: {status}"
                except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                    error = f"Connection failed: {exc.__class__.__name__}"
                if error is None:
                    with contextlib.suppress(ValueError):
                        self._queue.remove(pending)
                    self._pulse()
                else:
                    self._webhook["last_error_date"] = int(time.time())
                    self._webhook["last_error_message"] = error
                    await asyncio.sleep(self.webhook_retry_delay)

    # --- Bot API methods ---------------------------------------------------------------------

    @_api_method("getMe")
    async def _get_me(self, params: JSON) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @_api_method("logOut")
    async def _log_out(self, params: JSON) -> bool:
        return True

    @_api_method("close")
    async def _close(self, params: JSON) -> bool:
        return True

    @_api_method("getUpdates")
    async def _get_updates(self, params: JSON) -> list[JSON]:
        if self._webhook.get("url"):
            raise TelegramApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        self._set_allowed(params.get("allowed_updates"))
        offset = params.get("offset")
        if isinstance(offset, int):
            self._confirm(offset)
        limit = params.get("limit")
        limit = min(max(limit, 1), 100) if isinstance(limit, int) else 100
        timeout = params.get("timeout")
        timeout = float(timeout) if isinstance(timeout, int | float) and timeout > 0 else 0.0

        def ready() -> list[_Pending] | None:
            if generation != self._poll_generation:
                return []
            return self._deliverable() or None

        batch = await self._wait_for(ready, timeout) or []
        if generation != self._poll_generation:
            raise TelegramApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        batch = batch[:limit]
        for pending in batch:
            pending.handed_out = True
        return [pending.update for pending in batch]

    @_api_method("setWebhook")
    async def _set_webhook(self, params: JSON) -> bool:
        url = params.get("url") or ""
        if url:
            host = urlsplit(url).hostname
            if host not in _LOOPBACK:
                raise bad_request("bad webhook: FakeBotApi delivers only to 127.0.0.1")
        if params.get("drop_pending_updates"):
            self._queue.clear()
        self._set_allowed(params.get("allowed_updates"))
        self._webhook = {
            "url": url,
            "secret_token": params.get("secret_token"),
            "max_connections": params.get("max_connections", 40),
        }
        if url and (self._webhook_task is None or self._webhook_task.done()):
            self._webhook_task = asyncio.create_task(self._deliver_webhook())
        return True

    @_api_method("deleteWebhook")
    async def _delete_webhook(self, params: JSON) -> bool:
        if params.get("drop_pending_updates"):
            self._queue.clear()
        self._webhook = {"url": ""}
        return True

    @_api_method("getWebhookInfo")
    async def _get_webhook_info(self, params: JSON) -> JSON:
        info: JSON = {
            "url": self._webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if info["url"]:
            info["max_connections"] = self._webhook.get("max_connections", 40)
        for key in ("last_error_date", "last_error_message"):
            if key in self._webhook:
                info[key] = self._webhook[key]
        if self._allowed is not None:
            info["allowed_updates"] = sorted(self._allowed)
        return info

    @staticmethod
    def _commands_key(scope: object, language_code: object) -> tuple[str, str]:
        scope = scope if isinstance(scope, dict) and scope else {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(language_code or "")

    @_api_method("setMyCommands")
    async def _set_my_commands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be an array of at most 100 BotCommand")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        self._commands[key] = [dict(c) for c in commands]
        return True

    @_api_method("getMyCommands")
    async def _get_my_commands(self, params: JSON) -> list[JSON]:
        return self.commands(params.get("scope"), params.get("language_code") or "")

    @_api_method("deleteMyCommands")
    async def _delete_my_commands(self, params: JSON) -> bool:
        self._commands.pop(
            self._commands_key(params.get("scope"), params.get("language_code")), None
        )
        return True

    async def _set_bot_text(self, kind: str, params: JSON) -> bool:
        self._bot_texts[(kind, params.get("language_code") or "")] = params.get(kind) or ""
        return True

    def _get_bot_text(self, kind: str, params: JSON) -> JSON:
        return {kind: self._bot_texts.get((kind, params.get("language_code") or ""), "")}

    @_api_method("setMyDescription")
    async def _set_my_description(self, params: JSON) -> bool:
        return await self._set_bot_text("description", params)

    @_api_method("getMyDescription")
    async def _get_my_description(self, params: JSON) -> JSON:
        return self._get_bot_text("description", params)

    @_api_method("setMyShortDescription")
    async def _set_my_short_description(self, params: JSON) -> bool:
        return await self._set_bot_text("short_description", params)

    @_api_method("getMyShortDescription")
    async def _get_my_short_description(self, params: JSON) -> JSON:
        return self._get_bot_text("short_description", params)

    @_api_method("setMyName")
    async def _set_my_name(self, params: JSON) -> bool:
        return await self._set_bot_text("name", params)

    @_api_method("getMyName")
    async def _get_my_name(self, params: JSON) -> JSON:
        return self._get_bot_text("name", params)

    @_api_method("setChatMenuButton")
    async def _set_chat_menu_button(self, params: JSON) -> bool:
        self._menu_buttons[params.get("chat_id")] = params.get("menu_button") or {"type": "default"}
        return True

    @_api_method("getChatMenuButton")
    async def _get_chat_menu_button(self, params: JSON) -> JSON:
        return self._menu_buttons.get(params.get("chat_id"), {"type": "default"})

    @_api_method("getChat")
    async def _get_chat(self, params: JSON) -> JSON:
        chat = self._target(params)
        return {
            **chat.info,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    @_api_method("sendMessage")
    async def _send_message(self, params: JSON) -> JSON:
        chat = self._target(params)
        text = params.get("text")
        if not isinstance(text, str) or not text:
            raise bad_request("message text is empty")
        plain, entities = self._format(text, params.get("parse_mode"), params.get("entities"))
        if not plain:
            raise bad_request("message text is empty")
        if utf16_len(plain) > MAX_TEXT:
            raise bad_request("message is too long")
        content: JSON = {"text": plain}
        if entities:
            content["entities"] = entities
        if isinstance(params.get("link_preview_options"), dict):
            content["link_preview_options"] = params["link_preview_options"]
        message = self._new_message(
            chat, "sendMessage", params, content, text=plain, entities=entities
        )
        return message.raw

    @_api_method("sendPhoto")
    async def _send_photo(self, params: JSON) -> JSON:
        chat = self._target(params)
        caption, entities = self._caption(params)
        stored = self._input_file(params, "photo")
        size = image_size(stored.data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
        content: JSON = {
            "photo": [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": width,
                    "height": height,
                    "file_size": len(stored.data),
                }
            ]
        }
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        message = self._new_message(
            chat,
            "sendPhoto",
            params,
            content,
            caption=caption,
            entities=entities,
            photo=stored.data,
            filename=stored.filename,
            mime_type=stored.mime_type,
        )
        return message.raw

    @_api_method("sendDocument")
    async def _send_document(self, params: JSON) -> JSON:
        chat = self._target(params)
        caption, entities = self._caption(params)
        stored = self._input_file(params, "document")
        mime = stored.mime_type or mimetypes.guess_type(stored.filename or "")[0]
        document: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }
        if stored.filename:
            document["file_name"] = stored.filename
        if mime:
            document["mime_type"] = mime
        content: JSON = {"document": document}
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        message = self._new_message(
            chat,
            "sendDocument",
            params,
            content,
            caption=caption,
            entities=entities,
            document=stored.data,
            filename=stored.filename,
            mime_type=mime,
        )
        return message.raw

    @_api_method("sendChatAction")
    async def _send_chat_action(self, params: JSON) -> bool:
        chat = self._target(params)
        action = params.get("action")
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.actions.append(str(action))
        return True

    @_api_method("getFile")
    async def _get_file(self, params: JSON) -> JSON:
        stored = self.files.get(str(params.get("file_id")))
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.as_file()

    @_api_method("editMessageText")
    async def _edit_message_text(self, params: JSON) -> JSON:
        message = self._editable(params, "message to edit not found")
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        text = params.get("text")
        if not isinstance(text, str) or not text:
            raise bad_request("message text is empty")
        plain, entities = self._format(text, params.get("parse_mode"), params.get("entities"))
        if not plain:
            raise bad_request("message text is empty")
        if utf16_len(plain) > MAX_TEXT:
            raise bad_request("message is too long")
        # No reply_markup in an edit removes the inline keyboard, as in Telegram.
        markup = self._check_markup(params.get("reply_markup"), inline_only=True)
        if (plain, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise self._not_modified()
        previous = message.text
        message.text, message.entities = plain, entities
        message.raw["text"] = plain
        if entities:
            message.raw["entities"] = entities
        else:
            message.raw.pop("entities", None)
        self._set_markup(message, markup)
        return self._record_edit(message, previous)

    @_api_method("editMessageCaption")
    async def _edit_message_caption(self, params: JSON) -> JSON:
        message = self._editable(params, "message to edit not found")
        if message.text is not None:
            raise bad_request("there is no caption in the message to edit")
        caption, entities = self._caption(params)
        markup = self._check_markup(params.get("reply_markup"), inline_only=True)
        if (caption, entities, markup) == (message.caption, message.entities, message.reply_markup):
            raise self._not_modified()
        previous = message.caption
        message.caption, message.entities = caption, entities
        for key, value in (("caption", caption), ("caption_entities", entities)):
            if value:
                message.raw[key] = value
            else:
                message.raw.pop(key, None)
        self._set_markup(message, markup)
        return self._record_edit(message, previous)

    @_api_method("editMessageReplyMarkup")
    async def _edit_message_reply_markup(self, params: JSON) -> JSON:
        message = self._editable(params, "message to edit not found")
        markup = self._check_markup(params.get("reply_markup"), inline_only=True)
        if markup == message.reply_markup:
            raise self._not_modified()
        self._set_markup(message, markup)
        return self._record_edit(message, message.content)

    def _delete_one(self, chat: FakeChat, message_id: object) -> bool:
        if not isinstance(message_id, int):
            return False
        message = chat.message(message_id)
        if message is not None and not message.deleted:
            message.deleted = True
            return True
        return chat.user_messages.pop(message_id, None) is not None

    @_api_method("deleteMessage")
    async def _delete_message(self, params: JSON) -> bool:
        chat = self._target(params)
        if not self._delete_one(chat, params.get("message_id")):
            raise bad_request("message to delete not found")
        return True

    @_api_method("deleteMessages")
    async def _delete_messages(self, params: JSON) -> bool:
        chat = self._target(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must contain 1-100 message identifiers")
        for message_id in ids:  # missing ones are skipped, as documented
            self._delete_one(chat, message_id)
        return True

    @_api_method("answerCallbackQuery")
    async def _answer_callback_query(self, params: JSON) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if self._callback_queries.get(query_id, True):  # unknown or already answered
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self._callback_queries[query_id] = True
        self.callback_answers[query_id] = params
        return True

    # --- for FakeUser / FakeGroup ------------------------------------------------------------

    def _new_query_id(self) -> str:
        query_id = str(next(self._query_ids))
        self._callback_queries[query_id] = False
        return query_id

    def _new_user_file(
        self, kind: str, data: bytes, filename: str | None, mime: str | None
    ) -> StoredFile:
        return self._store_file(data, kind, filename, mime)

    def answer_to(self, update: JSON) -> JSON | None:
        """The bot's answerCallbackQuery params for a tap's update, or None if unanswered."""
        query = update.get("callback_query") or {}
        return self.callback_answers.get(str(query.get("id")))


def _injected_error(status: int, description: str, retry_after: int | None) -> TelegramApiError:
    """For 429 the answer carries ``parameters.retry_after`` (1 unless given)."""
    parameters: JSON | None = None
    if status == 429 and retry_after is None:
        retry_after = 1
    if retry_after is not None:
        parameters = {"retry_after": retry_after}
        if status == 429 and description == "Internal Server Error":
            description = f"Too Many Requests: retry after {retry_after}"
    return TelegramApiError(status, description, parameters)


def _answer(body: JSON, status: int) -> web.Response:
    return web.json_response(body, status=status)


def _decode(name: str, value: str) -> object:
    if name in _STRING_PARAMS:
        return value
    if name == "chat_id":
        try:
            return int(value)
        except ValueError:
            return value  # "@channelusername"
    try:
        return json.loads(value)
    except ValueError:
        return value


async def _read_params(request: web.Request) -> JSON:
    """Decodes a request the way Telegram does: query string, then the form / multipart / JSON."""
    params: JSON = {name: _decode(name, value) for name, value in request.query.items()}
    if request.method != "POST" or not request.can_read_body:
        return params
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
    elif request.content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                continue
            data = await part.read(decode=True)
            if part.filename is not None:
                mime = part.headers.get("Content-Type", "application/octet-stream")
                params[part.name] = UploadedFile(part.filename, bytes(data), mime)
            else:
                params[part.name] = _decode(part.name, data.decode("utf-8"))
    else:
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, str):
                params[name] = _decode(name, value)
    return params
