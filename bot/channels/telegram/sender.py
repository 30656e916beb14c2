"""Delivers the outbox: each chat's messages in order, after their commit, with retries.

Telegram's flood limit is per bot, so a 429 pauses the whole sender until `retry_after` has
passed (to the millisecond), not only the one message. A message Telegram will never accept
is set aside as a dead letter, so one bad row cannot hold up a chat or the loop.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

import orjson
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InputFile,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.channels.telegram.markup import Document, Photo, Rendered, Text
from bot.channels.telegram.menus import COORDINATOR_COMMANDS, menu
from bot.channels.telegram.outbox import (
    DELETE,
    DOCUMENT,
    EDIT,
    MENU,
    PHOTO,
    SEND,
    TYPING,
    UNBUTTON,
)
from bot.channels.telegram.pacing import Pacing
from bot.channels.telegram.presenter import Presenter
from bot.privacy import Addresses
from bot.services.notices import VIEW
from bot.services.reports import Reports
from bot.services.views import DEFERRED
from bot.storage.clock import now_ms
from bot.storage.db import StorageError, Store
from bot.storage.records import Outgoing
from bot.storage.repos import Repos

log = logging.getLogger(__name__)

IDLE_POLL = 2.0
"""Seconds between looks at the outbox when nothing woke the sender: other processes (the
console, the command line) queue coordinator notices too."""
MAX_BACKOFF_MS = 5 * 60 * 1000
MAX_ATTEMPTS = 100
"""Network failures a message may meet (hours, at the longest backoff) before it is set aside."""
CONCURRENCY = 16
# Telegram's answers that mean "this will never succeed": drop the message, keep going.
GONE = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")
ALREADY = (
    "message is not modified",
    "message to edit not found",
    "message to delete not found",
    "message can't be deleted",
)


@dataclass(frozen=True)
class Delivered:
    """A row Telegram accepted, waiting for its round's commit to be marked sent."""

    item: Outgoing
    payload: dict[str, Any]
    sent: list[int]
    """Ids of the messages it put on the screen."""


