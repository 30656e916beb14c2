"""A read through the read connection sees every commit made before it began, even while
another task's read on that connection is still open (tasks share the read connection)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.storage.db import Store


async def test_a_read_sees_a_commit_made_while_another_read_was_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await Store.open(tmp_path / "readiness.db")
    try:
        async with store.transaction() as tx:
            await tx.info.set("username", "readiness_test_bot")
            await tx.inbox.add(1, "chat", "event 1")
        opened, release = asyncio.Event(), asyncio.Event()
        fetchone = aiosqlite.Cursor.fetchone

        async def held(cursor: aiosqlite.Cursor) -> Any:
            # Executed (stepped to its first row) but not yet fetched: a read another task
            # is in the middle of, as between any two awaits of a read.
            opened.set()
            await release.wait()
            return await fetchone(cursor)

        monkeypatch.setattr(aiosqlite.Cursor, "fetchone", held)
        other = asyncio.create_task(store.read.info.get("username"))
        await opened.wait()
        monkeypatch.setattr(aiosqlite.Cursor, "fetchone", fetchone)
        async with store.transaction() as tx:
            await tx.inbox.add(2, "chat", "event 2")
        pending = store.read.inbox.pending

        async def reading(limit: int = 64) -> Any:
            # The other read may finish as soon as this one has been asked for.
            release.set()
            return await pending(limit)

        store.read.inbox.pending = reading  # type: ignore[method-assign]
        found = await store.read.inbox.pending()
        assert [item.update_id for item in found] == [1, 2]
        assert await other == "readiness_test_bot"
    finally:
        await store.close()
