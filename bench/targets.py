"""The two programs the throughput benchmark measures, as an operator would run them: the
readiness bot (`python -m bot.cli run`) and the documented python-telegram-bot baseline.

Each knows how to prepare a fresh installation, what its respondents open, how much disk
its data takes and which acknowledged answers it still holds after a kill.
"""

from __future__ import annotations

import contextlib
import pickle
import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tests.fakes import FakeBotApi
from tests.reliability.harness import LOG, create_campaign
from tests.reliability.swarm import Respondent
from tests.reliability.verify import normalise, verify


class Target(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def command(self) -> tuple[str, ...]: ...

    @property
    def pruned(self) -> str:
        """What was pruned before `data_bytes` measured."""
        ...

    @property
    def checkout(self) -> Path | None:
        """Run the code of this checkout instead of this one (an earlier commit)."""
        ...

    async def prepare(self, api: FakeBotApi, env: dict[str, str], workdir: Path) -> str:
        """Make the installation ready; returns the start payload respondents open."""
        ...

    def data_bytes(self, database: Path) -> int:
        """Bytes the program keeps, with records it only needs for a while pruned."""
        ...

    def lost(self, database: Path, respondents: Iterable[Respondent]) -> int:
        """Answers a respondent was shown as accepted that the program no longer holds."""
        ...


@dataclass(frozen=True)
class ReadinessBot:
    name: str = "bot"
    command: tuple[str, ...] = ("-m", "bot.cli", "run")
    checkout: Path | None = None
    pruned: str = (
        "handled inbox ids and the ids of messages on screen, which the bot's pruning"
        " forgets after 7 days and 48 hours (delivered outbox rows are deleted when sent)"
    )

    async def prepare(self, api: FakeBotApi, env: dict[str, str], workdir: Path) -> str:
        campaign = await create_campaign(api, env, workdir)
        return campaign.respondent_token

    def data_bytes(self, database: Path) -> int:
        """Used pages once intake and delivery records are pruned, as they are a day later;
        measured on a copy (SQLite's backup API), so the running bot is not disturbed."""
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "copy.db"
            with (
                contextlib.closing(sqlite3.connect(database)) as source,
                contextlib.closing(sqlite3.connect(copy)) as target,
            ):
                source.backup(target)
            return _pruned_size(copy)

    def lost(self, database: Path, respondents: Iterable[Respondent]) -> int:
        return verify(database, respondents, database.parent / LOG).lost


def _pruned_size(database: Path) -> int:
    with contextlib.closing(sqlite3.connect(database)) as db:
        db.execute("DELETE FROM inbox WHERE processed_at IS NOT NULL")
        db.execute("DELETE FROM bot_messages")
        db.commit()
        db.execute("VACUUM")
        pages = int(db.execute("PRAGMA page_count").fetchone()[0])
        size = int(db.execute("PRAGMA page_size").fetchone()[0])
    return pages * size


@dataclass(frozen=True)
class PtbBaseline:
    name: str = "baseline"
    command: tuple[str, ...] = ("-m", "bench.baselines.ptb_conversation")
    checkout: Path | None = None
    pruned: str = "nothing (the pickle holds conversations and user_data only)"

    async def prepare(self, api: FakeBotApi, env: dict[str, str], workdir: Path) -> str:
        return "campaign"  # it runs one interview for whoever writes /start

    def data_bytes(self, database: Path) -> int:
        path = database.with_suffix(".pickle")
        return path.stat().st_size if path.exists() else 0

    def lost(self, database: Path, respondents: Iterable[Respondent]) -> int:
        path = database.with_suffix(".pickle")
        users: dict[int, dict[str, object]] = {}
        if path.exists():
            with path.open("rb") as handle:
                users = pickle.load(handle).get("user_data", {})  # our own file
        missing = 0
        for person in respondents:
            held = users.get(person.user.id, {}).get("answers") or {}
            assert isinstance(held, dict)
            for qid, value in person.delivered.items():
                if normalise(held.get(qid)) != normalise(value):
                    missing += 1
        return missing


TARGETS: tuple[Target, ...] = (ReadinessBot(), PtbBaseline())
