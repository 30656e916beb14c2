"""Scenario 4, database faults, against the real bot process while respondents answer: the
write lock held by another process past the bot's busy timeout, then released; the disk full
(a real small file system, so that "full" is the kernel's ENOSPC), then freed.

The bot must recover by itself: no answer lost, every interview finished, the outage logged
as a WARNING (it is retried), never as an ERROR. The pieces (`hold_write_lock`, `small_disk`,
`fill`) are shared with the in-process quick form, tests/e2e/test_database_faults.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.fakes import FakeBotApi
from tests.reliability.rows import Cells, Row
from tests.reliability.scenarios import (
    _fault_row,
    _outgoing,
    faulty_stage,
    run_swarm,
    seconds,
    wait_for,
)
from tests.reliability.swarm import Swarm, SwarmConfig
from tests.reliability.verify import Figures

BUSY_TIMEOUT = 5.0
"""The bot's `busy_timeout` (bot/storage/db.py): a lock held longer makes its writes fail."""
HOLD = BUSY_TIMEOUT + 2.0
DISK_SIZE = "8m"
UNAVAILABLE = "database unavailable"
UNAVAILABLE_LINE = re.compile(r" WARNING bot\.supervisor: ([^:]+): database unavailable ")
"""What the bot's supervisor logs when a loop meets a database it cannot use."""
OUTAGES_MET = 2
"""The disk stays full until one of the bot's loops has met it this often (it retried)."""
LOCKER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA busy_timeout = 10000")
print("ready", flush=True)
sys.stdin.readline()
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
"""


# --- the faults ---------------------------------------------------------------------------------


class Locker:
    """Another process that takes the database's write lock (BEGIN EXCLUSIVE, waiting up to
    10 s for it) when told to, keeps it `seconds`, then rolls back. It is started ahead, so
    that `take()` is synchronous and can be called from a FakeBotApi observer at the very
    moment wanted (e.g. while Telegram holds a send)."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, database: Path, seconds: float) -> Locker:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", LOCKER, str(database), str(seconds),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        locker = cls(process)
        await locker._expect(b"ready")
        return locker

    def take(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"go\n")

    async def locked(self) -> None:
        """Returns once the other process holds the lock."""
        await self._expect(b"locked")

    async def released(self) -> bool:
        """Waits for the other process to let go; True if it held and released the lock."""
        return await self.process.wait() == 0

    async def _expect(self, word: bytes) -> None:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 30)
        if line.strip() != word:
            raise RuntimeError(f"the locker said {line!r}, not {word!r}")


async def hold_write_lock(database: Path, seconds: float) -> Locker:
    """Another process holds the write lock for `seconds` from now; `released()` for the end."""
    locker = await Locker.start(database, seconds)
    locker.take()
    await locker.locked()
    return locker


class DiskUnavailable(Exception):
    """A small file system cannot be mounted here (no root, no tmpfs): the reason is the text."""


@contextlib.contextmanager
def small_disk(folder: Path, size: str = DISK_SIZE) -> Iterator[Path]:
    """A real file system of `size` (tmpfs) mounted at `folder`, unmounted afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        reason = mounted.stderr.decode(errors="replace").strip() or f"exit {mounted.returncode}"
        raise DiskUnavailable(f"a {size} tmpfs cannot be mounted here: {reason}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(disk: Path) -> Path:
    """Writes a file until the kernel says ENOSPC; remove it to free the disk."""
    filler = disk / "filler"
    block = b"\0" * 65536
    # Unbuffered: a buffered file would try the last block again when closed, and fail.
    with filler.open("wb", buffering=0) as handle:
        try:
            while handle.write(block):
                pass
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise
    return filler


# --- reading the bot's log --------------------------------------------------------------------


def unavailable(log: Path) -> Counter[str]:
    """ "database unavailable" lines in the bot's log, by the loop that met the fault."""
    if not log.exists():
        return Counter()
    return Counter(
        match.group(1) for match in UNAVAILABLE_LINE.finditer(log.read_text(errors="replace"))
    )


async def until_retried(log: Path, before: Counter[str], times: int, timeout: float) -> bool:
    """True once some loop has met the fault `times` times since `before`: it was retried,
    and failed again. The bot is another process and its log a file, so the file is
    looked at ten times a second, until the timeout."""
    deadline = time.monotonic() + timeout
    while not any(n >= times for n in (unavailable(log) - before).values()):
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.1)
    return True


# --- the scenarios --------------------------------------------------------------------------------


