"""The six-month reminder to re-assess (the guide's Step 7), as notices to a round's
coordinators: made once per finalised round, never for one that was repeated already."""

from __future__ import annotations

from datetime import datetime

from bot.services.effects import Effects, Notify
from bot.services.views import ReassessDue
from bot.storage.records import Campaign
from bot.storage.repos import Repos


async def remind(tx: Repos, campaign: Campaign) -> Effects:
    """Marks the round reminded and returns a notice to each coordinator who has not muted
    it; nothing when it was reminded (or repeated) already, so a second run sends nothing.
    The caller queues the notices in the same transaction as the mark."""
    if campaign.finalised_at is None:
        return []
    if not await tx.campaigns.mark_reassess_reminded(campaign.id):
        return []
    finalised_on = datetime.fromisoformat(campaign.finalised_at).date()
    return [
        Notify(
            coordinator.telegram_id,
            ReassessDue(
                locale=coordinator.locale,
                campaign_id=campaign.id,
                name=campaign.name,
                finalised_on=finalised_on,
            ),
        )
        for coordinator in await tx.coordinators.of_campaign(campaign.id)
    ]
