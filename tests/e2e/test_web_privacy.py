"""What a web respondent is and types stays out of every file: the real process serves her, and
the database, its WAL and the process's log are read byte by byte afterwards.

Her client address (a distinctive loopback one, and one a proxy forwards), her browser's user
agent, the contact details she types and her resume code are searched for; so is her answer's
own marker, as the control that the search finds what is there."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from tests.helpers.bot_harness import new_campaign
from tests.helpers.web_browser import Browser, answer_all
from tests.helpers.web_harness import free_port, resume_code, web_settings

pytestmark = pytest.mark.e2e
CLIENT = "127.0.0.77"
FORWARDED = "203.0.113.77"
AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel-Zeta-4471) Mobile Safari/537.36"
EMAIL = "zephyrine.okafor@example.org"
PHONE = "(415) 678-5519"
MARKER = "Quillwort-marker-8841"


def files_of(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}


async def test_no_address_agent_contact_or_code_in_any_file(tmp_path: Path) -> None:
    settings = web_settings(tmp_path)
    created = await new_campaign(settings)
    port = free_port()
    log = tmp_path / "process.log"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "READINESS_DATABASE": str(settings.database),
        "READINESS_WEB_TRUST_PROXY": "true",
    }
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", "--port", str(port),
            env=env, stdout=out, stderr=out, cwd=tmp_path,
        )  # fmt: skip
        try:
            await _until_listening(port)
            browser = Browser(f"http://127.0.0.1:{port}")
            await browser.session.close()
            browser.session = aiohttp.ClientSession(
                cookie_jar=aiohttp.CookieJar(unsafe=True),
                connector=aiohttp.TCPConnector(local_addr=(CLIENT, 0)),
                headers={"User-Agent": AGENT, "X-Forwarded-For": FORWARDED},
            )
            async with browser:
                token = created.campaign.respondent_token
                await browser.get(f"/c/{token}")
                code = resume_code((await browser.submit(f"/c/{token}")).text)
                words = f"{MARKER}: write to {EMAIL} or call {PHONE}."
                await answer_all(browser, words=words)
                await browser.get("/resume")
                await browser.submit("/resume", {"code": code})  # a lookup, in no file
        finally:
            process.send_signal(signal.SIGINT)
            assert await asyncio.wait_for(process.wait(), 20) == 0
    kept = files_of(tmp_path)
    assert any(name.startswith("readiness.db") for name in kept)
    everything = b"".join(kept.values())
    assert MARKER.encode() in everything, "control: the search finds her answer"
    for needle in (CLIENT, FORWARDED, AGENT, "Pixel-Zeta-4471", EMAIL, "678-5519", code):
        for name, content in kept.items():
            assert needle.encode() not in content, f"{needle!r} is in {name}"


async def _until_listening(port: int) -> None:
    for _ in range(100):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError("the web channel did not start")
