"""Group commit in the dispatcher: several updates share one commit, each in its own
savepoint, so one that fails is set aside alone and the others' answers are kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.channels.telegram.dispatcher import Answered, Dispatcher
from bot.channels.telegram.incoming import Incoming
from bot.privacy import Sealer
from bot.services.effects import Effect
from bot.storage.db import Store
from bot.storage.repos import Repos

SECRET = b"g" * 32


@dataclass
class Router:
    """Writes a mark for each update it handles; fails on `failing` after writing its mark,
    so a mark left behind would show the savepoint did not roll back."""

    failing: int

    async def route(self, tx: Repos, event: Incoming) -> list[Effect]:
        await tx.info.set(f"handled {event.update_id}", "yes")
        if event.update_id == self.failing:
            raise RuntimeError("a bug in one handler")
        return []


@dataclass
class Outbox:
    apologies: list[int] = field(default_factory=list)

    async def put(self, tx: Repos, event: Incoming, effects: list[Effect]) -> str | None:
        if effects:
            self.apologies.append(event.update_id)
        return None


async def test_a_failing_update_in_a_batch_is_set_aside_and_the_others_commit(
    tmp_path: Path,
) -> None:
    sealer = Sealer(SECRET)
    store = await Store.open(tmp_path / "group.db")
    commits: list[list[Answered]] = []
    outbox = Outbox()
    dispatcher = Dispatcher(
        store, Router(failing=2), outbox, sealer, ("en",),  # type: ignore[arg-type]
        on_committed=commits.append,
    )  # fmt: skip
    try:
        async with store.transaction() as tx:
            for update_id in (1, 2, 3):
                event = Incoming(
                    update_id=update_id, chat_id=50 + update_id, kind="callback",
                    callback_id=f"q{update_id}", callback_data="x",
                )  # fmt: skip
                await tx.inbox.add(update_id, f"chat{update_id}", event.seal(sealer))

        assert await dispatcher.drain() == 3

        assert len(commits) == 1, "the three updates share one commit"
        assert [a.callback_id for a in commits[0]] == ["q1", "q2", "q3"]
        assert await store.read.info.get("handled 1") == "yes"
        assert await store.read.info.get("handled 3") == "yes"
        assert await store.read.info.get("handled 2") is None, "its savepoint rolled back"
        assert outbox.apologies == [2], "the respondent whose update failed is told"
        assert await store.read.dead_letters.count() == 1
        assert await store.read.inbox.pending() == []
    finally:
        await store.close()
