"""The six-month reminder to re-assess against a real SQLite file: which finalised rounds are
due, and that each coordinator who has not muted one is told once, whatever restarts or fails."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import reassessment
from bot.privacy import Addresses, Sealer
from bot.reassessment import ReassessReminders
from bot.services import workbench
from bot.storage import clock
from bot.storage.clock import stamp
from bot.storage.db import Store
from bot.storage.errors import StorageError

LEAD, CO, MUTED = 100001, 100002, 100003
SIX_MONTHS = timedelta(days=182)
SECRET = b"k" * 32


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "r.db")
    try:
        yield opened
    finally:
        await opened.close()


def reminders(store: Store) -> ReassessReminders:
    return ReassessReminders(store, Addresses(SECRET, Sealer(SECRET)), SIX_MONTHS)


async def finalised_round(
    store: Store, name: str, finalised: datetime | None, mp: pytest.MonkeyPatch
) -> str:
    """A campaign with three coordinators (one muted), its scores finalised at `finalised`
    (None: not finalised). The repository stamps with the clock's time, set back for it."""
    async with store.transaction() as tx:
        campaign = await tx.campaigns.create(
            name=name, community_type="rural", flow="full_assessment"
        )
        await tx.coordinators.add(LEAD, campaign.id, "en")
        await tx.coordinators.add(CO, campaign.id, "es")
        await tx.coordinators.add(MUTED, campaign.id, "en")
        await tx.coordinators.set_muted(campaign.id, MUTED, True)
    if finalised is not None:
        with mp.context() as patched:
            patched.setattr(clock, "now", lambda: finalised)
            async with store.transaction() as tx:
                assert await tx.campaigns.finalise(campaign.id)
    return campaign.id


def queued_views(database: Path) -> list[dict[str, object]]:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT kind, payload FROM outbox ORDER BY id").fetchall()
    assert all(kind == "view" for kind, _ in rows)
    return [json.loads(payload)["view"] for _, payload in rows]


async def test_only_old_unrepeated_unreminded_rounds_are_due(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = datetime.now(UTC).replace(microsecond=0)
    cutoff = today - SIX_MONTHS
    due = await finalised_round(store, "Due", cutoff - timedelta(days=1), monkeypatch)
    on_the_day = await finalised_round(store, "On the day", cutoff, monkeypatch)
    await finalised_round(store, "Recent", cutoff + timedelta(days=1), monkeypatch)
    await finalised_round(store, "Never finalised", None, monkeypatch)
    reminded = await finalised_round(store, "Reminded", cutoff - timedelta(days=9), monkeypatch)
    repeated = await finalised_round(store, "Repeated", cutoff - timedelta(days=30), monkeypatch)
    closed = await finalised_round(store, "Closed", cutoff - timedelta(days=2), monkeypatch)
    async with store.transaction() as tx:
        assert await tx.campaigns.mark_reassess_reminded(reminded)
        assert not await tx.campaigns.mark_reassess_reminded(reminded), "once only"
        later = await workbench.repeat(tx, None, repeated)
        await tx.campaigns.set_closed(closed, True)

    found = await store.read.campaigns.due_for_reassessment(stamp(cutoff))

    # The oldest first; a closed round is still one to repeat.
    assert [c.id for c in found] == [closed, due, on_the_day]
    assert later.id not in {c.id for c in found}, "the new round is not finalised"
    async with store.transaction() as tx:
        assert not await tx.campaigns.mark_reassess_reminded(repeated), "it has a later round"


async def test_two_passes_queue_one_notice_per_coordinator(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    finalised = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)
    campaign_id = await finalised_round(store, "Lake County", finalised, monkeypatch)

    assert await reminders(store).send_due() == 2
    assert await reminders(store).send_due() == 0

    views = queued_views(tmp_path / "r.db")
    assert [(v["kind"], v["locale"]) for v in views] == [
        ("reassess_due", "en"),
        ("reassess_due", "es"),
    ]
    assert {(v["campaign_id"], v["name"], v["finalised_on"]) for v in views} == {
        (campaign_id, "Lake County", "2025-03-04")
    }
    campaign = await store.read.campaigns.by_id(campaign_id)
    assert campaign is not None and campaign.reassess_reminded_at is not None


async def test_a_restart_does_not_send_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "r.db"
    store = await Store.open(database)
    try:
        await finalised_round(store, "Lake County", datetime(2025, 3, 4, tzinfo=UTC), monkeypatch)
        assert await reminders(store).send_due() == 2
    finally:
        await store.close()
    store = await Store.open(database)
    try:
        assert await reminders(store).send_due() == 0
    finally:
        await store.close()
    assert len(queued_views(database)) == 2


async def test_a_failed_pass_leaves_it_for_the_next(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mark and the notices commit together: when queueing fails, neither is kept."""
    campaign_id = await finalised_round(
        store, "Lake County", datetime(2025, 3, 4, tzinfo=UTC), monkeypatch
    )
    queue = reassessment.queue_notices

    async def failing(*args: object) -> None:
        raise StorageError("disk I/O error")

    with monkeypatch.context() as patched:
        patched.setattr(reassessment, "queue_notices", failing)
        with pytest.raises(StorageError):
            await reminders(store).send_due()
    campaign = await store.read.campaigns.by_id(campaign_id)
    assert campaign is not None and campaign.reassess_reminded_at is None
    assert queued_views(tmp_path / "r.db") == []

    assert reassessment.queue_notices is queue
    assert await reminders(store).send_due() == 2
    assert len(queued_views(tmp_path / "r.db")) == 2


async def test_nothing_is_due_nothing_is_written(store: Store, tmp_path: Path) -> None:
    assert await reminders(store).send_due() == 0
    assert queued_views(tmp_path / "r.db") == []
