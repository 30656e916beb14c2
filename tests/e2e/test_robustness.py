"""What respondents do that an interview does not expect, through the real bot: each gets a kind
reply, and none of it changes a stored answer."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from questions.loader import default_library
from tests.fakes import FakeBotApi, FakeUser, bot_api
from tests.helpers.bot_harness import (
    TOKEN,
    answer_everything,
    data_of,
    new_campaign,
    running_bot,
    settings_for,
    settle,
    tap_data,
)

PREASSESSMENT = default_library().bank("preassessment")
HOTLINE = ("1-888-373-7888", "233733", "911")
TYPE_IT = "Please type your answer."
USE_A_BUTTON = "Please choose one of the buttons."
COMMUNITY = "Riverside and the two valley towns."


# --- reading the database as it is on disk ----------------------------------------------------


def rows(settings: Settings, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(settings.database)) as db:
        return db.execute(sql, params).fetchall()


def interview(settings: Settings, campaign_id: str | None = None) -> dict[str, Any]:
    """The one open interview (of the campaign): its stage, current question id and answers."""
    found, *others = rows(
        settings,
        "SELECT stage, state FROM sessions WHERE ?1 IS NULL OR campaign_id = ?1",
        (campaign_id,),
    )
    assert not others, "more than one open interview"
    stage, raw = found
    state = json.loads(raw)
    qid = state["current"]
    return {"stage": stage, "question": qid, "phase": state["phase"], **state}


def count(settings: Settings, table: str) -> int:
    return int(rows(settings, f"SELECT COUNT(*) FROM {table}")[0][0])


# --- getting a respondent somewhere ------------------------------------------------------------


async def at_text_question(user: FakeUser, token: str) -> str:
    """Opens the campaign link in English up to the first typed question; returns the session id."""
    user.start(token)
    await user.wait_for_message()
    sid = data_of(user, "l:", ":en").split(":")[1]
    await tap_data(user, "l:", ":en")
    await tap_data(user, "c:", ":yes")
    while any(d and d.startswith("n:") for _, d in user.buttons()):
        await tap_data(user, "n:")
    assert "how you define your community" in _last(user)
    return sid


async def at_button_question(user: FakeUser, token: str) -> str:
    """... and one step further, the sector question (one button per sector)."""
    sid = await at_text_question(user, token)
    user.send(COMMUNITY)
    await settle(user)
    assert "Which sector do you work in?" in _last(user)
    return sid


def _last(user: FakeUser) -> str:
    assert user.last is not None
    return user.last.content


def asking(user: FakeUser, qid: str) -> bool:
    """Whether the latest keyboard belongs to question ``qid``."""
    return any(d and d.split(":")[2:3] == [qid] for _, d in user.buttons())


async def toast(api: FakeBotApi, tap: dict[str, Any]) -> str:
    """The short notice the bot answered a button press with ("" for none)."""
    answer = await api.wait_until(lambda: api.answer_to(tap))
    assert answer is not None
    return str(answer.get("text") or "")


async def reply_to(user: FakeUser, push: Callable[[], object]) -> str:
    """Sends something and returns the bot's reply."""
    push()
    return (await user.wait_for_message()).content


# --- input of the wrong kind -------------------------------------------------------------------

MEDIA: dict[str, Callable[[FakeUser], object]] = {
    "sticker": lambda u: u.send_sticker(),
    "photo": lambda u: u.send_photo(caption="our flyer"),
    "voice": lambda u: u.send_voice(),
    "document": lambda u: u.send_document(),
    "location": lambda u: u.send_location(),
    "contact": lambda u: u.send_contact("+1 415 555 0199"),
}


@pytest.mark.parametrize("kind", MEDIA)
async def test_media_gets_told_what_is_expected_and_stores_nothing(
    tmp_path: Path, kind: str
) -> None:
    send = MEDIA[kind]
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            await at_text_question(ana, created.campaign.respondent_token)
            assert await reply_to(ana, lambda: send(ana)) == TYPE_IT
            assert interview(settings)["answers"] == {}

            ana.send(COMMUNITY)
            await settle(ana)
            assert await reply_to(ana, lambda: send(ana)) == USE_A_BUTTON
            after = interview(settings)
            assert (after["question"], after["answers"]) == ("sector", {"community": COMMUNITY})
            # The next proper answer still lands on the same question.
            await tap_data(ana, "a:", ":sector:shelter")
            assert interview(settings)["answers"]["sector"] == "shelter"
    stored = settings.database.read_bytes()
    with contextlib.suppress(FileNotFoundError):
        stored += settings.database.with_name(settings.database.name + "-wal").read_bytes()
    for secret in (b"415 555 0199", b"4155550199", b"our flyer"):
        assert secret not in stored


