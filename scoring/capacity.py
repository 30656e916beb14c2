"""Tallies and gaps of the capacity checklist's yes/no items, for one organisation or many.

Each item says what a yes means: something in place, or something needed. So an answer is
read as in place, partly, a gap or not sure; everything but "in place" is for the Action
Plan's list. An item that does not apply (its condition is not met) counts nowhere."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from questions.schema import Bank, Kind, Question, Section


class CapacityAnswer(StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"
    NOT_SURE = "not_sure"


_STORED_VALUES = frozenset(answer.value for answer in CapacityAnswer)


class Standing(StrEnum):
    IN_PLACE = "in_place"
    PARTLY = "partly"
    GAP = "gap"
    NOT_SURE = "not_sure"


def standing(question: Question, answer: CapacityAnswer) -> Standing:
    """What an answer says about the organisation, whichever way the item is worded."""
    if answer is CapacityAnswer.PARTLY:
        return Standing.PARTLY
    if answer is CapacityAnswer.NOT_SURE:
        return Standing.NOT_SURE
    means_in_place = (answer is CapacityAnswer.YES) == (question.yes_means != "need")
    return Standing.IN_PLACE if means_in_place else Standing.GAP


@dataclass(frozen=True)
class AreaTally:
    section_id: str
    title: str
    in_place: int
    partly: int
    gap: int
    not_sure: int
    unanswered: int


@dataclass(frozen=True)
class Gap:
    section_id: str
    question_id: str
    prompt: str
    answer: CapacityAnswer


def is_gap(question: Question, answer: CapacityAnswer) -> bool:
    """Anything not firmly in place is something to work on (partly and not sure too)."""
    return standing(question, answer) is not Standing.IN_PLACE


def _yes_no(section: Section, answers: Mapping[str, object] | None = None) -> list[Question]:
    """The section's yes/no items; with answers, only those that apply."""
    return [
        q
        for q in section.questions
        if q.kind is Kind.YES_NO and (answers is None or q.applies(answers))
    ]


def _answer(question: Question, answers: Mapping[str, object]) -> CapacityAnswer | None:
    stored = answers.get(question.id)
    if stored is None:
        return None
    if not isinstance(stored, str) or stored not in _STORED_VALUES:
        raise ValueError(f"{stored!r} is not a yes/no answer to {question.id}")
    return CapacityAnswer(stored)


def _tally_section(section: Section, answers: Mapping[str, object]) -> AreaTally:
    counts: Counter[Standing | None] = Counter()
    for question in _yes_no(section, answers):
        answer = _answer(question, answers)
        counts[None if answer is None else standing(question, answer)] += 1
    return AreaTally(
        section_id=section.id,
        title=section.title,
        in_place=counts[Standing.IN_PLACE],
        partly=counts[Standing.PARTLY],
        gap=counts[Standing.GAP],
        not_sure=counts[Standing.NOT_SURE],
        unanswered=counts[None],
    )


def tally(bank: Bank, answers: Mapping[str, object]) -> list[AreaTally]:
    return [_tally_section(s, answers) for s in bank.sections if _yes_no(s)]


def gaps(bank: Bank, answers: Mapping[str, object]) -> list[Gap]:
    found: list[Gap] = []
    for section in bank.sections:
        for question in _yes_no(section, answers):
            answer = _answer(question, answers)
            # An unanswered item is reported as unanswered, not guessed to be a gap.
            if answer is not None and is_gap(question, answer):
                found.append(Gap(section.id, question.id, question.prompt, answer))
    return found


def _add(a: AreaTally, b: AreaTally) -> AreaTally:
    return AreaTally(
        section_id=a.section_id,
        title=a.title,
        in_place=a.in_place + b.in_place,
        partly=a.partly + b.partly,
        gap=a.gap + b.gap,
        not_sure=a.not_sure + b.not_sure,
        unanswered=a.unanswered + b.unanswered,
    )


def tally_many(bank: Bank, responses: Iterable[Mapping[str, object]]) -> list[AreaTally]:
    totals = [AreaTally(s.id, s.title, 0, 0, 0, 0, 0) for s in bank.sections if _yes_no(s)]
    for answers in responses:
        totals = [_add(t, one) for t, one in zip(totals, tally(bank, answers), strict=True)]
    return totals


def common_gaps(
    bank: Bank, responses: Iterable[Mapping[str, object]]
) -> list[tuple[Question, int]]:
    counts: Counter[str] = Counter()
    for answers in responses:
        counts.update(gap.question_id for gap in gaps(bank, answers))
    in_checklist_order = [q for q in bank.questions if counts[q.id]]
    # sorted() is stable, so equal counts keep checklist order.
    ranked = sorted(in_checklist_order, key=lambda q: -counts[q.id])
    return [(q, counts[q.id]) for q in ranked]