@dataclass
class Outage:
    began: float
    ended: float
    met: bool
    """The bot's log says it met the fault (else the scenario proved nothing)."""


def _outage_figures(api: FakeBotApi, swarm: Swarm, outage: Outage) -> dict[str, str]:
    after = [c for c in _outgoing(api) if c.ok and c.received_at >= outage.ended]
    during = [c for c in _outgoing(api) if c.ok and outage.began <= c.received_at < outage.ended]
    answered = [a for a in swarm.actions if a.replied_at is not None and a.sent_at < outage.ended]
    slowest = max(
        (a.latency for a in answered if a.latency is not None and a.replied_at is not None),
        default=None,
    )
    return {
        "outage": f"{outage.ended - outage.began:.1f}s",
        "bot sends and edits during the outage": str(len(during)),
        "first send after the outage": seconds(
            after[0].received_at - outage.ended if after else None
        ),
        "slowest reply to an answer sent before the outage ended": seconds(slowest),
    }


def _checks(
    alive: bool, finished: bool, swarm: Swarm, outage: Outage, figures: Figures
) -> dict[str, bool]:
    return {
        f"the bot met the fault ({UNAVAILABLE!r} logged)": outage.met,
        "process stays up": alive,
        "backlog drains (every interview finished)": finished
        and swarm.completed == len(swarm.respondents),
        "no ERROR/CRITICAL in the bot's log": figures.errors == 0,
    }


async def write_lock(respondents: int = 3, *, hold: float = HOLD, seed: int = 21) -> Row:
    """Mid-interview, another process holds the write lock `hold` seconds (past the busy
    timeout), then releases it."""
    started = time.monotonic()
    config = SwarmConfig(think=(0.0, 0.1), reply_timeout=hold + 60)
    async with faulty_stage("db-lock", respondents, seed, config) as (stage, swarm):
        api = stage.api
        run = asyncio.ensure_future(run_swarm(swarm, 300 + hold))
        await wait_for(api, lambda: swarm.answers_delivered >= respondents * 3, 60)
        before = unavailable(stage.bot.log)
        locker = await hold_write_lock(stage.database, hold)
        began = time.monotonic()
        released = await locker.released()
        outage = Outage(began, time.monotonic(), unavailable(stage.bot.log) != before)
        finished = await run
        alive = stage.bot.alive
        await stage.bot.stop()
        extra = _outage_figures(api, swarm, outage)
        row = _fault_row("database: write lock held", stage, swarm, {}, extra, [], started)
        row.checks = {
            "the other process held the lock, then released it": released,
            **_checks(alive, finished, swarm, outage, row.figures),
            **row.checks,
        }
    return row


async def disk_full(
    respondents: int = 3, *, seed: int = 22, size: str = DISK_SIZE, met: int = OUTAGES_MET
) -> Row:
    """Mid-interview the disk holding the database fills up; it is freed once one of the
    bot's loops has met the full disk `met` times (retried, with growing pauses)."""
    started = time.monotonic()
    name = "database: disk full, then freed"
    config = SwarmConfig(think=(0.0, 0.1), reply_timeout=90)
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="reliability-disk-")))
        try:
            disk = stack.enter_context(small_disk(folder / "disk", size))
        except DiskUnavailable as why:
            return Row(name, Figures(), cells=Cells(), skipped=str(why))
        async with faulty_stage("db-full", respondents, seed, config, database_folder=disk) as (
            stage,
            swarm,
        ):
            api = stage.api
            run = asyncio.ensure_future(run_swarm(swarm, 360))
            await wait_for(api, lambda: swarm.answers_delivered >= respondents * 3, 60)
            before = unavailable(stage.bot.log)
            filler = fill(disk)
            began = time.monotonic()
            met_it = await until_retried(stage.bot.log, before, met, 120)
            filler.unlink()
            outage = Outage(began, time.monotonic(), met_it)
            finished = await run
            alive = stage.bot.alive
            await stage.bot.stop()
            extra = _outage_figures(api, swarm, outage)
            extra["disk"] = f"tmpfs of {size}"
            row = _fault_row(name, stage, swarm, {}, extra, [], started)
            row.checks = {
                **_checks(alive, finished, swarm, outage, row.figures),
                **row.checks,
            }
    return row


async def database_faults(
    respondents: int = 3, *, seed: int = 21, met: int = OUTAGES_MET
) -> list[Row]:
    """Both faults, one row each; each has its own bot, fake API and database."""
    return [
        await write_lock(respondents, seed=seed),
        await disk_full(respondents, seed=seed + 1, met=met),
    ]
