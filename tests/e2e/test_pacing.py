"""Telegram's pace for one chat through the real bot and the fake Bot API: about one message
a second (`READINESS_TELEGRAM_CHAT_RATE`) after a short burst, while every other chat's
replies go on at once."""

from __future__ import annotations

from pathlib import Path

from bot.channels.telegram.pacing import BURST
from tests.fakes import FakeBotApi, FakeUser
from tests.helpers.bot_harness import (
    TOKEN,
    new_campaign,
    running_bot,
    settings_for,
    to_consent,
    to_first_text_question,
)

MESSAGES = {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendPhoto"}
RATE = 4  # messages a second: Telegram's 1 would make the test four times as long
JITTER = 0.05  # seconds: the bot's clock decides, the fake's clock measures


def message_times(api: FakeBotApi, user: FakeUser) -> list[float]:
    return [
        call.received_at
        for call in api.timeline
        if call.method in MESSAGES and call.params.get("chat_id") in (user.id, str(user.id))
    ]


async def test_one_chat_gets_about_one_message_a_second_and_no_other_chat_waits(
    tmp_path: Path,
) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path, telegram_chat_rate=RATE)
        created = await new_campaign(settings)
        token = created.campaign.respondent_token
        quick = api.user(2501, first_name="Ana", language_code="en")
        other = api.user(2502, first_name="Bea", language_code="en")
        async with running_bot(settings):
            await to_first_text_question(quick, token)
            quick.send("Our county")
            await quick.wait_for_message(contains="Which sector")
            for n in range(4):  # faster than anyone types: each the moment the reply is in
                quick.send(f"and the town of {n}")
                await quick.wait_for_message(contains="Added to your answer")
            quick.send("and the river")  # held: her chat is at its pace
            await to_consent(other, token)
            await quick.wait_for_message(contains="Added to your answer")
        sent = message_times(api, quick)
        # In any stretch of T seconds one chat gets at most BURST + RATE * T messages.
        for first, at in enumerate(sent):
            for last in range(first + BURST, len(sent)):
                assert sent[last] - at >= (last - first + 1 - BURST) / RATE - JITTER
        # Meanwhile another respondent's first screens went out without waiting for hers.
        assert message_times(api, other)[0] < sent[-1]
