"""A campaign's answers as one table (CSV, XLSX) with its data dictionary; no group under 3 shown.

Labels are English in every export, so files made in different languages line up."""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING

from bot.flows.values import DONT_KNOW, AnswerValue, is_declined, level_of_answer
from bot.render import YES_NO_LABELS
from bot.reports.preassessment import K_MIN, SECTOR_QUESTION
from bot.storage.records import Campaign, StoredResponse
from questions.loader import Library
from questions.schema import Bank, Kind, Question, ReadinessModel
from scoring import RECOMMENDED, CommunityType

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

Cell = str | int | float | date | None
SUPPRESSED = "suppressed"
OTHER_LANGUAGE = "other"
# Stored locale codes and English labels; the English msgids are the English text.
LEVEL_LABEL = "Level {level} · {stage}"
LEVEL_VALUES = "1 to 9 in steps of 0.5 (a .5 partly meets the next level); empty for I don't know"
DONT_KNOW_LABEL = "I don't know"
CODED = (Kind.CHOICE, Kind.MULTI_CHOICE, Kind.YES_NO, Kind.LEVEL, Kind.SCALE)
MULTI_SEPARATOR = ";"
# A spreadsheet runs a cell that starts with one of these as a formula, even from a CSV file.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REDACTED = (
    "Free text, redacted before it was stored: e-mail addresses, links, phone numbers, "
    "@handles and long numbers are replaced by [email], [link], [phone], [handle], [number]; "
    "[prefer not to answer] where the respondent chose not to answer."
)
ENGLISH_LABELS = "Labels are in English in every export, whatever language the interview was in."


@dataclass(frozen=True)
class DictionaryEntry:
    column: str
    question_id: str | None
    kind: str
    description: str
    values: str


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[Cell]]
    dictionary: list[DictionaryEntry]
    campaign: list[tuple[str, Cell]] = field(default_factory=list)
    """The campaign sheet of the XLSX file: (what, value)."""


@dataclass(frozen=True)
class _Context:
    """What a row's cells need beyond its answers: the groups too small to be shown."""

    number: int
    response: StoredResponse
    shown_languages: frozenset[str]
    suppressed_sectors: frozenset[str]


@dataclass(frozen=True)
class _Column:
    entry: DictionaryEntry
    cell: Callable[[_Context], Cell]


GENERATED = (
    DictionaryEntry(
        "response",
        None,
        "row number",
        "The completed interview's number in this file (1 to n), not its stored id.",
        "1 to n",
    ),
    DictionaryEntry(
        "completed_on",
        None,
        "date",
        "The day the interview was completed.",
        "YYYY-MM-DD",
    ),
    DictionaryEntry(
        "language",
        None,
        "language",
        "The language of the interview; languages used by fewer than 3 respondents show as "
        "'other', so a rare language cannot point to one person.",
        "a locale code (en, es, ...) or other",
    ),
)


def _generated_columns() -> list[_Column]:
    cells: list[Callable[[_Context], Cell]] = [
        lambda c: c.number,
        lambda c: date.fromisoformat(c.response.completed_on),
        lambda c: c.response.locale if c.response.locale in c.shown_languages else OTHER_LANGUAGE,
    ]
    return [_Column(e, cell) for e, cell in zip(GENERATED, cells, strict=True)]


def _option_label(question: Question, code: str) -> str:
    return next((o.label for o in question.options if o.id == code), code)


def _label(question: Question, value: AnswerValue, model: ReadinessModel) -> str:
    """The English label of a stored code, as the respondent saw it in English."""
    match question.kind:
        case Kind.CHOICE:
            return _option_label(question, str(value))
        case Kind.MULTI_CHOICE:
            codes = value if isinstance(value, list) else [str(value)]
            return f"{MULTI_SEPARATOR} ".join(_option_label(question, c) for c in codes)
        case Kind.YES_NO:
            return YES_NO_LABELS.get(str(value), str(value))
        case Kind.LEVEL:
            level = level_of_answer(value)
            if level is None:
                return DONT_KNOW_LABEL if value == DONT_KNOW else str(value)
            return LEVEL_LABEL.format(
                level=_level_text(level), stage=model.level(math.floor(level)).stage
            )
        case Kind.SCALE:
            assert question.scale is not None
            ends = {1: question.scale.low, 10: question.scale.high}
            if isinstance(value, int) and value in ends:
                return f"{value} ({ends[value]})"
            return str(value)
    return str(value)


def _level_text(level: Fraction) -> str:
    return str(int(level)) if level.denominator == 1 else f"{float(level):.1f}"


DECLINED_CELL = "[prefer not to answer]"


