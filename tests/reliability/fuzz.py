"""Scenario 6, fuzz: thousands of updates of every kind, valid and not, through the real bot.

Several people at once (respondents, coordinators, some both) mix the moves of a real
interview or set-up with noise: texts of every kind, every command in every stage, media,
edits, forged and stale buttons, group and supergroup messages, channel posts and update kinds
the bot never asked for. Checked: no ERROR log and no unhandled exception, every button press
answered, no update the bot must ignore changes a stored row, no request Telegram would
refuse, and each person still gets an answer at the end.

The choices come from one seed (printed); rerun with the same seed to replay them. Session
ids and tokens are random in the bot, so forged data built from them differs between runs.

Long form: ``.venv/bin/python -m tests.reliability.fuzz --size 5000 [--seed N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import logging
import os
import random
import string
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.channels.telegram import callbacks as cb
from bot.flows.interview import InterviewState, step_marker
from bot.flows.values import MAX_ANSWER_LENGTH, MAX_MESSAGE_LENGTH
from bot.services.coordinator import COMMANDS, MAX_DESCRIPTION, MAX_NAME
from questions.loader import default_library
from questions.schema import Kind
from tests.fakes import FakeBotApi, FakeGroup, FakeUser
from tests.helpers.bot_harness import (
    TOKEN,
    new_campaign,
    new_invite,
    running_bot,
    settings_for,
)
from tests.helpers.watch import Watch

LIBRARY = default_library()
RUNTIME = ("bot", "telegram", "aiohttp", "asyncio")
REAL_COMMANDS = (
    "start",
    "help",
    "language",
    "exit",
    "delete",
    "new",
    "campaigns",
    "report",
    "export",
    "mute",
    "unmute",
    "cancel",
)
STAGES = ("no interview", "language", "consent", "interview", "review", "after submission")
ACTIONS = "rxlcomuiqpykv"
TOPICS = (*"ABCDEFG", "community")
SETUP = {
    "name": ("x",),
    "description": ("skip", "x"),
    "organisation": ("x",),
    "type": ("rural", "suburban", "urban", "metro"),
    "flow": ("pre", "cap", "preassessment", "zzz"),
    "languages": ("en", "es", "fr", "done"),
    "confirm": ("yes", "no", "maybe"),
}
DATA_ALPHABET = string.ascii_letters + string.digits + "_-:+ .|/"
QUESTION_IDS = tuple(
    sorted(
        {
            q.id
            for bank in ("preassessment", "capacity_checklist")
            for q in LIBRARY.bank(bank).questions
        }
    )
)

TEXTS = (
    "",
    " ",
    "\n",
    "\t \n \u00a0",
    "👍",
    "👨‍👩‍👧‍👦🇲🇽🏳️‍🌈",
    "مرحبا، مجتمعنا صغير",
    "שלום, הקהילה שלנו",
    "\u202egnirts desrever\u202c",
    "\u200b",
    "\u200b\u200c\u200d\u2060\ufeff",
    "a\u0301\u0301\u0301\u0301",
    "Z̴̡̛a̷̢l̵͔g̸̰o̶̮",
    "<b>bold</b>",
    "<i>x</i><script>alert(1)</script>",
    "</b></i>",
    '<a href="javascript:alert(1)">tap</a>',
    "&amp; &lt; &gt; &#x27; &nbsp;",
    "*bold* _it_ `code` [link](http://example.org)",
    "Fondos de $5 a $10",
    r"Costs $\notacommand$ here",
    "null",
    "0",
    "-1",
    "9" * 40,
    "1e309",
    '{"json": true}',
    "'; DROP TABLE sessions; --",
    "\x00",
    "\x07\x1b[31mred\x1b[0m",
    "\r\n\r\n",
    "write to ana@example.org, call +1 415 555 0199, see https://example.org, ask @handle",
    "١٢٣ ５ Ⅻ 𝟗",
    "\U0010ffff\U0001f9ff",
    "yes",
    "mid",
    "dont_know",
    "5",
)
ANSWERS = (
    "Riverside and the two valley towns.",
    "Schools, clinics and one shelter; outreach misses farm workers.",
    "Nuestra comunidad tiene una clínica y un refugio.",
    "Not much yet.",
    "The county task force meets monthly.",
)


# --- what a run found ------------------------------------------------------------------------


@dataclass
class Report:
    seed: int
    size: int
    updates: int = 0
    callbacks: set[str] = field(default_factory=set)
    """Ids of the button presses that must be answered."""
    answered: int = 0
    checked: int = 0
    """Updates that must change nothing, each compared before and after."""
    changes: list[str] = field(default_factory=list)
    bad_requests: list[str] = field(default_factory=list)
    edits_of_deleted: int = 0
    edits_unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    dead_letters: int = 0
    labels: dict[int, str] = field(default_factory=dict)
    """What each update was, by update_id, to name the ones that went wrong."""
    people: int = 0
    final_replies: int = 0
    silent_at_end: list[str] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    stages: Counter[str] = field(default_factory=Counter)
    """Commands sent, by the stage the sender was in."""
    bot_alive: bool = True
    seconds: float = 0.0

    @property
    def unanswered(self) -> int:
        return len(self.callbacks) - self.answered

    @property
    def problems(self) -> list[str]:
        found = [*self.errors, *self.changes, *self.bad_requests, *self.silent_at_end]
        if self.unanswered:
            found.append(f"{self.unanswered} button presses were never answered")
        if self.dead_letters:
            found.append(f"{self.dead_letters} dead letters")
        if not self.bot_alive:
            found.append("the bot stopped")
        return found

    def figures(self) -> dict[str, object]:
        return {
            "scenario": "6. fuzz",
            "seed": self.seed,
            "updates": self.updates,
            "errors": len(self.errors),
            "callbacks": len(self.callbacks),
            "answered": self.answered,
            "checked unchanged": self.checked,
            "state changes": len(self.changes),
            "bad requests": len(self.bad_requests),
            "edits of deleted messages": self.edits_of_deleted,
            "edits changing nothing": self.edits_unchanged,
            "dead letters": self.dead_letters,
            "final replies": f"{self.final_replies}/{self.people}",
            "stages covered": f"{sum(1 for s in STAGES if self.stages[s])}/{len(STAGES)}",
            "seconds": round(self.seconds, 1),
        }


async def run(
    size: int = 5000, seed: int | None = None, workdir: Path | None = None
) -> dict[str, object]:
    """Fuzz the bot with about ``size`` updates; the figures for the summary table."""
    return (await exercise(size=size, seed=seed, workdir=workdir)).figures()


async def exercise(size: int = 600, seed: int | None = None, workdir: Path | None = None) -> Report:
    seed = random.SystemRandom().randrange(2**32) if seed is None else seed
    print(f"fuzz seed: {seed} (replay with --seed {seed})", flush=True)
    report = Report(seed, size)
    with _runtime_errors(report.errors), contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fuzz-")))
        started = time.monotonic()
        await _fuzz(report, workdir, seed, size)
        report.seconds = time.monotonic() - started
    return report


@contextlib.contextmanager
def _runtime_errors(errors: list[str]) -> Iterator[None]:
    """Every ERROR the runtime logs (an unhandled exception in a task included) is a finding."""

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.name.split(".")[0] in RUNTIME:
                errors.append(f"ERROR log {record.name}: {record.getMessage()}")

    handler = Collect(logging.ERROR)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)


# --- the people ------------------------------------------------------------------------------


@dataclass
class Person:
    user: FakeUser
    rng: random.Random
    pace: float
    """How often a move is the one a careful respondent or coordinator would make."""
    token: str | None = None
    """The respondent link they were given (None: they try the bot on their own)."""
    coordinator: bool = False
    tourist: bool = False
    """Sends every command in every stage before moving at random."""
    submitted: bool = False
    seen: list[str] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)
    _scanned: int = 0

    def learn(self) -> None:
        """Remember every callback data the bot has shown this person, for stale taps."""
        messages = self.user.chat.messages
        for message in [*messages[self._scanned :], *(m for m in messages[-3:] if m.edited)]:
            for _, data in message.buttons():
                if data and data not in self._seen:
                    self._seen.add(data)
                    self.seen.append(data)
        self._scanned = len(messages)


@dataclass(frozen=True)
class Look:
    """What the database says about one person right before a move."""

    stage: str | None
    state: InterviewState | None
    session_id: str | None
    coordinator: bool
    own: frozenset[str]
    draft_step: str | None

    @property
    def phase_label(self) -> str:
        if self.stage == "interview" and self.state is not None and self.state.phase == "review":
            return "review"
        return self.stage or "no interview"


@dataclass
class Move:
    label: str
    send: Callable[[], dict[str, Any] | None]
    chat_id: int
    unchanged: bool
    """The bot must change nothing for this update."""
    writer: bool = False
    """It may add or erase a response (the count every check compares)."""
    direct: dict[str, Any] | None = None
    """An update handed straight to the bot's intake (kinds the fake never delivers)."""
    stage: str = ""
    """Where the person was when the move was drawn (commands are counted by stage)."""


