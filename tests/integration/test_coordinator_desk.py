"""The coordinator's desk against a real database: a set-up's stale buttons, and closing a
campaign (asked first, other coordinators told, late presses changing nothing)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services import coordinator_texts as ct
from bot.services.coordinator import SETUP, Desk, Links, SetupButton
from bot.services.effects import Effect, Notify, Reply, Settle, Toast, Unbutton
from bot.services.views import CampaignStatus, CloseConfirm, Say, SetupStep
from bot.storage.db import Store
from bot.storage.records import Campaign

LEAD, CO, MUTED, STRANGER = 100, 200, 300, 400


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(tmp_path / "desk.db")
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
def desk() -> Desk:
    return Desk(("en", "es"), Links("readiness_test_bot"))


async def draft_of(store: Store, telegram_id: int = LEAD) -> dict[str, object] | None:
    stored = await store.read.coordinators.get_draft(telegram_id)
    return None if stored is None else json.loads(stored)


def toast_of(effects: list[Effect]) -> str:
    (toast,) = [e for e in effects if isinstance(e, Toast)]
    return toast.phrase.msgid


def said(effects: list[Effect]) -> list[str]:
    return [
        p.msgid
        for e in effects
        if isinstance(e, Reply) and isinstance(e.view, Say)
        for p in e.view.phrases
    ]


async def set_up_to(store: Store, desk: Desk, step: str) -> str:
    """/new, answered up to `step`; returns the draft's id."""
    answers = [
        ("name", "Riverside County"),
        ("description", "Its schools"),
        ("organisation", "Task force"),
    ]
    async with store.transaction() as tx:
        await tx.coordinators.add(LEAD, None, "en")
        await desk.command(tx, LEAD, "en", "new", "")
        for typed, text in answers:
            if typed == step:
                break
            await desk.draft_text(tx, LEAD, "en", text, len(text))
    draft = await draft_of(store)
    assert draft is not None
    taps = {"type": "rural", "flow": "preassessment", "languages": "done"}
    for tapped, value in taps.items():
        if draft["step"] == step:
            break
        async with store.transaction() as tx:
            await desk.draft_button(tx, LEAD, "en", SetupButton(tapped, value, str(draft["id"])))
        draft = await draft_of(store)
        assert draft is not None
    assert draft["step"] == step
    return str(draft["id"])


async def press(store: Store, desk: Desk, button: SetupButton) -> list[Effect]:
    async with store.transaction() as tx:
        return await desk.draft_button(tx, LEAD, "en", button)


# --- the set-up's stale buttons --------------------------------------------------------------


async def test_after_create_the_old_buttons_say_the_set_up_has_ended(
    store: Store, desk: Desk
) -> None:
    draft_id = await set_up_to(store, desk, "confirm")
    created = await press(store, desk, SetupButton("confirm", "yes", draft_id))
    assert isinstance(created[0], Settle)  # the tapped confirmation loses its buttons
    campaigns = await store.read.campaigns.all()
    assert [c.name for c in campaigns] == ["Riverside County"]

    for late in (
        SetupButton("confirm", "no", draft_id),
        SetupButton("type", "urban", draft_id),
        SetupButton("confirm", "no"),  # as shown before set-ups had ids
    ):
        effects = await press(store, desk, late)
        assert len(effects) == 1 and toast_of(effects) == ct.SETUP_ENDED
    assert await store.read.campaigns.all() == campaigns
    assert await draft_of(store) is None


async def test_a_step_already_answered_is_refused_kindly_and_changes_nothing(
    store: Store, desk: Desk
) -> None:
    draft_id = await set_up_to(store, desk, "languages")
    before = await draft_of(store)
    for earlier in (
        SetupButton("type", "urban", draft_id),
        SetupButton("description", "skip", draft_id),
        SetupButton("confirm", "yes", draft_id),
    ):
        assert toast_of(await press(store, desk, earlier)) == ct.SETUP_NOT_CURRENT
    assert await draft_of(store) == before
    assert await store.read.campaigns.all() == []


async def test_a_button_of_an_earlier_set_up_does_not_act_on_the_new_one(
    store: Store, desk: Desk
) -> None:
    old_id = await set_up_to(store, desk, "type")
    async with store.transaction() as tx:
        restarted = await desk.command(tx, LEAD, "en", "new", "")
    assert restarted[0] == Unbutton(SETUP)  # the replaced set-up's buttons go
    new_id = await set_up_to_type_again(store, desk)
    assert new_id != old_id
    assert toast_of(await press(store, desk, SetupButton("type", "urban", old_id))) == (
        ct.SETUP_EARLIER
    )
    draft = await draft_of(store)
    assert draft is not None and draft["step"] == "type" and "type" not in draft


async def set_up_to_type_again(store: Store, desk: Desk) -> str:
    async with store.transaction() as tx:
        for text in ("Hill Valley", "A valley"):
            await desk.draft_text(tx, LEAD, "en", text, len(text))
        await desk.draft_text(tx, LEAD, "en", "Board", 5)
    draft = await draft_of(store)
    assert draft is not None
    return str(draft["id"])


async def test_buttons_from_before_set_ups_had_ids_go_by_their_step(
    store: Store, desk: Desk
) -> None:
    await set_up_to(store, desk, "type")
    effects = await press(store, desk, SetupButton("type", "urban"))
    assert isinstance(effects[0], Settle)
    draft = await draft_of(store)
    assert draft is not None and draft["type"] == "urban" and draft["step"] == "flow"


