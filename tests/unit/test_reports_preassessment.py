"""Tests of bot.reports.preassessment: the coordinator's report of a preassessment campaign."""

from __future__ import annotations

import dataclasses
import json
import re
from fractions import Fraction as F

import pytest

from bot.i18n import Translator, translator
from bot.reports import (
    K_MIN,
    PreassessmentReport,
    build_preassessment_report,
    comment_keys,
    comments_text,
    preassessment_json,
    preassessment_text,
    priorities_text,
)
from bot.reports.preassessment import median
from bot.results import SELF_RATED_NOTE
from bot.scorecard_report import scorecard_json
from bot.storage.records import StoredResponse
from questions.loader import Library
from scoring import Decision, assess
from tests.helpers.report_samples import (
    BELIEFS,
    CAMPAIGN,
    DIVERSITY,
    LEVEL_QUESTIONS,
    ROWS,
    preassessment_responses,
)

TAG = re.compile(r"</?([a-z]+)[^>]*>")


@pytest.fixture(scope="module")
def report(library: Library) -> PreassessmentReport:
    return build_preassessment_report(CAMPAIGN, preassessment_responses(), library)


@pytest.fixture(scope="module")
def empty(library: Library) -> PreassessmentReport:
    return build_preassessment_report(CAMPAIGN, [], library)


@pytest.fixture(scope="module")
def text(report: PreassessmentReport, library: Library, en: Translator) -> str:
    return preassessment_text(report, library, en)


def with_sectors(*sectors: str | None) -> list[StoredResponse]:
    """The sample's first len(sectors) responses, with these sectors instead."""
    responses = preassessment_responses(len(sectors))
    return [
        dataclasses.replace(r, answers={**r.answers, "sector": s})
        for r, s in zip(responses, sectors, strict=True)
    ]


# --- scores, decision, Step 5 --------------------------------------------------------------------


def test_scores_are_the_guides_arithmetic_over_the_anchored_ratings(
    report: PreassessmentReport,
) -> None:
    # Independently of ratings_of(): one column of levels per dimension, "?" left out.
    scorecard = {
        letter: [None if row[2][i] == "?" else F(int(row[2][i])) for row in ROWS]
        for i, letter in enumerate("ABCDEFG")
    }
    assert report.assessment == assess(scorecard)
    assert report.assessment.dimensions["A"].score == F(34, 8)
    assert report.assessment.dimensions["B"].respondents == 7  # one "I don't know"
    assert report.assessment.overall is not None
    assert report.assessment.overall.level == 3
    assert report.assessment.decision is Decision.WAIT


def test_respondents_against_the_recommended_count(
    report: PreassessmentReport, library: Library
) -> None:
    assert (report.respondents, report.recommended, report.provisional) == (8, (6, 8), False)
    few = build_preassessment_report(CAMPAIGN, preassessment_responses(5), library)
    assert (few.respondents, few.provisional) == (5, True)
    urban = dataclasses.replace(CAMPAIGN, community_type="urban")
    eight_urban = build_preassessment_report(urban, preassessment_responses(), library)
    assert (eight_urban.recommended, eight_urban.provisional) == ((9, 12), True)


def test_spread_and_priorities_put_the_lowest_first(report: PreassessmentReport) -> None:
    assert report.spread is not None
    assert report.spread.lowest == ("C",)
    assert report.spread.highest == ("G",)
    assert report.spread.even is False
    # A and F tie at 4.25 and keep letter order.
    assert [p.dimension for p in report.priorities] == ["C", "E", "D", "A", "F", "B", "G"]
    assert [p.level for p in report.priorities] == [2, 3, 3, 4, 4, 4, 5]


# --- sectors: no group under 3 -------------------------------------------------------------------


