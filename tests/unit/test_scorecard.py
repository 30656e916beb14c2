"""Tests of scoring.scorecard: reading the guide's Combined Scorecard from CSV."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from questions.loader import default_library
from questions.schema import ReadinessModel
from scoring import (
    Decision,
    OverallResult,
    ScorecardError,
    assess,
    parse_scorecard,
    parse_scorecard_sheet,
)
from tests.helpers.models import make_readiness_model

MODEL = default_library().model

HEADER = "Dimensions,#1,#2,#3,#4,#5,#6,#7,#8\n"

# The guide's example: each row averages to its calculated score in Appendix E step 9.
GUIDE_CSV = (
    HEADER
    + "A. Community equity,4.5,4.5,4.5,4.5,4.5,4.5,4.5,4.5\n"
    + "B. Existing community efforts,4,4.5,3.5,4,5,3,4,4\n"
    + "C. Community knowledge of the efforts,5,5,5,5,5,5,5,5\n"
    + "D. Leadership,2,3,2,3,2,3,2,3\n"
    + "E. Community climate,3,3,3,3,3,3,3,3\n"
    + "F. Community knowledge about the issue,6,6.5,5.5,6,6,6,6,6\n"
    + "G. Resources related to the issue,4,5,4,5,4,5,4,5\n"
)


@pytest.fixture(scope="module")
def model() -> ReadinessModel:
    return make_readiness_model()


def rows(*lines: str) -> str:
    return HEADER + "".join(f"{line}\n" for line in lines)


def full(**overrides: str) -> list[str]:
    """Seven valid rows A..G of two respondents, with some rows replaced by letter."""
    lines = {d: f"{d},4,5" for d in "ABCDEFG"}
    lines.update(overrides)
    return list(lines.values())


def error_of(text: str, model: ReadinessModel) -> ScorecardError:
    with pytest.raises(ScorecardError) as caught:
        parse_scorecard(text, model)
    return caught.value


def test_the_guides_example(model: ReadinessModel) -> None:
    scorecard = parse_scorecard(GUIDE_CSV, model)
    assert list(scorecard) == list("ABCDEFG")
    assert scorecard["B"] == [F(4), F(9, 2), F(7, 2), F(4), F(5), F(3), F(4), F(4)]
    assert all(len(values) == 8 for values in scorecard.values())
    assessment = assess(scorecard)
    assert [r.score for r in assessment.dimensions.values()] == [
        F(9, 2), F(4), F(5), F(5, 2), F(3), F(6), F(9, 2)
    ]  # fmt: skip
    assert assessment.dimensions["A"].total == F(36)
    assert assessment.overall == OverallResult(F(59, 14), 4)
    assert assessment.decision is Decision.PROCEED


def test_bom_crlf_and_spreadsheet_export(model: ReadinessModel) -> None:
    text = "\ufeff" + GUIDE_CSV.replace("\n", "\r\n")
    assert parse_scorecard(text, model) == parse_scorecard(GUIDE_CSV, model)


def test_letters_names_and_labels_in_any_case(model: ReadinessModel) -> None:
    text = rows(
        " a ,4",
        "Existing Community Efforts,4",
        "c.   community  knowledge of the efforts,4",
        "LEADERSHIP,4",
        "E.,4",
        "G. Resources related to the issue,4",
        "  Community knowledge about the issue  ,4",
    )
    assert parse_scorecard(text, model) == {d: [F(4)] for d in "ABCDEFG"}


def test_rows_in_any_order_come_back_in_letter_order(model: ReadinessModel) -> None:
    scorecard = parse_scorecard(rows(*reversed(full())), model)
    assert list(scorecard) == list("ABCDEFG")


def test_blank_cells_are_not_scored_and_short_rows_are_padded(model: ReadinessModel) -> None:
    text = rows(*full(A="A,4,,5", B="B, ,3", C="C,2"))
    scorecard = parse_scorecard(text, model)
    assert scorecard["A"] == [F(4), None, F(5)]
    assert scorecard["B"] == [None, F(3), None]
    assert scorecard["C"] == [F(2), None, None]
    assert scorecard["D"] == [F(4), F(5), None]
    assessment = assess(scorecard)
    assert assessment.dimensions["B"].respondents == 1
    assert assessment.dimensions["A"].respondents == 2


def test_trailing_empty_columns_are_not_respondents(model: ReadinessModel) -> None:
    text = rows(*(line + ",,," for line in full()))
    assert all(len(values) == 2 for values in parse_scorecard(text, model).values())


def test_blank_lines_are_skipped(model: ReadinessModel) -> None:
    text = rows("", *full()[:3], ",,", *full()[3:], "")
    assert parse_scorecard(text, model) == parse_scorecard(rows(*full()), model)


def test_blank_lines_before_the_header_still_count_as_rows(model: ReadinessModel) -> None:
    text = "\n , \n" + rows(*full(G="G,4,9.5"))
    assert parse_scorecard("\n\n" + rows(*full()), model) == parse_scorecard(rows(*full()), model)
    assert (error_of(text, model).row, error_of(text, model).column) == (10, 3)


def test_a_total_column_is_left_out(model: ReadinessModel) -> None:
    text = "Dimensions,#1,#2,Total\n" + "".join(f"{d},4,5,9\n" for d in "ABCDEFG")
    assert parse_scorecard(text, model) == {d: [F(4), F(5)] for d in "ABCDEFG"}


@pytest.mark.parametrize("text", ["", "\ufeff", "\n\n", " , \n"])
def test_empty_file(text: str, model: ReadinessModel) -> None:
    error = error_of(text, model)
    assert (error.row, error.column) == (None, None)
    assert str(error) == "the file is empty"


@pytest.mark.parametrize(
    ("cell", "shown"),
    [("9.5", "9.5"), ("3.3", "3.3"), ("abc", "abc"), ("0", "0"), ("1e1", "1e1"), ("4,55", "4,55")],
)
def test_a_value_that_is_not_a_level(cell: str, shown: str, model: ReadinessModel) -> None:
    text = rows(*full(B=f'B,4,5,"{cell}"'))
    error = error_of(text, model)
    assert (error.row, error.column) == (3, 4)
    assert str(error) == f"row 3, column 4: {shown} is not a level (1 to 9 in steps of 0.5)"
    assert error.reason == f"{shown} is not a level (1 to 9 in steps of 0.5)"
    assert isinstance(error, ValueError)


@pytest.mark.parametrize("cell", ["H", "Leadership and vision", "A. Leadership", "", "1"])
def test_unknown_dimension(cell: str, model: ReadinessModel) -> None:
    text = rows(*full(), f"{cell},4")
    error = error_of(text, model)
    assert (error.row, error.column) == (9, 1)
    assert "not a dimension" in error.reason


def test_duplicate_dimension(model: ReadinessModel) -> None:
    text = rows(*full(), "Leadership,3")
    error = error_of(text, model)
    assert (error.row, error.column) == (9, 1)
    assert error.reason == "dimension D appears twice (first in row 5)"


def test_missing_dimensions(model: ReadinessModel) -> None:
    lines = [line for line in full() if line[0] not in "CF"]
    error = error_of(rows(*lines), model)
    assert (error.row, error.column) == (None, None)
    assert str(error) == "missing dimension(s): C, F"


def test_header_only(model: ReadinessModel) -> None:
    assert str(error_of(HEADER, model)) == "missing dimension(s): A, B, C, D, E, F, G"


def test_a_file_without_header_says_row_1_is_the_header(model: ReadinessModel) -> None:
    text = "".join(f"{line}\n" for line in full())
    assert str(error_of(text, model)) == "missing dimension(s): A (row 1 is read as the header)"


@pytest.mark.parametrize("line", ["E", "E,,", "E, , ,"])
def test_a_dimension_without_scores(line: str, model: ReadinessModel) -> None:
    error = error_of(rows(*full(E=line)), model)
    assert (error.row, error.column) == (6, None)
    assert str(error) == "row 6: dimension E has no scores"


def test_the_first_problem_is_reported(model: ReadinessModel) -> None:
    text = rows(*full(B="B,4,x", F="F,10"))
    error = error_of(text, model)
    assert (error.row, error.column) == (3, 3)


def test_a_semicolon_file_with_decimal_commas() -> None:
    """What a spreadsheet in Spanish or French saves as CSV."""
    text = "Dimensión;#1;#2\n" + "".join(f"{d};4,5;3\n" for d in "ABCDEFG")
    card = parse_scorecard(text, MODEL)
    assert card["A"] == [F(9, 2), F(3)]


@pytest.mark.parametrize(
    ("label", "dimension"),
    [
        ("C. Community knowledge of efforts", "C"),
        ("F. Community knowledge of the issue", "F"),
        ("Community knowledge of efforts", "C"),
        ("G. Resource related to the issue", "G"),
    ],
)
def test_the_guides_other_labels_are_read(label: str, dimension: str) -> None:
    lines = {d: f"{d},4,5" for d in "ABCDEFG"}
    lines[dimension] = f"{label},2,3"
    card = parse_scorecard("Dimension,#1,#2\n" + "\n".join(lines.values()) + "\n", MODEL)
    assert card[dimension] == [F(2), F(3)]


def test_a_label_of_another_dimension_is_refused() -> None:
    lines = {d: f"{d},4,5" for d in "ABCDEFG"}
    lines["C"] = "C. Community knowledge of the issue,2,3"
    with pytest.raises(ScorecardError, match="row 4, column 1"):
        parse_scorecard("Dimension,#1,#2\n" + "\n".join(lines.values()) + "\n", MODEL)


GUIDE_LAYOUT = """Combined Scorecard,,,,
Interviewer Name: Ana and Ben,,Date: 2026-11-30,,
Dimensions,Key Respondents,,,
,K7QF,#2,,Total
A. Community equity,4,4.5,,8.5
B. Existing community efforts,4,4.5,,8.5
C. Community knowledge of the efforts,4,4.5,,8.5
D. Leadership,4,4.5,,8.5
E. Community climate,4,4.5,,8.5
F. Community knowledge about the issue,4,4.5,,8.5
G. Resources related to the issue,4,4.25,,8.25
"""


def test_the_guides_layout_is_read_with_its_column_heads() -> None:
    from scoring import parse_scorecard_sheet

    model = default_library().model
    sheet = parse_scorecard_sheet(GUIDE_LAYOUT.replace("4.25", "4.5"), model)
    assert sheet.columns == ("K7QF", "#2")
    assert sheet.scores["A"] == [F(4), F(9, 2)]
    with pytest.raises(ScorecardError) as error:
        parse_scorecard_sheet(GUIDE_LAYOUT, model)
    assert (error.value.row, error.value.column) == (11, 3)


# --- the guide's own layouts, as a spreadsheet saves them -----------------------------------------

NAMES = [
    "A. Community equity",
    "B. Existing community efforts",
    "C. Community knowledge of the efforts",
    "D. Leadership",
    "E. Community climate",
    "F. Community knowledge about the issue",
    "G. Resources related to the issue",
]
INDEPENDENT = (
    "Independent Scorecard,,,,,,,,\n"
    "Interviewer Name:,Ana Ruiz,,,Date:,2024-05-02,,,\n"
    "Dimensions,Key Respondents,,,,,,,\n"
    ",#1,#2,#3,#4,#5,#6,#7,#8\n" + "".join(f"{name},4,4.5,3,,,,,\n" for name in NAMES)
)
COMBINED = (
    "Combined Scorecard,,,,,,,,,\n"
    "Interviewer Name:,Ana Ruiz and Ben Ode,,,,Date:,,,,\n"
    "Dimensions,Key Respondents,,,,,,,,\n"
    ",#1,#2,#3,#4,#5,#6,#7,#8,Total\n"
    + "".join(f"{name},4,4.5,3,5,5,5,5,5,36.5\n" for name in NAMES)
)


def test_the_guides_independent_scorecard() -> None:
    sheet = parse_scorecard_sheet(INDEPENDENT, MODEL)
    assert sheet.title == "Independent Scorecard"
    assert (sheet.scorer_name, sheet.date) == ("Ana Ruiz", "2024-05-02")
    assert sheet.columns == ("#1", "#2", "#3", "#4", "#5", "#6", "#7", "#8")
    assert sheet.scores["G"] == [F(4), F(9, 2), F(3), None, None, None, None, None]
    # parse_scorecard leaves out the columns nobody filled in, as before.
    assert parse_scorecard(INDEPENDENT, MODEL) == {d: [F(4), F(9, 2), F(3)] for d in "ABCDEFG"}


def test_the_guides_combined_scorecard_without_its_total() -> None:
    sheet = parse_scorecard_sheet(COMBINED, MODEL)
    assert sheet.title == "Combined Scorecard"
    assert (sheet.scorer_name, sheet.date) == ("Ana Ruiz and Ben Ode", None)
    assert len(sheet.columns) == 8
    assert sheet.scores["A"] == [F(4), F(9, 2), F(3), F(5), F(5), F(5), F(5), F(5)]
    assert assess(parse_scorecard(COMBINED, MODEL)).dimensions["A"].total == F(73, 2)


def test_the_guides_layout_with_semicolons_and_trimmed_rows() -> None:
    text = (
        "Independent Scorecard\n"
        "Interviewer Name: Ana;;Date: 2 May 2024\n"
        "Dimensions;Key Respondents\n"
        ";#1;#2\n" + "".join(f"{name};4,5;2\n" for name in NAMES)
    )
    sheet = parse_scorecard_sheet(text, MODEL)
    assert (sheet.title, sheet.scorer_name, sheet.date) == (
        "Independent Scorecard",
        "Ana",
        "2 May 2024",
    )
    assert sheet.scores["D"] == [F(9, 2), F(2)]


def test_the_plain_form_has_no_preamble() -> None:
    sheet = parse_scorecard_sheet(GUIDE_CSV, MODEL)
    assert (sheet.title, sheet.scorer_name, sheet.date) == (None, None, None)
    assert sheet.columns == tuple(f"#{n}" for n in range(1, 9))
    assert sheet.scores == parse_scorecard(GUIDE_CSV, MODEL)


def test_columns_without_a_label_and_labels_without_scores() -> None:
    text = "Dimensions,Interview 1,,Interview 3,Interview 4\n" + "".join(
        f"{d},4,5,6\n" for d in "ABCDEFG"
    )
    sheet = parse_scorecard_sheet(text, MODEL)
    assert sheet.columns == ("Interview 1", "", "Interview 3", "Interview 4")
    assert all(len(v) == 4 for v in sheet.scores.values())
    wider = "Dimensions,#1\n" + "".join(f"{d},4,5\n" for d in "ABCDEFG")
    assert parse_scorecard_sheet(wider, MODEL).columns == ("#1", "")


def test_a_quoted_formula_start_is_read_as_written() -> None:
    text = "Independent Scorecard\nInterviewer Name:,'-Ana,Date:,'=x\n,'+1\n" + "".join(
        f"{d},4\n" for d in "ABCDEFG"
    )
    sheet = parse_scorecard_sheet(text, MODEL)
    assert (sheet.scorer_name, sheet.date, sheet.columns) == ("-Ana", "=x", ("+1",))


def test_an_error_in_the_guides_layout_names_its_row() -> None:
    text = INDEPENDENT.replace("D. Leadership,4,4.5,3", "D. Leadership,4,4.7,3")
    with pytest.raises(ScorecardError) as caught:
        parse_scorecard_sheet(text, MODEL)
    assert (caught.value.row, caught.value.column) == (8, 3)
    typo = INDEPENDENT.replace("A. Community equity", "A. Comunity equity")
    with pytest.raises(ScorecardError) as caught:
        parse_scorecard_sheet(typo, MODEL)
    assert (caught.value.row, caught.value.column) == (5, 1)


def test_a_misspelt_first_dimension_in_the_plain_form_is_named() -> None:
    text = rows("Comunity equity,4,5", *full()[1:])
    error = error_of(text, MODEL)
    assert (error.row, error.column) == (2, 1)


def test_translated_names_and_total_are_read_when_given() -> None:
    spanish = {
        "Community equity": "Equidad comunitaria",
        "Leadership": "Liderazgo",
        "Total": "Suma",
    }
    text = (
        "Tabla independiente\nNombre:,Ana,Fecha:,hoy\nDimensiones,Informantes\n,#1,Suma\n"
        "A. Equidad comunitaria,4,4\nLiderazgo,5,5\n" + "".join(f"{d},3,3\n" for d in "BCEFG")
    )
    with pytest.raises(ScorecardError, match="row 5, column 1"):
        parse_scorecard_sheet(text, MODEL)
    sheet = parse_scorecard_sheet(text, MODEL, translations=[lambda t: spanish.get(t, t)])
    assert sheet.title == "Tabla independiente"
    assert sheet.columns == ("#1",)
    assert (sheet.scores["A"], sheet.scores["D"]) == ([F(4)], [F(5)])
