"""The real bot as a child process (`python -m bot.cli run`) and the operator's command line,
both aimed at a FakeBotApi, with everything the process prints kept in one log file.

Only the command line, environment variables and files are used, as an operator would: the
figures stay meaningful while the bot's internals change.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.fakes import FakeBotApi, TimedCall

# Settings check that a token looks like BotFather's: digits, a colon, 20+ characters.
TOKEN = "424242:TEST-token-for-the-fake-bot-api"
DATABASE = "readiness.db"
LOG = "bot.log"
REPLY = 30.0
"""Seconds to wait for a reply the bot owes. Generous, because test machines are shared and
small: a scenario that times out should mean a reply was lost, not that it was slow."""


class ChildError(RuntimeError):
    """The bot or a command did not behave well enough to measure anything."""


def bot_env(api_url: str, workdir: Path, token: str = TOKEN, **extra: str) -> dict[str, str]:
    """The environment of an installation in `workdir`: its database and the default key file
    next to it (`<database>.key`, as the README documents), nothing from the developer."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("READINESS_")}
    env.update(
        READINESS_TELEGRAM_TOKEN=token,
        READINESS_TELEGRAM_API_URL=f"{api_url}/bot",
        READINESS_DATABASE=str(workdir / DATABASE),
        READINESS_REMINDER_AFTER="0",
        PTB_TIMEDELTA="true",
        **extra,
    )
    return env


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: str
    stderr: str


async def cli(env: dict[str, str], cwd: Path, *args: str, timeout: float = 60.0) -> Finished:
    """`python -m bot.cli ARGS`, waited for; cwd is the installation folder (no developer .env)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise ChildError(f"bot.cli {' '.join(args)} took longer than {timeout}s") from None
    assert process.returncode is not None
    return Finished(process.returncode, out.decode(errors="replace"), err.decode(errors="replace"))


class ChildBot:
    """`python -m bot.cli run` with stdout and stderr appended to `workdir/bot.log`."""

    def __init__(self, api: FakeBotApi, workdir: Path, env: dict[str, str] | None = None) -> None:
        self.api = api
        self.workdir = workdir
        self.env = env if env is not None else bot_env(api.url, workdir, api.token)
        self.log = workdir / LOG
        self._process: asyncio.subprocess.Process | None = None
        self._polling = asyncio.Event()

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def start(self, timeout: float = 60.0) -> None:
        """Returns once the bot polls: it has opened the database and drained its inbox."""
        self._polling.clear()
        stop_watching = self.api.observe(self._watch)
        try:
            with self.log.open("ab") as log:
                self._process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bot.cli",
                    "run",
                    env=self.env,
                    cwd=self.workdir,
                    stdout=log,
                    stderr=log,
                )
            exited = asyncio.ensure_future(self._process.wait())
            polling = asyncio.ensure_future(self._polling.wait())
            done, pending = await asyncio.wait(
                {exited, polling}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()
            if polling not in done:
                await self.stop()
                raise ChildError(f"the bot did not start polling within {timeout}s:\n{self.tail()}")
        finally:
            stop_watching()

    def _watch(self, phase: str, call: TimedCall) -> None:
        if phase == "received" and call.method == "getUpdates":
            self._polling.set()

    async def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, as a supervisor stops it; SIGKILL if it does not end in time."""
        process = self._process
        if process is None:
            return None
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout)
            except TimeoutError:
                process.kill()
                await process.wait()
        return process.returncode

    def tail(self, lines: int = 30) -> str:
        if not self.log.exists():
            return "(no log)"
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    async def __aenter__(self) -> ChildBot:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
