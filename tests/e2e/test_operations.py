"""Scenario 9, quick form: a backup taken while respondents answer restores to the same report,
and `readiness-bot doctor` names each broken installation's one problem
(`tests/reliability/operations.py`)."""

from __future__ import annotations

import asyncio

import pytest

from tests.reliability import operations
from tests.reliability.operations import CASES


@pytest.fixture(scope="module")
def ops(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One run of the scenario (real bot processes and commands), shared by the tests below."""
    return asyncio.run(operations.run(tmp_path_factory.mktemp("operations"), "quick"))


def assert_checks(ops: dict[str, object], prefix: str) -> None:
    checks = ops["checks"]
    assert isinstance(checks, dict)
    named = {name: ok for name, ok in checks.items() if name.startswith(prefix)}
    assert named, f"no check starts with {prefix!r}: {list(checks)}"
    failed = [name for name, ok in named.items() if not ok]
    findings = ops["findings"]
    assert isinstance(findings, list)
    assert not failed, f"{failed}\n  " + "\n  ".join(str(f) for f in findings)


def test_backup_while_respondents_answer(ops: dict[str, object]) -> None:
    for prefix in (
        "backup exits 0 while the bot runs",
        "the bot kept answering during the backup",
        "backup passes integrity_check",
        "backup file is mode 600",
        "every respondent finished",
        "the bot stopped cleanly",
        "no ERROR in the bot's log",
    ):
        assert_checks(ops, prefix)
    replies = ops["replies during the backup"]
    assert isinstance(replies, int) and replies > 0


def test_the_restored_backup_gives_the_report_of_backup_time(ops: dict[str, object]) -> None:
    assert_checks(ops, "doctor passes on the restored folder")
    assert_checks(ops, "doctor passes on the live folder while the bot runs")
    assert_checks(ops, "restored report == the backup file's report")
    assert_checks(ops, "restored report == the live report just before or after")
    assert_checks(ops, "no submission between the live reports")
    assert isinstance(ops["responses in the backup"], int) and ops["responses in the backup"] >= 2


@pytest.mark.parametrize("case", [c.name for c in CASES])
def test_doctor(ops: dict[str, object], case: str) -> None:
    assert_checks(ops, f"doctor, {case}:")
