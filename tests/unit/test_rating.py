"""The self-rating staircase against the guide's method (issue 8; docs/method.md).

A truthful respondent ends on exactly her score, for every score from 1 to 9 in half steps
and every dimension; every screen states the cumulative rule or builds on it; levels 3 and 4
are judged side by side; no reply is offered twice; no stage name is shown while rating.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from bot.channels.telegram.presenter import Presenter
from bot.flows import rating
from bot.flows.events import Answer
from bot.flows.interview import Ask, InterviewState, prompt_for, start, step
from bot.i18n import shipped_locales, translator
from bot.render import render_ask
from bot.services.views import QuestionView
from questions.loader import default_library
from tests.helpers.rating import staircase, truthful_reply

LIBRARY = default_library()
PRE = LIBRARY.bank("preassessment")
SCORES = [Fraction(n, 2) for n in range(2, 19)]  # 1, 1.5, ..., 9
LEVEL_QUESTIONS = [q for q in PRE.questions if q.kind.value == "level"]


@pytest.mark.parametrize("score", SCORES, ids=str)
def test_a_truthful_respondent_ends_on_exactly_her_score(score: Fraction) -> None:
    screen: str | None = rating.BOUNDARY
    while True:
        outcome = rating.answer(screen, truthful_reply(screen, score))
        assert outcome is not None
        if isinstance(outcome, rating.Rated):
            assert outcome.score == score
            return
        screen = outcome.screen


@pytest.mark.parametrize("question", LEVEL_QUESTIONS, ids=lambda q: q.id)
@pytest.mark.parametrize("score", SCORES, ids=str)
def test_through_the_interview_every_score_is_stored_exactly(
    question: object, score: Fraction
) -> None:
    state = _at(question.id)  # type: ignore[attr-defined]
    for reply in staircase(score):
        outcome = step(PRE, state, Answer(reply, question.id))  # type: ignore[attr-defined]
        assert outcome.refused is None
        state = outcome.state
    stored = state.answers[question.id]  # type: ignore[attr-defined]
    assert Fraction(stored) == score
    assert isinstance(stored, int) == (score.denominator == 1)


def test_i_dont_know_is_one_tap_away_on_the_first_screen() -> None:
    assert rating.answer(rating.BOUNDARY, rating.DONT_KNOW) == rating.Rated(None)
    for screen in rating.SCREENS:
        assert rating.DONT_KNOW in rating.replies(screen) or rating.UNSURE in rating.replies(screen)


def test_levels_3_and_4_are_judged_side_by_side_where_the_decision_turns() -> None:
    """Every path to a score of 2.5 to 4 passes the screen that shows both statements."""
    assert rating.levels_shown(rating.BOUNDARY) == (3, 4)
    assert all(staircase(score)[0] in rating.BOUNDARY_REPLIES for score in SCORES)


@pytest.mark.parametrize("screen", rating.SCREENS)
def test_no_reply_is_offered_twice(screen: str | None) -> None:
    offered = rating.replies(screen)
    assert len(set(offered)) == len(offered)


@pytest.mark.parametrize("locale", shipped_locales())
@pytest.mark.parametrize("screen", rating.SCREENS)
def test_every_screen_shows_statements_with_levels_never_stage_names(
    locale: str, screen: str | None
) -> None:
    tr = translator(locale)
    ask = _ask("level_b", screen, locale)
    rendered = render_ask(ask, tr, LIBRARY.model)
    texts = [rendered.text, *(c.label for c in rendered.choices)]
    for level in LIBRARY.model.levels:
        assert not any(tr.gettext(level.stage) in text for text in texts), level.stage
    for level in rating.levels_shown(screen):
        statement = tr.gettext(LIBRARY.model.level(level).characteristics["B"])
        assert statement.split()[0] in rendered.text
    labels = [c.label for c in rendered.choices]
    assert len(set(labels)) == len(labels)


def test_taps_and_characters_per_dimension(capsys: pytest.CaptureFixture[str]) -> None:
    """The figures of the closing note: what a respondent reads and taps per dimension."""
    presenter = Presenter(LIBRARY)
    longest = 0
    rows = []
    for score in (2, 4, 6, 8):
        taps, characters = [], []
        for question in LEVEL_QUESTIONS:
            state = _at(question.id)
            read = 0
            replies = staircase(score)
            for reply in replies:
                prompt = prompt_for(PRE, state)
                assert isinstance(prompt, Ask)
                text = presenter.question(QuestionView("en", "sid", prompt, "")).text
                read += len(text)
                longest = max(longest, len(text))
                state = step(PRE, state, Answer(reply, question.id)).state
            taps.append(len(replies))
            characters.append(read)
        rows.append(
            (
                score,
                sum(taps) / len(taps),
                max(taps),
                sum(characters) // len(characters),
                max(characters),
            )
        )
    with capsys.disabled():
        print("\nscore  taps (mean, max)  characters read (mean, max)")
        for score, mean_taps, max_taps, mean_chars, max_chars in rows:
            print(f"{score:>5}  {mean_taps:4.1f} {max_taps:3}        {mean_chars:6} {max_chars:6}")
        print(f"longest rating screen: {longest} characters")
    assert longest <= 1500, "no level screen over 1,500 characters (issue 9)"


def _at(question_id: str) -> InterviewState:
    state, _ = start(PRE, "en")
    return state.model_copy(update={"current": question_id})


def _ask(question_id: str, screen: str | None, locale: str) -> Ask:
    state = _at(question_id).model_copy(update={"screen": screen, "locale": locale})
    prompt = prompt_for(PRE, state)
    assert isinstance(prompt, Ask)
    return prompt


def test_the_cumulative_rule_is_said_before_the_first_rating() -> None:
    """Chapter 2: "to reach a certain level, all previous levels must have been met". It is
    said once, in the message that comes with the first rating screen (it takes no tap)."""
    bank = LIBRARY.bank("preassessment")
    ids = [q.id for q in bank.questions]
    intro = bank.question("ratings_intro")
    assert intro.flows_on and ids[ids.index("ratings_intro") + 1] == "level_a"
    assert "only when every level below it is true" in intro.prompt