def test_sector_coverage_names_only_groups_of_three_or_more(report: PreassessmentReport) -> None:
    sectors = report.sectors
    assert K_MIN == 3
    assert sectors.covered == [("schools", 3)]
    assert "police" in sectors.not_covered  # 2 respondents
    assert "faith" in sectors.not_covered  # 1 respondent
    assert "legal" in sectors.not_covered  # none
    assert sectors.not_covered[:3] == ["government", "health_center", "hospital"]  # bank order
    assert sectors.unstated is None  # 2 skipped it: hidden


def test_sectors_most_first_and_unstated_shown_from_three(library: Library) -> None:
    found = build_preassessment_report(
        CAMPAIGN,
        with_sectors("schools", "police", "police", "schools", "police", "police", "schools", None),
        library,
    )
    assert found.sectors.covered == [("police", 4), ("schools", 3)]
    assert found.sectors.unstated is None  # 1 skipped it: hidden
    none_skipped = build_preassessment_report(
        CAMPAIGN, with_sectors("schools", "schools", "schools"), library
    )
    assert none_skipped.sectors.unstated == 0
    three_skipped = build_preassessment_report(CAMPAIGN, with_sectors(None, None, None), library)
    assert three_skipped.sectors.unstated == 3


def test_a_two_respondent_sector_never_appears_with_a_count(
    report: PreassessmentReport, library: Library, text: str
) -> None:
    data = preassessment_json(report, library)
    assert [s["sector"] for s in data["sectors"]["covered"]] == ["schools"]
    police = [s for s in data["sectors"]["not_covered"] if s["sector"] == "police"]
    assert police == [{"sector": "police", "label": "Law enforcement"}]
    assert data["sectors"]["unstated"] is None
    # In the text, Law enforcement is named only in the "not yet heard from" list.
    lines = [line for line in text.splitlines() if "Law enforcement" in line]
    assert len(lines) == 1
    assert lines[0].startswith("Not yet heard from (none or fewer than 3):")
    assert not re.search(r"Law enforcement \(\d", text)
    assert "Schools (3)" in text
    assert "did not give a sector" in text
    assert "2 respondents did not give" not in text


# --- willingness and the 1-10 ratings ------------------------------------------------------------


def test_willingness_counts_every_option(
    report: PreassessmentReport, empty: PreassessmentReport
) -> None:
    assert report.willing == {"yes": 4, "maybe": 3, "no": 1}
    assert empty.willing == {"yes": 0, "maybe": 0, "no": 0}


def test_ratings_median_and_distribution(report: PreassessmentReport, library: Library) -> None:
    leaders, community = report.ratings
    assert (leaders.question_id, community.question_id) == ("leaders_concern", "community_concern")
    # Even counts: the mean of the two middle values, exactly.
    assert leaders.answered == 8
    assert leaders.median == F(9, 2)  # 2 3 3 4 | 5 5 6 7
    assert community.median == F(6)  # 4 5 5 6 | 6 7 8 9
    assert leaders.distribution == {1: 0, 2: 1, 3: 2, 4: 1, 5: 2, 6: 1, 7: 1, 8: 0, 9: 0, 10: 0}
    assert sum(community.distribution.values()) == 8
    # Odd counts: the middle value.
    seven = build_preassessment_report(CAMPAIGN, preassessment_responses(7), library)
    assert seven.ratings[0].median == F(4)  # 2 3 3 [4] 5 6 7
    assert seven.ratings[1].median == F(6)  # 4 5 5 [6] 6 7 8


def test_median_exactly() -> None:
    assert median([]) is None
    assert median([7]) == F(7)
    assert median([1, 2]) == F(3, 2)
    assert median([10, 1, 4]) == F(4)


# --- what respondents said -----------------------------------------------------------------------