def _code(question: Question, value: AnswerValue) -> Cell:
    if isinstance(value, list):
        return MULTI_SEPARATOR.join(value)
    if isinstance(value, dict):
        return DECLINED_CELL if is_declined(value) else None
    return value


def _is_sector(question: Question) -> bool:
    return question.id == SECTOR_QUESTION and question.kind is Kind.CHOICE


def _values(question: Question, model: ReadinessModel) -> str:
    """The codes a question's column can hold, with their English labels."""
    match question.kind:
        case Kind.CHOICE | Kind.MULTI_CHOICE:
            listed = "; ".join(f"{o.id} = {o.label}" for o in question.options)
            if question.kind is Kind.MULTI_CHOICE:
                listed = f"one or more codes, separated by '{MULTI_SEPARATOR}': {listed}"
            if _is_sector(question):
                listed += f"; {SUPPRESSED} = a sector given by fewer than 3 respondents"
            return listed
        case Kind.YES_NO:
            listed = "; ".join(f"{code} = {label}" for code, label in YES_NO_LABELS.items())
            if not question.partly:
                listed = "; ".join(
                    f"{code} = {label}" for code, label in YES_NO_LABELS.items() if code != "partly"
                )
            # Analysts count gaps; for an item worded as a need the gap is a yes, not a no.
            meaning = (
                " (worded as a need: yes is a gap, no means in place)"
                if question.yes_means == "need"
                else " (yes means in place, no is a gap)"
            )
            applies = (
                f" Asked only when {question.when.question} is "
                + " or ".join(question.when.answer_in)
                + "; empty otherwise."
                if question.when
                else ""
            )
            return listed + meaning + applies
        case Kind.LEVEL:
            levels = "; ".join(f"{lv.level} = {lv.stage}" for lv in model.levels)
            return f"{LEVEL_VALUES}. {levels}"
        case Kind.SCALE:
            assert question.scale is not None
            return f"1 ({question.scale.low}) to 10 ({question.scale.high})"
    return ""


def _prompt(question: Question) -> str:
    return " ".join(question.prompt.split())


def _question_columns(question: Question, model: ReadinessModel) -> list[_Column]:
    qid = question.id

    def stored(c: _Context) -> AnswerValue:
        value = c.response.answers.get(qid)
        if _is_sector(question) and value in c.suppressed_sectors:
            return SUPPRESSED
        return value

    if question.kind is Kind.TEXT:
        entry = DictionaryEntry(qid, qid, str(question.kind), _prompt(question), REDACTED)
        return [_Column(entry, lambda c: _code(question, stored(c)))]
    if question.kind is Kind.LEVEL:
        return _level_columns(question, model, stored)

    def label(c: _Context) -> Cell:
        value = stored(c)
        if value is None:
            return None
        if _is_sector(question) and value == SUPPRESSED:
            return SUPPRESSED
        return _label(question, value, model)

    skipped = " Empty when skipped." if question.optional else ""
    code = DictionaryEntry(
        qid, qid, str(question.kind), _prompt(question) + skipped, _values(question, model)
    )
    english = DictionaryEntry(
        f"{qid}_label",
        qid,
        "label",
        f"The English label of {qid}. {ENGLISH_LABELS}",
        f"{SUPPRESSED} where {qid} is" if _is_sector(question) else "",
    )
    return [_Column(code, lambda c: _code(question, stored(c))), _Column(english, label)]


def _level_columns(
    question: Question, model: ReadinessModel, stored: Callable[[_Context], AnswerValue]
) -> list[_Column]:
    """A number an analyst can average, a flag for "I don't know", and the English label."""
    qid = question.id

    def number(c: _Context) -> Cell:
        level = level_of_answer(stored(c))
        if level is None:
            return None
        return int(level) if level.denominator == 1 else float(level)

    def dont_know(c: _Context) -> Cell:
        value = stored(c)
        return None if value is None else int(value == DONT_KNOW)

    def label(c: _Context) -> Cell:
        value = stored(c)
        return None if value is None else _label(question, value, model)

    prompt = _prompt(question)
    return [
        _Column(
            DictionaryEntry(
                qid,
                qid,
                "level",
                f"{prompt} (the respondent's own rating)",
                _values(question, model),
            ),
            number,
        ),
        _Column(
            DictionaryEntry(
                f"{qid}_dont_know",
                qid,
                "flag",
                f"1 where the respondent answered I don't know to {qid} (then {qid} is empty).",
                "0 or 1",
            ),
            dont_know,
        ),
        _Column(
            DictionaryEntry(
                f"{qid}_label", qid, "label", f"The English label of {qid}. {ENGLISH_LABELS}", ""
            ),
            label,
        ),
    ]


