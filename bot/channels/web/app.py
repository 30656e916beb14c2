"""One place builds the web channel, and runs it alone when there is no bot token."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiohttp import web

from bot.channels import WebPages
from bot.channels.web.channel import WebChannel
from bot.channels.web.pages import WebPresenter
from bot.channels.web.server import web_application
from bot.channels.web.visit import Visits
from bot.i18n import shipped_locales
from bot.privacy import Addresses, Sealer
from bot.pruning import Pruning
from bot.reassessment import ReassessReminders
from bot.services.coordinator import Links
from bot.services.respondent import Respondents
from bot.services.submission import Submitter
from bot.settings import Settings
from bot.startup import open_with_key
from bot.storage.db import Store
from bot.supervisor import Supervisor, stop_on_signals
from questions.loader import default_library

log = logging.getLogger(__name__)


def build_web(
    settings: Settings,
    store: Store,
    secret: bytes,
    links: Links,
    committed: Callable[[], None] = lambda: None,
) -> WebChannel:
    sealer = Sealer(secret)
    library = default_library()
    # No reminder: a browser has no address to send one to, so the privacy page promises none.
    respondents = Respondents(
        library, secret, Submitter(secret), shipped_locales(), None, settings.unfinished_days
    )

    def telegram_link(token: str) -> str | None:
        return links.telegram(token) if links.bot_username else None

    return WebChannel(
        store,
        respondents,
        Addresses(secret, sealer),
        Visits(secret, sealer),
        WebPresenter(library),
        exit_url=settings.web_exit_url,
        secure=settings.web_secure,
        telegram_link=telegram_link,
        committed=committed,
        trust_proxy=settings.web_trust_proxy,
    )


def web_factory(settings: Settings) -> WebPages:
    """What the Telegram bot's process calls to serve the web channel beside its webhook."""

    def make(
        store: Store, secret: bytes, links: Links, committed: Callable[[], None]
    ) -> web.Application:
        return web_application(build_web(settings, store, secret, links, committed))

    return make


async def start_site(app: web.Application, listen: str, port: int) -> web.AppRunner:
    # No access log: it would write every client's address.
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, listen, port).start()
    return runner


async def serve_web(
    settings: Settings,
    *,
    listen: str,
    port: int,
    stop: asyncio.Event | None = None,
    announce: Callable[[Links], None] = lambda links: None,
) -> None:
    """The web channel without Telegram: interviews in browsers; coordinators' notices wait
    in the outbox until the bot runs with a token."""
    store, secret = await open_with_key(settings, check_integrity=True)
    username = await store.read.info.get("username") or settings.bot_username or ""
    links = Links(username, settings.web_url or f"http://{listen}:{port}")
    stop = stop or stop_on_signals()
    supervisor = Supervisor()
    runner: web.AppRunner | None = None
    try:
        channel = build_web(settings, store, secret, links)
        runner = await start_site(web_application(channel), listen, port)
        supervisor.start("prune", Pruning(store, settings.unfinished_after).run)
        # Queued here, the reminders wait in the outbox like the other notices.
        addresses = Addresses(secret, Sealer(secret))
        reminders = ReassessReminders(store, addresses, settings.reassess_after)
        supervisor.start("remind to re-assess", reminders.run)
        log.info("Readiness Bot's web channel is running on %s:%d", listen, port)
        announce(links)
        await stop.wait()
    finally:
        await supervisor.stop()
        if runner is not None:
            await runner.cleanup()
        await store.close()
