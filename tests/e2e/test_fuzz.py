"""Scenario 6, quick form: about 600 updates of every kind through the real bot (see
tests/reliability/fuzz.py; `make reliability` runs the long form). The seed is printed; set
READINESS_FUZZ_SEED to replay one."""

from __future__ import annotations

import os
from pathlib import Path

from tests.reliability import fuzz


async def test_fuzzed_updates_break_nothing(tmp_path: Path) -> None:
    seed = os.environ.get("READINESS_FUZZ_SEED")
    report = await fuzz.exercise(size=600, seed=int(seed) if seed else None, workdir=tmp_path)
    figures = report.figures()
    assert not report.problems, f"seed {report.seed}: {figures}\n" + "\n".join(report.problems[:30])
    assert report.updates >= 600
    assert report.checked >= 150, figures
    assert report.answered == len(report.callbacks) > 100, figures
    assert report.final_replies == report.people, figures
    assert all(report.stages[stage] for stage in fuzz.STAGES), (report.stages, figures)
