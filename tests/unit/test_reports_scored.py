"""Tests of bot.reports.scored and its charts: the scored result beside the self-ratings,
strategies lowest first, the scorecard files, each round's levels, and the PNGs."""

from __future__ import annotations

import dataclasses
import io
import struct
from fractions import Fraction as F

import pytest
from matplotlib.image import imread
from openpyxl import load_workbook

from bot.channels.telegram.presenter import Document, Photo, Presenter, Text
from bot.i18n import translator
from bot.reports import build_preassessment_report
from bot.reports.scored import (
    SCORED,
    SUGGESTED,
    LevelRow,
    Trend,
    build_scored_report,
    round_levels,
    scorecard_files,
    scored_text,
    scored_vs_self,
    signed,
    trend_text,
)
from bot.reports.scored_chart import scored_chart, trend_chart
from bot.services.reports import Material, chart_translator
from bot.services.views import ReportRequest
from bot.services.workbench import Workbook
from bot.storage.records import Agreed, Interview, ScoreComment, StaffMember
from questions.loader import default_library
from questions.schema import DIMENSION_IDS
from scoring import assess
from tests.helpers.chart_gallery import skip_without_cjk_font
from tests.helpers.report_samples import CAMPAIGN, WORKED_EXAMPLE, preassessment_responses

LIBRARY = default_library()
MODEL = LIBRARY.model
EN = translator("en")
ES = translator("es")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LABELS = ("ACDE", "FHJK", "MNPR")
AGREED = WORKED_EXAMPLE


def staff(name: str, role: str = "scorer") -> StaffMember:
    return StaffMember(f"s-{name}", CAMPAIGN.id, role, name, None, "en", "2024-03-01")


def book(*, final: bool = True, confirmed: bool = True, drop: int = 0) -> Workbook:
    """The guide's example as a workbook; `drop` leaves that many agreed scores out."""
    agreed = {
        (label, d): Agreed(f"r{i}", d, AGREED[d][i], "s-Ana", "s-Ben" if confirmed else None)
        for d in DIMENSION_IDS
        for i, label in enumerate(LABELS)
    }
    for key in list(agreed)[:drop]:
        del agreed[key]
    campaign = dataclasses.replace(
        CAMPAIGN,
        focus="public_health",
        finalised_at="2024-05-02T10:00:00+00:00" if final else None,
    )
    return Workbook(
        campaign=campaign,
        interviews=tuple(
            Interview(f"r{i}", label, "preassessment", 1, "en") for i, label in enumerate(LABELS)
        ),
        scorers=(staff("Ana"), staff("Ben Ortiz")),
        reviewers=(staff("Rita", "reviewer"),),
        sheets=frozenset(),
        submitted={
            "Ana": {(label, d): F(4) for label in LABELS for d in DIMENSION_IDS},
            "Ben Ortiz": {(label, d): F(9, 2) for label in LABELS for d in DIMENSION_IDS},
        },
        agreed=agreed,
        comments=(
            ScoreComment("Rita", "reviewer", "D", "D <looks> generous.", "2024-05-01"),
            ScoreComment("100001", "coordinator", None, "Mostly police-led.", "2024-05-02"),
        ),
    )


@pytest.fixture(scope="module")
def suggested_report() -> tuple[object, int]:
    pre = build_preassessment_report(CAMPAIGN, preassessment_responses(8), LIBRARY)
    return pre.assessment, pre.respondents


def test_scored_beside_self_rated_with_the_difference() -> None:
    scored = assess({d: [F(3)] for d in DIMENSION_IDS})
    suggested = assess({"A": [F(5)], "B": [F(3)], "C": [F(2)]})
    rows = scored_vs_self(scored, suggested)
    assert rows[:3] == (LevelRow("A", 3, 5), LevelRow("B", 3, 3), LevelRow("C", 3, 2))
    assert [row.difference for row in rows[:4]] == [-2, 0, 1, None]
    assert rows[-1] == LevelRow(None, 3, None)  # the self-ratings have no overall: D-G unrated
    assert [signed(n) for n in (-2, 0, 1)] == ["−2", "0", "+1"]


def test_the_calculated_scorecard_is_the_guides_arithmetic_cut_not_rounded() -> None:
    report = build_scored_report(book(), MODEL)
    assert report.assessment.overall is not None
    assert report.assessment.overall.score == F(59, 14)  # 29.5 / 7 = 4.214...
    assert report.assessment.overall.level == 4
    text = scored_text(report, LIBRARY, EN)
    assert "29.50 ÷ 7 = 4.21 · Level 4" in text
    assert "D. Leadership: 7.5 ÷ 3 = 2.50 · Level 2" in text
    assert "Final" in text and "Provisional" not in text


