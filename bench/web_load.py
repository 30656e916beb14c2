"""Load on the web channel: many respondents in browsers at once, against the real process.

`python -m bench.web_load [--respondents 500]` starts `readiness-bot run` without a token on
a free port, lets that many simulated respondents (JavaScript off, as `tests/helpers/
web_browser.py` is) open one campaign's link and complete the preassessment all at once, each
typing answers that carry its own marker, then reads the database: every response must hold
its own respondent's words and nobody else's. It prints answers/s, page latency percentiles
and errors; figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.document import machine
from bot.storage.db import Store
from tests.helpers.bot_harness import new_campaign
from tests.helpers.web_browser import Browser
from tests.helpers.web_harness import free_port, web_settings


@dataclass
class Timings:
    pages: list[float] = field(default_factory=list)
    answers: int = 0
    errors: list[str] = field(default_factory=list)


class TimedBrowser(Browser):
    """A Browser that times every request and counts what is not a page of the interview."""

    def __init__(self, base: str, timings: Timings) -> None:
        super().__init__(base)
        self.timings = timings

    async def _read(self, response: aiohttp.ClientResponse):  # type: ignore[no-untyped-def]
        page = await super()._read(response)
        if page.status >= 400:
            self.timings.errors.append(f"{page.status} {page.url}")
        return page

    async def get(self, path: str):  # type: ignore[no-untyped-def]
        began = time.perf_counter()
        try:
            return await super().get(path)
        finally:
            self.timings.pages.append(time.perf_counter() - began)

    async def post(self, path: str, data: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
        began = time.perf_counter()
        try:
            return await super().post(path, data)
        finally:
            self.timings.pages.append(time.perf_counter() - began)


async def respondent(base: str, token: str, number: int, timings: Timings) -> None:
    marker = f"respondent-{number:04d}-words"
    # Each phone its own address (127.0.x.y): as many people answering, not one guessing codes.
    local = f"127.0.{1 + number // 250}.{1 + number % 250}"
    connector = aiohttp.TCPConnector(limit=1, local_addr=(local, 0))
    async with TimedBrowser(base, timings) as browser:
        await browser.session.close()
        browser.session = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True), connector=connector
        )
        await browser.get(f"/c/{token}")
        page = await browser.submit(f"/c/{token}")
        for _ in range(200):
            kind = page.kind
            if kind == "result":
                return
            if kind == "consent":
                page = await browser.press("action", "agree")
            elif kind == "text":
                page = await browser.press("action", "answer", text=marker)
                timings.answers += 1
            elif kind == "info":
                page = await browser.press("action", "continue")
            elif kind == "choice":
                page = await browser.press("value", page.choices()[0])
                timings.answers += 1
            elif kind == "review":
                page = await browser.press("action", "submit")
            else:
                timings.errors.append(f"respondent {number}: unexpected page {page.url}")
                return
        timings.errors.append(f"respondent {number}: did not finish")


async def run(respondents: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as directory:
        settings = web_settings(Path(directory))
        created = await new_campaign(settings)
        port = free_port()
        env = {**os.environ, "READINESS_DATABASE": str(settings.database)}
        env = {k: v for k, v in env.items() if k != "READINESS_TELEGRAM_TOKEN"}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", "--port", str(port),
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            await _until_listening(port)
            if os.environ.get("BENCH_PROFILE"):
                await asyncio.create_subprocess_exec(
                    "py-spy", "record", "-p", str(process.pid), "-d", "15", "-f", "raw",
                    "-o", os.environ["BENCH_PROFILE"], stdout=asyncio.subprocess.DEVNULL,
                )  # fmt: skip
            timings = Timings()
            base = f"http://127.0.0.1:{port}"
            began = time.perf_counter()
            token = created.campaign.respondent_token
            await asyncio.gather(*(respondent(base, token, n, timings) for n in range(respondents)))
            elapsed = time.perf_counter() - began
            server_cpu = _cpu_seconds(process.pid)
        finally:
            process.send_signal(signal.SIGINT)
            await process.wait()
        mixed = await _mixed_up(settings.database, created.campaign.id, respondents)
    pages = sorted(timings.pages)
    return {
        "respondents": respondents,
        "seconds": elapsed,
        "answers": timings.answers,
        "answers_per_second": timings.answers / elapsed,
        "pages": len(pages),
        "page_p50_ms": 1000 * statistics.median(pages),
        "page_p99_ms": 1000 * pages[int(0.99 * (len(pages) - 1))],
        "errors": len(timings.errors),
        "responses_wrong": mixed,
        "server_cpu_ms_per_page": 1000 * server_cpu / max(1, len(pages)),
    }


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _mixed_up(database: Path, campaign_id: str, expected: int) -> int:
    """Responses missing, or holding words that are not all one respondent's."""
    store = await Store.open(database)
    try:
        responses = await store.read.responses.of_campaign(campaign_id)
    finally:
        await store.close()
    wrong = abs(expected - len(responses))
    for response in responses:
        words = {v for v in response.answers.values() if isinstance(v, str) and "-words" in v}
        wrong += len(words) != 1
    return wrong


async def _until_listening(port: int) -> None:
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise RuntimeError("the web channel did not start")


def report(figures: dict[str, float]) -> None:
    print(
        f"web channel, {figures['respondents']:.0f} concurrent respondents, real process: "
        f"{figures['answers']:.0f} answers in {figures['seconds']:.1f} s = "
        f"{figures['answers_per_second']:.0f} answers/s; {figures['pages']:.0f} pages, "
        f"p50 {figures['page_p50_ms']:.0f} ms, p99 {figures['page_p99_ms']:.0f} ms; "
        f"server CPU {figures['server_cpu_ms_per_page']:.1f} ms per page; "
        f"errors {figures['errors']:.0f}; responses missing or mixed up "
        f"{figures['responses_wrong']:.0f}"
    )


BEGIN = "<!-- web load: generated by make bench -->"
END = "<!-- end of web load -->"


def section(figures: dict[str, float]) -> str:
    """The web channel's load figures for docs/performance.md."""
    return (
        f"{BEGIN}\n"
        f"## The web channel under load\n\n"
        f"Measured by `make bench` (`python -m bench.web_load`) on {machine()}: the real\n"
        f"process without a token, {figures['respondents']:.0f} simulated browsers (each its own\n"
        "loopback address, JavaScript off, no pause between pages) completing the\n"
        "preassessment at once; the browsers run on the same 2 cores as the server.\n\n"
        "| figure | value |\n| --- | --- |\n"
        f"| respondents completed | {figures['respondents']:.0f}, in {figures['seconds']:.0f} s |\n"
        f"| answers/s | {figures['answers_per_second']:.0f} |\n"
        f"| page latency p50 / p99 | {figures['page_p50_ms']:.0f} ms / "
        f"{figures['page_p99_ms']:.0f} ms |\n"
        f"| server CPU per page | {figures['server_cpu_ms_per_page']:.1f} ms |\n"
        f"| errors (4xx/5xx, unexpected pages) | {figures['errors']:.0f} |\n"
        f"| responses missing, or holding another's words | "
        f"{figures['responses_wrong']:.0f} |\n\n"
        "An answer takes two requests (the POST, and the GET of the page after its\n"
        "redirect); the latency is mostly queueing, as every browser sends its next answer\n"
        "the moment a page arrives.\n"
        f"{END}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web_load")
    parser.add_argument("--respondents", type=int, default=500)
    report(asyncio.run(run(parser.parse_args().respondents)))


if __name__ == "__main__":
    main()