class Turns:
    """Checks read the response count; a submission changes it. Checks share, submissions
    wait for none to run (and new checks wait for a waiting submission)."""

    def __init__(self) -> None:
        self._readers = 0
        self._writing = False
        self._waiting = 0
        self._cond = asyncio.Condition()

    @contextlib.asynccontextmanager
    async def check(self) -> AsyncIterator[None]:
        async with self._cond:
            await self._cond.wait_for(lambda: not self._writing and not self._waiting)
            self._readers += 1
        try:
            yield
        finally:
            async with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextlib.asynccontextmanager
    async def submit(self) -> AsyncIterator[None]:
        async with self._cond:
            self._waiting += 1
            await self._cond.wait_for(lambda: not self._writing and not self._readers)
            self._waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            async with self._cond:
                self._writing = False
                self._cond.notify_all()


@dataclass
class World:
    api: FakeBotApi
    watch: Watch
    report: Report
    rng: random.Random
    people: list[Person]
    groups: list[FakeGroup]
    campaign_ids: list[str]
    respondent_tokens: list[str]
    used_invites: list[str]
    turns: Turns = field(default_factory=Turns)
    _direct_ids: Iterator[int] = field(default_factory=lambda: iter(range(2_000_000_000, 2**31)))

    # --- reading the database ------------------------------------------------------------

    def look(self, person: Person) -> Look:
        watch, uid = self.watch, person.user.id
        session = watch.one(
            "SELECT id, stage, state FROM sessions WHERE respondent_key = ?", (watch.key_of(uid),)
        )
        coordinator = (
            watch.one(
                "SELECT 1 FROM coordinators WHERE telegram_id = ? AND removed_at IS NULL", (uid,)
            )
            is not None
        )
        own = frozenset(
            row[0]
            for row in watch.rows(
                "SELECT campaign_id FROM campaign_coordinators WHERE telegram_id = ?", (uid,)
            )
        )
        draft = watch.scalar("SELECT draft FROM coordinator_drafts WHERE telegram_id = ?", (uid,))
        return Look(
            stage=session[1] if session else None,
            state=InterviewState.from_json(session[2]) if session else None,
            session_id=session[0] if session else None,
            coordinator=coordinator,
            own=own if coordinator else frozenset(),
            draft_step=json.loads(draft).get("step") if draft else None,
        )

    def snapshot(self, person: Person) -> tuple[object, ...]:
        """The rows one person's update may touch, and the response count."""
        watch, uid = self.watch, person.user.id
        key = watch.key_of(uid)
        return (
            watch.one("SELECT stage, state FROM sessions WHERE respondent_key = ?", (key,)),
            watch.one("SELECT draft FROM coordinator_drafts WHERE telegram_id = ?", (uid,)),
            watch.one("SELECT locale, removed_at FROM coordinators WHERE telegram_id = ?", (uid,)),
            tuple(
                watch.rows(
                    "SELECT c.id, c.closed_at, cc.muted FROM campaign_coordinators cc"
                    " JOIN campaigns c ON c.id = cc.campaign_id WHERE cc.telegram_id = ?"
                    " ORDER BY c.id",
                    (uid,),
                )
            ),
            watch.scalar("SELECT COUNT(*) FROM completions WHERE respondent_key = ?", (key,)),
            watch.scalar("SELECT COUNT(*) FROM responses"),
        )

    # --- one move ------------------------------------------------------------------------

    async def play(self, person: Person, move: Move) -> None:
        turn: contextlib.AbstractAsyncContextManager[None]
        if move.writer:
            turn = self.turns.submit()
        elif move.unchanged:
            turn = self.turns.check()
        else:
            turn = contextlib.nullcontext()
        async with turn:
            before = self.snapshot(person) if move.unchanged else None
            look = self.look(person) if move.writer else None
            update = await self._send(move)
            self.report.updates += 1
            self.report.kinds[move.label.split(" ", 1)[0]] += 1
            if update is not None:
                self.report.labels[int(update["update_id"])] = f"{move.label} by {person.user.id}"
                query = update.get("callback_query")
                if query is not None:
                    self.report.callbacks.add(str(query["id"]))
                await self.watch.settled(update, move.chat_id)
            if before is not None:
                self.report.checked += 1
                after = self.snapshot(person)
                if after != before:
                    self.report.changes.append(
                        f"seed {self.report.seed}: {move.label} by user {person.user.id} "
                        f"changed {_difference(before, after)}"
                    )
            if (
                look is not None
                and look.phase_label == "review"
                and self.look(person).stage is None
            ):
                person.submitted = True
        person.learn()

    async def _send(self, move: Move) -> dict[str, Any] | None:
        if move.direct is not None:
            raw = {"update_id": next(self._direct_ids), **move.direct}
            self.report.labels[raw["update_id"]] = move.label
            await self.watch.bot.receiver.accept([raw])
            return None
        return move.send()


