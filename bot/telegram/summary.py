"""Coordinator summary sent on each completion: counts and levels, never identity or free text."""

from __future__ import annotations

import html
from collections.abc import Mapping

from bot.i18n import Translator, translator
from bot.render import stage_label
from bot.results import assessment_of, checklist_result, respondent_assessment
from bot.storage import repos
from bot.storage.repos import Conn
from bot.telegram import coordinator_texts, texts
from bot.telegram.presenter import Message
from questions.loader import Library
from questions.schema import Bank
from scoring import RECOMMENDED, Assessment, CommunityType, Decision, is_provisional


async def coordinator_summaries(
    db: Conn, library: Library, campaign_id: str, bank: Bank, answers: Mapping[str, object]
) -> list[tuple[int, Message]]:
    campaign = await repos.campaign_by_id(db, campaign_id)
    if campaign is None:
        return []
    coordinators = await repos.coordinators_of(db, campaign_id)
    if not coordinators:
        return []
    responses = await repos.responses_of(db, campaign_id)
    community = CommunityType(campaign.community_type)
    # Scored once; only the wording differs per coordinator.
    if bank.id == "preassessment":
        mine = respondent_assessment(bank, answers)
        everyone = assessment_of(bank, (r.answers for r in responses))
        gap_count = 0
    else:
        gap_count = len(checklist_result(bank, answers).gaps)
    low, high = RECOMMENDED[community]
    out = []
    for telegram_id, locale in coordinators:
        tr = translator(locale)
        lines = [
            f"<b>{_t(tr, texts.SUMMARY_TITLE, name=campaign.name)}</b>",
            _t(tr, texts.SUMMARY_COUNT, count=len(responses), low=low, high=high),
            "",
        ]
        if bank.id == "preassessment":
            lines += _levels(tr, library, mine, everyone)
            if is_provisional(len(responses), community):
                lines.append(_t(tr, texts.SUMMARY_PROVISIONAL))
        else:
            lines.append(_t(tr, texts.SUMMARY_GAPS, count=gap_count))
        out.append((telegram_id, Message("\n".join(lines))))
    return out


def _t(tr: Translator, message: str, **values: object) -> str:
    return html.escape(tr.gettext(message).format(**values))


def _levels(tr: Translator, library: Library, mine: Assessment, everyone: Assessment) -> list[str]:
    """This respondent's levels and baseline, then the campaign's overall level and decision."""
    model = library.model
    lines = [_t(tr, texts.SUMMARY_RESPONDENT)]
    for dimension in model.dimensions:
        result = mine.dimensions.get(dimension.id)
        shown = stage_label(tr, model, result.level) if result else "—"
        lines.append(html.escape(f"{dimension.id}. {tr.gettext(dimension.name)}: {shown}"))
    if mine.overall:
        lines.append(
            _t(tr, texts.SUMMARY_BASELINE, level=stage_label(tr, model, mine.overall.level))
        )
    else:
        lines.append(_t(tr, texts.SUMMARY_NO_BASELINE))
    lines.append("")
    if everyone.overall is None:
        lines.append(_t(tr, texts.SUMMARY_CAMPAIGN_NONE))
        return lines
    level = stage_label(tr, model, everyone.overall.level)
    lines.append(
        _t(tr, texts.SUMMARY_CAMPAIGN, score=tr.number(everyone.overall.score), level=level)
    )
    proceed = everyone.decision is Decision.PROCEED
    lines.append(_t(tr, texts.SUMMARY_PROCEED if proceed else texts.SUMMARY_WAIT))
    return lines


async def target_notices(db: Conn, campaign_id: str) -> list[tuple[int, Message]]:
    """Once, when completions first reach the recommended minimum for the community type."""
    campaign = await repos.campaign_by_id(db, campaign_id)
    if campaign is None:
        return []
    low, high = RECOMMENDED[CommunityType(campaign.community_type)]
    count = await repos.count_responses(db, campaign_id)
    if count < low or not await repos.mark_target_reached(db, campaign_id):
        return []
    return [
        (
            telegram_id,
            Message(
                _t(
                    translator(locale),
                    coordinator_texts.TARGET_REACHED,
                    name=campaign.name,
                    count=count,
                    low=low,
                    high=high,
                )
            ),
        )
        for telegram_id, locale in await repos.coordinators_of(db, campaign_id, include_muted=True)
    ]
