"""Open interviews, keyed by the respondent's pseudonym, with the one reminder they may get."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.storage.clock import stamp
from bot.storage.records import DueReminder, Session
from bot.storage.repos.base import Repository

_COLUMNS = (
    "id, respondent_key, campaign_id, bank, stage, state, updated_at, reminder_due, reminded, led"
)


def _session(row: aiosqlite.Row | None) -> Session | None:
    if row is None:
        return None
    return Session(**{**dict(row), "reminded": bool(row["reminded"]), "led": bool(row["led"])})


class Sessions(Repository):
    async def of(self, respondent_key: str) -> Session | None:
        return _session(
            await self._one(
                f"SELECT {_COLUMNS} FROM sessions WHERE respondent_key = ?", (respondent_key,)
            )
        )

    async def by_id(self, session_id: str) -> Session | None:
        return _session(
            await self._one(f"SELECT {_COLUMNS} FROM sessions WHERE id = ?", (session_id,))
        )

    async def save(
        self, session: Session, *, reminder_chat: bytes | None, reminder_due: datetime | None
    ) -> None:
        await self._run(
            "INSERT INTO sessions (id, respondent_key, campaign_id, bank, stage, state,"
            " updated_at, reminder_chat, reminder_due, reminded, led)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET stage = excluded.stage, state = excluded.state,"
            " updated_at = excluded.updated_at, reminder_chat = excluded.reminder_chat,"
            " reminder_due = excluded.reminder_due, reminded = excluded.reminded",
            (
                session.id,
                session.respondent_key,
                session.campaign_id,
                session.bank,
                session.stage,
                session.state,
                stamp(),
                reminder_chat,
                None if reminder_due is None else stamp(reminder_due),
                int(session.reminded),
                int(session.led),
            ),
        )

    async def delete(self, session_id: str) -> None:
        """Ends an interview (erased, declined, submitted): its bytes leave the disk too."""
        if await self._run("DELETE FROM sessions WHERE id = ?", (session_id,)):
            self._wiped()

    async def expire(self, before: datetime) -> int:
        """Deletes interviews left unfinished since `before` (the privacy screen promises it),
        the way `delete` does: their bytes leave the disk too."""
        expired = await self._run("DELETE FROM sessions WHERE updated_at < ?", (stamp(before),))
        if expired:
            self._wiped()
        return expired

    async def count_open(self, campaign_id: str) -> int:
        row = await self._one("SELECT COUNT(*) FROM sessions WHERE campaign_id = ?", (campaign_id,))
        return int(row[0]) if row else 0

    async def due_reminders(self, moment: datetime, limit: int = 200) -> list[DueReminder]:
        """Open interviews silent past their reminder time (the chat id is sealed)."""
        rows = await self._all(
            "SELECT id, reminder_chat, state FROM sessions WHERE reminded = 0"
            " AND reminder_due IS NOT NULL AND reminder_due <= ? AND reminder_chat IS NOT NULL"
            " ORDER BY reminder_due LIMIT ?",
            (stamp(moment), limit),
        )
        return [DueReminder(row[0], row[1], row[2]) for row in rows]

    async def mark_reminded(self, session_id: str) -> bool:
        """False when the interview ended or was reminded meanwhile: remind once only."""
        changed = await self._run(
            "UPDATE sessions SET reminded = 1, reminder_chat = NULL, reminder_due = NULL"
            " WHERE id = ? AND reminded = 0",
            (session_id,),
        )
        return changed > 0
