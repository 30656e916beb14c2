"""`python -m tests.reliability [--quick] [--only kill,load] [--runs N] [--respondents N]
[--out FILE.md]`: runs the scenarios against the real bot and prints a Markdown report.

The long forms (kill 50 runs x 20 respondents, restart 10 x 20, load 500 for 8 minutes, storage
50) are sized to finish within 30 minutes on a 2-core machine; --quick is about two minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from tests.reliability import scenarios
from tests.reliability.report import command_line, duration, markdown
from tests.reliability.scenarios import Row


@dataclass(frozen=True)
class Sizes:
    kill_runs: int
    kill_respondents: int
    parallel: int
    restart_runs: int
    respondents: int  # redelivery and faults
    load_respondents: int
    load_duration: float
    load_think: tuple[float, float]
    storage_interviews: int


LONG = Sizes(50, 20, 5, 10, 5, 500, 480.0, (0.5, 5.0), 50)
QUICK = Sizes(3, 5, 3, 2, 3, 50, 20.0, (0.2, 2.0), 10)
NAMES = ("kill", "restart", "redelivery", "telegram_faults", "load", "storage")
ALIASES = {"faults": "telegram_faults"}


def plan(sizes: Sizes, seed: int) -> dict[str, Callable[[], Awaitable[list[Row]]]]:
    async def kill() -> list[Row]:
        return [
            await scenarios.kill(
                sizes.kill_runs, sizes.kill_respondents, parallel=sizes.parallel, seed=seed
            )
        ]

    async def restart() -> list[Row]:
        return [
            await scenarios.restart(
                sizes.restart_runs, sizes.kill_respondents, parallel=sizes.parallel, seed=seed
            )
        ]

    async def redelivery() -> list[Row]:
        return [await scenarios.redelivery(sizes.respondents, seed=seed + 1)]

    async def faults() -> list[Row]:
        return await scenarios.telegram_faults(sizes.respondents, seed=seed + 2)

    async def load() -> list[Row]:
        return [
            await scenarios.load(
                sizes.load_respondents,
                duration=sizes.load_duration,
                think=sizes.load_think,
                seed=seed + 3,
            )
        ]

    async def storage() -> list[Row]:
        return [await scenarios.storage_cost(sizes.storage_interviews, seed=seed + 4)]

    return {
        "kill": kill,
        "restart": restart,
        "redelivery": redelivery,
        "telegram_faults": faults,
        "load": load,
        "storage": storage,
    }


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the small forms the tests use")
    parser.add_argument("--only", help=f"comma-separated scenarios: {', '.join(NAMES)}")
    parser.add_argument("--runs", type=int, help="kill and restart: number of runs")
    parser.add_argument(
        "--respondents",
        type=int,
        help="respondents (kill and restart: per run; load and storage: in all)",
    )
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
    n = args.respondents
    return Sizes(
        kill_runs=args.runs or base.kill_runs,
        kill_respondents=n or base.kill_respondents,
        parallel=args.parallel or base.parallel,
        restart_runs=args.runs or base.restart_runs,
        respondents=n or base.respondents,
        load_respondents=n or base.load_respondents,
        load_duration=args.duration or base.load_duration,
        load_think=base.load_think,
        storage_interviews=n or base.storage_interviews,
    )


async def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    chosen = [ALIASES.get(n.strip(), n.strip()) for n in (args.only or ",".join(NAMES)).split(",")]
    unknown = [n for n in chosen if n not in NAMES]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)}; choose from {NAMES}", file=sys.stderr)
        return 2
    steps = plan(sizes_for(args), args.seed)
    rows: list[Row] = []
    started = time.monotonic()
    for name in chosen:
        began = time.monotonic()
        print(f"reliability: {name} ...", file=sys.stderr, flush=True)
        produced = await steps[name]()
        rows += produced
        verdict = "pass" if all(r.passed for r in produced) else "checks FAIL"
        print(
            f"reliability: {name} took {duration(time.monotonic() - began)} ({verdict})",
            file=sys.stderr,
            flush=True,
        )
    report = markdown(rows, command=command_line(), elapsed=time.monotonic() - started)
    print(report)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report, encoding="utf-8")
    return 1 if args.strict and not all(r.passed for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
