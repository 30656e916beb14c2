"""A read through the read connection sees every commit made before it began, even while
other tasks' reads on that connection are under way (tasks share the read connection).

A statement still open when another starts would put both in one read transaction, and the
second would miss what was committed since the first began. The storage never leaves one
open across an await: each is executed, read and closed in one hand-off to the connection's
thread, so no aiosqlite cursor (a statement held open between awaits) is ever made."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.storage.db import Store


async def test_a_read_sees_every_commit_made_before_it_while_other_reads_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cursors = 0
    made = aiosqlite.Cursor.__init__

    def counted(self: aiosqlite.Cursor, *args: Any, **kwargs: Any) -> None:
        nonlocal cursors
        cursors += 1  # counted, not kept: a cursor kept alive keeps its statement open
        made(self, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Cursor, "__init__", counted)
    store = await Store.open(tmp_path / "readiness.db")
    try:
        async with store.transaction() as tx:
            await tx.info.set("username", "readiness_test_bot")
        cursors = 0  # opening and migrating use cursors; the repositories must not
        others = [asyncio.create_task(store.read.info.get("username")) for _ in range(50)]
        for update_id in range(1, 21):
            async with store.transaction() as tx:
                await tx.inbox.add(update_id, "chat", f"event {update_id}")
            found = await store.read.inbox.pending()
            assert [item.update_id for item in found] == list(range(1, update_id + 1))
        assert await asyncio.gather(*others) == ["readiness_test_bot"] * 50
        async with store.transaction() as tx:
            tx.wiped = True  # an erasure's commit: the WAL checkpoint runs after it
        assert cursors == 0
    finally:
        await store.close()
