"""The runtime's promises, each against the real bot and the fake Bot API: intake survives an
update the library cannot parse, a handler error rolls back and apologises, erasure leaves
the files before the reply, and heavy work does not hold up answers."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram.router import Router
from bot.storage.repos import Repos
from tests.fakes import FakeBotApi, TimedCall
from tests.helpers.bot_harness import (
    TOKEN,
    answer_everything,
    new_campaign,
    running_bot,
    settings_for,
    settle,
    tap_data,
    to_first_text_question,
)
from tests.helpers.watch import Watch


def rows(database: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchall()


@pytest.mark.logs_errors("the unreadable update is reported at ERROR")
async def test_an_update_the_library_cannot_parse_is_set_aside_and_intake_goes_on(
    tmp_path: Path,
) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(2101, first_name="Ada", language_code="en")
        async with running_bot(settings):
            bad = api.push_update(
                {"message": {"message_id": 1, "date": "yesterday", "chat": "garbage"}}
            )
            user.start(created.campaign.respondent_token)
            reply = await user.wait_for_message(timeout=10)
            assert "language" in reply.content
            await api.wait_until(lambda: not api.pending_updates, timeout=10)
        dead = rows(settings.database, "SELECT source, ref, error, payload FROM dead_letters")
    assert dead == [("intake", str(bad["update_id"]), "TypeError", None)]


@pytest.mark.logs_errors("the handler error is reported at ERROR")
async def test_a_handler_error_rolls_back_the_update_and_apologises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    route = Router.route

    async def fails_after_writing(self: Router, tx: Repos, ev: Any) -> Any:
        effects = await route(self, tx, ev)  # the answer is stored and the next question queued
        if ev.text and "BOOM" in ev.text:
            raise RuntimeError("a bug after the answer was written")
        return effects

    monkeypatch.setattr(Router, "route", fails_after_writing)
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(2102, first_name="Bo", language_code="en")
        async with running_bot(settings):
            await to_first_text_question(user, created.campaign.respondent_token)
            question = user.last.content  # type: ignore[union-attr]
            user.send("BOOM our county")
            sorry = await user.wait_for_message()
            assert "something went wrong on our side" in sorry.content
            assert "answers so far are kept" in sorry.content
            (state,) = rows(settings.database, "SELECT state FROM sessions")
            assert json.loads(state[0])["answers"] == {}
            assert json.loads(state[0])["current"] == "community"
            user.send("Our county")
            following = await user.wait_for_message()
            assert following.content != question and "Which sector" in following.content
        (dead,) = rows(
            settings.database, "SELECT source, error, payload IS NOT NULL FROM dead_letters"
        )
    assert dead == ("inbox", "RuntimeError", 1)
    visible = [m.content for m in user.messages]
    assert not any("Which sector" in text for text in visible[: visible.index(sorry.content)])


async def test_erased_answers_are_gone_from_the_files_when_the_reply_arrives(
    tmp_path: Path,
) -> None:
    marker = "ERASE-ME-MARKER-4411"
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(2103, first_name="Cy", language_code="en")
        async with running_bot(settings):
            user.start(created.campaign.respondent_token)
            await settle(user)
            await tap_data(user, "l:", ":en")
            await tap_data(user, "c:", ":yes")
            await answer_everything(user, text=f"Our county {marker}")
            await tap_data(user, "S:")
            receipt = user.last.content  # type: ignore[union-attr]
            code = receipt.split("/delete ", 1)[1].split()[0].strip(".")
            assert any(marker.encode() in p.read_bytes() for p in tmp_path.glob("readiness.db*"))
            user.send(f"/delete {code}")
            await user.wait_for_message(contains="have been erased")
            holding = [
                p.name for p in tmp_path.glob("readiness.db*") if marker.encode() in p.read_bytes()
            ]
            assert holding == []


async def test_a_slow_callback_answer_does_not_hold_up_the_next_update(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """answerCallbackQuery runs beside dispatch: a slow one delays no reply."""
    from bot.channels.telegram.upkeep import ButtonAnswers

    release = asyncio.Event()
    answer = ButtonAnswers._work

    async def stuck(self: ButtonAnswers) -> None:
        await release.wait()
        await answer(self)

    monkeypatch.setattr(ButtonAnswers, "_work", stuck)
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(2104, first_name="Di", language_code="en")
        async with running_bot(settings):
            user.start(created.campaign.respondent_token)
            await settle(user)
            await tap_data(user, "l:", ":en")
            await tap_data(user, "c:", ":yes")
            await tap_data(user, "n:")
            assert api.calls_to("answerCallbackQuery") == []
            release.set()
            await api.wait_until(lambda: len(api.calls_to("answerCallbackQuery")) == 3, timeout=5)


async def test_a_429_pauses_every_chat_until_retry_after(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram's flood limit is per bot: after a 429 nothing goes out, to any chat, before
    retry_after has passed; one WARNING line says so, and nothing is logged as an error."""
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        ana = api.user(2105, first_name="Ana", language_code="en")
        ben = api.user(2106, first_name="Ben", language_code="en")
        async with running_bot(settings):
            for user in (ana, ben):
                user.start(created.campaign.respondent_token)
                await settle(user)
            api.fail_next("sendMessage", status=429, retry_after=2)
            ana.tap(next(d for _, d in ana.buttons() if d and d.endswith(":en")))
            await api.wait_until(lambda: any(c.status == 429 for c in api.timeline), timeout=5)
            limited = next(c for c in api.timeline if c.status == 429)
            assert limited.answered_at is not None
            ben.tap(next(d for _, d in ben.buttons() if d and d.endswith(":en")))
            await ben.wait_for_message(contains="Before we start", timeout=10)
            await ana.wait_for_message(contains="Before we start", timeout=10)
        quiet = {"getUpdates", "answerCallbackQuery"}
        sends = [
            c for c in api.timeline if c.method not in quiet and c.received_at > limited.received_at
        ]
    assert sends, "the backlog drains after the pause"
    assert min(c.received_at for c in sends) >= limited.answered_at + 2.0
    flood = [r for r in caplog.records if "flood limit" in r.getMessage()]
    assert len(flood) == 1 and flood[0].levelname == "WARNING" and flood[0].exc_info is None


