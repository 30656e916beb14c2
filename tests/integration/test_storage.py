"""Storage against a real SQLite file: migrations, the connection model, erasure, unlinking,
indexes and the refusal of files that cannot be used."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest

from bot.storage.clock import now_ms
from bot.storage.db import DatabaseUnusable, Store
from bot.storage.migrations import MIGRATIONS, SCHEMA_VERSION, migrate
from bot.storage.records import Session
from bot.storage.repos import Repos


async def store_at(path: Path) -> Store:
    return await Store.open(path)


async def add_response(tx: Repos, text: str, digest: str, campaign_id: str | None = None) -> str:
    return await tx.responses.store(
        campaign_id=campaign_id,
        bank="preassessment",
        bank_version=1,
        locale="en",
        answers={"community": text, "level_a": 4},
        receipt_digest=digest,
        completed_on=date.today(),
    )


def files_holding(folder: Path, marker: str) -> list[str]:
    return [p.name for p in folder.iterdir() if p.is_file() and marker.encode() in p.read_bytes()]


async def test_fresh_database_has_the_current_schema_and_settings(tmp_path: Path) -> None:
    store = await store_at(tmp_path / "r.db")
    try:
        pragmas = {}
        for name in ("user_version", "journal_mode", "synchronous", "secure_delete"):
            async with store._writer.execute(f"PRAGMA {name}") as cursor:
                row = await cursor.fetchone()
            assert row is not None
            pragmas[name] = row[0]
    finally:
        await store.close()
    assert pragmas == {
        "user_version": SCHEMA_VERSION,
        "journal_mode": "wal",
        "synchronous": 2,
        "secure_delete": 1,
    }


async def test_the_database_file_is_created_private(tmp_path: Path) -> None:
    store = await store_at(tmp_path / "r.db")
    try:
        async with store.transaction() as tx:
            await tx.info.set("username", "x")
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir() if p.is_file()}
    finally:
        await store.close()
    assert modes["r.db"] == 0o600
    assert all(mode == 0o600 for mode in modes.values()), modes


SCHEDULED_MS = int(datetime(2026, 11, 30, 10, tzinfo=UTC).timestamp() * 1000)


async def test_upgrade_from_each_earlier_schema_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    for earlier in range(1, SCHEMA_VERSION):
        path.unlink(missing_ok=True)
        async with aiosqlite.connect(path, isolation_level=None) as db:
            await migrate(db, target=earlier)
            await db.execute(
                "INSERT INTO campaigns (id, name, community_type, flow, respondent_token,"
                " created_at) VALUES ('c1', 'Old', 'rural', 'preassessment', 'tok', 'then')"
            )
            if earlier < 3:
                await db.execute(
                    "INSERT INTO outbox (chat_key, chat, kind, payload, created_at,"
                    " next_attempt_at) VALUES ('k', x'00', 'send', '{}', 'then',"
                    " '2026-11-30T10:00:00+00:00')"
                )
            else:  # schema 3 schedules in milliseconds already
                await db.execute(
                    "INSERT INTO outbox (chat_key, chat, kind, payload, created_at, due_ms)"
                    f" VALUES ('k', x'00', 'send', '{{}}', 'then', {SCHEDULED_MS})"
                )
        store = await store_at(path)
        try:
            campaign = await store.read.campaigns.by_id("c1")
            due = await store.read.outbox.next_due_ms()
        finally:
            await store.close()
        assert campaign is not None and campaign.name == "Old"
        # The whole-second schedule of schema 2 became milliseconds.
        assert due == SCHEDULED_MS
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)


async def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(DatabaseUnusable, match="newer"):
        await store_at(path)


async def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = await store_at(tmp_path / "r.db")
    try:
        with pytest.raises(ValueError):
            async with store.transaction() as tx:
                await tx.campaigns.create(name="X", community_type="rural", flow="preassessment")
                raise ValueError("crash mid-way")
        assert await store.read.campaigns.all() == []
    finally:
        await store.close()


async def test_readers_never_see_an_open_transaction(tmp_path: Path) -> None:
    """The sender reads the outbox through the reader: a row of a transaction that is still
    open, and is then rolled back, must never be seen (so never sent)."""
    store = await store_at(tmp_path / "r.db")
    seen: list[int] = []
    try:
        with pytest.raises(RuntimeError):
            async with store.transaction() as tx:
                await tx.outbox.add("chat", b"sealed", "send", {"text": "rolled back"})
                seen.append(len(await store.read.outbox.heads(now_ms() + 1000)))
                seen.append(await store.read.outbox.pending_count())
                raise RuntimeError("the submission fails after its message was queued")
        seen.append(len(await store.read.outbox.heads(now_ms() + 1000)))
    finally:
        await store.close()
    assert seen == [0, 0, 0]


async def test_committed_rows_are_seen_by_the_reader(tmp_path: Path) -> None:
    store = await store_at(tmp_path / "r.db")
    try:
        async with store.transaction() as tx:
            await tx.outbox.add("chat", b"sealed", "send", {"text": "hello"})
        heads = await store.read.outbox.heads(now_ms() + 1000)
    finally:
        await store.close()
    assert [json.loads(h.payload) for h in heads] == [{"text": "hello"}]


async def test_the_reader_cannot_write(tmp_path: Path) -> None:
    store = await store_at(tmp_path / "r.db")
    try:
        with pytest.raises(Exception, match=r"readonly|read-only|attempt to write"):
            await store.read.info.set("username", "x")
    finally:
        await store.close()


async def test_erasure_removes_the_bytes_while_the_bot_runs(tmp_path: Path) -> None:
    """No checkpoint by hand and no close: the erasure's own commit truncates the WAL."""
    path = tmp_path / "r.db"
    store = await store_at(path)
    marker = "UNIQUE-MARKER-TEXT-0123"
    try:
        async with store.transaction() as tx:
            await add_response(tx, marker, "d1")
        assert files_holding(tmp_path, marker)
        async with store.transaction() as tx:
            assert await tx.responses.erase("d1")
        leftovers = files_holding(tmp_path, marker)
    finally:
        await store.close()
    assert leftovers == []


