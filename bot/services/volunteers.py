"""Volunteers for the full assessment interview: a respondent who answered that she would
(or might) take part may leave a way to be contacted, typed by her, after being told what it
is for, who sees it and how to delete it. Channel-neutral; returns effects.

The contact is sealed and kept apart from her answers: nothing stored with it (no key, no
response id, no receipt digest, no time finer than the day) joins the two. A second contact
is refused rather than replacing the first: replacing would need something that finds her
contact again from her, and that link is what this keeps from existing.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.flows.values import AnswerValue
from bot.privacy import CONTACT_CONTEXT, Sealer, volunteer_digest
from bot.services import coordinator_texts as ct
from bot.services import texts
from bot.services.effects import Effects, Later, Redraw, Reply, Settle, Toast
from bot.services.views import Phrase, ReportRequest, Say, VolunteerAsk
from bot.storage.clock import now
from bot.storage.records import Campaign, Volunteer, VolunteerOffer
from bot.storage.repos import Repos

MAX_CONTACT = 200
"""A phone number, an address or a sentence on where to find her; not a letter."""
WILLING = ("yes", "maybe")
"""The answers to the preassessment's `willing` question that get the offer."""


def wants_offer(answers: Mapping[str, AnswerValue]) -> bool:
    return answers.get("willing") in WILLING


async def offer(tx: Repos, secret: bytes, campaign_id: str, code: str, locale: str) -> str:
    """The offer shown with her result; only her receipt code finds it (and its contact)."""
    digest = volunteer_digest(secret, code)
    return await tx.volunteers.offer(campaign_id, digest, locale, now().date())


async def ask(tx: Repos, key: str, locale: str, offer_id: str) -> Effects:
    """Her tap on the offer: the consent text, and her next message is the contact. A repeat
    tap shows it again; an offer that ended (or another's) says so and changes nothing."""
    found = await tx.volunteers.offer_by_id(offer_id)
    if found is None or found.respondent_key not in (None, key):
        return [Toast(locale, Phrase(texts.VOLUNTEER_ENDED))]
    if found.respondent_key is None:
        await tx.volunteers.claim(found.id, key)
    return [Reply(VolunteerAsk(found.locale, found.id, MAX_CONTACT))]


async def cancel(tx: Repos, key: str, locale: str, offer_id: str) -> Effects:
    found = await tx.volunteers.offer_by_id(offer_id)
    if found is None or found.respondent_key != key:
        return [Toast(locale, Phrase(texts.VOLUNTEER_ENDED))]
    await tx.volunteers.drop_offer(found.id)
    return [Settle(found.locale, Phrase(texts.VOLUNTEER_CANCELLED))]


async def take(
    tx: Repos, sealer: Sealer, found: VolunteerOffer, contact: str, length: int
) -> Effects:
    """Her typed contact, as she typed it: sealed, never redacted (it is what she chose to
    give), never echoed back, never logged. `length`: as typed (a channel may not keep a
    long text at all)."""
    contact = contact.strip()
    length = max(length, len(contact))
    if length > MAX_CONTACT or not contact:
        too_long = Say.of(found.locale, texts.VOLUNTEER_TOO_LONG, length=length, limit=MAX_CONTACT)
        return [Reply(too_long)]
    sealed = sealer.seal(contact.encode("utf-8"), context=CONTACT_CONTEXT)
    await tx.volunteers.store(found, sealed, now().date())
    thanks = Say(found.locale, (Phrase(texts.VOLUNTEER_THANKS),), offer_clear=True)
    return [Reply(thanks)]


async def erase(tx: Repos, secret: bytes, code: str) -> bool:
    """`/delete CODE`: her contact (and an offer still open) goes with her answers."""
    return await tx.volunteers.erase(volunteer_digest(secret, code))


# --- coordinators (the caller has checked that they coordinate the campaign) ---------------


def listing(locale: str, campaign: Campaign) -> Effects:
    """Built when it is sent, from committed data: the contacts never sit in the outbox."""
    return [Later(ReportRequest(locale=locale, kind="volunteers", campaign_id=campaign.id))]


async def forget(tx: Repos, locale: str, campaign: Campaign, volunteer_id: str) -> Effects:
    """'Contacted — delete': the list on screen is replaced by a note, and a fresh list
    follows, so no deleted contact stays on the coordinator's screen either."""
    deleted = await tx.volunteers.forget(campaign.id, volunteer_id)
    told = Toast(locale, Phrase(ct.VOLUNTEER_DELETED if deleted else ct.VOLUNTEER_GONE))
    changed = Redraw(Say.of(locale, ct.VOLUNTEERS_CHANGED))
    return [told, changed, *listing(locale, campaign)]


def opened(sealer: Sealer, volunteers: list[Volunteer]) -> tuple[tuple[str, str, str], ...]:
    """(id, contact, day) of each, for the coordinators' listing only."""
    return tuple(
        (v.id, sealer.open(v.sealed_contact, context=CONTACT_CONTEXT).decode("utf-8"), v.created_on)
        for v in volunteers
    )
