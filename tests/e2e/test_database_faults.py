"""Database faults (reliability scenario 4, quick form, in process): the write lock held by
another process past the busy timeout, and a full disk, then freed. The bot recovers by itself;
no answer is lost; nothing is logged as an error (the outage is a warning, and retried). The
faults are tests/reliability/database_faults.py's; `make reliability` runs them against the
bot process while a swarm of respondents answers."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes import FakeBotApi, FakeUser, TimedCall
from tests.helpers.bot_harness import (
    TOKEN,
    new_campaign,
    running_bot,
    settings_for,
    to_first_text_question,
)
from tests.reliability.database_faults import (
    BUSY_TIMEOUT,
    HOLD,
    DiskUnavailable,
    Locker,
    fill,
    hold_write_lock,
    small_disk,
)

TELEGRAM_HOLDS = 0.5
"""Seconds the fake Telegram keeps a send before answering: the lock is taken meanwhile."""


def answers(database: Path) -> dict[str, object]:
    with sqlite3.connect(database) as db:
        (state,) = db.execute("SELECT state FROM sessions").fetchone()
    return dict(json.loads(state)["answers"])


async def to_the_sector_question(user: FakeUser, token: str) -> None:
    await to_first_text_question(user, token)
    user.send("Our county")
    await user.wait_for_message(contains="Which sector")


def tap_faith(user: FakeUser) -> None:
    user.tap(next(d for _, d in user.buttons() if d and d.endswith(":sector:faith")))


async def test_the_write_lock_held_by_another_process(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(2201, first_name="Eve", language_code="en")
        async with running_bot(settings):
            await to_the_sector_question(user, created.campaign.respondent_token)
            locker = await hold_write_lock(settings.database, HOLD)
            tap_faith(user)
            reply = await user.wait_for_message(timeout=HOLD + 30)
            assert await locker.released()
            assert "Which sector" not in reply.content
        assert answers(settings.database)["sector"] == "faith"


async def test_a_lock_while_telegram_holds_a_send_sends_nothing_twice(tmp_path: Path) -> None:
    # The window: Telegram has the next question, the bot has not yet marked it sent, and
    # another process holds the write lock for longer than the bot's busy timeout.
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(2203, first_name="Gus", language_code="en")
        async with running_bot(settings):
            await to_the_sector_question(user, created.campaign.respondent_token)
            locker = await Locker.start(settings.database, TELEGRAM_HOLDS + BUSY_TIMEOUT + 1.5)

            def lock_when_sent(phase: str, call: TimedCall) -> None:
                if phase == "received" and call.method == "sendMessage":
                    stop()
                    locker.take()

            stop = api.observe(lock_when_sent)
            api.delay_next("sendMessage", TELEGRAM_HOLDS)
            tap_faith(user)
            await locker.locked()
            question = await user.wait_for_message(timeout=30)
            assert await locker.released()
            # Each chat's messages go in order: once /help is answered, a repeat would be in.
            user.send("/help")
            await user.wait_for_message(contains="/start continues", timeout=BUSY_TIMEOUT + 30)
        copies = [m for m in user.chat.messages if m.params == question.params]
        assert len(copies) == 1, f"the question after the lock came {len(copies)} times"


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    try:
        with small_disk(tmp_path / "disk") as mounted:
            yield mounted
    except DiskUnavailable as why:
        pytest.skip(str(why))


async def test_a_full_disk_then_freed(
    tmp_path: Path, disk: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path, database=disk / "readiness.db")
        created = await new_campaign(settings)
        user = api.user(2202, first_name="Fay", language_code="en")
        async with running_bot(settings) as running:
            await to_first_text_question(user, created.campaign.respondent_token)
            bot = await running.parts()
            while await bot.store.read.outbox.pending_count():
                await asyncio.sleep(0.05)
            filler = fill(disk)
            shown = len(user.messages)
            user.send("Our county, where the disk filled up")
            await asyncio.sleep(3)
            assert len(user.messages) == shown, "nothing can be stored while the disk is full"
            assert any("database unavailable" in r.getMessage() for r in caplog.records)
            filler.unlink()
            await user.wait_for_message(contains="Which sector", timeout=30)
        assert answers(settings.database)["community"] == "Our county, where the disk filled up"