async def test_ending_a_session_removes_its_bytes(tmp_path: Path) -> None:
    store = await store_at(tmp_path / "r.db")
    marker = "OPEN-INTERVIEW-MARKER-77"
    session = Session(
        id="s1",
        respondent_key="key",
        campaign_id=None,
        bank="preassessment",
        stage="interview",
        state=json.dumps({"answers": {"community": marker}}),
        updated_at="now",
    )
    try:
        async with store.transaction() as tx:
            await tx.sessions.save(session, reminder_chat=None, reminder_due=None)
        assert files_holding(tmp_path, marker)
        async with store.transaction() as tx:
            await tx.sessions.delete("s1")
        leftovers = files_holding(tmp_path, marker)
    finally:
        await store.close()
    assert leftovers == []


async def test_completion_is_not_linked_to_the_response(tmp_path: Path) -> None:
    store = await store_at(tmp_path / "r.db")
    try:
        async with store.transaction() as tx:
            campaign = await tx.campaigns.create(
                name="C", community_type="urban", flow="preassessment"
            )
            await add_response(tx, "x", "d2", campaign.id)
            await tx.responses.record_completion(campaign.id, "respondent-key")
    finally:
        await store.close()
    with sqlite3.connect(tmp_path / "r.db") as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(responses)")}
    assert "respondent_key" not in columns
    assert columns == {
        "id",
        "campaign_id",
        "bank",
        "bank_version",
        "locale",
        "completed_on",
        "receipt_digest",
        # Random, drawn when the response is stored: it names the interview to its scorers.
        "label",
    }


async def test_inbox_forgets_old_handled_updates_only(tmp_path: Path) -> None:
    store = await store_at(tmp_path / "r.db")
    try:
        async with store.transaction() as tx:
            for update_id in (1, 2, 3):
                await tx.inbox.add(update_id, None, "sealed")
            await tx.inbox.done(1)
            await tx.inbox.done(2)
        async with store.transaction() as tx:
            assert await tx.inbox.prune(datetime.now(UTC) - timedelta(days=7)) == 0
            assert await tx.inbox.prune(datetime.now(UTC) + timedelta(seconds=5)) == 2
        pending = await store.read.inbox.pending()
    finally:
        await store.close()
    assert [item.update_id for item in pending] == [3]  # unhandled updates are kept


