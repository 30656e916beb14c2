"""The scoring workbench against a real SQLite file: Appendix E from independent scores to a
finalised Calculated Scorecard, and a second round."""

from __future__ import annotations

import sqlite3
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from bot.services import workbench
from bot.services.workbench import Refusal
from bot.storage.db import Store
from bot.storage.repos import Repos, scoring
from bot.storage.repos.scoring import LABEL_ALPHABET
from questions.schema import DIMENSION_IDS
from tests.helpers.report_samples import WORKED_EXAMPLE

COORDINATOR, ANA, BEN, RITA, STRANGER = 100001, 200001, 200002, 300001, 999999

AGREED = WORKED_EXAMPLE


@pytest.fixture
async def store(tmp_path: Path) -> Store:
    opened = await Store.open(tmp_path / "w.db")
    yield opened  # type: ignore[misc]
    await opened.close()


async def full_assessment(store: Store, interviews: int = 3) -> str:
    async with store.transaction() as tx:
        campaign = await tx.campaigns.create(
            name="Lake County", community_type="rural", flow="full_assessment"
        )
        await tx.coordinators.add(COORDINATOR, campaign.id, "en")
        await tx.staff.add(campaign.id, "scorer", "Ana", telegram_id=ANA)
        await tx.staff.add(campaign.id, "scorer", "Ben", telegram_id=BEN)
        await tx.staff.add(campaign.id, "reviewer", "Rita", telegram_id=RITA)
        for number in range(interviews):
            await tx.responses.store(
                campaign_id=campaign.id,
                bank="full_assessment",
                bank_version=1,
                locale="en",
                answers={"a_demographic": f"notes {number}"},
                receipt_digest=f"digest-{number}",
                completed_on=date.today(),
            )
    return campaign.id


async def labels(store: Store, campaign_id: str) -> tuple[str, ...]:
    book = await workbench.workbook(store.read, campaign_id)
    assert book is not None
    return book.labels


async def score_all(tx: Repos, who: int, campaign_id: str, label: str, score: str) -> None:
    for dimension in DIMENSION_IDS:
        await workbench.put_score(tx, who, campaign_id, label, dimension, score)
    await workbench.hand_in(tx, who, campaign_id, label)


async def test_labels_are_short_random_and_unique(store: Store) -> None:
    campaign_id = await full_assessment(store, interviews=12)
    found = await labels(store, campaign_id)
    assert len(set(found)) == 12
    # Letters and digits of the label alphabet, a letter in each (so no label reads as "#7").
    assert all(len(label) == 4 and set(label) <= set(LABEL_ALPHABET) for label in found)
    assert not any(label.isdigit() for label in found)
    assert list(found) == sorted(found)  # listed by label: unrelated to when they happened


async def test_a_scorer_sees_only_her_own_until_she_has_handed_in_every_interview(
    store: Store,
) -> None:
    campaign_id = await full_assessment(store)
    first, second, third = await labels(store, campaign_id)
    async with store.transaction() as tx:
        await score_all(tx, BEN, campaign_id, first, "4.0")
        await score_all(tx, ANA, campaign_id, first, "5.0")
        await score_all(tx, ANA, campaign_id, second, "5.0")
    book = await workbench.workbook(store.read, campaign_id)
    assert book is not None
    ana = next(s for s in book.scorers if s.name == "Ana")
    assert not book.may_compare(ana)
    async with store.transaction() as tx:
        await score_all(tx, ANA, campaign_id, third, "5.0")
    book = await workbench.workbook(store.read, campaign_id)
    assert book is not None
    assert book.may_compare(ana)
    assert book.submitted["Ben"][(first, "A")] == Fraction(4)


async def test_a_handed_in_score_cannot_change(store: Store) -> None:
    campaign_id = await full_assessment(store)
    first, *_ = await labels(store, campaign_id)
    async with store.transaction() as tx:
        await score_all(tx, ANA, campaign_id, first, "3.5")
    with pytest.raises(Refusal) as refused:
        async with store.transaction() as tx:
            await workbench.put_score(tx, ANA, campaign_id, first, "A", "6")
    assert refused.value.message == workbench.ALREADY_SUBMITTED
    own = await workbench.own_scores(store.read, ANA, campaign_id, first)
    assert own["A"] == Fraction(7, 2)


