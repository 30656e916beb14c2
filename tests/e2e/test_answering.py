"""Answers as people type them, through the real bot and the fake Bot API: an answer in several
messages stays one, under its own question; Back keeps an answer without retyping it; any typed
question can be declined, and the decline is stored as such."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.flows.interview import InterviewState
from bot.flows.values import DECLINED
from tests.fakes import FakeBotApi, FakeUser
from tests.helpers.bot_harness import (
    TOKEN,
    answer_everything,
    data_of,
    new_campaign,
    running_bot,
    settings_for,
    tap_data,
    to_consent,
    to_first_text_question,
)
from tests.helpers.watch import Watch

PAUSE = timedelta(seconds=1)
TYPED = "Some programmes exist."


def state_of(watch: Watch, user: FakeUser) -> InterviewState:
    row = watch.one("SELECT state FROM sessions WHERE respondent_key = ?", (watch.key_of(user.id),))
    assert row is not None
    return InterviewState.from_json(row[0])


def shown(user: FakeUser, words: str) -> int:
    return sum(words in m.content for m in user.chat.messages)


async def test_an_answer_sent_in_two_messages_is_one_answer(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path, answer_pause=PAUSE)
        created = await new_campaign(settings)
        user = api.user(2401, first_name="Lena", language_code="en")
        async with running_bot(settings) as running:
            watch = await Watch.attach(api, running)
            await to_first_text_question(user, created.campaign.respondent_token)
            user.send("Our county")
            user.send("and the two towns beside it")
            await user.wait_for_message(contains="Which sector")
            # No "typing…": a second call per typed answer; the question said how it goes.
            assert user.chat.actions == []
            assert shown(user, "The next question comes when you stop for a moment") == 1
            assert shown(user, "Which sector") == 1
            answers = state_of(watch, user).answers
            assert answers["community"] == "Our county\nand the two towns beside it"
            assert "sector" not in answers


async def test_a_preassessment_costs_at_most_one_screen_call_per_answer(tmp_path: Path) -> None:
    """Telegram's limit counts every call, so at its ceiling answers/s is the limit divided
    by calls per answer: with the pause on, as deployed, typed and tapped answers alike cost
    one message or edit, the submission too (answerCallbackQuery, which names no chat, comes
    on top of a tap)."""
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path, answer_pause=timedelta(milliseconds=300))
        created = await new_campaign(settings)
        user = api.user(2400, first_name="Ines", language_code="en")
        async with running_bot(settings) as running:
            watch = await Watch.attach(api, running)
            await to_consent(user, created.campaign.respondent_token)
            before = len(api.calls)
            await tap_data(user, "c:", ":yes")
            answers = 1 + await answer_everything(user, text=TYPED)
            stored = state_of(watch, user).answers
            user.tap(data_of(user, "S:"))
            answers += 1
            await watch.until(watch.quiet, what="everything the submission sends")
            assert "receipt code" in (user.last.content if user.last else "")
        to_her = [
            call
            for call in api.calls[before:]
            if call.params.get("chat_id") in (user.id, str(user.id))
            and call.method != "answerCallbackQuery"
        ]
        typed = sum(1 for value in stored.values() if value == TYPED)
        assert answers > 30 and typed > 10
        assert len(to_her) <= answers, [call.method for call in to_her]


async def test_the_reviews_buttons_after_submitting_change_nothing(tmp_path: Path) -> None:
    """The thanks answers Submit on its own (one call), so the review keeps its buttons: a
    tap on its Submit or on an answer to change is told the interview is over, and nothing
    is submitted twice or reopened."""
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(2403, first_name="Noa", language_code="en")
        async with running_bot(settings) as running:
            watch = await Watch.attach(api, running)
            await to_first_text_question(user, created.campaign.respondent_token)
            await answer_everything(user)
            review = user.keyboard_message()
            submit, change = data_of(user, "S:"), data_of(user, "e:", ":community")
            user.tap(submit)
            await user.wait_for_message(contains="receipt code")
            for stale in (submit, change):
                tapped = user.tap(stale, message_id=review.message_id)
                await watch.settled(tapped, user.id)
                answered = api.answer_to(tapped) or {}
                assert answered.get("text") == (
                    "That button belongs to an interview that is no longer open."
                ), answered
            assert watch.scalar("SELECT COUNT(*) FROM responses") == 1
            assert watch.scalar("SELECT COUNT(*) FROM sessions") == 0


async def test_text_on_a_question_with_buttons_is_more_of_the_last_answer(
    tmp_path: Path,
) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(2402, first_name="Mia", language_code="en")
        async with running_bot(settings) as running:
            watch = await Watch.attach(api, running)
            await to_first_text_question(user, created.campaign.respondent_token)
            user.send("Our county")
            await user.wait_for_message(contains="Which sector")
            user.send("and the river valley")
            await user.wait_for_message(contains="Added to your answer to question 1")
            assert state_of(watch, user).answers["community"] == "Our county\nand the river valley"
            # Once she has tapped, text answers the next typed question, never the old one.
            await tap_data(user, "a:", ":schools")  # "reflect ..." comes with the next one
            user.send("Many languages are spoken")
            await user.wait_for_message(contains="reached or served diverse groups")
            user.send("Through churches")
            await user.wait_for_message(contains="What efforts in the community")
            answers = state_of(watch, user).answers
        assert answers["community"] == "Our county\nand the river valley"
        assert answers["diversity"] == "Many languages are spoken"
        assert answers["underserved_reach"] == "Through churches"


async def test_back_keeps_a_typed_answer_with_one_tap(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(2403, first_name="Nora", language_code="en")
        async with running_bot(settings) as running:
            watch = await Watch.attach(api, running)
            await to_first_text_question(user, created.campaign.respondent_token)
            user.send("Our county")
            await user.wait_for_message(contains="Which sector")
            await tap_data(user, "b:")
            back = user.last
            assert back is not None and "Our county" in back.content
            assert ("✔ Keep my answer", data_of(user, "v:")) in user.buttons()
            await tap_data(user, "v:")
            assert user.last is not None and "Which sector" in user.last.content
            assert state_of(watch, user).answers["community"] == "Our county"


async def test_prefer_not_to_answer_is_stored_as_a_decline(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(2404, first_name="Ola", language_code="en")
        async with running_bot(settings) as running:
            watch = await Watch.attach(api, running)
            await to_first_text_question(user, created.campaign.respondent_token)
            assert ("Prefer not to answer", data_of(user, "w:")) in user.buttons()
            await tap_data(user, "w:")
            assert user.last is not None and "Which sector" in user.last.content
            assert state_of(watch, user).answers["community"] == DECLINED


async def test_a_message_that_would_overfill_an_answer_is_refused_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(2405, first_name="Pia", language_code="en")
        part = "word " * 800  # 4,000 characters: a full Telegram message
        async with running_bot(settings) as running:
            watch = await Watch.attach(api, running)
            await to_first_text_question(user, created.campaign.respondent_token)
            user.send(part)
            await user.wait_for_message(contains="Which sector")
            user.send(part)
            await user.wait_for_message(contains="Added to your answer")
            user.send("and one more thing")
            await user.wait_for_message(contains="limit of 8000 characters")
            answer = state_of(watch, user).answers["community"]
        assert answer == f"{part.strip()}\n{part.strip()}"
