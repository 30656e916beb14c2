"""Coordinators are reached in Telegram: every channel queues their notices in the outbox.

A notice is stored as its view (JSON) and rendered by the Telegram channel when it is sent,
so a console or web submission can notify coordinators without knowing Telegram.
"""

from __future__ import annotations

from bot.privacy import Addresses
from bot.services.effects import Effect, Notify
from bot.storage.repos import Repos

VIEW = "view"
"""The outbox kind of a row holding a view to render at delivery."""


async def queue_notices(tx: Repos, addresses: Addresses, effects: list[Effect]) -> None:
    for effect in effects:
        if isinstance(effect, Notify):
            # A coordinator's private chat has the coordinator's user id as its chat id.
            payload = {"view": effect.view.model_dump(mode="json"), "track": False}
            chat = effect.telegram_id
            await tx.outbox.add(addresses.key(chat), addresses.seal(chat), VIEW, payload)
