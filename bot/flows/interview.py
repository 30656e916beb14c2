"""The interview state machine: a bank and a state in, the next state and prompt out. No I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

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
from bot.flows.values import (
    DECLINED,
    DONT_KNOW,
    EXPECTED,
    FACT_EXPECTED,
    MAX_ANSWER_LENGTH,
    MAX_MESSAGE_LENGTH,
    AnswerValue,
    Reason,
    level_value,
    validate,
)
from bot.i18n import N_
from questions.schema import Bank, Kind, Question, Section

Phase = Literal["asking", "review", "done"]


class InterviewState(BaseModel):
    """Everything needed to carry on an interview; small and JSON-serialisable.

    Questions are named by id, never by position, and `version` pins the bank version the
    interview runs on: editing a bank cannot move an open interview to another question.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    bank: str
    version: int
    locale: str
    phase: Phase = "asking"
    current: str = ""
    """The id of the question being asked (or last asked, in the review)."""
    answers: dict[str, AnswerValue] = {}
    history: tuple[str, ...] = ()
    """Ids of the questions passed on the way here, for Back."""
    screen: str | None = None
    """The step of a level rating shown now (bot.flows.rating); None is its first screen."""
    selection: tuple[str, ...] = ()
    """Options ticked so far on a multiple-choice question."""
    editing: bool = False
    """True while changing an answer from the review screen."""
    open_text: str | None = None
    """The question she answered last by typing, while she has done nothing else since: a
    further message is more of that answer (bot.flows.events.More), not the next one's."""

    @model_validator(mode="before")
    @classmethod
    def _positions_to_ids(cls, data: Any) -> Any:
        """States saved before schema 3 named questions by position: '#3' until `bind` maps it."""
        if isinstance(data, dict) and "position" in data:
            data = dict(data)
            data["current"] = f"#{data.pop('position')}"
            data["history"] = [f"#{index}" for index in data.get("history", ())]
        if isinstance(data, dict) and "band" in data:
            # The two-tap rating of schema 3 kept its first tap here; that rating starts over.
            data = {key: value for key, value in data.items() if key != "band"}
        return data

    @field_validator("screen")
    @classmethod
    def _known_screen(cls, screen: str | None) -> str | None:
        return screen if rating.is_screen(screen) else None

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, text: str) -> InterviewState:
        return cls.model_validate_json(text)


@dataclass(frozen=True)
class Progress:
    number: int
    total: int


@dataclass(frozen=True)
class Ask:
    """Show one question (or one step of a level rating)."""

    question: Question
    section: Section
    progress: Progress
    screen: str | None = None
    selection: tuple[str, ...] = ()
    previous: AnswerValue | None = None
    """The answer already given, when the respondent came back to this question."""
    can_go_back: bool = True
    explained: tuple[Question, AnswerValue] | None = None
    """For "please explain your rating": the question it follows and the answer given there."""
    first_typed: bool = False
    """The first question she answers by typing: the channel says how, once."""


@dataclass(frozen=True)
class ReviewItem:
    question: Question
    value: AnswerValue | None
    answered: bool


@dataclass(frozen=True)
class ReviewSection:
    section: Section
    items: tuple[ReviewItem, ...]


@dataclass(frozen=True)
class Review:
    sections: tuple[ReviewSection, ...]


@dataclass(frozen=True)
class Finished:
    answers: dict[str, AnswerValue]


Prompt = Ask | Review | Finished


@dataclass(frozen=True)
class Step:
    """The outcome of one event. When `refused` is set the state is the one given."""

    state: InterviewState
    prompt: Prompt
    refused: Reason | None = None
    recorded: Question | None = None
    """The question whose answer this event stored or cleared, for the channel to echo."""
    changed: bool = field(default=True)
    passed: tuple[Question, ...] = ()
    """Info messages gone past on the way to the prompt (`Question.flows_on`), to be shown
    before it, in order."""


NOT_NOW = Reason(N_("That button belongs to another question. Here is the current one."))
FINISHED_ALREADY = Reason(N_("This interview is already finished."))
NOT_OPTIONAL = Reason(N_("This question cannot be skipped."))
AT_START = Reason(N_("This is the first question, there is nothing before it."))
NOT_IN_REVIEW = Reason(N_("Please answer the current question first."))
UNKNOWN_QUESTION = Reason(N_("There is no such question in this interview."))
NOTHING_TO_KEEP = Reason(N_("There is no answer to keep yet: please answer the question."))
NOTHING_TO_ADD_TO = NOT_IN_REVIEW
FULL_ANSWER = N_(
    "Your answer has reached its limit of {limit} characters, so this last message was not "
    "added. Everything before it is kept."
)


