"""Tests of scoring.capacity: per-area tallies and gaps of the capacity checklist."""

from __future__ import annotations

import pytest

from questions.schema import Bank, Condition, Kind
from scoring import (
    AreaTally,
    CapacityAnswer,
    Gap,
    Standing,
    common_gaps,
    gaps,
    is_gap,
    standing,
    tally,
    tally_many,
)
from tests.helpers.models import make_bank, make_question, make_section, yes_no

YES, PARTLY, NO, NOT_SURE = "yes", "partly", "no", "not_sure"


def checklist() -> Bank:
    """Two checklist areas around a text-only section; `needs_training` is worded as a need."""
    return make_bank(
        make_section("intro", make_question("welcome", Kind.INFO)),
        make_section(
            "policy",
            yes_no("has_policy"),
            yes_no("needs_training", need=True),
            make_question("policy_notes", optional=True),
            yes_no("has_protocol"),
        ),
        make_section("role", make_question("role_text")),
        make_section("staff", yes_no("has_staff"), yes_no("needs_funding", need=True)),
    )


@pytest.mark.parametrize(
    ("answer", "gap"),
    [
        (CapacityAnswer.YES, False),
        (CapacityAnswer.PARTLY, True),
        (CapacityAnswer.NO, True),
        (CapacityAnswer.NOT_SURE, True),
    ],
)
def test_is_gap(answer: CapacityAnswer, gap: bool) -> None:
    assert is_gap(yes_no("has_policy"), answer) is gap


@pytest.mark.parametrize(
    ("answer", "gap"),
    [
        (CapacityAnswer.YES, True),
        (CapacityAnswer.PARTLY, True),
        (CapacityAnswer.NO, False),
        (CapacityAnswer.NOT_SURE, True),
    ],
)
def test_is_gap_for_items_worded_as_a_need(answer: CapacityAnswer, gap: bool) -> None:
    assert is_gap(yes_no("needs_training", need=True), answer) is gap


def test_answers_are_the_stored_strings() -> None:
    assert [a.value for a in CapacityAnswer] == [YES, PARTLY, NO, NOT_SURE]


def test_tally_one_per_checklist_area_in_bank_order() -> None:
    answers = {
        "has_policy": YES,
        "needs_training": YES,
        "policy_notes": "some free text",
        "has_protocol": NOT_SURE,
        "role_text": "we coordinate",
        "has_staff": PARTLY,
    }
    assert tally(checklist(), answers) == [
        # needs_training = yes is a gap: it is worded as a need.
        AreaTally(
            "policy", "Title of policy", in_place=1, partly=0, gap=1, not_sure=1, unanswered=0
        ),
        AreaTally("staff", "Title of staff", in_place=0, partly=1, gap=0, not_sure=0, unanswered=1),
    ]


def test_tally_of_nothing_answered() -> None:
    assert tally(checklist(), {}) == [
        AreaTally("policy", "Title of policy", 0, 0, 0, 0, 3),
        AreaTally("staff", "Title of staff", 0, 0, 0, 0, 2),
    ]


def test_a_stored_none_counts_as_unanswered() -> None:
    [policy, _] = tally(checklist(), {"has_policy": None, "needs_training": NO})
    # A need answered "no": nothing is missing, so it is in place.
    assert (policy.in_place, policy.gap, policy.unanswered) == (1, 0, 2)


@pytest.mark.parametrize("stored", ["maybe", "Yes", 1, True])
def test_tally_refuses_values_that_are_not_answers(stored: object) -> None:
    with pytest.raises(ValueError, match="has_policy"):
        tally(checklist(), {"has_policy": stored})


def test_gaps_in_checklist_order() -> None:
    answers = {
        "needs_funding": YES,
        "has_staff": YES,
        "has_protocol": NO,
        "needs_training": NO,
        "has_policy": PARTLY,
    }
    assert gaps(checklist(), answers) == [
        Gap("policy", "has_policy", "Prompt of has_policy?", CapacityAnswer.PARTLY),
        Gap("policy", "has_protocol", "Prompt of has_protocol?", CapacityAnswer.NO),
        Gap("staff", "needs_funding", "Prompt of needs_funding?", CapacityAnswer.YES),
    ]


