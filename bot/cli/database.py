"""Opening the configured database for one command, and closing it after."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.settings import Settings, load_settings
from bot.startup import StartupError, open_with_key
from bot.storage.db import DatabaseUnusable, Store

T = TypeVar("T")


def with_store(work: Callable[[Store, Settings], Awaitable[T]]) -> T:
    """Run `work` with the configured database (and its key) open, and close it after."""

    async def run() -> T:
        settings = load_settings()
        store, _ = await open_with_key(settings)
        try:
            return await work(store, settings)
        except DatabaseUnusable as error:
            # Damage the header check cannot see shows up in the first query that reads it.
            raise StartupError(
                f"database {settings.database} is damaged ({error}); restore it from a "
                "backup (README: Deployment)"
            ) from None
        finally:
            await store.close()

    return asyncio.run(run())
