"""What a service asks for after an event, for the channel to persist with the answer.

A channel's outbox writes every effect in the transaction that stored the answer, and
delivers them after the commit, in order: an effect never leaves for a rolled-back answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.flows.values import AnswerValue
from bot.services.views import Deferred, Phrase, View
from questions.schema import Question


@dataclass(frozen=True)
class Reply:
    """Show a view to whoever caused the event.

    `held`: the question after a typed answer waits until she pauses, so an answer sent in
    several messages stays one; a later held reply replaces one not delivered yet.
    """

    view: View
    slot: str = ""
    """Names the message as the newest of its kind in the chat ("setup"), so that `Unbutton`
    can take its buttons away later; a message without buttons empties the slot."""
    held: bool = False


@dataclass(frozen=True)
class Later:
    """A view built and rendered when it is delivered (reports, charts, files)."""

    view: Deferred


@dataclass(frozen=True)
class Settle:
    """The message whose button was tapped stays, with the choice made and no buttons left.

    The choice is shown as a phrase ("Continue"), or as the answer stored for a question.
    """

    locale: str = "en"
    phrase: Phrase | None = None
    question: Question | None = None
    value: AnswerValue = None


@dataclass(frozen=True)
class Redraw:
    """Replace the message whose button was tapped (ticking an option of a multiple choice)."""

    view: View


@dataclass(frozen=True)
class Unbutton:
    """Take the buttons off the message last shown under `slot` in this chat, if it still has
    them: the step they answer is over, and the event was not a tap on that message."""

    slot: str


@dataclass(frozen=True)
class Toast:
    """A short note on the tapped button itself."""

    locale: str
    phrase: Phrase


@dataclass(frozen=True)
class Notify:
    """A message to a coordinator (coordinators are staff, identified by their Telegram id)."""

    telegram_id: int
    view: Deferred


@dataclass(frozen=True)
class ClearChat:
    """Quick exit: take everything of this conversation off the respondent's screen."""


@dataclass(frozen=True)
class CoordinatorMenu:
    """Coordinator commands in this chat's menu, in the coordinator's language."""

    locale: str


Effect = Reply | Later | Settle | Redraw | Unbutton | Toast | Notify | ClearChat | CoordinatorMenu
Effects = list[Effect]