async def test_dead_letters_are_counted_by_source_for_the_operator(tmp_path: Path) -> None:
    store = await store_at(tmp_path / "r.db")
    try:
        async with store.transaction() as tx:
            for source, error in (("intake", "TypeError"), ("outbox", "BadRequest: x, y")):
                await tx.dead_letters.add(
                    source=source, ref="1", error=error, chat_key=None, payload=None
                )
            await tx.dead_letters.add(
                source="intake", ref="2", error="KeyError", chat_key=None, payload=None
            )
        groups = {group.source: group for group in await store.read.dead_letters.by_source()}
    finally:
        await store.close()
    assert groups["intake"].count == 2 and groups["intake"].errors == ("KeyError", "TypeError")
    assert groups["outbox"].count == 1 and groups["outbox"].errors == ("BadRequest: x, y",)


async def test_a_redelivered_update_is_recognised(tmp_path: Path) -> None:
    store = await store_at(tmp_path / "r.db")
    try:
        async with store.transaction() as tx:
            assert await tx.inbox.add(7, "chat", "sealed")
            assert not await tx.inbox.add(7, "chat", "sealed")
            await tx.inbox.done(7)
            assert not await tx.inbox.add(7, "chat", "sealed")
    finally:
        await store.close()


async def test_a_retry_waits_to_the_millisecond(tmp_path: Path) -> None:
    store = await store_at(tmp_path / "r.db")
    try:
        async with store.transaction() as tx:
            await tx.outbox.add("chat", b"sealed", "send", {"text": "x"})
        (item,) = await store.read.outbox.heads(now_ms() + 10)
        due = now_ms() + 1500
        async with store.transaction() as tx:
            await tx.outbox.retry(item.id, due)
        early = await store.read.outbox.heads(due - 1)
        on_time = await store.read.outbox.heads(due)
    finally:
        await store.close()
    assert early == []
    assert [h.id for h in on_time] == [item.id]
    assert on_time[0].attempts == 1


async def test_each_chat_is_served_in_order(tmp_path: Path) -> None:
    store = await store_at(tmp_path / "r.db")
    try:
        async with store.transaction() as tx:
            for chat, text in (("a", "a1"), ("b", "b1"), ("a", "a2"), ("b", "b2")):
                await tx.outbox.add(chat, b"s", "send", {"text": text})
        first = await store.read.outbox.heads(now_ms() + 10)
    finally:
        await store.close()
    assert [json.loads(h.payload) for h in first] == [{"text": "a1"}, {"text": "b1"}]


async def test_responses_of_a_campaign_take_one_query(tmp_path: Path) -> None:
    store = await store_at(tmp_path / "r.db")
    statements: list[str] = []
    try:
        async with store.transaction() as tx:
            campaign = await tx.campaigns.create(
                name="C", community_type="rural", flow="preassessment"
            )
            for index in range(40):
                await add_response(tx, f"answer {index}", f"d{index}", campaign.id)
        await store._reader.set_trace_callback(statements.append)
        responses = await store.read.responses.of_campaign(campaign.id)
        await store._reader.set_trace_callback(None)
    finally:
        await store.close()
    assert len(responses) == 40
    assert all(r.answers["level_a"] == 4 for r in responses)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