def _difference(before: tuple[object, ...], after: tuple[object, ...]) -> str:
    names = ("session", "draft", "coordinator", "campaigns", "completions", "responses")
    return "; ".join(
        f"{name}: {old!r} -> {new!r}"
        for name, old, new in zip(names, before, after, strict=True)
        if old != new
    )


# --- what must change nothing ----------------------------------------------------------------


def command_changes_nothing(text: str, look: Look) -> bool:
    """Mirrors what the router does with a command, to know which ones only answer."""
    head, _, args = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    wanted = args.strip()[:200].strip()
    if name == "start":
        return False  # opens, resumes, joins, or ends an interview of a closed campaign
    if look.coordinator and name in COMMANDS:
        if name in ("new", "cancel"):
            return False
        if name in ("mute", "unmute"):
            return wanted not in look.own if wanted else len(look.own) != 1
    return True  # help, language, exit, delete (a confirmation, or a made-up code), unknown


def text_changes_nothing(text: str, look: Look) -> bool:
    if text.startswith("/"):
        return command_changes_nothing(text, look)
    length = len(text.strip())
    if look.coordinator and look.draft_step is not None:
        limit = {"name": MAX_NAME, "description": MAX_DESCRIPTION, "organisation": MAX_NAME}.get(
            look.draft_step
        )
        return limit is None or length > limit
    if length > MAX_MESSAGE_LENGTH or look.state is None or look.stage != "interview":
        return True
    bank = LIBRARY.bank(look.state.bank)
    asks_for_text = (
        look.state.phase == "asking" and bank.question(look.state.current).kind is Kind.TEXT
    )
    if look.state.open_text is not None and not asks_for_text:
        # More of the answer she typed last (bot.flows.events.More), unless it would overflow.
        earlier = look.state.answers.get(look.state.open_text)
        return not text.strip() or len(f"{earlier}\n{text.strip()}") > MAX_ANSWER_LENGTH
    return not asks_for_text


