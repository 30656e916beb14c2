"""The report sample data has the groups the report tests rely on."""

from __future__ import annotations

from collections import Counter

from questions.loader import default_library
from tests.helpers.report_samples import ROWS, preassessment_answers, preassessment_responses


def test_the_sample_has_the_groups_the_report_tests_need() -> None:
    sectors = Counter(row[0] for row in ROWS)
    assert sectors["schools"] == 3
    assert sectors["police"] == 2
    assert sectors[None] == 2
    locales = Counter(row[1] for row in ROWS)
    assert locales == {"en": 6, "es": 2}
    assert len(preassessment_responses()) == 8


def test_the_sample_answers_every_answerable_question() -> None:
    bank = default_library().bank("preassessment")
    wanted = {q.id for q in bank.questions if q.answerable}
    assert set(preassessment_answers(0)) == wanted
