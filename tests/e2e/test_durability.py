"""Nothing is lost and nothing is sent twice: crashes, restarts and Telegram errors."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
from pathlib import Path

from tests.fakes import FakeBotApi, FakeUser
from tests.helpers.bot_harness import (
    TOKEN,
    answer_everything,
    new_campaign,
    running_bot,
    settings_for,
    settle,
    tap_data,
)


def stored_answers(database: Path) -> dict[str, object]:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT state FROM sessions").fetchall()
    assert len(rows) == 1
    return dict(json.loads(rows[0][0])["answers"])


async def start_bot_process(api: FakeBotApi, tmp_path: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "READINESS_TELEGRAM_TOKEN": TOKEN,
        "READINESS_TELEGRAM_API_URL": f"{api.url}/bot",
        "READINESS_DATABASE": str(tmp_path / "readiness.db"),
        "READINESS_REMINDER_AFTER": "0",
        # As settings_for: the next question follows a typed answer at once.
        "READINESS_ANSWER_PAUSE": "0",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def answer_some(user: FakeUser, count: int) -> None:
    for _ in range(count):
        buttons = [d for _, d in user.buttons() if d]
        continues = [d for d in buttons if d.startswith("n:")]
        answers = [d for d in buttons if d.startswith("a:")]
        if continues:
            user.tap(continues[0])
        elif answers:
            user.tap(answers[0])
        else:
            user.send("An answer typed before the crash.")
        await settle(user)


async def test_restart_after_sigkill_keeps_every_answer(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        created = await new_campaign(settings_for(api, tmp_path))
        user = api.user(2002, first_name="Bea", language_code="en")
        process = await start_bot_process(api, tmp_path)
        try:
            user.start(created.campaign.respondent_token)
            await settle(user, timeout=30)
            await tap_data(user, "l:", ":en")
            await tap_data(user, "c:", ":yes")
            await answer_some(user, 6)
            before = stored_answers(tmp_path / "readiness.db")
            question_before = user.last.content  # type: ignore[union-attr]
        finally:
            process.send_signal(signal.SIGKILL)
            await process.wait()
        assert before, "answers were given before the kill"
        process = await start_bot_process(api, tmp_path)
        try:
            user.start()
            await user.wait_for_message(contains="Welcome back", timeout=30)
            resumed = await user.wait_for_message()
            assert resumed.content == question_before
            assert stored_answers(tmp_path / "readiness.db") == before
            await answer_everything(user)
            await tap_data(user, "S:")
            assert "receipt code" in user.last.content  # type: ignore[union-attr]
        finally:
            process.send_signal(signal.SIGTERM)
            await process.wait()
        with sqlite3.connect(tmp_path / "readiness.db") as db:
            (responses,) = db.execute("SELECT COUNT(*) FROM responses").fetchone()
            stored = dict(db.execute("SELECT question_id, value FROM answers").fetchall())
        assert responses == 1
        for question_id, value in before.items():
            assert json.loads(stored[question_id]) == value


async def test_coordinator_summary_delivered_once_despite_errors(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        coordinator = api.user(600, first_name="Coord", language_code="en")
        user = api.user(3003, first_name="Cy", language_code="en")
        async with running_bot(settings):
            coordinator.start(created.coordinator_token)
            await coordinator.wait_for_message(contains="coordinator")
            user.start(created.campaign.respondent_token)
            await settle(user)
            await tap_data(user, "l:", ":en")
            await tap_data(user, "c:", ":yes")
            await answer_everything(user)
            api.fail_next("sendMessage", status=500, description="Internal Server Error")
            api.fail_next("sendMessage", status=429, description="Too Many Requests", retry_after=1)
            await tap_data(user, "S:")
            await coordinator.wait_for_message(contains="New response", timeout=20)
            await asyncio.sleep(2.5)  # time for any wrongful retry to show up
        summaries = [m for m in coordinator.messages if "New response" in m.content]
        assert len(summaries) == 1
        finals = [m for m in user.messages if "Your receipt code" in m.content]
        assert len(finals) == 1
        assert len(api.errors) >= 2
