"""Contacts left by respondents who offered to take part in the full assessment interview,
and the offers waiting for one. No column here holds anything of a response: not its id,
not its receipt digest, no key once the contact is stored, no time finer than the day."""

from __future__ import annotations

from datetime import date

from bot.storage.clock import new_id
from bot.storage.records import Volunteer, VolunteerOffer
from bot.storage.repos.base import Repository

_OFFER = "id, campaign_id, deletion_digest, locale, respondent_key"


class Volunteers(Repository):
    # --- offers ----------------------------------------------------------------------------

    async def offer(
        self, campaign_id: str, deletion_digest: str, locale: str, offered_on: date
    ) -> str:
        offer_id = new_id(12)
        await self._run(
            "INSERT INTO volunteer_offers (id, campaign_id, deletion_digest, locale, offered_on)"
            " VALUES (?, ?, ?, ?, ?)",
            (offer_id, campaign_id, deletion_digest, locale, offered_on.isoformat()),
        )
        return offer_id

    async def offer_by_id(self, offer_id: str) -> VolunteerOffer | None:
        row = await self._one(f"SELECT {_OFFER} FROM volunteer_offers WHERE id = ?", (offer_id,))
        return None if row is None else VolunteerOffer(*row)

    async def awaiting(self, respondent_key: str) -> VolunteerOffer | None:
        """The offer whose contact she is typing, if any."""
        row = await self._one(
            f"SELECT {_OFFER} FROM volunteer_offers WHERE respondent_key = ? LIMIT 1",
            (respondent_key,),
        )
        return None if row is None else VolunteerOffer(*row)

    async def claim(self, offer_id: str, respondent_key: str) -> None:
        """Her next typed message is this offer's contact; an offer she tapped before no
        longer waits for one (one contact at a time)."""
        await self._run(
            "UPDATE volunteer_offers SET respondent_key = NULL WHERE respondent_key = ?",
            (respondent_key,),
        )
        await self._run(
            "UPDATE volunteer_offers SET respondent_key = ? WHERE id = ?",
            (respondent_key, offer_id),
        )

    async def drop_offer(self, offer_id: str) -> None:
        if await self._run("DELETE FROM volunteer_offers WHERE id = ?", (offer_id,)):
            self._wiped()

    async def prune_offers(self, before: date) -> int:
        """Offers nobody took up: two days is long enough to decide."""
        pruned = await self._run(
            "DELETE FROM volunteer_offers WHERE offered_on < ?", (before.isoformat(),)
        )
        if pruned:
            self._wiped()
        return pruned

    # --- contacts --------------------------------------------------------------------------

    async def store(self, offer: VolunteerOffer, sealed_contact: bytes, created_on: date) -> None:
        """The contact replaces the offer in one go: the key that found the offer goes."""
        await self._run(
            "INSERT INTO volunteers (id, campaign_id, contact, deletion_digest, created_on)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                new_id(9),
                offer.campaign_id,
                sealed_contact,
                offer.deletion_digest,
                created_on.isoformat(),
            ),
        )
        await self.drop_offer(offer.id)

    async def of_campaign(self, campaign_id: str) -> list[Volunteer]:
        """Ordered by random id: nothing in the listing follows the order they arrived in."""
        rows = await self._all(
            "SELECT id, contact, created_on FROM volunteers WHERE campaign_id = ? ORDER BY id",
            (campaign_id,),
        )
        return [Volunteer(row[0], bytes(row[1]), row[2]) for row in rows]

    async def counts(self, campaign_ids: list[str]) -> dict[str, int]:
        if not campaign_ids:
            return {}
        marks = ", ".join("?" * len(campaign_ids))
        rows = await self._all(
            f"SELECT campaign_id, COUNT(*) FROM volunteers WHERE campaign_id IN ({marks})"
            " GROUP BY campaign_id",
            campaign_ids,
        )
        return {row[0]: int(row[1]) for row in rows}

    async def forget(self, campaign_id: str, volunteer_id: str) -> bool:
        """A coordinator has made contact: the contact goes, bytes and all."""
        deleted = await self._run(
            "DELETE FROM volunteers WHERE id = ? AND campaign_id = ?", (volunteer_id, campaign_id)
        )
        if deleted:
            self._wiped()
        return deleted > 0

    async def erase(self, deletion_digest: str) -> bool:
        """`/delete CODE`: her contact, and any offer still waiting for one. True when a
        contact was deleted."""
        if await self._run(
            "DELETE FROM volunteer_offers WHERE deletion_digest = ?", (deletion_digest,)
        ):
            self._wiped()
        deleted = await self._run(
            "DELETE FROM volunteers WHERE deletion_digest = ?", (deletion_digest,)
        )
        if deleted:
            self._wiped()
        return deleted > 0
