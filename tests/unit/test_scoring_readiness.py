"""Tests of scoring.readiness against the guide's Appendix E and Step 5."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questions.schema import DIMENSION_IDS
from scoring import (
    HALF,
    RECOMMENDED,
    CommunityType,
    Decision,
    DimensionResult,
    OverallResult,
    Priority,
    ScoreError,
    Spread,
    assess,
    check_score,
    combine_respondents,
    decide,
    dimension_result,
    format_score,
    is_provisional,
    level_of,
    overall_result,
    parse_score,
    priorities,
    scores_from_ratings,
    spread,
)
from tests.helpers.models import goal_text, make_readiness_model, opening_text, strategy_text

# Appendix E step 9's calculated dimension scores.
GUIDE_SCORES = dict(
    zip(DIMENSION_IDS, ("4.5", "4.0", "5.0", "2.5", "3.0", "6.0", "4.5"), strict=True)
)


def result(dimension: str, score: str) -> DimensionResult:
    """A one-respondent result with the given score."""
    made = dimension_result(dimension, [parse_score(score)])
    assert made is not None
    return made


def guide_results() -> dict[str, DimensionResult]:
    return {d: result(d, s) for d, s in GUIDE_SCORES.items()}


# --- parse_score / check_score / level_of ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("4.5", F(9, 2)), ("4", F(4)), (" 7.0 ", F(7)), ("1", F(1)), ("9.0", F(9)), ("1.50", F(3, 2))],
)
def test_parse_score_accepts_plain_half_steps(text: str, expected: F) -> None:
    assert parse_score(text) == expected
    assert type(parse_score(text)) is F


@pytest.mark.parametrize(
    "text",
    ["3.3", "9.5", "0", "0.5", "10", "abc", "", "   ", "nan", "inf", "1e1", "-4", "+4", "4.", ".5",
     "9/2", "4,55", "٤", "4.5.0", "4 .5"],
)  # fmt: skip
def test_parse_score_rejects_anything_but_a_level(text: str) -> None:
    with pytest.raises(ScoreError):
        parse_score(text)


def test_score_error_is_a_value_error_with_a_readable_message() -> None:
    with pytest.raises(ValueError, match=r"^9\.5 is not a level \(1 to 9 in steps of 0\.5\)$"):
        parse_score("9.5")


def test_check_score() -> None:
    assert check_score(F(9, 2)) == F(9, 2)
    for bad in (F(19, 2), F(1, 2), F(10, 3), F(0), F(-1)):
        with pytest.raises(ScoreError):
            check_score(bad)


def test_check_score_refuses_floats_and_bools() -> None:
    with pytest.raises(TypeError):
        check_score(4.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        check_score(True)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (F(421, 100), 4),
        (F(29, 10), 2),
        (F(59, 14), 4),
        (F(4), 4),
        (F(5) - F(1, 10**9), 4),
        (F(1), 1),
        (F(9), 9),
        (F(17, 2), 8),
        (F(3, 2), 1),
    ],
)
def test_level_of_floors_and_never_rounds(score: F, level: int) -> None:
    assert level_of(score) == level


@pytest.mark.parametrize("score", [F(0), F(1) - F(1, 10**9), F(9) + F(1, 10**9), F(10)])
def test_level_of_refuses_scores_outside_1_to_9(score: F) -> None:
    with pytest.raises(ValueError):
        level_of(score)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(F(9, 2), "4.5"), (F(4), "4.0"), (F(19, 2), "9.5"), (F(-1, 2), "-0.5"), (F(10, 3), "10/3")],
)
def test_format_score(value: F, shown: str) -> None:
    assert format_score(value) == shown


# --- dimension and overall results ----------------------------------------------------------


def test_appendix_e_step_8_example() -> None:
    # "total for dimension A = 32 ÷ 8 interviews = 4.0"
    scores = [F(4), F(9, 2), F(7, 2), F(4), F(5), F(3), F(4), F(4)]
    assert dimension_result("A", scores) == DimensionResult("A", F(32), 8, F(4), 4)


def test_averages_just_under_a_level_floor_down() -> None:
    # 3 + 3 + 2.5 + 3 + 3 + 3 + 3 + 3 + 3 + 3 = 29.5 over 10 = 2.95
    scores = [F(3)] * 9 + [F(5, 2)]
    made = dimension_result("B", scores)
    assert made == DimensionResult("B", F(59, 2), 10, F(59, 20), 2)
    # 3 + 3 + 2.5 = 8.5 over 3 = 2.8333...
    assert dimension_result("B", [F(3), F(3), F(5, 2)]) == DimensionResult(
        "B", F(17, 2), 3, F(17, 6), 2
    )


def test_dimension_result_none_when_nobody_scored() -> None:
    assert dimension_result("C", []) is None


def test_dimension_result_checks_values_and_dimension() -> None:
    with pytest.raises(ScoreError):
        dimension_result("A", [F(4), F(19, 2)])
    with pytest.raises(ValueError, match="dimension"):
        dimension_result("H", [F(4)])


def test_the_guides_worked_example() -> None:
    overall = overall_result(guide_results())
    assert overall == OverallResult(F(59, 14), 4)
    assert overall is not None
    assert overall.score == F(295, 10) / 7
    assert decide(overall.level) is Decision.PROCEED


def test_overall_averages_scores_not_levels() -> None:
    # Levels alone (4+4+5+2+3+6+4 = 28) would give exactly 4; the scores give 59/14.
    overall = overall_result(guide_results())
    assert overall is not None
    assert overall.score != F(28, 7)


def test_overall_needs_all_seven_dimensions() -> None:
    results = guide_results()
    del results["D"]
    assert overall_result(results) is None
    assert overall_result({}) is None


def test_overall_refuses_unknown_dimensions() -> None:
    with pytest.raises(ValueError):
        overall_result({**guide_results(), "H": result("A", "4")})


@pytest.mark.parametrize(
    ("level", "decision"),
    [(1, Decision.WAIT), (3, Decision.WAIT), (4, Decision.PROCEED), (9, Decision.PROCEED)],
)
def test_decide(level: int, decision: Decision) -> None:
    assert decide(level) is decision


@pytest.mark.parametrize("level", [0, 10, -1])
def test_decide_refuses_non_levels(level: int) -> None:
    with pytest.raises(ValueError):
        decide(level)


def test_recommended_respondents_follow_step_2() -> None:
    assert RECOMMENDED == {
        CommunityType.RURAL: (6, 8),
        CommunityType.SUBURBAN: (9, 12),
        CommunityType.URBAN: (9, 12),
    }


@pytest.mark.parametrize("community_type", list(CommunityType))
def test_provisional_below_the_recommended_minimum(community_type: CommunityType) -> None:
    minimum = RECOMMENDED[community_type][0]
    assert is_provisional(0, community_type)
    assert is_provisional(minimum - 1, community_type)
    assert not is_provisional(minimum, community_type)
    assert not is_provisional(RECOMMENDED[community_type][1] + 5, community_type)


def test_provisional_refuses_negative_counts() -> None:
    with pytest.raises(ValueError):
        is_provisional(-1, CommunityType.RURAL)


# --- assess, ratings and combining respondents ----------------------------------------------


def test_assess_the_guides_example_from_eight_respondents() -> None:
    # Each row's average is the guide's calculated score for that dimension.
    rows = {
        "A": ["4.5"] * 8,
        "B": ["4", "4.5", "3.5", "4", "5", "3", "4", "4"],
        "C": ["5"] * 8,
        "D": ["2", "3"] * 4,
        "E": ["3"] * 8,
        "F": ["6", "6.5", "5.5", "6", "6", "6", "6", "6"],
        "G": ["4", "5"] * 4,
    }
    scorecard = {d: [parse_score(v) for v in values] for d, values in rows.items()}
    assessment = assess(scorecard)
    assert [r.score for r in assessment.dimensions.values()] == [
        parse_score(s) for s in GUIDE_SCORES.values()
    ]
    assert assessment.dimensions["B"] == DimensionResult("B", F(32), 8, F(4), 4)
    assert assessment.overall == OverallResult(F(59, 14), 4)
    assert assessment.decision is Decision.PROCEED


def test_assess_leaves_unscored_entries_out_of_the_count() -> None:
    assessment = assess({"A": [F(4), None, F(5)], "C": [None, None], "B": [F(2)]})
    assert assessment.dimensions == {
        "A": DimensionResult("A", F(9), 2, F(9, 2), 4),
        "B": DimensionResult("B", F(2), 1, F(2), 2),
    }
    assert list(assessment.dimensions) == ["A", "B"]
    assert assessment.overall is None
    assert assessment.decision is None


def test_assess_a_low_community_waits() -> None:
    assessment = assess({d: [F(3), F(7, 2)] for d in DIMENSION_IDS})
    assert assessment.overall == OverallResult(F(13, 4), 3)
    assert assessment.decision is Decision.WAIT


def test_assess_checks_every_value() -> None:
    with pytest.raises(ScoreError):
        assess({"A": [F(4), F(10)]})
    with pytest.raises(ValueError):
        assess({"Z": [F(4)]})


def test_scores_from_ratings() -> None:
    ratings: dict[str, int | None] = {"C": 5, "A": 3, "B": None, "G": 9}
    scores = scores_from_ratings(ratings)
    assert scores == {"A": F(3), "C": F(5), "G": F(9)}
    assert list(scores) == ["A", "C", "G"]


@pytest.mark.parametrize("bad", [0, 10, F(7, 3)])
def test_scores_from_ratings_validates(bad: int) -> None:
    with pytest.raises(ScoreError):
        scores_from_ratings({"A": bad})


def test_self_ratings_take_half_steps() -> None:
    assert scores_from_ratings({"A": F(7, 2), "B": 4}) == {"A": F(7, 2), "B": F(4)}


@pytest.mark.parametrize("bad", [True, 4.5])
def test_scores_from_ratings_refuses_bools_and_floats(bad: object) -> None:
    with pytest.raises(TypeError):
        scores_from_ratings({"A": bad})  # type: ignore[dict-item]


def test_a_decimal_comma_is_a_decimal_point() -> None:
    assert parse_score("4,5") == F(9, 2)


def test_scores_from_ratings_refuses_unknown_dimensions() -> None:
    with pytest.raises(ValueError):
        scores_from_ratings({"a": 3})


def test_combine_respondents() -> None:
    first = scores_from_ratings({"A": 3, "B": 4})
    second = scores_from_ratings({"A": 5, "G": 2})
    scorecard = combine_respondents([first, second])
    assert scorecard == {
        "A": [F(3), F(5)],
        "B": [F(4), None],
        "C": [None, None],
        "D": [None, None],
        "E": [None, None],
        "F": [None, None],
        "G": [None, F(2)],
    }
    assert assess(scorecard).dimensions["A"] == DimensionResult("A", F(8), 2, F(4), 4)


def test_combine_no_respondents_still_has_every_dimension() -> None:
    assert combine_respondents([]) == {d: [] for d in DIMENSION_IDS}


def test_combine_respondents_checks_values() -> None:
    with pytest.raises(ScoreError):
        combine_respondents([{"A": F(19, 2)}])


# --- Step 5: priorities and spread ----------------------------------------------------------


def test_priorities_lowest_first_ties_in_letter_order() -> None:
    ranked = priorities(guide_results(), make_readiness_model())
    # A and G tie at 4.5, and A comes first.
    assert [p.dimension for p in ranked] == ["D", "E", "B", "A", "G", "C", "F"]
    assert ranked[0] == Priority(
        dimension="D",
        score=F(5, 2),
        level=2,
        goal=goal_text(2),
        strategy=strategy_text(2, "D"),
        opening_strategy=None,
    )


def test_priorities_include_the_level_4_opening_strategy() -> None:
    ranked = priorities(guide_results(), make_readiness_model())
    by_dimension = {p.dimension: p for p in ranked}
    assert by_dimension["A"] == Priority(
        "A", F(9, 2), 4, goal_text(4), strategy_text(4, "A"), opening_text(4)
    )
    assert by_dimension["F"].opening_strategy is None
    assert by_dimension["F"].strategy == strategy_text(6, "F")


def test_priorities_of_partial_and_empty_results() -> None:
    model = make_readiness_model()
    results = {"G": result("G", "1"), "B": result("B", "1")}
    assert [p.dimension for p in priorities(results, model)] == ["B", "G"]
    assert priorities({}, model) == []


def test_spread_of_the_guides_example() -> None:
    assert spread(guide_results()) == Spread(
        lowest=("D",), highest=("F",), range=F(7, 2), even=False
    )


def test_spread_is_even_within_one_level() -> None:
    results = {"A": result("A", "4"), "B": result("B", "5.5"), "C": result("C", "4")}
    assert spread(results) == Spread(lowest=("A", "C"), highest=("B",), range=F(3, 2), even=True)


def test_spread_two_levels_apart_is_uneven() -> None:
    results = {"A": result("A", "4.5"), "B": result("B", "6")}
    made = spread(results)
    assert made is not None
    assert made.range == F(3, 2)
    assert not made.even


def test_spread_of_one_and_of_none() -> None:
    assert spread({"E": result("E", "3")}) == Spread(("E",), ("E",), F(0), True)
    assert spread({}) is None


def test_half_is_a_half() -> None:
    assert F(1, 2) == HALF


# --- properties -----------------------------------------------------------------------------

half_steps = st.integers(min_value=2, max_value=18).map(lambda n: F(n, 2))
respondent_scores = st.lists(half_steps, min_size=1, max_size=12)
scorecards = st.fixed_dictionaries({d: respondent_scores for d in DIMENSION_IDS})
sparse_scorecards = st.fixed_dictionaries(
    {d: st.lists(st.none() | half_steps, max_size=12) for d in DIMENSION_IDS}
)
quick = settings(max_examples=100, database=None, deadline=None)


@quick
@given(respondent_scores)
def test_dimension_level_is_the_floor_of_its_score(scores: list[F]) -> None:
    made = dimension_result("A", scores)
    assert made is not None
    assert made.total == sum(scores)
    assert made.respondents == len(scores)
    assert 1 <= made.score <= 9
    assert made.level == made.score.numerator // made.score.denominator
    assert 1 <= made.level <= 9


@quick
@given(scorecards, st.data())
def test_raising_one_score_never_lowers_a_level(
    scorecard: dict[str, list[F]], data: st.DataObject
) -> None:
    dimension = data.draw(st.sampled_from(DIMENSION_IDS))
    row = scorecard[dimension]
    index = data.draw(st.integers(min_value=0, max_value=len(row) - 1))
    raised = {d: list(values) for d, values in scorecard.items()}
    raised[dimension][index] = min(row[index] + HALF, F(9))
    before, after = assess(scorecard), assess(raised)
    assert after.dimensions[dimension].level >= before.dimensions[dimension].level
    assert after.overall is not None
    assert before.overall is not None
    assert after.overall.level >= before.overall.level


@quick
@given(sparse_scorecards, st.data())
def test_permuting_respondents_changes_nothing(
    scorecard: dict[str, list[F | None]], data: st.DataObject
) -> None:
    shuffled = {d: data.draw(st.permutations(values)) for d, values in scorecard.items()}
    assert assess(shuffled) == assess(scorecard)


@quick
@given(half_steps)
def test_parse_score_round_trips_through_float_text(value: F) -> None:
    assert parse_score(str(float(value))) == value
    assert parse_score(format_score(value)) == value
