"""The outbox (messages committed with the answer that caused them), the bot's own messages
in each chat, which quick exit deletes, and the messages whose buttons a later event removes."""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from bot.storage.clock import now_ms
from bot.storage.records import Outgoing
from bot.storage.repos.base import Repository


class Outbox(Repository):
    async def add(
        self,
        chat_key: str,
        chat: bytes,
        kind: str,
        payload: Mapping[str, object],
        *,
        held_ms: int = 0,
    ) -> None:
        """Queue a message; `held_ms` holds it back that long, as a held row (see `holding`)."""
        await self._run(
            "INSERT INTO outbox (chat_key, chat, kind, payload, created_at, due_ms, held)"
            " VALUES (?, ?, ?, ?, datetime('now'), ?, ?)",
            (
                chat_key,
                chat,
                kind,
                _encoded(payload),
                now_ms() + held_ms,
                int(held_ms > 0),
            ),
        )

    async def holding(self, chat_key: str) -> bool:
        """A held message of this chat has not gone out yet."""
        row = await self._one(
            "SELECT 1 FROM outbox WHERE chat_key = ? AND held = 1 LIMIT 1", (chat_key,)
        )
        return row is not None

    async def drop_held(self, chat_key: str) -> None:
        """Withdraw a held message not sent yet, for a newer one to take its place."""
        await self._run("DELETE FROM outbox WHERE chat_key = ? AND held = 1", (chat_key,))

    async def heads(self, moment_ms: int, limit: int = 200) -> list[Outgoing]:
        """The oldest pending message of each chat, if it is due: chats are served in order."""
        rows = await self._all(
            "SELECT o.id, o.chat_key, o.chat, o.kind, o.payload, o.attempts FROM outbox o"
            " JOIN (SELECT MIN(id) AS id FROM outbox GROUP BY chat_key) head ON head.id = o.id"
            " WHERE o.due_ms <= ? ORDER BY o.id LIMIT ?",
            (moment_ms, limit),
        )
        return [Outgoing(*row) for row in rows]

    async def next_due_ms(self) -> int | None:
        row = await self._one("SELECT MIN(due_ms) FROM outbox")
        return None if row is None or row[0] is None else int(row[0])

    async def sent(self, outgoing_id: int) -> bool:
        """False when the message was withdrawn meanwhile (quick exit dropped the chat's queue)."""
        return await self._run("DELETE FROM outbox WHERE id = ?", (outgoing_id,)) > 0

    async def retry(
        self, outgoing_id: int, due_ms: int, payload: Mapping[str, object] | None = None
    ) -> None:
        """Try again at `due_ms`; `payload` records progress of a message sent in parts."""
        if payload is None:
            await self._run(
                "UPDATE outbox SET attempts = attempts + 1, due_ms = ? WHERE id = ?",
                (due_ms, outgoing_id),
            )
            return
        await self._run(
            "UPDATE outbox SET attempts = attempts + 1, due_ms = ?, payload = ? WHERE id = ?",
            (due_ms, _encoded(payload), outgoing_id),
        )

    async def drop_chat(self, chat_key: str) -> None:
        if await self._run("DELETE FROM outbox WHERE chat_key = ?", (chat_key,)):
            self._wiped()

    async def pending_count(self) -> int:
        row = await self._one("SELECT COUNT(*) FROM outbox")
        return int(row[0]) if row else 0


class BotMessages(Repository):
    """Ids of the messages on a chat's screen, the bot's and the respondent's own, under a
    keyed hash of the chat: what quick exit deletes."""

    async def remember(self, chat_key: str, message_ids: list[int]) -> None:
        moment = now_ms()
        await self._many(
            "INSERT OR IGNORE INTO bot_messages (chat_key, message_id, sent_ms) VALUES (?, ?, ?)",
            [(chat_key, message_id, moment) for message_id in message_ids],
        )

    async def forget(self, chat_key: str) -> list[int]:
        rows = await self._all(
            "DELETE FROM bot_messages WHERE chat_key = ? RETURNING message_id", (chat_key,)
        )
        if rows:
            self._wiped()
        return sorted(int(row[0]) for row in rows)

    async def prune(self, before_ms: int) -> int:
        """Telegram lets a bot delete its messages for 48 hours only; older ids are useless."""
        return await self._run("DELETE FROM bot_messages WHERE sent_ms < ?", (before_ms,))


class Keyboards(Repository):
    """Per chat, the message shown last under a slot name ("setup") while it has buttons, so
    that a later event can take them away without knowing the message."""

    async def hold(self, chat_key: str, slot: str, message_id: int) -> None:
        await self._run(
            "INSERT INTO keyboards (chat_key, slot, message_id) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_key, slot) DO UPDATE SET message_id = excluded.message_id",
            (chat_key, slot, message_id),
        )

    async def held(self, chat_key: str, slot: str) -> int | None:
        row = await self._one(
            "SELECT message_id FROM keyboards WHERE chat_key = ? AND slot = ?", (chat_key, slot)
        )
        return None if row is None else int(row[0])

    async def release(self, chat_key: str, slot: str) -> None:
        await self._run("DELETE FROM keyboards WHERE chat_key = ? AND slot = ?", (chat_key, slot))

    async def release_message(self, chat_key: str, message_id: int) -> None:
        """The message lost its buttons another way (a tap settled it)."""
        await self._run(
            "DELETE FROM keyboards WHERE chat_key = ? AND message_id = ?", (chat_key, message_id)
        )

    async def drop_chat(self, chat_key: str) -> None:
        await self._run("DELETE FROM keyboards WHERE chat_key = ?", (chat_key,))


def _encoded(payload: Mapping[str, object]) -> str:
    """orjson writes UTF-8 as json.dumps(ensure_ascii=False) would, without its spaces, in a
    tenth of the time; the column stays TEXT."""
    return orjson.dumps(payload).decode()