def start(bank: Bank, locale: str) -> tuple[InterviewState, Prompt]:
    """The state before she agrees: on the first item, which may be an info message that
    `begin` then goes past."""
    first = bank.questions[0].id
    state = InterviewState(bank=bank.id, version=bank.version, locale=locale, current=first)
    return state, prompt_for(bank, state)


def begin(bank: Bank, state: InterviewState) -> Step:
    """The first screen once she agreed: the info messages up to the first one that waits."""
    return _flow(bank, Step(state, prompt_for(bank, state)))


def prompt_for(bank: Bank, state: InterviewState) -> Prompt:
    if state.phase == "done":
        return Finished(answers=dict(state.answers))
    if state.phase == "review":
        return _review(bank, state)
    question = bank.question(state.current)
    return Ask(
        question=question,
        section=bank.section_of(question.id),
        progress=progress(bank, question.id, state.answers),
        screen=state.screen,
        selection=state.selection,
        previous=state.answers.get(question.id),
        can_go_back=_can_go_back(bank, state),
        explained=_explained(bank, question, state.answers),
        first_typed=question.kind is Kind.TEXT and not _typed_before(bank, state),
    )


def _typed_before(bank: Bank, state: InterviewState) -> bool:
    return any(bank.has(q) and bank.question(q).kind is Kind.TEXT for q in state.answers)


def _can_go_back(bank: Bank, state: InterviewState) -> bool:
    if state.screen is not None or state.editing:
        return True
    return any(not _passed_by(bank.question(q), state) for q in state.history)


def _explained(
    bank: Bank, question: Question, answers: Mapping[str, AnswerValue]
) -> tuple[Question, AnswerValue] | None:
    if question.explains is None or question.explains not in answers:
        return None
    return bank.question(question.explains), answers[question.explains]


def progress(
    bank: Bank, question_id: str, answers: Mapping[str, AnswerValue] | None = None
) -> Progress:
    """'Question n of m', counting only questions that ask for an answer and apply.

    Questions that wait on an answer not given yet count once per alternative (a task force:
    "are you a member?" or "could one be started?"), so m does not change along the way.
    """
    given = answers or {}
    position = bank.position(question_id)
    asked = [
        i
        for i, q in enumerate(bank.questions)
        if q.answerable and (q.id == question_id or q.applies(given))
    ]
    before = sum(1 for i in asked if i <= position)
    waiting: dict[str, list[Question]] = {}
    for q in bank.questions:
        if q.answerable and q.when is not None and q.when.question not in given:
            waiting.setdefault(q.when.question, []).append(q)
    ahead = sum(_most_that_can_apply(group) for group in waiting.values())
    return Progress(number=max(before, 1), total=len(asked) + ahead)


def _most_that_can_apply(group: list[Question]) -> int:
    conditions = [q.when.answer_in for q in group if q.when is not None]
    values = {value for answer_in in conditions for value in answer_in}
    return max(sum(1 for answer_in in conditions if value in answer_in) for value in values)


def step(bank: Bank, state: InterviewState, event: Event) -> Step:
    if state.bank != bank.id:
        raise ValueError(f"state of bank {state.bank!r} driven with bank {bank.id!r}")
    if isinstance(event, More):
        return _more(bank, state, event)
    outcome = _step(bank, state, event)
    if not outcome.changed:
        return outcome
    typed = outcome.recorded if isinstance(event, Answer) else None
    still_open = typed.id if typed is not None and typed.kind is Kind.TEXT else None
    if outcome.state.open_text != still_open:
        moved = outcome.state.model_copy(update={"open_text": still_open})
        outcome = Step(moved, outcome.prompt, recorded=outcome.recorded, passed=outcome.passed)
    if outcome.state.current == state.current:
        return outcome  # a language change, a tick, a rating step: still the same screen
    return _flow(bank, outcome)


def _flow(bank: Bank, outcome: Step) -> Step:
    """Go past info messages that need no tap, keeping them to be shown on the way."""
    state, passed = outcome.state, list(outcome.passed)
    while state.phase == "asking" and state.screen is None:
        question = bank.question(state.current)
        if not question.flows_on:
            break
        passed.append(question)
        state = _advance(bank, state, question, None, store=False).state
    if not passed:
        return outcome
    return replace(outcome, state=state, prompt=prompt_for(bank, state), passed=tuple(passed))


