"""Real headless Chromium (the distribution's `chromium` and `chromium-driver`) on the web
channel, served in a thread of this process on 127.0.0.1, with a neutral page for Leave now.

Without the browser, its driver, Selenium or axe-core the tests are skipped, and the skip says
which is missing and how to get it (`.ci/run` installs them)."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.channels.web.app import serve_web
from tests.helpers.web_harness import free_port, web_settings

HERE = Path(__file__).parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
NEUTRAL = "A neutral page"


def missing() -> str | None:
    if CHROMIUM is None or CHROMEDRIVER is None:
        return (
            "browser tests skipped: Chromium and ChromeDriver are not installed "
            "(apt-get install chromium chromium-driver; .ci/run does it)"
        )
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "browser tests skipped: Selenium is not installed (make test installs it)"
    if not AXE.exists():
        return (
            "browser tests skipped: axe-core is not installed "
            "(npm ci --prefix tests/browser; make test does it where npm is found)"
        )
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = missing()
    if reason is None:
        return
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.skip(reason=reason))


@dataclass
class Site:
    url: str
    exit_url: str
    database: Path
    settings: Any


class _Neutral(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f"<!doctype html><title>{NEUTRAL}</title><p>{NEUTRAL}</p>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    neutral = ThreadingHTTPServer(("127.0.0.1", 0), _Neutral)
    threading.Thread(target=neutral.serve_forever, daemon=True).start()
    exit_url = f"http://127.0.0.1:{neutral.server_address[1]}/neutral"
    directory = Path(tempfile.mkdtemp(prefix="web-browser-"))
    settings = web_settings(directory, web_exit_url=exit_url)
    port = free_port()
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(
            serve_web(
                settings, listen="127.0.0.1", port=port, stop=stop,
                announce=lambda links: started.set(),
            )
        )  # fmt: skip

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(20), "the web channel did not start"
    try:
        yield Site(f"http://127.0.0.1:{port}", exit_url, settings.database, settings)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(20)
        neutral.shutdown()
        neutral.server_close()
        shutil.rmtree(directory, ignore_errors=True)


def chromium(*, language: str = "en", javascript: bool = True, profile: Path | None = None) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=360,740",
        f"--lang={language}",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(argument)
    if profile is not None:
        options.add_argument(f"--user-data-dir={profile}")
    prefs: dict[str, object] = {"intl.accept_languages": language}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER or ""))
