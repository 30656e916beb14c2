"""How often one client address may open links and try resume codes, kept in memory only.

Codes have 8 letters of 20 (2.6e10 of them): at the resume page's pace (10 wrong tries in 10
minutes), finding any one of a thousand open interviews would take a single address about 50
years. Only wrong codes count, and links are allowed generously, so a school or a clinic
whose phones share one address is not turned away. Addresses are never written anywhere.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

MAX_TRACKED = 50_000
"""Addresses remembered at once; past this the oldest are forgotten (memory stays bounded)."""


class Throttle:
    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}

    def allow(self, address: str) -> bool:
        """Counts this request; False once `address` made `limit` in the last `window` s."""
        allowed = not self.over(address)
        if allowed:
            self.count(address)
        return allowed

    def over(self, address: str) -> bool:
        """Whether `address` has used up its `limit` in the last `window` seconds."""
        return len(self._recent(address)) >= self.limit

    def count(self, address: str) -> None:
        """One more (a failed try, where only failures count)."""
        self._recent(address).append(self._clock())

    def _recent(self, address: str) -> deque[float]:
        now = self._clock()
        times = self._seen.pop(address, None) or deque()
        while times and now - times[0] >= self.window:
            times.popleft()
        self._seen[address] = times  # re-inserted: the dict's order is least recent first
        if len(self._seen) > MAX_TRACKED:
            del self._seen[next(iter(self._seen))]
        return times