def test_comments_are_grouped_by_dimension_in_bank_then_response_order(
    report: PreassessmentReport, library: Library
) -> None:
    comments = report.comments
    assert list(comments) == comment_keys(library) == ["community", *"ABCDEFG"]
    assert comments["E"] == [("community_beliefs", BELIEFS)] * 8
    assert [qid for qid, _ in comments["A"]] == ["diversity"] * 8 + ["underserved_reach"] * 8
    assert [text for _, text in comments["A"][:3]] == DIVERSITY
    assert len(comments["community"]) == 8
    # The skipped answer is left out, not shown as empty.
    assert [qid for qid, _ in comments["B"]].count("inequity_efforts") == 7
    # The 1-10 ratings' explanations sit with their dimension.
    assert ("leaders_concern_why", "The mayor spoke about it once.") in comments["D"]


def test_comments_text_shows_answers_only_escaped(
    report: PreassessmentReport, library: Library, en: Translator
) -> None:
    shown = comments_text(report, library, en, "A")
    assert shown.startswith("<b>What respondents said: A. Community equity</b>")
    assert "How would you describe the diversity of community members?" in shown
    assert "• Seasonal farm workers &lt;H-2A visas&gt; and their families." in shown
    assert "Michoacán &amp; seasonal workers" in shown
    assert shown.count("• ") == 16
    # No identity or other fields: no sector, language, date, stored id or other answers.
    for leaked in ("Schools", "schools", "2024-03", "r0", "Level", "Housing coalition"):
        assert leaked not in shown
    assert {m.group(1) for m in TAG.finditer(shown)} <= {"b", "i"}


def test_comments_text_for_the_community_definition(
    report: PreassessmentReport, library: Library, en: Translator
) -> None:
    shown = comments_text(report, library, en, "community")
    assert "how they define their community" in shown
    assert shown.count("• The county and the two towns along the river") == 8
    with pytest.raises(KeyError):
        comments_text(report, library, en, "Z")


# --- JSON ----------------------------------------------------------------------------------------


def test_json_shape(report: PreassessmentReport, library: Library) -> None:
    data = preassessment_json(report, library)
    json.dumps(data)  # serialisable as is
    assert data["campaign"] == {
        "id": "c1",
        "name": "Riverside County task force",
        "community_type": "rural",
        "flow": "preassessment",
        "closed": False,
    }
    assert (data["respondents"], data["recommended"], data["provisional"]) == (8, [6, 8], False)
    card = scorecard_json(report.assessment, library.model)
    for key in ("dimensions", "overall", "decision", "priorities"):
        assert data[key] == card[key]
    assert data["spread"] == {"lowest": ["C"], "highest": ["G"], "range": 2.5, "even": False}
    assert data["willing"] == {"yes": 4, "maybe": 3, "no": 1}
    leaders = data["ratings"]["leaders_concern"]
    assert leaders["answered"] == 8
    assert leaders["median"] == 4.5
    assert list(leaders["distribution"]) == [str(n) for n in range(1, 11)]
    assert data["ratings"]["community_concern"]["median"] == 6.0
    assert data["sectors"]["covered"] == [
        {"sector": "schools", "label": "Schools", "respondents": 3}
    ]


def test_json_labels_follow_the_language_and_ids_do_not(
    report: PreassessmentReport, library: Library
) -> None:
    english, spanish = (
        preassessment_json(report, library),
        preassessment_json(report, library, translator("es")),
    )
    assert spanish["sectors"]["covered"] == [
        {"sector": "schools", "label": "Escuelas", "respondents": 3}
    ]
    first = spanish["dimensions"][0]
    assert (first["id"], first["name"]) == ("A", "Equidad comunitaria")
    assert spanish["overall"]["stage"] == "Conciencia vaga"
    assert spanish["priorities"][0]["strategy"] == translator("es").gettext(
        english["priorities"][0]["strategy"]
    )
    assert spanish["decision_reading"].startswith("nivel general")
    # What a program reads is the same in both.
    for key in ("respondents", "decision", "spread", "willing", "ratings", "dont_know"):
        assert spanish[key] == english[key]


# --- Telegram text -------------------------------------------------------------------------------


