"""What is forgotten on schedule, whichever channel wrote it: old intake and message ids, dead
letters, untaken offers, and unfinished interviews past the days the privacy screen states."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.storage.clock import now, now_ms
from bot.storage.db import Store
from bot.storage.retention import (
    DEAD_LETTER_MEMORY,
    INBOX_MEMORY,
    MESSAGE_MEMORY_MS,
    OFFER_MEMORY,
)

log = logging.getLogger(__name__)

PRUNE_EVERY = 3600.0


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
