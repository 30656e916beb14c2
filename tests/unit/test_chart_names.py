"""The chart's title is the campaign's name as the coordinator typed it (found by the fuzz)."""

from __future__ import annotations

import dataclasses

import pytest

from bot.i18n import translator
from bot.reports import build_preassessment_report, lettering, readiness_chart
from questions.loader import default_library
from tests.helpers.chart_gallery import skip_without_cjk_font
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


@pytest.mark.parametrize("name", ["中文社区", "Ｒｉｖｅｒｓｉｄｅ", "리버사이드"])
def test_a_name_in_chinese_or_korean_is_drawn(name: str) -> None:
    skip_without_cjk_font("ko" if "리" in name else "zh_Hans")
    assert chart_for(name)[:8] == PNG_SIGNATURE  # a missing glyph would warn: an error here


def test_a_character_no_font_has_is_left_out_of_the_picture() -> None:
    # No installed font has emoji glyphs matplotlib can draw: an empty box (and a warning,
    # an error under pytest) before; the report's text carries the name in full.
    assert chart_for("Riverside 🌊")[:8] == PNG_SIGNATURE
    assert lettering.drawable("Riverside 🌊\nA. Équité") == "Riverside \nA. Équité"
