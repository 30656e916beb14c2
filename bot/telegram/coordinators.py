"""Coordinator invites and campaign creation (the minimal coordinator side of the bot)."""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.i18n import Translator
from bot.inbound import Incoming
from bot.storage import repos
from bot.storage.repos import Campaign, Conn
from bot.telegram import texts
from bot.telegram.presenter import Message

if TYPE_CHECKING:
    from bot.telegram.journey import Journey


def invite_digest(token: str) -> str:
    # Only a digest is stored: a copy of the database cannot be used to join as a coordinator.
    return hashlib.sha256(token.encode()).hexdigest()


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


@dataclass(frozen=True)
class CreatedCampaign:
    campaign: Campaign
    coordinator_token: str


async def create_campaign(
    db: Conn, *, name: str, community_type: str, flow: str
) -> CreatedCampaign:
    campaign = await repos.create_campaign(db, name=name, community_type=community_type, flow=flow)
    token = repos.new_token()
    await repos.create_invite(db, invite_digest(token), campaign.id)
    return CreatedCampaign(campaign, token)


async def accept_invite(
    journey: Journey, db: Conn, ev: Incoming, token: str, tr: Translator
) -> bool:
    """True when the token was a coordinator invite (used now, or used before)."""
    used = await repos.use_invite(db, invite_digest(token))
    if used is None:
        return False
    fresh, campaign_id = used
    if not fresh or ev.user_id is None:
        await journey.send(db, ev.chat_id, Message(html.escape(tr.gettext(texts.INVITE_USED))))
        return True
    await repos.add_coordinator(db, ev.user_id, campaign_id, tr.locale)
    await journey.queue_coordinator_menu(db, ev.chat_id, tr.locale)
    campaign = await repos.campaign_by_id(db, campaign_id) if campaign_id else None
    text = (
        tr.gettext(texts.COORDINATOR_JOINED).format(name=campaign.name)
        if campaign
        else tr.gettext(texts.COORDINATOR_JOINED_GENERAL)
    )
    await journey.send(db, ev.chat_id, Message(html.escape(text)), track=False)
    return True
