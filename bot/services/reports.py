"""Builds what a deferred view needs from committed data: report data, chart PNG, files.

Runs when the outbox delivers the view: reads through the read connection (never under the
write lock) and does the CPU-heavy part (scoring a large campaign, matplotlib, openpyxl) in a
worker thread, so answers keep flowing while a coordinator's report is made.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.i18n import DEFAULT_LOCALE, Translator, language_name, translator
from bot.privacy import Sealer
from bot.reports import (
    CapacityReport,
    PreassessmentReport,
    build_capacity_report,
    build_preassessment_report,
    export_table,
    lettering,
    readiness_chart,
    to_csv,
    to_xlsx,
)
from bot.reports.scored import (
    PREASSESSMENT,
    ScoredReport,
    Trend,
    build_scored_report,
    round_levels,
    scorecard_files,
)
from bot.reports.scored_chart import scored_chart, trend_chart
from bot.services import volunteers
from bot.services.views import Notice, ReportRequest
from bot.services.workbench import Workbook, workbook
from bot.storage.records import Campaign, StoredResponse
from bot.storage.repos import Repos
from questions.loader import Library

CAPACITY = "capacity_checklist"
SCORED_KINDS = ("scorecard", "scorecards")


def chart_translator(locale: str) -> Translator:
    """The coordinator's language where the installed fonts can draw it, else English (Chinese
    and Korean on a server without a CJK font); the report's text stays in her language."""
    return translator(locale if lettering.draws(language_name(locale)) else DEFAULT_LOCALE)


@dataclass(frozen=True)
class Material:
    """Everything a presenter needs to render one deferred view; no I/O left to do."""

    campaign: Campaign | None
    preassessment: PreassessmentReport | None = None
    capacity: CapacityReport | None = None
    png: bytes | None = None
    files: tuple[tuple[str, bytes], ...] = ()
    count: int = 0
    volunteers: tuple[tuple[str, str, str], ...] = ()
    """(id, contact, day) of each volunteer: only in the volunteers' own listing."""
    scored: ScoredReport | None = None
    """The scored result (Appendix E steps 8-11), for "scorecard"."""
    trend: Trend | None = None
    """Each round's levels, for "trend"."""


@dataclass(frozen=True)
class RoundRead:
    """One round of re-assessment as read: its workbook where it was finalised, its responses
    where it is a preassessment round not finalised (their self-ratings stand in)."""

    campaign: Campaign
    book: Workbook | None = None
    responses: tuple[StoredResponse, ...] = ()


async def read_rounds(read: Repos, campaign_id: str) -> list[RoundRead]:
    """Every round of the assessment `campaign_id` belongs to, first first. A handful of rounds
    at most (one every six months), so one read per round is no N+1 worth a join."""
    found = []
    for campaign in await read.campaigns.rounds(campaign_id):
        if campaign.finalised_at is not None:
            found.append(RoundRead(campaign, book=await workbook(read, campaign.id)))
        elif campaign.flow == PREASSESSMENT:
            responses = tuple(await read.responses.of_campaign(campaign.id))
            found.append(RoundRead(campaign, responses=responses))
        else:
            found.append(RoundRead(campaign))
    return found


def build_trend(name: str, rounds: list[RoundRead], library: Library) -> Trend:
    """Pure: each round's levels, scored where finalised, else self-rated where it can be."""
    levels = []
    for number, found in enumerate(rounds, start=1):
        calculated = found.book.calculated() if found.book is not None else None
        suggested, respondents = None, 0
        if found.responses:
            pre = build_preassessment_report(found.campaign, found.responses, library)
            suggested, respondents = pre.assessment, pre.respondents
        levels.append(round_levels(number, found.campaign, calculated, suggested, respondents))
    return Trend(name, tuple(levels))


@dataclass
class Reports:
    library: Library
    sealer: Sealer | None = None
    """Opens the volunteers' contacts; without it their listing stays empty."""

    async def material(self, read: Repos, view: Notice | ReportRequest) -> Material:
        if not isinstance(view, ReportRequest):
            return Material(campaign=None)  # made whole when the notice was queued
        campaign_id = view.campaign_id
        campaign = await read.campaigns.by_id(campaign_id)
        if campaign is None:
            return Material(campaign=None)
        if view.kind == "volunteers":
            # Apart from every report: no answer is read, no contact is in any other view.
            stored = await read.volunteers.of_campaign(campaign_id)
            opened = volunteers.opened(self.sealer, stored) if self.sealer else ()
            return Material(campaign, volunteers=opened, count=len(opened))
        if view.kind in SCORED_KINDS:
            book = await workbook(read, campaign_id)
            assert book is not None  # the campaign was just read, and nothing deletes one
            # The self-ratings beside the scored levels: a preassessment's own answers.
            wanted = view.kind == "scorecard" and campaign.flow == PREASSESSMENT
            responses = await read.responses.of_campaign(campaign_id) if wanted else []
            return await asyncio.to_thread(self._scored, view, book, responses)
        if view.kind == "trend":
            rounds = await read_rounds(read, campaign_id)
            return await asyncio.to_thread(self._trend, view, campaign, rounds)
        responses = await read.responses.of_campaign(campaign_id)
        return await asyncio.to_thread(self._build, view, campaign, responses)

    def _scored(
        self, view: ReportRequest, book: Workbook, responses: list[StoredResponse]
    ) -> Material:
        """In a worker thread: the scorecard files, or the scored result and its chart."""
        tr = translator(view.locale)
        model = self.library.model
        campaign = book.campaign
        if view.kind == "scorecards":
            files = scorecard_files(book, model, tr)
            return Material(campaign, files=files, count=len(book.labels))
        suggested, respondents = None, 0
        if responses:
            pre = build_preassessment_report(campaign, responses, self.library)
            suggested, respondents = pre.assessment, pre.respondents
        report = build_scored_report(book, model, suggested=suggested, respondents=respondents)
        has_levels = bool(report.assessment.dimensions)
        png = (
            scored_chart(report, self.library, chart_translator(view.locale))
            if has_levels
            else None
        )
        return Material(campaign, scored=report, png=png, count=report.interviews)

    def _trend(self, view: ReportRequest, campaign: Campaign, rounds: list[RoundRead]) -> Material:
        trend = build_trend(campaign.name, rounds, self.library)
        png = trend_chart(trend, self.library, chart_translator(view.locale))
        return Material(campaign, trend=trend, png=png, count=len(trend.rounds))

    def _build(
        self, view: ReportRequest, campaign: Campaign, responses: list[StoredResponse]
    ) -> Material:
        """In a worker thread: pure functions over data already read."""
        count = len(responses)
        if view.kind == "export":
            table = export_table(campaign, responses, self.library)
            stem = f"readiness-{campaign.id}"
            files = ((f"{stem}.csv", to_csv(table)), (f"{stem}.xlsx", to_xlsx(table)))
            return Material(campaign, files=files, count=count)
        if campaign.flow == CAPACITY:
            report = build_capacity_report(campaign, responses, self.library)
            return Material(campaign, capacity=report, count=count)
        pre = build_preassessment_report(campaign, responses, self.library)
        if view.kind == "chart":
            png = readiness_chart(pre, self.library, chart_translator(view.locale))
            return Material(campaign, preassessment=pre, png=png, count=count)
        return Material(campaign, preassessment=pre, count=count)
