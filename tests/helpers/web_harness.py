"""The web channel served in this test's event loop, on a free port of 127.0.0.1, and what a
test reads back from its database."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.channels.web.app import serve_web
from bot.flows.interview import InterviewState
from bot.privacy import load_or_create_secret, web_respondent_key
from bot.services.coordinator import Links
from bot.settings import Settings
from bot.storage.db import Store
from bot.storage.records import StoredResponse

CODE = re.compile(r"\b[B-Z]{4}-[B-Z]{4}\b")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def web_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"database": tmp_path / "readiness.db", **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def resume_code(text: str) -> str:
    found = CODE.search(text)
    assert found, f"no resume code in {text[:300]}"
    return found.group(0)


@dataclass
class RunningWeb:
    settings: Settings
    url: str
    links: Links

    async def answers(self, code: str) -> dict[str, Any] | None:
        """The answers of the unfinished interview that `code` resumes, None if none is open."""
        secret = load_or_create_secret(self.settings.key_file)
        store = await Store.open(self.settings.database)
        try:
            session = await store.read.sessions.of(web_respondent_key(secret, code))
        finally:
            await store.close()
        return None if session is None else dict(InterviewState.from_json(session.state).answers)

    async def responses(self, campaign_id: str) -> list[StoredResponse]:
        store = await Store.open(self.settings.database)
        try:
            return await store.read.responses.of_campaign(campaign_id)
        finally:
            await store.close()


@contextlib.asynccontextmanager
async def running_web(settings: Settings) -> AsyncIterator[RunningWeb]:
    port = free_port()
    stop = asyncio.Event()
    announced: asyncio.Future[Links] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        serve_web(settings, listen="127.0.0.1", port=port, stop=stop, announce=announced.set_result)
    )
    try:
        links = await asyncio.wait_for(asyncio.shield(announced), 15)
        yield RunningWeb(settings, f"http://127.0.0.1:{port}", links)
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
