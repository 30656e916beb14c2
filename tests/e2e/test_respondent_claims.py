"""Claims of the privacy screen and the help that no other scenario proved, through the real
bot and the fake Bot API: erasing the interview in progress, and declining consent."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from bot.settings import Settings
from tests.fakes import FakeBotApi
from tests.helpers.bot_harness import (
    TOKEN,
    data_of,
    new_campaign,
    running_bot,
    settings_for,
    settle,
    tap_data,
    to_consent,
    to_first_text_question,
)


def files_holding(folder: Path, marker: str) -> list[str]:
    return [p.name for p in folder.glob("readiness.db*") if marker.encode() in p.read_bytes()]


def open_interviews(settings: Settings) -> int:
    with contextlib.closing(sqlite3.connect(settings.database)) as db:
        return int(db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])


async def test_erasing_the_interview_in_progress_removes_its_words(tmp_path: Path) -> None:
    marker = "HALF-DONE-ANSWER-8833"
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(5101, first_name="Ida", language_code="en")
        async with running_bot(settings):
            await to_first_text_question(user, created.campaign.respondent_token)
            user.send(f"Our county {marker}")
            await settle(user)
            assert files_holding(tmp_path, marker)
            user.send("/delete")
            await user.wait_for_message(contains="Erase every answer")
            user.tap(data_of(user, "D:"))
            await user.wait_for_message(contains="Your answers have been erased.")
            assert files_holding(tmp_path, marker) == []
            assert open_interviews(settings) == 0


async def test_declining_consent_keeps_nothing_of_the_interview(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(5102, first_name="Jo", language_code="en")
        async with running_bot(settings):
            await to_consent(user, created.campaign.respondent_token)
            assert open_interviews(settings) == 1
            await tap_data(user, "c:", ":no")
            assert "Nothing of this interview is kept" in (user.last.content if user.last else "")
            assert open_interviews(settings) == 0
