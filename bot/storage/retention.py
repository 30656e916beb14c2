"""How long records the bot only needs for a while are kept before pruning forgets them.

Apart from the loop that prunes, so that the operator's commands can state them without
importing the Telegram channel."""

from __future__ import annotations

from datetime import timedelta

INBOX_MEMORY = timedelta(days=7)
"""Telegram redelivers an unconfirmed update for at most 24 hours; a week leaves room."""
MESSAGE_MEMORY_MS = 48 * 3600 * 1000
"""Telegram lets a bot delete its own messages for 48 hours."""
DEAD_LETTER_MEMORY = timedelta(days=30)
OFFER_MEMORY = timedelta(days=2)
"""An offer to leave a contact for the full assessment is kept this long after the result."""
UNFINISHED_DAYS = 30
"""The default of READINESS_UNFINISHED_DAYS: an untouched unfinished interview is deleted
after this many days, as the privacy screen says."""
