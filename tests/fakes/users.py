"""The people in e2e tests: a FakeUser in a private chat with the bot, a FakeGroup of them.

Their methods push the updates a Telegram client would produce and read what the bot sent, so
a scenario test reads like a respondent's session: send, wait for the reply, tap a button.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from tests.fakes.formatting import utf16_len
from tests.fakes.media import image_size, tiny_png
from tests.fakes.state import JSON, FakeChat, FakeMessage

if TYPE_CHECKING:
    from tests.fakes.bot_api import FakeBotApi


def _command_entities(text: str) -> list[JSON]:
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]


class _ChatView:
    """What a participant sees of one chat: the bot's messages and keyboards, and waits."""

    def __init__(self, api: FakeBotApi, chat: FakeChat) -> None:
        self.api = api
        self.chat = chat
        self._cursor = len(chat.messages)
        self._edit_cursor = len(chat.edit_log)

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def messages(self) -> list[FakeMessage]:
        """The bot's messages in this chat, oldest first, without deleted ones."""
        return self.chat.visible

    @property
    def last(self) -> FakeMessage | None:
        """The bot's latest message that is not deleted."""
        visible = self.chat.visible
        return visible[-1] if visible else None

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Button texts of the reply keyboard the bot last showed here (None once removed)."""
        return self.chat.reply_keyboard

    def keyboard_message(self, message_id: int | None = None) -> FakeMessage:
        """The message whose inline keyboard a tap uses: ``message_id``'s, else the latest one."""
        if message_id is not None:
            message = self.chat.message(message_id)
            if message is None or message.deleted:
                state = "was deleted" if message else "does not exist"
                raise AssertionError(f"bot message #{message_id} {state}\n{self.chat.describe()}")
            return message
        for message in reversed(self.chat.visible):
            if message.inline_keyboard:
                return message
        raise AssertionError(f"no bot message with an inline keyboard\n{self.chat.describe()}")

    def buttons(self, message_id: int | None = None) -> list[tuple[str, str | None]]:
        """(text, callback_data) of the latest inline keyboard (or of ``message_id``'s)."""
        return self.keyboard_message(message_id).buttons()

    async def wait_for_message(
        self, contains: str | None = None, timeout: float = 10.0
    ) -> FakeMessage:
        """The next bot message since the previous wait whose text or caption has ``contains``.

        Messages the bot sent before this wait but after the previous one count: a reply can
        arrive before the test starts waiting for it.
        """

        def find() -> FakeMessage | None:
            for index in range(self._cursor, len(self.chat.messages)):
                message = self.chat.messages[index]
                if contains is None or contains in message.content:
                    self._cursor = index + 1
                    return message
            return None

        found = await self.api._wait_for(find, timeout)
        if found is None:
            wanted = f"containing {contains!r}" if contains is not None else "at all"
            raise AssertionError(
                f"no new bot message {wanted} in chat {self.chat.id} within {timeout}s\n"
                f"{self.chat.describe()}\n{self.api.describe_recent()}"
            )
        return found

    async def wait_for_answer(self, timeout: float = 10.0) -> None:
        """Wait for whatever the bot does next here, a new message or an edit in place (a
        rating step redraws its message); everything until then counts as seen."""

        def find() -> bool | None:
            news = len(self.chat.messages) > self._cursor
            return True if news or len(self.chat.edit_log) > self._edit_cursor else None

        if await self.api._wait_for(find, timeout) is None:
            raise AssertionError(
                f"the bot did nothing in chat {self.chat.id} within {timeout}s\n"
                f"{self.chat.describe()}\n{self.api.describe_recent()}"
            )
        self._cursor, self._edit_cursor = len(self.chat.messages), len(self.chat.edit_log)

    async def wait_for_edit(
        self,
        contains: str | None = None,
        message_id: int | None = None,
        timeout: float = 10.0,
    ) -> FakeMessage:
        """The next edit of a bot message here (since the previous wait for an edit)."""

        def find() -> FakeMessage | None:
            for index in range(self._edit_cursor, len(self.chat.edit_log)):
                message = self.chat.edit_log[index]
                if (message_id is None or message.message_id == message_id) and (
                    contains is None or contains in message.content
                ):
                    self._edit_cursor = index + 1
                    return message
            return None

        found = await self.api._wait_for(find, timeout)
        if found is None:
            raise AssertionError(
                f"no edit (contains={contains!r}, message_id={message_id}) in chat "
                f"{self.chat.id} within {timeout}s\n{self.chat.describe()}\n"
                f"{self.api.describe_recent()}"
            )
        return found

    # --- building updates --------------------------------------------------------------------

    def _message(self, sender: JSON, **content: Any) -> JSON:
        message_id = self.chat.next_message_id()
        message: JSON = {
            "message_id": message_id,
            "from": sender,
            "chat": dict(self.chat.info),
            "date": int(time.time()),
            **content,
        }
        self.chat.user_messages[message_id] = message
        return self.api.push_update({"message": message})

    def _text(self, sender: JSON, text: str) -> JSON:
        entities = _command_entities(text)
        content: JSON = {"text": text}
        if entities:
            content["entities"] = entities
        return self._message(sender, **content)

    def _tap(self, sender: JSON, button: str, message_id: int | None) -> JSON:
        message = self.keyboard_message(message_id)
        for text, data in message.buttons():
            if button in (text, data):
                if data is None:
                    raise AssertionError(
                        f"button {text!r} of message #{message.message_id} has no "
                        "callback_data (a URL or other non-callback button)"
                    )
                return self._callback(sender, message.message_id, data)
        raise AssertionError(
            f"no button {button!r} in bot message #{message.message_id}; "
            f"available (text, callback_data): {message.buttons()}"
        )

    def _callback(self, sender: JSON, message_id: int, data: str | None) -> JSON:
        message = self.chat.message(message_id)
        if message is not None and not message.deleted:
            shown: JSON = message.raw
        else:  # what Telegram sends for a message the bot can no longer access
            shown = {"chat": dict(self.chat.info), "message_id": message_id, "date": 0}
        query: JSON = {
            "id": self.api._new_query_id(),
            "from": sender,
            "message": shown,
            "chat_instance": f"ci{self.chat.id}",
        }
        if data is not None:  # a game button sends no data
            query["data"] = data
        return self.api.push_update({"callback_query": query})


