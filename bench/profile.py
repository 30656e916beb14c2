"""`python -m bench.profile`: py-spy samples the bot process under steady load (100
concurrent, limiter off) and writes its collapsed stacks and the hottest functions, to find what
an answer costs. py-spy comes from PyPI (`pip install py-spy`); it is not a dependency."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

from bench.targets import PtbBaseline, ReadinessBot
from bench.throughput import keep_busy, staged


async def profile(target_name: str, concurrent: int, seconds: int, out: Path) -> None:
    target = ReadinessBot() if target_name == "bot" else PtbBaseline()
    async with staged(target, concurrent, 0) as stage:
        run = asyncio.ensure_future(keep_busy(stage.swarm, concurrent))
        await asyncio.sleep(3)  # past the opening burst
        args = ["record", "--pid", str(stage.pid), "--duration", str(seconds), "--rate", "200"]
        # The venv's bin is not on PATH under `make`: look beside this interpreter too.
        binary = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        spy = await asyncio.create_subprocess_exec(
            binary, *args, "--format", "raw",
            "--output", str(out), "--nonblocking",
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        await spy.wait()
        run.cancel()
    print(f"written {out} (collapsed stacks: flamegraph.pl or speedscope read them)")


def hottest(raw: Path, top: int = 25) -> list[tuple[str, float]]:
    """Share of samples in which each function is on the stack (collapsed stacks)."""
    total = 0
    seen: dict[str, int] = {}
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        samples = int(count)
        total += samples
        for frame in set(stack.split(";")):
            seen[frame] = seen.get(frame, 0) + samples
    return sorted(((f, n / total) for f, n in seen.items()), key=lambda x: -x[1])[:top]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--target", choices=("bot", "baseline"), default="bot")
    parser.add_argument("--concurrent", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-profile.txt"))
    args = parser.parse_args()
    asyncio.run(profile(args.target, args.concurrent, args.seconds, args.out))
    for frame, share in hottest(args.out):
        print(f"{share:6.1%}  {frame}", file=sys.stdout)


if __name__ == "__main__":
    main()
