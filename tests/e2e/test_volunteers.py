"""Volunteers for the full assessment, through the real bot and the fake Bot API: a
respondent who answered Yes leaves a way to be contacted after being told what it is for;
only her campaign's coordinators see it, through its own button; her receipt code or a
coordinator deletes it, bytes and all; a "No" and a personal try are never asked."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.test_coordinator_stale import answer_text, count, database
from tests.fakes import FakeBotApi, FakeUser
from tests.helpers.bot_harness import (
    TOKEN,
    answer_everything,
    data_of,
    new_campaign,
    running_bot,
    settings_for,
    tap_data,
)

CONTACT = "Ana, +1 415 555 0199 after 6pm, or ana.volunteer@example.org"
RECEIPT = re.compile(
    r"[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}"
)


async def submitted(user: FakeUser, token: str, *, pick: int = 0) -> str:
    """Answer the whole preassessment (pick 0: Yes to `willing`, 2: No); the receipt code."""
    user.start(token)
    await user.wait_for_message()
    await tap_data(user, "l:", ":en")
    await tap_data(user, "c:", ":yes")
    await answer_everything(user, pick=pick)
    await tap_data(user, "S:")
    found = RECEIPT.search("\n".join(m.content for m in user.messages))
    assert found is not None
    return found.group()


def files_holding(folder: Path, needle: bytes) -> list[str]:
    return [p.name for p in folder.iterdir() if p.is_file() and needle in p.read_bytes()]


async def leave_contact(user: FakeUser, contact: str) -> None:
    user.tap(data_of(user, "V:"))
    asked = await user.wait_for_message(contains="leave a way to contact you")
    for promise in (
        "only to invite you to the full assessment interview",
        "Only the coordinators of this assessment see it",
        "stored apart from your answers and is never joined to them",
        "send /delete followed by your receipt code",
        "The coordinators delete it once they have contacted you",
        "Write only what you are happy to share",
    ):
        assert promise in asked.content, promise
    user.send(contact)
    thanks = await user.wait_for_message(contains="Thank you. Only the coordinators")
    assert contact not in thanks.content  # never echoed back
    assert any("Clear this chat" in label for label, _ in thanks.buttons())


async def test_a_willing_respondents_contact_reaches_only_her_coordinators_until_deleted(
    tmp_path: Path,
) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        other = await new_campaign(settings, name="Lakeside")
        cid = created.campaign.id
        lead = api.user(950, first_name="Lead", language_code="en")
        outsider = api.user(951, first_name="Out", language_code="en")
        ana = api.user(2601, first_name="Ana", language_code="en")
        bob = api.user(2602, first_name="Bob", language_code="en")
        async with running_bot(settings):
            lead.start(created.coordinator_token)
            await lead.wait_for_message(contains="coordinator")
            outsider.start(other.coordinator_token)
            await outsider.wait_for_message(contains="coordinator")
            code = await submitted(ana, created.campaign.respondent_token)
            offer, result = data_of(ana, "V:"), ana.keyboard_message()
            await leave_contact(ana, CONTACT)

            # Sealed: not in the database, its WAL or shared memory, in any form she typed.
            for part in (CONTACT, "+1 415 555 0199", "ana.volunteer@example.org"):
                assert files_holding(tmp_path, part.encode()) == [], part
            with database(tmp_path) as db:
                response = db.execute("SELECT * FROM responses").fetchone()
                contact = db.execute("SELECT * FROM volunteers").fetchone()
                sealed = bytes(db.execute("SELECT contact FROM volunteers").fetchone()[0])
                assert count(db, "SELECT COUNT(*) FROM volunteer_offers") == 0
            # No value links the two rows but the campaign and the day (docs/privacy.md).
            assert set(contact) & set(response) <= {cid, response[5]}

            # A repeat tap, and a second message, leave the one contact as it is.
            again = ana.tap_data(offer, result.message_id)
            assert "This offer has ended" in await answer_text(api, again)
            ana.send("Actually call me at 555 0000")
            await ana.wait_for_message(contains="no interview in progress")

            # The coordinator: nothing of it in the notice or the report, only behind its button.
            lead.send("/campaigns")
            card = await lead.wait_for_message(contains="in progress:")
            assert ("🙋 Volunteers (1)", f"kv:{cid}") in card.buttons()
            assert not [m for m in lead.messages if "ana.volunteer" in m.content]
            lead.tap(f"kv:{cid}", message_id=card.message_id)
            listed = await lead.wait_for_message(contains="Volunteers for the full assessment")
            assert CONTACT in listed.content
            assert "delete each one as soon as you have contacted" in listed.content
            assert [label for label, _ in listed.buttons()] == ["Contacted — delete 1"]

            # Another campaign's coordinator, and a respondent, forging the same button.
            forged = outsider.tap_data(f"kv:{cid}", listed.message_id)
            assert "not found among yours" in await answer_text(api, forged)
            bob.start()
            await bob.wait_for_message()
            by_bob = bob.tap_data(f"kv:{cid}", listed.message_id)
            assert "no longer open" in await answer_text(api, by_bob)
            forged_delete = outsider.tap_data(listed.buttons()[0][1], listed.message_id)
            assert "not found among yours" in await answer_text(api, forged_delete)
            for person in (outsider, bob):
                assert not [m for m in person.messages if "ana.volunteer" in m.content]

            ana.send(f"/delete {code}")
            erased = await ana.wait_for_message(contains="erased")
            assert "answers with that receipt code have been erased" in erased.content
            assert "contact you left for the full assessment interview" in erased.content
            with database(tmp_path) as db:
                assert count(db, "SELECT COUNT(*) FROM volunteers") == 0
            assert files_holding(tmp_path, sealed) == []


async def test_a_coordinator_deletes_a_contact_and_no_one_else_is_asked(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        cid = created.campaign.id
        lead = api.user(952, first_name="Lead", language_code="en")
        cara = api.user(2603, first_name="Cara", language_code="en")
        dan = api.user(2604, first_name="Dan", language_code="en")
        eve = api.user(2605, first_name="Eve", language_code="en")
        async with running_bot(settings):
            lead.start(created.coordinator_token)
            await lead.wait_for_message(contains="coordinator")
            await submitted(cara, created.campaign.respondent_token)
            await leave_contact(cara, "cara@example.org")

            # "No" to `willing`: the result has no such button.
            await submitted(dan, created.campaign.respondent_token, pick=2)
            assert not [d for _, d in dan.buttons() if d and d.startswith("V:")]
            # A personal try, even with Yes: no coordinators, so no offer.
            eve.start()
            await eve.wait_for_message()
            await tap_data(eve, "p:pre")
            await tap_data(eve, "l:", ":en")
            await tap_data(eve, "c:", ":yes")
            await answer_everything(eve)
            await tap_data(eve, "S:")
            assert not [d for _, d in eve.buttons() if d and d.startswith("V:")]
            assert "only to you" in (eve.last.content if eve.last else "")

            with database(tmp_path) as db:
                assert count(db, "SELECT COUNT(*) FROM volunteers") == 1
                assert count(db, "SELECT COUNT(*) FROM volunteer_offers") == 0
                sealed = bytes(db.execute("SELECT contact FROM volunteers").fetchone()[0])
            lead.send("/campaigns")
            card = await lead.wait_for_message(contains="in progress:")
            lead.tap(f"kv:{cid}", message_id=card.message_id)
            listed = await lead.wait_for_message(contains="cara@example.org")
            delete = listed.buttons()[0][1]
            pressed = lead.tap_data(delete, listed.message_id)
            assert await answer_text(api, pressed) == "Deleted."
            await lead.wait_for_edit(message_id=listed.message_id)
            assert "cara@example.org" not in listed.content  # off the coordinator's screen
            await lead.wait_for_message(contains="No one has left a way to be contacted")
            with database(tmp_path) as db:
                assert count(db, "SELECT COUNT(*) FROM volunteers") == 0
            assert files_holding(tmp_path, sealed) == []
            late = lead.tap_data(delete, listed.message_id)
            assert "already deleted" in await answer_text(api, late)