def _columns(bank: Bank, model: ReadinessModel) -> list[_Column]:
    columns = _generated_columns()
    for question in bank.questions:
        if question.answerable:
            columns += _question_columns(question, model)
    return columns


def _suppressed_sectors(bank: Bank, responses: Sequence[StoredResponse]) -> frozenset[str]:
    sectors = [q for q in bank.questions if _is_sector(q)]
    if not sectors:
        return frozenset()
    counts = Counter(r.answers.get(sectors[0].id) for r in responses)
    return frozenset(str(s) for s, n in counts.items() if s is not None and n < K_MIN)


def export_table(
    campaign: Campaign, responses: Sequence[StoredResponse], library: Library
) -> Table:
    bank = library.bank(campaign.flow)
    own = [r for r in responses if r.bank == bank.id]
    columns = _columns(bank, library.model)
    languages = Counter(r.locale for r in own)
    shown = frozenset(code for code, n in languages.items() if n >= K_MIN)
    suppressed = _suppressed_sectors(bank, own)
    rows = [
        [column.cell(_Context(number, response, shown, suppressed)) for column in columns]
        for number, response in enumerate(own, start=1)
    ]
    return Table(
        header=[c.entry.column for c in columns],
        rows=rows,
        dictionary=[c.entry for c in columns],
        campaign=_campaign_sheet(campaign, bank, own),
    )


def _campaign_sheet(
    campaign: Campaign, bank: Bank, responses: Sequence[StoredResponse]
) -> list[tuple[str, Cell]]:
    low, high = RECOMMENDED[CommunityType(campaign.community_type)]
    days = sorted(date.fromisoformat(r.completed_on) for r in responses)
    versions = sorted({r.bank_version for r in responses})
    return [
        ("community", campaign.name),
        ("description", campaign.description or None),
        ("community type", campaign.community_type),
        ("recommended key respondents", f"{low} to {high}"),
        ("interview", bank.title),
        ("bank", bank.id),
        ("bank versions answered", ", ".join(str(v) for v in versions) or None),
        ("responses", len(responses)),
        ("first response", days[0] if days else None),
        ("last response", days[-1] if days else None),
        ("campaign created", date.fromisoformat(campaign.created_at[:10])),
        (
            "campaign closed",
            date.fromisoformat(campaign.closed_at[:10]) if campaign.closed_at else None,
        ),
        ("exported", date.today()),
    ]


# --- files --------------------------------------------------------------------------------------


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
    # Free text comes from respondents: a leading quote keeps "=HYPERLINK(...)" plain text.
    return "'" + text if text.startswith(FORMULA_STARTS) else text


BOM = "\ufeff"


def csv_text(rows: Iterable[Sequence[Cell]]) -> str:
    """Rows as CSV, each cell safe to open in a spreadsheet (no formula runs from a cell)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([_csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte order mark, which Excel needs to read accented text correctly."""
    return (BOM + csv_text([table.header, *table.rows])).encode("utf-8")


MAX_WIDTH = 60
MIN_WIDTH = 8


