"""`python -m tests.reliability [--quick] [--only kill,load] [--seed N] [--out FILE.md]`: runs
the nine scenarios of the reliability campaign against the real bot and prints one Markdown
report, with the time each scenario took and the total.

The long forms (kill 50 runs x 20 respondents, load 500 respondents for 5 minutes, fuzz 5,000
updates, access 3,000 attempts, privacy and operations long, storage 50 interviews) finish
within 30 minutes on a 2-core machine; --quick takes about four.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import sys
import time
from pathlib import Path

from tests.reliability.campaign import ALIASES, LONG, NAMES, QUICK, Sizes, plan
from tests.reliability.report import Timing, command_line, duration, markdown
from tests.reliability.rows import Row


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the small forms")
    parser.add_argument("--only", help=f"comma-separated scenarios: {', '.join(NAMES)}")
    parser.add_argument("--runs", type=int, help="kill and restart: number of runs")
    parser.add_argument("--parallel", type=int, help="kill and restart: runs at a time")
    parser.add_argument("--duration", type=float, help="load: seconds of load")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="also write the report to this Markdown file")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when any check fails (default: report)"
    )
    return parser.parse_args(argv)


def sizes_for(args: argparse.Namespace) -> Sizes:
    base = QUICK if args.quick else LONG
    changes: dict[str, object] = {}
    if args.runs:
        changes.update(kill_runs=args.runs, restart_runs=args.runs)
    if args.parallel:
        changes["parallel"] = args.parallel
    if args.duration:
        changes["load_duration"] = args.duration
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def say(text: str) -> None:
    print(f"reliability: {text}", file=sys.stderr, flush=True)


async def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    # RetryAfter.retry_after as a timedelta; fuzz and access run the bot in this process.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    chosen = [ALIASES.get(n.strip(), n.strip()) for n in (args.only or ",".join(NAMES)).split(",")]
    unknown = [n for n in chosen if n not in NAMES]
    if unknown:
        say(f"unknown scenario(s): {', '.join(unknown)}; choose from {', '.join(NAMES)}")
        return 2
    steps = [step for step in plan(sizes_for(args), args.seed) if step.name in chosen]
    rows: list[Row] = []
    timings: list[Timing] = []
    started = time.monotonic()
    for step in steps:
        began = time.monotonic()
        label = f"{step.number} {step.name}".strip()
        say(f"{label} ...")
        produced = await step.run()
        for row in produced:
            row.scenario = f"{step.number} {row.scenario}".strip()
        rows += produced
        took = time.monotonic() - began
        timings.append(Timing(label, took))
        verdict = "pass" if all(r.passed for r in produced) else "checks FAIL"
        say(f"{label} took {duration(took)} ({verdict})")
    elapsed = time.monotonic() - started
    say(f"all scenarios took {duration(elapsed)}")
    report = markdown(rows, command=command_line(), elapsed=elapsed, timings=timings)
    print(report)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report, encoding="utf-8")
    return 1 if args.strict and not all(r.passed for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
