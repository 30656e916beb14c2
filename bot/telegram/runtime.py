"""The bot's loops: durable intake, in-order dispatch, the outbox sender and reminders.

python-telegram-bot's Updater confirms updates before handlers run; here an update is
committed to the inbox before its offset is confirmed, and every message that follows from it
is committed to the outbox in the same transaction as the answer, then sent with retries.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.flows.interview import InterviewState
from bot.i18n import translator
from bot.inbound import Incoming
from bot.privacy import Sealer, chat_key
from bot.storage import repos
from bot.storage.db import Database
from bot.telegram import texts
from bot.telegram.intake import sanitise
from bot.telegram.journey import CHAT_CONTEXT, Journey
from bot.telegram.menus import COORDINATOR_COMMANDS, menu
from bot.telegram.presenter import Message

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
POLL_TIMEOUT = 30
MAX_BACKOFF = timedelta(minutes=5)
# Telegram's answers that mean "this will never succeed": drop the message, keep going.
GONE = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")
ALREADY = (
    "message is not modified",
    "message to edit not found",
    "message to delete not found",
    "message can't be deleted",
)


@dataclass
class Runtime:
    db: Database
    bot: Bot
    journey: Journey
    sealer: Sealer
    secret: bytes
    poll_timeout: int = POLL_TIMEOUT
    reminder_interval: float = 60.0
    _inbox_ready: asyncio.Event = field(default_factory=asyncio.Event)
    _outbox_ready: asyncio.Event = field(default_factory=asyncio.Event)

    # --- intake --------------------------------------------------------------------------

    async def accept(self, updates: Sequence[Update]) -> None:
        """Commit updates to the inbox; only after this may Telegram forget them."""
        if not updates:
            return
        async with self.db.transaction() as db:
            for update in updates:
                event = sanitise(update)
                if event is None:
                    await repos.inbox_add(db, update.update_id, None, "")
                    await repos.inbox_done(db, update.update_id)
                    continue
                await repos.inbox_add(
                    db,
                    update.update_id,
                    chat_key(self.secret, event.chat_id),
                    event.seal(self.sealer),
                )
        self._inbox_ready.set()

    async def poll(self) -> None:
        offset: int | None = None
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=self.poll_timeout, allowed_updates=ALLOWED_UPDATES
                )
            except RetryAfter as error:
                await asyncio.sleep(_seconds(error.retry_after))
                continue
            except TelegramError as error:
                log.warning("getUpdates failed: %s", type(error).__name__)
                await asyncio.sleep(1)
                continue
            await self.accept(updates)
            if updates:
                # Asking from the next id confirms these to Telegram: they are committed now.
                offset = updates[-1].update_id + 1

    # --- dispatch ------------------------------------------------------------------------

    async def dispatch(self) -> None:
        while True:
            await self.drain_inbox()
            self._inbox_ready.clear()
            await self._inbox_ready.wait()

    async def drain_inbox(self) -> int:
        """Handle every pending update in arrival order; returns how many were handled."""
        handled = 0
        while pending := await repos.inbox_pending(self.db.connection):
            for update_id, _, sealed in pending:
                await self._handle(update_id, sealed)
                handled += 1
        return handled

    async def _handle(self, update_id: int, sealed: str) -> None:
        event = Incoming.unseal(self.sealer, sealed)
        toast: str | None = None
        try:
            async with self.db.transaction() as db:
                toast = await self.journey.handle(db, event)
                await repos.inbox_done(db, update_id)
        except Exception:
            # Logged without the event: it may hold a respondent's words.
            log.exception("update %d could not be handled; skipped", update_id)
            async with self.db.transaction() as db:
                await repos.inbox_done(db, update_id)
        self._outbox_ready.set()
        if event.callback_id is not None:
            with contextlib.suppress(TelegramError):
                await self.bot.answer_callback_query(event.callback_id, text=toast)

    # --- sending -------------------------------------------------------------------------

    async def send_forever(self) -> None:
        while True:
            await self.flush_outbox()
            self._outbox_ready.clear()
            await self._wait_for_outbox()

    async def _wait_for_outbox(self) -> None:
        due = await repos.outbox_next_due(self.db.connection)
        timeout = None
        if due is not None:
            timeout = max((datetime.fromisoformat(due) - datetime.now(UTC)).total_seconds(), 0.05)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._outbox_ready.wait(), timeout)

    async def flush_outbox(self) -> int:
        """Send every due message, each chat's in order; returns how many were delivered."""
        delivered = 0
        while heads := await repos.outbox_heads(self.db.connection, datetime.now(UTC)):
            results = await asyncio.gather(*(self._deliver(item) for item in heads))
            delivered += sum(results)
            if not any(results):
                break  # everything due failed and was rescheduled: wait for the next due time
        return delivered

    async def _deliver(self, item: repos.Outgoing) -> bool:
        chat_id = self.sealer.open_int(item.chat, context=CHAT_CONTEXT)
        payload = _loads(item.payload)
        try:
            message_ids = await self._call(chat_id, item.kind, payload)
        except RetryAfter as error:
            await self._reschedule(item, timedelta(seconds=_seconds(error.retry_after)))
            return False
        except Forbidden:
            log.info("chat unreachable (Forbidden); message dropped")
            message_ids = []
        except BadRequest as error:
            reason = str(error).lower()
            if any(marker in reason for marker in GONE):
                log.info("chat unreachable (BadRequest); message dropped")
            elif not any(marker in reason for marker in ALREADY):
                log.error("Telegram refused a %s: %s; dropped", item.kind, error)
            message_ids = []
        except TelegramError as error:  # NetworkError, TimedOut and the rest: worth a retry
            backoff = min(timedelta(seconds=2 ** min(item.attempts, 10)), MAX_BACKOFF)
            log.warning("sending failed (%s); retry in %s", type(error).__name__, backoff)
            await self._reschedule(item, backoff)
            return False
        async with self.db.transaction() as db:
            still_wanted = await repos.outbox_sent(db, item.id)
            if still_wanted and payload.get("track"):
                for message_id in message_ids:
                    await repos.remember_message(db, item.chat_key, message_id)
        if not still_wanted and message_ids:
            # The respondent left while this was on its way: it must not stay on their screen.
            with contextlib.suppress(TelegramError):
                await self.bot.delete_messages(chat_id, message_ids)
        return True

    async def _reschedule(self, item: repos.Outgoing, delay: timedelta) -> None:
        async with self.db.transaction() as db:
            await repos.outbox_retry(db, item.id, datetime.now(UTC) + delay)

    async def _call(self, chat_id: int, kind: str, payload: dict) -> list[int]:
        if kind == "send":
            sent = await self.bot.send_message(
                chat_id,
                payload["text"],
                parse_mode=ParseMode.HTML,
                reply_markup=_keyboard(payload.get("buttons") or []),
            )
            return [sent.message_id]
        if kind == "edit":
            await self.bot.edit_message_text(
                payload["text"],
                chat_id=chat_id,
                message_id=payload["message_id"],
                parse_mode=ParseMode.HTML,
                reply_markup=_keyboard(payload.get("buttons") or []),
            )
            return []
        if kind in ("photo", "document"):
            data = base64.b64decode(payload["data"])
            caption = payload.get("caption") or None
            if kind == "photo":
                sent = await self.bot.send_photo(chat_id, photo=data, caption=caption)
            else:
                document = InputFile(data, filename=payload["filename"])
                sent = await self.bot.send_document(chat_id, document=document, caption=caption)
            return [sent.message_id]
        if kind == "menu":
            commands = menu(COORDINATOR_COMMANDS, payload["locale"])
            await self.bot.set_my_commands(
                [BotCommand(name, text) for name, text in commands],
                scope=BotCommandScopeChat(chat_id),
            )
            return []
        if kind == "delete":
            ids = list(payload["message_ids"])
            for start in range(0, len(ids), 100):
                await self.bot.delete_messages(chat_id, ids[start : start + 100])
            return []
        raise ValueError(f"unknown outbox kind {kind!r}")

    # --- reminders -----------------------------------------------------------------------

    async def remind_forever(self) -> None:
        while True:
            await self.send_reminders()
            await asyncio.sleep(self.reminder_interval)

    async def send_reminders(self) -> int:
        due = await repos.due_reminders(self.db.connection, datetime.now(UTC))
        for session_id, sealed_chat, state in due:
            chat_id = self.sealer.open_int(sealed_chat, context=CHAT_CONTEXT)
            tr = translator(InterviewState.from_json(state).locale)
            async with self.db.transaction() as db:
                await self.journey.send(db, chat_id, Message(tr.gettext(texts.REMINDER)))
                await repos.mark_reminded(db, session_id)
        if due:
            self._outbox_ready.set()
        return len(due)


def _keyboard(rows: list[list[list[str]]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _loads(text: str) -> dict:
    loaded = json.loads(text)
    assert isinstance(loaded, dict)
    return loaded
