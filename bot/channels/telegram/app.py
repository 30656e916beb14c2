"""One place builds the Telegram bot: storage, services, channel parts and supervised loops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web
from telegram import BotCommand
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder

from bot.channels import WebPages
from bot.channels.telegram.dispatcher import Answered, Dispatcher
from bot.channels.telegram.menus import RESPONDENT_COMMANDS, menu
from bot.channels.telegram.outbox import TelegramOutbox
from bot.channels.telegram.pacing import Pacing
from bot.channels.telegram.presenter import Presenter
from bot.channels.telegram.receiver import ALLOWED_UPDATES, POLL_TIMEOUT, Receiver
from bot.channels.telegram.router import Router
from bot.channels.telegram.sender import Sender
from bot.channels.telegram.transport import AiohttpRequest
from bot.channels.telegram.upkeep import ButtonAnswers, Reminders
from bot.i18n import shipped_locales
from bot.privacy import Addresses, Sealer, derive_key
from bot.pruning import Pruning
from bot.reassessment import ReassessReminders
from bot.services.coordinator import Desk, Links
from bot.services.reports import Reports
from bot.services.respondent import Respondents
from bot.services.staff import StaffDesk
from bot.services.submission import Submitter
from bot.settings import Settings, SettingsError
from bot.startup import StartupError, open_with_key
from bot.storage.db import Store
from bot.supervisor import Backoff, Supervisor, stop_on_signals
from questions.loader import default_library

log = logging.getLogger(__name__)

TelegramApplication = Application  # type: ignore[type-arg]


@dataclass
class TelegramBot:
    application: TelegramApplication
    store: Store
    links: Links
    secret: bytes
    receiver: Receiver
    dispatcher: Dispatcher
    sender: Sender
    answers: ButtonAnswers
    reminders: Reminders | None
    pruning: Pruning
    reassessment: ReassessReminders


def build_application(settings: Settings) -> TelegramApplication:
    if settings.telegram_token is None:
        raise SettingsError("READINESS_TELEGRAM_TOKEN: not set (get one from @BotFather)")
    return (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_api_url.replace("/bot", "/file/bot"))
        .updater(None)
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(pool_size=1))
        .build()
    )


def pacing(settings: Settings) -> Pacing | None:
    """Telegram's limits as the sender applies them: the whole bot's
    (READINESS_TELEGRAM_RATE_LIMIT) and each chat's (READINESS_TELEGRAM_CHAT_RATE); none
    with the rate limit at 0 (a self-hosted Bot API server, a benchmark)."""
    if settings.telegram_rate_limit == 0:
        return None
    return Pacing(chat_rate=settings.telegram_chat_rate, bot_rate=settings.telegram_rate_limit)


async def open_bot(settings: Settings, *, poll_timeout: int = POLL_TIMEOUT) -> TelegramBot:
    application = build_application(settings)
    store, secret = await open_with_key(settings, check_integrity=True)
    sealer = Sealer(secret)
    addresses = Addresses(secret, sealer)
    library = default_library()
    locales = shipped_locales()
    links = Links(web_url=settings.web_url or "")
    respondents = Respondents(
        library, secret, Submitter(secret), locales, settings.reminder, settings.unfinished_days
    )
    presenter = Presenter(library)
    pause_ms = int(settings.answer_pause.total_seconds() * 1000)
    outbox = TelegramOutbox(presenter, addresses, answer_pause_ms=pause_ms)
    sender = Sender(store, application.bot, addresses, presenter, Reports(library, sealer))
    sender.pacing = pacing(settings)
    answers = ButtonAnswers(application.bot)

    def committed(answered: list[Answered]) -> None:
        answers.submit(answered)
        sender.wake.set()

    staff = StaffDesk(library, respondents)
    router = Router(respondents, Desk(locales, links), addresses, secret, staff)
    dispatcher = Dispatcher(store, router, outbox, sealer, locales, on_committed=committed)
    receiver = Receiver(
        store, application.bot, sealer, addresses, dispatcher.wake.set, poll_timeout
    )
    reminders = None
    if settings.reminder is not None:
        interval = reminder_check_interval(settings)
        reminders = Reminders(store, respondents, outbox, interval, sender.wake.set)
    return TelegramBot(
        application, store, links, secret, receiver, dispatcher, sender, answers, reminders,
        Pruning(store, settings.unfinished_after),
        ReassessReminders(store, addresses, settings.reassess_after, sender.wake.set),
    )  # fmt: skip


def reminder_check_interval(settings: Settings) -> float:
    """Check often enough that a reminder is at most half its delay late, at most each minute."""
    if settings.reminder is None:
        return 60.0
    return max(0.2, min(60.0, settings.reminder.total_seconds() / 2))


async def serve(
    settings: Settings,
    *,
    webhook_url: str | None = None,
    listen: str = "127.0.0.1",
    port: int = 8443,
    stop: asyncio.Event | None = None,
    ready: Callable[[TelegramBot], None] | None = None,
    web_pages: WebPages | None = None,
) -> None:
    """Run until `stop` is set (or SIGINT/SIGTERM): intake, dispatch, sending, reminders
    (respondents' and coordinators' re-assessment ones), pruning.

    `ready` is called with the running bot once every loop has started (embedding, tests).
    `web_pages` makes the application of another channel served on `listen`:`port` beside
    the webhook (the web channel), given the bot's store, key, links and sender's wake-up.
    """
    bot = await open_bot(settings)
    stop = stop or stop_on_signals()
    supervisor = Supervisor()
    site: web.AppRunner | None = None
    try:
        await _initialize(bot.application, stop)
        await _introduce(bot)
        supervisor.start("dispatch", bot.dispatcher.run)
        supervisor.start("send", bot.sender.run, finish=bot.sender.finish)
        supervisor.start("answer buttons", bot.answers.run)
        supervisor.start("prune", bot.pruning.run)
        supervisor.start("remind to re-assess", bot.reassessment.run)
        if bot.reminders is not None:
            supervisor.start("remind", bot.reminders.run)
        if webhook_url or web_pages is not None:
            site = await _start_http(bot, settings, webhook_url, listen, port, web_pages)
        if not webhook_url:
            await bot.application.bot.delete_webhook()
            supervisor.start("poll", bot.receiver.poll)
        log.info("Readiness Bot is running as @%s", bot.links.bot_username)
        if ready is not None:
            ready(bot)
        await stop.wait()
    finally:
        await supervisor.stop()
        if site is not None:
            await site.cleanup()
        with contextlib.suppress(Exception):
            await bot.application.shutdown()
        await bot.store.close()


async def _initialize(application: TelegramApplication, stop: asyncio.Event) -> None:
    """getMe until Telegram answers: a network outage at start delays the bot, a wrong token
    stops it with one line."""
    backoff = Backoff(first=1.0, ceiling=30.0)
    while not stop.is_set():
        try:
            await application.initialize()
            return
        except InvalidToken:
            raise StartupError(
                "READINESS_TELEGRAM_TOKEN: Telegram refused the token (check it with @BotFather)"
            ) from None
        except NetworkError as error:
            log.warning("Telegram is not reachable (%s); trying again", error)
            await asyncio.sleep(backoff.next())
    raise StartupError("stopped before Telegram could be reached")


async def _introduce(bot: TelegramBot) -> None:
    """Remember the @username (links made offline need it) and register the command menus."""
    username = bot.application.bot.username
    bot.links.bot_username = username
    async with bot.store.transaction() as tx:
        await tx.info.set("username", username)
    try:
        for locale in shipped_locales():
            commands = [BotCommand(n, text) for n, text in menu(RESPONDENT_COMMANDS, locale)]
            await bot.application.bot.set_my_commands(commands, language_code=locale)
            if locale == "en":
                await bot.application.bot.set_my_commands(commands)
    except TelegramError as error:
        log.warning("the command menu could not be registered (%s); it stays as it was", error)


async def _start_http(
    bot: TelegramBot,
    settings: Settings,
    url: str | None,
    listen: str,
    port: int,
    web_pages: WebPages | None,
) -> web.AppRunner:
    app = web_pages(bot.store, bot.secret, bot.links, bot.sender.wake.set) if web_pages else None
    app = app or web.Application()
    secret = (
        settings.webhook_secret.get_secret_value()
        if settings.webhook_secret
        else derive_key(bot.secret, "webhook").hex()
    )
    if url:
        app.router.add_post("/telegram", bot.receiver.webhook_handler(secret))
    # No access log: it would write every client's address.
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, listen, port).start()
    if url:
        await bot.application.bot.set_webhook(
            url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
        )
    return runner
