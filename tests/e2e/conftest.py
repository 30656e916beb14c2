"""End-to-end tests fail on any ERROR the runtime logs, unless the test expects one."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

RUNTIME = ("bot", "telegram", "aiohttp", "asyncio")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "logs_errors(reason): the test provokes ERROR logs from the runtime on purpose"
    )


@pytest.fixture(autouse=True)
def _no_runtime_errors(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    caplog.set_level(logging.INFO)
    yield
    if request.node.get_closest_marker("logs_errors") is not None:
        return
    # At teardown `caplog.records` holds only the teardown's records: ask for each phase.
    records = [*caplog.get_records("setup"), *caplog.get_records("call")]
    errors = [
        f"{record.name}: {record.getMessage()}"
        for record in records
        if record.levelno >= logging.ERROR and record.name.split(".")[0] in RUNTIME
    ]
    assert not errors, f"the runtime logged errors: {errors}"
