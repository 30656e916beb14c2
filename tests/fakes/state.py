"""What the fake Bot API remembers: chats, the bot's messages in them, uploaded files, calls."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

JSON = dict[str, Any]


class ApiCall(NamedTuple):
    """One request the bot made: the Bot API method name and its decoded parameters."""

    method: str
    params: JSON


class FailedCall(NamedTuple):
    """A request that got an error answer (injected or Telegram-like), for diagnostics."""

    method: str
    params: JSON
    status: int
    description: str


@dataclass
class TimedCall:
    """One request with the server's clock (``time.monotonic()``): when it arrived, when and
    how it was answered. ``status`` stays None while the call is pending, and for good when
    the connection was dropped or the client gave up before the answer."""

    method: str
    params: JSON
    received_at: float
    answered_at: float | None = None
    status: int | None = None
    description: str = ""
    result: Any = None
    dropped: bool = False

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> object:
        return self.params.get("chat_id")


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as it appears in a recorded call's params."""

    filename: str
    content: bytes
    mime_type: str


@dataclass
class StoredFile:
    """A file the fake server holds: uploaded by the bot or sent by a fake user."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    filename: str | None = None
    mime_type: str | None = None

    def as_file(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class FakeMessage:
    """A message the bot sent, with its current content; ``raw`` is its Bot API JSON."""

    message_id: int
    chat_id: int
    date: int
    method: str
    params: JSON
    raw: JSON
    text: str | None = None
    caption: str | None = None
    entities: list[JSON] = field(default_factory=list)
    reply_markup: JSON | None = None
    photo: bytes | None = None
    document: bytes | None = None
    filename: str | None = None
    mime_type: str | None = None
    deleted: bool = False
    edited: bool = False
    history: list[str | None] = field(default_factory=list)

    @property
    def content(self) -> str:
        """The text or the caption, whichever the message has ("" for neither)."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def inline_keyboard(self) -> list[list[JSON]] | None:
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            rows: list[list[JSON]] = self.reply_markup["inline_keyboard"]
            return rows
        return None

    def buttons(self) -> list[tuple[str, str | None]]:
        """(text, callback_data) of every inline button, row by row; URL buttons have None."""
        rows = self.inline_keyboard or []
        return [(button["text"], button.get("callback_data")) for row in rows for button in row]

    def describe(self) -> str:
        flags = "".join(
            f" [{name}]" for name, on in (("deleted", self.deleted), ("edited", self.edited)) if on
        )
        kind = " [photo]" if self.photo is not None else ""
        kind += f" [document {self.filename}]" if self.document is not None else ""
        buttons = f" buttons={self.buttons()}" if self.inline_keyboard else ""
        return f"#{self.message_id}{flags}{kind} {self.content!r}{buttons}"


@dataclass
class FakeChat:
    """One chat as the server sees it. ``messages`` are the bot's, in order, deleted ones too."""

    id: int
    type: str
    info: JSON
    messages: list[FakeMessage] = field(default_factory=list)
    user_messages: dict[int, JSON] = field(default_factory=dict)
    reply_keyboard: list[list[str]] | None = None
    actions: list[str] = field(default_factory=list)
    edit_log: list[FakeMessage] = field(default_factory=list)
    blocked: bool = False
    forgotten: bool = False
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1), repr=False)

    def next_message_id(self) -> int:
        """User and bot messages share one counter per chat, as in Telegram."""
        return next(self._ids)

    def message(self, message_id: int) -> FakeMessage | None:
        """The bot message with this id, deleted or not."""
        for message in self.messages:
            if message.message_id == message_id:
                return message
        return None

    @property
    def visible(self) -> list[FakeMessage]:
        return [m for m in self.messages if not m.deleted]

    def describe(self, last: int = 8) -> str:
        shown = self.messages[-last:]
        if not shown:
            return f"chat {self.id}: the bot has sent no messages"
        lines = "\n".join(f"  {m.describe()}" for m in shown)
        return f"chat {self.id}, last {len(shown)} bot messages:\n{lines}"
