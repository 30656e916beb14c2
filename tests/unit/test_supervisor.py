"""Supervised loops come back after an error, log it once, and always stop cleanly."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.storage.errors import StorageError
from bot.supervisor import Backoff, Supervisor


async def test_a_failing_loop_restarts_and_logs_the_first_error_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs: list[int] = []
    healthy = asyncio.Event()

    async def flaky() -> None:
        runs.append(len(runs))
        if len(runs) <= 3:
            raise RuntimeError("boom")
        healthy.set()
        await asyncio.Event().wait()

    supervisor = Supervisor(backoff_first=0.01, backoff_ceiling=0.02)
    supervisor.start("flaky", flaky)
    await asyncio.wait_for(healthy.wait(), 5)
    assert supervisor.running == ["flaky"]
    await supervisor.stop()
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(runs) == 4
    assert len(errors) == 1 and errors[0].exc_info is not None
    assert len(warnings) == 2 and all(r.exc_info is None for r in warnings)


async def test_a_database_outage_is_a_warning_and_the_loop_comes_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    attempts: list[int] = []
    recovered = asyncio.Event()

    async def needs_the_database() -> None:
        attempts.append(1)
        if len(attempts) < 3:
            raise StorageError("OperationalError: database or disk is full")
        recovered.set()
        await asyncio.Event().wait()

    supervisor = Supervisor(backoff_first=0.01, backoff_ceiling=0.02)
    supervisor.start("db", needs_the_database)
    await asyncio.wait_for(recovered.wait(), 5)
    await supervisor.stop()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert sum("database unavailable" in r.getMessage() for r in caplog.records) == 2


async def test_stop_ends_every_loop() -> None:
    started = asyncio.Event()

    async def forever() -> None:
        started.set()
        await asyncio.sleep(3600)

    supervisor = Supervisor()
    supervisor.start("a", forever)
    supervisor.start("b", forever)
    await started.wait()
    await asyncio.wait_for(supervisor.stop(), 2)
    assert supervisor.running == []


def test_backoff_doubles_up_to_its_ceiling_and_resets() -> None:
    backoff = Backoff(first=0.5, ceiling=3.0)
    assert [backoff.next() for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    backoff.reset()
    assert backoff.next() == 0.5


async def test_a_loop_with_work_in_hand_finishes_it_before_the_stop() -> None:
    """The sender's case: a message Telegram took is marked sent before the process ends."""
    marked: list[str] = []
    sending = asyncio.Event()
    done = asyncio.Event()

    async def send() -> None:
        sending.set()
        await asyncio.sleep(0.05)  # Telegram answering
        marked.append("sent")
        done.set()
        await asyncio.Event().wait()

    async def finish() -> None:
        await done.wait()

    async def intake() -> None:
        await asyncio.Event().wait()

    supervisor = Supervisor()
    supervisor.start("intake", intake)
    supervisor.start("send", send, finish=finish)
    await sending.wait()
    await asyncio.wait_for(supervisor.stop(), 2)
    assert marked == ["sent"]
    assert supervisor.running == []