@pytest.mark.parametrize("score", ["0.5", "9.5", "4.25", "four", ""])
async def test_a_score_off_the_guide_scale_is_refused(store: Store, score: str) -> None:
    campaign_id = await full_assessment(store)
    first, *_ = await labels(store, campaign_id)
    with pytest.raises(ValueError):
        async with store.transaction() as tx:
            await workbench.put_score(tx, ANA, campaign_id, first, "A", score)


async def test_only_the_campaigns_own_staff_act(store: Store) -> None:
    campaign_id = await full_assessment(store)
    first, *_ = await labels(store, campaign_id)
    attempts = [
        workbench.put_score(store.read, STRANGER, campaign_id, first, "A", "4"),
        workbench.put_score(store.read, RITA, campaign_id, first, "A", "4"),
        workbench.review_comment(store.read, ANA, campaign_id, "looks fine"),
        workbench.finalise(store.read, ANA, campaign_id),
        workbench.coordinator_comment(store.read, STRANGER, campaign_id, "hi"),
    ]
    for attempt in attempts:
        with pytest.raises(Refusal) as refused:
            await attempt
        assert refused.value.message == workbench.NOT_FOUND


async def test_the_whole_round_gives_the_guides_arithmetic(store: Store) -> None:
    campaign_id = await full_assessment(store)
    found = await labels(store, campaign_id)
    async with store.transaction() as tx:
        for label in found:
            await score_all(tx, ANA, campaign_id, label, "4.0")
            await score_all(tx, BEN, campaign_id, label, "5.0")
    async with store.transaction() as tx:
        for index, label in enumerate(found):
            for dimension in DIMENSION_IDS:
                score = AGREED[dimension][index]
                await workbench.propose_agreed(tx, ANA, campaign_id, label, dimension, score)
    with pytest.raises(Refusal) as refused:
        async with store.transaction() as tx:
            await workbench.confirm_agreed(tx, ANA, campaign_id, found[0], "A")
    assert refused.value.message == workbench.OWN_ENTRY
    with pytest.raises(Refusal) as refused:
        async with store.transaction() as tx:
            await workbench.finalise(tx, COORDINATOR, campaign_id)
    assert refused.value.message == workbench.UNAGREED
    async with store.transaction() as tx:
        for label in found:
            for dimension in DIMENSION_IDS:
                await workbench.confirm_agreed(tx, BEN, campaign_id, label, dimension)
    with pytest.raises(Refusal) as refused:
        async with store.transaction() as tx:
            await workbench.finalise(tx, COORDINATOR, campaign_id)
    assert refused.value.message == workbench.NO_REVIEW
    async with store.transaction() as tx:
        await workbench.review_comment(tx, RITA, campaign_id, "D looks generous.", "D")
        await workbench.coordinator_comment(
            tx, COORDINATOR, campaign_id, "Mostly police-led.", focus="criminal_justice"
        )
        result = await workbench.finalise(tx, COORDINATOR, campaign_id)
    # Computed apart from the product: mean of each row, floor; 29.5 / 7 = 4.21, level 4.
    means = {d: sum(Fraction(s) for s in AGREED[d]) / 3 for d in DIMENSION_IDS}
    assert {d: r.score for d, r in result.dimensions.items()} == means
    assert {d: r.level for d, r in result.dimensions.items()} == {
        d: int(m) for d, m in means.items()
    }
    assert result.overall is not None
    assert result.overall.score == Fraction(59, 14)
    assert result.overall.level == 4
    with pytest.raises(Refusal) as refused:
        async with store.transaction() as tx:
            await workbench.put_score(tx, ANA, campaign_id, found[0], "A", "6")
    assert refused.value.message == workbench.FINALISED

    async with store.transaction() as tx:
        second = await workbench.repeat(tx, COORDINATOR, campaign_id)
        rounds = await tx.campaigns.rounds(second.id)
        staff = await tx.staff.of_campaign(second.id)
    assert [c.id for c in rounds] == [campaign_id, second.id]
    assert second.respondent_token != rounds[0].respondent_token
    assert {(m.role, m.name) for m in staff} == {
        ("scorer", "Ana"),
        ("scorer", "Ben"),
        ("reviewer", "Rita"),
    }


