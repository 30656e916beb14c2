"""Time as the database stores it: ISO seconds for records, epoch milliseconds for schedules."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime | None = None) -> str:
    return (moment or now()).isoformat(timespec="seconds")


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def new_id(nbytes: int = 6) -> str:
    return secrets.token_urlsafe(nbytes)


def new_token() -> str:
    """An unguessable link token: 144 bits, only A-Za-z0-9_- (Telegram's deep-link alphabet)."""
    return secrets.token_urlsafe(18)