async def test_each_step_is_the_set_ups_newest_message_and_typing_past_one_unbuttons_it(
    store: Store, desk: Desk
) -> None:
    await set_up_to(store, desk, "description")
    async with store.transaction() as tx:
        typed = await desk.draft_text(tx, LEAD, "en", "Its schools", 11)
    assert typed[0] == Unbutton(SETUP)
    assert isinstance(typed[1], Reply) and isinstance(typed[1].view, SetupStep)
    assert typed[1].slot == SETUP


async def test_cancel_typed_ends_the_set_up_and_its_buttons(store: Store, desk: Desk) -> None:
    draft_id = await set_up_to(store, desk, "flow")
    async with store.transaction() as tx:
        cancelled = await desk.command(tx, LEAD, "en", "cancel", "")
    assert cancelled[0] == Unbutton(SETUP)
    assert said(cancelled) == [ct.NEW_CANCELLED]
    assert toast_of(await press(store, desk, SetupButton("flow", "preassessment", draft_id))) == (
        ct.SETUP_ENDED
    )


async def test_cancel_with_no_set_up_does_not_claim_nothing_was_created(
    store: Store, desk: Desk
) -> None:
    draft_id = await set_up_to(store, desk, "confirm")
    await press(store, desk, SetupButton("confirm", "yes", draft_id))
    async with store.transaction() as tx:
        cancelled = await desk.command(tx, LEAD, "en", "cancel", "")
    assert said(cancelled) == [ct.NOTHING_TO_CANCEL]
    assert len(await store.read.campaigns.all()) == 1


async def test_typing_at_a_button_step_asks_for_the_buttons(store: Store, desk: Desk) -> None:
    await set_up_to(store, desk, "type")
    async with store.transaction() as tx:
        typed = await desk.draft_text(tx, LEAD, "en", "rural", 5)
    assert said(typed) == [ct.NEW_BUTTON_EXPECTED]


# --- closing ---------------------------------------------------------------------------------


@pytest.fixture
async def campaign(store: Store) -> Campaign:
    async with store.transaction() as tx:
        created = await tx.campaigns.create(
            name="Lakeside", community_type="rural", flow="preassessment"
        )
        for coordinator in (LEAD, CO, MUTED):
            await tx.coordinators.add(coordinator, created.id, "es" if coordinator == CO else "en")
        await tx.coordinators.set_muted(created.id, MUTED, muted=True)
        await tx.coordinators.add(STRANGER, None, "en")
    return created


async def act(store: Store, desk: Desk, who: int, action: str, campaign_id: str) -> list[Effect]:
    async with store.transaction() as tx:
        return await desk.campaign_button(tx, who, "en", action, campaign_id, "")


async def is_open(store: Store, campaign_id: str) -> bool:
    found = await store.read.campaigns.by_id(campaign_id)
    assert found is not None
    return found.is_open


async def test_close_asks_first_with_the_counts(
    store: Store, desk: Desk, campaign: Campaign
) -> None:
    asked = await act(store, desk, LEAD, "c", campaign.id)
    assert asked == [Reply(CloseConfirm("en", campaign.id, "Lakeside", 0, 0))]
    assert await is_open(store, campaign.id)


async def test_the_confirmation_closes_and_tells_every_other_coordinator(
    store: Store, desk: Desk, campaign: Campaign
) -> None:
    closed = await act(store, desk, LEAD, "y", campaign.id)
    assert not await is_open(store, campaign.id)
    assert isinstance(closed[0], Settle)
    assert said(closed) == [ct.CLOSED_NOW]
    notices = [e for e in closed if isinstance(e, Notify)]
    # Muting silences the per-response messages only: the muted coordinator is told too.
    assert notices == [
        Notify(CO, CampaignStatus(locale="es", campaign="Lakeside", closed=True)),
        Notify(MUTED, CampaignStatus(locale="en", campaign="Lakeside", closed=True)),
    ]


async def test_late_presses_on_a_closed_campaign_change_nothing(
    store: Store, desk: Desk, campaign: Campaign
) -> None:
    await act(store, desk, CO, "y", campaign.id)
    for action in "cyk":
        late = await act(store, desk, LEAD, action, campaign.id)
        assert toast_of(late) == ct.ALREADY_CLOSED
        assert not [e for e in late if isinstance(e, Notify | Settle)]
    assert not await is_open(store, campaign.id)


async def test_keep_open_keeps_it_open(store: Store, desk: Desk, campaign: Campaign) -> None:
    kept = await act(store, desk, LEAD, "k", campaign.id)
    assert toast_of(kept) == ct.KEPT_OPEN
    assert await is_open(store, campaign.id)


async def test_reopening_tells_the_others_and_a_second_reopen_changes_nothing(
    store: Store, desk: Desk, campaign: Campaign
) -> None:
    await act(store, desk, LEAD, "y", campaign.id)
    reopened = await act(store, desk, MUTED, "o", campaign.id)
    assert await is_open(store, campaign.id)
    assert [e.telegram_id for e in reopened if isinstance(e, Notify)] == [LEAD, CO]
    again = await act(store, desk, MUTED, "o", campaign.id)
    assert toast_of(again) == ct.ALREADY_OPEN


async def test_without_access_the_confirmation_looks_like_a_missing_campaign(
    store: Store, desk: Desk, campaign: Campaign
) -> None:
    async with store.transaction() as tx:
        await tx.coordinators.remove(CO, campaign.id)
    for who in (CO, STRANGER):
        for action in "cyk":
            assert toast_of(await act(store, desk, who, action, campaign.id)) == ct.NOT_FOUND
    assert await is_open(store, campaign.id)
