"""Volunteers' contacts against a real SQLite file: sealed on disk, gone bytes and all when
deleted (by her receipt code or by a coordinator), one per offer, and nothing that joins
a contact to the response it came with."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from bot.privacy import Sealer, new_receipt_code, receipt_digest
from bot.services import coordinator_texts as ct
from bot.services import texts, volunteers
from bot.services.effects import Reply, Toast
from bot.services.views import Phrase, Say, VolunteerAsk
from bot.storage.db import Store
from bot.storage.records import Campaign
from bot.storage.repos import Repos

SECRET = b"k" * 32
SEALER = Sealer(SECRET)
CONTACT = "Call Maria on +1 415 555 0199 after 6pm, or maria.volunteer@example.org"


def files_holding(folder: Path, needle: bytes) -> list[str]:
    return [p.name for p in folder.iterdir() if p.is_file() and needle in p.read_bytes()]


async def campaign(tx: Repos) -> Campaign:
    return await tx.campaigns.create(name="C", community_type="urban", flow="preassessment")


async def volunteer(tx: Repos, campaign_id: str, code: str, key: str = "key-1") -> str:
    """Her whole path: the offer with her result, her tap, her typed contact."""
    offer_id = await volunteers.offer(tx, SECRET, campaign_id, code, "en")
    (shown,) = await volunteers.ask(tx, key, "en", offer_id)
    assert isinstance(shown, Reply) and isinstance(shown.view, VolunteerAsk)
    found = await tx.volunteers.awaiting(key)
    assert found is not None and found.id == offer_id
    (thanks,) = await volunteers.take(tx, SEALER, found, CONTACT, len(CONTACT))
    assert isinstance(thanks, Reply) and isinstance(thanks.view, Say)
    assert thanks.view.phrases[0].msgid == texts.VOLUNTEER_THANKS
    return offer_id


def sealed_of(tmp_path: Path) -> bytes:
    with sqlite3.connect(tmp_path / "r.db") as db:
        (sealed,) = db.execute("SELECT contact FROM volunteers").fetchone()
    return bytes(sealed)


async def test_a_contact_is_sealed_on_disk_and_erased_with_her_receipt_code(
    tmp_path: Path,
) -> None:
    store = await Store.open(tmp_path / "r.db")
    code = new_receipt_code()
    try:
        async with store.transaction() as tx:
            c = await campaign(tx)
            await volunteer(tx, c.id, code)
        sealed = sealed_of(tmp_path)
        # Not in clear anywhere (database, WAL, shared memory); the sealed bytes are there.
        for part in (CONTACT, "+1 415 555 0199", "maria.volunteer@example.org", "Maria"):
            assert files_holding(tmp_path, part.encode()) == []
        assert files_holding(tmp_path, sealed)
        opened = volunteers.opened(SEALER, await store.read.volunteers.of_campaign(c.id))
        assert [contact for _, contact, _ in opened] == [CONTACT]  # as typed, not redacted
        async with store.transaction() as tx:
            assert await volunteers.erase(tx, SECRET, code)
        leftovers = files_holding(tmp_path, sealed)
        async with store.transaction() as tx:
            assert not await volunteers.erase(tx, SECRET, code)  # once only
    finally:
        await store.close()
    assert leftovers == []


async def test_a_coordinators_deletion_removes_the_sealed_bytes(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "r.db")
    try:
        async with store.transaction() as tx:
            c = await campaign(tx)
            other = await campaign(tx)
            await volunteer(tx, c.id, new_receipt_code())
        sealed = sealed_of(tmp_path)
        (stored,) = await store.read.volunteers.of_campaign(c.id)
        async with store.transaction() as tx:
            # Another campaign's id never reaches it.
            assert not await tx.volunteers.forget(other.id, stored.id)
            effects = await volunteers.forget(tx, "en", c, stored.id)
        assert Toast("en", Phrase(ct.VOLUNTEER_DELETED)) in effects
        leftovers = files_holding(tmp_path, sealed)
        async with store.transaction() as tx:
            again = await volunteers.forget(tx, "en", c, stored.id)
        assert Toast("en", Phrase(ct.VOLUNTEER_GONE)) in again
    finally:
        await store.close()
    assert leftovers == []


async def test_a_second_contact_is_refused_and_other_taps_change_nothing(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "r.db")
    ended = Toast("en", Phrase(texts.VOLUNTEER_ENDED))
    try:
        async with store.transaction() as tx:
            c = await campaign(tx)
            offer_id = await volunteers.offer(tx, SECRET, c.id, new_receipt_code(), "en")
            # Someone else's tap (a forged button) claims nothing.
            await volunteers.ask(tx, "key-1", "en", offer_id)
            assert await volunteers.ask(tx, "key-2", "en", offer_id) == [ended]
            assert await volunteers.cancel(tx, "key-2", "en", offer_id) == [ended]
            assert await tx.volunteers.awaiting("key-2") is None
            # A repeat tap shows the consent again and changes nothing.
            (again,) = await volunteers.ask(tx, "key-1", "en", offer_id)
            assert isinstance(again, Reply) and isinstance(again.view, VolunteerAsk)
            found = await tx.volunteers.awaiting("key-1")
            assert found is not None
            too_long = "x" * (volunteers.MAX_CONTACT + 1)
            (refused,) = await volunteers.take(tx, SEALER, found, too_long, len(too_long))
            assert isinstance(refused, Reply) and isinstance(refused.view, Say)
            assert refused.view.phrases[0].msgid == texts.VOLUNTEER_TOO_LONG
            assert await tx.volunteers.awaiting("key-1") == found  # still waiting for it
            await volunteers.take(tx, SEALER, found, "Ana, 555 0100", 13)
            # The offer is used up: a second contact is refused, not stored over the first.
            assert await tx.volunteers.awaiting("key-1") is None
            assert await volunteers.ask(tx, "key-1", "en", offer_id) == [ended]
            assert len(await tx.volunteers.of_campaign(c.id)) == 1
    finally:
        await store.close()


async def test_no_column_joins_a_contact_to_its_response(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "r.db")
    code = new_receipt_code()
    try:
        async with store.transaction() as tx:
            c = await campaign(tx)
            await tx.responses.store(
                campaign_id=c.id,
                bank="preassessment",
                bank_version=1,
                locale="en",
                answers={"willing": "yes"},
                receipt_digest=receipt_digest(SECRET, code),
                completed_on=date.today(),
            )
            await volunteer(tx, c.id, code)
    finally:
        await store.close()
    with sqlite3.connect(tmp_path / "r.db") as db:
        response = db.execute("SELECT * FROM responses").fetchone()
        contact = db.execute("SELECT * FROM volunteers").fetchone()
        offers = db.execute("SELECT COUNT(*) FROM volunteer_offers").fetchone()[0]
        columns = [row[1] for row in db.execute("PRAGMA table_info(volunteers)")]
    shared = set(contact) & set(response)
    # Only the campaign (whose coordinators see both) and the day: said in docs/privacy.md.
    assert shared <= {c.id, date.today().isoformat()}
    assert receipt_digest(SECRET, code) not in contact
    assert set(columns) == {"id", "campaign_id", "contact", "deletion_digest", "created_on"}
    assert offers == 0  # the offer, which knew her key once she tapped, is gone
