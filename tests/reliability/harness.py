"""The real bot as a child process, and the operator command line, both aimed at a FakeBotApi."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.fakes import FakeBotApi, TimedCall

# Settings check that a token looks like BotFather's (digits, a colon, then letters).
TOKEN = "777001:RELIABILITY-swarm-token-for-the-fake-bot-api"
DATABASE = "readiness.db"
STDERR = "bot-stderr.log"


class HarnessError(RuntimeError):
    """The bot or the command line did not behave well enough to measure anything."""


def bot_env(api: FakeBotApi, workdir: Path) -> dict[str, str]:
    # A developer's own READINESS_* settings must not leak into the measured process.
    env = {name: value for name, value in os.environ.items() if not name.startswith("READINESS_")}
    env.update(
        READINESS_TELEGRAM_TOKEN=api.token,
        READINESS_TELEGRAM_API_URL=f"{api.url}/bot",
        READINESS_DATABASE=str(workdir / DATABASE),
        READINESS_SECRET_KEY_FILE=str(workdir / "readiness.key"),
        READINESS_REMINDER_AFTER="0",
    )
    return env


async def run_cli(api: FakeBotApi, workdir: Path, *args: str, timeout: float = 60.0) -> str:
    """`python -m bot.cli ARGS` with the bot's settings; its stdout, or HarnessError."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=bot_env(api, workdir),
        cwd=workdir,  # no developer .env is read from here
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise HarnessError(f"bot.cli {' '.join(args)} took longer than {timeout}s") from None
    if process.returncode != 0:
        raise HarnessError(
            f"bot.cli {' '.join(args)} exited {process.returncode}: {err.decode(errors='replace')}"
        )
    return out.decode()


@dataclass(frozen=True)
class Campaign:
    id: str
    bot_username: str
    respondent_token: str
    coordinator_token: str


def _start_payload(link: str) -> tuple[str, str]:
    """(bot username, start payload) of a `https://t.me/<bot>?start=<token>` link."""
    parts = urlsplit(link)
    token = parse_qs(parts.query).get("start", [""])[0]
    if not token:
        raise HarnessError(f"no start payload in {link!r}")
    return parts.path.strip("/"), token


async def create_campaign(
    api: FakeBotApi, workdir: Path, name: str = "Swarm County", community_type: str = "rural"
) -> Campaign:
    """A preassessment campaign made by `campaign create --json` (it asks the fake getMe)."""
    out = await run_cli(
        api, workdir, "campaign", "create", "--name", name, "--community-type", community_type,
        "--json",
    )  # fmt: skip
    created = json.loads(out)
    username, respondent = _start_payload(created["respondent_link"])
    _, coordinator = _start_payload(created["coordinator_link"])
    if username != api.bot_username:
        raise HarnessError(f"links name @{username}, getMe says @{api.bot_username}")
    return Campaign(created["id"], username, respondent, coordinator)


class BotProcess:
    """`python -m bot.cli run` in a child process; stderr goes to one file across restarts."""

    def __init__(self, api: FakeBotApi, workdir: Path) -> None:
        self.api = api
        self.workdir = workdir
        self.stderr_path = workdir / STDERR
        self.starts = 0
        self.kills = 0
        self.forced_stops = 0
        """Stops where SIGTERM did not end the process in time and SIGKILL had to."""
        self._process: asyncio.subprocess.Process | None = None
        self._polling = asyncio.Event()

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.returncode is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def start(self, timeout: float = 60.0) -> None:
        """Starts the bot and returns once it polls: by then it has drained its inbox."""
        if self.alive:
            raise HarnessError("the bot is already running")
        self._polling.clear()
        stop_watching = self.api.observe(self._watch)
        try:
            with self.stderr_path.open("ab") as stderr:
                self._process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bot.cli",
                    "run",
                    env=bot_env(self.api, self.workdir),
                    cwd=self.workdir,
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=stderr,
                )
            self.starts += 1
            exited = asyncio.ensure_future(self._process.wait())
            polling = asyncio.ensure_future(self._polling.wait())
            done, _ = await asyncio.wait(
                {exited, polling}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            for task in (exited, polling):
                if task not in done:
                    task.cancel()
            if polling not in done:
                self.kill()
                await self.wait()
                raise HarnessError(
                    f"the bot did not start polling within {timeout}s; stderr:\n{self.tail()}"
                )
        finally:
            stop_watching()

    def _watch(self, phase: str, call: TimedCall) -> None:
        if phase == "received" and call.method == "getUpdates":
            self._polling.set()

    def kill(self) -> None:
        """SIGKILL now, synchronously: callable from an observer at the exact moment wanted."""
        if self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._process.pid, signal.SIGKILL)
            self.kills += 1

    async def wait(self) -> int | None:
        if self._process is None:
            return None
        return await self._process.wait()

    async def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, as a supervisor stops it; SIGKILL if it does not end in time."""
        if self._process is None or self._process.returncode is not None:
            return None if self._process is None else self._process.returncode
        with contextlib.suppress(ProcessLookupError):
            self._process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self._process.wait(), timeout)
        except TimeoutError:
            self.forced_stops += 1
            self.kill()
            return await self._process.wait()

    def tail(self, lines: int = 30) -> str:
        if not self.stderr_path.exists():
            return "(no stderr)"
        text = self.stderr_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])
