"""Simulated respondents: each reads its chat, decides, acts, and waits for the bot's reply.

A Respondent knows the interview only as a person does: the latest message with buttons, the
callback data prefixes (`l:` language, `c:` consent, `n:` continue, `a:` answer, `t:`/`d:`
toggle and done, `S:` submit) and that a question without answer buttons wants typed text.
Every typed answer carries a marker unique to the respondent and the answer, so the verifier
can tell whose words ended up where. The Swarm runs many of them concurrently and survives the
bot being killed: a respondent whose wait times out sends /start once the bot is back.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from tests.fakes import FakeBotApi, FakeMessage, FakeUser, TimedCall

T = TypeVar("T")

RECEIPT = "Your receipt code"
WELCOME_BACK = "Welcome back"
DONT_KNOW = "dont_know"
# The self-rating staircase as a respondent sees it: the first screen shows levels 3 and 4 and
# offers these replies; later screens ask about one more level (the Back button's data names
# it: b:<session>:<question>:<level>). A respondent answers for a true level she keeps.
BOUNDARY_REPLIES = ("full4", "part4", "full3", "part3", "below")
STEP_REPLIES = ("yes", "partly", "no", "unsure")
HALF_LEVELS = tuple(n / 2 for n in range(2, 19))
PHRASES = (
    "the food bank and two shelters",
    "schools run an awareness week",
    "the clinic trains its staff",
    "churches share information",
    "little is done so far",
    "the task force meets monthly",
    "transport is the main obstacle",
)
FIRST_USER_ID = 100_001
DELIVERED = ("reply", "late", "implied")


def staircase_step(screen: int | None, true: float) -> tuple[str, float | None]:
    """The truthful reply on a rating screen (None: the first, levels 3 and 4), and the level
    stored if this reply completes the rating. A statement is true iff its level is at or
    below the true level; "partly" iff it is the next level above a half level."""

    def truth(level: int) -> str:
        if level <= true:
            return "true"
        return "partly" if level - true == 0.5 else "false"

    if screen is None:
        three, four = truth(3), truth(4)
        if four == "true":
            return "full4", None
        if four == "partly":
            return "part4", 3.5
        if three == "true":
            return "full3", 3.0
        return ("part3", 2.5) if three == "partly" else ("below", None)
    answer = truth(screen)
    if screen == 2:
        return {"true": ("yes", 2.0), "partly": ("partly", 1.5), "false": ("no", 1.0)}[answer]
    if answer == "true":
        return ("yes", 9.0) if screen == 9 else ("yes", None)
    return ("partly", screen - 0.5) if answer == "partly" else ("no", float(screen - 1))


class GiveUp(Exception):
    """The respondent cannot make sense of its chat any more; the reason goes in its log."""


@dataclass
class Action:
    """One thing a respondent did, and whether the bot answered it ("delivered")."""

    kind: str  # "start", "tap", "text" or "resume" (a /start to find the interview again)
    payload: str  # callback data or text
    question: str | None  # the question id the respondent believed it was answering
    value: str | None  # the answer this carries; None for steps that are not answers
    update_id: int
    sent_at: float
    generation: int  # how many times the bot had been started when this was sent
    cursor: int  # how many bot messages the chat had when this was sent
    edit_cursor: int
    query_id: str | None = None
    replied_at: float | None = None
    outcome: str = "pending"
    """"reply"; "late" (the reply came after a timeout); "implied" (no reply, but after
    /start the bot showed the next question); "refused"; "timeout"; "pending"."""

    @property
    def delivered(self) -> bool:
        return self.outcome in DELIVERED

    @property
    def latency(self) -> float | None:
        return None if self.replied_at is None else self.replied_at - self.sent_at


@dataclass(frozen=True)
class ResumeCheck:
    """After "Welcome back": was the question shown the one that was current?"""

    expected: str  # signature of the last screen before
    shown: str
    expected_text: str
    shown_text: str

    @property
    def ok(self) -> bool:
        return self.expected == self.shown


@dataclass(frozen=True)
class SwarmConfig:
    think: tuple[float, float] = (0.0, 0.05)
    """Seconds a respondent waits before each action, drawn uniformly from this range."""
    reply_timeout: float = 30.0
    resume_on_restart: bool = True
    """After the bot restarted, send /start once (as a person whose chat went quiet would)."""
    dont_know: float = 0.1
    max_actions: int = 400
    max_timeouts: int = 5
    """Unanswered waits in a row before the respondent gives up."""
    locale: str = "en"


@dataclass(frozen=True)
class Plan:
    kind: str  # "tap" or "text"
    payload: str
    question: str | None
    value: str | None
    toggle: bool = False


@dataclass(frozen=True)
class _Resumed:
    """What a /start brought: "welcome" (then `shown`), a stage "screen", or a "receipt"."""

    kind: str
    index: int  # of the first message of the answer in the chat
    shown: FakeMessage
    before: FakeMessage | None = None


def sent_keyboard(message: FakeMessage) -> bool:
    """Whether the message came with an inline keyboard (a later edit may have removed it)."""
    markup = message.params.get("reply_markup")
    return isinstance(markup, dict) and "inline_keyboard" in markup


def sent_data(message: FakeMessage) -> list[str]:
    """Callback data of the keyboard the message was sent with."""
    markup = message.params.get("reply_markup")
    rows: list[list[dict[str, Any]]] = markup.get("inline_keyboard", []) if markup else []
    return [b["callback_data"] for row in rows for b in row if b.get("callback_data")]


def current_data(message: FakeMessage) -> list[str]:
    """Callback data of the keyboard the message has now (an edit may have redrawn it)."""
    return [d for _, d in message.buttons() if d]


def shown_signature(message: FakeMessage) -> str:
    """Which question and step a screen asks now, by its keyboard (the buttons carry the
    session, the question and the rating step): a rating step redraws it in place, and an
    info message that came with a question is not repeated when she comes back."""
    return json.dumps(message.reply_markup, sort_keys=True)


def sent_signature(message: FakeMessage) -> str:
    """`shown_signature` of the message as first sent, before any edit."""
    return json.dumps(message.params.get("reply_markup"), sort_keys=True)


def signature(message: FakeMessage) -> str:
    """What the bot sent, before any edit: equal signatures mean the same screen sent again."""
    return json.dumps(
        [message.params.get("text"), message.params.get("reply_markup")],
        sort_keys=True,
        ensure_ascii=False,
    )


def describe(message: FakeMessage | None) -> str:
    if message is None:
        return "(nothing)"
    first = next((line for line in message.content.splitlines() if line.strip()), "")
    return f"#{message.message_id} {first[:50]!r} {sent_data(message)[:2]}"


def question_of(data: Iterable[str]) -> str | None:
    """The question id named by a screen's buttons (`a:`, `n:`, `t:`, `d:`, `s:`, `b:`)."""
    for item in data:
        parts = item.split(":")
        if parts[0] in ("a", "n", "t", "d", "s", "b") and len(parts) >= 3:
            return parts[2]
    return None


