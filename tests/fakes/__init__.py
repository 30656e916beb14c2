"""Fakes for end-to-end tests: a Telegram Bot API server on 127.0.0.1 and its people."""

from tests.fakes.bot_api import FakeBotApi, TelegramApiError
from tests.fakes.media import tiny_png
from tests.fakes.state import (
    ApiCall,
    FailedCall,
    FakeChat,
    FakeMessage,
    TimedCall,
    UploadedFile,
)
from tests.fakes.users import FakeGroup, FakeUser

__all__ = [
    "ApiCall",
    "FailedCall",
    "FakeBotApi",
    "FakeChat",
    "FakeGroup",
    "FakeMessage",
    "FakeUser",
    "TelegramApiError",
    "TimedCall",
    "UploadedFile",
    "tiny_png",
]
