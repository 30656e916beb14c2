"""Tests of bot.reports.scorecards: the guide's three scorecards as CSV and XLSX, read back."""

from __future__ import annotations

import io
from datetime import date
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from bot.cli import main
from bot.i18n import translator
from bot.reports.scorecards import (
    ScorecardLayout,
    calculated_scorecard,
    combined_scorecard,
    independent_scorecard,
    read_scorecard,
    scorecard_csv,
    scorecard_csv_bytes,
    scorecards_xlsx,
)
from questions.loader import default_library
from scoring import assess, parse_scorecard
from scoring.readiness import LEVEL_STEPS

MODEL = default_library().model
EN = translator("en")
ES = translator("es")
INTERVIEWS = ("#1", "#2", "#3")
# The guide's example of Appendix E step 9: A 4.5, B 4.0, C 5.0, D 2.5, E 3.0, F 6.0, G 4.5.
GUIDE = {
    "A": [F(4), F(5), F(9, 2)],
    "B": [F(4), F(4), F(4)],
    "C": [F(5), F(5), F(5)],
    "D": [F(2), F(3), F(5, 2)],
    "E": [F(3), F(3), F(3)],
    "F": [F(6), F(6), F(6)],
    "G": [F(9, 2), F(9, 2), F(9, 2)],
}


def lines(layout: ScorecardLayout) -> list[str]:
    return scorecard_csv(layout).splitlines()


def test_the_independent_scorecard_is_laid_out_like_the_guides() -> None:
    layout = independent_scorecard(
        GUIDE, INTERVIEWS, MODEL, EN, scorer="Ana Ruiz", day=date(2024, 5, 2)
    )
    assert lines(layout)[:5] == [
        "Independent Scorecard",
        "Interviewer Name:,Ana Ruiz,Date:,2024-05-02",
        "Dimensions,Key Respondents",
        ",#1,#2,#3",
        "A. Community equity,4.0,5.0,4.5",
    ]
    assert lines(layout)[-1] == "G. Resources related to the issue,4.5,4.5,4.5"
    assert layout.header_rows == 4


def test_the_combined_scorecard_adds_a_total() -> None:
    scores = {**GUIDE, "B": [F(4), None, F(4)]}
    layout = combined_scorecard(scores, INTERVIEWS, MODEL, EN, scorers="Ana, Ben")
    text = lines(layout)
    assert text[0] == "Combined Scorecard"
    assert text[1] == 'Interviewer Name:,"Ana, Ben",Date:,'
    assert text[3] == ",#1,#2,#3,Total"
    assert text[4] == "A. Community equity,4.0,5.0,4.5,13.5"
    assert text[5] == "B. Existing community efforts,4.0,,4.0,8.0"


def test_a_dimension_nobody_scored_is_empty() -> None:
    layout = combined_scorecard({"A": [F(4)]}, ["#1"], MODEL, EN)
    assert lines(layout)[5] == "B. Existing community efforts,,"


def test_the_calculated_scorecard_of_the_guides_example() -> None:
    layout = calculated_scorecard(assess(GUIDE), MODEL, EN)
    text = lines(layout)
    assert text[0] == "Calculated Scorecard"
    assert text[2] == (
        ",Total (from the combined scorecard),÷,# of Key Respondents,Calculated score,"
        "Level of Readiness (rounded to lowest whole number),Stage of Readiness"
    )
    assert text[3] == "A. Community equity,13.5,÷,3,4.5,4,Preplanning"
    assert text[6] == "D. Leadership,7.5,÷,3,2.5,2,Denial/Resistance"
    # 29.5 / 7 = 4.21, level 4 (preplanning), as Appendix E step 9 says.
    assert text[-1] == (
        "Overall Community Level of Readiness (total of all dimensions ÷ 7),29.5,÷,7,4.21,4,"
        "Preplanning"
    )


def test_an_average_is_cut_not_rounded() -> None:
    scores = {d: [F(5), F(5), F(9, 2)] for d in GUIDE}  # 14.5 / 3 = 4.8333
    text = lines(calculated_scorecard(assess(scores), MODEL, EN))
    assert text[3].startswith("A. Community equity,14.5,÷,3,4.83,4,")


def test_without_all_seven_there_is_no_overall() -> None:
    text = lines(calculated_scorecard(assess({"A": [F(4)]}), MODEL, EN))
    assert text[4] == "B. Existing community efforts,,÷,,,,"
    assert text[-1].endswith(",,÷,7,,,")


def test_wrong_input_is_refused() -> None:
    with pytest.raises(ValueError, match="more scores"):
        independent_scorecard({"A": [F(4), F(4)]}, ["#1"], MODEL, EN)
    with pytest.raises(ValueError, match="unknown dimension"):
        independent_scorecard({"H": [F(4)]}, ["#1"], MODEL, EN)
    with pytest.raises(ValueError, match="not a level"):
        independent_scorecard({"A": [F(10)]}, ["#1"], MODEL, EN)


