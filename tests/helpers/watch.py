"""Watches a bot that runs in this process from the side: when an update is committed, when a
chat's replies are all delivered, and the database rows a scenario compares before and after.

Every wait wakes on an event (a commit of the bot's store, a call reaching the fake Bot API),
never on a timer, so a scenario runs as fast as the bot answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.channels.telegram.app import TelegramBot
from bot.privacy import respondent_key
from bot.storage.repos import Repos
from tests.fakes import FakeBotApi
from tests.helpers.bot_harness import RunningBot

T = TypeVar("T")

Row = tuple[Any, ...]


@dataclass
class Watch:
    api: FakeBotApi
    bot: TelegramBot
    db: sqlite3.Connection
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _stop_observing: Callable[[], None] | None = None

    @classmethod
    async def attach(cls, api: FakeBotApi, running: RunningBot) -> Watch:
        bot = await running.parts()
        # Autocommit: every SELECT sees what the bot has committed by then, and holds no read
        # transaction that would keep the bot's WAL checkpoint waiting.
        db = sqlite3.connect(running.settings.database, isolation_level=None, timeout=10)
        watch = cls(api, bot, db)
        watch._wrap_transactions()
        watch._stop_observing = api.observe(lambda _phase, _call: watch.pulse())
        return watch

    def close(self) -> None:
        if self._stop_observing is not None:
            self._stop_observing()
        self.db.close()

    def _wrap_transactions(self) -> None:
        # Every write of the bot goes through store.transaction(): after each commit (or
        # rollback), waiters look again. An instance attribute shadows the method for this
        # store only.
        store = self.bot.store
        original = store.transaction

        @contextlib.asynccontextmanager
        async def transaction() -> AsyncIterator[Repos]:
            try:
                async with original() as tx:
                    yield tx
            finally:
                self.pulse()

        store.transaction = transaction  # type: ignore[method-assign]

    def pulse(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def until(self, check: Callable[[], T], timeout: float = 15.0, what: str = "") -> T:
        """``check()`` once it is truthy, re-checked after every commit and every API call."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed
            result = check()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"still waiting after {timeout}s for {what or check}\n"
                    f"{self.api.describe_recent()}"
                )
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):
                    await changed.wait()

    # --- reading the bot's database ------------------------------------------------------

    def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[Row]:
        return self.db.execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple[object, ...] = ()) -> Row | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def scalar(self, sql: str, params: tuple[object, ...] = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    def key_of(self, user_id: int) -> str:
        """The respondent's pseudonym, as the bot computes it."""
        return respondent_key(self.bot.secret, user_id)

    def chat_key(self, chat_id: int) -> str:
        return self.bot.sender.addresses.key(chat_id)

    def handled(self, update_id: int) -> bool:
        processed = self.scalar("SELECT processed_at FROM inbox WHERE update_id = ?", (update_id,))
        return processed is not None

    def chat_idle(self, chat_id: int) -> bool:
        """Nothing waits in the outbox for this chat: what the bot had to say there is out."""
        return (
            self.one("SELECT 1 FROM outbox WHERE chat_key = ? LIMIT 1", (self.chat_key(chat_id),))
            is None
        )

    def quiet(self) -> bool:
        """No update waits anywhere: not in the fake, not in the inbox, not in the outbox."""
        return (
            not self.api.pending_updates
            and self.one("SELECT 1 FROM inbox WHERE processed_at IS NULL LIMIT 1") is None
            and self.one("SELECT 1 FROM outbox LIMIT 1") is None
        )

    async def settled(
        self, update: dict[str, Any], chat_id: int, *, answered: bool = True, timeout: float = 15.0
    ) -> None:
        """Wait until the update is committed and its replies (and its button's answer) are out.

        ``answered=False`` for a button press the bot cannot answer (one without a message).
        """
        update_id = int(update["update_id"])
        try:
            await self.until(lambda: self.handled(update_id), timeout, f"update {update_id}")
        except AssertionError as error:
            # Committed but never handled: say what the dispatcher was doing.
            pending = self.rows("SELECT update_id FROM inbox WHERE processed_at IS NULL")
            wake = "set" if self.bot.dispatcher.wake.is_set() else "clear"
            raise AssertionError(
                f"{error}\nunhandled in the inbox: {pending}; the dispatcher's wake-up is {wake}"
            ) from None
        await self.until(lambda: self.chat_idle(chat_id), timeout, f"replies in chat {chat_id}")
        query = update.get("callback_query")
        if query is not None and answered:
            await self.until(
                lambda: str(query["id"]) in self.api.callback_answers,
                timeout,
                f"the answer to callback query {query['id']}",
            )
