"""Settings: one pydantic-settings model read from the environment or `.env`, loaded once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_API_URL = "https://api.telegram.org/bot"


class SettingsError(ValueError):
    """A missing or malformed setting, described in one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="READINESS_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    telegram_token: SecretStr | None = None
    telegram_api_url: str = DEFAULT_API_URL
    database: Path = Path("readiness.db")
    secret_key_file: Path | None = None
    reminder_after: timedelta = Field(default=timedelta(hours=24))
    """An ISO 8601 duration or seconds, e.g. 'PT24H' or 86400; 0 disables the reminder."""
    webhook_secret: SecretStr | None = None

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

    @field_validator("reminder_after")
    @classmethod
    def _not_negative(cls, value: timedelta) -> timedelta:
        if value < timedelta(0):
            raise ValueError("must not be negative")
        return value

    @property
    def key_file(self) -> Path:
        return self.secret_key_file or self.database.with_name(self.database.name + ".key")

    @property
    def reminder(self) -> timedelta | None:
        return self.reminder_after or None


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = "READINESS_" + str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"{name}: {first['msg']}") from None
