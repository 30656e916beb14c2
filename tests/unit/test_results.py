"""bot.results.assessment_of builds the scorecard a dimension at a time; Appendix E's way, a
respondent at a time (`scores_from_ratings` then `combine_respondents`), must give the same."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.flows.values import DONT_KNOW
from bot.results import assessment_of, ratings_of
from questions.loader import default_library
from scoring import assess, scores_from_ratings
from scoring.readiness import combine_respondents

BANK = default_library().bank("preassessment")
RATED = [q.id for q in BANK.questions if q.dimension and q.kind.name == "LEVEL"]
VALUES = st.one_of(
    st.sampled_from([DONT_KNOW, "4", True, None, 0, 10, 4.25, -1]),  # not a level: no score
    st.integers(min_value=2, max_value=18).map(lambda halves: halves / 2),  # 1.0 to 9.0
    st.integers(min_value=1, max_value=9),
)
ANSWER_SETS = st.lists(
    st.dictionaries(st.sampled_from(RATED), VALUES, max_size=len(RATED)), max_size=30
)


def one_respondent_at_a_time(answer_sets: list[dict[str, object]]) -> object:
    return assess(
        combine_respondents(scores_from_ratings(ratings_of(BANK, a)) for a in answer_sets)
    )


def test_the_bank_has_a_rating_question_per_dimension() -> None:
    assert len(RATED) == 7


@settings(max_examples=300)
@given(ANSWER_SETS)
def test_a_dimension_at_a_time_scores_as_a_respondent_at_a_time(
    answer_sets: list[dict[str, object]],
) -> None:
    assert assessment_of(BANK, answer_sets) == one_respondent_at_a_time(answer_sets)
