"""The chart's title is the campaign's name as the coordinator typed it (found by the fuzz)."""

from __future__ import annotations

import dataclasses

import pytest

from bot.i18n import translator
from bot.reports import build_preassessment_report, readiness_chart
from questions.loader import default_library
from tests.helpers.report_samples import CAMPAIGN, preassessment_responses

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chart_for(name: str) -> bytes:
    library = default_library()
    campaign = dataclasses.replace(CAMPAIGN, name=name)
    report = build_preassessment_report(campaign, preassessment_responses(3), library)
    return readiness_chart(report, library, translator("en"))


@pytest.mark.parametrize(
    "name", ["Fondos de $5 a $10", r"Costs $\notacommand$ here", "$x^$", "Riverside $"]
)
def test_dollar_signs_in_a_name_are_not_read_as_a_formula(name: str) -> None:
    # matplotlib reads text between two $ as mathtext: a bad formula raised, and the chart
    # of that campaign could never be sent.
    assert chart_for(name)[:8] == PNG_SIGNATURE


@pytest.mark.xfail(
    strict=True,
    reason="the chart font (DejaVu Sans) has no emoji, CJK or fullwidth glyphs: they are drawn "
    "as empty boxes, and matplotlib warns (an error under pytest)",
)
@pytest.mark.parametrize("name", ["Riverside 🌊", "中文社区", "Ｒｉｖｅｒｓｉｄｅ"])
def test_a_name_in_any_script_is_drawn(name: str) -> None:
    assert chart_for(name)[:8] == PNG_SIGNATURE
