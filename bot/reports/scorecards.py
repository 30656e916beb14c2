"""The guide's Independent, Combined and Calculated Scorecards (Appendix E) as CSV and XLSX files.

Laid out like the guide's tables, so a task force recognises them; the Independent and Combined
ones read back with scoring.parse_scorecard (and `readiness-bot score`) in any shipped language."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from bot.i18n import N_, Translator, shipped_locales, translator
from bot.reports.export import BOM, Cell, csv_text, fit_columns, write_cell
from bot.scorecard_report import two_decimals
from questions.schema import DIMENSION_IDS, ReadinessModel
from scoring import Assessment, ScorecardSheet, check_score, format_score, parse_scorecard_sheet

ScoreCell = Cell | Fraction
"""A cell of a scorecard: a score or total stays a Fraction until a file is written."""

INDEPENDENT = N_("Independent Scorecard")
COMBINED = N_("Combined Scorecard")
CALCULATED = N_("Calculated Scorecard")
INTERVIEWER = N_("Interviewer Name:")
DATE = N_("Date:")
DIMENSIONS = N_("Dimensions")
KEY_RESPONDENTS = N_("Key Respondents")
TOTAL = N_("Total")
FROM_COMBINED = N_("Total (from the combined scorecard)")
DIVIDED = "÷"
RESPONDENTS = N_("# of Key Respondents")
SCORE = N_("Calculated score")
LEVEL = N_("Level of Readiness (rounded to lowest whole number)")
STAGE = N_("Stage of Readiness")
OVERALL = N_("Overall Community Level of Readiness (total of all dimensions ÷ 7)")
SEVEN = len(DIMENSION_IDS)
SHEET_NAME = 31
"""The longest sheet name a workbook allows."""
NOT_IN_SHEET_NAMES = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


@dataclass(frozen=True)
class ScorecardLayout:
    """A scorecard as rows of cells, the guide's table, ready for `scorecard_csv` or
    `scorecards_xlsx`: the title row and the rows above the dimensions come first."""

    title: str
    rows: tuple[tuple[ScoreCell, ...], ...]
    header_rows: int
    """How many rows come before the first dimension row (bold in the XLSX file)."""


def _dimension_label(dimension: str, model: ReadinessModel, tr: Translator) -> str:
    # "A. Community equity", as the guide's tables label their rows; parse_scorecard reads it.
    return f"{dimension}. {tr.gettext(model.dimension(dimension).name)}"


def _preamble(
    title: str, tr: Translator, scorer: str | None, day: date | None
) -> list[tuple[ScoreCell, ...]]:
    _ = tr.gettext
    return [
        (_(title),),
        (_(INTERVIEWER), scorer or "", _(DATE), day),
        (_(DIMENSIONS), _(KEY_RESPONDENTS)),
    ]


def _grid(
    title: str,
    scores: Mapping[str, Sequence[Fraction | None]],
    interviews: Sequence[str],
    model: ReadinessModel,
    tr: Translator,
    *,
    scorer: str | None,
    day: date | None,
    with_total: bool,
) -> ScorecardLayout:
    unknown = sorted(set(scores) - set(DIMENSION_IDS))
    if unknown:
        raise ValueError(f"unknown dimension(s) {', '.join(unknown)} (expected A to G)")
    rows = _preamble(title, tr, scorer, day)
    rows.append(("", *interviews, *([tr.gettext(TOTAL)] if with_total else [])))
    for dimension in DIMENSION_IDS:
        given = list(scores.get(dimension, ()))
        if len(given) > len(interviews):
            raise ValueError(f"dimension {dimension} has more scores than there are interviews")
        given += [None] * (len(interviews) - len(given))
        checked = [None if s is None else check_score(s) for s in given]
        filled = [s for s in checked if s is not None]
        total: list[ScoreCell] = [sum(filled, Fraction(0)) if filled else None]
        rows.append(
            (_dimension_label(dimension, model, tr), *checked, *(total if with_total else []))
        )
    return ScorecardLayout(tr.gettext(title), tuple(rows), header_rows=4)


def independent_scorecard(
    scores: Mapping[str, Sequence[Fraction | None]],
    interviews: Sequence[str],
    model: ReadinessModel,
    tr: Translator,
    *,
    scorer: str | None = None,
    day: date | None = None,
) -> ScorecardLayout:
    """One scorer's scores (Appendix E step 4): per dimension one score or None per interview,
    in the order of `interviews` (the column labels, e.g. "#1" or the product's labels)."""
    return _grid(
        INDEPENDENT, scores, interviews, model, tr, scorer=scorer, day=day, with_total=False
    )


def combined_scorecard(
    scores: Mapping[str, Sequence[Fraction | None]],
    interviews: Sequence[str],
    model: ReadinessModel,
    tr: Translator,
    *,
    scorers: str | None = None,
    day: date | None = None,
) -> ScorecardLayout:
    """The consensus scores (Appendix E step 6) with each dimension's Total; `scorers` is
    written after "Interviewer Name:"."""
    return _grid(COMBINED, scores, interviews, model, tr, scorer=scorers, day=day, with_total=True)


def calculated_scorecard(
    assessment: Assessment, model: ReadinessModel, tr: Translator
) -> ScorecardLayout:
    """Appendix E steps 8-9: Total ÷ # of key respondents = score, level (rounded down) and
    stage per dimension, then the total of all seven ÷ 7 = the overall level."""
    _ = tr.gettext
    rows: list[tuple[ScoreCell, ...]] = [
        (_(CALCULATED),),
        (_(DIMENSIONS), _(KEY_RESPONDENTS)),
        ("", _(FROM_COMBINED), DIVIDED, _(RESPONDENTS), _(SCORE), _(LEVEL), _(STAGE)),
    ]
    for dimension in DIMENSION_IDS:
        label = _dimension_label(dimension, model, tr)
        result = assessment.dimensions.get(dimension)
        if result is None:
            rows.append((label, None, DIVIDED, None, None, None, None))
            continue
        stage = _(model.level(result.level).stage)
        rows.append(
            (label, result.total, DIVIDED, result.respondents, result.score, result.level, stage)
        )
    overall = assessment.overall
    if overall is None:
        rows.append((_(OVERALL), None, DIVIDED, SEVEN, None, None, None))
    else:
        total = sum((r.score for r in assessment.dimensions.values()), Fraction(0))
        stage = _(model.level(overall.level).stage)
        rows.append((_(OVERALL), total, DIVIDED, SEVEN, overall.score, overall.level, stage))
    return ScorecardLayout(_(CALCULATED), tuple(rows), header_rows=3)


# --- files --------------------------------------------------------------------------------------


def _number_text(value: Fraction) -> str:
    # A score or a total of scores is whole or half: 4.5, 36.0; an average is cut (never
    # rounded) to two decimals, as the guide writes 29.5 / 7 = 4.21.
    if (value * 2).denominator == 1:
        return format_score(value)
    return f"{two_decimals(value):.2f}"


def _plain(cell: ScoreCell) -> Cell:
    return _number_text(cell) if isinstance(cell, Fraction) else cell


def scorecard_csv(layout: ScorecardLayout) -> str:
    """CSV text (comma-separated, numbers with a decimal point); write it as UTF-8 with a byte
    order mark (encoding="utf-8-sig"), which Excel needs for accented names."""
    return csv_text([[_plain(cell) for cell in row] for row in layout.rows])


def scorecard_csv_bytes(layout: ScorecardLayout) -> bytes:
    """`scorecard_csv` as the bytes of a file: UTF-8 with a byte order mark."""
    return (BOM + scorecard_csv(layout)).encode("utf-8")


def _sheet_name(title: str, taken: set[str]) -> str:
    base = " ".join(title.translate(NOT_IN_SHEET_NAMES).split())[:SHEET_NAME] or "Scorecard"
    name, number = base, 1
    while name.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        name = base[: SHEET_NAME - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def scorecards_xlsx(layouts: Sequence[ScorecardLayout]) -> bytes:
    """One workbook, a sheet per scorecard in the order given (e.g. each scorer's Independent
    Scorecard, the Combined and the Calculated one); scores are numbers a spreadsheet can sum."""
    # Imported here: openpyxl is needed only by exports, and the bot should start without it.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if not layouts:
        raise ValueError("a workbook needs at least one scorecard")
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    taken: set[str] = set()
    for layout in layouts:
        sheet = workbook.create_sheet(_sheet_name(layout.title, taken))
        cells = [
            [float(two_decimals(c)) if isinstance(c, Fraction) else c for c in row]
            for row in layout.rows
        ]
        for row_number, row in enumerate(cells, start=1):
            for column_number, value in enumerate(row, start=1):
                write_cell(sheet, row_number, column_number, value)
                if row_number <= layout.header_rows or column_number == 1:
                    sheet.cell(row=row_number, column=column_number).font = Font(bold=True)
        sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
        sheet.freeze_panes = sheet.cell(row=layout.header_rows + 1, column=2)
        # The title is as wide as it is; it should not widen the first column.
        fit_columns(sheet, [row for row in cells[1:]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading back -------------------------------------------------------------------------------


def every_language() -> list[Callable[[str], str]]:
    """The gettext of every shipped language: what parse_scorecard needs to read a scorecard
    this module wrote in any of them."""
    return [translator(locale).gettext for locale in shipped_locales()]


def read_scorecard(text: str, model: ReadinessModel) -> ScorecardSheet:
    """An Independent or Combined Scorecard file, in the guide's layout or the plain one, in any
    shipped language; raises scoring.ScorecardError with the row and column of a problem."""
    return parse_scorecard_sheet(text, model, translations=every_language())


# --- the data dictionary ------------------------------------------------------------------------


def scorecards_markdown() -> str:
    """The scorecard files' section of docs/data-dictionary.md (labels shown in English)."""
    return "\n".join(
        [
            "## Scorecard files (Appendix E)",
            "",
            "Laid out like the guide's tables, so a task force recognises them, with labels in",
            "the language of whoever made the file (unlike the export above). CSV files are",
            "comma-separated, UTF-8 with a byte order mark, numbers with a decimal point (`4.5`);",
            "the XLSX workbook holds one sheet per scorecard, with scores as numbers. A CSV",
            "cell that would start with `=`, `+`, `-` or `@` gets a leading `'`, which",
            "reading the file back takes off.",
            "",
            "A coordinator's scorecard files (the Telegram report, or `readiness-bot scorecard",
            "export CAMPAIGN --out DIR`) are named `scorecards-CAMPAIGN-independent-NAME.csv`",
            "(one per scorer, the name in lower-case letters, digits and dashes),",
            "`scorecards-CAMPAIGN-combined.csv`, `scorecards-CAMPAIGN-calculated.csv` and",
            "`scorecards-CAMPAIGN.xlsx` (the same scorecards, a sheet each, in that order).",
            "An Independent Scorecard holds only the interviews its scorer has handed in.",
            "",
            f"### {INDEPENDENT} (step 4) and {COMBINED} (step 6)",
            "",
            "One scorer's scores, or the consensus scores agreed at the meeting. Both read",
            "back with `readiness-bot score` (in any shipped language).",
            "",
            "| row | column 1 | further columns |",
            "| --- | --- | --- |",
            f"| 1 | `{INDEPENDENT}` or `{COMBINED}` | |",
            f"| 2 | `{INTERVIEWER}` | the scorer's name (of the combined one: the scorers'), "
            f"`{DATE}`, the date as `YYYY-MM-DD` (empty when not given) |",
            f"| 3 | `{DIMENSIONS}` | `{KEY_RESPONDENTS}` |",
            "| 4 | empty | one column per interview, headed by its label (`#1`, `#2`, ...), "
            f"in the order given; the combined one then `{TOTAL}` |",
            "| 5-11 | `A. Community equity` ... `G. Resources related to the issue` | per "
            "interview the score, 1 to 9 in steps of 0.5 (`4.0`, `4.5`), empty where not "
            f"scored; `{TOTAL}`: the sum of the row's scores (`36.5`) |",
            "",
            f"### {CALCULATED} (steps 8-9)",
            "",
            "| row | column 1 | further columns |",
            "| --- | --- | --- |",
            f"| 1 | `{CALCULATED}` | |",
            f"| 2 | `{DIMENSIONS}` | `{KEY_RESPONDENTS}` |",
            f"| 3 | empty | `{FROM_COMBINED}`, `{DIVIDED}`, `{RESPONDENTS}`, `{SCORE}`, "
            f"`{LEVEL}`, `{STAGE}` |",
            "| 4-10 | `A. Community equity` ... | the dimension's total, `÷`, the number of "
            "interviews scored on it, total ÷ interviews cut (never rounded) to two decimals "
            "(`4.83`), the level (the score rounded down), its stage; empty where nobody "
            "scored it |",
            f"| 11 | `{OVERALL}` | the sum of the seven scores, `÷`, `7`, the overall score "
            "(`29.5 ÷ 7` = `4.21`), its level rounded down (`4`) and stage; empty unless all "
            "seven dimensions were scored |",
            "",
        ]
    )
