"""One link for both channels: a campaign set up in Telegram with /new is answered by one
Telegram respondent and two web respondents, and its coordinator and report count all three."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.web.app import web_factory
from bot.reports import build_preassessment_report
from bot.storage.db import Store
from questions.loader import default_library
from tests.e2e.test_coordinator_round import set_up_campaign
from tests.fakes import FakeBotApi
from tests.helpers.bot_harness import (
    TOKEN,
    answer_everything,
    new_invite,
    running_bot,
    settings_for,
    settle,
    tap_data,
)
from tests.helpers.web_browser import Browser, answer_all
from tests.helpers.web_harness import free_port

pytestmark = pytest.mark.e2e


async def test_one_link_two_channels_three_responses(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path, web_url=base)
        invite = await new_invite(settings)
        coordinator = api.user(900, first_name="Cora", language_code="en")
        serving = {"web_pages": web_factory(settings), "listen": "127.0.0.1", "port": port}
        async with running_bot(settings, **serving):
            coordinator.start(invite)
            await coordinator.wait_for_message(contains="coordinator")
            # With READINESS_WEB_URL the link (and its QR code) opens the web page.
            token = await set_up_campaign(coordinator, link=rf"{base}/c/([A-Za-z0-9_-]+)")

            async with Browser(base) as browser:
                landing = await browser.get(f"/c/{token}")
                telegram = f"https://t.me/{api.bot_user['username']}?start={token}"
                assert telegram in landing.html
            telegram_user = api.user(7100, first_name="Tamsin", language_code="en")
            telegram_user.start(token)
            await settle(telegram_user)
            await tap_data(telegram_user, "l:", ":en")
            await tap_data(telegram_user, "c:", ":yes")
            await answer_everything(telegram_user)
            await tap_data(telegram_user, "S:")

            for language in ("en", "es"):
                async with Browser(base, language=language) as browser:
                    await browser.get(f"/c/{token}")
                    await browser.submit(f"/c/{token}")
                    await answer_all(browser)

            await api.wait_until(
                lambda: sum("New response" in m.content for m in coordinator.messages) == 3
            )
            summaries = [m.content for m in coordinator.messages if "New response" in m.content]
            assert "Assessment over 3 responses" in summaries[2]
        store = await Store.open(settings.database)
        try:
            campaign = await store.read.campaigns.by_token(token)
            assert campaign is not None
            responses = await store.read.responses.of_campaign(campaign.id)
        finally:
            await store.close()
        report = build_preassessment_report(campaign, responses, default_library())
        assert report.respondents == 3
