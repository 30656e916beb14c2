"""Suite-wide set-up: PTB's timedelta mode (no deprecation noise under filterwarnings=error)."""

from __future__ import annotations

import os

# RetryAfter.retry_after as a timedelta; without this PTB 22 warns on every 429.
os.environ.setdefault("PTB_TIMEDELTA", "true")
