"""The small loops beside intake and sending: reminders, answers to button presses, pruning."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import Bot
from telegram.error import TelegramError

from bot.channels.telegram.dispatcher import Answered
from bot.channels.telegram.outbox import TelegramOutbox
from bot.services.respondent import Respondents
from bot.storage.clock import now, now_ms
from bot.storage.db import StorageError, Store
from bot.storage.retention import (
    DEAD_LETTER_MEMORY,
    INBOX_MEMORY,
    MESSAGE_MEMORY_MS,
    OFFER_MEMORY,
)

log = logging.getLogger(__name__)

PRUNE_EVERY = 3600.0


@dataclass
class Reminders:
    store: Store
    respondents: Respondents
    outbox: TelegramOutbox
    interval: float
    on_queued: Callable[[], None]

    async def run(self) -> None:
        while True:
            await self.send_due()
            await asyncio.sleep(self.interval)

    async def send_due(self) -> int:
        due = await self.store.read.sessions.due_reminders(now())
        if not due:
            return 0
        async with self.store.transaction() as tx:
            for reminder in due:
                try:
                    async with self.store.savepoint():
                        effects = await self.respondents.remind(tx, reminder.session_id)
                        await self.outbox.put_to(tx, reminder.chat, effects)
                except StorageError:
                    raise
                except Exception:
                    # One unreadable reminder must not hold up the others, nor come back.
                    log.exception("reminder of an interview cannot be sent; skipped")
                    await tx.sessions.mark_reminded(reminder.session_id)
        self.on_queued()
        return len(due)


@dataclass
class ButtonAnswers:
    """Answers button presses after their commit, without holding up the next update."""

    bot: Bot
    workers: int = 4
    queue: asyncio.Queue[Answered] = field(default_factory=asyncio.Queue)

    def submit(self, answered: list[Answered]) -> None:
        for item in answered:
            self.queue.put_nowait(item)

    async def run(self) -> None:
        await asyncio.gather(*(self._work() for _ in range(self.workers)))

    async def _work(self) -> None:
        while True:
            item = await self.queue.get()
            # Telegram forgets a query after a while; a late or failed answer only costs the
            # respondent a spinner, so it is not retried.
            with contextlib.suppress(TelegramError):
                await self.bot.answer_callback_query(item.callback_id, text=item.toast)


@dataclass
class Pruning:
    store: Store
    unfinished_after: timedelta
    """The privacy screen tells respondents an unfinished interview is deleted after this."""

    async def run(self) -> None:
        while True:
            await self.prune()
            await asyncio.sleep(PRUNE_EVERY)

    async def prune(self) -> None:
        async with self.store.transaction() as tx:
            inbox = await tx.inbox.prune(now() - INBOX_MEMORY)
            messages = await tx.bot_messages.prune(now_ms() - MESSAGE_MEMORY_MS)
            dead = await tx.dead_letters.prune(now() - DEAD_LETTER_MEMORY)
            # An offer to leave a contact that nobody took up holds a key once tapped.
            offers = await tx.volunteers.prune_offers(now().date() - OFFER_MEMORY)
            expired = await tx.sessions.expire(now() - self.unfinished_after)
        if inbox or messages or dead or offers or expired:
            log.info(
                "pruned %d inbox ids, %d message ids, %d dead letters, %d offers,"
                " %d unfinished interviews",
                inbox, messages, dead, offers, expired,
            )  # fmt: skip