class FakeUser(_ChatView):
    """A person talking to the bot in a private chat whose id is the user's id."""

    def __init__(
        self,
        api: FakeBotApi,
        chat: FakeChat,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> None:
        super().__init__(api, chat)
        self.id = chat.id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code

    def as_json(self) -> JSON:
        user: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def send(self, text: str) -> JSON:
        """A text message; a leading "/" gets a bot_command entity, as clients add one."""
        return self._text(self.as_json(), text)

    def start(self, payload: str | None = None) -> JSON:
        """What opening ``t.me/<bot>?start=<payload>`` sends."""
        return self.send(f"/start {payload}" if payload else "/start")

    def send_sticker(self, emoji: str = "👍") -> JSON:
        sticker = {
            "file_id": "fake-sticker",
            "file_unique_id": "fu-sticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._message(self.as_json(), sticker=sticker)

    def send_photo(self, data: bytes | None = None, caption: str | None = None) -> JSON:
        data = data if data is not None else tiny_png()
        stored = self.api._new_user_file("photo", data, None, "image/png")
        width, height = image_size(data) or (1, 1)
        size = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": width,
            "height": height,
            "file_size": len(data),
        }
        content: JSON = {"photo": [size]}
        if caption:
            content["caption"] = caption
        return self._message(self.as_json(), **content)

    def send_voice(self, data: bytes = b"OggS fake voice", duration: int = 3) -> JSON:
        stored = self.api._new_user_file("voice", data, None, "audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(data),
        }
        return self._message(self.as_json(), voice=voice)

    def send_document(
        self,
        data: bytes = b"%PDF-1.4 fake",
        filename: str = "notes.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
    ) -> JSON:
        stored = self.api._new_user_file("document", data, filename, mime_type)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        content: JSON = {"document": document}
        if caption:
            content["caption"] = caption
        return self._message(self.as_json(), **content)

    def send_location(self, latitude: float = 19.4326, longitude: float = -99.1332) -> JSON:
        return self._message(
            self.as_json(), location={"latitude": latitude, "longitude": longitude}
        )

    def send_contact(self, phone: str, first_name: str | None = None) -> JSON:
        contact = {
            "phone_number": phone,
            "first_name": first_name or self.first_name,
            "user_id": self.id,
        }
        return self._message(self.as_json(), contact=contact)

    def edit(self, message_id: int, new_text: str) -> JSON:
        """Edits one of this user's own text messages (an ``edited_message`` update)."""
        original = self.chat.user_messages.get(message_id)
        if original is None or original.get("from", {}).get("id") != self.id:
            raise AssertionError(f"user {self.id} sent no message #{message_id} to edit")
        edited = {k: v for k, v in original.items() if k != "entities"}
        edited.update(text=new_text, edit_date=int(time.time()))
        entities = _command_entities(new_text)
        if entities:
            edited["entities"] = entities
        self.chat.user_messages[message_id] = edited
        return self.api.push_update({"edited_message": edited})

    def tap(self, button: str, message_id: int | None = None) -> JSON:
        """Presses an inline button, found by its text or callback_data, on the latest bot
        message with an inline keyboard (or on ``message_id``, e.g. a stale older one)."""
        return self._tap(self.as_json(), button, message_id)

    def tap_data(self, data: str | None, message_id: int) -> JSON:
        """A callback query with arbitrary (forged) data, as a modified client could send;
        None sends none at all, as a game button does."""
        return self._callback(self.as_json(), message_id, data)

    def send_content(self, **content: Any) -> JSON:
        """A message with any other content (a dice, a poll, a venue, a reply to a message)."""
        return self._message(self.as_json(), **content)

    def block_bot(self) -> JSON:
        """Blocks the bot: later sends get 403, and the bot gets a my_chat_member update."""
        self.api.block(self.id)
        return self._member_change("member", "kicked")

    def unblock_bot(self) -> JSON:
        self.api.unblock(self.id)
        return self._member_change("kicked", "member")

    def _member_change(self, old: str, new: str) -> JSON:
        bot = self.api.bot_user
        update = {
            "chat": dict(self.chat.info),
            "from": self.as_json(),
            "date": int(time.time()),
            "old_chat_member": {"status": old, "user": bot},
            "new_chat_member": {"status": new, "user": bot, "until_date": 0}
            if new == "kicked"
            else {"status": new, "user": bot},
        }
        return self.api.push_update({"my_chat_member": update})


class FakeGroup(_ChatView):
    """A group chat with the bot in it; members post with ``group.send(user, text)``."""

    def __init__(self, api: FakeBotApi, chat: FakeChat, title: str) -> None:
        super().__init__(api, chat)
        self.id = chat.id
        self.title = title

    def send(self, user: FakeUser, text: str) -> JSON:
        return self._text(user.as_json(), text)

    def tap(self, user: FakeUser, button: str, message_id: int | None = None) -> JSON:
        return self._tap(user.as_json(), button, message_id)

    def tap_data(self, user: FakeUser, data: str | None, message_id: int) -> JSON:
        """A member's callback query with arbitrary data on message ``message_id`` here."""
        return self._callback(user.as_json(), message_id, data)

    def post(self, user: FakeUser, **content: Any) -> JSON:
        """A member's message with any content (a sticker, a photo, a location...)."""
        return self._message(user.as_json(), **content)
