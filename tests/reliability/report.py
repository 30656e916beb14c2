"""The Markdown report: one table row per scenario, then each scenario's checks and figures."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tests.reliability.rows import Cell, Row

COLUMNS = (
    "Scenario",
    "Runs",
    "Answers delivered",
    "Stored",
    "Lost",
    "Duplicated",
    "Wrong respondent",
    "Errors",
    "Checks",
    "Notes",
)
NOT_MEASURED = "—"


@dataclass(frozen=True)
class Timing:
    scenario: str
    seconds: float


def machine() -> str:
    uname = platform.uname()
    return (
        f"{uname.system} {uname.release} {uname.machine}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )


def duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m{rest:02d}s" if minutes else f"{seconds:.1f}s"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _figure(cell: Cell) -> str:
    if cell is None:
        return NOT_MEASURED
    return f"{cell:,}" if isinstance(cell, int) else cell


def table(rows: Sequence[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        c = row.columns
        figures = [c.runs, c.delivered, c.stored, c.lost, c.duplicated, c.wrong_respondent]
        if row.skipped:
            checks, notes = "skipped", row.skipped
        else:
            failed = ", ".join(row.failed)
            checks = f"{sum(row.checks.values())}/{len(row.checks)}"
            verdict = f"FAIL: {failed}" if failed else "all checks pass"
            notes = f"{row.summary}; {verdict}" if row.summary else verdict
        cells = [row.scenario, *(_figure(f) for f in figures), _figure(c.errors), checks, notes]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def details(row: Row) -> str:
    out = [f"### {row.scenario} ({duration(row.elapsed)})", ""]
    if row.skipped:
        return "\n".join([*out, f"Skipped: {row.skipped}"])
    for name, ok in row.checks.items():
        out.append(f"- {'PASS' if ok else '**FAIL**'} {name}")
    if row.extra:
        out.append("")
        out += [f"- {name}: {value}" for name, value in row.extra.items()]
    if row.notes:
        out.append("")
        out.append("Notes:")
        out += [f"- {_cell(note)[:400]}" for note in row.notes]
    return "\n".join(out)


def storage_table(rows: Sequence[Row]) -> str:
    out: list[str] = []
    for row in rows:
        sizes = row.storage
        if sizes is None or not sizes.completed:
            continue
        out += [
            f"### Storage per completed interview ({sizes.completed} interviews)",
            "",
            f"- database file + WAL after `wal_checkpoint(TRUNCATE)`: {sizes.file_bytes:,} bytes"
            f" = **{sizes.per_interview:,.0f} bytes per interview**",
            f"- pages in use ((page_count - freelist_count) x {sizes.page_size}):"
            f" {sizes.used_bytes:,} bytes = {sizes.used_per_interview:,.0f} bytes per interview;"
            f" free pages {sizes.file_bytes - sizes.used_bytes:,} bytes",
            "",
        ]
        if sizes.dbstat:
            out += [
                "| table (with its indexes) | rows | bytes | bytes per interview |",
                "|---|---|---|---|",
            ]
            out += [
                f"| {name} | {sizes.rows.get(name, '-')} | {size:,} |"
                f" {size / sizes.completed:,.0f} |"
                for name, size in sizes.tables.items()
            ]
        else:
            out.append("(this SQLite has no dbstat table: no per-table breakdown)")
    return "\n".join(out)


def timings_list(timings: Sequence[Timing], elapsed: float) -> str:
    parts = [f"{t.scenario} {duration(t.seconds)}" for t in timings]
    return "Elapsed: " + ", ".join(parts) + f"; **{duration(elapsed)} in all**."


def markdown(
    rows: Sequence[Row], *, command: str, elapsed: float, timings: Sequence[Timing] = ()
) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "# Reliability figures",
        "",
        f"{now} · {machine()} · `{command}` · {duration(elapsed)} in all",
        "",
        table(rows),
        "",
        "Runs: bot runs (for scenarios 6-9: what they count). Answers delivered: answers the "
        "bot acknowledged with a reply (distinct questions per respondent). Stored: those found "
        "in the session or the submitted response, under their question and with their value; "
        "Lost: the others. Duplicated: a message the bot sent twice to a chat, or an interview "
        "submitted twice. Wrong respondent: a typed answer (marked per respondent) stored in "
        "another's interview. Errors: ERROR/CRITICAL/Traceback lines in the bot's log (fuzz, "
        f"access: ERROR records, fuzz also dead letters). {NOT_MEASURED}: the scenario does not "
        "measure it.",
        "",
    ]
    if timings:
        parts += [timings_list(timings, elapsed), ""]
    for row in rows:
        parts += [details(row), ""]
    storage = storage_table(rows)
    if storage:
        parts += [storage, ""]
    return "\n".join(parts)


def command_line() -> str:
    return " ".join(["python -m tests.reliability", *sys.argv[1:]])
