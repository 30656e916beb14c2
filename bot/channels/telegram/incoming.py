"""An incoming chat event, already sanitised: what the bot keeps of a Telegram update."""

from __future__ import annotations

import base64
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.privacy import Sealer

Kind = Literal["command", "text", "callback", "edited", "media", "other"]
ChatType = Literal["private", "group", "supergroup", "channel"]

_CONTEXT = b"inbox"


class Incoming(BaseModel):
    """Names, usernames and phone numbers never enter this object; free text is redacted
    (but for `as_typed`, which only a volunteer's contact uses).

    The ids are needed to answer the chat; they are sealed whenever this is stored.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    update_id: int
    chat_id: int
    chat_type: ChatType = "private"
    user_id: int | None = None
    language_code: str | None = None
    kind: Kind
    command: str | None = None
    args: str = ""
    text: str | None = None
    text_length: int = 0
    """Length of the text as typed, before redaction (the 2,000 character limit applies to it)."""
    as_typed: str | None = None
    """A short text as typed, only when redaction changed it: it may be the contact she was
    asked for (never redacted). Sealed with the event, and used for nothing else."""
    callback_id: str | None = None
    callback_data: str | None = None
    message_id: int | None = None
    message_html: str | None = None
    """For a button press: the bot's message the button belongs to, to edit it afterwards."""
    own_message_id: int | None = None
    """The respondent's own message (a text, a command, a photo...), so quick exit can take
    it off her screen too."""
    media: str | None = None

    @property
    def is_private(self) -> bool:
        return self.chat_type == "private"

    def seal(self, sealer: Sealer) -> str:
        sealed = sealer.seal(self.model_dump_json().encode(), context=_CONTEXT)
        return base64.b64encode(sealed).decode()

    @classmethod
    def unseal(cls, sealer: Sealer, stored: str) -> Incoming:
        raw = sealer.open(base64.b64decode(stored), context=_CONTEXT)
        return cls.model_validate_json(raw)
