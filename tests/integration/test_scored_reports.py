"""The coordinator's scored reports built from a real SQLite file: a preassessment scored by two
scorers and finalised, its self-ratings beside it, its scorecard files, and a second round."""

from __future__ import annotations

import io
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.channels.telegram.presenter import Document, Photo, Presenter, Text
from bot.reports.scored import SCORED, SUGGESTED
from bot.services import workbench
from bot.services.reports import Reports
from bot.services.views import ReportRequest
from bot.storage.db import Store
from questions.loader import default_library
from questions.schema import DIMENSION_IDS
from tests.helpers.report_samples import preassessment_answers
from tests.integration.test_workbench import AGREED, ANA, BEN, COORDINATOR, RITA, score_all

LIBRARY = default_library()
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def store(tmp_path: Path) -> Store:
    opened = await Store.open(tmp_path / "r.db")
    yield opened  # type: ignore[misc]
    await opened.close()


async def preassessment(store: Store, respondents: int, previous: str | None = None) -> str:
    async with store.transaction() as tx:
        if previous is None:
            campaign = await tx.campaigns.create(
                name="Riverside", community_type="rural", flow="preassessment"
            )
            await tx.coordinators.add(COORDINATOR, campaign.id, "en")
            await tx.staff.add(campaign.id, "scorer", "Ana", telegram_id=ANA)
            await tx.staff.add(campaign.id, "scorer", "Ben", telegram_id=BEN)
            await tx.staff.add(campaign.id, "reviewer", "Rita", telegram_id=RITA)
        else:
            campaign = await workbench.repeat(tx, COORDINATOR, previous)
        for number in range(respondents):
            await tx.responses.store(
                campaign_id=campaign.id,
                bank="preassessment",
                bank_version=2,
                locale="en",
                answers=preassessment_answers(number),
                receipt_digest=f"{campaign.id}-{number}",
                completed_on=date.today(),
            )
    return campaign.id


async def scored_and_final(store: Store, campaign_id: str) -> None:
    book = await workbench.workbook(store.read, campaign_id)
    assert book is not None
    async with store.transaction() as tx:
        for label in book.labels:
            await score_all(tx, ANA, campaign_id, label, "4.0")
            await score_all(tx, BEN, campaign_id, label, "4.5")
        for index, label in enumerate(book.labels):
            for dimension in DIMENSION_IDS:
                score = AGREED[dimension][index]
                await workbench.propose_agreed(tx, ANA, campaign_id, label, dimension, score)
                await workbench.confirm_agreed(tx, BEN, campaign_id, label, dimension)
        await workbench.review_comment(tx, RITA, campaign_id, "D looks generous.", "D")
        await workbench.coordinator_comment(tx, COORDINATOR, campaign_id, "", focus="both")
        await workbench.finalise(tx, COORDINATOR, campaign_id)


def request(kind: str, campaign_id: str, locale: str = "en") -> ReportRequest:
    return ReportRequest(locale=locale, kind=kind, campaign_id=campaign_id)  # type: ignore[arg-type]


async def test_the_scored_result_beside_the_self_ratings(store: Store) -> None:
    campaign_id = await preassessment(store, 3)
    await scored_and_final(store, campaign_id)
    reports = Reports(LIBRARY)
    material = await reports.material(store.read, request("scorecard", campaign_id))
    report = material.scored
    assert report is not None and report.final and report.unagreed == 0
    assert report.assessment.overall is not None
    assert report.assessment.overall.score == Fraction(59, 14)  # 29.5 / 7, level 4
    assert report.respondents == 3 and report.suggested is not None
    # The sample's first three respondents rated A 4, 5, 4: mean 4.33, level 4; scored 4.5.
    assert report.comparison[0].suggested == 4 and report.comparison[0].scored == 4
    assert [p.dimension for p in report.priorities][:2] == ["D", "E"]
    assert material.png is not None and material.png[:8] == PNG_SIGNATURE

    sent = Presenter(LIBRARY).deferred(request("scorecard", campaign_id), material)
    text = "\n".join(part.text for part in sent if isinstance(part, Text))
    assert isinstance(sent[-1], Photo)
    assert "Final" in text and "Rita, reviewer (D)" in text
    assert "criminal justice and public health responses" in text
    assert "self-rated" in text and "Of 21 scores given by two scorers" in text


async def test_the_scorecard_files(store: Store) -> None:
    campaign_id = await preassessment(store, 3)
    await scored_and_final(store, campaign_id)
    material = await Reports(LIBRARY).material(store.read, request("scorecards", campaign_id, "es"))
    names = [name for name, _ in material.files]
    assert len(names) == 5 and names[-1].endswith(".xlsx")
    sent = Presenter(LIBRARY).deferred(request("scorecards", campaign_id, "es"), material)
    assert all(isinstance(part, Document) and part.caption for part in sent)
    sheets = load_workbook(io.BytesIO(material.files[-1][1]))
    calculated = sheets.worksheets[-1]
    assert calculated.cell(1, 1).value == "Tabla de puntuaciones calculada"
    assert calculated.cell(11, 5).value == 4.21 and calculated.cell(11, 6).value == 4


async def test_the_trend_over_a_scored_round_and_a_self_rated_one(store: Store) -> None:
    first = await preassessment(store, 3)
    await scored_and_final(store, first)
    second = await preassessment(store, 4, previous=first)
    material = await Reports(LIBRARY).material(store.read, request("trend", second))
    trend = material.trend
    assert trend is not None
    assert [(r.campaign_id, r.source) for r in trend.rounds] == [
        (first, SCORED),
        (second, SUGGESTED),
    ]
    assert trend.rounds[0].overall == 4
    assert material.png is not None and material.png[:8] == PNG_SIGNATURE
    sent = Presenter(LIBRARY).deferred(request("trend", second), material)
    text = "\n".join(part.text for part in sent if isinstance(part, Text))
    assert "Round 2" in text and "self-rated (suggested)" in text


async def test_a_campaign_nobody_scored(store: Store) -> None:
    campaign_id = await preassessment(store, 2)
    material = await Reports(LIBRARY).material(store.read, request("scorecard", campaign_id))
    assert material.scored is not None and material.png is None
    assert material.scored.suggested is None  # two respondents' self-ratings are not shown
    sent = Presenter(LIBRARY).deferred(request("scorecard", campaign_id), material)
    assert all(isinstance(part, Text) for part in sent)
    assert "Provisional: 14 agreed scores" in sent[0].text  # type: ignore[union-attr]
