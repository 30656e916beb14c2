"""Tests of bot.flows.interview: whole interviews of the shipped banks and every way to err."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.flows import rating
from bot.flows.events import (
    Answer,
    Back,
    ChangeLanguage,
    Continue,
    Decline,
    Edit,
    Event,
    Keep,
    More,
    Resume,
    Skip,
    Submit,
    Toggle,
)
from bot.flows.interview import (
    AT_START,
    FINISHED_ALREADY,
    NOT_IN_REVIEW,
    NOT_NOW,
    NOT_OPTIONAL,
    UNKNOWN_QUESTION,
    Ask,
    Finished,
    InterviewState,
    Review,
    Step,
    begin,
    prompt_for,
    start,
    step,
)
from bot.flows.values import (
    DECLINED,
    DONT_KNOW,
    EXPECTED,
    MAX_ANSWER_LENGTH,
    level_of_answer,
    validate,
)
from questions.loader import default_library
from questions.schema import Bank, Kind, Option, Question
from tests.helpers.models import make_bank, make_question, make_section
from tests.helpers.rating import staircase, truthful_reply

LIBRARY = default_library()
PRE = LIBRARY.bank("preassessment")
CHECKLIST = LIBRARY.bank("capacity_checklist")
BANKS = {"preassessment": PRE, "capacity_checklist": CHECKLIST}

# Levels the respondent picks per dimension in a full preassessment.
LEVELS = {"A": 4, "B": 5, "C": 5, "D": 2, "E": 3, "F": 6, "G": 4}


def valid_events(question: Question) -> list[Event]:
    """The events a respondent sends to answer `question` validly (a staircase for a rating)."""
    qid = question.id
    match question.kind:
        case Kind.INFO:
            return [Continue(qid)]
        case Kind.TEXT:
            return [Answer(f"  Answer about {qid}  ", qid)]
        case Kind.SCALE:
            return [Answer("7", qid)]
        case Kind.CHOICE:
            return [Answer(question.options[-1].id, qid)]
        case Kind.MULTI_CHOICE:
            last, first = question.options[-1].id, question.options[0].id
            return [Toggle(last, qid), Toggle(first, qid), Answer((), qid)]
        case Kind.YES_NO:
            return [Answer("partly" if question.partly else "yes", qid)]
        case Kind.LEVEL:
            assert question.dimension is not None
            return [Answer(reply, qid) for reply in staircase(LEVELS[question.dimension])]
    raise AssertionError(question.kind)


def expected_answer(question: Question) -> object:
    match question.kind:
        case Kind.TEXT:
            return f"Answer about {question.id}"
        case Kind.SCALE:
            return 7
        case Kind.CHOICE:
            return question.options[-1].id
        case Kind.MULTI_CHOICE:
            return [question.options[0].id, question.options[-1].id]
        case Kind.YES_NO:
            return "partly" if question.partly else "yes"
        case Kind.LEVEL:
            assert question.dimension is not None
            return LEVELS[question.dimension]
    raise AssertionError(question.kind)


def ok(bank: Bank, state: InterviewState, event: Event) -> Step:
    outcome = step(bank, state, event)
    assert outcome.refused is None, (event, outcome.refused)
    return outcome


def refused(bank: Bank, state: InterviewState, event: Event) -> Step:
    """Step an event that must be refused, leaving the state exactly as it was."""
    outcome = step(bank, state, event)
    assert outcome.refused is not None, event
    assert outcome.refused.message
    assert outcome.state == state
    assert outcome.state.to_json() == state.to_json()
    assert outcome.changed is False
    assert outcome.prompt == prompt_for(bank, state)
    return outcome


def walk(bank: Bank) -> Iterator[tuple[InterviewState, Event | None, Step | None]]:
    """Every state of a full, valid interview, with the event that led to it, up to the review."""
    state, _ = start(bank, "en")
    yield state, None, None
    while state.phase == "asking":
        question = bank.question(state.current)
        for event in valid_events(question):
            outcome = ok(bank, state, event)
            state = outcome.state
            yield state, event, outcome


def at(bank: Bank, question_id: str) -> InterviewState:
    """The state of a valid interview when it first reaches `question_id`."""
    for state, _, _ in walk(bank):
        asking = state.phase == "asking" and state.screen is None and not state.selection
        if asking and state.current == question_id:
            return state
    raise AssertionError(question_id)


def in_review(bank: Bank) -> InterviewState:
    *_, (state, _, _) = walk(bank)
    assert state.phase == "review"
    return state


def ask(outcome: Step) -> Ask:
    assert isinstance(outcome.prompt, Ask), outcome.prompt
    return outcome.prompt


# --- whole interviews -----------------------------------------------------------------------------


@pytest.mark.parametrize("bank", BANKS.values(), ids=BANKS.keys())
def test_a_whole_interview_to_finished(bank: Bank) -> None:
    state = in_review(bank)
    review = prompt_for(bank, state)
    assert isinstance(review, Review)
    items = [item for block in review.sections for item in block.items]
    asked = [q for q in bank.questions if q.answerable and q.applies(state.answers)]
    assert [item.question.id for item in items] == [q.id for q in asked]
    assert all(item.answered for item in items)

    done = ok(bank, state, Submit())
    assert done.state.phase == "done"
    assert isinstance(done.prompt, Finished)
    expected = {q.id: expected_answer(q) for q in asked}
    assert done.prompt.answers == expected
    assert done.state.answers == expected


@pytest.mark.parametrize("bank", BANKS.values(), ids=BANKS.keys())
def test_json_round_trip_at_every_step(bank: Bank) -> None:
    states = [state for state, _, _ in walk(bank)]
    states.append(ok(bank, states[-1], Submit()).state)
    assert {s.phase for s in states} == {"asking", "review", "done"}
    for state in states:
        text = state.to_json()
        again = InterviewState.from_json(text)
        assert again == state
        assert again.to_json() == text
        assert prompt_for(bank, again) == prompt_for(bank, state)


@pytest.mark.parametrize("bank", BANKS.values(), ids=BANKS.keys())
def test_progress_counts_answerable_questions(bank: Bank) -> None:
    answers = in_review(bank).answers
    answerable = [q for q in bank.questions if q.answerable and q.applies(answers)]
    first_seen: dict[str, tuple[int, int]] = {}
    _, first = start(bank, "en")
    prompts = [first] + [outcome.prompt for _, _, outcome in walk(bank) if outcome is not None]
    for prompt in prompts:
        if isinstance(prompt, Ask) and prompt.question.answerable:
            number, total = prompt.progress.number, prompt.progress.total
            assert first_seen.setdefault(prompt.question.id, (number, total)) == (number, total)
    assert [q.id for q in answerable] == list(first_seen)
    assert [n for n, _ in first_seen.values()] == list(range(1, len(answerable) + 1))
    assert {t for _, t in first_seen.values()} == {len(answerable)}


def test_the_first_prompt() -> None:
    state, prompt = start(PRE, "es")
    assert state == InterviewState(
        bank="preassessment", version=PRE.version, locale="es", current="greeting"
    )
    assert isinstance(prompt, Ask)
    assert prompt.question.id == "greeting"
    assert prompt.can_go_back is False
    assert prompt.progress.number == 1


def test_each_answer_is_recorded_once() -> None:
    recorded = [
        outcome.recorded.id
        for _, _, outcome in walk(PRE)
        if outcome is not None and outcome.recorded is not None
    ]
    assert recorded == [q.id for q in PRE.questions if q.answerable]


# --- back -----------------------------------------------------------------------------------------


def test_back_at_the_first_question_is_refused() -> None:
    state, _ = start(PRE, "en")
    assert refused(PRE, state, Back()).refused == AT_START


def test_back_within_the_rating_staircase() -> None:
    state = at(PRE, "level_a")
    up = ok(PRE, state, Answer(rating.FULL_4, "level_a"))
    assert up.state.screen == "5"
    assert ask(up).screen == "5"
    assert ask(up).can_go_back
    higher = ok(PRE, up.state, Answer(rating.YES))
    assert higher.state.screen == "6"
    # Back walks down the staircase one screen at a time, then to the boundary.
    assert ok(PRE, higher.state, Back()).state == up.state
    boundary = ok(PRE, up.state, Back())
    assert boundary.state == state.model_copy(update={"open_text": None})  # she tapped since
    assert ask(boundary).screen is None

    # Rate it, move on, then come back from the next question: the rating is kept as `previous`.
    rated = ok(PRE, up.state, Answer(rating.NO))
    assert rated.state.answers["level_a"] == 4
    assert ask(rated).question.id == "level_b"
    back = ok(PRE, rated.state, Back())
    assert back.state.current == "level_a"
    assert back.state.screen is None
    assert ask(back).previous == 4

    # Rating it again replaces the answer; Back from the first screen goes past the info
    # message that came with it (it took no tap) to the question before.
    again = ok(PRE, back.state, Answer(rating.PART_4))
    assert again.state.answers["level_a"] == 3.5
    assert ask(again).question.id == "level_b"
    before = ok(PRE, back.state, Back())
    assert ask(before).question.id == "first_help"


def test_info_messages_come_with_the_next_question_and_back_goes_past_them() -> None:
    opening = begin(PRE, start(PRE, "en")[0])
    assert [q.id for q in opening.passed] == ["greeting"]
    assert ask(opening).question.id == "definition"  # behind its content note
    assert not ask(opening).can_go_back  # nothing before it that takes a tap
    read = ok(PRE, opening.state, Continue("definition"))
    assert [q.id for q in read.passed] == ["definition", "confidentiality"]
    assert ask(read).question.id == "community"
    skipped = ok(PRE, opening.state, Skip("definition"))
    assert [q.id for q in skipped.passed] == ["confidentiality"]
    assert skipped.state == read.state
    assert ok(PRE, read.state, Back()).state.current == "definition"
    refused(PRE, opening.state, Back())


def test_back_then_forward_keeps_later_answers() -> None:
    state = at(PRE, "diversity")
    back = ok(PRE, state, Back())  # past "reflect", an info message that took no tap
    assert ask(back).question.id == "sector"
    assert ask(back).previous == "other"
    forward = ok(PRE, back.state, Answer("police", "sector"))
    assert forward.state.answers["sector"] == "police"
    assert forward.state.answers["community"] == "Answer about community"


# --- skip -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("question_id", ["community", "greeting", "leaders_concern", "level_a"])
def test_skip_refused_when_not_optional(question_id: str) -> None:
    state = at(PRE, question_id)
    assert refused(PRE, state, Skip()).refused == NOT_OPTIONAL
    assert refused(PRE, state, Skip(question_id)).refused == NOT_OPTIONAL


def test_skip_accepted_on_sector() -> None:
    state = at(PRE, "sector")
    skipped = ok(PRE, state, Skip("sector"))
    assert "sector" in skipped.state.answers
    assert skipped.state.answers["sector"] is None
    assert skipped.recorded is not None and skipped.recorded.id == "sector"
    assert [q.id for q in skipped.passed] == ["reflect"]
    assert ask(skipped).question.id == "diversity"


def test_checklist_items_that_do_not_apply_are_not_asked() -> None:
    """Membership is asked only when there is a task force; the alternative only when not."""
    state = at(CHECKLIST, "part_task_force")
    assert ask(step(CHECKLIST, state, Answer("yes"))).question.id == "part_member"
    none = ok(CHECKLIST, state, Answer("no"))
    assert ask(none).question.id == "part_incorporate"
    unsure = ok(CHECKLIST, state, Answer("not_sure"))
    assert ask(unsure).question.id == "part_incorporate"
    refused(CHECKLIST, state, Answer("partly"))  # a fact: yes, no or not sure
    assert "part_member" not in ok(CHECKLIST, none.state, Answer("yes")).state.answers


def test_changing_an_answer_drops_what_no_longer_applies_and_asks_what_now_does() -> None:
    review = in_review(CHECKLIST)
    assert review.answers["part_task_force"] == "yes" and "part_member" in review.answers
    editing = ok(CHECKLIST, review, Edit("part_task_force"))
    changed = ok(CHECKLIST, editing.state, Answer("no"))
    # Membership no longer applies; the alternative question now does, before the review.
    assert "part_member" not in changed.state.answers
    assert ask(changed).question.id == "part_incorporate"
    back_in_review = ok(CHECKLIST, changed.state, Answer("no"))
    assert isinstance(back_in_review.prompt, Review)
    assert back_in_review.state.answers["part_incorporate"] == "no"
    assert refused(CHECKLIST, back_in_review.state, Edit("part_member")).refused == UNKNOWN_QUESTION


# --- invalid answers ------------------------------------------------------------------------------

TOO_LONG = "x" * (MAX_ANSWER_LENGTH + 1)


@pytest.mark.parametrize(
    ("question_id", "value"),
    [
        ("leaders_concern", "0"),
        ("leaders_concern", "11"),
        ("leaders_concern", "abc"),
        ("leaders_concern", ""),
        ("leaders_concern", "5.5"),
        ("leaders_concern", "-3"),
        ("leaders_concern", 0),
        ("leaders_concern", ("5",)),
        ("sector", "spaceships"),
        ("sector", ""),
        ("willing", "yes please"),
        ("community", ""),
        ("community", "   "),
        ("community", "\n\t "),
        ("community", TOO_LONG),
        ("community", 42),
        ("level_a", "5"),
        ("level_a", "medium"),
        ("level_a", ""),
    ],
)
def test_invalid_answers_are_refused(question_id: str, value: object) -> None:
    state = at(PRE, question_id)
    outcome = refused(PRE, state, Answer(value, question_id))  # type: ignore[arg-type]
    assert ask(outcome).question.id == question_id


def test_too_long_text_says_how_long() -> None:
    state = at(PRE, "community")
    outcome = refused(PRE, state, Answer(TOO_LONG))
    assert outcome.refused is not None
    assert outcome.refused.params == {"length": MAX_ANSWER_LENGTH + 1, "limit": MAX_ANSWER_LENGTH}
    accepted = ok(PRE, state, Answer("y" * MAX_ANSWER_LENGTH))
    assert accepted.state.answers["community"] == "y" * MAX_ANSWER_LENGTH


@pytest.mark.parametrize("screen", rating.SCREENS)
def test_a_reply_the_screen_does_not_offer_is_refused(screen: str | None) -> None:
    state = at(PRE, "level_b").model_copy(update={"screen": screen})
    others = [
        r
        for r in (*rating.BOUNDARY_REPLIES, *rating.STEP_REPLIES)
        if r not in rating.replies(screen)
    ]
    for value in [*others, *map(str, range(0, 11)), "mid", "abc", ""]:
        outcome = refused(PRE, state, Answer(value, "level_b"))
        assert ask(outcome).screen == screen
    for reply in rating.replies(screen):
        outcome = ok(PRE, state, Answer(reply))
        moved_on = outcome.state.current == "level_c" and "level_b" in outcome.state.answers
        climbed = outcome.state.current == "level_b" and outcome.state.screen != screen
        assert moved_on != climbed, reply


def test_i_dont_know_on_the_first_tap() -> None:
    outcome = ok(PRE, at(PRE, "level_c"), Answer(DONT_KNOW))
    assert outcome.state.answers["level_c"] == DONT_KNOW
    assert ask(outcome).question.id == "level_d"


def test_yes_no_refuses_other_words() -> None:
    state = at(CHECKLIST, "prep_trained")
    for value in ("maybe", "", "y", "2"):
        refused(CHECKLIST, state, Answer(value))
    for value in ("yes", "partly", "no", "not_sure", " YES "):
        assert ok(CHECKLIST, state, Answer(value)).state.answers["prep_trained"] in {
            "yes",
            "partly",
            "no",
            "not_sure",
        }


def test_continue_on_a_question_is_refused() -> None:
    state = at(PRE, "community")
    assert refused(PRE, state, Continue()).refused == EXPECTED[Kind.TEXT]


def test_stale_question_ids_are_refused() -> None:
    state = at(PRE, "sector")
    for event in (
        Answer("government", "community"),
        Answer("Our county", "community"),
        Continue("greeting"),
        Skip("community"),
        Toggle("government", "willing"),
    ):
        assert refused(PRE, state, event).refused == NOT_NOW
    # The right id, or none at all, is accepted.
    assert ok(PRE, state, Answer("government", "sector")).state.answers["sector"] == "government"
    assert ok(PRE, state, Answer("government")).state.answers["sector"] == "government"


def test_stale_question_id_during_the_staircase() -> None:
    climbing = ok(PRE, at(PRE, "level_a"), Answer(rating.FULL_4)).state
    assert refused(PRE, climbing, Answer(rating.YES, "level_b")).refused == NOT_NOW


# --- language, resume -----------------------------------------------------------------------------


def test_change_language_keeps_position_and_answers() -> None:
    below = ok(PRE, at(PRE, "level_d"), Answer(rating.NOT_3)).state
    changed = ok(PRE, below, ChangeLanguage("es"))
    assert changed.state.locale == "es"
    assert changed.state.model_copy(update={"locale": "en"}) == below
    assert ask(changed).question.id == "level_d"
    assert ask(changed).screen == rating.BELOW

    review = in_review(PRE)
    in_spanish = ok(PRE, review, ChangeLanguage("es"))
    assert in_spanish.state.phase == "review"
    assert in_spanish.state.answers == review.answers
    assert isinstance(in_spanish.prompt, Review)


def test_resume_shows_the_same_prompt() -> None:
    climbing = ok(PRE, at(PRE, "level_e"), Answer(rating.FULL_4)).state
    outcome = step(PRE, climbing, Resume())
    assert outcome.refused is None
    assert outcome.changed is False
    assert outcome.state == climbing
    assert outcome.prompt == prompt_for(PRE, climbing)


# --- review, edit, submit -------------------------------------------------------------------------


def test_edit_returns_to_the_review_after_answering() -> None:
    review = in_review(PRE)
    editing = ok(PRE, review, Edit("leaders_concern"))
    assert editing.state.editing
    assert ask(editing).question.id == "leaders_concern"
    assert ask(editing).previous == 7
    assert ask(editing).can_go_back
    changed = ok(PRE, editing.state, Answer("3"))
    assert isinstance(changed.prompt, Review)
    assert changed.state.phase == "review"
    assert not changed.state.editing
    assert changed.state.answers == {**review.answers, "leaders_concern": 3}


def test_edit_a_level_rating_walks_its_staircase() -> None:
    review = in_review(PRE)
    editing = ok(PRE, review, Edit("level_c"))
    below = ok(PRE, editing.state, Answer(rating.NOT_3))
    assert ask(below).screen == rating.BELOW
    # Back from a later screen returns to the first one, still editing.
    first = ok(PRE, below.state, Back())
    assert first.state == editing.state
    done = ok(PRE, ok(PRE, first.state, Answer(rating.NOT_3)).state, Answer(rating.NO))
    assert isinstance(done.prompt, Review)
    assert done.state.answers["level_c"] == 1


def test_back_while_editing_returns_to_the_review_unchanged() -> None:
    review = in_review(PRE)
    editing = ok(PRE, review, Edit("community"))
    back = ok(PRE, editing.state, Back())
    assert isinstance(back.prompt, Review)
    assert back.prompt == prompt_for(PRE, review)
    # Only the (unused in the review) current question still names the question left.
    assert back.state.model_copy(update={"current": review.current}) == review


def test_edit_refuses_unknown_and_info_questions() -> None:
    review = in_review(PRE)
    assert refused(PRE, review, Edit("nope")).refused == UNKNOWN_QUESTION
    assert refused(PRE, review, Edit("greeting")).refused == UNKNOWN_QUESTION


def test_edit_only_from_the_review() -> None:
    state = at(PRE, "diversity")
    assert refused(PRE, state, Edit("community")).refused == NOT_IN_REVIEW


def test_answers_are_refused_in_the_review() -> None:
    review = in_review(PRE)
    for event in (Answer("yes"), Skip(), Continue(), Toggle("yes")):
        assert refused(PRE, review, event).refused == NOT_IN_REVIEW


def test_back_from_the_review_reopens_the_last_question() -> None:
    review = in_review(PRE)
    back = ok(PRE, review, Back())
    assert back.state.phase == "asking"
    assert ask(back).question.id == "willing"
    assert ask(back).previous == "no"
    again = ok(PRE, back.state, Answer("maybe"))
    assert isinstance(again.prompt, Review)
    assert again.state.answers["willing"] == "maybe"
    # And Back twice walks on into the ratings.
    twice = ok(PRE, ok(PRE, review, Back()).state, Back())
    assert ask(twice).question.id == "level_g"


def test_submit_only_from_the_review() -> None:
    state, _ = start(PRE, "en")
    assert refused(PRE, state, Submit()).refused == NOT_IN_REVIEW
    assert refused(PRE, at(PRE, "willing"), Submit()).refused == NOT_IN_REVIEW
    editing = ok(PRE, in_review(PRE), Edit("community")).state
    assert refused(PRE, editing, Submit()).refused == NOT_IN_REVIEW


def test_events_after_finished_are_refused() -> None:
    done = ok(PRE, in_review(PRE), Submit()).state
    for event in (
        Answer("yes"),
        Back(),
        Skip(),
        Continue(),
        Toggle("yes"),
        Edit("community"),
        Submit(),
    ):
        outcome = refused(PRE, done, event)
        assert outcome.refused == FINISHED_ALREADY
        assert isinstance(outcome.prompt, Finished)
    resumed = step(PRE, done, Resume())
    assert resumed.refused is None
    assert resumed.state == done
    assert isinstance(resumed.prompt, Finished)


def test_a_state_of_another_bank_is_rejected() -> None:
    state, _ = start(PRE, "en")
    with pytest.raises(ValueError, match="preassessment"):
        step(CHECKLIST, state, Resume())


# --- multiple choice (no shipped bank has one yet) ------------------------------------------------

MULTI = make_bank(
    make_section(
        "main",
        make_question(
            "tools",
            Kind.MULTI_CHOICE,
            options=(
                Option(id="phone", label="Phone"),
                Option(id="mail", label="Mail"),
                Option(id="visit", label="Visit"),
            ),
        ),
        make_question("notes", optional=True),
    ),
    bank_id="multi",
)


def test_multi_choice_toggles_then_confirms() -> None:
    state, _ = start(MULTI, "en")
    one = ok(MULTI, state, Toggle("visit"))
    two = ok(MULTI, one.state, Toggle("phone"))
    assert ask(two).selection == ("phone", "visit")
    untoggled = ok(MULTI, two.state, Toggle("visit"))
    assert untoggled.state.selection == ("phone",)
    assert refused(MULTI, two.state, Toggle("fax")).refused == EXPECTED[Kind.CHOICE]
    done = ok(MULTI, two.state, Answer(()))
    assert done.state.answers["tools"] == ["phone", "visit"]
    assert done.state.selection == ()


def test_multi_choice_refuses_nothing_and_unknown_options() -> None:
    state, _ = start(MULTI, "en")
    refused(MULTI, state, Answer(()))
    refused(MULTI, state, Answer(("fax",)))
    refused(MULTI, state, Answer("phone"))
    direct = ok(MULTI, state, Answer(("visit", "mail")))
    assert direct.state.answers["tools"] == ["mail", "visit"]


def test_back_clears_a_selection_first() -> None:
    state, _ = start(MULTI, "en")
    ticked = ok(MULTI, state, Toggle("mail")).state
    cleared = ok(MULTI, ticked, Back())
    assert cleared.state == state


def test_toggle_on_another_kind_is_refused() -> None:
    state = at(PRE, "sector")
    assert refused(PRE, state, Toggle("government")).refused == EXPECTED[Kind.CHOICE]


# --- production bugs ------------------------------------------------------------------------------


def test_superscript_digit_on_a_scale_is_refused() -> None:
    refused(PRE, at(PRE, "leaders_concern"), Answer("²"))


def test_superscript_digit_on_a_rating_screen_is_refused() -> None:
    climbing = ok(PRE, at(PRE, "level_a"), Answer(rating.FULL_4)).state
    refused(PRE, climbing, Answer("²"))


# --- property: any sequence of events -------------------------------------------------------------

# Text without Unicode "other number" characters (such as '²'): those crash step() today and
# are covered by the xfail tests above; keep them out so this property tests everything else.
free_text = st.text(
    alphabet=st.characters(blacklist_categories=("No", "Cs")), max_size=12
) | st.sampled_from(["", " ", TOO_LONG, "x" * MAX_ANSWER_LENGTH])
WORDS = ["yes", "partly", "no", "not_sure", "maybe", "government", "other", "phone", "visit"]
tokens = st.sampled_from(
    [*map(str, range(-1, 12)), *rating.BOUNDARY_REPLIES, *rating.STEP_REPLIES, DONT_KNOW, *WORDS]
)
values = tokens | free_text | st.integers(-2, 12) | st.tuples(tokens) | st.just(())
question_ids = st.sampled_from(
    [None, "community", "sector", "level_a", "willing", "prep_trained", "part_task_force", "tools"]
)
events = st.one_of(
    st.builds(Answer, values, question_ids),
    st.builds(Skip, question_ids),
    st.builds(Decline, question_ids),
    st.builds(Keep, question_ids),
    st.builds(More, free_text, st.sampled_from(["community", "sector", "describe_efforts"])),
    st.builds(Continue, question_ids),
    st.builds(Toggle, tokens, question_ids),
    st.just(Back()),
    st.just(Resume()),
    st.builds(ChangeLanguage, st.sampled_from(["en", "es"])),
    st.builds(Edit, st.sampled_from(["community", "level_a", "greeting", "tools", "nope"])),
    st.just(Submit()),
)


def assert_valid(bank: Bank, state: InterviewState) -> None:
    assert bank.has(state.current)
    assert all(bank.has(qid) for qid in state.history)
    assert state.screen in rating.SCREENS
    questions = {q.id: q for q in bank.questions}
    for question_id, value in state.answers.items():
        question = questions[question_id]
        assert question.answerable
        assert question.applies(state.answers), question_id
        if value is None:
            assert question.optional, question_id
        elif question.kind is Kind.LEVEL:
            assert value == DONT_KNOW or level_of_answer(value) is not None, value
        elif value == DECLINED:
            assert question.kind is Kind.TEXT, question_id
        else:
            assert validate(question, value) == (value, None), (question_id, value)
    if state.screen is not None:
        assert bank.question(state.current).kind is Kind.LEVEL
    if state.selection:
        assert bank.question(state.current).kind is Kind.MULTI_CHOICE
    if state.open_text is not None:
        assert bank.question(state.open_text).kind is Kind.TEXT
        assert isinstance(state.answers.get(state.open_text), str)


VALID = "valid"
"""In a script: the next valid event for whatever question is current (so scripts get far)."""
# About half the steps are valid answers, so scripts reach level ratings, reviews and the end.
steps = st.tuples(st.booleans(), events).map(lambda pair: VALID if pair[0] else pair[1])


def next_valid(bank: Bank, state: InterviewState) -> Event:
    if state.phase == "done":
        return Resume()
    if state.phase == "review":
        # Change an answer (a level rating if there is one): Submit is in `events` already.
        answerable = [q for q in bank.questions if q.answerable]
        rated = [q for q in answerable if q.kind is Kind.LEVEL] or answerable
        return Edit(rated[len(state.answers) % len(rated)].id)
    question = bank.question(state.current)
    planned = valid_events(question)
    if state.screen is not None:
        assert question.dimension is not None
        return Answer(truthful_reply(state.screen, Fraction(LEVELS[question.dimension])))
    return planned[len(state.selection)] if state.selection else planned[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    bank=st.sampled_from([PRE, CHECKLIST, MULTI]),
    script=st.lists(steps, max_size=60),
    forward=st.sampled_from(range(41)),
)
def test_any_sequence_of_events_keeps_the_state_valid(
    bank: Bank, script: list[Event | str], forward: int
) -> None:
    state, _ = start(bank, "en")
    # Start somewhere inside the interview, so later questions and the review are reached too.
    for _ in range(forward):
        if state.phase != "asking":
            break
        for event in valid_events(bank.question(state.current)):
            state = ok(bank, state, event).state
    for item in script:
        outcome = step(bank, state, next_valid(bank, state) if isinstance(item, str) else item)
        if outcome.refused is not None:
            assert outcome.state == state
        state = outcome.state
        assert_valid(bank, state)
        assert InterviewState.from_json(state.to_json()) == state
        assert outcome.prompt == prompt_for(bank, state)


# --- declining and keeping ------------------------------------------------------------------------


def test_prefer_not_to_answer_a_typed_question() -> None:
    state = at(PRE, "community")
    declined = ok(PRE, state, Decline("community"))
    assert declined.state.answers["community"] == DECLINED
    assert ask(declined).question.id == "sector"
    # Only a typed question is declined this way; a rating has "I don't know".
    refused(PRE, at(PRE, "level_a"), Decline("level_a"))


def test_back_on_a_typed_answer_keeps_it_with_one_tap() -> None:
    answered = ok(PRE, at(PRE, "community"), Answer("Our county", "community"))
    back = ok(PRE, answered.state, Back())
    assert ask(back).previous == "Our county"
    kept = ok(PRE, back.state, Keep("community"))
    assert kept.state == answered.state.model_copy(update={"open_text": None})
    # Nothing to keep on a question not answered yet.
    assert refused(PRE, at(PRE, "community"), Keep("community")).refused is not None


def test_an_explanation_shows_the_rating_it_explains() -> None:
    follow_up = next(q for q in PRE.questions if q.explains)
    state = at(PRE, follow_up.id)
    explained = ask(ok(PRE, state, Resume()))
    assert explained.explained is not None
    question, value = explained.explained
    assert question.id == follow_up.explains
    assert value == state.answers[question.id]


# --- an answer in several messages ----------------------------------------------------------------


def test_a_typed_answer_stays_open_until_she_does_anything_else() -> None:
    answered = ok(PRE, at(PRE, "community"), Answer("Our county", "community"))
    assert answered.state.open_text == "community"
    assert ask(answered).question.id == "sector"
    more = ok(PRE, answered.state, More("and the two towns beside it", "community"))
    assert more.state.answers["community"] == "Our county\nand the two towns beside it"
    assert more.state.current == "sector"
    assert more.state.open_text == "community"
    assert more.recorded is not None and more.recorded.id == "community"
    # A tap on the next question closes the answer: nothing can be added to it any more.
    tapped = ok(PRE, more.state, Answer(PRE.question("sector").options[0].id, "sector"))
    assert tapped.state.open_text is None
    refused(PRE, tapped.state, More("late", "community"))


def test_more_joins_only_the_answer_still_open() -> None:
    answered = ok(PRE, at(PRE, "community"), Answer("Our county", "community"))
    refused(PRE, answered.state, More("elsewhere", "describe_efforts"))
    refused(PRE, answered.state, More("   ", "community"))
    declined = ok(PRE, at(PRE, "community"), Decline("community"))
    assert declined.state.open_text is None
    refused(PRE, declined.state, More("after all", "community"))


def test_an_answer_in_parts_is_held_to_the_total_limit() -> None:
    part = "y" * 3999
    answered = ok(PRE, at(PRE, "community"), Answer(part, "community"))
    second = ok(PRE, answered.state, More(part, "community"))
    assert len(second.state.answers["community"]) == 7999  # two parts and a line break
    outcome = refused(PRE, second.state, More("one more word", "community"))
    assert outcome.refused is not None
    assert outcome.refused.params["limit"] == MAX_ANSWER_LENGTH


def test_typing_an_answer_after_back_and_edit_keeps_it_open() -> None:
    answered = ok(PRE, at(PRE, "community"), Answer("Our county", "community"))
    back = ok(PRE, answered.state, Back())
    assert back.state.open_text is None
    again = ok(PRE, back.state, Answer("Our county, again", "community"))
    assert again.state.open_text == "community"