def button_changes_nothing(data: str | None, look: Look) -> bool:
    """A press that no screen of this person shows now (or a harmless one) changes nothing."""
    button = cb.decode(data)
    match button:
        case None | cb.LeaveNow() | cb.KeepAnswers() | cb.PickLanguage(session_id=None):
            return True
        case cb.CampaignAction(action=action, campaign_id=cid):
            return not look.coordinator or cid not in look.own or action in "rxlp"
        case cb.CampaignComments():
            return True
        case cb.SetupChoice(step=step):
            return not look.coordinator or look.draft_step != step
        case cb.PersonalRun():
            return False
    session_id = getattr(button, "session_id", None)
    if session_id != look.session_id or look.state is None:
        return True
    state = look.state
    match button:
        case cb.PickLanguage() | cb.EraseOpen():
            return False
        case cb.ConsentChoice():
            return look.stage != "consent"
    if look.stage != "interview":
        return True
    match button:
        case cb.SubmitAnswers() | cb.EditAnswer():
            return state.phase != "review"
        case cb.GoBack(marker=marker):
            return marker != step_marker(state)
    question_id = getattr(button, "question_id", None)
    return state.phase == "review" or question_id != state.current


# --- making moves ----------------------------------------------------------------------------


def fuzz_text(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.55:
        return rng.choice(TEXTS)
    if roll < 0.65:
        return rng.choice("xé👍ש") * 4096
    if roll < 0.75:
        return rng.choice(ANSWERS) * rng.randint(1, 60)
    if roll < 0.9:
        return "".join(chr(rng.choice(_CODE_POINTS)) for _ in range(rng.randint(1, 80)))
    return " ".join(rng.choice(TEXTS + ANSWERS) for _ in range(rng.randint(2, 6)))


# Printable code points of many scripts, symbols and emoji; no lone surrogates (Telegram sends
# valid UTF-16 only).
_CODE_POINTS = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x370, 0x3FF),
    *range(0x590, 0x6FF),
    *range(0x900, 0x97F),
    *range(0x200B, 0x2070),
    *range(0x3040, 0x30FF),
    *range(0x4E00, 0x4E80),
    *range(0xFE00, 0xFE10),
    *range(0x1F300, 0x1F680),
]


def chart_safe(text: str) -> str:
    """Without the characters the chart's font has no glyph for: a known bug (empty boxes,
    and a warning that pytest turns into an error; tests/unit/test_chart_names.py), left out
    so that each run can find something new."""
    font = _chart_font()
    return "".join(c for c in text if c in string.whitespace or font.get_char_index(ord(c)))


@functools.cache
def _chart_font() -> Any:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    return FT2Font(font_manager.findfont(font_manager.FontProperties()))


def random_token(rng: random.Random, length: int = 24) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits + "_-") for _ in range(length))


def random_campaign_id(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(8))


def clip(data: str, limit: int = cb.MAX_BYTES) -> str:
    """At most ``limit`` UTF-8 bytes, cut on a character boundary; never empty."""
    clipped = data.encode()[:limit].decode("utf-8", "ignore")
    return clipped or "?"


