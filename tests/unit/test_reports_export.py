"""Tests of bot.reports.export: the answer table, its CSV and XLSX files, the data dictionary."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.reports import Table, dictionary_markdown, export_table, to_csv, to_xlsx
from questions.loader import Library
from questions.schema import Kind
from tests.helpers.report_samples import (
    CAMPAIGN,
    CAPACITY_CAMPAIGN,
    ROWS,
    capacity_responses,
    preassessment_responses,
)

ROOT = Path(__file__).resolve().parents[2]
CODED = (Kind.CHOICE, Kind.YES_NO, Kind.LEVEL, Kind.SCALE)


@pytest.fixture(scope="module")
def table(library: Library) -> Table:
    return export_table(CAMPAIGN, preassessment_responses(), library)


def column(table: Table, name: str) -> list[object]:
    index = table.header.index(name)
    return [row[index] for row in table.rows]


def test_columns_follow_the_bank(table: Table, library: Library) -> None:
    expected = ["response", "completed_on", "language"]
    for question in library.bank("preassessment").questions:
        if question.kind is Kind.LEVEL:
            expected += [question.id, f"{question.id}_dont_know", f"{question.id}_label"]
        elif question.kind in CODED:
            expected += [question.id, f"{question.id}_label"]
        elif question.kind is Kind.TEXT:
            expected.append(question.id)
    assert table.header == expected
    assert [entry.column for entry in table.dictionary] == expected
    assert all(len(row) == len(expected) for row in table.rows)


def test_one_row_per_interview_numbered_not_identified(table: Table) -> None:
    assert column(table, "response") == list(range(1, 9))
    assert column(table, "completed_on")[:2] == [date(2024, 3, 10), date(2024, 3, 11)]
    for row in table.rows:
        assert not {"r0", "r1", "c1"} & {str(cell) for cell in row}


def test_a_language_of_fewer_than_three_is_other(table: Table) -> None:
    expected = ["en" if row[1] == "en" else "other" for row in ROWS]
    assert column(table, "language") == expected
    assert "es" not in column(table, "language")


def test_codes_and_english_labels(table: Table) -> None:
    first, third = table.rows[0], table.rows[2]
    h = table.header.index
    assert (first[h("level_a")], first[h("level_a_label")]) == (4, "Level 4 · Preplanning")
    assert first[h("level_a_dont_know")] == 0
    # "I don't know" leaves the number empty (so averages stay numeric) and sets the flag.
    assert (third[h("level_e")], third[h("level_e_label")]) == (None, "I don't know")
    assert third[h("level_e_dont_know")] == 1
    assert (first[h("willing")], first[h("willing_label")]) == ("yes", "Yes")
    assert (third[h("willing")], third[h("willing_label")]) == ("maybe", "Maybe")
    assert (first[h("leaders_concern")], first[h("leaders_concern_label")]) == (3, "3")
    assert (first[h("sector")], first[h("sector_label")]) == ("schools", "Schools")
    assert first[h("diversity")].startswith("Farming families")  # type: ignore[union-attr]
    # Every level code matches the sample's ratings.
    for row, sample in zip(table.rows, ROWS, strict=True):
        codes = [row[h(f"level_{d}")] for d in "abcdefg"]
        assert codes == [None if c == "?" else int(c) for c in sample[2]]
        flags = [row[h(f"level_{d}_dont_know")] for d in "abcdefg"]
        assert flags == [int(c == "?") for c in sample[2]]


def test_a_scale_end_carries_its_meaning(library: Library) -> None:
    responses = preassessment_responses(1)
    answers = {**responses[0].answers, "community_concern": 10, "leaders_concern": 1}
    found = export_table(CAMPAIGN, [dataclasses.replace(responses[0], answers=answers)], library)
    row = found.rows[0]
    assert row[found.header.index("community_concern_label")] == "10 (a great concern)"
    assert row[found.header.index("leaders_concern_label")] == "1 (not at all)"


def test_skipped_is_empty(table: Table) -> None:
    assert column(table, "inequity_efforts")[1] is None
    sectors = column(table, "sector")
    assert sectors[4] is None and sectors[7] is None
    assert column(table, "sector_label")[4] is None


def test_a_sector_of_fewer_than_three_is_suppressed(table: Table) -> None:
    assert column(table, "sector") == [
        "schools", "schools", "suppressed", "schools", None, "suppressed", "suppressed", None,
    ]  # fmt: skip
    assert column(table, "sector_label")[2] == "suppressed"
    cells = {str(cell) for row in table.rows for cell in row}
    assert not {"police", "Law enforcement", "faith", "Faith communities"} & cells


def test_csv_round_trips_with_a_bom(table: Table) -> None:
    data = to_csv(table)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == table.header
    assert rows[1:] == [["" if cell is None else str(cell) for cell in row] for row in table.rows]
    assert "Michoacán" in rows[1][table.header.index("diversity")]


def test_xlsx_has_its_three_sheets(table: Table) -> None:
    book = load_workbook(io.BytesIO(to_xlsx(table)))
    assert book.sheetnames == ["Responses", "Data dictionary", "Campaign"]
    sheet = book["Responses"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == table.header
    # openpyxl reads a date back as a datetime at midnight.
    assert [
        [v.date() if isinstance(v, datetime) else v for v in row] for row in values[1:]
    ] == table.rows
    assert sheet.auto_filter.ref == sheet.dimensions
    assert sheet.cell(row=2, column=2).is_date
    about = dict(book["Campaign"].iter_rows(min_row=2, values_only=True))
    assert about["community"] == CAMPAIGN.name
    assert about["responses"] == len(table.rows)
    assert about["recommended key respondents"] == "6 to 8"
    widths = [sheet.column_dimensions[c].width for c in ("A", "D", "G")]
    assert all(8 <= w <= 60 for w in widths)
    dictionary = [list(row) for row in book["Data dictionary"].iter_rows(values_only=True)]
    assert dictionary[0] == ["column", "question", "kind", "description", "values"]
    assert [row[0] for row in dictionary[1:]] == table.header


def test_formulas_in_free_text_stay_text(library: Library) -> None:
    responses = preassessment_responses(1)
    attack = '=HYPERLINK("http://x","click")'
    answers = {**responses[0].answers, "community": attack, "first_help": "-2+3"}
    found = export_table(CAMPAIGN, [dataclasses.replace(responses[0], answers=answers)], library)
    rows = list(csv.reader(io.StringIO(to_csv(found).decode("utf-8-sig"))))
    assert rows[1][found.header.index("community")] == "'" + attack
    assert rows[1][found.header.index("first_help")] == "'-2+3"
    sheet = load_workbook(io.BytesIO(to_xlsx(found)))["Responses"]
    cell = sheet.cell(row=2, column=found.header.index("community") + 1)
    assert (cell.value, cell.data_type) == (attack, "s")


def test_the_dictionary_says_labels_are_english(table: Table) -> None:
    labels = [e for e in table.dictionary if e.column.endswith("_label")]
    assert labels
    assert all("English" in e.description and e.kind == "label" for e in labels)
    sector = next(e for e in table.dictionary if e.column == "sector")
    assert "suppressed" in sector.values
    assert "police = Law enforcement" in sector.values


def test_capacity_export(library: Library) -> None:
    found = export_table(CAPACITY_CAMPAIGN, capacity_responses(), library)
    h = found.header.index
    assert found.rows[0][h("prep_trained")] == "no"
    assert found.rows[0][h("prep_trained_label")] == "No"
    assert found.rows[2][h("part_member")] is None
    assert found.rows[0][h("plan_timeline")] == "By June."
    assert "sector" not in found.header
    # Three interviews in English: shown.
    assert column(found, "language") == ["en", "en", "en"]


def test_zero_responses(library: Library) -> None:
    empty = export_table(CAMPAIGN, [], library)
    assert empty.rows == []
    assert to_csv(empty).decode("utf-8-sig").splitlines() == [",".join(empty.header)]
    assert load_workbook(io.BytesIO(to_xlsx(empty)))["Responses"].max_row == 1


def test_the_data_dictionary_doc_is_up_to_date(library: Library) -> None:
    doc = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert doc == dictionary_markdown(library), (
        "docs/data-dictionary.md is stale; regenerate it with "
        "bot.reports.export.dictionary_markdown(default_library())"
    )
    for bank in library.respondent_banks.values():
        for question in bank.questions:
            if question.answerable:
                assert f"`{question.id}`" in doc
    # No campaign runs an interviewer's bank, so no export has its columns.
    assert "## Bank `full_assessment`" not in doc