def write_cell(sheet: Worksheet, row: int, column: int, value: Cell, *, wrap: bool = False) -> None:
    """One cell of an XLSX sheet: text stays text, dates are dates."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment

    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        # Control characters are invalid in XLSX; assigning the type by hand keeps text
        # starting with "=" from becoming a formula.
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def fit_columns(sheet: Worksheet, rows: Sequence[Sequence[Cell]]) -> None:
    """Column widths from the longest cell, within MIN_WIDTH and MAX_WIDTH."""
    from openpyxl.utils import get_column_letter

    columns = max((len(row) for row in rows), default=0)
    for index in range(columns):
        longest = max(len(str(row[index] or "")) for row in rows if index < len(row))
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(
            MAX_WIDTH, max(MIN_WIDTH, longest + 2)
        )


def to_xlsx(table: Table) -> bytes:
    # Imported here: openpyxl is needed only by exports, and the bot should start without it.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    def fill(
        sheet: Worksheet, header: list[str], rows: list[list[Cell]], wrap: bool, *, filter: bool
    ) -> None:
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row_number, row in enumerate(rows, start=2):
            for column_number, value in enumerate(row, start=1):
                write_cell(sheet, row_number, column_number, value, wrap=wrap)
        fit_columns(sheet, [header, *rows])
        if filter and rows:
            sheet.auto_filter.ref = sheet.dimensions

    workbook = Workbook()
    responses = workbook.active
    assert responses is not None
    responses.title = "Responses"
    fill(responses, table.header, table.rows, wrap=False, filter=True)
    dictionary = workbook.create_sheet("Data dictionary")
    fill(
        dictionary,
        ["column", "question", "kind", "description", "values"],
        [[e.column, e.question_id, e.kind, e.description, e.values] for e in table.dictionary],
        wrap=True,
        filter=True,
    )
    about = workbook.create_sheet("Campaign")
    fill(about, ["about", "value"], [[k, v] for k, v in table.campaign], wrap=True, filter=False)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the data dictionary document ---------------------------------------------------------------


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def dictionary_markdown(library: Library) -> str:
    """docs/data-dictionary.md: every column of both exports, generated so it stays true."""
    out = [
        "# Data dictionary of the exports",
        "",
        "<!-- Generated by bot.reports.export.dictionary_markdown(); a test checks this file",
        "     against it. Change the code or the banks, then regenerate. -->",
        "",
        "A campaign's export (`readiness-bot export`, CSV or XLSX) has one row per completed",
        "interview and the same columns in both formats. The XLSX file's first sheet,",
        "*Responses*, holds the table (with a filter on every column); its second sheet, *Data",
        "dictionary*, describes each column of that file (`column`, `question`, `kind`,",
        "`description`, `values`), as below; its third sheet, *Campaign*, says what the file is",
        "about: the community, its type and recommended number of key respondents, the",
        "interview and the bank versions answered, the number of responses and their dates.",
        "",
        "- **Labels are English on purpose**: the file is shared across languages, so every",
        "  `_label` column is in English whatever language the interview was in.",
        "- **Groups smaller than 3 are never shown**: a language used by fewer than 3 respondents",
        f"  is `{OTHER_LANGUAGE}`, and a sector given by fewer than 3 respondents is",
        f"  `{SUPPRESSED}` (in both `sector` and `sector_label`).",
        "- A skipped question, or one the respondent's version of the bank did not ask, is empty.",
        "- Dates are real dates in the XLSX file and `YYYY-MM-DD` in the CSV file.",
        "- A level rating is a number (1 to 9 in steps of 0.5) an analyst can average; an",
        "  answer of I don't know leaves it empty and sets the `<id>_dont_know` flag to 1.",
        "- Free text is redacted before it is stored: e-mail addresses, links, phone numbers,",
        "  @handles and long numbers appear as `[email]`, `[link]`, `[phone]`, `[handle]`,",
        "  `[number]`.",
        "- CSV files are UTF-8 with a byte order mark (so Excel reads accented text). A CSV",
        "  cell that would start with `=`, `+`, `-`, `@`, a tab or a carriage return gets a",
        "  leading `'`, so a spreadsheet shows it as text instead of running it as a formula;",
        "  XLSX cells are stored as text and need no such mark.",
        "",
        "## Columns",
        "",
        "| column | kind | description | values |",
        "| --- | --- | --- | --- |",
    ]
    for entry in GENERATED:
        out.append(
            f"| `{entry.column}` | {entry.kind} | {_md(entry.description)} | {_md(entry.values)} |"
        )
    out += [
        "| `<question id>` | code or text | The stored answer to that question (see below). | "
        "the question's codes; free text for text questions |",
        "| `<question id>_dont_know` | flag | For level ratings only: 1 where the respondent "
        "answered I don't know. | 0 or 1 |",
        "| `<question id>_label` | label | For coded questions only (choice, yes/no, level, "
        "1-10 scale): the English label of the code. | see below |",
        "",
    ]
    # Only banks a campaign can run: an interviewer's bank (the full assessment) is never a
    # campaign's flow, so no export has its columns.
    for bank in library.respondent_banks.values():
        out += [
            f"## Bank `{bank.id}` (version {bank.version}): {_md(bank.title)}",
            "",
            "Columns in this order: `response`, `completed_on`, `language`, then for each "
            "question below `<id>`, for level ratings `<id>_dont_know`, and for coded kinds "
            "`<id>_label`.",
            "",
            "| question id | kind | prompt | codes |",
            "| --- | --- | --- | --- |",
        ]
        for question in bank.questions:
            if not question.answerable:
                continue
            codes = _values(question, library.model) or "free text (redacted)"
            shown = f"`{question.id}`"
            if question.kind is Kind.LEVEL:
                shown += f", `{question.id}_dont_know`"
            if question.kind in CODED:
                shown += f", `{question.id}_label`"
            optional = " (optional)" if question.optional else ""
            out.append(
                f"| {shown} | {question.kind}{optional} | {_md(question.prompt)} | {_md(codes)} |"
            )
        out.append("")
    # Imported here: scorecards builds on this module's file helpers.
    from bot.reports.scorecards import scorecards_markdown

    return "\n".join(out) + "\n" + scorecards_markdown()
