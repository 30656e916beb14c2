"""The real bot as a child process (`python -m bot.cli run`) and the operator's command line,
both aimed at a FakeBotApi, with everything the process prints kept in one log file.

Only the command line, environment variables and files are used, as an operator would: the
figures stay meaningful while the bot's internals change.
"""

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

# Settings check that a token looks like BotFather's (digits, a colon, then 20+ characters).
TOKEN = "777001:RELIABILITY-swarm-token-for-the-fake-bot-api"
DATABASE = "readiness.db"
LOG = "bot.log"
REPLY = 30.0
"""Seconds to wait for a reply the bot owes. Generous, because test machines are shared and
small: a scenario that times out should mean a reply was lost, not that it was slow."""


class HarnessError(RuntimeError):
    """The bot or a command did not behave well enough to measure anything."""


def bot_env(api: FakeBotApi, workdir: Path, *, database: Path | None = None) -> dict[str, str]:
    """The environment of an installation in `workdir`: its database (`workdir/readiness.db`
    unless given) and the default key file next to it (`<database>.key`, as the README
    documents), nothing from the developer."""
    # A developer's own READINESS_* settings must not leak into the measured process.
    env = {name: value for name, value in os.environ.items() if not name.startswith("READINESS_")}
    env.update(
        READINESS_TELEGRAM_TOKEN=api.token,
        READINESS_TELEGRAM_API_URL=f"{api.url}/bot",
        READINESS_DATABASE=str(database or workdir / DATABASE),
        READINESS_REMINDER_AFTER="0",
        # Simulated respondents answer the moment a question arrives, and wait for the next one
        # before typing again: holding it for her pause would only slow every scenario down.
        # The held question is tested in tests/e2e/test_answering.py.
        READINESS_ANSWER_PAUSE="0",
        # For the same reason, no pace per chat: it would measure only itself (one answer a
        # second); tests/e2e/test_pacing.py tests it.
        READINESS_TELEGRAM_CHAT_RATE="0",
        # RetryAfter.retry_after as a timedelta; without it PTB 22 warns on every 429.
        PTB_TIMEDELTA="true",
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
        raise HarnessError(f"bot.cli {' '.join(args)} took longer than {timeout}s") from None
    assert process.returncode is not None
    return Finished(process.returncode, out.decode(errors="replace"), err.decode(errors="replace"))


async def cli_ok(env: dict[str, str], cwd: Path, *args: str, timeout: float = 60.0) -> str:
    """`cli`, for commands that must succeed: their stdout, or HarnessError."""
    done = await cli(env, cwd, *args, timeout=timeout)
    if done.returncode != 0:
        raise HarnessError(f"bot.cli {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout


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
    api: FakeBotApi,
    env: dict[str, str],
    workdir: Path,
    name: str = "Swarm County",
    community_type: str = "rural",
) -> Campaign:
    """A preassessment campaign made by `campaign create --json` (it asks the fake getMe)."""
    out = await cli_ok(
        env, workdir, "campaign", "create", "--name", name, "--community-type", community_type,
        "--json",
    )  # fmt: skip
    created = json.loads(out)
    username, respondent = _start_payload(created["respondent_link"])
    _, coordinator = _start_payload(created["coordinator_link"])
    if username != api.bot_username:
        raise HarnessError(f"links name @{username}, getMe says @{api.bot_username}")
    return Campaign(created["id"], username, respondent, coordinator)


class BotProcess:
    """`python -m bot.cli run` in a child process; its stdout and stderr are appended to
    `workdir/bot.log` across restarts."""

    def __init__(
        self,
        api: FakeBotApi,
        workdir: Path,
        env: dict[str, str] | None = None,
        *,
        command: tuple[str, ...] = ("-m", "bot.cli", "run"),
    ) -> None:
        self.api = api
        self.command = command
        """What the child runs after the interpreter: the bench runs its baseline the same way."""
        self.workdir = workdir
        self.env = env if env is not None else bot_env(api, workdir)
        self.log = workdir / LOG
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
        """Starts the bot and returns once it polls: by then it has opened the database and
        drained its inbox."""
        if self.alive:
            raise HarnessError("the bot is already running")
        self._polling.clear()
        stop_watching = self.api.observe(self._watch)
        try:
            with self.log.open("ab") as log:
                self._process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    *self.command,
                    env=self.env,
                    cwd=self.workdir,  # no developer .env is read from here
                    stdout=log,
                    stderr=log,
                )
            self.starts += 1
            exited = asyncio.ensure_future(self._process.wait())
            polling = asyncio.ensure_future(self._polling.wait())
            done, pending = await asyncio.wait(
                {exited, polling}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()
            if polling not in done:
                # It exited, or hangs before polling: nothing to stop gently any more.
                self.kill()
                await self.wait()
                raise HarnessError(
                    f"the bot did not start polling within {timeout}s:\n{self.tail()}"
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
        """SIGTERM, as a supervisor stops it; SIGKILL if it does not end in time. Returns the
        exit status (0 for a clean stop)."""
        process = self._process
        if process is None:
            return None
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout)
            except TimeoutError:
                self.forced_stops += 1
                self.kill()
                await process.wait()
        return process.returncode

    def tail(self, lines: int = 30) -> str:
        if not self.log.exists():
            return "(no log)"
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    async def __aenter__(self) -> BotProcess:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