def test_strategies_come_lowest_dimension_first_at_each_dimensions_level() -> None:
    report = build_scored_report(book(), MODEL)
    assert [p.dimension for p in report.priorities] == ["D", "E", "B", "A", "G", "C", "F"]
    text = scored_text(report, LIBRARY, EN)
    positions = [text.index(f"{n}. {d}.") for n, d in enumerate("DEBAGCF", start=1)]
    assert positions == sorted(positions)
    for p in report.priorities:
        assert p.strategy == MODEL.level(p.level).strategies[p.dimension]  # type: ignore[index]
        assert EN.gettext(p.strategy) in text


def test_provisional_until_final_and_says_how_many_are_missing() -> None:
    text = scored_text(build_scored_report(book(final=False, drop=2), MODEL), LIBRARY, EN)
    assert "Provisional: 2 agreed scores still missing or unconfirmed." in text
    text = scored_text(build_scored_report(book(final=False), MODEL), LIBRARY, EN)
    assert "every score is agreed, but the scores are not finalised yet" in text
    unconfirmed = build_scored_report(book(final=False, confirmed=False), MODEL)
    assert unconfirmed.unagreed == 21 and not unconfirmed.assessment.dimensions


def test_agreement_focus_and_comments_in_plain_words() -> None:
    text = scored_text(build_scored_report(book(), MODEL), LIBRARY, EN)
    assert (
        "Of 21 scores given by two scorers, 0% were identical and 100% within half a level" in text
    )
    assert "Efforts centre on: public health response." in text
    assert "Rita, reviewer (D):</b> D &lt;looks&gt; generous." in text
    assert "100001" not in text  # a coordinator's comment is stored under her Telegram id
    assert "<b>coordinator:</b> Mostly police-led." in text


def test_self_ratings_shown_beside_only_over_three_respondents(
    suggested_report: tuple[object, int],
) -> None:
    suggested, respondents = suggested_report
    report = build_scored_report(
        book(),
        MODEL,
        suggested=suggested,  # type: ignore[arg-type]
        respondents=respondents,
    )
    assert report.comparison and report.comparison[0].dimension == "A"
    text = scored_text(report, LIBRARY, EN)
    assert "Self-rated by 8 respondents" in text
    assert "A. Community equity: scored 4, self-rated 4 (0)" in text
    two = build_scored_report(book(), MODEL, suggested=suggested, respondents=2)  # type: ignore[arg-type]
    assert two.suggested is None and two.comparison == ()
    assert "self-rated" not in scored_text(two, LIBRARY, EN)


def test_spanish_text_has_no_english_headings() -> None:
    text = scored_text(build_scored_report(book(), MODEL), LIBRARY, ES)
    for english in ("Calculated scorecard", "Scorers' agreement", "Comments", "Efforts centre"):
        assert english not in text


def test_the_scorecard_files_one_per_scorer_combined_calculated_and_a_workbook() -> None:
    files = dict(scorecard_files(book(), MODEL, EN))
    stem = f"scorecards-{CAMPAIGN.id}"
    assert list(files) == [
        f"{stem}-independent-ana.csv",
        f"{stem}-independent-ben-ortiz.csv",
        f"{stem}-combined.csv",
        f"{stem}-calculated.csv",
        f"{stem}.xlsx",
    ]
    calculated = files[f"{stem}-calculated.csv"].decode("utf-8-sig")
    assert "29.5,÷,7,4.21,4," in calculated
    combined = files[f"{stem}-combined.csv"].decode("utf-8-sig")
    assert "2024-05-02" in combined and "Ana, Ben Ortiz" in combined
    sheets = load_workbook(io.BytesIO(files[f"{stem}.xlsx"])).sheetnames
    assert len(sheets) == 4


def campaign(number: int, **changes: object) -> object:
    return dataclasses.replace(
        CAMPAIGN, id=f"c{number}", created_at=f"202{number}-03-01T09:00:00+00:00", **changes
    )


