"""An unfinished interview is deleted after READINESS_UNFINISHED_DAYS, as the privacy screen
says, and its words leave the database file, its WAL and its shared memory at once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.pruning import Pruning
from bot.storage import clock
from bot.storage.db import Store
from bot.storage.records import Session


def files_holding(folder: Path, marker: str) -> list[str]:
    return [p.name for p in folder.iterdir() if p.is_file() and marker.encode() in p.read_bytes()]


def open_interview(session_id: str, key: str, answer: str) -> Session:
    return Session(
        id=session_id,
        respondent_key=key,
        campaign_id=None,
        bank="preassessment",
        stage="interview",
        state=json.dumps({"answers": {"community": answer}}),
        updated_at="",
    )


async def save_at(store: Store, session: Session, moment: datetime, mp: pytest.MonkeyPatch) -> None:
    """The repository stamps the save with the clock's time; the clock is set back for it."""
    with mp.context() as patched:
        patched.setattr(clock, "now", lambda: moment)
        async with store.transaction() as tx:
            await tx.sessions.save(session, reminder_chat=None, reminder_due=None)


async def test_an_unfinished_interview_is_deleted_after_the_days_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_words, recent_words = "LEFT-A-MONTH-AGO-4411", "LEFT-YESTERDAY-5522"
    today = datetime.now(UTC)
    store = await Store.open(tmp_path / "r.db")
    try:
        await save_at(
            store, open_interview("s1", "k1", old_words), today - timedelta(days=31), monkeypatch
        )
        await save_at(
            store, open_interview("s2", "k2", recent_words), today - timedelta(days=29), monkeypatch
        )
        assert files_holding(tmp_path, old_words)
        await Pruning(store, unfinished_after=timedelta(days=30)).prune()
        assert await store.read.sessions.by_id("s1") is None
        assert await store.read.sessions.by_id("s2") is not None
        leftovers = files_holding(tmp_path, old_words)
        kept = files_holding(tmp_path, recent_words)
    finally:
        await store.close()
    assert leftovers == []
    assert kept
