"""Answer values: what each question kind accepts, and why an answer is refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from bot.i18n import N_
from questions.schema import Kind, Question
from scoring.readiness import LEVEL_STEPS

MAX_MESSAGE_LENGTH = 4096
"""Telegram's own limit for one message; the other channels keep to it too."""
MAX_ANSWER_LENGTH = 8000
"""A typed answer, however many messages it was sent in."""
SCALE = range(1, 11)
YES_NO = ("yes", "partly", "no", "not_sure")
DONT_KNOW = "dont_know"

AnswerValue = str | int | float | list[str] | dict[str, bool] | None
"""A level rating is stored as a number, whole (4) or half (3.5), or as DONT_KNOW; a typed
question the respondent preferred not to answer, as DECLINED (no typed text is a mapping)."""
DECLINED: dict[str, bool] = {"declined": True}


def is_declined(value: object) -> bool:
    return value == DECLINED


@dataclass(frozen=True)
class Reason:
    """Why an answer was refused: a msgid (translated by the presenter) and its placeholders."""

    message: str
    params: dict[str, int | str] = field(default_factory=dict)


EXPECTED = {
    Kind.TEXT: Reason(N_("Please type your answer.")),
    Kind.SCALE: Reason(N_("Please pick a number from 1 to 10 with the buttons.")),
    Kind.CHOICE: Reason(N_("Please choose one of the buttons.")),
    Kind.MULTI_CHOICE: Reason(N_("Please tick the options that apply, then press Done.")),
    Kind.YES_NO: Reason(N_("Please choose Yes, Partly, No or Not sure.")),
    Kind.LEVEL: Reason(N_("Please choose one of the statements with the buttons.")),
    Kind.INFO: Reason(N_("Please press Continue when you are ready.")),
}
"""What each kind of question wants, said when the input is of another kind."""
FACT_EXPECTED = Reason(N_("Please choose Yes, No or Not sure."))


def level_value(score: Fraction) -> int | float:
    """A rating as stored: 4 for a whole level, 3.5 for a half (exact in binary and in JSON)."""
    return int(score) if score.denominator == 1 else float(score)


_STORED_LEVELS: dict[int | float, Fraction] = {float(step): step for step in LEVEL_STEPS}
"""Stored ratings (4, 3.5) -> the shared exact levels; 4 and 4.0 hash alike, so both find it."""


def level_of_answer(value: AnswerValue) -> Fraction | None:
    """A stored rating back as an exact level; None for 'I don't know' or anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return _STORED_LEVELS.get(value)


def validate(question: Question, raw: object) -> tuple[AnswerValue, Reason | None]:
    """The value to store for `raw`, or a reason to ask again."""
    match question.kind:
        case Kind.TEXT:
            return _text(raw)
        case Kind.SCALE:
            return _scale(raw)
        case Kind.CHOICE:
            return _choice(question, raw)
        case Kind.MULTI_CHOICE:
            return _multi(question, raw)
        case Kind.YES_NO:
            text = str(raw).strip().lower()
            offered = YES_NO if question.partly else tuple(v for v in YES_NO if v != "partly")
            if text in offered:
                return text, None
            return None, EXPECTED[Kind.YES_NO] if question.partly else FACT_EXPECTED
    raise ValueError(f"{question.kind} answers are not validated here")


def accepts(question: Question, value: AnswerValue) -> bool:
    """Whether a stored answer is still a valid answer to `question` (after a bank changed)."""
    if value is None:
        return question.optional
    if is_declined(value):
        return question.kind is Kind.TEXT
    if question.kind is Kind.INFO:
        return False
    if question.kind is Kind.LEVEL:
        return value == DONT_KNOW or level_of_answer(value) is not None
    raw = tuple(value) if isinstance(value, list) else value
    stored, reason = validate(question, raw)
    return reason is None and stored == value


def _text(raw: object) -> tuple[AnswerValue, Reason | None]:
    if not isinstance(raw, str) or not raw.strip():
        return None, EXPECTED[Kind.TEXT]
    text = raw.strip()
    if len(text) > MAX_ANSWER_LENGTH:
        return None, answer_too_long(len(text))
    return text, None


def answer_too_long(length: int) -> Reason:
    return Reason(
        N_(
            "Your answer has {length} characters; please shorten it to "
            "{limit} or fewer and send it again."
        ),
        {"length": length, "limit": MAX_ANSWER_LENGTH},
    )


def _scale(raw: object) -> tuple[AnswerValue, Reason | None]:
    text = str(raw).strip()
    if text.isdecimal() and int(text) in SCALE:
        return int(text), None
    return None, EXPECTED[Kind.SCALE]


def _choice(question: Question, raw: object) -> tuple[AnswerValue, Reason | None]:
    text = str(raw).strip()
    if text in {o.id for o in question.options}:
        return text, None
    return None, EXPECTED[Kind.CHOICE]


def _multi(question: Question, raw: object) -> tuple[AnswerValue, Reason | None]:
    chosen = raw if isinstance(raw, tuple | list) else ()
    known = {o.id for o in question.options}
    if not chosen:
        return None, Reason(N_("Please tick at least one option, then press Done."))
    if not set(chosen) <= known:
        return None, EXPECTED[Kind.CHOICE]
    return [o.id for o in question.options if o.id in chosen], None
