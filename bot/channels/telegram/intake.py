"""Turns a Telegram Update into a sanitised Incoming event, redacting text before anything else."""

from __future__ import annotations

from typing import Any

from telegram import Message, Update

from bot.channels.telegram.incoming import Incoming
from bot.flows.values import MAX_MESSAGE_LENGTH
from bot.services.volunteers import MAX_CONTACT
from bot.text_input import typed_answer

MEDIA_KINDS = (
    "sticker",
    "photo",
    "voice",
    "video",
    "video_note",
    "audio",
    "document",
    "animation",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
)


def sanitise(update: Update) -> Incoming | None:
    """None for updates the bot has no use for (channel posts, member changes, ...)."""
    if update.callback_query is not None:
        query = update.callback_query
        message = query.message if isinstance(query.message, Message) else None
        if message is None:
            return None
        return Incoming(
            update_id=update.update_id,
            chat_id=message.chat.id,
            chat_type=message.chat.type,  # type: ignore[arg-type]
            user_id=query.from_user.id,
            language_code=query.from_user.language_code,
            kind="callback",
            callback_id=query.id,
            callback_data=query.data,
            message_id=message.message_id,
            message_html=message.text_html if message.text else None,
        )
    message = update.message or update.edited_message
    if message is None or message.from_user is None:
        return None
    user = message.from_user
    base: dict[str, Any] = {
        "update_id": update.update_id,
        "chat_id": message.chat.id,
        "chat_type": message.chat.type,
        "user_id": user.id,
        "language_code": user.language_code,
        "own_message_id": message.message_id,
    }
    if update.edited_message is not None:
        return Incoming(**base, kind="edited")
    text = message.text
    if text is not None and text.startswith("/"):
        command, _, args = text[1:].partition(" ")
        name = command.split("@", 1)[0].lower()
        return Incoming(**base, kind="command", command=name, args=args.strip()[:200])
    if text is not None:
        length = len(text.strip())
        if length > MAX_MESSAGE_LENGTH:
            return Incoming(**base, kind="text", text=None, text_length=length)
        names = tuple(n for n in (user.first_name, user.last_name, user.username) if n)
        redacted = typed_answer(text, names)
        # The bot cannot know yet whether this is the contact she offered to leave; if it may
        # be (short, and redaction changed it), it travels as typed too, sealed in the inbox.
        as_typed = text if length <= MAX_CONTACT and redacted != text.strip() else None
        return Incoming(**base, kind="text", text=redacted, text_length=length, as_typed=as_typed)
    media = next((kind for kind in MEDIA_KINDS if getattr(message, kind, None)), None)
    return Incoming(**base, kind="media" if media else "other", media=media)
