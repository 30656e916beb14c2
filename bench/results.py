"""The throughput benchmark's figures for both programs, as one table (printed and written
into docs/performance.md) with the ratio bot/baseline and the issue's targets beside them."""

from __future__ import annotations

import math
import os
import platform
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.operator_cli import CliTimes
from bench.throughput import Durability, Footprint, Load

CONCURRENCY = (1, 100, 1000)
LIMITS = (30.0, 0.0)


@dataclass
class Results:
    loads: list[Load] = field(default_factory=list)
    durability: list[Durability] = field(default_factory=list)
    footprints: list[Footprint] = field(default_factory=list)
    cli: CliTimes | None = None
    seconds: float = 0.0

    def load(self, target: str, concurrent: int, limit: float) -> Load | None:
        for figures in self.loads:
            if (figures.target, figures.concurrent, figures.rate_limit) == (
                target,
                concurrent,
                limit,
            ):
                return figures
        return None

    def of(self, items: Sequence[Durability] | Sequence[Footprint], target: str) -> object:
        return next((item for item in items if item.target == target), None)


def _number(value: float | None, digits: int = 1) -> str:
    if value is None or math.isnan(value):
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _ratio(bot: float | None, baseline: float | None) -> str:
    if bot is None or baseline is None or not baseline or math.isnan(bot) or math.isnan(baseline):
        return "-"
    return f"{bot / baseline:.2f}"


Row = tuple[str, str, str, str, str]


def _per_level(
    results: Results, limit: float, figure: Callable[[Load], float], digits: int = 1
) -> tuple[str, str, str]:
    bots, bases, ratios = [], [], []
    for concurrent in CONCURRENCY:
        bot = results.load("bot", concurrent, limit)
        base = results.load("baseline", concurrent, limit)
        mine = figure(bot) if bot else None
        theirs = figure(base) if base else None
        bots.append(_number(mine, digits))
        bases.append(_number(theirs, digits))
        ratios.append(_ratio(mine, theirs))
    return " / ".join(bots), " / ".join(bases), " / ".join(ratios)


def limit_name(limit: float) -> str:
    return "limiter off" if limit == 0 else f"limit {limit:g}/s"


def _callbacks(figures: Load) -> float:
    return figures.callback_answers / figures.answers if figures.answers else math.nan


def _targets(limit: float) -> dict[str, str]:
    if limit:
        return {"answers/s": ">= 28 at 100", "calls": "<= 1"}
    return {
        "answers/s": ">= 3x baseline at 100 and 1,000; aim 500 at 1,000",
        "p99": "< 20 ms at 100",
        "cpu": "<= 3 ms",
        "calls": "<= 1",
    }


PER_LEVEL: tuple[tuple[str, str, Callable[[Load], float], int], ...] = (
    ("answers/s, 1 / 100 / 1,000 concurrent", "answers/s", lambda f: f.per_second, 1),
    ("latency p50 ms", "p50", lambda f: f.latency_ms(0.5), 1),
    ("latency p99 ms", "p99", lambda f: f.latency_ms(0.99), 1),
    ("CPU ms per answer", "cpu", lambda f: f.cpu_ms, 2),
    ("screen calls per answer", "calls", lambda f: screen_calls(f), 2),
    ("answerCallbackQuery per answer", "", _callbacks, 2),
)


def rows(results: Results) -> list[Row]:
    table: list[Row] = []
    for limit in LIMITS:
        targets = _targets(limit)
        for label, key, figure, digits in PER_LEVEL:
            cells = _per_level(results, limit, figure, digits)
            table.append((f"{label} ({limit_name(limit)})", *cells, targets.get(key, "")))
    bot, base = results.load("bot", 1000, 0.0), results.load("baseline", 1000, 0.0)
    mine = bot.rss / 2**20 if bot else None
    theirs = base.rss / 2**20 if base else None
    label = "RSS MB, 1,000 interviews open, mid-run (limiter off)"
    table.append((label, _number(mine), _number(theirs), _ratio(mine, theirs), "< 150 MB"))
    fb, fp = results.of(results.footprints, "bot"), results.of(results.footprints, "baseline")
    mine = fb.bytes_per_interview / 1024 if isinstance(fb, Footprint) else None
    theirs = fp.bytes_per_interview / 1024 if isinstance(fp, Footprint) else None
    label = "KB stored per completed interview (pruned)"
    table.append((label, _number(mine, 2), _number(theirs, 2), _ratio(mine, theirs), "<= 3 KB"))
    db, dp = results.of(results.durability, "bot"), results.of(results.durability, "baseline")
    table.append(("answers lost on SIGKILL, 100 in flight", _lost(db), _lost(dp), "-", "0"))
    if results.cli is not None:
        cli = results.cli
        reports = f"{cli.report_json:.2f} / {cli.report_chart:.2f}"
        label = "`report --json` / `--chart`, 10,000 interviews, s"
        table.append((label, reports, "-", "-", "< 1 / < 2"))
        label = "CLI start-up (`--help`, median of 10), s"
        table.append((label, f"{cli.startup:.3f}", "-", "-", "< 0.3"))
    return table


def screen_calls(figures: Load) -> float:
    if not figures.answers:
        return math.nan
    return (figures.calls - figures.callback_answers) / figures.answers


def _lost(item: object) -> str:
    if not isinstance(item, Durability):
        return "-"
    return f"{item.lost} of {item.acknowledged}"


HEADER = ("figure", "bot", "baseline", "bot/baseline", "target")


def markdown(table: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + " --- |" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in table]
    return "\n".join(lines)


def plain(table: list[Row]) -> str:
    widths = [max(len(row[i]) for row in [HEADER, *table]) for i in range(len(HEADER))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [HEADER, *table]
    )


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(
        os.cpu_count()
    )
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{cores} cores (`nproc`), {model}, Python {platform.python_version()}, {when}"
