"""Suite-wide set-up: no test touches the developer's database, key file or .env token."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# RetryAfter.retry_after as a timedelta; without this PTB 22 warns on every 429.
os.environ.setdefault("PTB_TIMEDELTA", "true")


@pytest.fixture(autouse=True)
def _private_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READINESS_DATABASE", str(tmp_path / "readiness.db"))
    monkeypatch.setenv("READINESS_TELEGRAM_TOKEN", "")
    monkeypatch.setenv("READINESS_BOT_USERNAME", "")
    monkeypatch.setenv("READINESS_SECRET_KEY_FILE", str(tmp_path / "readiness.key"))