class Moves:
    """Draws one person's next move: mostly what they would do, the rest noise."""

    def __init__(self, world: World, person: Person) -> None:
        self.world = world
        self.person = person
        self.rng = person.rng
        self.user = person.user

    def next(self) -> Move:
        return self.make(self._draw)

    def make(self, build: Callable[[Look], Move]) -> Move:
        look = self.world.look(self.person)
        move = build(look)
        after_submission = self.person.submitted and look.stage is None
        move.stage = "after submission" if after_submission else look.phase_label
        return move

    def command(self, text: str) -> Move:
        return self.make(lambda look: self._text(text, look, f"command {text.split('@')[0]}"))

    def _draw(self, look: Look) -> Move:
        if self.rng.random() < self.person.pace:
            return self.progress(look)
        roll = self.rng.random()
        for share, make in (
            (0.14, self.noise_text),
            (0.16, self.noise_command),
            (0.14, self.media),
            (0.10, self.edit),
            (0.30, self.forged_tap),
            (0.09, self.in_a_group),
            (1.00, self.odd_update),
        ):
            if roll < share:
                return make(look)
            roll -= share
        raise AssertionError("unreachable")

    # --- building updates ----------------------------------------------------------------

    def _text(self, text: str, look: Look, label: str) -> Move:
        unchanged = text_changes_nothing(text, look)
        writer = text.startswith("/") and text[1:].split(" ", 1)[0].lower().startswith("delete")
        return Move(label, lambda: self.user.send(text), self.user.id, unchanged, writer=writer)

    def _tap(self, data: str | None, look: Look, label: str, message_id: int | None = None) -> Move:
        target = self._message_id() if message_id is None else message_id
        unchanged = button_changes_nothing(data, look)
        # A submission changes the response count; a coordinator's campaign action (closing
        # one) changes rows every co-coordinator's check reads: neither runs beside a check.
        shared = isinstance(cb.decode(data), cb.CampaignAction) and not unchanged
        writer = bool(data and data.startswith("S:")) or shared

        def send() -> dict[str, Any]:
            return self.user.tap_data(data, target)

        return Move(label, send, self.user.id, unchanged, writer=writer)

    def _message_id(self) -> int:
        messages = self.user.chat.messages
        roll = self.rng.random()
        if messages and roll < 0.6:
            with contextlib.suppress(AssertionError):
                return self.user.keyboard_message().message_id
        if messages and roll < 0.9:
            return self.rng.choice(messages).message_id
        return self.rng.choice((1, 10**6, 2**31 - 1))

    def _current_buttons(self) -> list[str]:
        try:
            return [d for _, d in self.user.buttons() if d]
        except AssertionError:
            return []

    # --- the moves of a careful person ---------------------------------------------------

    def progress_to_interview(self, look: Look) -> Move:
        """Only the respondent's side: a coordinator's /new waits (the tour cancels it)."""
        if look.coordinator and look.draft_step is not None:
            return self._text("/cancel", look, "command /cancel")
        return self._respond(look)

    def progress(self, look: Look) -> Move:
        if look.coordinator and (look.draft_step is not None or self.rng.random() < 0.4):
            return self.coordinate(look)
        return self._respond(look)

    def _respond(self, look: Look) -> Move:
        rng = self.rng
        buttons = self._current_buttons()
        if look.state is None:
            personal = [d for d in buttons if d.startswith("p:")]
            if personal and rng.random() < 0.8:
                return self._tap(rng.choice(personal), look, "tap personal run")
            if self.person.token and not self.person.submitted and self._link_open():
                return self._text(f"/start {self.person.token}", look, "command /start link")
            return self._text("/start", look, "command /start")
        state = look.state
        mine = [d for d in buttons if look.session_id and f":{look.session_id}" in d]
        if look.stage == "language":
            choices = [d for d in mine if d.startswith("l:")]
        elif look.stage == "consent":
            yes = [d for d in mine if d.startswith("c:") and d.endswith(":yes")]
            choices = yes if rng.random() < 0.95 else [d for d in mine if d.startswith("c:")]
        elif state.phase == "review":
            submit = [d for d in mine if d.startswith("S:")]
            edit = [d for d in mine if d.startswith(("e:", "b:"))]
            choices = submit if rng.random() < 0.7 else edit
        else:
            question = LIBRARY.bank(state.bank).question(state.current)
            if question.kind is Kind.TEXT and rng.random() < 0.9:
                text = rng.choice(ANSWERS) if rng.random() < 0.8 else fuzz_text(rng)
                return self._text(text, look, "text answer")
            forward = [d for d in mine if d.startswith(("a:", "n:", "t:", "d:", "s:"))]
            back = [d for d in mine if d.startswith("b:")]
            choices = back if back and rng.random() < 0.04 else forward
            if rng.random() < 0.01:
                choices = ["x"]
        if not choices:
            return self._text("/start", look, "command /start")
        return self._tap(rng.choice(choices), look, "tap screen", self._keyboard_id())

    def _link_open(self) -> bool:
        """A coordinator may have closed the campaign; then only a personal run is left."""
        closed = self.world.watch.one(
            "SELECT closed_at FROM campaigns WHERE respondent_token = ?", (self.person.token,)
        )
        return closed is not None and closed[0] is None

    def _keyboard_id(self) -> int:
        try:
            return self.user.keyboard_message().message_id
        except AssertionError:
            return 1

    def coordinate(self, look: Look) -> Move:
        rng = self.rng
        step = look.draft_step
        if step is not None:
            if rng.random() < 0.05:
                return self._text("/cancel", look, "command /cancel")
            if step == "name":
                name = chart_safe(fuzz_text(rng)) if rng.random() < 0.3 else ""
                name = name if name.strip() else f"Fuzz County {rng.randrange(1000)}"
                return self._text(name, look, "text set-up")
            if step == "description" and rng.random() < 0.6:
                return self._text(rng.choice(ANSWERS), look, "text set-up")
            if step == "organisation":
                return self._text(f"Task force {rng.randrange(1000)}", look, "text set-up")
            values = {
                "description": ["skip"],
                "type": ["rural", "suburban", "urban"],
                "flow": ["pre", "cap"],
                "languages": ["en", "es", "done", "done"],
                "confirm": ["yes", "yes", "no"],
            }.get(step, ["done"])
            return self._tap(
                f"kn:{step}:{rng.choice(values)}", look, "tap set-up", self._keyboard_id()
            )
        own = sorted(look.own)
        roll = rng.random()
        if not own or roll < 0.15:
            return self._text(rng.choice(("/campaigns", "/new")), look, "command coordinator")
        cid = rng.choice(own)
        if roll < 0.25:
            command = rng.choice(("/report", "/export", "/mute", "/unmute"))
            return self._text(f"{command} {cid}", look, "command coordinator")
        # Reports render a chart and a workbook: a few per person keep the quick form quick.
        action = rng.choice("lmuimullc" + ("rxpw" if rng.random() < 0.15 else "") + "o" * 3)
        data = f"kw:{cid}:{rng.choice(TOPICS)}" if action == "w" else f"k{action}:{cid}"
        return self._tap(data, look, "tap campaign")

    # --- noise -----------------------------------------------------------------------------

    def noise_text(self, look: Look) -> Move:
        return self._text(fuzz_text(self.rng), look, "text noise")

    def noise_command(self, look: Look) -> Move:
        rng = self.rng
        world = self.world
        name = rng.choice((*REAL_COMMANDS, *REAL_COMMANDS, "foo", "START", "Help", "", "x" * 40))
        suffix = rng.choice(("", "", "", f"@{world.api.bot_username}", "@other_bot", "@"))
        argument = rng.choice(
            (
                "",
                "",
                "",
                rng.choice(world.campaign_ids),
                random_campaign_id(rng),
                rng.choice(world.respondent_tokens),
                rng.choice(world.used_invites),
                random_token(rng),
                "BCDF-GHJK-LMNP",
                fuzz_text(rng)[:300],
            )
        )
        text = f"/{name}{suffix}" + (f" {argument}" if argument else "")
        return self._text(text, look, f"command /{name.lower()}")

    def media(self, look: Look) -> Move:
        user, rng = self.user, self.rng
        kinds: dict[str, Callable[[], dict[str, Any]]] = {
            "sticker": user.send_sticker,
            "photo": lambda: user.send_photo(caption=rng.choice((None, "our flyer", "<b>x</b>"))),
            "voice": user.send_voice,
            "document": user.send_document,
            "location": user.send_location,
            "contact": lambda: user.send_contact("+1 415 555 0199"),
            "dice": lambda: user.send_content(dice={"emoji": "🎲", "value": 3}),
            "venue": lambda: user.send_content(
                venue={
                    "location": {"latitude": 1.0, "longitude": 2.0},
                    "title": "Clinic",
                    "address": "1 Main St",
                }
            ),
            "poll": lambda: user.send_content(poll=_poll()),
            "reply": lambda: user.send_content(
                text=fuzz_text(rng) or "x",
                reply_to_message=self._quoted(),
            ),
            "forward": lambda: user.send_content(
                text="forwarded",
                forward_origin={"type": "hidden_user", "sender_user_name": "Someone", "date": 1},
            ),
        }
        kind = rng.choice(sorted(kinds))
        # A reply or a forward is a text: it may be the answer the current question wants.
        unchanged = kind not in ("reply", "forward")
        return Move(f"media {kind}", kinds[kind], user.id, unchanged)

    def _quoted(self) -> dict[str, Any]:
        messages = self.user.chat.messages
        if messages:
            return dict(self.rng.choice(messages).raw)
        return {"message_id": 1, "date": 0, "chat": dict(self.user.chat.info)}

    def edit(self, look: Look) -> Move:
        own = [
            mid
            for mid, message in self.user.chat.user_messages.items()
            if "text" in message and message.get("from", {}).get("id") == self.user.id
        ]
        if not own:
            return self.noise_text(look)
        message_id = self.rng.choice(own)
        text = fuzz_text(self.rng) or "edited"
        return Move("edit", lambda: self.user.edit(message_id, text), self.user.id, True)

    def forged_tap(self, look: Look) -> Move:
        rng = self.rng
        roll = rng.random()
        others = [p for p in self.world.people if p is not self.person and p.seen]
        if roll < 0.12:
            raw = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
            return self._tap(clip(raw.decode("utf-8", "replace")), look, "tap random bytes")
        if roll < 0.22:
            text = "".join(rng.choice(DATA_ALPHABET) for _ in range(rng.randint(1, 64)))
            return self._tap(text, look, "tap random text")
        if roll < 0.45 and self.person.seen:
            return self._tap(self.mutate(rng.choice(self.person.seen)), look, "tap mutated")
        if roll < 0.58 and self.person.seen:
            return self._tap(rng.choice(self.person.seen), look, "tap stale")
        if roll < 0.72 and others:
            data = rng.choice(rng.choice(others).seen)
            if rng.random() < 0.3:
                data = self.mutate(data)
            return self._tap(data, look, "tap someone else's")
        if roll < 0.97:
            return self._tap(self.structured(look), look, "tap forged")
        return self._tap(None, look, "tap without data")

    def structured(self, look: Look) -> str:
        """Well-formed data for buttons this person was never shown."""
        rng = self.rng
        cid = rng.choice((*self.world.campaign_ids, random_campaign_id(rng)))
        sids = [look.session_id or "", *self._other_session_ids(), random_token(rng, 8)]
        sid = rng.choice([s for s in sids if s] or ["abcdefgh"])
        qid = rng.choice(QUESTION_IDS)
        step = rng.choice(sorted(SETUP))
        return rng.choice(
            (
                f"k{rng.choice(ACTIONS)}:{cid}",
                f"kw:{cid}:{rng.choice(TOPICS)}",
                f"kn:{step}:{rng.choice(SETUP[step])}",
                f"kn:{step}:{random_token(rng, 8)}:{rng.choice(SETUP[step])}",
                f"a:{sid}:{qid}:{rng.choice(('mid', 'low', '5', 'yes', 'shelter', 'dont_know'))}",
                f"n:{sid}:{qid}",
                f"s:{sid}:{qid}",
                f"t:{sid}:{qid}:x",
                f"d:{sid}:{qid}",
                f"e:{sid}:{qid}",
                f"b:{sid}:{qid}",
                f"b:{sid}",
                f"S:{sid}",
                f"D:{sid}",
                f"c:{sid}:yes",
                f"l:{sid}:es",
                f"l:-:{rng.choice(('en', 'es', 'xx'))}",
                f"p:{rng.choice(('pre', 'cap', 'zzz'))}",
            )
        )

    def _other_session_ids(self) -> list[str]:
        rows = self.world.watch.rows("SELECT id FROM sessions")
        return [str(row[0]) for row in rows]

    def mutate(self, data: str) -> str:
        rng = self.rng
        if not data:
            return "?"
        position = rng.randrange(len(data))
        parts = data.split(":")
        replacement = rng.choice(
            (
                random_token(rng, rng.randint(1, 10)),
                rng.choice(QUESTION_IDS),
                random_campaign_id(rng),
                "",
                "-",
                rng.choice(self._other_session_ids() or ["zz"]),
            )
        )
        index = rng.randrange(len(parts))
        options: tuple[Callable[[], str], ...] = (
            lambda: data[:position] + rng.choice(DATA_ALPHABET) + data[position + 1 :],
            lambda: data[:position] + data[position + 1 :],
            lambda: data[:position] + rng.choice(DATA_ALPHABET) + data[position:],
            lambda: data[:position],
            lambda: data + data,
            lambda: data.swapcase(),
            lambda: data + ":" + replacement,
            lambda: ":".join([*parts[:index], replacement, *parts[index + 1 :]]),
            lambda: rng.choice("xKplcantdsbeSDk") + data[1:],
            lambda: data + rng.choice(("\u200b", "é", "👍", " ")),
        )
        return clip(rng.choice(options)())

    def in_a_group(self, look: Look) -> Move:
        rng = self.rng
        group = rng.choice(self.world.groups)
        user = self.user
        roll = rng.random()
        where = f"group {group.chat.type}"
        if roll < 0.4:
            text = rng.choice(("/start", "/help", "/new", "/report", "/exit", "/delete"))
            text += rng.choice(
                (
                    "",
                    f"@{self.world.api.bot_username}",
                    f" {rng.choice(self.world.respondent_tokens)}",
                )
            )
            return Move(f"{where} command", lambda: group.send(user, text), group.id, True)
        if roll < 0.7:
            text = fuzz_text(rng) or "hi"
            return Move(f"{where} text", lambda: group.send(user, text), group.id, True)
        if roll < 0.85:
            return Move(
                f"{where} sticker", lambda: group.post(user, sticker=_sticker()), group.id, True
            )
        data = rng.choice(self.person.seen) if self.person.seen else "x"
        message_id = group.chat.messages[-1].message_id if group.chat.messages else 1
        return Move(f"{where} tap", lambda: group.tap_data(user, data, message_id), group.id, True)

    def odd_update(self, look: Look) -> Move:
        """Kinds the bot never asked Telegram for, handed straight to its intake."""
        rng = self.rng
        user = self.user.as_json()
        channel = {"id": -1009876543210, "type": "channel", "title": "News"}
        now = int(time.time())
        post = {"message_id": rng.randrange(1, 10**6), "chat": channel, "date": now, "text": "news"}
        kinds: dict[str, dict[str, Any]] = {
            "channel_post": {"channel_post": post},
            "edited_channel_post": {"edited_channel_post": {**post, "edit_date": now}},
            "my_chat_member": {
                "my_chat_member": {
                    "chat": dict(self.user.chat.info),
                    "from": user,
                    "date": now,
                    "old_chat_member": {"status": "member", "user": self.world.api.bot_user},
                    "new_chat_member": {
                        "status": "kicked",
                        "user": self.world.api.bot_user,
                        "until_date": 0,
                    },
                }
            },
            "message_reaction": {
                "message_reaction": {
                    "chat": dict(self.user.chat.info),
                    "message_id": 1,
                    "date": now,
                    "user": user,
                    "old_reaction": [],
                    "new_reaction": [{"type": "emoji", "emoji": "👍"}],
                }
            },
            "poll_answer": {
                "poll_answer": {
                    "poll_id": "p1",
                    "user": user,
                    "option_ids": [0],
                    "option_persistent_ids": ["o1"],
                }
            },
            "chat_join_request": {
                "chat_join_request": {
                    "chat": channel,
                    "from": user,
                    "user_chat_id": self.user.id,
                    "date": now,
                }
            },
            "inline_query": {
                "inline_query": {"id": "iq1", "from": user, "query": "report", "offset": ""}
            },
            "future_kind": {"quantum_entanglement": {"spin": "up", "chat": channel}},
        }
        kind = rng.choice(sorted(kinds))
        return Move(f"odd {kind}", lambda: None, self.user.id, True, direct=kinds[kind])