def test_text_has_every_part_and_fits_a_message(text: str, en: Translator) -> None:
    assert len(text) < 3500 < 4096
    assert text.startswith("<b>Preassessment report: Riverside County task force</b>")
    assert "8 respondents (recommended for this community: 6 to 8)" in text
    assert "Provisional" not in text
    assert "A. Community equity: 4.25 · Level 4 · Preplanning (8 rated)" in text
    assert (
        "B. Existing community efforts: 4.57 · Level 4 · Preplanning (7 rated, 1 “I don't know”)"
        in text
    )
    assert "<b>Overall: 3.92 · Level 3 · Vague Awareness</b>" in text
    assert "Decision: wait." in text
    assert "3 of the seven dimensions are at levels 1-3." in text
    assert "The decision reads the overall level (cut, not rounded): 4 or above proceeds." in text
    assert "Some dimensions score lower than others" in text
    assert "Lowest: C. Community knowledge of the efforts (2.50)" in text
    assert text.index("1. C. Community knowledge") < text.index("2. E. Community climate")
    assert "Strategy: Discuss effective strategies" in text  # C's level 2 strategy
    assert "Willing to join the full assessment interviews: yes 4, maybe 3, no 1" in text
    assert "Median 4.5 (8 answers)" in text
    assert "2: 1 · 3: 2 · 4: 1 · 5: 2 · 6: 1 · 7: 1" in text
    assert "Appendix C: consider reaching out to a broader group" in text
    assert en.gettext(SELF_RATED_NOTE) in text
    assert {m.group(1) for m in TAG.finditer(text)} <= {"b", "i"}


def test_strategies_past_the_budget_move_to_the_priorities_view(
    report: PreassessmentReport, library: Library, en: Translator, text: str
) -> None:
    full = priorities_text(report, library, en)
    for priority in report.priorities:
        assert priority.strategy in full
    # The level 4 opening strategy once, though three dimensions are at level 4.
    opening = library.model.level(4).opening_strategy
    assert opening is not None
    assert full.count(opening) == 1
    # Lowest first keep theirs in the report; whatever is left out is pointed to.
    assert report.priorities[0].strategy in text
    if report.priorities[-1].strategy not in text:
        assert "see their level's strategies in Appendix F" in text


def test_text_marks_a_provisional_decision(library: Library, en: Translator) -> None:
    few = build_preassessment_report(CAMPAIGN, preassessment_responses(5), library)
    shown = preassessment_text(few, library, en)
    assert "Provisional: fewer respondents than the recommended minimum of 6." in shown
    assert "(Provisional) Decision:" in shown


def test_text_escapes_the_campaign_name(library: Library, en: Translator) -> None:
    odd = dataclasses.replace(CAMPAIGN, name="North & South <Valley>")
    shown = preassessment_text(
        build_preassessment_report(odd, preassessment_responses(), library), library, en
    )
    assert "North &amp; South &lt;Valley&gt;" in shown


def test_text_in_spanish(report: PreassessmentReport, library: Library) -> None:
    shown = preassessment_text(report, library, translator("es"))
    assert "Equidad comunitaria: 4,25 · Nivel 4 · Preplanificación" in shown
    assert len(shown) < 4096
    for heading in ("Preparación por dimensión", "Cómo se comparan las puntuaciones", "Sectores"):
        assert f"<b>{heading}</b>" in shown
    for english in ("Readiness by dimension", "How the scores compare", "Sectors"):
        assert english not in shown


def test_a_dimension_nobody_rated(library: Library, en: Translator) -> None:
    responses = [
        dataclasses.replace(r, answers={**r.answers, "level_e": "dont_know"})
        for r in preassessment_responses()
    ]
    found = build_preassessment_report(CAMPAIGN, responses, library)
    assert "E" not in found.assessment.dimensions
    assert found.assessment.overall is None
    shown = preassessment_text(found, library, en)
    assert "E. Community climate: not rated" in shown
    assert "Overall: needs a score for all seven dimensions." in shown
    assert "Decision:" not in shown


# --- no responses yet ----------------------------------------------------------------------------


