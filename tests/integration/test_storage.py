"""Storage against a real SQLite file: migrations, durability settings, erasure, unlinking."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import aiosqlite

from bot.storage import repos
from bot.storage.db import Database
from bot.storage.migrations import MIGRATIONS, SCHEMA_VERSION, migrate


async def test_fresh_database_has_the_current_schema_and_settings(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "r.db")
    try:
        pragmas = {}
        for name in ("user_version", "journal_mode", "synchronous", "secure_delete"):
            row = await database.fetchone(f"PRAGMA {name}")
            assert row is not None
            pragmas[name] = row[0]
    finally:
        await database.close()
    assert pragmas == {
        "user_version": SCHEMA_VERSION,
        "journal_mode": "wal",
        "synchronous": 2,
        "secure_delete": 1,
    }


async def test_upgrade_from_each_earlier_schema_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    for earlier in range(1, SCHEMA_VERSION + 1):
        path.unlink(missing_ok=True)
        async with aiosqlite.connect(path, isolation_level=None) as db:
            await migrate(db, target=earlier)
            await db.execute(
                "INSERT INTO campaigns (id, name, community_type, flow, respondent_token,"
                " created_at) VALUES ('c1', 'Old', 'rural', 'preassessment', 'tok', 'then')"
            )
        database = await Database.open(path)
        try:
            campaign = await repos.campaign_by_id(database.connection, "c1")
            version = await database.fetchone("PRAGMA user_version")
        finally:
            await database.close()
        assert campaign is not None and campaign.name == "Old"
        assert version is not None and version[0] == len(MIGRATIONS)


async def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    try:
        await Database.open(path)
    except RuntimeError as error:
        assert "newer" in str(error)
    else:
        raise AssertionError("a newer schema must not be opened")


async def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "r.db")
    try:
        try:
            async with database.transaction() as db:
                await repos.create_campaign(
                    db, name="X", community_type="rural", flow="preassessment"
                )
                raise ValueError("crash mid-way")
        except ValueError:
            pass
        assert await repos.list_campaigns(database.connection) == []
    finally:
        await database.close()


async def test_erasure_removes_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    database = await Database.open(path)
    marker = "UNIQUE-MARKER-TEXT-0123"
    try:
        async with database.transaction() as db:
            await repos.store_response(
                db,
                campaign_id=None,
                bank="preassessment",
                bank_version=1,
                locale="en",
                answers={"community": marker},
                receipt_digest="d1",
                completed_on=date.today(),
            )
        await database.checkpoint()
        assert marker.encode() in path.read_bytes()
        async with database.transaction() as db:
            assert await repos.erase_response(db, "d1")
        await database.checkpoint()
    finally:
        await database.close()
    leftovers = [p for p in tmp_path.iterdir() if marker.encode() in p.read_bytes()]
    assert leftovers == []


async def test_completion_is_not_linked_to_the_response(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "r.db")
    try:
        async with database.transaction() as db:
            campaign = await repos.create_campaign(
                db, name="C", community_type="urban", flow="preassessment"
            )
            await repos.store_response(
                db,
                campaign_id=campaign.id,
                bank="preassessment",
                bank_version=1,
                locale="es",
                answers={"willing": "yes"},
                receipt_digest="d2",
                completed_on=date(2026, 11, 22),
            )
            await repos.record_completion(db, campaign.id, "respondent-key")
        columns = {row[1] for row in await database.fetchall("PRAGMA table_info(responses)")}
    finally:
        await database.close()
    assert "respondent_key" not in columns
    assert columns == {
        "id",
        "campaign_id",
        "bank",
        "bank_version",
        "locale",
        "completed_on",
        "receipt_digest",
    }


async def test_inbox_forgets_old_handled_updates_only(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    database = await Database.open(tmp_path / "r.db")
    try:
        async with database.transaction() as db:
            for update_id in (1, 2, 3):
                await repos.inbox_add(db, update_id, None, "sealed")
            await repos.inbox_done(db, 1)
            await repos.inbox_done(db, 2)
        async with database.transaction() as db:
            assert await repos.inbox_prune(db, datetime.now(UTC) - timedelta(days=7)) == 0
            assert await repos.inbox_prune(db, datetime.now(UTC) + timedelta(seconds=5)) == 2
        pending = await repos.inbox_pending(database.connection)
    finally:
        await database.close()
    assert [update_id for update_id, _, _ in pending] == [3]  # unhandled updates are kept
