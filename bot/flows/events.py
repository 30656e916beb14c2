"""What a respondent can do in an interview, independent of the channel they use."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    """An answer to the current question.

    `question_id` names the question the channel showed; when it is not the current one
    (a stale button, a message typed after Back elsewhere) the answer is refused.
    """

    value: str | int | tuple[str, ...]
    question_id: str | None = None


@dataclass(frozen=True)
class More:
    """Another message of a typed answer: joined to the answer to `question_id`, which must
    be the one she answered last by typing, before she did anything else."""

    text: str
    question_id: str


@dataclass(frozen=True)
class Continue:
    """Move on from an information message."""

    question_id: str | None = None


@dataclass(frozen=True)
class Toggle:
    """Select or unselect one option of a multiple-choice question before confirming it."""

    option: str
    question_id: str | None = None


@dataclass(frozen=True)
class Back:
    """Go back one step. `shown` names the step the Back was pressed on (see `step_marker`):
    a second tap of an old Back is refused instead of going back twice."""

    shown: str | None = None


@dataclass(frozen=True)
class Skip:
    question_id: str | None = None


@dataclass(frozen=True)
class Decline:
    """ "Prefer not to answer" a typed question: stored as such, and counted."""

    question_id: str | None = None


@dataclass(frozen=True)
class Keep:
    """Keep the answer already given (back on a question, or changing one from the review)."""

    question_id: str | None = None


@dataclass(frozen=True)
class Resume:
    """Show the current question again (the respondent came back, or asked to see it)."""


@dataclass(frozen=True)
class ChangeLanguage:
    locale: str


@dataclass(frozen=True)
class Edit:
    """From the review screen: change one answer, then return to the review."""

    question_id: str


@dataclass(frozen=True)
class Submit:
    pass


Event = (
    Answer
    | More
    | Continue
    | Toggle
    | Back
    | Skip
    | Decline
    | Keep
    | Resume
    | ChangeLanguage
    | Edit
    | Submit
)