async def test_paper_scorecards_import_by_label_or_number(store: Store) -> None:
    campaign_id = await full_assessment(store)
    found = await labels(store, campaign_id)
    grid = {d: [Fraction(4), Fraction(9, 2), None] for d in DIMENSION_IDS}
    async with store.transaction() as tx:
        scorer, count = await workbench.import_independent(
            tx, campaign_id, "Carla", ["#1", "#2", "#3"], grid
        )
    assert (scorer.name, scorer.telegram_id, count) == ("Carla", None, 2)
    book = await workbench.workbook(store.read, campaign_id)
    assert book is not None
    assert book.submitted["Carla"][(found[1], "G")] == Fraction(9, 2)
    assert book.handed_in(scorer) == found[:2]
    with pytest.raises(Refusal) as refused:
        async with store.transaction() as tx:
            await workbench.import_independent(tx, campaign_id, "Carla", [found[0]], grid)
    assert refused.value.message == workbench.ALREADY_SUBMITTED

    half = {d: [Fraction(4)] for d in DIMENSION_IDS if d != "C"}
    with pytest.raises(Refusal) as refused:
        async with store.transaction() as tx:
            await workbench.import_consensus(tx, campaign_id, [found[2]], half)
    assert refused.value.message == workbench.INCOMPLETE_SHEET
    async with store.transaction() as tx:
        agreed = {d: [Fraction(AGREED[d][i]) for i in range(3)] for d in DIMENSION_IDS}
        assert await workbench.import_consensus(tx, campaign_id, list(found), agreed) == 3
    book = await workbench.workbook(store.read, campaign_id)
    assert book is not None
    assert book.unagreed() == 0
    assert book.calculated().overall is not None


def test_a_label_always_has_a_letter_so_it_never_reads_as_a_column_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn = iter("7796" + "3467" + "K7QF")
    monkeypatch.setattr(scoring.secrets, "choice", lambda alphabet: next(drawn))
    assert scoring.fresh_label(set()) == "K7QF"


async def test_a_label_of_digits_drawn_by_an_earlier_version_imports_as_that_interview(
    store: Store, tmp_path: Path
) -> None:
    campaign_id = await full_assessment(store)
    first = (await labels(store, campaign_id))[0]
    with sqlite3.connect(tmp_path / "w.db") as db:
        db.execute("UPDATE responses SET label = '7796' WHERE label = ?", (first,))
    grid = {d: [Fraction(4)] for d in DIMENSION_IDS}
    async with store.transaction() as tx:
        scorer, count = await workbench.import_independent(tx, campaign_id, "Carla", ["7796"], grid)
    book = await workbench.workbook(store.read, campaign_id)
    assert book is not None and count == 1
    assert book.handed_in(scorer) == ("7796",)


@pytest.mark.parametrize("column", ["#4", "ZZZZ", "0"])
async def test_a_column_for_no_interview_is_refused(store: Store, column: str) -> None:
    campaign_id = await full_assessment(store)
    grid = {d: [Fraction(4)] for d in DIMENSION_IDS}
    with pytest.raises(Refusal) as refused:
        async with store.transaction() as tx:
            await workbench.import_independent(tx, campaign_id, "Carla", [column], grid)
    assert refused.value.message == workbench.UNKNOWN_INTERVIEW
    book = await workbench.workbook(store.read, campaign_id)
    assert book is not None and "Carla" not in {s.name for s in book.scorers}


async def test_erasing_an_interview_takes_its_scores_with_it(store: Store) -> None:
    campaign_id = await full_assessment(store)
    first, *_ = await labels(store, campaign_id)
    async with store.transaction() as tx:
        await score_all(tx, ANA, campaign_id, first, "4.0")
        assert await tx.responses.erase("digest-0") or await tx.responses.erase("digest-1")
    book = await workbench.workbook(store.read, campaign_id)
    assert book is not None
    assert len(book.interviews) == 2


async def test_an_unknown_dimension_is_refused_and_nothing_is_stored(store: Store) -> None:
    campaign_id = await full_assessment(store)
    first, *_ = await labels(store, campaign_id)
    attempts = [
        workbench.put_score(store.read, ANA, campaign_id, first, "H", "4"),
        workbench.review_comment(store.read, RITA, campaign_id, "Fine.", "Z"),
    ]
    for attempt in attempts:
        with pytest.raises(Refusal) as refused:
            await attempt
        assert refused.value.message == workbench.UNKNOWN_DIMENSION
    book = await workbench.workbook(store.read, campaign_id)
    assert book is not None and book.comments == ()
