"""The supervised loop that reminds coordinators to re-assess a community six months (by
READINESS_REASSESS_DAYS) after its scores were finalised, once per round, whichever channel runs.

The mark on the campaign and the queued notices commit together: a crash before the commit
leaves both undone (the next pass sends it), after it the outbox holds the notices until the
sender delivers them, and the mark keeps any later pass from queueing them again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.privacy import Addresses
from bot.services import reassessment
from bot.services.notices import queue_notices
from bot.storage.clock import now, stamp
from bot.storage.db import StorageError, Store

log = logging.getLogger(__name__)

CHECK_EVERY = 3600.0
"""A reminder counted in months may come an hour late."""


@dataclass
class ReassessReminders:
    store: Store
    addresses: Addresses
    after: timedelta
    """READINESS_REASSESS_DAYS: how long after finalising the reminder comes."""
    on_queued: Callable[[], None] = lambda: None
    """Wakes the sender, when there is one in this process."""
    every: float = CHECK_EVERY

    async def run(self) -> None:
        while True:
            await self.send_due()
            await asyncio.sleep(self.every)

    async def send_due(self) -> int:
        """Queue the reminders that are due; returns how many notices were queued."""
        # The committed read finds candidates without taking the write lock when none is due;
        # the conditional mark inside the transaction is what makes each reminder go once.
        due = await self.store.read.campaigns.due_for_reassessment(stamp(now() - self.after))
        if not due:
            return 0
        queued = 0
        async with self.store.transaction() as tx:
            for campaign in due:
                try:
                    async with self.store.savepoint():
                        effects = await reassessment.remind(tx, campaign)
                        await queue_notices(tx, self.addresses, effects)
                except StorageError:
                    raise
                except Exception:
                    # One round that cannot be reminded must not hold up the others; it is
                    # left unmarked, so the next pass tries it again.
                    log.exception("re-assessment reminder of campaign %s failed", campaign.id)
                    continue
                queued += len(effects)
        self.on_queued()
        return queued
