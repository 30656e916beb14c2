"""Submitting an interview, the same for every channel: the closed-campaign rule, the unlinked
response, the completion record, the receipt, and the coordinators' notices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.flows.interview import InterviewState
from bot.flows.values import AnswerValue
from bot.privacy import new_receipt_code, receipt_digest
from bot.results import checklist_result, respondent_assessment
from bot.services import texts
from bot.services.effects import Effects, Notify, Reply
from bot.services.views import ResponseSummary, Result, Say, TargetReached
from bot.storage.clock import now
from bot.storage.records import Campaign, Session
from bot.storage.repos import Repos
from questions.schema import Bank
from scoring import RECOMMENDED, CommunityType, is_provisional

PREASSESSMENT = "preassessment"


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
        await tx.responses.store(
            campaign_id=session.campaign_id,
            bank=bank.id,
            bank_version=bank.version,
            locale=state.locale,
            answers=state.answers,
            receipt_digest=receipt_digest(self.secret, code),
            completed_on=now().date(),
        )
        await tx.sessions.delete(session.id)
        effects: Effects = [Reply(_result(bank, state, code, personal=campaign is None))]
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

    The campaign's overall level is computed when the summary is sent, from committed data
    and outside the write lock; this respondent's own levels are fixed here.
    """
    community = CommunityType(campaign.community_type)
    low, high = RECOMMENDED[community]
    count = await tx.responses.count(campaign.id)
    levels: dict[str, int] = {}
    baseline = None
    gaps = 0
    if bank.id == PREASSESSMENT:
        assessment = respondent_assessment(bank, answers)
        levels = {dimension: result.level for dimension, result in assessment.dimensions.items()}
        baseline = assessment.overall.level if assessment.overall else None
    else:
        gaps = len(checklist_result(bank, answers).gaps)
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
            levels=levels,
            baseline=baseline,
            provisional=is_provisional(count, community),
            gaps=gaps,
        )
        effects.append(Notify(coordinator.telegram_id, summary))
    if count >= low and await tx.campaigns.mark_target_reached(campaign.id):
        for coordinator in await tx.coordinators.of_campaign(campaign.id, include_muted=True):
            reached = TargetReached(
                locale=coordinator.locale, campaign=campaign.name, count=count, low=low, high=high
            )
            effects.append(Notify(coordinator.telegram_id, reached))
    return effects
