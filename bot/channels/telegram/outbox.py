"""The Telegram outbox: turns a service's effects into rows committed with the answer.

Every row names its chat by a keyed hash (to find a chat's rows) and carries the chat id
sealed; the sender opens it only to send. Replies are rendered now, in the transaction;
reports and notices are stored as views and rendered when they are sent.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass

from bot.channels.telegram.incoming import Incoming
from bot.channels.telegram.markup import MAX_LENGTH, Document, Photo, Rendered, Text
from bot.channels.telegram.presenter import Presenter
from bot.channels.telegram.splitting import utf16_length
from bot.privacy import Addresses
from bot.services.effects import (
    ClearChat,
    CoordinatorMenu,
    Effect,
    Later,
    Notify,
    Redraw,
    Reply,
    Settle,
    Toast,
    Unbutton,
)
from bot.services.notices import VIEW, queue_notices
from bot.services.views import Consent, QuestionView, Result, ReviewView, View
from bot.storage.repos import Repos

SEND, EDIT, PHOTO, DOCUMENT, MENU, DELETE = "send", "edit", "photo", "document", "menu", "delete"
TYPING = "typing"
"""Queued by versions before 2026-12-03 ahead of a held question; nothing is sent for it."""
UNBUTTON = "unbutton"


@dataclass
class TelegramOutbox:
    presenter: Presenter
    addresses: Addresses
    answer_pause_ms: int = 0
    """How long a held reply waits (`Reply.held`): she may still be typing her answer."""

    async def put(self, tx: Repos, ev: Incoming, effects: list[Effect]) -> str | None:
        """Queue every effect for the event's chat; returns the toast for its button, if any."""
        toast = None
        chat = ev.chat_id
        if ev.is_private and ev.own_message_id is not None:
            # Her own messages are cleared by quick exit like the bot's (for 48 hours, as
            # Telegram lets a bot delete messages in a private chat).
            await tx.bot_messages.remember(self.addresses.key(chat), [ev.own_message_id])
        effects = list(effects)
        index = 0
        while index < len(effects):
            effect = effects[index]
            index += 1
            following = effects[index] if index < len(effects) else None
            merged = self._settled_into_next(ev, effect, following)
            if merged is not None:
                await self.queue(tx, chat, merged)
                index += 1  # the next screen carries the choice: no edit of the tapped one
                continue
            match effect:
                case Reply(view=view, held=True) if self.answer_pause_ms > 0:
                    await self._hold(tx, chat, view)
                case Reply(view=view, slot=slot):
                    for rendered in self.presenter.render(view):
                        await self.queue(tx, chat, rendered, slot=slot)
                case Later(view=view):
                    await self._add(tx, chat, VIEW, {"view": view.model_dump(mode="json")})
                case Settle() if ev.message_id is not None and ev.message_html is not None:
                    settled = self.presenter.settled(ev.message_html, effect)
                    await self._edit(tx, chat, ev.message_id, settled)
                case Redraw(view=view) if ev.message_id is not None:
                    (rendered,) = self.presenter.render(view)
                    assert isinstance(rendered, Text)
                    await self._edit(tx, chat, ev.message_id, rendered)
                case Unbutton(slot=slot):
                    # The sender finds the message when it gets here: only then is it sent.
                    await self._add(tx, chat, UNBUTTON, {"slot": slot})
                case Toast():
                    toast = self.presenter.toast(effect)
                case ClearChat():
                    await self._clear(tx, ev)
                case CoordinatorMenu(locale=locale):
                    await self._add(tx, chat, MENU, {"locale": locale})
                case Notify():
                    await queue_notices(tx, self.addresses, [effect])
        return toast

    def _settled_into_next(
        self, ev: Incoming, effect: Effect, following: Effect | None
    ) -> Text | None:
        """A tap on an interview screen (or the language) answered by the next screen, the
        privacy screen and the thanks after Submit included: one message, the choice made on
        its first line, instead of an edit of the tapped message and a message.

        Telegram's limit counts every call, and this is most of them. The tapped message
        keeps its buttons, which are inert: every tap is checked against the question the
        interview is on, and a stale one only gets a note. None (edit and message, as
        before) when the two do not fit in one message."""
        if not (
            isinstance(effect, Settle)
            and isinstance(following, Reply)
            and isinstance(following.view, Consent | QuestionView | ReviewView | Result)
            and not following.slot
            and not (following.held and self.answer_pause_ms > 0)
            and ev.kind == "callback"
        ):
            return None
        rendered = self.presenter.render(following.view)
        if len(rendered) != 1 or not isinstance(rendered[0], Text):
            return None
        chosen = self.presenter.settled("", effect).text.strip()
        text = f"{chosen}\n\n{rendered[0].text}" if chosen else rendered[0].text
        if utf16_length(text) > MAX_LENGTH:
            return None
        return Text(text, rendered[0].buttons)

    async def put_to(self, tx: Repos, sealed_chat: bytes, effects: list[Effect]) -> None:
        """Effects not caused by a message in the chat (reminders): replies only."""
        chat = self.addresses.open(sealed_chat)
        for effect in effects:
            if isinstance(effect, Reply):
                for rendered in self.presenter.render(effect.view):
                    await self.queue(tx, chat, rendered)

    async def _hold(self, tx: Repos, chat: int, view: View) -> None:
        """The question after a typed message goes out once she pauses, and a newer held
        question replaces this one. No "typing…" meanwhile: it would be a second Bot API call
        per typed answer, under a limit every respondent shares; the first typed question says
        that the next one comes when she stops (bot.render.TYPE_A_MESSAGE)."""
        await tx.outbox.drop_held(self.addresses.key(chat))
        for rendered in self.presenter.render(view):
            assert isinstance(rendered, Text)
            payload = {**rendered.payload(), "track": True}
            await self._add(tx, chat, SEND, payload, held_ms=self.answer_pause_ms)

    async def queue(
        self, tx: Repos, chat: int, rendered: Rendered, *, track: bool = True, slot: str = ""
    ) -> None:
        match rendered:
            case Text():
                payload = {**rendered.payload(), "track": track}
                await self._add(tx, chat, SEND, {**payload, "slot": slot} if slot else payload)
            case Photo(png=png, caption=caption):
                await self._add(tx, chat, PHOTO, {"data": _b64(png), "caption": caption})
            case Document(data=data, filename=filename, caption=caption):
                payload = {"data": _b64(data), "filename": filename, "caption": caption}
                await self._add(tx, chat, DOCUMENT, payload)

    async def _edit(self, tx: Repos, chat: int, message_id: int, rendered: Text) -> None:
        await self._add(tx, chat, EDIT, {**rendered.payload(), "message_id": message_id})

    async def _clear(self, tx: Repos, ev: Incoming) -> None:
        key = self.addresses.key(ev.chat_id)
        # Queued questions must not arrive after the chat was cleared.
        await tx.outbox.drop_chat(key)
        await tx.dead_letters.drop_chat(key)
        await tx.keyboards.drop_chat(key)
        message_ids = set(await tx.bot_messages.forget(key))
        if ev.kind == "callback" and ev.message_id is not None:
            message_ids.add(ev.message_id)
        if ev.own_message_id is not None:
            message_ids.add(ev.own_message_id)  # the /exit itself
        if message_ids:
            await self._add(tx, ev.chat_id, DELETE, {"message_ids": sorted(message_ids)})

    async def _add(
        self,
        tx: Repos,
        chat: int,
        kind: str,
        payload: Mapping[str, object],
        *,
        held_ms: int = 0,
    ) -> None:
        key, sealed = self.addresses.key(chat), self.addresses.seal(chat)
        await tx.outbox.add(key, sealed, kind, payload, held_ms=held_ms)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
