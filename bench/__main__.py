"""`make bench`: the throughput of the real bot process against the documented
python-telegram-bot baseline in the same run, the operator's command line, and the micro
benchmarks; prints one table and writes docs/performance.md.

`python -m bench --quick` is the short form for development: 100 concurrent, limiter off,
no command-line or micro figures, and docs/performance.md left alone. `--before DIR` adds the
bot as checked out in DIR (`git worktree add DIR <commit>`) to the quick runs, to measure a
change against the code before it in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from bench import document, micro, operator_cli, throughput, web_load
from bench.results import CONCURRENCY, LIMITS, Results, limit_name, plain, rows
from bench.targets import TARGETS, ReadinessBot, Target

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
WINDOW = 6.0
"""Seconds of steady load measured per run."""
WARM_UP_LIMITED = 10.0
WARM_UP_FREE = 120.0
FOOTPRINT = 20
KILLED = 100
WEB_RESPONDENTS = 500


async def measure(
    results: Results,
    concurrency: tuple[int, ...],
    limits: tuple[float, ...],
    *,
    full: bool,
    targets: tuple[Target, ...] = TARGETS,
) -> None:
    for limit in limits:
        for concurrent in concurrency:
            for target in targets:
                warm = WARM_UP_LIMITED if limit else WARM_UP_FREE
                figures = await throughput.load(target, concurrent, limit, WINDOW, warm)
                results.loads.append(figures)
                print(
                    f"  {target.name:<8} {concurrent:>5} concurrent, {limit_name(limit):<11}"
                    f" {figures.per_second:7.1f} answers/s  p50 {figures.latency_ms(0.5):6.1f} ms"
                    f"  CPU {figures.cpu_ms:5.2f} ms/answer  {dict(figures.methods)}",
                    flush=True,
                )
    if not full:
        return
    for target in TARGETS:
        results.durability.append(await throughput.sigkill(target, KILLED))
        results.footprints.append(await throughput.footprint(target, FOOTPRINT))
        kept = results.footprints[-1].bytes_per_interview
        print(f"  {target.name}: {results.durability[-1]}, {kept:.0f} B/interview", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="100 concurrent, limiter off only")
    parser.add_argument("--before", type=Path, help="with --quick: also the bot checked out here")
    parser.add_argument("--limit", type=float, action="append", help="with --quick: limits")
    args = parser.parse_args()
    started = time.monotonic()
    results = Results()
    if args.quick:
        targets: tuple[Target, ...] = TARGETS
        if args.before is not None:
            targets = (ReadinessBot(name="before", checkout=args.before), *TARGETS)
        limits = tuple(args.limit or (0.0,))
        asyncio.run(measure(results, (100,), limits, full=False, targets=targets))
        print(plain(rows(results)))
        return
    asyncio.run(measure(results, CONCURRENCY, LIMITS, full=True))
    results.cli = operator_cli.measure()
    results.seconds = time.monotonic() - started
    table = plain(rows(results))
    print(table)
    section = document.generated(
        results, warm=WARM_UP_LIMITED, footprint=FOOTPRINT, pruned=ReadinessBot().pruned
    )
    document.write(DOC, section)
    print(f"\nwritten to {DOC}\n\nmicro benchmarks:")
    micro.main()
    print("\nweb channel:")
    web = asyncio.run(web_load.run(WEB_RESPONDENTS))
    web_load.report(web)
    document.write(DOC, web_load.section(web), web_load.BEGIN, web_load.END)


if __name__ == "__main__":
    main()
