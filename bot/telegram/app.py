"""One place builds the bot: the Application, its storage, the journey and the loops."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiohttp import web
from telegram import BotCommand, Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot.i18n import shipped_locales
from bot.privacy import Sealer, derive_key, load_or_create_secret
from bot.settings import Settings, SettingsError
from bot.storage import repos
from bot.storage.db import Database
from bot.telegram.desk import Desk
from bot.telegram.journey import Journey
from bot.telegram.menus import RESPONDENT_COMMANDS, menu
from bot.telegram.runtime import Runtime
from questions.loader import default_library

log = logging.getLogger(__name__)

# Telegram redelivers an unconfirmed update for at most 24 hours; a week leaves room.
INBOX_MEMORY = timedelta(days=7)


@dataclass
class Bot:
    application: Application  # type: ignore[type-arg]
    runtime: Runtime
    database: Database


def build_application(settings: Settings) -> Application:  # type: ignore[type-arg]
    if settings.telegram_token is None:
        raise SettingsError("READINESS_TELEGRAM_TOKEN: not set (get one from @BotFather)")
    return (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_api_url.replace("/bot", "/file/bot"))
        .rate_limiter(AIORateLimiter(max_retries=0))
        .updater(None)
        .build()
    )


async def open_bot(settings: Settings, *, poll_timeout: int = 30) -> Bot:
    secret = load_or_create_secret(settings.key_file)
    sealer = Sealer(secret)
    database = await Database.open(settings.database)
    application = build_application(settings)
    library = default_library()
    journey = Journey(
        library=library,
        secret=secret,
        sealer=sealer,
        reminder_after=settings.reminder,
        desk=Desk(library),
    )
    runtime = Runtime(
        db=database,
        bot=application.bot,
        journey=journey,
        sealer=sealer,
        secret=secret,
        poll_timeout=poll_timeout,
        reminder_interval=reminder_check_interval(settings),
    )
    return Bot(application, runtime, database)


def reminder_check_interval(settings: Settings) -> float:
    """Check often enough that a reminder is at most half its delay late, at most each minute."""
    if settings.reminder is None:
        return 60.0
    return max(0.2, min(60.0, settings.reminder.total_seconds() / 2))


async def register_commands(application: Application) -> None:  # type: ignore[type-arg]
    """The command menu, in every shipped language (English also as the default)."""
    for locale in shipped_locales():
        commands = [BotCommand(name, text) for name, text in menu(RESPONDENT_COMMANDS, locale)]
        await application.bot.set_my_commands(commands, language_code=locale)
        if locale == "en":
            await application.bot.set_my_commands(commands)


async def remember_username(bot: Bot) -> str:
    username = bot.application.bot.username
    if bot.runtime.journey.desk is not None:
        bot.runtime.journey.desk.bot_username = username
    async with bot.database.transaction() as db:
        await repos.set_info(db, "username", username)
    return username


async def serve(
    settings: Settings,
    *,
    webhook_url: str | None = None,
    listen: str = "127.0.0.1",
    port: int = 8443,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until `stop` is set (or SIGINT/SIGTERM): intake, dispatch, sending, reminders."""
    bot = await open_bot(settings)
    stop = stop or _stop_on_signals()
    async with bot.application:
        await bot.application.start()
        await remember_username(bot)
        await register_commands(bot.application)
        runtime = bot.runtime
        # Whatever was committed before a crash is handled first, in order.
        await runtime.drain_inbox()
        async with bot.database.transaction() as db:
            await repos.inbox_prune(db, datetime.now(UTC) - INBOX_MEMORY)
        tasks = [
            asyncio.create_task(runtime.dispatch()),
            asyncio.create_task(runtime.send_forever()),
        ]
        if settings.reminder is not None:
            tasks.append(asyncio.create_task(runtime.remind_forever()))
        site_runner = None
        if webhook_url:
            site_runner = await _start_webhook(bot, settings, webhook_url, listen, port)
        else:
            await bot.application.bot.delete_webhook()
            tasks.append(asyncio.create_task(runtime.poll()))
        log.info("Readiness Bot is running as @%s", bot.application.bot.username)
        try:
            await stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if site_runner is not None:
                await site_runner.cleanup()
            await bot.application.stop()
    await bot.database.close()


async def _start_webhook(
    bot: Bot, settings: Settings, url: str, listen: str, port: int
) -> web.AppRunner:
    secret = (
        settings.webhook_secret.get_secret_value()
        if settings.webhook_secret
        else derive_key(bot.runtime.secret, "webhook").hex()
    )
    runtime = bot.runtime

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given, secret):
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), bot.application.bot)
        except ValueError:
            return web.Response(status=400)
        # 200 only once the update is committed: otherwise Telegram must send it again.
        await runtime.accept([update])
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/telegram", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, listen, port).start()
    await bot.application.bot.set_webhook(
        url, secret_token=secret, allowed_updates=["message", "edited_message", "callback_query"]
    )
    return runner


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    return stop