PACED = 0.025
"""The bot's limit lets 30 messages a second through at once, then one every 1/30 s: a gap
this long between two sends after a burst means the others wait for it."""


async def test_a_429_pauses_the_messages_already_waiting_for_the_rate_limiter(
    tmp_path: Path,
) -> None:
    """More replies due at once than the bot's limit lets through: the 429 comes while the
    rest wait for it. Nothing may reach Telegram before retry_after has passed (PTB's
    AIORateLimiter, which held them, sent them into the pause)."""
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        users = [api.user(3000 + n, first_name="Pat", language_code="en") for n in range(60)]
        sent: list[float] = []

        def flood_once_paced(phase: str, call: TimedCall) -> None:
            if phase != "received" or call.method != "sendMessage":
                return
            sent.append(call.received_at)
            if len(sent) > 20 and sent[-1] - sent[-2] >= PACED:
                stop()
                api.fail_next("sendMessage", status=429, retry_after=2)

        stop = api.observe(flood_once_paced)
        async with running_bot(settings):
            for user in users:
                user.start(created.campaign.respondent_token)
            await api.wait_until(lambda: any(c.status == 429 for c in api.timeline), timeout=10)
            await asyncio.gather(*(user.wait_for_message(timeout=20) for user in users))
        limited = next(c for c in api.timeline if c.status == 429)
        assert limited.answered_at is not None
    early = [
        c
        for c in api.timeline
        if c.method == "sendMessage"
        and limited.answered_at < c.received_at
        and c.received_at < limited.answered_at + 2.0
    ]
    assert not early, f"{len(early)} sendMessage calls during the flood wait"


@pytest.mark.logs_errors("the refused message is reported at ERROR")
async def test_a_message_telegram_refuses_for_good_is_set_aside_and_the_chat_goes_on(
    tmp_path: Path,
) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(2107, first_name="Gil", language_code="en")
        async with running_bot(settings):
            api.fail_next(
                "sendMessage", status=400, description="Bad Request: can't parse entities"
            )
            user.start(created.campaign.respondent_token)
            await api.wait_until(lambda: any(c.status == 400 for c in api.timeline), timeout=5)
            user.start(created.campaign.respondent_token)
            assert "language" in (await user.wait_for_message(timeout=10)).content
        dead = rows(settings.database, "SELECT source, error, payload FROM dead_letters")
    assert [(source, error.lower(), payload) for source, error, payload in dead] == [
        ("outbox", "badrequest: can't parse entities", None)
    ]


@pytest.mark.logs_errors("the corrupt row is reported at ERROR")
async def test_a_corrupt_outbox_row_does_not_stop_the_sender(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        user = api.user(2108, first_name="Hal", language_code="en")
        async with running_bot(settings) as running:
            bot = await running.parts()
            async with bot.store.transaction() as tx:
                await tx.outbox.add("some-chat", b"not a sealed chat id", "send", {"text": "x"})
            user.start(created.campaign.respondent_token)
            assert "language" in (await user.wait_for_message(timeout=10)).content
            while not await bot.store.read.dead_letters.count():
                await asyncio.sleep(0.05)
        dead = rows(settings.database, "SELECT source, error FROM dead_letters")
    assert dead == [("outbox", "SealError")]


async def test_a_typing_row_left_by_an_earlier_version_goes_out_as_nothing(tmp_path: Path) -> None:
    """Versions before 2026-12-03 queued "typing…" ahead of a held question; such a row,
    still in the outbox at the upgrade, is cleared without a call and without a dead letter."""
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        user = api.user(2109, first_name="Ida", language_code="en")
        async with running_bot(settings) as running:
            watch = await Watch.attach(api, running)
            bot = await running.parts()
            addresses = bot.sender.addresses
            async with bot.store.transaction() as tx:
                await tx.outbox.add(addresses.key(user.id), addresses.seal(user.id), "typing", {})
            bot.sender.wake.set()
            await watch.until(lambda: watch.chat_idle(user.id), what="the typing row cleared")
            assert await bot.store.read.dead_letters.count() == 0
        assert api.calls_to("sendChatAction") == []