def test_unanswered_items_are_not_gaps() -> None:
    assert gaps(checklist(), {}) == []
    assert gaps(checklist(), {"has_staff": NOT_SURE}) == [
        Gap("staff", "has_staff", "Prompt of has_staff?", CapacityAnswer.NOT_SURE)
    ]


def test_no_gaps_when_everything_is_in_place() -> None:
    answers = {
        "has_policy": YES,
        "needs_training": NO,
        "has_protocol": YES,
        "has_staff": YES,
        "needs_funding": NO,
    }
    assert gaps(checklist(), answers) == []


def test_tally_many_sums_across_organisations() -> None:
    responses = [
        {"has_policy": YES, "needs_training": YES, "has_staff": NO},
        {"has_policy": NO, "has_protocol": PARTLY, "has_staff": NO, "needs_funding": NOT_SURE},
        {},
    ]
    assert tally_many(checklist(), responses) == [
        AreaTally(
            "policy", "Title of policy", in_place=1, partly=1, gap=2, not_sure=0, unanswered=5
        ),
        AreaTally("staff", "Title of staff", in_place=0, partly=0, gap=2, not_sure=1, unanswered=3),
    ]


def test_tally_many_of_no_organisations() -> None:
    assert tally_many(checklist(), iter([])) == [
        AreaTally("policy", "Title of policy", 0, 0, 0, 0, 0),
        AreaTally("staff", "Title of staff", 0, 0, 0, 0, 0),
    ]


def test_common_gaps_most_common_first_ties_in_checklist_order() -> None:
    bank = checklist()
    responses = iter(
        [
            {"has_policy": NO, "needs_funding": YES, "has_protocol": NO},
            {"has_policy": YES, "needs_funding": PARTLY, "has_staff": NO},
            {"has_policy": NOT_SURE, "needs_training": NO, "needs_funding": NO},
            {"has_staff": PARTLY, "has_protocol": YES},
        ]
    )
    ranked = [(question.id, count) for question, count in common_gaps(bank, responses)]
    assert ranked == [
        ("has_policy", 2),
        ("has_staff", 2),
        ("needs_funding", 2),
        ("has_protocol", 1),
    ]


def test_common_gaps_returns_the_banks_questions() -> None:
    bank = checklist()
    [(question, count)] = common_gaps(bank, [{"needs_training": YES}])
    assert question is bank.questions[2]
    assert count == 1
    assert common_gaps(bank, []) == []


def test_an_item_that_does_not_apply_counts_nowhere() -> None:
    """Skip logic: membership is asked only when there is a task force."""
    bank = make_bank(
        make_section(
            "partners",
            yes_no("task_force", partly=False),
            yes_no(
                "member",
                partly=False,
                when=Condition(question="task_force", answer_in=("yes",)),
            ),
        )
    )
    [none] = tally(bank, {"task_force": NO})
    assert (none.gap, none.unanswered) == (1, 0)
    [some] = tally(bank, {"task_force": YES})
    assert (some.in_place, some.unanswered) == (1, 1)
    assert gaps(bank, {"task_force": YES, "member": NO})[0].question_id == "member"
    assert gaps(bank, {"task_force": NO, "member": NO})[0].question_id == "task_force"


@pytest.mark.parametrize(
    ("need", "answer", "expected"),
    [
        (False, CapacityAnswer.YES, Standing.IN_PLACE),
        (False, CapacityAnswer.NO, Standing.GAP),
        (True, CapacityAnswer.YES, Standing.GAP),
        (True, CapacityAnswer.NO, Standing.IN_PLACE),
        (True, CapacityAnswer.PARTLY, Standing.PARTLY),
        (False, CapacityAnswer.NOT_SURE, Standing.NOT_SURE),
    ],
)
def test_an_answer_reads_the_same_whichever_way_the_item_is_worded(
    need: bool, answer: CapacityAnswer, expected: Standing
) -> None:
    assert standing(yes_no("item", need=need), answer) is expected
