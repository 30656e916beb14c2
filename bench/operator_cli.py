"""The operator's command line, timed as a person waits for it: start-up (`--help`), and
`report --json` / `--chart` for a campaign of 10,000 completed interviews generated in the
database through the storage layer."""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.storage.db import Store
from tests.fakes import FakeBotApi
from tests.helpers.report_samples import preassessment_answers
from tests.reliability.harness import DATABASE, TOKEN, bot_env, create_campaign

INTERVIEWS = 10_000
SAMPLES = 8
"""Rows of preassessment_answers to cycle through (the report samples' respondents)."""
IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")
OWN = frozenset({"bot", "questions", "scoring", "site", "encodings"})


@dataclass
class CliTimes:
    startup: float = 0.0
    report_json: float = 0.0
    report_chart: float = 0.0
    heavy_imports: list[tuple[str, float]] = field(default_factory=list)
    """Top-level imports of `bot.cli --help` by cumulative seconds, heaviest first."""


def _wall(args: list[str], env: dict[str, str] | None, cwd: Path | None) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def median_wall(
    args: list[str], repeat: int, env: dict[str, str] | None = None, cwd: Path | None = None
) -> float:
    return statistics.median(_wall(args, env, cwd) for _ in range(repeat))


def heavy_imports(top: int = 6) -> list[tuple[str, float]]:
    """`python -X importtime -m bot.cli --help`: the costliest packages outside our own
    code, each by its most expensive import (cumulative, so it includes what it pulled in)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot.cli", "--help"],
        check=True,
        capture_output=True,
        text=True,
    )
    costs: dict[str, float] = {}
    for line in done.stderr.splitlines():
        match = IMPORT_LINE.search(line)
        if match is None:
            continue
        cumulative, root = int(match.group(2)), match.group(4).split(".")[0]
        if root not in OWN:
            costs[root] = max(costs.get(root, 0.0), cumulative / 1e6)
    return sorted(costs.items(), key=lambda item: -item[1])[:top]


async def _generate(database: Path, campaign_id: str, interviews: int) -> None:
    store = await Store.open(database)
    try:
        async with store.transaction() as tx:
            for index in range(interviews):
                await tx.responses.store(
                    campaign_id=campaign_id,
                    bank="preassessment",
                    bank_version=2,
                    locale="en",
                    answers=preassessment_answers(index % SAMPLES),
                    receipt_digest=f"bench{index}",
                    completed_on=date(2026, 11, 1 + index % 28),
                )
    finally:
        await store.close()


async def _campaign(workdir: Path) -> tuple[dict[str, str], str]:
    async with FakeBotApi(token=TOKEN, bot_username="bench_readiness_bot") as api:
        env = bot_env(api, workdir)
        campaign = await create_campaign(api, env, workdir)
    await _generate(workdir / DATABASE, campaign.id, INTERVIEWS)
    return env, campaign.id


def measure(repeat: int = 3) -> CliTimes:
    times = CliTimes()
    times.startup = median_wall([sys.executable, "-m", "bot.cli", "--help"], 10)
    times.heavy_imports = heavy_imports()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as folder:
        workdir = Path(folder)
        env, campaign_id = asyncio.run(_campaign(workdir))
        report = [sys.executable, "-m", "bot.cli", "report", campaign_id]
        out = subprocess.run(
            [*report, "--json"], env=env, cwd=workdir, check=True, capture_output=True
        )
        respondents = json.loads(out.stdout).get("respondents")
        if respondents not in (None, INTERVIEWS):
            raise RuntimeError(f"the report counted {respondents} of {INTERVIEWS} interviews")
        times.report_json = median_wall([*report, "--json"], repeat, env, workdir)
        chart = str(workdir / "chart.png")
        times.report_chart = median_wall([*report, "--chart", chart], repeat, env, workdir)
    return times
