"""An update committed while the dispatcher is looking at an empty inbox is still handled at
once: a wake-up that arrives mid-look is not lost. (The sender recovers by itself: its idle
wait is bounded by the next due message.)"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.fakes import FakeBotApi
from tests.helpers.bot_harness import TOKEN, new_campaign, running_bot, settings_for


async def test_an_update_committed_while_the_inbox_is_read_is_not_stranded(
    tmp_path: Path,
) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings) as running:
            bot = await running.parts()
            inbox = bot.store.read.inbox
            read = inbox.pending
            accepted = asyncio.Event()
            armed = False
            on_accepted = bot.receiver.on_accepted

            def accepting() -> None:
                on_accepted()
                accepted.set()

            async def pending(limit: int = 64) -> Any:
                # The order a busy bot can meet: the inbox was read empty, then the next
                # update is committed and wakes the dispatcher, then the read returns.
                nonlocal armed
                found = await read(limit)
                if armed and not found:
                    armed = False
                    accepted.clear()
                    ana.send("/help")
                    await accepted.wait()
                return found

            bot.receiver.on_accepted = accepting
            inbox.pending = pending  # type: ignore[method-assign]

            ana.start(created.campaign.respondent_token)
            await ana.wait_for_message(contains="language")
            armed = True
            ana.send("/language")
            await ana.wait_for_message(contains="language")
            await ana.wait_for_message(contains="1-888-373-7888", timeout=5)
