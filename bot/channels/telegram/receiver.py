"""Durable intake: updates are committed to the inbox before Telegram may forget them.

Polling reads getUpdates' raw JSON and parses each update on its own, because
python-telegram-bot's `get_updates` raises for the whole batch when one update does not
parse (so the offset never moves past it) and logs the batch's raw data, names included.
An update that cannot be parsed is set aside and intake moves on.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from telegram import Bot, Update
from telegram.error import Conflict, RetryAfter, TelegramError

from bot.channels.telegram.intake import sanitise
from bot.privacy import Addresses, Sealer
from bot.storage.db import StorageError, Store
from bot.supervisor import Backoff

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
POLL_TIMEOUT = 30
LONG_TEXT = 1000
"""Above this many characters in a batch, sanitising (redaction) runs in a worker thread."""


@dataclass(frozen=True)
class Prepared:
    update_id: int
    chat_key: str | None = None
    event: str | None = None
    error: str | None = None


@dataclass
class Receiver:
    store: Store
    bot: Bot
    sealer: Sealer
    addresses: Addresses
    on_accepted: Callable[[], None]
    poll_timeout: int = POLL_TIMEOUT

    async def accept(self, raws: list[dict[str, Any]]) -> None:
        """Commit a batch of raw updates; only after this may Telegram forget them."""
        if sum(_text_size(raw) for raw in raws) > LONG_TEXT:
            prepared = await asyncio.to_thread(self._prepare_all, raws)
        else:
            prepared = self._prepare_all(raws)
        async with self.store.transaction() as tx:
            for item in prepared:
                fresh = await tx.inbox.add(item.update_id, item.chat_key, item.event)
                if fresh and item.error is not None:
                    log.error(
                        "update %d could not be read (%s); set aside", item.update_id, item.error
                    )
                    await tx.dead_letters.add(
                        source="intake", ref=str(item.update_id), error=item.error,
                        chat_key=None, payload=None,
                    )  # fmt: skip
        self.on_accepted()

    def _prepare_all(self, raws: list[dict[str, Any]]) -> list[Prepared]:
        return [self._prepare(raw) for raw in raws]

    def _prepare(self, raw: dict[str, Any]) -> Prepared:
        update_id = int(raw["update_id"])
        try:
            update = Update.de_json(raw, self.bot)
            event = sanitise(update)
        except Exception as error:  # whatever the library or our sanitiser raises
            return Prepared(update_id, error=type(error).__name__)
        if event is None:
            return Prepared(update_id)
        return Prepared(update_id, self.addresses.key(event.chat_id), event.seal(self.sealer))

    # --- long polling --------------------------------------------------------------------

    async def poll(self) -> None:
        offset: int | None = None
        backoff = Backoff(first=1.0, ceiling=30.0)
        while True:
            try:
                raws = await self._get_updates(offset)
            except RetryAfter as error:
                log.warning("getUpdates: Telegram asks to wait %s", error.retry_after)
                await asyncio.sleep(_seconds(error.retry_after))
                continue
            except Conflict:
                log.warning("getUpdates: another process polls this bot (or a webhook is set)")
                await asyncio.sleep(backoff.next())
                continue
            except TelegramError as error:
                log.warning("getUpdates failed (%s); retrying", type(error).__name__)
                await asyncio.sleep(backoff.next())
                continue
            backoff.reset()
            if raws:
                await self.accept(raws)
                # Asking from the next id confirms these to Telegram: they are committed now.
                offset = max(int(raw["update_id"]) for raw in raws) + 1

    async def _get_updates(self, offset: int | None) -> list[dict[str, Any]]:
        result = await self.bot._post(
            "getUpdates",
            {"offset": offset, "timeout": self.poll_timeout, "allowed_updates": ALLOWED_UPDATES},
            read_timeout=self.poll_timeout + 10,
        )
        if not isinstance(result, list):
            raise TelegramError("getUpdates did not return a list")
        return [raw for raw in result if isinstance(raw, dict) and _has_id(raw)]

    # --- webhook -------------------------------------------------------------------------

    def webhook_handler(self, secret: str) -> Callable[[web.Request], Any]:
        async def receive(request: web.Request) -> web.Response:
            given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
            if not hmac.compare_digest(given, secret):
                return web.Response(status=403)
            try:
                raw = await request.json()
            except ValueError:
                return web.Response(status=400)
            if not isinstance(raw, dict) or not _has_id(raw):
                return web.Response(status=400)
            try:
                await self.accept([raw])
            except StorageError as error:
                # Telegram sends it again later: nothing is lost while the database recovers.
                log.warning("webhook update not stored (%s); Telegram will retry", error)
                return web.Response(status=503)
            # 200 only once the update is committed: otherwise Telegram must send it again.
            return web.Response(status=200)

        return receive


def _has_id(raw: dict[str, Any]) -> bool:
    return isinstance(raw.get("update_id"), int) and not isinstance(raw["update_id"], bool)


def _text_size(raw: dict[str, Any]) -> int:
    message = raw.get("message") or raw.get("edited_message")
    if isinstance(message, dict):
        text = message.get("text")
        return len(text) if isinstance(text, str) else 0
    return 0


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
