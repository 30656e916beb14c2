"""The web channel served in this test's event loop, on a free port of 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.channels.web.app import serve_web
from bot.services.coordinator import Links
from bot.settings import Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def web_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"database": tmp_path / "readiness.db", **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class RunningWeb:
    settings: Settings
    url: str
    links: Links


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
