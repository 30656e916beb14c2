"""Tallies and gaps of the capacity checklist's yes/no items, for one organisation or many.

Gaps (no, partly, not sure; yes for items worded as a need) become the Action Plan's list."""

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


@dataclass(frozen=True)
class AreaTally:
    section_id: str
    title: str
    yes: int
    partly: int
    no: int
    not_sure: int
    unanswered: int


@dataclass(frozen=True)
class Gap:
    section_id: str
    question_id: str
    prompt: str
    answer: CapacityAnswer


def is_gap(question: Question, answer: CapacityAnswer) -> bool:
    if question.yes_means_gap:
        # "Does staff need training on ...?": only a firm no means nothing is missing.
        return answer is not CapacityAnswer.NO
    return answer is not CapacityAnswer.YES


def _yes_no(section: Section) -> list[Question]:
    return [q for q in section.questions if q.kind is Kind.YES_NO]


def _answer(question: Question, answers: Mapping[str, object]) -> CapacityAnswer | None:
    stored = answers.get(question.id)
    if stored is None:
        return None
    if not isinstance(stored, str) or stored not in _STORED_VALUES:
        raise ValueError(f"{stored!r} is not a yes/no answer to {question.id}")
    return CapacityAnswer(stored)


def _tally_section(section: Section, answers: Mapping[str, object]) -> AreaTally:
    given = [_answer(q, answers) for q in _yes_no(section)]
    counts = Counter(given)
    return AreaTally(
        section_id=section.id,
        title=section.title,
        yes=counts[CapacityAnswer.YES],
        partly=counts[CapacityAnswer.PARTLY],
        no=counts[CapacityAnswer.NO],
        not_sure=counts[CapacityAnswer.NOT_SURE],
        unanswered=counts[None],
    )


def tally(bank: Bank, answers: Mapping[str, object]) -> list[AreaTally]:
    return [_tally_section(s, answers) for s in bank.sections if _yes_no(s)]


def gaps(bank: Bank, answers: Mapping[str, object]) -> list[Gap]:
    found: list[Gap] = []
    for section in bank.sections:
        for question in _yes_no(section):
            answer = _answer(question, answers)
            # An unanswered item is reported as unanswered, not guessed to be a gap.
            if answer is not None and is_gap(question, answer):
                found.append(Gap(section.id, question.id, question.prompt, answer))
    return found


def _add(a: AreaTally, b: AreaTally) -> AreaTally:
    return AreaTally(
        section_id=a.section_id,
        title=a.title,
        yes=a.yes + b.yes,
        partly=a.partly + b.partly,
        no=a.no + b.no,
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
