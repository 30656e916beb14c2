"""Submitting an interview, the same for every channel: the closed-campaign rule, the unlinked
response, the completion record, the receipt, and the coordinators' notices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from bot.flows.interview import InterviewState
from bot.flows.values import AnswerValue
from bot.privacy import new_receipt_code, receipt_digest
from bot.results import assessment_of, checklist_result, respondent_assessment
from bot.services import texts, volunteers
from bot.services.effects import Effects, Notify, Reply
from bot.services.views import (
    CampaignLevels,
    Recorded,
    ResponseSummary,
    Result,
    Say,
    TargetReached,
)
from bot.storage.clock import now
from bot.storage.records import Campaign, Session
from bot.storage.repos import Repos
from questions.schema import Bank
from scoring import (
    RECOMMENDED,
    CommunityType,
    Decision,
    below_proceed,
    is_provisional,
    thinly_rated,
)

PREASSESSMENT = "preassessment"
LEVELS_EVERY = 3
"""The campaign's levels reach coordinators from 3 responses, and then every 3 more (k = 3)."""


@dataclass
class Submitter:
    secret: bytes

    async def submit(
        self, tx: Repos, session: Session, bank: Bank, state: InterviewState
    ) -> Effects:
        """Store the answers without the respondent's key and end the session, in one go."""
        campaign = None
        if session.campaign_id is not None:
            campaign = await tx.campaigns.by_id(session.campaign_id)
            if campaign is None or not campaign.is_open:
                # A closed campaign's results are final: the interview ends unsubmitted.
                await tx.sessions.delete(session.id)
                return [Reply(Say.of(state.locale, texts.CAMPAIGN_CLOSED))]
        code = new_receipt_code()
        response_id = await tx.responses.store(
            campaign_id=session.campaign_id,
            bank=bank.id,
            bank_version=bank.version,
            locale=state.locale,
            answers=state.answers,
            receipt_digest=receipt_digest(self.secret, code),
            completed_on=now().date(),
        )
        await tx.sessions.delete(session.id)
        if session.led:
            label = await tx.interviews.label_of(response_id)
            recorded: Effects = [Reply(Recorded(state.locale, label or "", code))]
            return recorded + (
                await _notices(tx, campaign, bank, state.answers) if campaign else []
            )
        result = _result(bank, state, code, personal=campaign is None)
        if (
            campaign is not None
            and bank.id == PREASSESSMENT
            and volunteers.wants_offer(state.answers)
        ):
            # Only a campaign has coordinators to invite her; a personal try never offers.
            offer_id = await volunteers.offer(tx, self.secret, campaign.id, code, state.locale)
            result = replace(result, volunteer_offer=offer_id)
        effects: Effects = [Reply(result)]
        if campaign is not None:
            await tx.responses.record_completion(campaign.id, session.respondent_key)
            effects += await _notices(tx, campaign, bank, state.answers)
        return effects


def _result(bank: Bank, state: InterviewState, code: str, *, personal: bool) -> Result:
    if bank.id == PREASSESSMENT:
        assessment = respondent_assessment(bank, state.answers)
        return Result(state.locale, personal, code, assessment=assessment)
    return Result(state.locale, personal, code, checklist=checklist_result(bank, state.answers))


async def _notices(
    tx: Repos, campaign: Campaign, bank: Bank, answers: Mapping[str, AnswerValue]
) -> Effects:
    """A summary to each coordinator not muted; once, the 'recommended count reached' notice.

    Nothing of this respondent is in it: with six to twelve hand-picked people, the moment a
    notice arrives can tell who answered. The campaign's levels are computed here, over
    exactly the responses counted, every third response at the most.
    """
    community = CommunityType(campaign.community_type)
    low, high = RECOMMENDED[community]
    count = await tx.responses.count(campaign.id)
    levels = None
    next_at = max(LEVELS_EVERY, campaign.levels_shown_at + LEVELS_EVERY)
    if bank.id == PREASSESSMENT and count >= next_at:
        levels = await _campaign_levels(tx, campaign, bank, count)
        await tx.campaigns.levels_shown(campaign.id, count)
        next_at = count + LEVELS_EVERY
    effects: Effects = []
    for coordinator in await tx.coordinators.of_campaign(campaign.id):
        summary = ResponseSummary(
            locale=coordinator.locale,
            campaign_id=campaign.id,
            campaign=campaign.name,
            bank=bank.id,
            count=count,
            low=low,
            high=high,
            provisional=is_provisional(count, community),
            levels=levels,
            next_levels_at=next_at,
        )
        effects.append(Notify(coordinator.telegram_id, summary))
    if count >= low and await tx.campaigns.mark_target_reached(campaign.id):
        for coordinator in await tx.coordinators.of_campaign(campaign.id, include_muted=True):
            reached = TargetReached(
                locale=coordinator.locale, campaign=campaign.name, count=count, low=low, high=high
            )
            effects.append(Notify(coordinator.telegram_id, reached))
    return effects


async def _campaign_levels(
    tx: Repos, campaign: Campaign, bank: Bank, count: int
) -> CampaignLevels | None:
    responses = [r for r in await tx.responses.of_campaign(campaign.id) if r.bank == bank.id]
    result = assessment_of(bank, [r.answers for r in responses])
    if result.overall is None:
        return None
    thin = thinly_rated(result.dimensions, len(responses))
    community = CommunityType(campaign.community_type)
    return CampaignLevels(
        covers=count,
        score=str(result.overall.score),
        level=result.overall.level,
        proceed=result.decision is Decision.PROCEED,
        below_4=below_proceed(result.dimensions),
        provisional=bool(thin) or is_provisional(len(responses), community),
    )