def test_zero_responses(empty: PreassessmentReport, library: Library, en: Translator) -> None:
    assert (empty.respondents, empty.provisional) == (0, True)
    assert empty.assessment.dimensions == {}
    assert empty.assessment.overall is None
    assert (empty.spread, empty.priorities) == (None, [])
    assert empty.sectors.covered == []
    assert len(empty.sectors.not_covered) == 16
    assert empty.sectors.unstated == 0
    assert all(r.answered == 0 and r.median is None for r in empty.ratings)
    assert all(set(r.distribution.values()) == {0} for r in empty.ratings)
    assert all(listed == [] for listed in empty.comments.values())
    data = preassessment_json(empty, library)
    json.dumps(data)
    assert (data["overall"], data["decision"], data["spread"]) == (None, None, None)
    assert data["ratings"]["leaders_concern"]["median"] is None
    shown = preassessment_text(empty, library, en)
    assert "No responses yet." in shown
    assert "0 respondents" in shown
    assert "No answers yet." in comments_text(empty, library, en, "G")
    assert priorities_text(empty, library, en) == "No dimension has been rated yet."


def _with_leadership(values: list[object]) -> list[StoredResponse]:
    base = preassessment_responses(len(values))
    return [
        dataclasses.replace(r, answers={**r.answers, "level_d": value})
        for r, value in zip(base, values, strict=True)
    ]


def test_i_dont_know_is_evidence_not_silence(library: Library, en: Translator) -> None:
    """Six rural respondents, five cannot rate Leadership and one says 7: Leadership stands on
    one answer, so it is provisional, and so is the result; the report says why."""
    six = _with_leadership(["dont_know"] * 5 + [7])
    report = build_preassessment_report(CAMPAIGN, six, library)
    assert report.respondents == 6 and not report.provisional  # enough respondents
    assert report.unknown["D"] == 5
    assert report.thin == ("D",)
    assert report.result_provisional
    text = preassessment_text(report, library, en)
    assert (
        "D. Leadership: 7.00 · Level 7 · Stabilization (1 rated, 5 “I don't know”) · provisional"
        in text
    )
    assert "(Provisional) Decision:" in text
    assert "fewer than half of the respondents could rate D. Leadership" in text
    assert "reach out to a broader group of key respondents" in text
    data = preassessment_json(report, library)
    assert data["dont_know"]["D"] == 5
    assert data["provisional_dimensions"] == ["D"]
    assert data["result_provisional"] is True
    assert data["dimensions_below_4"] == report.below_4


def test_half_the_respondents_rating_is_not_provisional(library: Library) -> None:
    even = _with_leadership(["dont_know"] * 3 + [4, 5, 6])
    report = build_preassessment_report(CAMPAIGN, even, library)
    assert report.thin == ()
    assert not report.result_provisional


def test_half_steps_count_as_the_guide_scores_them(library: Library) -> None:
    """3.5 partly meets level 4: it averages as 3.5 and floors to level 3."""
    halves = _with_leadership([3.5] * 6)
    report = build_preassessment_report(CAMPAIGN, halves, library)
    leadership = report.assessment.dimensions["D"]
    assert (leadership.score, leadership.level) == (F(7, 2), 3)


def test_the_decision_names_the_dimensions_below_4(library: Library, en: Translator) -> None:
    """Four dimensions at 1 and three at 9 average 4.43, proceed: the report says four
    dimensions are at levels 1-3 beside the decision."""
    base = preassessment_responses(6)
    levels = dict(zip(LEVEL_QUESTIONS, [1, 1, 1, 1, 9, 9, 9], strict=True))
    split = [dataclasses.replace(r, answers={**r.answers, **levels}) for r in base]
    report = build_preassessment_report(CAMPAIGN, split, library)
    assert report.assessment.decision is Decision.PROCEED
    assert report.below_4 == 4
    text = preassessment_text(report, library, en)
    assert "Decision: proceed" in text
    assert "4 of the seven dimensions are at levels 1-3." in text
