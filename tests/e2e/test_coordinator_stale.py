"""Buttons a coordinator presses too late: a set-up's after it ended, a step's after it was
answered, a close confirmation's after the campaign closed or the access went. Each says what
happened and changes nothing; a set-up's buttons leave the screen when it ends."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from tests.fakes import FakeBotApi, FakeUser
from tests.fakes.state import JSON, FakeMessage
from tests.helpers.bot_harness import (
    TOKEN,
    data_of,
    new_campaign,
    new_invite,
    running_bot,
    settings_for,
    tap_data,
)


@contextlib.contextmanager
def database(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    # Autocommit: each query sees what the bot has committed, and holds no read transaction.
    db = sqlite3.connect(tmp_path / "readiness.db", isolation_level=None, timeout=10)
    try:
        yield db
    finally:
        db.close()


def count(db: sqlite3.Connection, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0])


async def answer_text(api: FakeBotApi, pressed: JSON) -> str:
    """What the bot answered on the pressed button itself (answerCallbackQuery)."""
    answered = await api.wait_until(lambda: api.answer_to(pressed))
    return str(answered.get("text", ""))


async def coordinator(api: FakeBotApi, invite: str) -> FakeUser:
    cora = api.user(900, first_name="Cora", language_code="en")
    cora.start(invite)
    await cora.wait_for_message(contains="coordinator")
    return cora


async def to_the_type_step(cora: FakeUser) -> FakeMessage:
    cora.send("/new")
    await cora.wait_for_message(contains="community's name")
    cora.send("Riverside County")
    await cora.wait_for_message(contains="Describe the community")
    cora.send("Its schools, clinics and shelters")
    await cora.wait_for_message(contains="Which organisation")
    cora.send("The Riverside task force")
    return await cora.wait_for_message(contains="What kind of community")


async def test_old_set_up_buttons_after_create_say_the_set_up_has_ended(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        invite = await new_invite(settings)
        async with running_bot(settings):
            cora = await coordinator(api, invite)
            cora.send("/new")
            await cora.wait_for_message(contains="community's name")
            cora.send("Riverside County")
            described = await cora.wait_for_message(contains="Describe the community")
            skip = data_of(cora, "kn:description:", ":skip")
            cora.send("Its schools, clinics and shelters")  # typed, so Skip is not tapped
            await cora.wait_for_message(contains="Which organisation")
            assert described.buttons() == []  # ... and it leaves the screen all the same
            late_skip = cora.tap_data(skip, described.message_id)
            assert "not the current step" in await answer_text(api, late_skip)

            cora.send("The Riverside task force")
            kind = await cora.wait_for_message(contains="What kind of community")
            rural = data_of(cora, "kn:type:", ":rural")
            await tap_data(cora, "kn:type:", ":rural")
            assert kind.buttons() == [] and "Rural" in kind.content  # the choice stays shown
            await tap_data(cora, "kn:flow:", ":pre")
            await tap_data(cora, "kn:languages:", ":done")
            confirm = cora.keyboard_message()
            cancel = data_of(cora, "kn:confirm:", ":no")
            cora.tap(data_of(cora, "kn:confirm:", ":yes"))
            await cora.wait_for_message(contains="is ready")
            assert confirm.buttons() == []

            # A client that missed the edits still shows the old buttons: they answer truly.
            late_cancel = cora.tap_data(cancel, confirm.message_id)
            said = await answer_text(api, late_cancel)
            assert "already ended" in said and "Nothing was created" not in said
            late_type = cora.tap_data(rural, kind.message_id)
            assert "already ended" in await answer_text(api, late_type)

            with database(tmp_path) as db:
                assert count(db, "SELECT COUNT(*) FROM campaigns") == 1
                assert count(db, "SELECT COUNT(*) FROM campaigns WHERE closed_at IS NULL") == 1
                assert count(db, "SELECT COUNT(*) FROM coordinator_drafts") == 0
            cora.send("/cancel")
            await cora.wait_for_message(contains="nothing to cancel")
            cora.send("/campaigns")
            assert "Riverside County" in (await cora.wait_for_message()).content


async def test_cancel_typed_takes_the_steps_buttons_away_and_a_new_set_up_ignores_old_ones(
    tmp_path: Path,
) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        invite = await new_invite(settings)
        async with running_bot(settings):
            cora = await coordinator(api, invite)
            kind = await to_the_type_step(cora)
            urban = data_of(cora, "kn:type:", ":urban")
            cora.send("/cancel")
            assert "cancelled" in (await cora.wait_for_message()).content
            await cora.wait_for_edit(message_id=kind.message_id)
            assert kind.buttons() == []
            late = cora.tap_data(urban, kind.message_id)
            assert "already ended" in await answer_text(api, late)

            again = await to_the_type_step(cora)
            earlier = cora.tap_data(urban, kind.message_id)
            assert "earlier set-up" in await answer_text(api, earlier)
            with database(tmp_path) as db:
                (draft,) = db.execute("SELECT draft FROM coordinator_drafts").fetchone()
                assert '"step": "type"' in draft and "urban" not in draft
                assert count(db, "SELECT COUNT(*) FROM campaigns") == 0
            assert len(again.buttons()) == 3  # the new set-up's own buttons still work
            await tap_data(cora, "kn:type:", ":suburban")
            assert "Which interview" in (cora.last.content if cora.last else "")


async def test_close_asks_first_and_tells_the_other_coordinators(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        cid = created.campaign.id
        co_invite = await new_invite(settings, cid)
        quiet_invite = await new_invite(settings, cid)
        lead = api.user(950, first_name="Lead", language_code="en")
        co = api.user(951, first_name="Co", language_code="es")
        quiet = api.user(952, first_name="Quiet", language_code="en")
        async with running_bot(settings):
            for person, token in ((lead, created.coordinator_token), (co, co_invite)):
                person.start(token)
                await person.wait_for_message(contains="Riverside County")
            quiet.start(quiet_invite)
            await quiet.wait_for_message(contains="Riverside County")
            quiet.send(f"/mute {cid}")
            await quiet.wait_for_message(contains="no longer get a message")

            lead.send("/campaigns")
            card = await lead.wait_for_message(contains="Riverside County")
            lead.tap(f"kc:{cid}", message_id=card.message_id)
            first = await lead.wait_for_message(contains="Close “Riverside County”?")
            assert "Respondents can no longer start or finish" in first.content
            assert [d for _, d in first.buttons()] == [f"ky:{cid}", f"kk:{cid}"]
            kept = lead.tap(f"kk:{cid}", message_id=first.message_id)
            assert "stays open" in await answer_text(api, kept)
            with database(tmp_path) as db:
                assert count(db, "SELECT COUNT(*) FROM campaigns WHERE closed_at IS NULL") == 1

            lead.tap(f"kc:{cid}", message_id=card.message_id)
            second = await lead.wait_for_message(contains="Close “Riverside County”?")
            lead.tap(f"ky:{cid}", message_id=second.message_id)
            await lead.wait_for_message(contains="is closed")
            told = await co.wait_for_message(contains="Riverside County")
            assert "la ha cerrado" in told.content  # in her language
            assert "was closed by another" in (await quiet.wait_for_message()).content
            late = api.user(8101, first_name="Late", language_code="en")
            late.start(created.campaign.respondent_token)
            assert "closed" in (await late.wait_for_message()).content

            again = lead.tap_data(f"ky:{cid}", first.message_id)  # the first confirmation
            assert "already closed" in await answer_text(api, again)
            co.send("/campaigns")
            co_card = await co.wait_for_message(contains="Riverside County")
            co.tap(f"kq:{cid}", message_id=co_card.message_id)
            await co.wait_for_message(contains="Riverside County")
            lead.send("/campaigns")
            closed_card = await lead.wait_for_message(contains="Riverside County")
            assert "closed" in closed_card.content
            lead.tap(f"ko:{cid}", message_id=closed_card.message_id)
            await lead.wait_for_message(contains="open again")
            gone = co.tap_data(f"ky:{cid}", co_card.message_id)
            assert "no se encontró" in await answer_text(api, gone)  # "not found", in Spanish
            with database(tmp_path) as db:
                assert count(db, "SELECT COUNT(*) FROM campaigns WHERE closed_at IS NULL") == 1
            # Quiet, muted, hears of the reopening; Co, who left, does not. The refused press
            # told nobody: Co was told of the closing once.
            assert "reopened by another" in (await quiet.wait_for_message()).content
            assert not [m for m in co.messages if "vuelto a abrir" in m.content]
            assert len([m for m in co.messages if "la ha cerrado" in m.content]) == 1
