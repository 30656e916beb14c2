"""The reminder after silence, and webhook mode, through the real Application."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sqlite3
from datetime import timedelta
from pathlib import Path

from tests.fakes import FakeBotApi, FakeUser
from tests.helpers.bot_harness import (
    TOKEN,
    data_of,
    new_campaign,
    running_bot,
    settings_for,
    settle,
    tap_data,
    to_consent,
)

REMINDER = "You have an unfinished assessment"


async def test_one_reminder_after_silence_never_more(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path, reminder_after=timedelta(seconds=1))
        created = await new_campaign(settings)
        user = api.user(4004, first_name="Dee", language_code="en")
        async with running_bot(settings):
            user.start(created.campaign.respondent_token)
            await settle(user)
            await tap_data(user, "l:", ":en")
            await tap_data(user, "c:", ":yes")
            await user.wait_for_message(contains=REMINDER, timeout=10)
            await asyncio.sleep(2.5)  # several more check intervals
        reminders = [m for m in user.messages if REMINDER in m.content]
        assert len(reminders) == 1


async def test_no_reminder_when_disabled(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)  # READINESS_REMINDER_AFTER=0
        created = await new_campaign(settings)
        user = api.user(4005, first_name="Eli", language_code="en")
        async with running_bot(settings):
            user.start(created.campaign.respondent_token)
            await settle(user)
            await tap_data(user, "l:", ":en")
            await asyncio.sleep(1.5)
        assert not [m for m in user.messages if REMINDER in m.content]


async def test_noreminder_turns_the_reminder_off(tmp_path: Path) -> None:
    """The privacy screen offers /noreminder; after it, going on answering does not arm the
    reminder again, and none comes, however long she is silent."""
    delay = timedelta(seconds=3)
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path, reminder_after=delay)
        created = await new_campaign(settings)
        user = api.user(4007, first_name="Gus", language_code="en")
        async with running_bot(settings):
            await to_consent(user, created.campaign.respondent_token)
            assert "/noreminder turns it off" in user.last.content if user.last else False
            agree = data_of(user, "c:", ":yes")
            user.send("/noreminder")
            await user.wait_for_message(contains="No reminder will come for this interview")
            user.tap(agree)  # an answer after it saves the interview again
            await settle(user)
            with contextlib.closing(sqlite3.connect(settings.database)) as db:
                armed = db.execute("SELECT reminded, reminder_chat, reminder_due FROM sessions")
                assert armed.fetchall() == [(1, None, None)]
            await asyncio.sleep(delay.total_seconds() + 1.5)  # past the delay, several checks
            gone = await reply_to(user, "/delete")
            assert "Erase every answer" in gone
        assert not [m for m in user.messages if REMINDER in m.content]
        nothing_open = api.user(4008, language_code="en")
        async with running_bot(settings):
            nothing_open.send("/noreminder")
            answer = await nothing_open.wait_for_message()
            assert answer.content == "There is no interview in progress, so no reminder will come."


async def reply_to(user: FakeUser, text: str) -> str:
    user.send(text)
    return (await user.wait_for_message()).content


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode_runs_an_interview(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        port = free_port()
        url = f"http://127.0.0.1:{port}/telegram"
        user = api.user(4006, first_name="Fay", language_code="es")
        async with running_bot(settings, webhook_url=url, listen="127.0.0.1", port=port):
            await api.wait_until(lambda: api.webhook.get("url") == url)
            user.start(created.campaign.respondent_token)
            await settle(user)
            await tap_data(user, "l:", ":es")
            consent = user.last
            assert consent is not None and "c:" in str(consent.buttons())
        assert api.calls_to("getUpdates") == []