class Respondent:
    """One simulated person in a private chat with the bot."""

    def __init__(self, swarm: Swarm, number: int, user: FakeUser, rng: random.Random) -> None:
        self.swarm = swarm
        self.number = number
        self.user = user
        self.rng = rng
        self.actions: list[Action] = []
        self.delivered: dict[str, str] = {}
        """question id -> value of the last answer the bot acknowledged."""
        self.markers: dict[str, str] = {}
        """marker of each acknowledged typed answer -> its question id."""
        self.sid: str | None = None
        self.stage = "none"
        self.done = False
        self.receipt: FakeMessage | None = None
        self.resumes: list[ResumeCheck] = []
        self.moved_on = 0
        """Resumes that showed the next question for an answer whose reply never came."""
        self.refusals = 0
        self.stuck: str | None = None
        self.screen: FakeMessage | None = None
        self._seen: set[str] = set()
        self._shown_as: dict[int, str] = {}
        """message id -> what it showed when last seen with buttons (it may be redrawn)."""
        self._generation = 0
        self._texts = 0
        self._timeouts = 0
        self._ticked: dict[str, set[str]] = {}
        self._levels: dict[str, float] = {}
        """The true level this respondent holds for each rated dimension."""
        self._changed = asyncio.Event()

    @property
    def chat_id(self) -> int:
        return self.user.chat_id

    def wake(self) -> None:
        self._changed.set()

    # --- the session ---------------------------------------------------------------------

    async def run(self, token: str | None = None) -> None:
        """Opens the link (unless done before) and answers until the receipt arrives."""
        try:
            if not self.actions:
                await self.open(token or self.swarm.token)
            while not self.done and not self.swarm.stopping:
                await self.step()
        except GiveUp as reason:
            self.stuck = str(reason)

    async def open(self, token: str) -> None:
        """Opens the respondent link (`/start <token>`) and waits for the first screen."""
        await self._think()
        self._generation = self.swarm.generation
        action = self._send_update("start", None, f"/start {token}", None, None)
        await self.wait_reply(action, acted=None)

    async def step(self) -> None:
        """One decision: resume after a restart or when lost, else answer what is asked."""
        if (
            self.swarm.config.resume_on_restart
            and self.swarm.generation > self._generation
            and self.stage == "interview"
        ):
            await self.resume()
            return
        screen = self.screen
        if screen is None or not screen.buttons():
            await self.resume()
            return
        plan = self.decide(screen)
        await self._think()
        if self.swarm.stopping:
            return
        action = self.act(plan, screen)
        if action is None:
            self.screen = None  # the keyboard went away meanwhile: ask where we are
            return
        outcome = await self.wait_reply(action, acted=screen)
        if outcome == "reply" and plan.toggle and plan.question is not None:
            option = plan.payload.rsplit(":", 1)[1]
            self._ticked.setdefault(plan.question, set()).symmetric_difference_update({option})
        if outcome == "timeout":
            await self.resume()
        elif outcome == "refused" and self.refusals % 3 == 0:
            self.screen = None  # refused again and again: ask the bot where we are

    async def resume(self) -> None:
        """`/start`: "Welcome back" then the current question, which must be the last shown."""
        await self.swarm.wait_up()
        if self.swarm.stopping:
            return
        self._generation = self.swarm.generation
        previous = self.actions[-1] if self.actions else None
        action = self._send_update("resume", None, "/start", None, None)
        found = await self._until(
            lambda: self._resumed(action.cursor), self.swarm.config.reply_timeout
        )
        if found is None:
            action.outcome = "timeout"
            self.screen = None  # nothing is known about the chat until a /start is answered
            self._timed_out()
            return
        self._timeouts = 0
        action.outcome, action.replied_at = "reply", self._now()
        in_flight = previous if previous is not None and not previous.delivered else None
        if in_flight is not None and in_flight.outcome in ("timeout", "pending"):
            self._mark_late(in_flight, found.index)
        if found.kind == "welcome":
            before, was = self._was_on(found.before, in_flight)
            now = shown_signature(found.shown)
            moved = before is not None and was != now
            if moved and in_flight is not None and in_flight.outcome in ("timeout", "pending"):
                # Its reply never came (e.g. the chat was blocked), yet the bot moved on.
                in_flight.outcome, in_flight.replied_at = "implied", self._now()
                self._delivered(in_flight)
                self.moved_on += 1
            else:
                self.resumes.append(
                    ResumeCheck(
                        was,
                        now,
                        describe(before),
                        describe(found.shown),
                    )
                )
            self._see(found.shown)
        elif found.kind == "receipt":
            self._finish(found.shown)
        else:
            self._see(found.shown)

    # --- deciding and acting -------------------------------------------------------------

    def decide(self, screen: FakeMessage) -> Plan:
        data = [d for _, d in screen.buttons() if d]
        qid = question_of(data)
        by_prefix: dict[str, list[str]] = {}
        for item in data:
            by_prefix.setdefault(item.split(":", 1)[0], []).append(item)
        if "l" in by_prefix:
            wanted = [d for d in by_prefix["l"] if d.endswith(f":{self.swarm.config.locale}")]
            return Plan("tap", (wanted or by_prefix["l"])[0], None, None)
        if "c" in by_prefix:
            yes = [d for d in by_prefix["c"] if d.endswith(":yes")]
            return Plan("tap", (yes or by_prefix["c"])[0], None, None)
        if "S" in by_prefix:
            return Plan("tap", by_prefix["S"][0], None, None)
        if "n" in by_prefix:
            return Plan("tap", by_prefix["n"][0], qid, None)
        if "t" in by_prefix and qid is not None:
            ticked = self._ticked.setdefault(qid, set())
            options = {d.rsplit(":", 1)[1]: d for d in by_prefix["t"]}
            untouched = [o for o in options if o not in ticked]
            if untouched and (not ticked or (len(ticked) < 2 and self.rng.random() < 0.5)):
                option = self.rng.choice(untouched)
                return Plan("tap", options[option], qid, None, toggle=True)
            if ticked and "d" in by_prefix:
                return Plan("tap", by_prefix["d"][0], qid, ",".join(sorted(ticked)))
        if "a" in by_prefix:
            values = {d.rsplit(":", 1)[1]: d for d in by_prefix["a"]}
            if "full4" in values or "unsure" in values:
                return self._rate(qid, values, by_prefix.get("b", []))
            value = self.rng.choice(sorted(values))
            return Plan("tap", values[value], qid, value)
        # No answer buttons: the question wants typed text, with this respondent's marker.
        self._texts += 1
        text = f"mk-r{self.number}-{self._texts} {self.rng.choice(PHRASES)}"
        return Plan("text", text, qid, text)

    def _rate(self, qid: str | None, values: dict[str, str], back: list[str]) -> Plan:
        """One screen of a self-rating, answered truthfully for this respondent's level of the
        dimension; the plan carries the value to be stored once the rating is complete."""
        if (
            "full4" in values
            and DONT_KNOW in values
            and self.rng.random() < self.swarm.config.dont_know
        ):
            return Plan("tap", values[DONT_KNOW], qid, DONT_KNOW)
        true = self._levels.setdefault(qid or "", self.rng.choice(HALF_LEVELS))
        marker = back[0].split(":")[3:] if back else []
        screen = int(marker[0]) if marker and marker[0].isdigit() else None
        reply, stored = staircase_step(screen, true)
        shown = (
            None if stored is None else (str(int(stored)) if stored == int(stored) else str(stored))
        )
        return Plan("tap", values[reply], qid, shown)

    def act(self, plan: Plan, screen: FakeMessage) -> Action | None:
        """Sends the plan's update without waiting; None if the button is no longer there."""
        if plan.kind == "text":
            return self._send_update("text", None, plan.payload, plan.question, plan.value)
        try:
            return self._send_update(
                "tap", screen.message_id, plan.payload, plan.question, plan.value
            )
        except AssertionError:
            return None

    async def wait_reply(self, action: Action, *, acted: FakeMessage | None) -> str:
        """Waits for the bot's answer to `action`: a new screen (a message with buttons not
        seen before: a screen sent again, even late, is not an answer), the receipt, an edit
        for a toggle, or a refusal (a toast for a tap, a message without buttons for text).
        Returns the outcome."""
        toggle = action.kind == "tap" and action.payload.startswith("t:")
        # Captured before the bot can act (no await since the tap was sent): a rating step
        # redraws the message it was tapped on, and its new buttons are the next screen.
        tapped_on = current_data(acted) if acted is not None and action.kind == "tap" else None

        def reply() -> tuple[str, FakeMessage | None] | None:
            messages = self.user.chat.messages
            for message in messages[action.cursor :]:
                if RECEIPT in message.content:
                    return "done", message
                if sent_keyboard(message) and signature(message) not in self._seen:
                    return "screen", message
            if tapped_on is not None and acted is not None:
                for edited in self.user.chat.edit_log[action.edit_cursor :]:
                    if edited.message_id != acted.message_id:
                        continue
                    if toggle or (edited.inline_keyboard and current_data(edited) != tapped_on):
                        return "screen", acted
            if action.query_id is not None:
                answer = self.user.api.callback_answers.get(action.query_id)
                if answer is not None and answer.get("text"):
                    return "refused", None
            elif action.kind == "text":
                for message in messages[action.cursor :]:
                    if not sent_keyboard(message) and WELCOME_BACK not in message.content:
                        return "refused", message
            return None

        found = await self._until(reply, self.swarm.config.reply_timeout)
        if found is None:
            action.outcome = "timeout"
            self._timed_out()
            return "timeout"
        self._timeouts = 0
        kind, message = found
        action.replied_at = self._now()
        if kind == "refused":
            action.outcome = "refused"
            self.refusals += 1
            # The screen may be stale (a message sent twice): act on the latest keyboard.
            self.screen = next(
                (m for m in reversed(self.user.chat.visible) if m.inline_keyboard), None
            )
            return "refused"
        action.outcome = "reply"
        self._delivered(action)
        if kind == "done" and message is not None:
            self._finish(message)
        elif message is not None:
            self._see(message)
        return "reply"

    # --- reading the chat ----------------------------------------------------------------

    def _resumed(self, cursor: int) -> _Resumed | None:
        messages = self.user.chat.messages
        for index in range(cursor, len(messages)):
            message = messages[index]
            if RECEIPT in message.content:
                return _Resumed("receipt", index, message)
            if WELCOME_BACK in message.content:
                shown = next((m for m in messages[index + 1 :] if sent_keyboard(m)), None)
                if shown is None:
                    return None  # the question follows "Welcome back" in a moment
                before = next((m for m in reversed(messages[:index]) if sent_keyboard(m)), None)
                return _Resumed("welcome", index, shown, before)
            if sent_keyboard(message) and any(
                d[:2] in ("l:", "c:", "p:") for d in sent_data(message)
            ):
                # Language, consent, or no interview at all: these come without "Welcome back".
                return _Resumed("screen", index, message)
        return None

    def _was_on(
        self, before: FakeMessage | None, in_flight: Action | None
    ) -> tuple[FakeMessage | None, str]:
        """The screen she was on when she sent /start, and what it asked."""
        if before is None:
            return None, "(nothing)"
        if self.screen is not None and signature(before) in self._seen:
            # A screen she had seen, sent again after a kill, may follow the one she was on
            # when that one was redrawn in place: she was on hers.
            before = self.screen
        if in_flight is not None and self._redrawn(before, in_flight):
            if in_flight.outcome in ("timeout", "pending"):  # the step's reply came late
                in_flight.outcome, in_flight.replied_at = "late", self._now()
                self._delivered(in_flight)
            return before, shown_signature(before)
        return before, self._shown_as.get(before.message_id) or sent_signature(before)

    def _redrawn(self, message: FakeMessage, action: Action) -> bool:
        """Whether `message` was redrawn with a keyboard after `action` (a rating step)."""
        edits = self.user.chat.edit_log[action.edit_cursor :]
        return bool(message.inline_keyboard) and any(
            edited.message_id == message.message_id for edited in edits
        )

    def _mark_late(self, action: Action, upto: int) -> None:
        """An action whose reply arrived after the respondent stopped waiting, but before the
        answer to its /start, was delivered all the same."""
        for message in self.user.chat.messages[action.cursor : upto]:
            if RECEIPT in message.content or (
                sent_keyboard(message) and signature(message) not in self._seen
            ):
                action.outcome, action.replied_at = "late", self._now()
                self._delivered(action)
                return

    def _delivered(self, action: Action) -> None:
        if action.value is None or action.question is None:
            return
        self.delivered[action.question] = action.value
        if action.kind == "text":
            self.markers[action.payload.split(" ", 1)[0]] = action.question

    def _see(self, message: FakeMessage) -> None:
        self.screen = message
        self._seen.add(signature(message))
        if message.inline_keyboard:
            self._shown_as[message.message_id] = shown_signature(message)
        data = [d for _, d in message.buttons() if d]
        if any(d.startswith("l:") for d in data):
            self.stage = "language"
            self.sid = next(d for d in data if d.startswith("l:")).split(":")[1]
        elif any(d.startswith("c:") for d in data):
            self.stage = "consent"
        elif any(d.startswith("p:") for d in data):
            self.stage = "none"
        elif data:
            self.stage = "interview"

    def _finish(self, message: FakeMessage) -> None:
        self.done = True
        self.receipt = message
        self.stage = "done"

    def _send_update(
        self,
        kind: str,
        message_id: int | None,
        payload: str,
        question: str | None,
        value: str | None,
    ) -> Action:
        cursor, edit_cursor = len(self.user.chat.messages), len(self.user.chat.edit_log)
        if kind == "tap":
            update = self.user.tap(payload, message_id=message_id)
        else:
            update = self.user.send(payload)
        query = update.get("callback_query")
        action = Action(
            kind=kind,
            payload=payload,
            question=question,
            value=value,
            update_id=int(update["update_id"]),
            sent_at=self._now(),
            generation=self.swarm.generation,
            cursor=cursor,
            edit_cursor=edit_cursor,
            query_id=str(query["id"]) if isinstance(query, dict) else None,
        )
        self.actions.append(action)
        if len(self.actions) > self.swarm.config.max_actions:
            raise GiveUp(f"{len(self.actions)} actions; last screen {describe(self.screen)}")
        return action

    def _timed_out(self) -> None:
        self._timeouts += 1
        if self._timeouts >= self.swarm.config.max_timeouts:
            raise GiveUp(
                f"{self._timeouts} waits of {self.swarm.config.reply_timeout:g}s unanswered; "
                f"last screen {describe(self.screen)}"
            )

    async def _think(self) -> None:
        low, high = self.swarm.config.think
        if high > 0:
            await asyncio.sleep(self.rng.uniform(low, high))  # a person reading and typing

    async def _until(self, check: Callable[[], T | None], timeout: float) -> T | None:
        """check() now and after every bot call that touches this chat, until the timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            self._changed.clear()
            result = check()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            try:
                async with asyncio.timeout(remaining):
                    await self._changed.wait()
            except TimeoutError:
                pass

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()


class Swarm:
    """Many respondents against one bot; the scenario tells it when the bot is down or up."""

    def __init__(
        self,
        api: FakeBotApi,
        token: str,
        config: SwarmConfig | None = None,
        *,
        seed: int = 0,
        first_user_id: int = FIRST_USER_ID,
    ) -> None:
        self.api = api
        self.token = token
        self.config = config or SwarmConfig()
        self.seed = seed
        self.first_user_id = first_user_id
        self.respondents: list[Respondent] = []
        self.generation = 0
        self.stopping = False
        self._up = asyncio.Event()
        self._by_chat: dict[int, Respondent] = {}
        self._stop_observing = api.observe(self._observe)

    def add(self, count: int) -> list[Respondent]:
        added = []
        for _ in range(count):
            number = len(self.respondents) + 1
            # One first name for all, and none of it in the typed answers, so that the
            # bot's redaction of respondents' names never touches a marker.
            user = self.api.user(
                self.first_user_id + number, first_name="Tester", language_code="en"
            )
            respondent = Respondent(self, number, user, random.Random(self.seed * 7919 + number))
            self.respondents.append(respondent)
            self._by_chat[user.chat_id] = respondent
            added.append(respondent)
        return added

    def _observe(self, phase: str, call: TimedCall) -> None:
        if phase != "answered":
            return
        chat_id = call.chat_id
        if isinstance(chat_id, int) and chat_id in self._by_chat:
            self._by_chat[chat_id].wake()
        elif call.method == "answerCallbackQuery" and call.params.get("text"):
            # A toast names no chat; refusals are rare, so waking everyone is cheap enough.
            self._wake_all()

    # --- the bot's life, as the scenario reports it --------------------------------------

    def bot_up(self) -> None:
        """The bot (re)started and polls: respondents waiting for it may go on."""
        self.generation += 1
        self._up.set()
        self._wake_all()

    def bot_down(self) -> None:
        self._up.clear()

    async def wait_up(self) -> None:
        await self._up.wait()

    def _wake_all(self) -> None:
        for respondent in self.respondents:
            respondent.wake()

    # --- running -------------------------------------------------------------------------

    async def run(self, respondents: Iterable[Respondent] | None = None) -> None:
        chosen = self.respondents if respondents is None else list(respondents)
        await asyncio.gather(*(r.run() for r in chosen))

    def stop(self) -> None:
        """No new actions; a respondent waiting for a reply goes on waiting for it."""
        self.stopping = True
        self._up.set()
        self._wake_all()

    def close(self) -> None:
        self._stop_observing()

    # --- figures -------------------------------------------------------------------------

    @property
    def actions(self) -> list[Action]:
        return [a for r in self.respondents for a in r.actions]

    def latencies(self) -> list[float]:
        return sorted(a.latency for a in self.actions if a.latency is not None and a.delivered)

    @property
    def answers_delivered(self) -> int:
        return sum(len(r.delivered) for r in self.respondents)

    @property
    def completed(self) -> int:
        return sum(r.done for r in self.respondents)


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return None
    rank = max(1, round(share * len(values)))
    return values[min(rank, len(values)) - 1]
