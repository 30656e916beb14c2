"""The scoring team's chat screens against a real SQLite file: what each role may see and do,
blinding before hand-in, and refusals that change nothing (forged or stale buttons)."""

from __future__ import annotations

import re
import sqlite3

from bot.channels.telegram.markup import Text
from bot.channels.telegram.presenter import Presenter
from bot.i18n import shipped_locales
from bot.services import workbench
from bot.services.coordinator import Desk, Links, TeamPress
from bot.services.effects import Effects, Redraw, Reply, Toast
from bot.services.respondent import Respondents, Who
from bot.services.staff import Actor, StaffDesk
from bot.services.submission import Submitter
from bot.storage.db import Store
from questions.loader import default_library
from questions.schema import DIMENSION_IDS
from tests.integration.test_workbench import (
    ANA,
    BEN,
    COORDINATOR,
    RITA,
    STRANGER,
    full_assessment,
    labels,
    store,
)

__all__ = ["store"]  # the fixture, shared with the workbench's tests
LIBRARY = default_library()
SECRET = b"k" * 32


def desk() -> StaffDesk:
    respondents = Respondents(LIBRARY, SECRET, Submitter(SECRET), shipped_locales())
    return StaffDesk(LIBRARY, respondents)


def shown(effects: Effects) -> str:
    """Everything the effects put on screen, as the Telegram presenter renders it."""
    presenter = Presenter(LIBRARY)
    parts = []
    for effect in effects:
        match effect:
            case Reply(view=view) | Redraw(view=view):
                for rendered in presenter.render(view):
                    assert isinstance(rendered, Text)
                    parts.append(rendered.text)
                    parts += [label for row in rendered.buttons for label, _ in row]
            case Toast(phrase=phrase):
                parts.append("TOAST " + phrase.msgid)
    return "\n".join(parts)


async def score(store: Store, who: int, campaign_id: str, label: str, value: str) -> str:
    team = desk()
    seen = []
    async with store.transaction() as tx:
        seen.append(shown(await team.open_interview(tx, who, campaign_id, label)))
        for dimension in DIMENSION_IDS:
            effects = await team.score(tx, who, campaign_id, label, dimension, value)
            seen.append(shown(effects))
        seen.append(shown(await team.hand_in(tx, who, campaign_id, label)))
    return "\n".join(seen)


async def test_a_scorer_sees_no_other_scores_until_she_has_handed_in_every_interview(
    store: Store,
) -> None:
    campaign_id = await full_assessment(store, interviews=2)
    first, second = await labels(store, campaign_id)
    for label in (first, second):
        await score(store, ANA, campaign_id, label, "7.5")
    team = desk()
    seen = await score(store, BEN, campaign_id, first, "2")
    async with store.transaction() as tx:
        seen += shown(await team.home(tx, BEN, "en"))
        early = shown(await team.agreement(tx, BEN, campaign_id, first))
    assert not re.search(r"\bAna\b", seen)
    assert early.startswith("TOAST Hand in your scores of every interview first")
    seen_after = await score(store, BEN, campaign_id, second, "2")
    async with store.transaction() as tx:
        sheet = shown(await team.agreement(tx, BEN, campaign_id, first))
    assert "Ana 7.5" in sheet and "Ben 2" in sheet and "⚠️" in sheet
    assert not re.search(r"\bAna\b", seen_after.split("is handed in")[0])


async def test_each_role_may_do_only_its_own_steps(store: Store) -> None:
    campaign_id = await full_assessment(store, interviews=1)
    (label,) = await labels(store, campaign_id)
    team = desk()
    async with store.transaction() as tx:
        refused = [
            shown(await team.score(tx, RITA, campaign_id, label, "A", "4")),
            shown(await team.open_interview(tx, STRANGER, campaign_id, label)),
            shown(await team.ask_comment(tx, ANA, campaign_id, "all")),
            shown(await team.review_interview(tx, COORDINATOR, campaign_id, label)),
            shown(await team.start_interview(tx, Actor(ANA, Who("ana")), campaign_id)),
        ]
    assert all(text.startswith("TOAST There is no such assessment") for text in refused), refused
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM scores").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM sessions").fetchone() == (0,)


