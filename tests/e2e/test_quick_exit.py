"""Quick exit leaves nothing on her screen: the bot's messages, what she typed, and the
/exit itself; after submitting or erasing, one tap clears the chat the same way."""

from __future__ import annotations

from pathlib import Path

from tests.fakes import FakeBotApi, FakeUser
from tests.helpers.bot_harness import (
    TOKEN,
    answer_everything,
    new_campaign,
    running_bot,
    settings_for,
    tap_data,
    to_first_text_question,
)


def on_screen(user: FakeUser) -> list[int]:
    """Every message id still in the chat: the bot's and hers."""
    return sorted([m.message_id for m in user.chat.visible] + list(user.chat.user_messages))


async def test_exit_deletes_every_message_of_the_chat(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(2301, first_name="Iris", language_code="en")
        async with running_bot(settings):
            await to_first_text_question(user, created.campaign.respondent_token)
            user.send("Our county. Call me on +1 (415) 555-0199, Iris")
            await user.wait_for_message(contains="Which sector")
            user.send_sticker()
            await user.wait_for_message()
            assert len(user.chat.user_messages) >= 3  # /start, the answer, the sticker
            user.send("/exit")
            await api.wait_until(lambda: on_screen(user) == [], timeout=10)
        assert user.chat.user_messages == {}


async def test_after_submitting_one_tap_clears_the_chat(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(2302, first_name="Joy", language_code="en")
        async with running_bot(settings):
            await to_first_text_question(user, created.campaign.respondent_token)
            await answer_everything(user)
            await tap_data(user, "S:")
            assert user.last is not None and "receipt code" in user.last.content
            assert ("🧹 Clear this chat", "x") in user.buttons()
            user.tap("x")
            await api.wait_until(lambda: on_screen(user) == [], timeout=10)
