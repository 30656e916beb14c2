"""Tests of bot.reports.chart: the readiness chart is a phone-sized PNG, with or without ratings."""

from __future__ import annotations

import io
import struct

import pytest
from matplotlib.image import imread

from bot.i18n import shipped_locales, translator
from bot.reports import build_preassessment_report, readiness_chart
from bot.services.reports import chart_translator
from questions.loader import default_library
from tests.helpers.report_samples import CAMPAIGN, preassessment_responses

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WIDTH, HEIGHT = 1080, 1350


@pytest.fixture(scope="module")
def charts() -> dict[tuple[str, int], bytes]:
    """Each variant rendered once: rendering is the slow part of these tests."""
    library = default_library()
    rendered = {}
    for count in (0, 8):
        report = build_preassessment_report(CAMPAIGN, preassessment_responses(count), library)
        for locale in ("en", "es"):
            rendered[locale, count] = readiness_chart(report, library, translator(locale))
    return rendered


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("count", [0, 8])
@pytest.mark.parametrize("locale", ["en", "es"])
def test_a_phone_sized_png(charts: dict[tuple[str, int], bytes], locale: str, count: int) -> None:
    assert png_size(charts[locale, count]) == (WIDTH, HEIGHT)


def test_the_png_decodes(charts: dict[tuple[str, int], bytes]) -> None:
    pixels = imread(io.BytesIO(charts["en", 8]), format="png")
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    assert pixels.min() < 0.5 < pixels.max()  # something drawn on the white


def test_each_variant_draws_something_different(charts: dict[tuple[str, int], bytes]) -> None:
    assert len(set(charts.values())) == 4


@pytest.mark.parametrize("locale", [loc for loc in shipped_locales()])
def test_every_locales_chart_is_drawn_with_real_glyphs(locale: str) -> None:
    """Drawn in the coordinator's language where the chart's font has its script, else in
    English (Arabic, Chinese, Korean for now): no missing-glyph warning (an error here), and
    a PNG that decodes."""
    library = default_library()
    report = build_preassessment_report(CAMPAIGN, preassessment_responses(8), library)
    tr = chart_translator(locale)
    assert tr.locale in (locale, "en")
    if locale in ("es", "ru", "vi", "ht", "tl", "pt_BR", "fr"):
        assert tr.locale == locale
    data = readiness_chart(report, library, tr)
    pixels = imread(io.BytesIO(data), format="png")
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
