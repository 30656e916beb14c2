"""Settings: one pydantic-settings model read from the environment or `.env`, loaded once."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.storage.retention import UNFINISHED_DAYS

DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_EXIT_URL = "https://www.google.com/"
REASSESS_DAYS = 182
"""Six months: the guide advises re-assessing a community this often (Step 7)."""
BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{1,28}[Bb][Oo][Tt]")
"""What Telegram allows a bot's @username: 5 to 32 letters, digits or _, ending in "bot"."""


def default_data_dir() -> Path:
    """Where the bot keeps its database and key file unless told otherwise: the XDG data
    directory, so that running from a checkout leaves nothing in it."""
    xdg = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / "readiness-bot"


class SettingsError(ValueError):
    """A missing or malformed setting, described in one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="READINESS_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    telegram_token: SecretStr | None = None
    telegram_api_url: str = DEFAULT_API_URL
    data_dir: Path = Field(default_factory=default_data_dir)
    database: Path = Field(default_factory=lambda data: data["data_dir"] / "readiness.db")
    secret_key_file: Path | None = None
    reminder_after: timedelta = Field(default=timedelta(hours=24))
    """Seconds, '24h'-style, or ISO 8601 ('PT24H'); 0 disables the reminder."""
    answer_pause: timedelta = Field(default=timedelta(seconds=6))
    """How long the next question waits after a typed message, so an answer sent in several
    messages stays one (Telegram); 0 sends it at once."""
    unfinished_days: int = Field(default=UNFINISHED_DAYS, ge=1)
    """An interview not touched for this many days is deleted unsubmitted (the privacy screen
    says so); at least a day, so a respondent who pauses overnight keeps her answers."""
    reassess_days: int = Field(default=REASSESS_DAYS, ge=1)
    """Days after a campaign's scores are finalised when its coordinators are reminded, once,
    to re-assess (the guide's Step 7: every six months)."""
    telegram_rate_limit: float = Field(default=30, ge=0, allow_inf_nan=False)
    """Messages per second for the whole bot: Telegram's free limit is 30 (paid broadcasts
    allow more); 0 turns the limiter off, for a self-hosted Bot API server or a benchmark."""
    telegram_chat_rate: float = Field(default=1, ge=0, allow_inf_nan=False)
    """Messages per second to one chat, after a burst of three: Telegram asks for about one;
    0 turns the pace off (as does a rate limit of 0)."""
    webhook_secret: SecretStr | None = None
    web_url: str | None = None
    """The web channel's public base URL (https://survey.example.org): respondents' links and
    QR codes open its page for the campaign; cookies are Secure when it is https."""
    web_exit_url: str = DEFAULT_EXIT_URL
    """The neutral site that Leave now replaces the page with."""
    web_trust_proxy: bool = False
    """Behind a reverse proxy on this machine: the client address (for rate limits, never
    stored) is the last one in X-Forwarded-For."""
    bot_username: str | None = None
    """The bot's @username, for the links `campaign create` prints on a machine without the
    token (with a token, Telegram's getMe says it)."""

    @field_validator("telegram_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        token = value.get_secret_value().strip()
        head, _, tail = token.partition(":")
        if not head.isdigit() or len(tail) < 20:
            raise ValueError("does not look like a BotFather token (digits:letters)")
        return SecretStr(token)

    @field_validator("bot_username")
    @classmethod
    def _username_shape(cls, value: str | None) -> str | None:
        name = (value or "").strip().removeprefix("@")
        if not name:
            return None
        if not BOT_USERNAME.fullmatch(name):
            raise ValueError(
                "does not look like a bot's username (5-32 letters, digits or _, ending in bot)"
            )
        return name

    @field_validator("web_url", "web_exit_url")
    @classmethod
    def _web_address(cls, value: str | None, info: ValidationInfo) -> str | None:
        text = (value or "").strip()
        if not text:
            return None if info.field_name == "web_url" else DEFAULT_EXIT_URL
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http:// or https:// address")
        return text.rstrip("/") if parts.path in ("", "/") else text

    @field_validator("data_dir", mode="before")
    @classmethod
    def _blank_data_dir(cls, value: object) -> object:
        """An empty READINESS_DATA_DIR= means the default, not the current directory."""
        if isinstance(value, str) and not value.strip():
            return default_data_dir()
        return value

    @field_validator("reminder_after", "answer_pause", mode="before")
    @classmethod
    def _plain_duration(cls, value: object) -> object:
        """Also accept '0', '86400' (seconds) and '24h', '30m', '2d' in the environment."""
        if isinstance(value, str):
            text = value.strip().lower()
            units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
            if text.isdigit():
                return timedelta(seconds=int(text))
            if text[:-1].isdigit() and text[-1:] in units:
                return timedelta(seconds=int(text[:-1]) * units[text[-1]])
        return value

    @field_validator("reminder_after", "answer_pause")
    @classmethod
    def _not_negative(cls, value: timedelta) -> timedelta:
        if value < timedelta(0):
            raise ValueError("must not be negative")
        return value

    @property
    def key_file(self) -> Path:
        return self.secret_key_file or self.database.with_name(self.database.name + ".key")

    @property
    def web_secure(self) -> bool:
        return (self.web_url or "").startswith("https://")

    @property
    def reminder(self) -> timedelta | None:
        return self.reminder_after or None

    @property
    def unfinished_after(self) -> timedelta:
        return timedelta(days=self.unfinished_days)

    @property
    def reassess_after(self) -> timedelta:
        return timedelta(days=self.reassess_days)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = "READINESS_" + str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"{name}: {first['msg']}") from None