def test_each_round_scored_where_final_else_self_rated_else_nothing() -> None:
    scored = assess({d: [F(5)] for d in DIMENSION_IDS})
    suggested = assess({d: [F(7)] for d in DIMENSION_IDS})
    final = campaign(1, finalised_at="2021-04-01T00:00:00+00:00")
    first = round_levels(1, final, scored, suggested, 8)  # type: ignore[arg-type]
    second = round_levels(2, campaign(2), None, suggested, 8)  # type: ignore[arg-type]
    few = round_levels(3, campaign(3), None, suggested, 2)  # type: ignore[arg-type]
    full = round_levels(4, campaign(4, flow="full_assessment"), scored, None)  # type: ignore[arg-type]
    assert (first.source, first.overall, first.levels["A"]) == (SCORED, 5, 5)
    assert (second.source, second.overall) == (SUGGESTED, 7)
    assert (few.source, few.levels) == (None, {})  # two people's own ratings are not shown
    assert (full.source, full.overall) == (None, None)  # not finalised: no scored levels yet
    trend = Trend("Riverside", (first, second, few))
    assert trend.series("A") == [5, 7, None]
    assert trend.series(None) == [5, 7, None]
    text = trend_text(trend, MODEL, EN)
    assert "Round 1 (Mar 1, 2021): scored, final" in text
    assert "Round 2 (Mar 1, 2022): self-rated (suggested) in the preassessment" in text
    assert "A. Community equity: 5 → 7 → - (+2)" in text


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def decoded(data: bytes) -> None:
    assert png_size(data) == (1080, 1350)
    pixels = imread(io.BytesIO(data), format="png")
    assert pixels.shape[:2] == (1350, 1080)
    assert pixels.min() < 0.5 < pixels.max()


def test_the_charts_are_phone_pngs_and_the_self_ratings_change_the_picture(
    suggested_report: tuple[object, int],
) -> None:
    suggested, respondents = suggested_report
    alone = scored_chart(build_scored_report(book(), MODEL), LIBRARY, EN)
    both = build_scored_report(book(), MODEL, suggested=suggested, respondents=respondents)  # type: ignore[arg-type]
    beside = scored_chart(both, LIBRARY, ES)
    for data in (alone, beside):
        decoded(data)
    assert alone != beside
    scored = assess({d: [F(5)] for d in DIMENSION_IDS})
    rounds = (
        round_levels(1, campaign(1, finalised_at="2021-04-01"), scored, None),  # type: ignore[arg-type]
        round_levels(2, campaign(2), None, assess({d: [F(6)] for d in DIMENSION_IDS}), 9),  # type: ignore[arg-type]
    )
    decoded(trend_chart(Trend("Riverside", rounds), LIBRARY, EN))
    decoded(trend_chart(Trend("Riverside", rounds[:1]), LIBRARY, ES))


def test_the_presenter_sends_text_then_chart_and_files_with_captions() -> None:
    presenter = Presenter(LIBRARY)
    report = build_scored_report(book(), MODEL)
    material = Material(report.campaign, scored=report, png=PNG_SIGNATURE)
    view = ReportRequest(locale="en", kind="scorecard", campaign_id=CAMPAIGN.id)
    sent = presenter.deferred(view, material)
    assert all(isinstance(part, Text) for part in sent[:-1]) and isinstance(sent[-1], Photo)
    assert all(len(part.text) <= 4096 for part in sent if isinstance(part, Text))
    files = scorecard_files(book(), MODEL, EN)
    view = ReportRequest(locale="en", kind="scorecards", campaign_id=CAMPAIGN.id)
    sent = presenter.deferred(view, Material(report.campaign, files=files))
    assert [part.filename for part in sent if isinstance(part, Document)] == [n for n, _ in files]
    captions = [part.caption for part in sent if isinstance(part, Document)]
    assert captions[0].startswith("Independent Scorecard of")
    assert captions[2].startswith("Combined Scorecard of")
    assert "one workbook" in captions[-1]


@pytest.mark.parametrize("locale", ["ar", "zh_Hans", "ko", "vi"])
def test_the_scored_and_trend_charts_draw_every_script(
    suggested_report: tuple[object, int], locale: str
) -> None:
    # A glyph missing from the fonts warns: an error here.
    skip_without_cjk_font(locale)
    tr = chart_translator(locale)
    assert tr.locale == locale
    suggested, respondents = suggested_report
    both = build_scored_report(book(), MODEL, suggested=suggested, respondents=respondents)  # type: ignore[arg-type]
    decoded(scored_chart(both, LIBRARY, tr))
    rounds = (
        round_levels(
            1,
            campaign(1, finalised_at="2021-04-01"),
            assess({d: [F(5)] for d in DIMENSION_IDS}),
            None,
        ),  # type: ignore[arg-type]
        round_levels(2, campaign(2), None, assess({d: [F(6)] for d in DIMENSION_IDS}), 9),  # type: ignore[arg-type]
    )
    decoded(trend_chart(Trend("Riverside", rounds), LIBRARY, tr))
