"""`readiness-bot campaign create` as an operator runs it: a separate process, with no token
(console and phone interviews need no bot), with a token Telegram knows (the fake Bot API's
getMe names the bot), and with one it refuses."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.fakes import FakeBotApi
from tests.helpers.bot_harness import TOKEN


@dataclass(frozen=True)
class Ran:
    returncode: int
    out: str
    err: str


def operator_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    # Nothing of the developer's own READINESS_* settings, and no token unless given.
    env = {name: value for name, value in os.environ.items() if not name.startswith("READINESS_")}
    env.update(
        READINESS_DATABASE=str(tmp_path / "readiness.db"),
        READINESS_SECRET_KEY_FILE=str(tmp_path / "readiness.key"),
        **settings,
    )
    return env


async def cli(tmp_path: Path, *args: str, **settings: str) -> Ran:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=operator_env(tmp_path, **settings),
        cwd=tmp_path,  # no developer .env is read from here
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return Ran(process.returncode, out.decode(), err.decode())


def rows(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(tmp_path / "readiness.db") as db:
        return db.execute(sql).fetchall()


CREATE = ("campaign", "create", "--name", "Riverside County", "--community-type", "rural")


async def test_without_a_token_the_campaign_is_made_and_the_console_offered(
    tmp_path: Path,
) -> None:
    ran = await cli(tmp_path, *CREATE)
    assert ran.returncode == 0, ran.err
    ((campaign_id, name, closed),) = rows(tmp_path, "SELECT id, name, closed_at FROM campaigns")
    assert (name, closed) == ("Riverside County", None)
    assert f"Campaign {campaign_id}: Riverside County (rural, preassessment)" in ran.out
    assert f"readiness-bot console --flow preassessment --campaign {campaign_id}" in ran.out
    assert "t.me" not in ran.out
    assert "READINESS_TELEGRAM_TOKEN" in ran.out  # says why there are no links, and how
    assert f"coordinator invite --campaign {campaign_id}" in ran.out
    # No link shows an invite, so none is made to wait in the database.
    assert rows(tmp_path, "SELECT COUNT(*) FROM invites") == [(0,)]

    listed = await cli(tmp_path, "campaign", "list", "--json")
    assert [c["id"] for c in json.loads(listed.out)] == [campaign_id]


async def test_with_a_token_the_links_name_the_bot_telegram_knows(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN, bot_username="riverside_readiness_bot") as api:
        ran = await cli(
            tmp_path,
            *CREATE,
            "--json",
            READINESS_TELEGRAM_TOKEN=TOKEN,
            READINESS_TELEGRAM_API_URL=f"{api.url}/bot",
        )
        assert len(api.calls_to("getMe")) == 1
    assert ran.returncode == 0, ran.err
    created = json.loads(ran.out)
    link = "https://t.me/riverside_readiness_bot?start="
    assert created["respondent_link"].startswith(link)
    assert created["coordinator_link"].startswith(link)
    assert (
        created["console"]
        == f"readiness-bot console --flow preassessment --campaign {created['id']}"
    )
    assert rows(tmp_path, "SELECT COUNT(*) FROM invites") == [(1,)]
    assert created["web_link"] is None  # no READINESS_WEB_URL: no public web page to name


async def test_with_a_web_address_the_json_names_the_web_link(tmp_path: Path) -> None:
    ran = await cli(tmp_path, *CREATE, "--json", READINESS_WEB_URL="https://survey.example.org/")
    assert ran.returncode == 0, ran.err
    created = json.loads(ran.out)
    ((token,),) = rows(tmp_path, "SELECT respondent_token FROM campaigns")
    assert created["web_link"] == f"https://survey.example.org/c/{token}"
    plain = await cli(tmp_path, *CREATE, READINESS_WEB_URL="https://survey.example.org")
    assert "Link for every respondent (browser or Telegram): https://survey.example.org/c/" in (
        plain.out
    )


async def test_a_refused_token_still_makes_the_campaign_and_says_why_no_links(
    tmp_path: Path,
) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        ran = await cli(
            tmp_path,
            *CREATE,
            "--json",
            READINESS_TELEGRAM_TOKEN="999999:a-token-the-fake-bot-api-does-not-know",
            READINESS_TELEGRAM_API_URL=f"{api.url}/bot",
        )
    assert ran.returncode == 0, ran.err
    created = json.loads(ran.out)
    assert created["respondent_link"] is None and created["coordinator_link"] is None
    assert "refused the token" in ran.err
    assert rows(tmp_path, "SELECT id FROM campaigns") == [(created["id"],)]
