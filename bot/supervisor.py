"""Supervised background loops: an error is logged once with its context, the loop restarts
after a growing pause, and stopping always ends every loop cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.storage.db import StorageError

log = logging.getLogger(__name__)

Loop = Callable[[], Awaitable[None]]
Finish = Callable[[], Awaitable[None]]
HEALTHY_AFTER = 60.0
"""A loop that ran this long since its last failure starts again from the shortest pause."""


@dataclass
class Backoff:
    """Exponential pauses between attempts, from `first` to `ceiling` seconds."""

    first: float = 0.5
    ceiling: float = 30.0
    _next: float = field(default=0.0, init=False)

    def reset(self) -> None:
        self._next = 0.0

    def next(self) -> float:
        self._next = self.first if not self._next else min(self._next * 2, self.ceiling)
        return self._next


@dataclass
class Supervisor:
    backoff_first: float = 0.5
    backoff_ceiling: float = 30.0
    finish_within: float = 10.0
    """Seconds a loop's `finish` may take at stop before the loop is cancelled anyway."""
    _tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    _finishers: dict[str, Finish] = field(default_factory=dict)
    _stopping: bool = False

    def start(self, name: str, loop: Loop, *, finish: Finish | None = None) -> None:
        """Keep `loop` running. `finish`, if given, lets it end its work in hand at stop (the
        sender: a message Telegram took must be marked sent, or it goes out again)."""
        self._tasks[name] = asyncio.create_task(self._keep(name, loop), name=name)
        if finish is not None:
            self._finishers[name] = finish

    async def stop(self) -> None:
        """Loops without a `finish` are cancelled first (intake stops), then the others are
        asked to finish, then whatever is left is cancelled."""
        self._stopping = True
        for name, task in self._tasks.items():
            if name not in self._finishers:
                task.cancel()
        for name, finish in self._finishers.items():
            try:
                await asyncio.wait_for(finish(), self.finish_within)
            except TimeoutError:
                log.warning("%s did not finish within %.0f s; stopped", name, self.finish_within)
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        self._finishers.clear()

    @property
    def running(self) -> list[str]:
        return [name for name, task in self._tasks.items() if not task.done()]

    async def _keep(self, name: str, loop: Loop) -> None:
        backoff = Backoff(self.backoff_first, self.backoff_ceiling)
        failures = 0
        while True:
            started = time.monotonic()
            try:
                await loop()
                if self._stopping:
                    return
                log.warning("%s stopped by itself; starting it again", name)
            except asyncio.CancelledError:
                raise
            except StorageError as error:
                # The database is busy, full or failing: an operator may need to act, but the
                # loop must come back by itself once the cause is gone.
                log.warning("%s: database unavailable (%s); retrying", name, error)
            except Exception:
                failures += 1
                if failures == 1:
                    log.exception("%s failed; it restarts after a pause", name)
                else:
                    log.warning("%s failed again (%d in a row); retrying", name, failures)
            if time.monotonic() - started > HEALTHY_AFTER:
                backoff.reset()
                failures = 0
            await asyncio.sleep(backoff.next())


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM: how a serving process is asked to stop cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    return stop
