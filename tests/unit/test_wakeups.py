"""A loop that sleeps until woken must not lose a wake-up that comes while it works: the
update committed during the dispatcher's last look at the inbox is handled at once, not when
the next update happens to arrive."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, cast

from bot.channels.telegram.dispatcher import Dispatcher
from bot.storage.records import PendingUpdate


class RacingInbox:
    """Its first look finds nothing, while the receiver commits an update and wakes the
    dispatcher during it: the order a busy event loop can give."""

    def __init__(self) -> None:
        self.looks = 0
        self.dispatcher: Dispatcher | None = None
        self.second_look = asyncio.Event()

    async def pending(self, limit: int) -> list[PendingUpdate]:
        self.looks += 1
        if self.looks == 1:
            assert self.dispatcher is not None
            self.dispatcher.wake.set()  # the receiver's commit, mid-read
        else:
            self.second_look.set()
        return []


async def test_a_wake_up_during_the_last_look_is_not_lost() -> None:
    inbox = RacingInbox()
    store = SimpleNamespace(read=SimpleNamespace(inbox=inbox))
    dispatcher = Dispatcher(
        cast(Any, store), cast(Any, None), cast(Any, None), cast(Any, None), ("en",),
        on_committed=lambda answered: None,
    )  # fmt: skip
    inbox.dispatcher = dispatcher
    running = asyncio.create_task(dispatcher.run())
    try:
        await asyncio.wait_for(inbox.second_look.wait(), 2)
    finally:
        running.cancel()
    assert inbox.looks >= 2
