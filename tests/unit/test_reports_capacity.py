"""Tests of bot.reports.capacity: the coordinator's report of a capacity checklist campaign."""

from __future__ import annotations

import json
import re

import pytest

from bot.i18n import Translator, translator
from bot.reports import CapacityReport, build_capacity_report, capacity_json, capacity_text
from questions.loader import Library
from scoring import common_gaps, tally_many
from tests.helpers.report_samples import CAPACITY_CAMPAIGN, PLAN, capacity_responses

TAG = re.compile(r"</?([a-z]+)[^>]*>")


@pytest.fixture(scope="module")
def report(library: Library) -> CapacityReport:
    return build_capacity_report(CAPACITY_CAMPAIGN, capacity_responses(), library)


def test_areas_and_gaps_are_the_scoring_tallies(report: CapacityReport, library: Library) -> None:
    bank = library.bank("capacity_checklist")
    answers = [r.answers for r in capacity_responses()]
    assert report.organisations == 3
    assert report.areas == tally_many(bank, answers)
    assert report.common_gaps == common_gaps(bank, answers)
    screening = next(a for a in report.areas if a.section_id == "screening")
    assert (screening.in_place, screening.partly, screening.gap, screening.not_sure) == (0, 1, 2, 0)
    # Items worded as a need count "yes" as the gap: every organisation needs this training.
    top = [(q.id, n) for q, n in report.common_gaps[:2]]
    assert top == [("prep_need_ident", 3), ("prep_need_other", 3)]


def test_plans_in_template_order_without_empty_ones(report: CapacityReport) -> None:
    assert len(report.plans) == 2  # the second organisation wrote none
    prompts = [prompt for prompt, _ in report.plans[0]]
    assert [p[:2] for p in prompts] == ["A.", "B.", "D."]
    assert [text for _, text in report.plans[0]] == list(PLAN.values())


def test_json_shape(report: CapacityReport, library: Library) -> None:
    data = capacity_json(report, library)
    json.dumps(data)
    prompts = {q.id: q.prompt for q in library.bank("capacity_checklist").questions}
    assert data["campaign"]["closed"] is True
    assert data["respondents"] == 3
    assert set(data["areas"][0]) == {
        "id", "title", "in_place", "partly", "gap", "not_sure", "unanswered"
    }  # fmt: skip
    assert data["common_gaps"][0] == {
        "question": "prep_need_ident",
        "prompt": prompts["prep_need_ident"],
        "organisations": 3,
    }
    assert data["plans"][0][2] == {"prompt": "D. Timeline", "text": "By June."}


def test_json_titles_and_prompts_follow_the_language(
    report: CapacityReport, library: Library
) -> None:
    es = translator("es")
    english, spanish = capacity_json(report, library), capacity_json(report, library, es)
    assert [a["id"] for a in spanish["areas"]] == [a["id"] for a in english["areas"]]
    assert spanish["areas"][0]["title"] == es.gettext(english["areas"][0]["title"])
    assert spanish["areas"][0]["title"] != english["areas"][0]["title"]
    assert spanish["common_gaps"][0]["prompt"] == es.gettext(english["common_gaps"][0]["prompt"])
    assert spanish["plans"][0][2] == {"prompt": "D. Cronograma", "text": "By June."}


def test_spanish_headings(report: CapacityReport, library: Library) -> None:
    shown = capacity_text(report, library, translator("es"))
    for heading in ("Respuestas por área", "Las carencias más frecuentes:", "Plan de acción 1"):
        assert f"<b>{heading}</b>" in shown
    for english in ("Answers per area", "The most common gaps", "Action plan"):
        assert english not in shown


def test_text(report: CapacityReport, library: Library, en: Translator) -> None:
    shown = capacity_text(report, library, en)
    assert shown.startswith("<b>Capacity checklist report: Riverside providers</b>")
    assert "3 organisations answered." in shown
    assert "In place 0 · Partly 1 · Gap 2 · Not sure 0" in shown  # the screening area
    gaps = shown.split("The most common gaps:")[1].split("action plans submitted")[0]
    assert gaps.count("• ") == 10  # top ten of the eleven
    assert "(3 organisations)" in shown
    assert "2 action plans submitted:" in shown
    assert "add 3 questions to intake &lt;form&gt;." in shown  # free text is escaped
    assert "roles &amp; responsibilities" in shown
    assert {m.group(1) for m in TAG.finditer(shown)} <= {"b", "i"}


def test_text_in_spanish(report: CapacityReport, library: Library) -> None:
    es = translator("es")
    shown = capacity_text(report, library, es)
    words = [es.gettext(w) for w in ("In place", "Partly", "Gap")]
    assert words != ["In place", "Partly", "Gap"]
    assert f"{words[0]} 0 · {words[1]} 1 · {words[2]} 2" in shown


def test_zero_responses(library: Library, en: Translator) -> None:
    empty = build_capacity_report(CAPACITY_CAMPAIGN, [], library)
    assert empty.organisations == 0
    assert all(a.in_place == a.gap == a.unanswered == 0 for a in empty.areas)
    assert (empty.common_gaps, empty.plans) == ([], [])
    assert capacity_json(empty, library)["respondents"] == 0
    assert "No checklists completed yet." in capacity_text(empty, library, en)


def test_preassessment_responses_are_not_counted(library: Library) -> None:
    from tests.helpers.report_samples import preassessment_responses

    mixed = build_capacity_report(
        CAPACITY_CAMPAIGN, [*capacity_responses(), *preassessment_responses(2)], library
    )
    assert mixed.organisations == 3
