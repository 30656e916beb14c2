"""Reads the guide's Independent and Combined Scorecards (Appendix E steps 4 and 6), as CSV
text, into input for assess().

Rows are dimensions, columns key respondents; a "Total" column in the header is left out."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
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


Translate = Callable[[str], str]
"""A gettext: English text -> the text in one language."""
TOTAL = "Total"
# A CSV writer puts ' before a cell that a spreadsheet would run as a formula (=, +, -, @).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ScorecardSheet:
    """One scorecard as a scorer or the consensus meeting filled it in.

    `scores` holds per dimension A to G one score (or None) per column, and `columns` the
    header's label of each column ("#1", or an interview's label; "" where the header had
    none), so both have the same length: the labelled columns, or more if scores go further."""

    title: str | None
    scorer_name: str | None
    date: str | None
    """As written in the file (people write dates many ways); None when not given."""
    columns: tuple[str, ...]
    scores: dict[str, list[Fraction | None]]


@dataclass(frozen=True)
class _Words:
    """What the reader recognises: dimension names and "Total", in English and `translations`."""

    names: dict[str, str]
    totals: frozenset[str]


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _words(model: ReadinessModel, translations: Iterable[Translate]) -> _Words:
    languages: list[Translate] = [lambda text: text, *translations]
    names: dict[str, str] = {d.id.casefold(): d.id for d in model.dimensions}
    for translate in languages:
        names.update({_normal(translate(d.name)): d.id for d in model.dimensions})
        # The guide names some dimensions two ways (Appendix F: "Community knowledge of efforts").
        names.update(
            {_normal(translate(alias)): d.id for d in model.dimensions for alias in d.aliases}
        )
    totals = frozenset(_normal(translate(TOTAL)) for translate in languages)
    return _Words(names, totals)


def _dimension_of(cell: str, words: _Words) -> str | None:
    text = _normal(cell)
    found = words.names.get(text)
    if found is not None:
        return found
    # The guide's own table labels rows "A. Community equity"; the name must then match the letter.
    labelled = _LETTER_AND_NAME.fullmatch(text)
    if labelled is None:
        return None
    letter = labelled.group(1).upper()
    name = labelled.group(2)
    if name and words.names.get(name) != letter:
        return None
    return letter


def _is_blank(record: list[str]) -> bool:
    return all(not cell.strip() for cell in record)


def _filled(record: list[str]) -> list[str]:
    return [cell.strip() for cell in record if cell.strip()]


def _next_filled(records: list[list[str]], index: int) -> int | None:
    return next((i for i in range(index + 1, len(records)) if not _is_blank(records[i])), None)


def _is_preamble(records: list[list[str]], index: int, words: _Words) -> bool:
    """The guide's rows above the header: a title ("Combined Scorecard"), "Interviewer Name:
    ... Date: ...", and "Dimensions, Key Respondents" over a header whose first cell is empty.

    Told by their shape, not their words, so a translated scorecard is read too; a row
    followed by a dimension is always the header."""
    after = _next_filled(records, index)
    if after is None or _dimension_of(records[after][0] if records[after] else "", words):
        return False
    record = records[index]
    filled = _filled(record)
    over_an_empty_corner = not records[after] or not records[after][0].strip()
    return len(filled) == 1 or any(":" in c for c in filled) or over_an_empty_corner


def _header_index(records: list[list[str]], words: _Words) -> int:
    # Blank lines before the header are tolerated; row numbers still count them, as an editor does.
    index = next(i for i, record in enumerate(records) if not _is_blank(record))
    while _is_preamble(records, index, words):
        following = _next_filled(records, index)
        assert following is not None  # _is_preamble is False for the last row
        index = following
    return index


def _total_columns(header: list[str], words: _Words) -> set[int]:
    return {i for i, cell in enumerate(header) if i > 0 and _normal(cell) in words.totals}


def _unquoted(cell: str) -> str:
    text = cell.strip()
    return text[1:] if text.startswith("'") and text[1:2].startswith(_FORMULA_STARTS) else text


def _labelled(preamble: list[list[str]]) -> tuple[str | None, str | None, str | None]:
    """(title, scorer's name, date): the first row of one cell is the title; in the first row
    with labels ending in ':', the value after the first label is the name, after the second
    the date (the guide's "Interviewer Name: ... Date: ...", in any language)."""
    title = next((_filled(r)[0] for r in preamble if len(_filled(r)) == 1), None)
    for record in preamble:
        cells = _filled(record)
        values: list[str | None] = []
        for position, cell in enumerate(cells):
            label, colon, rest = cell.partition(":")
            if not colon or not label.strip():
                continue
            if rest.strip():
                values.append(_unquoted(rest))
                continue
            after = cells[position + 1] if position + 1 < len(cells) else ""
            values.append(None if not after or after.endswith(":") else _unquoted(after))
        if values:
            values += [None, None]
            return title, values[0], values[1]
    return title, None, None


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


def _read_rows(
    records: list[list[str]], header_index: int, skipped: set[int], words: _Words
) -> dict[str, list[Fraction | None]]:
    found: dict[str, list[Fraction | None]] = {}
    first_row: dict[str, int] = {}
    for row, record in enumerate(records, start=1):
        if row <= header_index + 1 or _is_blank(record):
            continue
        dimension = _dimension_of(record[0], words)
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


def _filled_width(found: dict[str, list[Fraction | None]]) -> int:
    return max(
        max((i + 1 for i, s in enumerate(scores) if s is not None), default=0)
        for scores in found.values()
    )


def _padded(
    found: dict[str, list[Fraction | None]], width: int
) -> dict[str, list[Fraction | None]]:
    return {d: (found[d] + [None] * width)[:width] for d in DIMENSION_IDS}


def _records(text: str) -> list[list[str]]:
    text = text.removeprefix(_BOM)
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    try:
        return list(reader)
    except csv.Error as error:
        raise ScorecardError(reader.line_num, None, str(error)) from None


def _missing(found: dict[str, list[Fraction | None]], header: list[str], words: _Words) -> None:
    missing = [d for d in DIMENSION_IDS if d not in found]
    if not missing:
        return
    reason = f"missing dimension(s): {', '.join(missing)}"
    if header and _dimension_of(header[0], words) in missing:
        # The likeliest cause: a file without a header row, whose first dimension was skipped.
        reason += " (row 1 is read as the header)"
    raise ScorecardError(None, None, reason)


def _delimiter(text: str) -> str:
    """Spreadsheets in languages that write 4,5 save CSV with ';' (or tabs) between cells."""
    # The first line with cells: a title row may have been saved without any separator.
    lines = (line for line in text.splitlines() if line.strip())
    first = next((line for line in lines if any(c in line for c in ",;\t")), "")
    for candidate in (";", "\t"):
        if candidate in first and first.count(candidate) >= first.count(","):
            return candidate
    return ","


def parse_scorecard_sheet(
    text: str, model: ReadinessModel, *, translations: Iterable[Translate] = ()
) -> ScorecardSheet:
    """An Independent or Combined Scorecard (Appendix E steps 4 and 6) as CSV text.

    Reads the guide's layout (title, "Interviewer Name: ... Date: ...", "Dimensions, Key
    Respondents", the "#1 #2 ..." header, rows "A. Community equity" ...) and the plain one
    (header, then rows A to G). Dimension names and "Total" are recognised in English and in
    each of `translations` (gettexts, e.g. of every shipped language); a "Total" column is
    left out. Raises ScorecardError with the row and column of the first problem."""
    records = _records(text)
    if all(_is_blank(record) for record in records):
        raise ScorecardError(None, None, "the file is empty")
    words = _words(model, translations)
    header_index = _header_index(records, words)
    header = records[header_index]
    skipped = _total_columns(header, words)
    found = _read_rows(records, header_index, skipped, words)
    _missing(found, header, words)
    labels = [_unquoted(c) for i, c in enumerate(header) if i > 0 and i not in skipped]
    while labels and not labels[-1]:
        labels.pop()
    width = max(len(labels), _filled_width(found))
    title, scorer_name, day = _labelled(records[:header_index])
    return ScorecardSheet(
        title=title,
        scorer_name=scorer_name,
        date=day,
        columns=tuple((labels + [""] * width)[:width]),
        scores=_padded(found, width),
    )


def parse_scorecard(
    text: str, model: ReadinessModel, *, translations: Iterable[Translate] = ()
) -> dict[str, list[Fraction | None]]:
    """The scores of `parse_scorecard_sheet`, for `assess`; a column nobody filled in at the
    end is spare space, not a respondent, and is left out."""
    scores = parse_scorecard_sheet(text, model, translations=translations).scores
    return _padded(scores, _filled_width(scores))
