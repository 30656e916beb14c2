"""The micro benchmarks build the bot's handling path as the application does: a change to
that wiring breaks them here, in the test suite, not at the end of a five-minute `make bench`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import micro


async def test_an_answer_commit_runs_through_the_real_handling_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # It checks itself that each answer was accepted; its timings are printed, never judged.
    await micro.bench_answer_commit(tmp_path, answers=3)
    assert "answer handled and committed" in capsys.readouterr().out
