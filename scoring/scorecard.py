"""Reads the guide's Combined Scorecard (Appendix E step 6), as CSV text, into input for assess().

Rows are dimensions, columns key respondents; a "Total" column in the header is left out."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from fractions import Fraction

from questions.schema import DIMENSION_IDS, ReadinessModel
from scoring.readiness import ScoreError, parse_score

_BOM = "\ufeff"
_LETTER_AND_NAME = re.compile(r"([a-g])\.\s*(.*)")


class ScorecardError(ValueError):
    """A problem in a scorecard file, with the row and column (both 1-based) where it applies."""

    def __init__(self, row: int | None, column: int | None, reason: str) -> None:
        self.row = row
        self.column = column
        self.reason = reason
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _dimension_names(model: ReadinessModel) -> dict[str, str]:
    names: dict[str, str] = {d.id.casefold(): d.id for d in model.dimensions}
    names.update({_normal(d.name): d.id for d in model.dimensions})
    # The guide names some dimensions two ways (Appendix F: "Community knowledge of efforts").
    names.update({_normal(alias): d.id for d in model.dimensions for alias in d.aliases})
    return names


def _dimension_of(cell: str, model: ReadinessModel) -> str | None:
    text = _normal(cell)
    found = _dimension_names(model).get(text)
    if found is not None:
        return found
    # The guide's own table labels rows "A. Community equity"; the name must then match the letter.
    labelled = _LETTER_AND_NAME.fullmatch(text)
    if labelled is None:
        return None
    letter = labelled.group(1).upper()
    name = labelled.group(2)
    if name and _dimension_names(model).get(name) != letter:
        return None
    return letter


def _is_blank(record: list[str]) -> bool:
    return all(not cell.strip() for cell in record)


def _header_index(records: list[list[str]]) -> int:
    # Blank lines before the header are tolerated; row numbers still count them, as an editor does.
    return next(i for i, record in enumerate(records) if not _is_blank(record))


def _total_columns(header: list[str]) -> set[int]:
    return {i for i, cell in enumerate(header) if i > 0 and _normal(cell) == "total"}


def _scores(record: list[str], row: int, skipped: set[int]) -> list[Fraction | None]:
    scores: list[Fraction | None] = []
    for index, cell in enumerate(record[1:], start=1):
        if index in skipped:
            continue
        if not cell.strip():
            scores.append(None)
            continue
        try:
            scores.append(parse_score(cell))
        except ScoreError as error:
            raise ScorecardError(row, index + 1, str(error)) from None
    return scores


def _read_rows(records: list[list[str]], model: ReadinessModel) -> dict[str, list[Fraction | None]]:
    header_index = _header_index(records)
    skipped = _total_columns(records[header_index])
    found: dict[str, list[Fraction | None]] = {}
    first_row: dict[str, int] = {}
    for row, record in enumerate(records, start=1):
        if row <= header_index + 1 or _is_blank(record):
            continue
        dimension = _dimension_of(record[0], model)
        if dimension is None:
            raise ScorecardError(row, 1, f"{record[0].strip()!r} is not a dimension (A to G)")
        if dimension in found:
            first = first_row[dimension]
            raise ScorecardError(
                row, 1, f"dimension {dimension} appears twice (first in row {first})"
            )
        scores = _scores(record, row, skipped)
        if all(s is None for s in scores):
            raise ScorecardError(row, None, f"dimension {dimension} has no scores")
        found[dimension] = scores
        first_row[dimension] = row
    return found


def _padded(found: dict[str, list[Fraction | None]]) -> dict[str, list[Fraction | None]]:
    # A column nobody filled in at the end is spare space, not a respondent.
    width = max(
        max((i + 1 for i, s in enumerate(scores) if s is not None), default=0)
        for scores in found.values()
    )
    return {d: (found[d] + [None] * width)[:width] for d in DIMENSION_IDS}


def _records(text: str) -> list[list[str]]:
    text = text.removeprefix(_BOM)
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    try:
        return list(reader)
    except csv.Error as error:
        raise ScorecardError(reader.line_num, None, str(error)) from None


def _missing(
    found: dict[str, list[Fraction | None]], header: list[str], model: ReadinessModel
) -> None:
    missing = [d for d in DIMENSION_IDS if d not in found]
    if not missing:
        return
    reason = f"missing dimension(s): {', '.join(missing)}"
    if header and _dimension_of(header[0], model) in missing:
        # The likeliest cause: a file without a header row, whose first dimension was skipped.
        reason += " (row 1 is read as the header)"
    raise ScorecardError(None, None, reason)


def _delimiter(text: str) -> str:
    """Spreadsheets in languages that write 4,5 save CSV with ';' (or tabs) between cells."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    for candidate in (";", "\t"):
        if candidate in first and first.count(candidate) >= first.count(","):
            return candidate
    return ","


def parse_scorecard(text: str, model: ReadinessModel) -> dict[str, list[Fraction | None]]:
    records = _records(text)
    if all(_is_blank(record) for record in records):
        raise ScorecardError(None, None, "the file is empty")
    found = _read_rows(records, model)
    _missing(found, records[_header_index(records)], model)
    return _padded(found)


@dataclass(frozen=True)
class ScorecardSheet:
    """A scorecard with its column heads ("#1", or interview labels; "" where none), so an
    import can tell which interview each column is."""

    columns: tuple[str, ...]
    scores: dict[str, list[Fraction | None]]


def _first_dimension_row(records: list[list[str]], model: ReadinessModel) -> int | None:
    return next(
        (i for i, r in enumerate(records) if r and _dimension_of(r[0], model) is not None),
        None,
    )


def parse_scorecard_sheet(text: str, model: ReadinessModel) -> ScorecardSheet:
    """The guide's Independent or Combined Scorecard as a spreadsheet saves it (a title row,
    "Interviewer Name: ... Date: ...", "Dimensions, Key Respondents", then the "#1 #2 ..."
    header and rows A-G), or the plain layout `parse_scorecard` reads."""
    records = _records(text)
    if all(_is_blank(record) for record in records):
        raise ScorecardError(None, None, "the file is empty")
    first = _first_dimension_row(records, model)
    above = range((first or 0) - 1, -1, -1)
    header_at = next((i for i in above if not _is_blank(records[i])), None)
    if header_at is not None:
        # The rows above the header become blank, not removed: row numbers stay the file's.
        records = [[] if i < header_at else r for i, r in enumerate(records)]
    header = records[_header_index(records)]
    skipped = _total_columns(header)
    heads = [cell.strip() for i, cell in enumerate(header) if i > 0 and i not in skipped]
    while heads and not heads[-1]:
        heads.pop()  # spare columns at the end, as a spreadsheet saves them
    columns = tuple(heads)
    found = _read_rows(records, model)
    _missing(found, header, model)
    scores = _padded(found)
    width = max(len(columns), len(next(iter(scores.values()))))
    padded = {d: (s + [None] * width)[:width] for d, s in scores.items()}
    return ScorecardSheet((columns + ("",) * width)[:width], padded)
