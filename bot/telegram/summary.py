"""Coordinator summary sent on each completion: counts and levels, never identity or free text."""

from __future__ import annotations

import html
from collections.abc import Mapping

from bot.i18n import translator
from bot.render import stage_label
from bot.results import checklist_result, ratings_of
from bot.storage import repos
from bot.storage.repos import Conn
from bot.telegram import coordinator_texts, texts
from bot.telegram.presenter import Message
from questions.loader import Library
from questions.schema import Bank
from scoring import (
    RECOMMENDED,
    CommunityType,
    Decision,
    assess,
    combine_respondents,
    is_provisional,
    scores_from_ratings,
)


async def coordinator_summaries(
    db: Conn, library: Library, campaign_id: str, bank: Bank, answers: Mapping[str, object]
) -> list[tuple[int, Message]]:
    campaign = await repos.campaign_by_id(db, campaign_id)
    if campaign is None:
        return []
    responses = await repos.responses_of(db, campaign_id)
    community = CommunityType(campaign.community_type)
    low, high = RECOMMENDED[community]
    model = library.model
    out = []
    for telegram_id, locale in await repos.coordinators_of(db, campaign_id):
        tr = translator(locale)
        lines = [
            "<b>"
            + html.escape(tr.gettext(texts.SUMMARY_TITLE).format(name=campaign.name))
            + "</b>",
            html.escape(
                tr.gettext(texts.SUMMARY_COUNT).format(count=len(responses), low=low, high=high)
            ),
            "",
        ]
        if bank.id == "preassessment":
            mine = assess(combine_respondents([scores_from_ratings(ratings_of(bank, answers))]))
            lines.append(html.escape(tr.gettext(texts.SUMMARY_RESPONDENT)))
            for dimension in model.dimensions:
                result = mine.dimensions.get(dimension.id)
                shown = stage_label(tr, model, result.level) if result else "—"
                lines.append(html.escape(f"{dimension.id}. {tr.gettext(dimension.name)}: {shown}"))
            if mine.overall:
                lines.append(
                    html.escape(
                        tr.gettext(texts.SUMMARY_BASELINE).format(
                            level=stage_label(tr, model, mine.overall.level)
                        )
                    )
                )
            else:
                lines.append(html.escape(tr.gettext(texts.SUMMARY_NO_BASELINE)))
            everyone = assess(
                combine_respondents(
                    scores_from_ratings(ratings_of(bank, r.answers)) for r in responses
                )
            )
            lines.append("")
            if everyone.overall is None:
                lines.append(html.escape(tr.gettext(texts.SUMMARY_CAMPAIGN_NONE)))
            else:
                lines.append(
                    html.escape(
                        tr.gettext(texts.SUMMARY_CAMPAIGN).format(
                            score=tr.number(everyone.overall.score),
                            level=stage_label(tr, model, everyone.overall.level),
                        )
                    )
                )
                decision = (
                    texts.SUMMARY_PROCEED
                    if everyone.decision is Decision.PROCEED
                    else texts.SUMMARY_WAIT
                )
                lines.append(html.escape(tr.gettext(decision)))
            if is_provisional(len(responses), community):
                lines.append(html.escape(tr.gettext(texts.SUMMARY_PROVISIONAL)))
        else:
            gap_count = len(checklist_result(bank, answers).gaps)
            lines.append(html.escape(tr.gettext(texts.SUMMARY_GAPS).format(count=gap_count)))
        out.append((telegram_id, Message("\n".join(lines))))
    return out


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
                html.escape(
                    translator(locale)
                    .gettext(coordinator_texts.TARGET_REACHED)
                    .format(name=campaign.name, count=count, low=low, high=high)
                )
            ),
        )
        for telegram_id, locale in await repos.coordinators_of(db, campaign_id, include_muted=True)
    ]
