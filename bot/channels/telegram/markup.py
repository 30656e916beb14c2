"""Telegram's message shapes and the small helpers every Telegram screen is built with."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from bot.channels.telegram import callbacks as cb
from bot.channels.telegram.splitting import split_html
from bot.i18n import N_, Translator

Button = tuple[str, str]  # (label, callback data)
MAX_LENGTH = 4000
"""Telegram takes up to 4,096 characters of text; the margin is for the answer a tap appends."""


@dataclass(frozen=True)
class Text:
    text: str
    buttons: list[list[Button]] = field(default_factory=list)

    def payload(self) -> dict[str, object]:
        return {"text": self.text, "buttons": [[list(b) for b in row] for row in self.buttons]}


@dataclass(frozen=True)
class Photo:
    png: bytes
    caption: str = ""


@dataclass(frozen=True)
class Document:
    data: bytes
    filename: str
    caption: str = ""


Rendered = Text | Photo | Document


def button(label: str, pressed: cb.Button) -> Button:
    return (label, cb.encode(pressed))


def escaped(tr: Translator, msgid: str, **params: object) -> str:
    return html.escape(tr.format(msgid, **params))


def leave_row(tr: Translator) -> list[Button]:
    return [button(tr.gettext(N_("🚪 Leave now")), cb.LeaveNow())]


def clear_row(tr: Translator) -> list[Button]:
    return [button(tr.gettext(N_("🧹 Clear this chat")), cb.LeaveNow())]


def split_long(message: Text, limit: int = MAX_LENGTH) -> list[Rendered]:
    """A message too long for Telegram as several; the keyboard goes with the last part."""
    chunks = split_html(message.text, limit)
    rendered: list[Rendered] = [Text(chunk) for chunk in chunks[:-1]]
    return [*rendered, Text(chunks[-1], message.buttons)]