async def test_forged_and_stale_presses_change_nothing(store: Store) -> None:
    campaign_id = await full_assessment(store, interviews=1)
    (label,) = await labels(store, campaign_id)
    await score(store, ANA, campaign_id, label, "4")
    team = desk()
    async with store.transaction() as tx:
        after = shown(await team.score(tx, ANA, campaign_id, label, "B", "9"))
        unknown = shown(await team.open_interview(tx, ANA, campaign_id, "XXXX"))
        dimension = shown(await team.show_dimension(tx, ANA, campaign_id, label, "H"))
        again = shown(await team.hand_in(tx, ANA, campaign_id, label))
    assert after.startswith("TOAST You have already handed in")
    assert unknown.startswith("TOAST There is no interview")
    assert dimension.startswith("TOAST Choose one of the seven dimensions")
    assert again.startswith("TOAST You have already handed in")
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT DISTINCT score FROM scores").fetchall() == [("4.0",)]


async def test_a_reviewers_comment_is_typed_once_asked_for_and_cancel_keeps_none(
    store: Store,
) -> None:
    campaign_id = await full_assessment(store, interviews=1)
    team = desk()
    async with store.transaction() as tx:
        await team.ask_comment(tx, RITA, campaign_id, "D")
        member = await team.awaiting(tx, RITA)
        assert member is not None
        await team.cancel_comment(tx, member)
        assert await team.awaiting(tx, RITA) is None
        await team.ask_comment(tx, RITA, campaign_id, "D")
        member = await team.awaiting(tx, RITA)
        assert member is not None
        too_long = shown(await team.typed(tx, member, "x" * 5000, 5000))
        saved = shown(await team.typed(tx, member, "Leadership reads high.", 22))
    assert "under 4000 characters" in too_long
    assert "comment is saved" in saved
    with sqlite3.connect(store.path) as db:
        rows = db.execute("SELECT role, dimension, body FROM score_comments").fetchall()
    assert rows == [("reviewer", "D", "Leadership reads high.")]


async def test_a_coordinator_who_also_scores_sees_no_report_before_she_has_handed_in(
    store: Store,
) -> None:
    campaign_id = await full_assessment(store, interviews=1)
    (label,) = await labels(store, campaign_id)
    async with store.transaction() as tx:
        await tx.staff.add(campaign_id, "scorer", "Cora", telegram_id=COORDINATOR)
    await score(store, ANA, campaign_id, label, "6")
    coordinator = Desk(shipped_locales(), Links("readiness_bot"))
    async with store.transaction() as tx:
        report = shown(
            await coordinator.campaign_button(tx, COORDINATOR, "en", "x", campaign_id, "")
        )
    assert "open for you once you have handed in every interview" in report


async def test_a_removed_member_loses_access_and_her_scores_stop_counting(store: Store) -> None:
    campaign_id = await full_assessment(store, interviews=1)
    (label,) = await labels(store, campaign_id)
    await score(store, BEN, campaign_id, label, "3")
    coordinator = Desk(shipped_locales(), Links("readiness_bot"))
    async with store.transaction() as tx:
        ben = await tx.staff.member(campaign_id, "scorer", BEN)
        assert ben is not None
        asked = shown(
            await coordinator.team_button(tx, COORDINATOR, "en", press(campaign_id, ben.id))
        )
        stranger = shown(
            await coordinator.team_button(tx, STRANGER, "en", press(campaign_id, ben.id, True))
        )
        assert (await tx.staff.member(campaign_id, "scorer", BEN)) is not None
        done = shown(
            await coordinator.team_button(tx, COORDINATOR, "en", press(campaign_id, ben.id, True))
        )
        after = shown(await desk().open_interview(tx, BEN, campaign_id, label))
    assert "Remove Ben (scorer)" in asked and "✖ Remove" in asked
    assert stranger.startswith("TOAST That assessment was not found")
    assert "The team of" in done and "✖ Ben" not in done
    assert after.startswith("TOAST There is no such assessment")
    book = await workbench.workbook(store.read, campaign_id)
    assert book is not None and [s.name for s in book.scorers] == ["Ana"]
    assert "Ben" not in book.submitted


def press(campaign_id: str, staff_id: str, confirmed: bool = False) -> TeamPress:
    return TeamPress(campaign_id, member=staff_id, confirmed=confirmed)


async def test_her_list_counts_the_dimensions_she_has_scored(store: Store) -> None:
    campaign_id = await full_assessment(store, interviews=2)
    first, second = await labels(store, campaign_id)
    team = desk()
    async with store.transaction() as tx:
        for dimension in "ABC":
            await team.score(tx, ANA, campaign_id, first, dimension, "4")
        card = shown(await team.home(tx, ANA, "en"))
    assert f"{first}: scored 3 of 7" in card and f"{second}: scored 0 of 7" in card