async def test_an_overlong_answer_is_refused_with_the_limit(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            await at_text_question(ana, created.campaign.respondent_token)
            # Telegram's clients cap a message at 4,096; a client that does not is answered.
            reply = await reply_to(ana, lambda: ana.send("word " * 1000))  # 4,999 characters
            assert "4999 characters" in reply and "4096" in reply
            assert interview(settings)["answers"] == {}
            ana.send(COMMUNITY)
            await settle(ana)
            assert interview(settings)["answers"] == {"community": COMMUNITY}


async def test_an_edited_message_does_not_change_the_answer(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            await at_text_question(ana, created.campaign.respondent_token)
            sent = ana.send(COMMUNITY)
            await settle(ana)
            reply = await reply_to(
                ana, lambda: ana.edit(sent["message"]["message_id"], "Just the city.")
            )
            assert "Back" in reply and "edit" in reply
            after = interview(settings)
            assert (after["question"], after["answers"]) == ("sector", {"community": COMMUNITY})


# --- the same update or tap twice -------------------------------------------------------------


async def test_a_redelivered_text_answer_is_processed_once(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            await at_text_question(ana, created.campaign.respondent_token)
            sent = ana.send(COMMUNITY)
            await settle(ana)
            api.redeliver(sent["update_id"])
            await api.wait_until(lambda: not api.pending_updates)
            # Updates are handled in order: once the next tap is answered, so was the copy.
            await tap_data(ana, "a:", ":sector:faith")
            after = interview(settings)
            assert after["answers"] == {"community": COMMUNITY, "sector": "faith"}
            sector = [m for m in ana.messages if "Which sector" in m.content]
            assert len(sector) == 1
            assert not [m for m in ana.messages if "another question" in m.content]


async def test_a_redelivered_tap_is_processed_once(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            await at_button_question(ana, created.campaign.respondent_token)
            tap = ana.tap(data_of(ana, "a:", ":sector:faith"))
            await settle(ana)
            sent_before = len(ana.chat.messages)
            answered_before = len(api.calls_to("answerCallbackQuery"))
            api.redeliver(tap["update_id"])
            await api.wait_until(lambda: not api.pending_updates)
            ana.send("/help")
            await ana.wait_for_message(contains="Hotline")
            assert len(ana.chat.messages) == sent_before + 1  # only the help
            assert len(api.calls_to("answerCallbackQuery")) == answered_before
            after = interview(settings)
            assert after["answers"] == {"community": COMMUNITY, "sector": "faith"}
            assert after["question"] == "diversity"  # "reflect" came with it, no tap


async def test_a_double_tap_counts_once_and_the_second_gets_a_toast(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            await at_button_question(ana, created.campaign.respondent_token)
            data = data_of(ana, "a:", ":sector:faith")
            first = ana.tap(data)
            second = ana.tap_data(data, first["callback_query"]["message"]["message_id"])
            assert await toast(api, second)
            assert not await toast(api, first)
            await ana.wait_for_message(contains="As you answer each question")
            after = interview(settings)
            assert after["answers"] == {"community": COMMUNITY, "sector": "faith"}
            assert after["question"] == "diversity"  # "reflect" came with it, no tap
            assert len([m for m in ana.messages if "As you answer each question" in m.content]) == 1


# --- buttons that are not (or no longer) valid ------------------------------------------------


async def test_stale_forged_and_garbage_buttons_are_refused(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        other = await new_campaign(settings, name="Lakeside")
        ana = api.user(1001, language_code="en")
        ben = api.user(1002, first_name="Ben", language_code="en")
        async with running_bot(settings):
            ben_sid = await at_text_question(ben, other.campaign.respondent_token)
            sid = await at_button_question(ana, created.campaign.respondent_token)
            question = ana.keyboard_message()
            old = data_of(ana, "a:", ":sector:faith")
            await tap_data(ana, "a:", ":sector:police")
            before = interview(settings, created.campaign.id)
            sent = len(ana.chat.messages)

            forged = [
                old,  # the sector question was answered already
                f"a:{sid}:level_a:high",  # a question not asked yet
                f"a:{ben_sid}:community:x",  # someone else's interview
                f"D:{ben_sid}",  # erase someone else's interview
                f"l:{ben_sid}:es",
                f"S:{sid}",  # submit before the review
                "zzz",
                "a:::",
                "p:nothing",
            ]
            for data in forged:
                assert await toast(api, ana.tap_data(data, question.message_id)), data
            assert interview(settings, created.campaign.id) == before
            assert len(ana.chat.messages) == sent
            assert count(settings, "sessions") == 2  # Ben's interview is untouched


async def test_unknown_command_gets_help_and_help_has_the_hotline(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            reply = await reply_to(ana, lambda: ana.send("/foo"))
            assert "/start continues where you left off" in reply
            reply = await reply_to(ana, lambda: ana.send("/help"))
            assert "/delete erases your answers" in reply
            for number in HOTLINE:
                assert number in reply


async def test_a_group_is_pointed_to_a_private_chat(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        group = api.group(-1001234, title="Task force")
        async with running_bot(settings):
            group.send(ana, "/start")
            reply = await group.wait_for_message()
            assert "private" in reply.content
            group.send(ana, f"/start@{api.bot_username} {created.campaign.respondent_token}")
            reply = await group.wait_for_message()
            assert "private" in reply.content
            assert reply.inline_keyboard is None
            assert count(settings, "sessions") == 0


# --- leaving, erasing, changing language ------------------------------------------------------


async def test_quick_exit_clears_the_chat_and_keeps_the_answers(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            await at_button_question(ana, created.campaign.respondent_token)
            assert len(ana.messages) >= 5
            ana.tap("x")
            await api.wait_until(lambda: not ana.messages)
            assert all(m.deleted for m in ana.chat.messages)
            assert interview(settings)["answers"] == {"community": COMMUNITY}

            ana.start()
            offer = await ana.wait_for_message()
            assert "continue where you left off" in offer.content
            await ana.wait_for_message(contains="Which sector")
            assert asking(ana, "sector")
            assert interview(settings)["question"] == "sector"


async def test_quick_exit_also_clears_a_question_on_its_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fake has no way to hold a request, so its sendMessage is wrapped to hold the next
    # question until the quick exit has been handled: the order a slow network gives.
    name, send_message = bot_api._METHODS["sendmessage"]
    in_flight, release = asyncio.Event(), asyncio.Event()

    async def held(api: FakeBotApi, params: dict[str, Any]) -> Any:
        if "Which sector" in str(params.get("text")):
            in_flight.set()
            await release.wait()
        return await send_message(api, params)

    monkeypatch.setitem(bot_api._METHODS, "sendmessage", (name, held))
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            await at_text_question(ana, created.campaign.respondent_token)
            ana.send(COMMUNITY)
            await asyncio.wait_for(in_flight.wait(), 5)
            leave = ana.tap("x")
            await api.wait_until(lambda: api.answer_to(leave))
            release.set()
            await ana.wait_for_message(contains="Which sector")
            await api.wait_until(lambda: not ana.messages, timeout=1)


async def test_delete_erases_an_open_interview_after_confirming(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            await at_button_question(ana, created.campaign.respondent_token)
            confirm = await reply_to(ana, lambda: ana.send("/delete"))
            assert "cannot be undone" in confirm
            assert count(settings, "sessions") == 1
            await tap_data(ana, "D:")
            assert "erased" in _last(ana)
            assert count(settings, "sessions") == 0


async def test_delete_with_the_receipt_code_erases_a_submitted_response(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            await at_text_question(ana, created.campaign.respondent_token)
            await answer_everything(ana)
            await tap_data(ana, "S:")
            receipt = re.search(r"receipt code: ([A-Z]{4}-[A-Z]{4}-[A-Z]{4})", _last(ana))
            assert receipt is not None
            code = receipt[1]
            assert (count(settings, "responses"), count(settings, "sessions")) == (1, 0)

            refused = await reply_to(ana, lambda: ana.send("/delete BCDF-GHJK-LMNP"))
            assert "No answers match that receipt code" in refused
            refused = await reply_to(ana, lambda: ana.send("/delete not-a-code"))
            assert "No answers match that receipt code" in refused
            assert count(settings, "responses") == 1

            done = await reply_to(ana, lambda: ana.send(f"/delete {code.lower()}"))
            assert "have been erased" in done
            assert (count(settings, "responses"), count(settings, "answers")) == (0, 0)


async def test_language_mid_interview_shows_the_same_question_again(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            sid = await at_button_question(ana, created.campaign.respondent_token)
            ana.send("/language")
            await ana.wait_for_message()
            assert f"l:{sid}:es" in [d for _, d in ana.buttons()]
            await tap_data(ana, "l:", ":es")
            assert asking(ana, "sector")
            assert data_of(ana, "a:", ":sector:faith") == f"a:{sid}:sector:faith"
            after = interview(settings)
            assert (after["locale"], after["question"]) == ("es", "sector")
            assert after["answers"] == {"community": COMMUNITY}
            # Still the same interview: the next answer lands where it should.
            await tap_data(ana, "a:", ":sector:faith")
            assert interview(settings)["answers"]["sector"] == "faith"


# --- other people and other states ------------------------------------------------------------


async def test_a_user_who_blocked_the_bot_is_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.channels.telegram.sender")
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        ben = api.user(1002, first_name="Ben", language_code="en")
        async with running_bot(settings):
            await at_text_question(ana, created.campaign.respondent_token)
            api.block(ana.chat_id)
            ana.send(COMMUNITY)
            await api.wait_until(lambda: any(e.status == 403 for e in api.errors), timeout=5)
            ben.start(created.campaign.respondent_token)
            await ben.wait_for_message(contains="language")
            await tap_data(ben, "l:", ":en")
            assert "Before we start" in _last(ben)
        assert "chat unreachable" in caplog.text
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_personal_run_shows_the_result_only_to_its_respondent(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        coordinator = api.user(500, first_name="Coord", language_code="en")
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            coordinator.start(created.coordinator_token)
            await coordinator.wait_for_message(contains="coordinator")
            ana.start()
            await ana.wait_for_message(contains="Hello")
            await tap_data(ana, "p:pre")
            await tap_data(ana, "l:", ":en")
            await tap_data(ana, "c:", ":yes")
            await answer_everything(ana)
            await tap_data(ana, "S:")
            result = _last(ana)
            assert "It has been shown only to you" in result
            assert "Your overall view" in result
            # One person's self-rating is not the task force's decision.
            assert "decision" not in result.lower() and "proceed" not in result
            assert len(coordinator.messages) == 1  # only the welcome as coordinator
            assert count(settings, "completions") == 0


async def test_a_completed_respondent_is_told_so(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            await at_text_question(ana, created.campaign.respondent_token)
            await answer_everything(ana)
            await tap_data(ana, "S:")
            again = await reply_to(ana, lambda: ana.start(created.campaign.respondent_token))
            assert "already completed" in again
            assert count(settings, "sessions") == 0


async def test_a_closed_campaign_takes_no_new_respondents(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        with contextlib.closing(sqlite3.connect(settings.database)) as db, db:
            db.execute("UPDATE campaigns SET closed_at = '2024-01-01T00:00:00+00:00'")
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            closed = await reply_to(ana, lambda: ana.start(created.campaign.respondent_token))
            assert "has closed" in closed
            assert count(settings, "sessions") == 0


async def test_a_double_tap_on_back_goes_back_once(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            await at_button_question(ana, created.campaign.respondent_token)
            back = data_of(ana, "b:")
            first = ana.tap(back)
            second = ana.tap_data(back, first["callback_query"]["message"]["message_id"])
            assert await toast(api, second)
            await ana.wait_for_message(contains="how you define your community")
            after = interview(settings)
            assert (after["question"], after["answers"]) == ("community", {"community": COMMUNITY})


async def test_an_interview_left_open_when_the_campaign_closes_is_not_submitted(
    tmp_path: Path,
) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            await at_text_question(ana, created.campaign.respondent_token)
            with contextlib.closing(sqlite3.connect(settings.database)) as db, db:
                db.execute("UPDATE campaigns SET closed_at = '2024-01-01T00:00:00+00:00'")
            await answer_everything(ana)
            closed = await reply_to(ana, lambda: ana.tap(data_of(ana, "S:")))
            assert "has closed" in closed
            assert (count(settings, "responses"), count(settings, "sessions")) == (0, 0)


async def test_coming_back_to_an_interview_of_a_closed_campaign(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(1001, language_code="en")
        async with running_bot(settings):
            await at_text_question(ana, created.campaign.respondent_token)
            with contextlib.closing(sqlite3.connect(settings.database)) as db, db:
                db.execute("UPDATE campaigns SET closed_at = '2024-01-01T00:00:00+00:00'")
            closed = await reply_to(ana, lambda: ana.start())
            assert "has closed" in closed
            assert count(settings, "sessions") == 0