def _sticker() -> dict[str, Any]:
    return {
        "file_id": "fake-sticker",
        "file_unique_id": "fu-sticker",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }


def _poll() -> dict[str, Any]:
    return {
        "id": "p1",
        "question": "Ready?",
        "options": [
            {"text": "yes", "voter_count": 0, "persistent_id": "o1"},
            {"text": "no", "voter_count": 0, "persistent_id": "o2"},
        ],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": False,
        "members_only": False,
    }


# --- the run ---------------------------------------------------------------------------------


async def _fuzz(report: Report, workdir: Path, seed: int, size: int) -> None:
    rng = random.Random(seed)
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(
            api, workdir, secret_key_file=workdir / "readiness.key", _env_file=None
        )
        riverside = await new_campaign(settings, name="Riverside County")
        lakeside = await new_campaign(settings, name="Lakeside", community_type="urban")
        checklist = await new_campaign(settings, name="Hill Shelters", flow="capacity_checklist")
        extra_invite = await new_invite(settings, checklist.campaign.id)
        general_invite = await new_invite(settings)
        campaigns = [riverside, lakeside, checklist]
        async with running_bot(settings) as running:
            watch = await Watch.attach(api, running)
            try:
                world = World(
                    api=api,
                    watch=watch,
                    report=report,
                    rng=rng,
                    people=[],
                    groups=[
                        api.group(-100100, title="Task force"),
                        api.group(-1001002003004, title="County network", supergroup=True),
                    ],
                    campaign_ids=[c.campaign.id for c in campaigns],
                    respondent_tokens=[c.campaign.respondent_token for c in campaigns],
                    used_invites=[
                        *(c.coordinator_token for c in campaigns),
                        extra_invite,
                        general_invite,
                    ],
                )
                await _cast(world, campaigns, extra_invite, general_invite)
                budget = max(1, size // len(world.people))
                await asyncio.gather(*(_live(world, person, budget) for person in world.people))
                await _finish(world)
            finally:
                watch.close()
            report.bot_alive = not running.task.done()


async def _cast(world: World, campaigns: list[Any], extra: str, general: str) -> None:
    """Three coordinators join before anyone else moves (so no one else can take an invite)."""
    api, rng = world.api, world.rng
    riverside, lakeside, checklist = campaigns

    def person(uid: int, name: str, language: str | None, pace: float, token: str | None) -> Person:
        user = api.user(uid, first_name=name, language_code=language)
        return Person(user, random.Random(rng.randrange(2**32)), pace, token)

    cora = person(900, "Cora", "en", 0.6, lakeside.campaign.respondent_token)
    kai = person(901, "Kai", "es", 0.5, None)
    nova = person(902, "Nova", None, 0.5, riverside.campaign.respondent_token)
    for who, token in (
        (cora, riverside.coordinator_token),
        (kai, lakeside.coordinator_token),
        (kai, extra),
        (nova, general),
    ):
        update = who.user.start(token)
        await world.watch.settled(update, who.user.id)
        who.coordinator = True
        world.report.updates += 1
        who.learn()
    cora.tourist = True
    respondents = [
        person(7001, "Ana", "en", 0.8, riverside.campaign.respondent_token),
        person(7002, "Ben", "es", 0.85, lakeside.campaign.respondent_token),
        person(7003, "Chloé", "es-MX", 0.75, checklist.campaign.respondent_token),
        person(7004, "Dmitri", "ru", 0.6, None),
        person(7005, "Eun", "ko", 0.5, riverside.campaign.respondent_token),
        person(7006, "Farah", "ar", 0.35, lakeside.campaign.respondent_token),
    ]
    respondents[0].tourist = True
    world.people = [*respondents, cora, kai, nova]


async def _live(world: World, person: Person, budget: int) -> None:
    moves = Moves(world, person)
    played = await _tour(world, person, moves) if person.tourist else 0
    for _ in range(budget - played):
        await _play(world, person, moves.next())


async def _play(world: World, person: Person, move: Move) -> None:
    if move.label.startswith("command"):
        world.report.stages[move.stage] += 1
    await world.play(person, move)


async def _tour(world: World, person: Person, moves: Moves) -> int:
    """Every real command in every stage, going from stage to stage the way a respondent does
    (the commands themselves send them back and forth: /exit clears the chat, /language and
    /delete show other buttons)."""
    played = 0

    async def every_command() -> None:
        nonlocal played
        for name in REAL_COMMANDS:
            suffix = person.rng.choice(("", f"@{world.api.bot_username}"))
            await _play(world, person, moves.command(f"/{name}{suffix}"))
            played += 1

    async def reach(stage: str) -> None:
        nonlocal played
        for _ in range(400):
            look = world.look(person)
            here = (
                "after submission" if person.submitted and look.stage is None else look.phase_label
            )
            if here == stage:
                return
            await _play(world, person, moves.make(moves.progress_to_interview))
            played += 1
        raise AssertionError(f"user {person.user.id} did not reach {stage!r}")

    for stage in STAGES:
        await reach(stage)
        await every_command()
    return played


async def _finish(world: World) -> None:
    """Everything delivered and answered; then one /start from each person must be answered."""
    api, watch, report = world.api, world.watch, world.report
    await watch.until(watch.quiet, 30, "the bot to finish every update")
    with contextlib.suppress(AssertionError):
        await watch.until(lambda: report.callbacks <= api.callback_answers.keys(), 15, "answers")
    answered = {str(c.get("callback_query_id")) for c in api.calls_to("answerCallbackQuery")}
    report.answered = len(report.callbacks & answered)
    for person in world.people:
        before = len(person.user.chat.messages)
        update = person.user.start()
        report.updates += 1
        await watch.settled(update, person.user.id)
        if len(person.user.chat.messages) > before:
            report.final_replies += 1
        else:
            report.silent_at_end.append(f"user {person.user.id} got no answer to a final /start")
    report.people = len(world.people)
    for call in api.timeline:
        if call.status is None or call.status < 400 or call.status == 403:
            continue
        if call.method == "editMessageText" and "message to edit not found" in call.description:
            report.edits_of_deleted += 1
            continue
        if call.method == "editMessageText" and "message is not modified" in call.description:
            # A second tap on a message whose keyboard is already gone (a double tap, or a
            # stale or forged press): the bot cannot know, and its edit changes nothing.
            report.edits_unchanged += 1
            continue
        report.bad_requests.append(
            f"{call.method} -> {call.status} {call.description} "
            f"({json.dumps(call.params, default=repr, ensure_ascii=False)[:300]})"
        )
    dead = watch.rows("SELECT source, ref, error FROM dead_letters")
    report.dead_letters = len(dead)
    for source, ref, error in dead:
        what = report.labels.get(int(ref), "?") if source in ("intake", "inbox") else "a reply"
        report.errors.append(f"dead letter ({source} {ref}: {error}): {what}")


def main() -> None:
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--seed", type=int)
    options = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(exercise(size=options.size, seed=options.seed))
    for name, value in result.figures().items():
        print(f"{name}: {value}")
    print(f"updates by kind: {dict(result.kinds)}")
    print(f"commands by stage: {dict(result.stages)}")
    for problem in result.problems[:50]:
        print(f"PROBLEM {problem}")
    raise SystemExit(1 if result.problems else 0)


if __name__ == "__main__":
    main()
