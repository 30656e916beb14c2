"""Closing and reopening a campaign. Closing turns respondents away, so it is asked first;
either change is told to the campaign's other coordinators. A press that comes too late (the
campaign is already in the state asked for) says so and changes nothing.

The caller has checked that the coordinator coordinates the campaign.
"""

from __future__ import annotations

from bot.services import coordinator_texts as ct
from bot.services.effects import Effects, Notify, Reply, Settle, Toast
from bot.services.views import CampaignStatus, CloseConfirm, Phrase, Say
from bot.storage.records import Campaign
from bot.storage.repos import Repos


async def ask_to_close(tx: Repos, locale: str, campaign: Campaign) -> Effects:
    if not campaign.is_open:
        return [Toast(locale, Phrase(ct.ALREADY_CLOSED, {"name": campaign.name}))]
    done, open_now = (await tx.responses.progress([campaign.id])).get(campaign.id, (0, 0))
    return [Reply(CloseConfirm(locale, campaign.id, campaign.name, done, open_now))]


async def close(tx: Repos, telegram_id: int, locale: str, campaign: Campaign) -> Effects:
    if not campaign.is_open:
        return [Toast(locale, Phrase(ct.ALREADY_CLOSED, {"name": campaign.name}))]
    await tx.campaigns.set_closed(campaign.id, closed=True)
    told = await tell_the_others(tx, telegram_id, campaign, closed=True)
    return [Settle(), Reply(Say.of(locale, ct.CLOSED_NOW, name=campaign.name)), *told]


def keep_open(locale: str, campaign: Campaign) -> Effects:
    if not campaign.is_open:
        # Closed meanwhile (by another coordinator, or from another confirmation).
        return [Toast(locale, Phrase(ct.ALREADY_CLOSED, {"name": campaign.name}))]
    kept = Phrase(ct.KEPT_OPEN, {"name": campaign.name})
    return [Settle(locale, Phrase(ct.KEEP_OPEN)), Toast(locale, kept)]


async def reopen(tx: Repos, telegram_id: int, locale: str, campaign: Campaign) -> Effects:
    if campaign.is_open:
        return [Toast(locale, Phrase(ct.ALREADY_OPEN, {"name": campaign.name}))]
    await tx.campaigns.set_closed(campaign.id, closed=False)
    told = await tell_the_others(tx, telegram_id, campaign, closed=False)
    return [Reply(Say.of(locale, ct.REOPENED_NOW, name=campaign.name)), *told]


async def tell_the_others(
    tx: Repos, telegram_id: int, campaign: Campaign, *, closed: bool
) -> Effects:
    """Muted coordinators are told too: muting silences the message for each response, and
    a campaign that stops taking respondents is not one of those."""
    coordinators = await tx.coordinators.of_campaign(campaign.id, include_muted=True)
    effects: Effects = []
    for other in coordinators:
        if other.telegram_id != telegram_id:
            status = CampaignStatus(locale=other.locale, campaign=campaign.name, closed=closed)
            effects.append(Notify(other.telegram_id, status))
    return effects
