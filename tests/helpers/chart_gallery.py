"""The readiness chart in every shipped language, as docs/charts/<locale>.png.

    .venv/bin/python -m tests.helpers.chart_gallery docs/charts

The same sample campaign (8 respondents) each time, named as a coordinator in that language
might name it, so that a reviewer sees the script, its shaping and a name mixed with digits.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from bot.i18n import language_name, shipped_locales
from bot.reports import build_preassessment_report, lettering, readiness_chart
from bot.services.reports import chart_translator
from questions.loader import default_library
from tests.helpers.report_samples import CAMPAIGN, preassessment_responses

CAMPAIGN_NAMES = {
    "ar": "فريق عمل مقاطعة ريفرسايد 2026",
    "es": "Grupo de trabajo del condado de Riverside 2026",
    "fr": "Groupe de travail du comté de Riverside 2026",
    "ht": "Gwoup travay konte Riverside 2026",
    "ko": "리버사이드 카운티 태스크포스 2026",
    "pt_BR": "Força-tarefa do condado de Riverside 2026",
    "ru": "Рабочая группа округа Риверсайд 2026",
    "tl": "Task force ng Riverside County 2026",
    "vi": "Nhóm đặc nhiệm quận Riverside 2026",
    "zh_Hans": "河滨县工作组 2026",
}


CJK_LOCALES = ("zh_Hans", "ko")


def skip_without_cjk_font(locale: str = "zh_Hans") -> None:
    """Skip a test of Chinese or Korean glyphs on a machine without a CJK font, saying why;
    every other language's charts are drawn with the font matplotlib ships, never skipped."""
    if locale in CJK_LOCALES and not lettering.draws(language_name(locale)):
        pytest.skip(
            "no Chinese and Korean font installed: apt-get install fonts-noto-cjk (.ci/run "
            "does it); without one the bot draws these charts in English"
        )


def chart(locale: str) -> bytes:
    library = default_library()
    name = CAMPAIGN_NAMES.get(locale, CAMPAIGN.name)
    campaign = dataclasses.replace(CAMPAIGN, name=name)
    report = build_preassessment_report(campaign, preassessment_responses(8), library)
    return readiness_chart(report, library, chart_translator(locale))


def main(folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for locale in shipped_locales():
        (out / f"{locale}.png").write_bytes(chart(locale))
        print(out / f"{locale}.png")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/charts")
