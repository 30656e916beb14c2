"""Durable intake: an update is committed here before Telegram may forget it."""

from __future__ import annotations

from datetime import datetime

from bot.storage.clock import stamp
from bot.storage.records import DeadLetterGroup, PendingUpdate
from bot.storage.repos.base import Repository


class Inbox(Repository):
    async def add(self, update_id: int, chat_key: str | None, event: str | None) -> bool:
        """False when the update was seen before (Telegram redelivered it).

        An update without an event (one the bot has no use for) is stored as handled at once,
        only so that a redelivery is recognised.
        """
        moment = stamp()
        added = await self._run(
            "INSERT OR IGNORE INTO inbox (update_id, chat_key, event, received_at, processed_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (update_id, chat_key, event, moment, None if event else moment),
        )
        return added > 0

    async def pending(self, limit: int = 64) -> list[PendingUpdate]:
        rows = await self._all(
            "SELECT update_id, chat_key, event FROM inbox WHERE processed_at IS NULL"
            " ORDER BY update_id LIMIT ?",
            (limit,),
        )
        return [PendingUpdate(row[0], row[1], row[2]) for row in rows]

    async def done(self, update_id: int) -> None:
        # The event (sealed chat, redacted text) is dropped; the id stays to recognise redeliveries.
        await self._run(
            "UPDATE inbox SET processed_at = ?, event = NULL, chat_key = NULL WHERE update_id = ?",
            (stamp(), update_id),
        )

    async def prune(self, before: datetime) -> int:
        """Forget ids of updates handled long ago: Telegram redelivers only within a day."""
        return await self._run(
            "DELETE FROM inbox WHERE processed_at IS NOT NULL AND processed_at < ?",
            (stamp(before),),
        )


class DeadLetters(Repository):
    """What kept failing, set aside so that the loops move on; an operator looks at it."""

    async def add(
        self, *, source: str, ref: str, error: str, chat_key: str | None, payload: str | None
    ) -> None:
        await self._run(
            "INSERT INTO dead_letters (source, ref, chat_key, payload, error, failed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (source, ref, chat_key, payload, error, stamp()),
        )

    async def count(self) -> int:
        row = await self._one("SELECT COUNT(*) FROM dead_letters")
        return int(row[0]) if row else 0

    async def by_source(self) -> list[DeadLetterGroup]:
        """How many per source, the latest, and the kinds of error (no content is kept)."""
        rows = await self._all(
            "SELECT source, error, COUNT(*), MAX(failed_at) FROM dead_letters"
            " GROUP BY source, error"
        )
        counts: dict[str, int] = {}
        latest: dict[str, str] = {}
        errors: dict[str, list[str]] = {}
        for source, error, count, failed_at in rows:
            counts[source] = counts.get(source, 0) + int(count)
            latest[source] = max(latest.get(source, ""), failed_at)
            errors.setdefault(source, []).append(error)
        groups = [
            DeadLetterGroup(source, counts[source], latest[source], tuple(sorted(errors[source])))
            for source in counts
        ]
        return sorted(groups, key=lambda group: group.last_failed_at, reverse=True)

    async def drop_chat(self, chat_key: str) -> None:
        if await self._run("DELETE FROM dead_letters WHERE chat_key = ?", (chat_key,)):
            self._wiped()

    async def prune(self, before: datetime) -> int:
        return await self._run("DELETE FROM dead_letters WHERE failed_at < ?", (stamp(before),))