def test_a_label_that_looks_like_a_formula_is_quoted() -> None:
    layout = independent_scorecard(GUIDE, ["=1+1", "#2", "#3"], MODEL, EN, scorer="@ana")
    assert lines(layout)[1].startswith("Interviewer Name:,'@ana,")
    sheet = read_scorecard(scorecard_csv(layout), MODEL)
    assert sheet.columns[0] == "=1+1"
    assert sheet.scorer_name == "@ana"


@pytest.mark.parametrize("tr", [EN, ES], ids=["en", "es"])
def test_both_read_back_to_the_same_scores(tr: object) -> None:
    assert tr is EN or tr is ES
    for build, name in ((independent_scorecard, "scorer"), (combined_scorecard, "scorers")):
        layout = build(GUIDE, INTERVIEWS, MODEL, tr, **{name: "Ana"}, day=date(2024, 5, 2))
        sheet = read_scorecard(scorecard_csv(layout), MODEL)
        assert sheet.scores == GUIDE
        assert sheet.columns == INTERVIEWS
        assert (sheet.scorer_name, sheet.date) == ("Ana", "2024-05-02")
        assert sheet.title == layout.title


def test_spanish_labels_are_spanish() -> None:
    text = lines(combined_scorecard(GUIDE, INTERVIEWS, MODEL, ES))
    assert text[0] != "Combined Scorecard"
    assert text[4].startswith("A. " + ES.gettext("Community equity") + ",")


scores_grid = st.integers(min_value=1, max_value=9).flatmap(
    lambda width: st.fixed_dictionaries(
        {
            d: st.lists(st.none() | st.sampled_from(LEVEL_STEPS), min_size=width, max_size=width)
            for d in "ABCDEFG"
        }
    ).filter(lambda grid: all(any(s is not None for s in row) for row in grid.values()))
)


@settings(max_examples=60, deadline=None)
@given(scores_grid, st.booleans())
def test_any_grid_reads_back(grid: dict[str, list[F | None]], combined: bool) -> None:
    width = len(grid["A"])
    interviews = [f"Interview {n}" for n in range(1, width + 1)]
    build = combined_scorecard if combined else independent_scorecard
    text = scorecard_csv(build(grid, interviews, MODEL, EN))
    sheet = read_scorecard(text, MODEL)
    assert sheet.scores == grid
    assert sheet.columns == tuple(interviews)
    filled = max(
        max((i + 1 for i, s in enumerate(r) if s is not None), default=0) for r in grid.values()
    )
    assert parse_scorecard(text, MODEL) == {d: row[:filled] for d, row in grid.items()}


def test_the_score_command_reads_a_written_combined_scorecard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for tr in (EN, ES):
        path = tmp_path / f"combined-{tr.locale}.csv"
        path.write_bytes(scorecard_csv_bytes(combined_scorecard(GUIDE, INTERVIEWS, MODEL, tr)))
        assert main(["score", str(path)]) == 0
        shown = capsys.readouterr().out
        assert "29.50 / 7 = 4.21" in shown.replace(",", ".")


def test_the_workbook_has_a_sheet_per_scorecard_with_numbers() -> None:
    layouts = [
        independent_scorecard(GUIDE, INTERVIEWS, MODEL, EN, scorer="Ana", day=date(2024, 5, 2)),
        independent_scorecard(GUIDE, INTERVIEWS, MODEL, EN, scorer="Ben"),
        combined_scorecard(GUIDE, INTERVIEWS, MODEL, EN),
        calculated_scorecard(assess(GUIDE), MODEL, EN),
    ]
    book = load_workbook(io.BytesIO(scorecards_xlsx(layouts)))
    assert book.sheetnames == [
        "Independent Scorecard",
        "Independent Scorecard (2)",
        "Combined Scorecard",
        "Calculated Scorecard",
    ]
    first = book["Independent Scorecard"]
    assert first["A1"].value == "Independent Scorecard"
    assert first["B2"].value == "Ana"
    assert first["D2"].value.date() == date(2024, 5, 2)
    assert first["B4"].value == "#1"
    assert (first["A5"].value, first["D5"].value) == ("A. Community equity", 4.5)
    assert book["Combined Scorecard"]["E5"].value == 13.5
    calculated = book["Calculated Scorecard"]
    assert [c.value for c in calculated[11]][1:] == [29.5, "÷", 7, 4.21, 4, "Preplanning"]
    with pytest.raises(ValueError, match="at least one"):
        scorecards_xlsx([])


def test_a_long_spanish_title_fits_a_sheet_name() -> None:
    layout = ScorecardLayout("x" * 40 + "/[]", ((1,),), header_rows=0)
    book = load_workbook(io.BytesIO(scorecards_xlsx([layout, layout])))
    assert [len(name) <= 31 for name in book.sheetnames] == [True, True]
    assert len(set(book.sheetnames)) == 2