LOOKUPS = {
    "sessions of a campaign": ("SELECT COUNT(*) FROM sessions WHERE campaign_id = 'c'", "sessions"),
    "due reminders": (
        "SELECT id FROM sessions WHERE reminded = 0 AND reminder_due IS NOT NULL"
        " AND reminder_due <= 'x' AND reminder_chat IS NOT NULL ORDER BY reminder_due",
        "sessions",
    ),
    "a chat's outbox": ("SELECT id FROM outbox WHERE chat_key = 'k'", "outbox"),
    "due outbox": ("SELECT MIN(due_ms) FROM outbox", "outbox"),
    "a coordinator's campaigns": (
        "SELECT campaign_id FROM campaign_coordinators WHERE telegram_id = 5",
        "campaign_coordinators",
    ),
    "responses of a campaign": ("SELECT id FROM responses WHERE campaign_id = 'c'", "responses"),
    "pending updates": (
        "SELECT update_id FROM inbox WHERE processed_at IS NULL ORDER BY update_id",
        "inbox",
    ),
    "old handled updates": ("SELECT update_id FROM inbox WHERE processed_at < 'x'", "inbox"),
    "unfinished interviews": ("SELECT id FROM sessions WHERE updated_at < 'x'", "sessions"),
    "old message ids": ("SELECT message_id FROM bot_messages WHERE sent_ms < 5", "bot_messages"),
    "a chat's held keyboard": (
        "SELECT message_id FROM keyboards WHERE chat_key = 'k' AND slot = 'setup'",
        "keyboards",
    ),
}


@pytest.mark.parametrize("lookup", sorted(LOOKUPS))
async def test_every_lookup_uses_an_index(tmp_path: Path, lookup: str) -> None:
    store = await store_at(tmp_path / "r.db")
    await store.close()
    sql, table = LOOKUPS[lookup]
    with sqlite3.connect(tmp_path / "r.db") as db:
        steps = [row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}")]
    # A scan of a (partial) index reads only the rows the index holds; a table scan reads all.
    full_scans = [s for s in steps if s.startswith(f"SCAN {table}") and "INDEX" not in s]
    assert full_scans == [], steps


# --- files that cannot be used ----------------------------------------------------------------


async def _refused(path: Path, **options: bool) -> str:
    try:
        store = await asyncio.wait_for(Store.open(path, **options), timeout=10)
    except DatabaseUnusable as refused:
        return str(refused)
    await store.close()
    raise AssertionError(f"{path} was opened")


async def test_a_garbage_file_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    path.write_bytes(os.urandom(8192))
    message = await _refused(path)
    assert str(path) in message and "not a SQLite database" in message


async def test_a_truncated_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    store = await store_at(path)
    async with store.transaction() as tx:
        for index in range(300):
            await add_response(tx, "x" * 500, f"d{index}")
    await store.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    message = await _refused(path, check_integrity=True)
    assert str(path) in message and "backup" in message


async def test_a_folder_is_refused(tmp_path: Path) -> None:
    message = await _refused(tmp_path)
    assert "folder" in message


def _immutable(path: Path) -> bool:
    chattr = shutil.which("chattr")
    if chattr is None:
        return False
    return subprocess.run([chattr, "+i", str(path)], capture_output=True).returncode == 0


async def test_a_read_only_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    store = await store_at(path)
    await store.close()
    for leftover in (tmp_path / "r.db-wal", tmp_path / "r.db-shm"):
        leftover.unlink(missing_ok=True)
    if os.geteuid() != 0:
        path.chmod(0o400)
    elif not _immutable(path):
        pytest.skip("as root, a read-only file needs chattr +i, which this file system refuses")
    try:
        message = await _refused(path)
    finally:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
        path.chmod(0o600)
    assert str(path) in message and "read-only" in message


async def test_backup_while_a_transaction_is_open(tmp_path: Path) -> None:
    store = await store_at(tmp_path / "r.db")
    target = tmp_path / "copy.db"
    try:
        async with store.transaction() as tx:
            await add_response(tx, "committed", "d1")
        async with store.transaction() as tx:
            await add_response(tx, "not yet committed", "d2")
            await store.backup(target)
    finally:
        await store.close()
    with sqlite3.connect(target) as copy:
        texts = [row[0] for row in copy.execute("SELECT value FROM answers")]
    assert '"committed"' in texts and '"not yet committed"' not in texts
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


async def test_message_ids_and_dead_letters_are_pruned(tmp_path: Path) -> None:
    store = await store_at(tmp_path / "r.db")
    try:
        async with store.transaction() as tx:
            await tx.bot_messages.remember("chat", [1, 2])
            await tx.dead_letters.add(
                source="inbox", ref="9", error="RuntimeError", chat_key="chat", payload="sealed"
            )
        async with store.transaction() as tx:
            assert await tx.bot_messages.prune(now_ms() - 1000) == 0
            assert await tx.dead_letters.prune(datetime.now(UTC) - timedelta(days=1)) == 0
            assert await tx.bot_messages.prune(now_ms() + 1000) == 2
            assert await tx.dead_letters.prune(datetime.now(UTC) + timedelta(seconds=5)) == 1
        assert await store.read.dead_letters.count() == 0
        async with store.transaction() as tx:
            assert await tx.bot_messages.forget("chat") == []
    finally:
        await store.close()


