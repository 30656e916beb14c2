"""Builds what a deferred view needs from committed data: report data, chart PNG, files.

Runs when the outbox delivers the view: reads through the read connection (never under the
write lock) and does the CPU-heavy part (scoring a large campaign, matplotlib, openpyxl) in a
worker thread, so answers keep flowing while a coordinator's report is made.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.i18n import translator
from bot.privacy import Sealer
from bot.reports import (
    CapacityReport,
    PreassessmentReport,
    build_capacity_report,
    build_preassessment_report,
    export_table,
    readiness_chart,
    to_csv,
    to_xlsx,
)
from bot.services import volunteers
from bot.services.views import Notice, ReportRequest
from bot.storage.records import Campaign, StoredResponse
from bot.storage.repos import Repos
from questions.loader import Library

CAPACITY = "capacity_checklist"


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
        responses = await read.responses.of_campaign(campaign_id)
        return await asyncio.to_thread(self._build, view, campaign, responses)

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
            png = readiness_chart(pre, self.library, translator(view.locale))
            return Material(campaign, preassessment=pre, png=png, count=count)
        return Material(campaign, preassessment=pre, count=count)
