"""Which bank an open interview runs on, when the banks change while it is open.

Policy (docs/method.md, "Changing a bank"): an interview finishes on the version it began on
whenever this program still ships that version. When it does not, the interview moves onto
the current version by question id: answers to questions that still exist and still accept
the answer are kept, the others are dropped, and the interview goes on at the same question
or, if that question is gone, right after the last question passed that still exists. The
respondent is told.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.flows.interview import InterviewState
from bot.flows.values import AnswerValue, accepts
from questions.loader import Library
from questions.schema import Bank


@dataclass(frozen=True)
class Bound:
    bank: Bank
    state: InterviewState
    rebased: bool = False
    """True when the interview was moved onto another version of its bank just now."""


def bind(library: Library, state: InterviewState) -> Bound:
    pinned = library.version(state.bank, state.version)
    if pinned is not None:
        resolved = _resolve_positions(pinned, state)
        if resolved is not None:
            return Bound(pinned, resolved)
    current = library.bank(state.bank)
    # A state saved by position whose version is gone is read against the current version:
    # right whenever the order of the questions did not change (as from version 1 to 2).
    resolved = _resolve_positions(current, state) or state
    return Bound(current, rebase(current, resolved), rebased=True)


def rebase(bank: Bank, state: InterviewState) -> InterviewState:
    kept: dict[str, AnswerValue] = {
        qid: value
        for qid, value in state.answers.items()
        if bank.has(qid) and accepts(bank.question(qid), value)
    }
    current = state.current if bank.has(state.current) else _after_last_passed(bank, state)
    missing = [
        q.id
        for q in bank.questions
        if q.answerable and not q.optional and q.id not in kept and q.applies(kept)
    ]
    review = state.phase == "review" and not missing
    if state.phase == "review" and missing:
        current = missing[0]  # a question added since: asked before the review comes back
    before = tuple(q.id for q in bank.questions[: bank.position(current)])
    return state.model_copy(
        update={
            "version": bank.version,
            "phase": "review" if review else "asking",
            "current": current,
            "answers": kept,
            "history": before,
            "screen": None,
            "selection": (),
            "editing": False,
        }
    )


def _after_last_passed(bank: Bank, state: InterviewState) -> str:
    for passed in reversed(state.history):
        if bank.has(passed):
            following = bank.position(passed) + 1
            return bank.questions[min(following, len(bank.questions) - 1)].id
    return bank.questions[0].id


def _resolve_positions(bank: Bank, state: InterviewState) -> InterviewState | None:
    """A state saved by position ('#3') in terms of ids; None if a position is out of range."""
    if not state.current.startswith("#"):
        return state if bank.has(state.current) else None
    ids: list[str] = []
    for marker in (*state.history, state.current):
        index = int(marker[1:])
        if not 0 <= index < len(bank.questions):
            return None
        ids.append(bank.questions[index].id)
    *history, current = ids
    return state.model_copy(update={"current": current, "history": tuple(history)})