def _step(bank: Bank, state: InterviewState, event: Event) -> Step:
    match event:
        case Resume():
            return _same(bank, state)
        case ChangeLanguage(locale=locale):
            moved = state.model_copy(update={"locale": locale})
            return Step(moved, prompt_for(bank, moved))
    if state.phase == "done":
        return _refuse(bank, state, FINISHED_ALREADY)
    match event:
        case Submit():
            if state.phase != "review":
                return _refuse(bank, state, NOT_IN_REVIEW)
            done = state.model_copy(update={"phase": "done"})
            return Step(done, prompt_for(bank, done))
        case Edit(question_id=question_id):
            return _edit(bank, state, question_id)
        case Back(shown=shown):
            if shown is not None and shown != step_marker(state):
                return _refuse(bank, state, NOT_NOW)
            return _back(bank, state)
    if state.phase == "review":
        return _refuse(bank, state, NOT_IN_REVIEW)
    question = bank.question(state.current)
    if getattr(event, "question_id", None) not in (None, question.id):
        return _refuse(bank, state, NOT_NOW)
    match event:
        case Continue():
            if question.answerable:
                return _refuse(bank, state, EXPECTED[question.kind])
            read = _advance(bank, state, question, None, store=False)
            return replace(read, passed=(question,)) if question.content_note else read
        case Skip() if question.content_note is not None:
            return _advance(bank, state, question, None, store=False)
        case Skip():
            if not question.optional:
                return _refuse(bank, state, NOT_OPTIONAL)
            return _advance(bank, state, question, None)
        case Decline():
            if question.kind is not Kind.TEXT:
                return _refuse(bank, state, EXPECTED[question.kind])
            return _advance(bank, state, question, dict(DECLINED))
        case Keep():
            if question.id not in state.answers:
                return _refuse(bank, state, NOTHING_TO_KEEP)
            return _advance(bank, state, question, state.answers[question.id])
        case Toggle(option=option):
            return _toggle(bank, state, question, option)
        case Answer(value=value):
            return _answer(bank, state, question, value)
    raise TypeError(f"unknown event {event!r}")


def step_marker(state: InterviewState) -> str:
    """Names the screen shown now: the review (''), or a question with its tap in progress."""
    if state.phase == "review":
        return ""
    if state.screen is not None:
        return f"{state.current}:{state.screen}"
    return f"{state.current}:+" if state.selection else state.current


def expected_reason(question: Question) -> Reason:
    """What kind of answer a question wants, for input of the wrong kind (a sticker, a photo)."""
    if question.kind is Kind.YES_NO and not question.partly:
        return FACT_EXPECTED
    return EXPECTED[question.kind]


def _answer(bank: Bank, state: InterviewState, question: Question, raw: object) -> Step:
    if question.kind is Kind.INFO:
        return _advance(bank, state, question, None, store=False)
    if question.kind is Kind.LEVEL:
        return _level(bank, state, question, raw)
    if question.kind is Kind.MULTI_CHOICE and raw == () and state.selection:
        raw = state.selection
    value, reason = validate(question, raw)
    if reason is not None:
        return _refuse(bank, state, reason)
    return _advance(bank, state, question, value)


def _level(bank: Bank, state: InterviewState, question: Question, raw: object) -> Step:
    outcome = rating.answer(state.screen, str(raw).strip().lower())
    if outcome is None:
        return _refuse(bank, state, EXPECTED[Kind.LEVEL])
    if isinstance(outcome, rating.Next):
        further = state.model_copy(update={"screen": outcome.screen})
        return Step(further, prompt_for(bank, further))
    if outcome.score is None:
        return _advance(bank, state, question, DONT_KNOW)
    return _advance(bank, state, question, level_value(outcome.score))


def _more(bank: Bank, state: InterviewState, event: More) -> Step:
    """Join another message to the typed answer still open; the question shown stays."""
    earlier = state.answers.get(event.question_id)
    if state.phase == "done":
        return _refuse(bank, state, FINISHED_ALREADY)
    if state.open_text != event.question_id or not isinstance(earlier, str):
        return _refuse(bank, state, NOTHING_TO_ADD_TO)
    text = event.text.strip()
    if not text:
        return _refuse(bank, state, EXPECTED[Kind.TEXT])
    joined = f"{earlier}\n{text}"
    if len(joined) > MAX_ANSWER_LENGTH:
        return _refuse(bank, state, Reason(FULL_ANSWER, {"limit": MAX_ANSWER_LENGTH}))
    answers = {**state.answers, event.question_id: joined}
    grown = state.model_copy(update={"answers": answers})
    return Step(grown, prompt_for(bank, grown), recorded=bank.question(event.question_id))


def _toggle(bank: Bank, state: InterviewState, question: Question, option: str) -> Step:
    if question.kind is not Kind.MULTI_CHOICE:
        return _refuse(bank, state, EXPECTED[question.kind])
    if option not in {o.id for o in question.options}:
        return _refuse(bank, state, EXPECTED[Kind.CHOICE])
    chosen = set(state.selection) ^ {option}
    ordered = tuple(o.id for o in question.options if o.id in chosen)
    toggled = state.model_copy(update={"selection": ordered})
    return Step(toggled, prompt_for(bank, toggled))