@dataclass
class Sender:
    store: Store
    bot: Bot
    addresses: Addresses
    presenter: Presenter
    reports: Reports
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    pacing: Pacing | None = None
    """Telegram's limits, the bot's and each chat's; None with the rate limit off (a
    self-hosted Bot API)."""
    paused_until_ms: int = 0
    """Telegram's flood limit: nothing is sent before this moment."""
    probing: bool = False
    """After a 429, one message goes alone first: sent in parallel, the others would meet the
    flood wait of the same storm, each one more request Telegram asked not to get."""
    _gate: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(CONCURRENCY))
    _closing: bool = False
    _unmarked: list[Delivered] = field(default_factory=list)
    """A round Telegram took whose marking failed (the database locked or full): it is
    marked before anything else is read, so its rows, still due, are not sent again."""
    _in_hand: int = 0
    _settled: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        while not self._closing:
            self.wake.clear()
            await self.flush()
            if not self._closing:
                await self._idle()

    async def finish(self) -> None:
        """At shutdown: start nothing new, and wait for the messages on their way to be
        marked sent (cancelled between Telegram's answer and the mark, they would go out
        again after the restart)."""
        self._closing = True
        self.wake.set()
        while self._in_hand:
            self._settled.clear()
            await self._settled.wait()
        with contextlib.suppress(StorageError):  # still failing: sent again after the restart
            await self._mark_unmarked()

    async def _idle(self) -> None:
        timeout = IDLE_POLL
        due = await self.store.read.outbox.next_due_ms()
        if due is not None and self.pacing is not None and self.pacing.held_until_ms:
            # The earliest due message may be one its chat's pace holds back: waking before
            # it may go would only find it held again. A message due in the meantime is not
            # missed: new messages wake the sender, and a retry waits a second at most more.
            due = max(due, self.pacing.held_until_ms)
        if due is not None:
            timeout = min(timeout, max(due - now_ms(), 10) / 1000)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), timeout)

    async def flush(self) -> int:
        """Send every due message, each chat's in order; returns how many were delivered.

        Each round sends the head of every chat at once and marks all those delivered in
        one commit: a chat's next message is read only after that commit, so order holds,
        and a round costs one fsync instead of one per message."""
        delivered = 0
        await self._mark_unmarked()
        while not self._closing:
            await self._respect_pause()
            async with self.store.settled():
                heads = await self.store.read.outbox.heads(now_ms())
            if not heads:
                return delivered
            if self.probing:
                heads = heads[:1]
            if self.pacing is not None:
                # After the probe's cut: a message admitted is taken from the limits.
                heads = self.pacing.admit(heads, now_ms())
            if not heads:
                return delivered  # every message due waits for the bot's or its chat's pace
            self._in_hand += 1
            try:
                results = await asyncio.gather(*(self._guarded(item) for item in heads))
                self._unmarked = [r for r in results if isinstance(r, Delivered)]
                await self._mark_unmarked()
            finally:
                self._in_hand -= 1
                self._settled.set()
            if self.probing and any(results):
                self.probing = False
            delivered += sum(bool(result) for result in results)
            if not any(results):
                return delivered  # everything due failed and was rescheduled
        return delivered

    async def _respect_pause(self) -> None:
        wait_ms = self.paused_until_ms - now_ms()
        if wait_ms > 0:
            await asyncio.sleep(wait_ms / 1000)

    async def _guarded(self, item: Outgoing) -> Delivered | bool:
        async with self._gate:
            if self._closing:
                return False
            return await self._deliver(item)

    async def _deliver(self, item: Outgoing) -> Delivered | bool:
        """Delivered (to be marked sent with the round), True when settled otherwise (set
        aside, already done), False when it is to be tried again later."""
        payload: dict[str, Any] = {}
        try:
            payload = orjson.loads(item.payload)
            chat = self.addresses.open(item.chat)
            sent = await self._send(chat, item, payload)
        except RetryAfter as error:
            delay_ms = int(_seconds(error.retry_after) * 1000)
            self.paused_until_ms = max(self.paused_until_ms, now_ms() + delay_ms)
            self.probing = True
            log.warning("Telegram flood limit: sending paused for %.3f s", delay_ms / 1000)
            await self._reschedule(item, self.paused_until_ms, payload)
            return False
        except Forbidden:
            log.info("chat unreachable (the bot was blocked); message dropped")
            sent = []
        except BadRequest as error:
            sent = []
            reason = str(error).lower()
            if any(marker in reason for marker in GONE):
                log.info("chat unreachable (%s); message dropped", error)
            elif not any(marker in reason for marker in ALREADY):
                await self._set_aside(item, f"BadRequest: {error}")
                return True
        except TelegramError as error:  # NetworkError, TimedOut and the rest: worth a retry
            if item.attempts + 1 >= MAX_ATTEMPTS:
                await self._set_aside(item, f"{type(error).__name__} after {MAX_ATTEMPTS} tries")
                return True
            backoff_ms = min(1000 * 2 ** min(item.attempts, 16), MAX_BACKOFF_MS)
            log.warning(
                "sending failed (%s); retry in %.1f s", type(error).__name__, backoff_ms / 1000
            )
            await self._reschedule(item, now_ms() + backoff_ms, payload)
            return False
        except Exception as error:
            log.exception("outbox message %d cannot be sent; set aside", item.id)
            await self._set_aside(item, type(error).__name__)
            return True
        return Delivered(item, payload, sent)

    async def _send(self, chat: int, item: Outgoing, payload: dict[str, Any]) -> list[int]:
        """Send the row's message(s); ids of the messages now on the respondent's screen."""
        await self._respect_pause()
        if item.kind == VIEW:
            view = DEFERRED.validate_python(payload["view"])
            material = await self.reports.material(self.store.read, view)
            parts = self.presenter.deferred(view, material)
            return await self._send_parts(chat, item, payload, parts)
        if item.kind == MENU:
            commands = menu(COORDINATOR_COMMANDS, payload["locale"])
            await self.bot.set_my_commands(
                [BotCommand(name, text) for name, text in commands],
                scope=BotCommandScopeChat(chat),
            )
            return []
        if item.kind == TYPING:
            return []
        if item.kind == DELETE:
            ids = list(payload["message_ids"])
            for start in range(0, len(ids), 100):
                await self.bot.delete_messages(chat, ids[start : start + 100])
            return []
        if item.kind == UNBUTTON:
            held = await self.store.read.keyboards.held(item.chat_key, payload["slot"])
            if held is not None:
                await self.bot.edit_message_reply_markup(chat_id=chat, message_id=held)
            return []
        if item.kind == EDIT:
            await self._call(
                "editMessageText",
                chat_id=chat,
                message_id=payload["message_id"],
                text=payload["text"],
                parse_mode=ParseMode.HTML,
                reply_markup=_keyboard(payload.get("buttons") or []),
            )
            return []
        return [await self._send_one(chat, _stored(item.kind, payload))]

    async def _send_parts(
        self, chat: int, item: Outgoing, payload: dict[str, Any], parts: list[Rendered]
    ) -> list[int]:
        """Several messages from one row: progress is kept, so a retry does not repeat any."""
        done = int(payload.get("done", 0))
        sent: list[int] = []
        for index in range(done, len(parts)):
            try:
                if index > done:
                    await self._pace_next_part()
                sent.append(await self._send_one(chat, parts[index]))
            except TelegramError:
                if index > done:
                    payload["done"] = index
                raise
        return sent

    async def _pace_next_part(self) -> None:
        """The row was admitted as one message; each further part waits for the bot's limit."""
        while self.pacing is not None and (wait_ms := self.pacing.next_part_wait_ms(now_ms())):
            await asyncio.sleep(wait_ms / 1000)

    async def _send_one(self, chat: int, part: Rendered) -> int:
        await self._respect_pause()
        match part:
            case Text(text=text, buttons=buttons):
                sent = await self._call(
                    "sendMessage",
                    chat_id=chat,
                    text=text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=_keyboard(buttons),
                )
                return int(sent["message_id"])
            case Photo(png=png, caption=caption):
                message = await self.bot.send_photo(chat, photo=png, caption=caption or None)
            case Document(data=data, filename=filename, caption=caption):
                document = InputFile(data, filename=filename)
                message = await self.bot.send_document(
                    chat, document=document, caption=caption or None
                )
        return int(message.message_id)

    async def _call(self, method: str, **params: object) -> Any:
        """A Bot API call through PTB (its parameters and errors) answered as the JSON
        Telegram sent: PTB would parse each sent message into a Message object, 11% of
        the bot's busy CPU at one respondent (py-spy), for the one id the sender keeps."""
        return await self.bot._post(method, {k: v for k, v in params.items() if v is not None})

    async def _mark_unmarked(self) -> None:
        """Raises StorageError, the round kept, while the database cannot take it: the loop
        stops and its supervisor starts it again after a pause."""
        if not self._unmarked:
            return
        withdrawn: list[Delivered] = []
        async with self.store.transaction() as tx:
            for done in self._unmarked:
                if not await self._record(tx, done):
                    withdrawn.append(done)
        self._unmarked = []
        for done in withdrawn:
            # The respondent left while this was on its way: it must not stay on their screen.
            with contextlib.suppress(TelegramError):
                await self.bot.delete_messages(self.addresses.open(done.item.chat), done.sent)

    async def _record(self, tx: Repos, done: Delivered) -> bool:
        """Mark one delivered row sent; False (and nothing kept) if it was withdrawn while
        on its way and left messages on the screen."""
        item, payload, sent = done.item, done.payload, done.sent
        if not await tx.outbox.sent(item.id):
            return not sent
        if sent and payload.get("track", True):
            await tx.bot_messages.remember(item.chat_key, sent)
        if payload.get("slot"):
            await self._keep_slot(tx, item, payload, sent)
        if item.kind == EDIT and not payload.get("buttons"):
            # Settled by a tap: a later Unbutton would edit it again for nothing (a 400).
            await tx.keyboards.release_message(item.chat_key, int(payload["message_id"]))
        return True

    @staticmethod
    async def _keep_slot(
        tx: Repos, item: Outgoing, payload: dict[str, Any], sent: list[int]
    ) -> None:
        """A slot holds the newest message of its kind while it has buttons; once they are
        taken away, or the newest has none, there is nothing left to take away."""
        slot = str(payload["slot"])
        if item.kind == SEND and sent and payload.get("buttons"):
            await tx.keyboards.hold(item.chat_key, slot, sent[-1])
        else:
            await tx.keyboards.release(item.chat_key, slot)

    async def _reschedule(self, item: Outgoing, due_ms: int, payload: dict[str, Any]) -> None:
        async with self.store.transaction() as tx:
            await tx.outbox.retry(item.id, due_ms, payload if "done" in payload else None)

    async def _set_aside(self, item: Outgoing, reason: str) -> None:
        log.error(
            "outbox message %d (%s) refused for good: %s; set aside", item.id, item.kind, reason
        )
        async with self.store.transaction() as tx:
            await tx.outbox.sent(item.id)
            # The text is not kept: it may hold a respondent's answers.
            await tx.dead_letters.add(
                source="outbox",
                ref=str(item.id),
                error=reason,
                chat_key=item.chat_key,
                payload=None,
            )


def _stored(kind: str, payload: dict[str, Any]) -> Rendered:
    """A message rendered when it was queued (send, photo, document)."""
    if kind == SEND:
        buttons = [[(label, data) for label, data in row] for row in payload.get("buttons") or []]
        return Text(payload["text"], buttons)
    data = base64.b64decode(payload["data"])
    if kind == PHOTO:
        return Photo(data, payload.get("caption") or "")
    if kind == DOCUMENT:
        return Document(data, payload["filename"], payload.get("caption") or "")
    raise ValueError(f"unknown outbox kind {kind!r}")


def _keyboard(rows: list[list[Any]]) -> dict[str, object] | None:
    """The Bot API's InlineKeyboardMarkup as the JSON it is sent as: PTB's objects for nine
    buttons took 120 us to build and to turn back into this, 30 times what the dict takes."""
    if not rows:
        return None
    return {
        "inline_keyboard": [
            [{"text": label, "callback_data": data} for label, data in row] for row in rows
        ]
    }


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
