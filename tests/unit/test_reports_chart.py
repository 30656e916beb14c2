"""Tests of bot.reports.chart: the readiness chart is a phone-sized PNG, with or without ratings."""

from __future__ import annotations

import dataclasses
import io
import struct
from pathlib import Path
from typing import Any

import pytest
from matplotlib.image import imread

from bot.i18n import shipped_locales, translator
from bot.reports import build_preassessment_report, lettering, readiness_chart
from bot.reports.chart import chart_figure, png_of
from bot.services.reports import chart_translator
from questions.loader import default_library
from tests.helpers import chart_gallery
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


@pytest.mark.parametrize("locale", shipped_locales())
def test_every_locales_chart_is_drawn_in_its_language_with_real_glyphs(locale: str) -> None:
    """Every word on the chart is in the coordinator's language and has a glyph in the
    installed fonts (lettering leaves out what has none: here nothing may be left out), no
    missing-glyph warning (an error here), and a PNG that decodes."""
    chart_gallery.skip_without_cjk_font(locale)
    library = default_library()
    name = chart_gallery.CAMPAIGN_NAMES.get(locale, CAMPAIGN.name)
    campaign = dataclasses.replace(CAMPAIGN, name=name)
    report = build_preassessment_report(campaign, preassessment_responses(8), library)
    tr = chart_translator(locale)
    assert tr.locale == locale
    figure = chart_figure(report, library, tr)
    typed = words(figure)
    assert library.model.dimensions[0].name not in typed or locale == "en"
    data = png_of(figure)
    assert words(figure) == typed
    pixels = imread(io.BytesIO(data), format="png")
    assert pixels.shape[:2] == (HEIGHT, WIDTH)


def words(figure: Any) -> list[str]:
    """What the figure will draw, read without drawing it (that would draw it unlettered):
    its texts, and the tick labels its axes are given."""
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter

    texts = [text.get_text() for text in figure.findobj(Text)]
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            formatter = axis.get_major_formatter()
            if isinstance(formatter, FixedFormatter):
                texts += formatter.seq
    return [text for text in texts if text]


@pytest.fixture
def without_cjk_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a server with only the font matplotlib ships."""
    dejavu = lettering._installed()[lettering.BASE_FAMILY]
    monkeypatch.setattr(lettering, "_installed", lambda: {lettering.BASE_FAMILY: dejavu})


@pytest.mark.usefixtures("without_cjk_fonts")
def test_without_a_font_for_its_script_a_chart_is_drawn_in_english() -> None:
    assert chart_translator("zh_Hans").locale == "en"
    assert chart_translator("ko").locale == "en"
    assert chart_translator("ar").locale == "ar"  # DejaVu Sans has Arabic
    assert chart_translator("vi").locale == "vi"


@pytest.mark.parametrize("locale", shipped_locales())
def test_docs_keep_a_chart_per_language(locale: str) -> None:
    """docs/charts/<locale>.png, made by `python -m tests.helpers.chart_gallery`, for a
    reviewer to look at each script's glyphs and shaping."""
    path = Path(__file__).parents[2] / "docs" / "charts" / f"{locale}.png"
    assert path.exists(), "run: .venv/bin/python -m tests.helpers.chart_gallery docs/charts"
    assert png_size(path.read_bytes()) == (WIDTH, HEIGHT)


@pytest.mark.usefixtures("without_cjk_fonts")
def test_doctor_says_which_languages_charts_are_drawn_in_english() -> None:
    from bot.cli.operator import _catalog_checks

    lines = dict((line.split(":")[0], (ok, line)) for ok, line in _catalog_checks())
    assert lines["catalog zh_Hans"][0]  # said, not a problem: the chart still goes out
    assert "drawn in English" in lines["catalog zh_Hans"][1]
    assert "fonts-noto-cjk" in lines["catalog ko"][1]
    assert lines["catalog ar"][1] == "catalog ar: loaded"
