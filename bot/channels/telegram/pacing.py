"""Telegram's limits, applied as the sender admits each round of messages: about 30 a second
for the whole bot (READINESS_TELEGRAM_RATE_LIMIT) and about one a second to one chat, a short
burst allowed (READINESS_TELEGRAM_CHAT_RATE).

Telegram answers a faster pace with 429s that pause the whole bot. A person answering takes
longer than a second per question, so a respondent never waits for her chat's pace; a script,
a double tap or a coordinator's report with its chart and files would. When many respondents
answer at once, the bot's limit holds the surplus in the outbox, in order, and the sender
looks at Telegram's flood pause again before each message it takes out: a message held by
this limit is never sent into a pause that began after it was queued, as it would be from
inside PTB's AIORateLimiter, which holds a request and sends it without looking again.

Each chat has a bucket of `burst` messages that refills at `chat_rate`, the bot one of a
second's worth that refills at `bot_rate`; a message goes when both have a token, and
otherwise waits for a later round while every other chat's messages go on. Deleting a
chat's messages (the quick exit) and the command menu are not messages and never wait, nor
does a "typing" row an earlier version left in the outbox (it is sent as nothing).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.storage.records import Outgoing

BURST = 3
"""Messages one chat may get at once before its pace holds. A report's text, chart and files
are one message of the outbox and go together (each part is counted by the bot's limit)."""
UNPACED = frozenset({"delete", "typing", "menu"})
FORGET_ABOVE = 1024
"""Chats remembered before the ones with a full bucket (idle for a while) are forgotten."""


@dataclass(slots=True)
class Bucket:
    """`capacity` tokens, full at first, that refill at `per_second`."""

    per_second: float
    capacity: float
    tokens: float = field(init=False)
    at: int | None = None
    """When `tokens` was worked out; None before the first look."""

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def wait_ms(self, now: int) -> int:
        """0 when a token is there now, else the milliseconds until there is one."""
        self._refill(now)
        return 0 if self.tokens >= 1 else math.ceil((1 - self.tokens) * 1000 / self.per_second)

    def take(self, now: int) -> None:
        self._refill(now)
        self.tokens -= 1

    def full(self, now: int) -> bool:
        self._refill(now)
        return self.tokens >= self.capacity

    def _refill(self, now: int) -> None:
        if self.at is not None and now > self.at:
            gained = (now - self.at) * self.per_second / 1000
            self.tokens = min(self.capacity, self.tokens + gained)
        self.at = now if self.at is None else max(now, self.at)


@dataclass
class Pacing:
    chat_rate: float = 0
    """Messages a second to one chat after its burst; 0: chats are not paced."""
    bot_rate: float = 0
    """Messages a second for the whole bot; 0: no limit (a self-hosted Bot API server)."""
    burst: int = BURST
    held_until_ms: int = 0
    """When the earliest message held back in the last round may go; 0 when none was."""
    _chats: dict[str, Bucket] = field(default_factory=dict)
    _bot: Bucket | None = None

    def __post_init__(self) -> None:
        if self.bot_rate:
            self._bot = Bucket(self.bot_rate, capacity=max(1.0, self.bot_rate))

    def admit(self, heads: Iterable[Outgoing], now: int) -> list[Outgoing]:
        """The messages that may go now, each taken from its chat's bucket and the bot's;
        the rest wait (`held_until_ms` says until when)."""
        admitted, waits = [], []
        for item in heads:
            wait = 0 if item.kind in UNPACED else self._wait_ms(item.chat_key, now)
            if wait:
                waits.append(now + wait)
                continue
            if item.kind not in UNPACED:
                self._take(item.chat_key, now)
            admitted.append(item)
        self.held_until_ms = min(waits, default=0)
        if len(self._chats) > FORGET_ABOVE:
            self._forget_idle(now)
        return admitted

    def next_part_wait_ms(self, now: int) -> int:
        """For each further part of a message sent in several (a report): 0 and a token of
        the bot's taken, or the milliseconds to wait for one. A chat's pace lets them go."""
        if self._bot is None:
            return 0
        wait = self._bot.wait_ms(now)
        if not wait:
            self._bot.take(now)
        return wait

    def _wait_ms(self, chat_key: str, now: int) -> int:
        chat = self._chat(chat_key)
        return max(
            chat.wait_ms(now) if chat is not None else 0,
            self._bot.wait_ms(now) if self._bot is not None else 0,
        )

    def _take(self, chat_key: str, now: int) -> None:
        chat = self._chat(chat_key)
        if chat is not None:
            chat.take(now)
        if self._bot is not None:
            self._bot.take(now)

    def _chat(self, chat_key: str) -> Bucket | None:
        if not self.chat_rate:
            return None
        bucket = self._chats.get(chat_key)
        if bucket is None:
            bucket = self._chats[chat_key] = Bucket(self.chat_rate, float(self.burst))
        return bucket

    def _forget_idle(self, now: int) -> None:
        # A chat with a full bucket is where a new one would start: nothing to remember.
        for chat_key in [key for key, bucket in self._chats.items() if bucket.full(now)]:
            del self._chats[chat_key]
