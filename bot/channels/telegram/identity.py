"""Asking Telegram who the bot is (getMe), for links made offline and for `doctor`."""

from __future__ import annotations

from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot.settings import Settings


class TokenProblem(Exception):
    """Telegram refused the token or could not be reached; the message says which."""


async def fetch_username(settings: Settings) -> str:
    assert settings.telegram_token is not None
    try:
        async with Bot(
            settings.telegram_token.get_secret_value(), base_url=settings.telegram_api_url
        ) as bot:
            return bot.username
    except InvalidToken:
        raise TokenProblem("Telegram refused the token (check it with @BotFather)") from None
    except TelegramError as error:
        raise TokenProblem(f"Telegram could not be reached ({error})") from None
