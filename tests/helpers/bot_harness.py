"""Runs the real bot (Application + loops) against the fake Bot API, and answers like a person."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.channels.telegram.app import TelegramBot, serve
from bot.flows import rating
from bot.services.coordinator import CreatedCampaign, create_campaign, invite_digest
from bot.settings import Settings
from bot.storage.clock import new_token
from bot.storage.db import Store
from tests.fakes import FakeBotApi, FakeUser
from tests.helpers.rating import truthful_reply

Screen = tuple[int, str, tuple[tuple[str, str | None], ...]] | None
"""A bot message as the respondent sees it: id, text and buttons."""

TOKEN = "424242:TEST-token-for-the-fake-bot-api"


def settings_for(api: FakeBotApi, tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "telegram_token": SecretStr(TOKEN),
        "telegram_api_url": f"{api.url}/bot",
        "database": tmp_path / "readiness.db",
        "reminder_after": timedelta(0),
        # The next question follows a typed answer at once, unless a test holds it back.
        "answer_pause": timedelta(0),
        # Simulated respondents answer faster than a person could: Telegram's pace for one
        # chat would only slow every scenario down (tests/e2e/test_pacing.py tests it).
        "telegram_chat_rate": 0,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


@dataclass
class RunningBot:
    settings: Settings
    stop: asyncio.Event
    task: asyncio.Task[None]
    ready: asyncio.Future[TelegramBot]

    async def parts(self) -> TelegramBot:
        """The bot's parts once it runs (its store, sender, ...), for fault injection."""
        return await asyncio.wait_for(asyncio.shield(self.ready), 15)


@contextlib.asynccontextmanager
async def running_bot(settings: Settings, **serve_options: Any) -> AsyncIterator[RunningBot]:
    stop = asyncio.Event()
    ready: asyncio.Future[TelegramBot] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve(settings, stop=stop, ready=ready.set_result, **serve_options))
    try:
        yield RunningBot(settings, stop, task, ready)
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


async def new_campaign(
    settings: Settings,
    *,
    name: str = "Riverside County",
    community_type: str = "rural",
    flow: str = "preassessment",
) -> CreatedCampaign:
    store = await Store.open(settings.database)
    try:
        async with store.transaction() as tx:
            return await create_campaign(tx, name=name, community_type=community_type, flow=flow)
    finally:
        await store.close()


def data_of(user: FakeUser, prefix: str, suffix: str = "") -> str:
    for _, data in user.buttons():
        if data and data.startswith(prefix) and data.endswith(suffix):
            return data
    raise AssertionError(f"no button {prefix}…{suffix} in {user.buttons()}")


async def tap_data(user: FakeUser, prefix: str, suffix: str = "") -> None:
    data = data_of(user, prefix, suffix)
    label = next(text for text, d in user.buttons() if d == data)
    user.tap(data)
    del label
    await settle(user)


async def settle(user: FakeUser, timeout: float = 10.0) -> None:
    """Wait until the bot has answered the last update (a new message or edit arrived)."""
    await user.wait_for_message(timeout=timeout)


async def settle_on_buttons(user: FakeUser, timeout: float = 10.0) -> None:
    """Wait for the answer and for the messages that come with it, up to the one with
    buttons (info messages need no tap, so they arrive before the next question)."""
    await user.wait_for_answer(timeout)
    await buttons_shown(user, timeout)


async def buttons_shown(user: FakeUser, timeout: float = 10.0) -> None:
    """Wait until the bot's latest message has buttons."""
    while user.last is not None and not user.last.buttons():
        await user.wait_for_message(timeout=timeout)


async def to_consent(user: FakeUser, token: str, language: str = "en") -> None:
    """Open the campaign link and choose the language: the privacy screen is shown."""
    user.start(token)
    await settle(user)
    await tap_data(user, "l:", f":{language}")


async def to_first_text_question(user: FakeUser, token: str) -> None:
    """Open the campaign link, choose English, agree, and read on to the first typed answer."""
    await to_consent(user, token)
    await tap_data(user, "c:", ":yes")
    while "Type your answer" not in (user.last.content if user.last else ""):
        await tap_data(user, "n:")


def rating_tap(buttons: list[str], score: Fraction) -> str | None:
    """On a self-rating screen, the button a truthful respondent with `score` taps."""
    answers = [d for d in buttons if d.startswith("a:")]
    if not any(d.endswith((":full4", ":unsure")) for d in answers):
        return None
    back = next((d for d in buttons if d.startswith("b:")), "")
    marker = back.split(":")[3:]  # b:<session>:<question>[:<screen>]
    screen = marker[0] if marker and marker[0] in rating.SCREENS else None
    reply = truthful_reply(screen, score)
    return next(d for d in answers if d.endswith(f":{reply}"))


async def answer_everything(
    user: FakeUser,
    *,
    text: str = "Some programmes exist.",
    pick: int = 0,
    level: int | Fraction = 4,
) -> int:
    """Answer question after question until the review screen, the way a respondent would:
    the pick-th option of each choice, and `level` as the truthful self-rating. Returns how
    many taps and messages that took."""
    await buttons_shown(user)
    for taken in range(300):
        buttons = [d for _, d in user.buttons() if d]
        if any(d.startswith("S:") for d in buttons):
            return taken
        before = screen_of(user)
        continues = [d for d in buttons if d.startswith("n:")]
        answers = [d for d in buttons if d.startswith("a:")]
        rated = rating_tap(buttons, Fraction(level))
        if continues:
            user.tap(continues[0])
        elif rated is not None:
            user.tap(rated)
        elif answers:
            user.tap(answers[min(pick, len(answers) - 1)])
        else:
            user.send(text)
        await next_screen(user, before)
    raise AssertionError("the interview did not reach the review screen")


def screen_of(user: FakeUser) -> Screen:
    """What the chat's latest bot message shows, to tell when the next screen has come."""
    last = user.last
    return None if last is None else (last.message_id, last.content, tuple(last.buttons()))


async def next_screen(user: FakeUser, before: Screen, timeout: float = 10.0) -> None:
    """Wait for the screen after `before`: a new message, or that one redrawn (a rating
    step), with buttons; everything until then counts as seen."""

    def changed() -> bool:
        return screen_of(user) != before and _has_buttons(user)

    await user.api.wait_until(changed, timeout)
    await user.wait_for_answer(timeout)


def _has_buttons(user: FakeUser) -> bool:
    return user.last is not None and bool(user.last.buttons())


async def new_invite(settings: Settings, campaign_id: str | None = None) -> str:
    """A one-time coordinator link token, as `readiness-bot coordinator invite` makes."""
    store = await Store.open(settings.database)
    try:
        token = new_token()
        async with store.transaction() as tx:
            await tx.invites.create(invite_digest(token), campaign_id)
        return token
    finally:
        await store.close()


async def describe_community(coordinator: FakeUser, flow: str) -> None:
    """/new up to the languages step: Riverside County, its description and organisation,
    rural, and the flow by its button code ("pre", "cap", "full")."""
    coordinator.send("/new")
    await coordinator.wait_for_message(contains="community's name")
    coordinator.send("Riverside County")
    await settle(coordinator)
    coordinator.send("Riverside County, its schools, clinics and shelters")
    await coordinator.wait_for_message(contains="Which organisation")
    coordinator.send("The Riverside anti-trafficking task force")
    await settle(coordinator)
    await tap_data(coordinator, "kn:type:", "rural")
    await tap_data(coordinator, "kn:flow:", flow)
