"""Keeps console interviews in the bot's SQLite database, like the Telegram channel does."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any, TypeVar

from bot.flows.interview import InterviewState
from bot.privacy import load_or_create_secret, new_receipt_code, receipt_digest
from bot.settings import Settings
from bot.storage import repos
from bot.storage.db import Database
from bot.storage.repos import Campaign, Session
from questions.schema import Bank

T = TypeVar("T")
CONSOLE_STAGE = "interview"


class ConsoleStore:
    """A Recorder for ConsoleInterview: the console reads stdin in its own (blocking) way,
    so the database runs on a private event loop and every write waits for its commit."""

    def __init__(self, settings: Settings, bank: Bank, campaign: Campaign | None = None) -> None:
        self.settings = settings
        self.bank = bank
        self.campaign = campaign
        self.secret = load_or_create_secret(settings.key_file)
        self.session_id = repos.new_id(6)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.database: Database = self._run(Database.open(settings.database))

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result()

    def close(self) -> None:
        self._run(self.database.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def resume(self, session_id: str) -> InterviewState | None:
        """The saved state of an unfinished console interview of this bank."""
        session = self._run(repos.session_by_id(self.database.connection, session_id))
        if session is None or session.bank != self.bank.id:
            return None
        if session.campaign_id != (self.campaign.id if self.campaign else None):
            return None
        self.session_id = session.id
        return InterviewState.from_json(session.state)

    def save(self, state: InterviewState) -> None:
        self._run(self._save(state))

    async def _save(self, state: InterviewState) -> None:
        session = Session(
            id=self.session_id,
            # No person behind a console run can be keyed; the session id keeps it unique.
            respondent_key=f"console:{self.session_id}",
            campaign_id=self.campaign.id if self.campaign else None,
            bank=self.bank.id,
            stage=CONSOLE_STAGE,
            state=state.to_json(),
            updated_at=repos.stamp(),
            reminder_due=None,
            reminded=False,
        )
        async with self.database.transaction() as db:
            await repos.save_session(db, session, reminder_chat=None, reminder_due=None)

    def finish(self, state: InterviewState) -> str:
        return self._run(self._finish(state))

    async def _finish(self, state: InterviewState) -> str:
        code = new_receipt_code()
        async with self.database.transaction() as db:
            await repos.store_response(
                db,
                campaign_id=self.campaign.id if self.campaign else None,
                bank=self.bank.id,
                bank_version=self.bank.version,
                locale=state.locale,
                answers=state.answers,
                receipt_digest=receipt_digest(self.secret, code),
                completed_on=datetime.now(UTC).date(),
            )
            await repos.delete_session(db, self.session_id)
        return code

    def campaign_by_id(self, campaign_id: str) -> Campaign | None:
        return self._run(repos.campaign_by_id(self.database.connection, campaign_id))
