"""Telegram's pace for one chat: about one message a second, a short burst allowed.

Telegram asks bots not to send more than one message a second to the same chat; it lets short
bursts through and answers a sustained faster pace with 429s that pause the whole bot. A
person answering takes longer than a second per question, so a respondent never waits for
this; a script, a double tap or a coordinator's report with its chart and files would.

Each chat has a bucket of `burst` messages that refills at `per_second`; a chat whose bucket
is empty waits for its next message in the outbox, while every other chat's messages go on.
Deleting a chat's messages (the quick exit) and the command menu are not messages and never
wait, nor does a "typing" row an earlier version left in the outbox (it is sent as nothing).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.storage.records import Outgoing

BURST = 3
"""Messages one chat may get at once before the pace holds. A report's text, chart and files
are one message of the outbox and go together."""
UNPACED = frozenset({"delete", "typing", "menu"})
FORGET_ABOVE = 1024
"""Chats remembered before the ones with a full bucket (idle for a while) are forgotten."""


@dataclass
class ChatPacing:
    per_second: float
    burst: int = BURST
    held_until_ms: int = 0
    """When the earliest message held back in the last round may go; 0 when none was."""
    _buckets: dict[str, tuple[float, int]] = field(default_factory=dict)
    """chat_key -> (messages it may still get now, when that was worked out)."""

    def admit(self, heads: Iterable[Outgoing], now: int) -> list[Outgoing]:
        """The messages that may go now, each taken from its chat's bucket; the rest wait
        (`held_until_ms` says until when)."""
        admitted, waits = [], []
        for item in heads:
            wait = 0 if item.kind in UNPACED else self._take(item.chat_key, now)
            if wait:
                waits.append(now + wait)
            else:
                admitted.append(item)
        self.held_until_ms = min(waits, default=0)
        if len(self._buckets) > FORGET_ABOVE:
            self._forget_idle(now)
        return admitted

    def _take(self, chat_key: str, now: int) -> int:
        """0 and one message taken from the bucket, or the milliseconds until there is one."""
        tokens = self._tokens(chat_key, now)
        if tokens >= 1:
            self._buckets[chat_key] = (tokens - 1, now)
            return 0
        self._buckets[chat_key] = (tokens, now)
        return math.ceil((1 - tokens) * 1000 / self.per_second)

    def _tokens(self, chat_key: str, now: int) -> float:
        tokens, at = self._buckets.get(chat_key, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - at) * self.per_second / 1000)

    def _forget_idle(self, now: int) -> None:
        # A chat with a full bucket is where a new one would start: nothing to remember.
        for chat_key in [key for key in self._buckets if self._tokens(key, now) >= self.burst]:
            del self._buckets[chat_key]
