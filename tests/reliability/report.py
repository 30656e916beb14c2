"""The Markdown report: one table row per scenario, then each scenario's checks and figures."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from tests.reliability.scenarios import Row

COLUMNS = (
    "Scenario",
    "Runs",
    "Answers delivered",
    "Stored",
    "Lost",
    "Duplicated",
    "Wrong respondent",
    "Errors",
    "Integrity",
    "Checks",
    "Notes",
)


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


def table(rows: Sequence[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        f = row.figures
        passed = sum(row.checks.values())
        failed = ", ".join(row.failed)
        cells = [
            row.scenario,
            str(f.runs),
            str(f.delivered),
            str(f.stored),
            str(f.lost),
            str(f.duplicated),
            str(f.wrong_respondent),
            str(f.errors),
            "ok" if f.integrity_ok else "; ".join(sorted(set(f.integrity))),
            f"{passed}/{len(row.checks)}",
            f"FAIL: {failed}" if failed else "all checks pass",
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def details(row: Row) -> str:
    out = [f"### {row.scenario} ({duration(row.elapsed)})", ""]
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


def markdown(rows: Sequence[Row], *, command: str, elapsed: float) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "# Reliability figures",
        "",
        f"{now} · {machine()} · `{command}` · {duration(elapsed)} in all",
        "",
        table(rows),
        "",
        "Answers delivered: answers the bot acknowledged with a reply (distinct questions per "
        "respondent). Lost: delivered but not in the session or the submitted response, or "
        "stored with another value. Duplicated: a message the bot sent twice to a chat. "
        "Wrong respondent: a typed answer (marked per respondent) stored in another's "
        "interview. Errors: ERROR/CRITICAL/Traceback lines in the bot's stderr.",
        "",
    ]
    for row in rows:
        parts += [details(row), ""]
    storage = storage_table(rows)
    if storage:
        parts += [storage, ""]
    return "\n".join(parts)


def command_line() -> str:
    return " ".join(["python -m tests.reliability", *sys.argv[1:]])
