"""The web channel end to end over HTTP, JavaScript off: a whole preassessment and a checklist,
back, edit from the review, resume with the code, and leaving."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage.db import Store
from tests.helpers.bot_harness import new_campaign
from tests.helpers.web_browser import Browser, answer_all
from tests.helpers.web_harness import running_web, web_settings

pytestmark = pytest.mark.e2e


async def completed(database: Path) -> int:
    store = await Store.open(database)
    try:
        rows = await store.read.responses.for_campaign_all()  # type: ignore[attr-defined]
    finally:
        await store.close()
    return len(rows)


async def test_a_whole_preassessment_in_the_browser(tmp_path: Path) -> None:
    settings = web_settings(tmp_path)
    created = await new_campaign(settings)
    async with running_web(settings) as web, Browser(web.url) as browser:
        landing = await browser.get(f"/c/{created.campaign.respondent_token}")
        assert landing.status == 200
        assert "Riverside County" in landing.text
        consent = await browser.press_label("Answer here, in this browser")
        assert consent.kind == "consent", consent.text
        assert "Your code to continue later" in consent.text
        result = await answer_all(browser)
        assert result.status == 200
        assert "How you rated your community" in result.text
        assert result.receipt()
