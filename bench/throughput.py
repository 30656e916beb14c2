"""Black-box throughput: a program as a child process against a loopback fake Bot API that
answers at once, and simulated respondents who answer the moment a question arrives.

Runs are bounded by time, not by interviews finished: a window of steady load is measured
after every respondent has had their first screen (the opening burst of /start is not the
steady state). An "answer" is any tap or typed message the program answered.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.procstat import cpu_seconds, rss_bytes
from bench.targets import Target
from tests.fakes import FakeBotApi, TimedCall
from tests.reliability.harness import DATABASE, TOKEN, BotProcess, bot_env
from tests.reliability.swarm import Respondent, Swarm, SwarmConfig, percentile

BOT_USERNAME = "bench_readiness_bot"
SCREEN_CALLS = frozenset({"sendMessage", "editMessageText"})
"""Calls that can carry the next question (latency ends when the fake receives one)."""
NOT_COUNTED = frozenset({"getUpdates"})
"""Intake, not output: not a call made because of an answer."""
WARM_UP_LIMIT = 120.0
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Load:
    """What one window of steady load measured."""

    target: str
    concurrent: int
    rate_limit: float
    seconds: float = 0.0
    answers: int = 0
    cpu: float = 0.0
    calls: int = 0
    callback_answers: int = 0
    rss: int = 0
    methods: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.answers / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu / self.answers if self.answers else float("nan")

    @property
    def calls_per_answer(self) -> float:
        return self.calls / self.answers if self.answers else float("nan")

    def latency_ms(self, share: float) -> float:
        value = percentile(sorted(self.latencies), share)
        return float("nan") if value is None else 1000 * value


@dataclass
class Durability:
    target: str
    in_flight: int = 0
    acknowledged: int = 0
    lost: int = 0


@dataclass
class Footprint:
    target: str
    completed: int = 0
    answers: int = 0
    bytes_per_interview: float = 0.0
    pruned: str = ""


class CallLog:
    """When the fake received each call, by chat: what latency and call counts are read from."""

    def __init__(self, api: FakeBotApi) -> None:
        self.calls: list[TimedCall] = []
        self.screens: dict[object, list[float]] = defaultdict(list)
        self.by_chat: dict[object, list[float]] = defaultdict(list)
        """When each call naming a chat arrived (answerCallbackQuery names none)."""
        self._stop = api.observe(self._seen)

    def _seen(self, phase: str, call: TimedCall) -> None:
        if phase != "received" or call.method in NOT_COUNTED:
            return
        self.calls.append(call)
        if call.chat_id is not None:
            self.by_chat[call.chat_id].append(call.received_at)
        if call.method in SCREEN_CALLS:
            self.screens[call.chat_id].append(call.received_at)

    def between(self, start: float, end: float) -> list[TimedCall]:
        return [c for c in self.calls if start <= c.received_at < end]

    def reply_at(self, chat: int, sent: float, seen: float) -> float | None:
        """The last screen call for the chat between an answer and the respondent seeing the
        reply: the respondent waits for that reply before acting again."""
        times = self.screens.get(chat, [])
        index = bisect.bisect_right(times, seen) - 1
        if index < 0 or times[index] < sent:
            return None
        return times[index]

    def caused(self, chat: int, sent: float, until: float) -> int:
        """Calls to the chat from an answer until the respondent's next action: the calls
        that answer caused, since she waits for each reply before acting again."""
        times = self.by_chat.get(chat, [])
        return bisect.bisect_left(times, until) - bisect.bisect_left(times, sent)

    def close(self) -> None:
        self._stop()


@dataclass
class Stage:
    api: FakeBotApi
    workdir: Path
    process: BotProcess
    swarm: Swarm
    log: CallLog

    @property
    def database(self) -> Path:
        return self.workdir / DATABASE

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid


@contextlib.asynccontextmanager
async def staged(
    target: Target, concurrent: int, rate_limit: float, *, resume: bool = False
) -> AsyncIterator[Stage]:
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{target.name}-"))
    try:
        async with FakeBotApi(token=TOKEN, bot_username=BOT_USERNAME) as api:
            env = bot_env(api, workdir)
            env["READINESS_TELEGRAM_RATE_LIMIT"] = f"{rate_limit:g}"
            # The child runs in the installation folder; the baseline lives in this checkout.
            env["PYTHONPATH"] = str(target.checkout or ROOT)
            token = await target.prepare(api, env, workdir)
            process = BotProcess(api, workdir, env, command=target.command)
            await process.start()
            config = SwarmConfig(
                think=(0.0, 0.0), reply_timeout=60.0, resume_on_restart=resume, max_actions=10**6
            )
            swarm = Swarm(api, token, config, seed=concurrent)
            swarm.add(concurrent)
            log = CallLog(api)
            swarm.bot_up()
            try:
                yield Stage(api, workdir, process, swarm, log)
            finally:
                swarm.stop()
                log.close()
                swarm.close()
                await process.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


async def _until(check: object, timeout: float, poll: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        await asyncio.sleep(poll)
    return False


def _replied(
    people: list[Respondent], start: float, end: float
) -> list[tuple[Respondent, float, float, float]]:
    """(respondent, sent, replied, next action) of every action answered within the window."""
    found = []
    for person in people:
        actions = person.actions
        for index, action in enumerate(actions):
            if action.replied_at is None or not start <= action.replied_at < end:
                continue
            following = actions[index + 1].sent_at if index + 1 < len(actions) else end
            found.append((person, action.sent_at, action.replied_at, following))
    return found


async def keep_busy(swarm: Swarm, concurrent: int) -> None:
    """`concurrent` interviews at all times: whoever finishes is followed by a new respondent
    (a new chat opening the link), so a window never measures people who are done."""

    async def seat(first: Respondent) -> None:
        person = first
        while not swarm.stopping:
            await person.run()
            if not person.done:
                return  # gave up: the swarm's figures say why
            (person,) = swarm.add(1)

    await asyncio.gather(*(seat(person) for person in list(swarm.respondents)))


async def _stopped(run: asyncio.Future[None]) -> None:
    run.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await run


async def load(
    target: Target, concurrent: int, rate_limit: float, window: float, warm_up: float
) -> Load:
    """Steady load for `window` seconds once everyone is past their first screen, or once
    `warm_up` seconds have passed."""
    figures = Load(target.name, concurrent, rate_limit)
    async with staged(target, concurrent, rate_limit) as stage:
        people = stage.swarm.respondents
        first = list(people)
        run = asyncio.ensure_future(keep_busy(stage.swarm, concurrent))
        await _until(lambda: all(len(p.actions) > 1 for p in first), warm_up)
        start, cpu_start = time.monotonic(), cpu_seconds(stage.pid)
        await asyncio.sleep(window / 2)
        figures.rss = rss_bytes(stage.pid)
        await asyncio.sleep(window / 2)
        end, cpu_end = time.monotonic(), cpu_seconds(stage.pid)
        await _stopped(run)
        done = _replied(people, start, end)
        figures.seconds, figures.answers, figures.cpu = end - start, len(done), cpu_end - cpu_start
        calls = stage.log.between(start, end)
        figures.callback_answers = sum(c.method == "answerCallbackQuery" for c in calls)
        figures.calls = figures.callback_answers + sum(
            stage.log.caused(person.chat_id, sent, following) for person, sent, _, following in done
        )
        figures.methods = Counter(c.method for c in calls)
        for person, sent, seen, _ in done:
            at = stage.log.reply_at(person.chat_id, sent, seen)
            if at is not None:
                figures.latencies.append(at - sent)
    return figures


async def sigkill(target: Target, concurrent: int = 100, answers_first: int = 6) -> Durability:
    """kill -9 with every respondent waiting for a reply, a restart, then the count of
    acknowledged answers the program no longer holds."""
    figures = Durability(target.name)
    async with staged(target, concurrent, 0) as stage:
        people = stage.swarm.respondents
        run = asyncio.ensure_future(stage.swarm.run())
        await _until(lambda: all(len(p.delivered) >= answers_first for p in people), WARM_UP_LIMIT)
        stage.process.kill()
        figures.in_flight = sum(
            1 for p in people if p.actions and p.actions[-1].outcome == "pending"
        )
        stage.swarm.bot_down()
        await stage.process.wait()
        await stage.process.start()
        stage.swarm.stop()  # no new answers: only replies owed for those in flight
        stage.swarm.bot_up()
        await _until(lambda: all(p.actions[-1].outcome != "pending" for p in people), 10)
        await _stopped(run)
        await stage.process.stop()
        figures.acknowledged = sum(len(p.delivered) for p in people)
        figures.lost = target.lost(stage.database, people)
    return figures


async def footprint(target: Target, interviews: int = 20) -> Footprint:
    """Interviews run to the end: the bytes each leaves behind."""
    figures = Footprint(target.name, pruned=target.pruned)
    async with staged(target, interviews, 0) as stage:
        before = target.data_bytes(stage.database) if stage.database.exists() else 0
        await asyncio.wait_for(stage.swarm.run(), 300)
        await stage.process.stop()
        figures.completed = stage.swarm.completed
        figures.answers = len(stage.swarm.actions)
        after = target.data_bytes(stage.database)
        figures.bytes_per_interview = (after - before) / max(figures.completed, 1)
    return figures
