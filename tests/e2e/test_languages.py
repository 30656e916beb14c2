"""A whole preassessment in Arabic, Chinese and Haitian Creole, in Telegram and on the web:
the language is found from Telegram's language_code or the browser's Accept-Language, every
screen is in it, Arabic pages run right to left, and the answers are stored and scored."""

from __future__ import annotations

import html
import json
import sqlite3
from pathlib import Path

import pytest

from bot.i18n import language_name, language_tag, translator
from bot.services import texts
from tests.fakes import FakeBotApi
from tests.helpers.bot_harness import (
    TOKEN,
    answer_everything,
    new_campaign,
    running_bot,
    settings_for,
    tap_data,
)
from tests.helpers.web_browser import Browser, answer_all
from tests.helpers.web_harness import running_web, web_settings

pytestmark = pytest.mark.e2e
LANGUAGES = [("ar", "ar-EG", "rtl"), ("zh_Hans", "zh-CN", "ltr"), ("ht", "ht", "ltr")]
NOTES = {
    "ar": "لدينا مأوى في المقاطعة.",
    "zh_Hans": "我们县有一个庇护所。",
    "ht": "Nou gen yon abri.",
}


def said(locale: str, msgid: str) -> str:
    """A fixed text as the presenters show it: translated, then HTML-escaped."""
    return html.escape(translator(locale).gettext(msgid), quote=False).split("\n")[0][:40]


@pytest.mark.parametrize(("locale", "tag", "direction"), LANGUAGES)
async def test_a_preassessment_in_telegram(
    tmp_path: Path, locale: str, tag: str, direction: str
) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        respondent = api.user(3100, first_name="Noor", language_code=tag)
        async with running_bot(settings):
            respondent.start(created.campaign.respondent_token)
            picker = await respondent.wait_for_message()
            # The picker asks in her language, her language ticked as the one found.
            assert picker.content == said(locale, "Which language would you like to use?")
            assert f"✓ {language_name(locale)}" in [label for label, _ in picker.buttons()]
            await tap_data(respondent, "l:", f":{locale}")
            consent = respondent.last
            assert consent is not None
            assert said(locale, texts.PRIVACY_READERS)[2:] in html.unescape(consent.content)
            await tap_data(respondent, "c:", ":yes")
            await answer_everything(respondent, text=NOTES[locale])
            await tap_data(respondent, "S:")
            result = respondent.last
            assert result is not None and "1-888-373-7888" in result.content
            thanks = translator(locale).gettext(texts.THANKS).split("\n")[0][:30]
            assert thanks in result.content
    with sqlite3.connect(tmp_path / "readiness.db") as db:
        stored = {json.loads(value) for (value,) in db.execute("SELECT value FROM answers")}
        (language,) = db.execute("SELECT locale FROM responses").fetchone()
    assert NOTES[locale] in stored and language == locale  # her note, as she typed it


@pytest.mark.parametrize(("locale", "tag", "direction"), LANGUAGES)
async def test_a_preassessment_on_the_web(
    tmp_path: Path, locale: str, tag: str, direction: str
) -> None:
    async with running_web(web_settings(tmp_path)) as web:
        created = await new_campaign(web.settings)
        token = created.campaign.respondent_token
        async with Browser(web.url, language=f"{tag},en;q=0.5") as browser:
            landing = await browser.get(f"/c/{token}")
            tag = language_tag(locale)  # the page says "zh-Hans", as BCP 47 has it
            assert landing.lang == tag and f'dir="{direction}"' in landing.html
            await browser.submit(f"/c/{token}")
            consent = browser.page
            assert consent is not None and consent.kind == "consent" and consent.lang == tag
            result = await answer_all(browser, words=NOTES[locale])
            assert result.lang == tag and result.receipt()
        stored = await web.responses(created.campaign.id)
    assert len(stored) == 1 and stored[0].locale == locale
    assert NOTES[locale] in stored[0].answers.values()
