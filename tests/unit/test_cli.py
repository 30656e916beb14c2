"""Tests of bot.cli's `score` command: the guide's Appendix E example, its JSON, and bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.score import EXIT_BAD_INPUT

HEADER = "Dimensions,#1,#2,#3,#4,#5,#6,#7,#8\n"
# Eight respondents; each row averages to the guide's calculated score (Appendix E step 9):
# 4.5, 4.0, 5.0, 2.5, 3.0, 6.0, 4.5 -> 29.5 / 7 = 4.21, level 4 (Preplanning).
ROWS = {
    "A": "A. Community equity,4.5,4.5,4.5,4.5,4.5,4.5,4.5,4.5",
    "B": "B. Existing community efforts,4,4.5,3.5,4,5,3,4,4",
    "C": "C. Community knowledge of the efforts,5,5,5,5,5,5,5,5",
    "D": "D. Leadership,2,3,2,3,2,3,2,3",
    "E": "E. Community climate,3,3,3,3,3,3,3,3",
    "F": "F. Community knowledge about the issue,6,6.5,5.5,6,6,6,6,6",
    "G": "G. Resources related to the issue,4,5,4,5,4,5,4,5",
}
SCORES = {"A": 4.5, "B": 4.0, "C": 5.0, "D": 2.5, "E": 3.0, "F": 6.0, "G": 4.5}


def scorecard(tmp_path: Path, rows: list[str] | None = None, name: str = "card.csv") -> Path:
    path = tmp_path / name
    lines = list(ROWS.values()) if rows is None else rows
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def test_text_output_reproduces_the_guides_example(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", str(scorecard(tmp_path))]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "Calculated scorecard" in out
    assert "29.50 / 7 = 4.21" in out
    assert "level 4 (Preplanning)" in out
    assert "Overall: 29.50 / 7 = 4.21, level 4 (Preplanning)" in out
    # A full assessment's scorecard (the default) is the result: there is nothing to decide.
    assert "Decision" not in out and "proceed" not in out
    lines = out.splitlines()
    leadership = next(line for line in lines if line.startswith("D. Leadership"))
    assert leadership.split()[2:] == ["20.0", "8", "2.50", "2", "Denial/Resistance"]
    priorities = lines[lines.index("Priorities, lowest dimension first:") + 1 :]
    numbered = [line for line in priorities if line[:1].isdigit()]
    assert [line.split(". ")[1][0] for line in numbered] == list("DEBAGCF")


def test_json_output_has_the_documented_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", "--json", str(scorecard(tmp_path))]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    data = json.loads(out)
    assert set(data) == {"for", "dimensions", "overall", "priorities"}
    assert data["for"] == "full-assessment"
    assert [d["id"] for d in data["dimensions"]] == list("ABCDEFG")
    for row in data["dimensions"]:
        assert set(row) == {"id", "name", "total", "respondents", "score", "level", "stage"}
        assert row["respondents"] == 8
        assert row["score"] == SCORES[row["id"]]
        assert row["total"] == SCORES[row["id"]] * 8
        assert row["level"] == int(SCORES[row["id"]])
    assert data["dimensions"][0]["name"] == "Community equity"
    assert data["dimensions"][3]["stage"] == "Denial/Resistance"
    assert data["overall"] == {"score": 4.21, "level": 4, "stage": "Preplanning"}
    assert [p["dimension"] for p in data["priorities"]] == list("DEBAGCF")
    for priority in data["priorities"]:
        assert {"dimension", "level", "goal", "strategy"} <= set(priority)
        # Level 4's strategies open with a whole-level step, given as an extra key.
        extra = set(priority) - {"dimension", "level", "goal", "strategy"}
        assert extra == ({"opening_strategy"} if priority["level"] == 4 else set())
    leadership = data["priorities"][0]
    assert leadership["level"] == 2
    assert leadership["strategy"].startswith("Continue ongoing communications")


def test_scored_preassessment_responses_say_wait(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [f"{d},2,3" for d in "ABCDEFG"]
    path = str(scorecard(tmp_path, rows))
    assert main(["score", "--for", "preassessment", "--json", path]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["overall"] == {"score": 2.5, "level": 2, "stage": "Denial/Resistance"}
    assert (data["decision"], data["dimensions_below_4"]) == ("wait", 7)
    assert main(["score", "--for", "preassessment", path]) == 0
    out = capsys.readouterr().out
    assert "Decision: wait." in out
    assert "7 of the seven dimensions are at levels 1-3." in out


def test_a_spreadsheet_with_decimal_commas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tarjeta.csv"
    path.write_text(
        "Dimensión;#1;#2\n" + "".join(f"{d};4,5;3,5\n" for d in "ABCDEFG"), encoding="utf-8"
    )
    assert main(["score", "--lang", "es", str(path)]) == 0
    assert "4,00" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("replace", "row", "message"),
    [
        ({"A": "A,4,9.5"}, 2, "row 2, column 3: 9.5 is not a level (1 to 9 in steps of 0.5)"),
        ({"C": "C,3.3,4"}, 4, "row 4, column 2: 3.3 is not a level (1 to 9 in steps of 0.5)"),
        ({"E": "E,4,four"}, 6, "row 6, column 3: four is not a level (1 to 9 in steps of 0.5)"),
        ({"G": None}, None, "missing dimension(s): G"),
        ({"H": "A,4,5"}, 9, "row 9, column 1: dimension A appears twice (first in row 2)"),
        ({"B": "Z,4,5"}, 3, "row 3, column 1: 'Z' is not a dimension (A to G)"),
    ],
)
@pytest.mark.parametrize("as_json", [False, True])
def test_a_bad_scorecard_exits_2_with_nothing_on_stdout(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    replace: dict[str, str | None],
    row: int | None,
    message: str,
    as_json: bool,
) -> None:
    lines = {d: f"{d},4,5" for d in "ABCDEFG"}
    lines.update(replace)  # type: ignore[arg-type]
    path = scorecard(tmp_path, [line for line in lines.values() if line is not None])
    argv = ["score", *(["--json"] if as_json else []), str(path)]
    assert main(argv) == EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == f"readiness-bot score: {path}: {message}"
    if row is not None:
        assert f"row {row}" in err


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "nowhere.csv"
    assert main(["score", str(path)]) == EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == f"readiness-bot score: {path}: No such file or directory"


def test_a_file_that_is_not_text_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "card.xlsx"
    path.write_bytes(b"PK\x03\x04\xff\xfe\x00binary")
    assert main(["score", str(path)]) == EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == ""
    assert "not a UTF-8 text file" in err


def test_an_empty_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    assert main(["score", str(path)]) == EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == f"readiness-bot score: {path}: the file is empty"
