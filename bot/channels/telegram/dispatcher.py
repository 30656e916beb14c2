"""Handles committed updates in arrival order, several per commit under load.

Each update runs in its own savepoint inside one transaction (group commit), so one fsync
serves a batch. An update whose handler fails is rolled back alone: the respondent gets an
apology and the update is set aside as a dead letter. A database failure (busy, full) rolls
the whole batch back; it is retried, with growing pauses, until the database works again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.channels.telegram.incoming import Incoming
from bot.channels.telegram.outbox import TelegramOutbox
from bot.channels.telegram.router import Router
from bot.i18n import negotiate
from bot.privacy import Sealer
from bot.services import texts
from bot.services.effects import Effect, Reply, Toast
from bot.services.views import Phrase, Say
from bot.storage.db import StorageError, Store
from bot.storage.records import PendingUpdate
from bot.storage.repos import Repos

log = logging.getLogger(__name__)

BATCH = 64


@dataclass
class Answered:
    callback_id: str
    toast: str | None


@dataclass
class Dispatcher:
    store: Store
    router: Router
    outbox: TelegramOutbox
    sealer: Sealer
    locales: tuple[str, ...]
    on_committed: Callable[[list[Answered]], None]
    """Called after each commit with the button presses to answer (never blocks)."""
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        while True:
            # Cleared before draining, not after: a wake-up that comes while drain() reads an
            # empty inbox (the receiver committing meanwhile) must make it look again, or the
            # update waits for the next one to arrive.
            self.wake.clear()
            await self.drain()
            await self.wake.wait()

    async def drain(self) -> int:
        """Handle every pending update; returns how many were handled."""
        handled = 0
        while batch := await self.store.read.inbox.pending(BATCH):
            await self._batch(batch)
            handled += len(batch)
        return handled

    async def _batch(self, batch: list[PendingUpdate]) -> None:
        answered: list[Answered] = []
        async with self.store.transaction() as tx:
            for item in batch:
                answer = await self._one(tx, item)
                if answer is not None:
                    answered.append(answer)
        self.on_committed(answered)

    async def _one(self, tx: Repos, item: PendingUpdate) -> Answered | None:
        try:
            event = Incoming.unseal(self.sealer, item.event)
        except Exception as error:
            log.error("update %d cannot be opened (%s); set aside", item.update_id, error)
            await self._set_aside(tx, item, type(error).__name__)
            return None
        try:
            async with self.store.savepoint():
                effects = await self.router.route(tx, event)
                toast = await self.outbox.put(tx, event, effects)
                await tx.inbox.done(item.update_id)
        except StorageError:
            raise
        except Exception as error:
            # Logged without the event: it may hold a respondent's words.
            log.exception("update %d could not be handled; apologised, set aside", item.update_id)
            toast = await self._apologise(tx, event)
            await self._set_aside(tx, item, type(error).__name__)
        if event.callback_id is None:
            return None
        return Answered(event.callback_id, toast)

    async def _apologise(self, tx: Repos, event: Incoming) -> str | None:
        locale = negotiate(event.language_code, self.locales)
        sorry = Phrase(texts.SOMETHING_WRONG)
        effects: list[Effect] = [Reply(Say(locale, (sorry,)))]
        if event.callback_id is not None:
            effects.append(Toast(locale, sorry))
        return await self.outbox.put(tx, event, effects)

    async def _set_aside(self, tx: Repos, item: PendingUpdate, error: str) -> None:
        await tx.dead_letters.add(
            source="inbox",
            ref=str(item.update_id),
            error=error,
            chat_key=item.chat_key,
            payload=item.event,
        )
        await tx.inbox.done(item.update_id)
