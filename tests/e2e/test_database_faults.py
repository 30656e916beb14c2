"""Database faults (reliability scenario 4, quick form): the write lock held by another
process past the busy timeout, and a full disk, then freed. The bot recovers by itself; no
answer is lost; nothing is logged as an error (the outage is a warning, and retried)."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes import FakeBotApi, FakeUser
from tests.helpers.bot_harness import (
    TOKEN,
    new_campaign,
    running_bot,
    settings_for,
    to_first_text_question,
)

HOLD_SECONDS = 7.0  # past the 5 s busy timeout
LOCKER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA busy_timeout = 10000")
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
"""


def answers(database: Path) -> dict[str, object]:
    with sqlite3.connect(database) as db:
        (state,) = db.execute("SELECT state FROM sessions").fetchone()
    return dict(json.loads(state)["answers"])


async def to_the_sector_question(user: FakeUser, token: str) -> None:
    await to_first_text_question(user, token)
    user.send("Our county")
    await user.wait_for_message(contains="Which sector")


async def test_the_write_lock_held_by_another_process(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(2201, first_name="Eve", language_code="en")
        async with running_bot(settings):
            await to_the_sector_question(user, created.campaign.respondent_token)
            locker = await asyncio.create_subprocess_exec(
                sys.executable, "-c", LOCKER, str(settings.database), str(HOLD_SECONDS),
                stdout=asyncio.subprocess.PIPE,
            )  # fmt: skip
            assert locker.stdout is not None
            assert (await locker.stdout.readline()).strip() == b"locked"
            user.tap(next(d for _, d in user.buttons() if d and d.endswith(":sector:faith")))
            reply = await user.wait_for_message(timeout=HOLD_SECONDS + 30)
            assert await locker.wait() == 0
            assert "Which sector" not in reply.content
        assert answers(settings.database)["sector"] == "faith"


@contextlib.contextmanager
def small_disk(folder: Path) -> Iterator[Path]:
    """A real file system of 8 MB (tmpfs), so that "disk full" is the kernel's ENOSPC."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"a small file system cannot be mounted here: {mounted.stderr.strip()!r}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


async def test_a_full_disk_then_freed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with small_disk(tmp_path / "disk") as disk:
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