async def test_a_held_keyboard_is_replaced_released_and_kept_apart_per_chat(
    tmp_path: Path,
) -> None:
    store = await store_at(tmp_path / "r.db")
    try:
        async with store.transaction() as tx:
            await tx.keyboards.hold("chat", "setup", 10)
            await tx.keyboards.hold("chat", "setup", 12)
            await tx.keyboards.hold("other", "setup", 7)
        assert await store.read.keyboards.held("chat", "setup") == 12
        assert await store.read.keyboards.held("chat", "another slot") is None
        async with store.transaction() as tx:
            await tx.keyboards.release("chat", "setup")
            await tx.keyboards.drop_chat("nobody")
        assert await store.read.keyboards.held("chat", "setup") is None
        assert await store.read.keyboards.held("other", "setup") == 7
    finally:
        await store.close()


async def test_quick_exit_forgets_a_chats_queue_message_ids_and_dead_letters(
    tmp_path: Path,
) -> None:
    store = await store_at(tmp_path / "r.db")
    try:
        async with store.transaction() as tx:
            await tx.outbox.add("chat", b"s", "send", {"text": "the review, with her answers"})
            await tx.outbox.add("other", b"s", "send", {"text": "someone else's"})
            await tx.bot_messages.remember("chat", [5, 3])
            await tx.dead_letters.add(
                source="inbox", ref="1", error="RuntimeError", chat_key="chat", payload="sealed"
            )
        async with store.transaction() as tx:
            await tx.outbox.drop_chat("chat")
            await tx.dead_letters.drop_chat("chat")
            forgotten = await tx.bot_messages.forget("chat")
            assert tx.wiped
        remaining = [h.chat_key for h in await store.read.outbox.heads(now_ms() + 10)]
    finally:
        await store.close()
    assert forgotten == [3, 5]
    assert remaining == ["other"]
    assert files_holding(tmp_path, "the review, with her answers") == []


async def test_a_transaction_cancelled_as_it_begins_leaves_no_transaction_open(
    tmp_path: Path,
) -> None:
    """At shutdown a task can be cancelled while BEGIN runs; the next writer must not find
    "cannot start a transaction within a transaction"."""
    store = await store_at(tmp_path / "r.db")
    try:
        for delay in (0, 0, 0.0005, 0.001, 0.002):

            async def write() -> None:
                async with store.transaction() as tx:
                    await tx.info.set("k", "v")
                    await asyncio.sleep(1)

            task = asyncio.create_task(write())
            if delay:
                await asyncio.sleep(delay)
            else:
                await asyncio.sleep(0)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            async with store.transaction() as tx:
                await tx.info.set("after", str(delay))
        assert await store.read.info.get("after") == "0.002"
    finally:
        await store.close()


async def test_responses_come_in_an_order_unrelated_to_completion(tmp_path: Path) -> None:
    """'What respondents said' and exports list responses this way: completion order would
    let a coordinator who knows who finished when tell whose words are whose."""
    store = await store_at(tmp_path / "r.db")
    try:
        async with store.transaction() as tx:
            campaign = await tx.campaigns.create(
                name="C", community_type="rural", flow="preassessment"
            )
            for day in range(1, 21):
                await tx.responses.store(
                    campaign_id=campaign.id,
                    bank="preassessment",
                    bank_version=2,
                    locale="en",
                    answers={"community": f"day {day}"},
                    receipt_digest=f"d{day}",
                    completed_on=date(2026, 11, day),
                )
        listed = await store.read.responses.of_campaign(campaign.id)
    finally:
        await store.close()
    assert [r.id for r in listed] == sorted(r.id for r in listed)  # random ids
    assert [r.completed_on for r in listed] != sorted(r.completed_on for r in listed)
