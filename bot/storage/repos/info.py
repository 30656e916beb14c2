"""Small facts about the bot itself (its @username, for links made offline)."""

from __future__ import annotations

from bot.storage.repos.base import Repository


class BotInfo(Repository):
    async def get(self, key: str) -> str | None:
        row = await self._one("SELECT value FROM bot_info WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    async def set(self, key: str, value: str) -> None:
        await self._run(
            "INSERT INTO bot_info (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