def _advance(
    bank: Bank,
    state: InterviewState,
    question: Question,
    value: AnswerValue | None,
    *,
    store: bool = True,
) -> Step:
    answers = dict(state.answers)
    if store:
        answers[question.id] = value
    answers = _applicable(bank, answers)
    base = {"answers": answers, "screen": None, "selection": ()}
    if state.editing:
        # A changed answer can make another question apply: it is asked before the review.
        missing = _first_missing(bank, answers)
        if missing is not None:
            moved = state.model_copy(update={**base, "current": missing})
        else:
            moved = state.model_copy(update={**base, "phase": "review", "editing": False})
    else:
        upcoming = _next_applicable(bank, question.id, answers)
        if upcoming is None:
            moved = state.model_copy(update={**base, "phase": "review"})
        else:
            history = (*state.history, question.id)
            moved = state.model_copy(update={**base, "current": upcoming, "history": history})
    return Step(moved, prompt_for(bank, moved), recorded=question if store else None)


def _next_applicable(bank: Bank, after: str, answers: Mapping[str, AnswerValue]) -> str | None:
    for question in bank.questions[bank.position(after) + 1 :]:
        if question.applies(answers):
            return question.id
    return None


def _applicable(bank: Bank, answers: dict[str, AnswerValue]) -> dict[str, AnswerValue]:
    """Answers to questions that no longer apply are dropped (in bank order, so a dropped
    answer also drops the questions that depended on it)."""
    kept: dict[str, AnswerValue] = {}
    for question in bank.questions:
        if question.id in answers and question.applies(kept):
            kept[question.id] = answers[question.id]
    return kept


def _first_missing(bank: Bank, answers: Mapping[str, AnswerValue]) -> str | None:
    for question in bank.questions:
        required = question.answerable and not question.optional
        if required and question.id not in answers and question.applies(answers):
            return question.id
    return None


def _back(bank: Bank, state: InterviewState) -> Step:
    if state.phase == "review":
        # From the review, Back reopens the last question, as if the respondent never left.
        last = state.model_copy(update={"phase": "asking", "current": bank.questions[-1].id})
        return Step(last, prompt_for(bank, last))
    if state.screen is not None:
        earlier = state.model_copy(update={"screen": rating.previous(state.screen)})
        return Step(earlier, prompt_for(bank, earlier))
    if state.selection:
        cleared = state.model_copy(update={"selection": ()})
        return Step(cleared, prompt_for(bank, cleared))
    if state.editing:
        reviewing = state.model_copy(update={"phase": "review", "editing": False})
        return Step(reviewing, prompt_for(bank, reviewing))
    if not state.history:
        return _refuse(bank, state, AT_START)
    rest = list(state.history)
    previous = rest.pop()
    # A question passed earlier may no longer apply (an answer before it changed), and an
    # info message that took no tap is not a screen to go back to: skip them.
    while rest and _passed_by(bank.question(previous), state):
        previous = rest.pop()
    if _passed_by(bank.question(previous), state):
        return _refuse(bank, state, AT_START)
    moved = state.model_copy(update={"current": previous, "history": tuple(rest)})
    return Step(moved, prompt_for(bank, moved))


def _passed_by(question: Question, state: InterviewState) -> bool:
    return question.flows_on or not question.applies(state.answers)


def _edit(bank: Bank, state: InterviewState, question_id: str) -> Step:
    if state.phase != "review":
        return _refuse(bank, state, NOT_IN_REVIEW)
    if not bank.has(question_id) or not bank.question(question_id).answerable:
        return _refuse(bank, state, UNKNOWN_QUESTION)
    if not bank.question(question_id).applies(state.answers):
        return _refuse(bank, state, UNKNOWN_QUESTION)
    editing = state.model_copy(update={"phase": "asking", "current": question_id, "editing": True})
    return Step(editing, prompt_for(bank, editing))


def _review(bank: Bank, state: InterviewState) -> Review:
    sections = []
    for section in bank.sections:
        items = tuple(
            ReviewItem(question=q, value=state.answers.get(q.id), answered=q.id in state.answers)
            for q in section.questions
            if q.answerable and q.applies(state.answers)
        )
        if items:
            sections.append(ReviewSection(section=section, items=items))
    return Review(sections=tuple(sections))


def _same(bank: Bank, state: InterviewState) -> Step:
    return Step(state, prompt_for(bank, state), changed=False)


def _refuse(bank: Bank, state: InterviewState, reason: Reason) -> Step:
    return Step(state, prompt_for(bank, state), refused=reason, changed=False)


__all__ = [
    "MAX_ANSWER_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "Ask",
    "Finished",
    "InterviewState",
    "Progress",
    "Prompt",
    "Review",
    "ReviewItem",
    "ReviewSection",
    "Step",
    "begin",
    "expected_reason",
    "prompt_for",
    "start",
    "step",
    "step_marker",
]
