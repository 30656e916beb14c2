"""The operator's commands: run the bot, campaigns, coordinators, backups and a health check
(reports and exports are bot.cli.reports). Each opens the database, does one thing, and
closes it."""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import os
import stat
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.cli.database import with_store
from bot.i18n import language_name, shipped_locales, translator
from bot.privacy import load_or_create_secret
from bot.reports import lettering
from bot.services.coordinator import Links, coordinator_invite, create_campaign
from bot.settings import Settings, SettingsError, load_settings
from bot.startup import StartupError, key_fingerprint, open_store
from bot.storage.db import Store
from bot.storage.migrations import SCHEMA_VERSION
from bot.storage.records import Campaign
from bot.storage.retention import DEAD_LETTER_MEMORY

EXIT_PROBLEM = 2


# --- running the bot ---------------------------------------------------------------------------


WEB_PORT = 8080
WEBHOOK_PORT = 8443


def run(
    webhook_url: str | None,
    listen: str | None,
    port: int | None,
    announce: Callable[[Links], None] = lambda links: None,
) -> int:
    """The bot (with a token), serving the web channel too when an address is given or
    READINESS_WEB_URL is set; without a token, the web channel alone."""
    from bot.channels.web.app import serve_web, web_factory

    os.environ.setdefault("PTB_TIMEDELTA", "true")  # RetryAfter as a timedelta, without warnings
    settings = load_settings()
    configure_logging()
    host = listen or "127.0.0.1"
    if settings.telegram_token is None:
        if webhook_url:
            raise SettingsError("READINESS_TELEGRAM_TOKEN: not set, and a webhook needs it")
        serving = serve_web(settings, listen=host, port=port or WEB_PORT, announce=announce)
        return _serving(serving, host, port or WEB_PORT)
    from bot.channels.telegram.app import serve

    with_web = bool(webhook_url or listen or port or settings.web_url)
    port = port or (WEBHOOK_PORT if webhook_url else WEB_PORT)
    pages = web_factory(settings) if with_web else None
    serving = serve(settings, webhook_url=webhook_url, listen=host, port=port, web_pages=pages)
    return _serving(serving, host, port)


def _serving(serving: Coroutine[Any, Any, None], host: str, port: int) -> int:
    try:
        asyncio.run(serving)
    except OSError as error:
        if error.errno in (errno.EADDRINUSE, errno.EACCES):
            raise StartupError(
                f"cannot listen on {host}:{port} ({error.strerror}); choose another with --port"
            ) from None
        raise
    return 0


DEMO_CAMPAIGN = "demo_campaign"
"""The info key naming the demonstration campaign `make run` makes once and reuses."""


def demo_campaign_token() -> str:
    """The demonstration campaign's link token, made on the first `make run` without a token.
    Its answers are kept like any other's, so a newcomer sees the real report later."""

    async def ensure(store: Store, settings: Settings) -> str:
        known = await store.read.info.get(DEMO_CAMPAIGN)
        campaign = await store.read.campaigns.by_id(known) if known else None
        if campaign is not None:
            return campaign.respondent_token
        async with store.transaction() as tx:
            created = await create_campaign(
                tx,
                name="Demonstration County",
                community_type="rural",
                flow="preassessment",
                description="A demonstration campaign made by `make run`.",
                organisation="Readiness Bot",
                invite=False,
            )
            await tx.info.set(DEMO_CAMPAIGN, created.campaign.id)
        return created.campaign.respondent_token

    return with_store(ensure)


def configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Username:
    """The bot's @username for links, or, when it is not known, why not."""

    name: str | None
    why_not: str = ""


async def known_username(settings: Settings, store: Store) -> Username:
    """Asked from Telegram when there is a token (and remembered for offline use); else the
    configured READINESS_BOT_USERNAME; else the one remembered from an earlier getMe."""
    problem = "READINESS_TELEGRAM_TOKEN and READINESS_BOT_USERNAME are not set"
    if settings.telegram_token is not None:
        from bot.channels.telegram.identity import TokenProblem, fetch_username

        try:
            username = await fetch_username(settings)
        except TokenProblem as error:
            problem = f"READINESS_TELEGRAM_TOKEN: {error}"
        else:
            async with store.transaction() as tx:
                await tx.info.set("username", username)
            return Username(username)
    if settings.bot_username:
        return Username(settings.bot_username)
    cached = await store.read.info.get("username")
    return Username(cached) if cached else Username(None, problem)


async def bot_username(settings: Settings, store: Store) -> str:
    """The bot's @username, for a command that is nothing without a link."""
    username = await known_username(settings, store)
    if username.name is None:
        raise SettingsError(f"links need the bot's username: {username.why_not}")
    return username.name


# --- campaigns and coordinators ----------------------------------------------------------------


def campaign_create(
    name: str,
    community_type: str,
    bank_id: str,
    flow: str,
    as_json: bool,
    *,
    description: str = "",
    organisation: str = "",
) -> int:
    """Works without Telegram: the Telegram links come only when the bot's username is known
    (console and phone interviews need no bot)."""
    if not name.strip():
        print("readiness-bot campaign create: --name must not be empty", file=sys.stderr)
        return EXIT_PROBLEM

    async def create(store: Store, settings: Settings) -> tuple[dict[str, str | None], str]:
        username = await known_username(settings, store)
        async with store.transaction() as tx:
            created = await create_campaign(
                tx,
                name=name.strip(),
                community_type=community_type,
                flow=bank_id,
                description=description.strip(),
                organisation=organisation.strip(),
                # A single-use invite nobody is shown would only wait in the database.
                invite=username.name is not None,
            )
        links = Links(username.name) if username.name else None
        campaign = created.campaign
        web = Links(web_url=settings.web_url or "").web(campaign.respondent_token)
        return {
            "id": campaign.id,
            "respondent_link": links.telegram(campaign.respondent_token) if links else None,
            "coordinator_link": links.telegram(created.coordinator_token) if links else None,
            "web_link": web or None,
            "console": f"readiness-bot console --flow {flow} --campaign {campaign.id}",
        }, username.why_not

    created, why_not = with_store(create)
    if as_json:
        print(json.dumps(created))
        if why_not:
            print(f"readiness-bot: no Telegram links ({why_not})", file=sys.stderr)
        return 0
    print(f"Campaign {created['id']}: {name.strip()} ({community_type}, {flow})")
    if created["web_link"]:
        print(f"Link for every respondent (browser or Telegram): {created['web_link']}")
    if created["respondent_link"]:
        print(f"Respondent link (share with key respondents): {created['respondent_link']}")
        print(f"Coordinator link (open it yourself, single use): {created['coordinator_link']}")
    print(
        f"Without Telegram: `{created['console']}` runs the interview in a terminal, typed by"
        " the respondent or read out over the phone by an interviewer; it counts in this"
        " campaign."
    )
    if why_not:
        print(
            f"No Telegram links: the bot's username is not known ({why_not}). Once it is,"
            f" `readiness-bot coordinator invite --campaign {created['id']}` makes the"
            " coordinator link; the coordinator's 🔗 Link button gives the respondent link."
        )
    return 0


def campaign_list(as_json: bool) -> int:
    async def listing(store: Store, settings: Settings) -> list[Campaign]:
        return await store.read.campaigns.all()

    campaigns = with_store(listing)
    if as_json:
        rows = [
            {
                "id": c.id,
                "name": c.name,
                "community_type": c.community_type,
                "flow": c.flow,
                "created_at": c.created_at,
                "closed": not c.is_open,
            }
            for c in campaigns
        ]
        print(json.dumps(rows))
        return 0
    for c in campaigns:
        state = "open" if c.is_open else "closed"
        print(f"{c.id}  {c.name}  ({c.community_type}, {c.flow}, {state})")
    if not campaigns:
        print("No campaigns yet: create one with `readiness-bot campaign create`.")
    return 0


def coordinator_invite_link(campaign_id: str | None) -> int:
    """A one-time coordinator link: of one campaign, or (None) for setting up their own."""

    async def invite(store: Store, settings: Settings) -> str:
        if campaign_id is not None and await store.read.campaigns.by_id(campaign_id) is None:
            raise SettingsError(f"no campaign {campaign_id!r} (see `readiness-bot campaign list`)")
        links = Links(await bot_username(settings, store))
        async with store.transaction() as tx:
            token = await coordinator_invite(tx, campaign_id)
        return links.respondent(token)

    print(with_store(invite))
    return 0


def coordinator_remove(telegram_id: int, campaign_id: str | None) -> int:
    async def remove(store: Store, settings: Settings) -> bool:
        async with store.transaction() as tx:
            return await tx.coordinators.remove(telegram_id, campaign_id)

    if not with_store(remove):
        print("readiness-bot coordinator remove: no such coordinator", file=sys.stderr)
        return EXIT_PROBLEM
    scope = f"campaign {campaign_id}" if campaign_id else "every campaign"
    print(f"Coordinator {telegram_id} removed from {scope}.")
    return 0


# --- operations --------------------------------------------------------------------------------


def backup(target: Path) -> int:
    """An online backup: consistent even while the bot writes (SQLite's backup API)."""
    if target.resolve() == load_settings().database.resolve():
        print("readiness-bot backup: the backup must not replace the database", file=sys.stderr)
        return EXIT_PROBLEM

    async def copy(store: Store, settings: Settings) -> tuple[Settings, list[str]]:
        return settings, await store.backup(target)

    settings, problems = with_store(copy)
    if problems:
        print(
            f"readiness-bot backup: the copy fails its integrity check ({problems[0]}), so"
            f" database {settings.database} is damaged; {target} was not written (a previous"
            " backup there is untouched): restore from a good backup (README: Deployment)",
            file=sys.stderr,
        )
        return EXIT_PROBLEM
    print(f"Database backed up to {target}; the copy passes its integrity check.")
    print(
        f"Keep a copy of the key file {settings.key_file} with it: the backup cannot be read"
        " without it."
    )
    return 0


def doctor() -> int:
    """One line per check; exit status 2 if anything needs attention."""
    problems = asyncio.run(_doctor())
    for ok, line in problems:
        print(("ok      " if ok else "PROBLEM ") + line)
    return 0 if all(ok for ok, _ in problems) else EXIT_PROBLEM


async def _doctor() -> list[tuple[bool, str]]:
    try:
        settings = load_settings()
    except SettingsError as error:
        return [(False, f"settings: {error}")]
    found: list[tuple[bool, str]] = [(True, "settings: read")]
    database = settings.database
    if not database.exists():
        # Not opened: opening would create an empty database at a mistyped path, and the
        # checks would then pass on it. A missing key file beside it is the same mistake.
        found.append(
            (
                False,
                f"database {database}: does not exist (check READINESS_DATABASE and "
                "READINESS_DATA_DIR; the bot creates it and its key file on its first start)",
            )
        )
        if settings.key_file.exists():
            found += _key_file_checks(settings.key_file)
        return found + _catalog_checks() + await _token_checks(settings)
    key_checks = _key_file_checks(settings.key_file)
    found += key_checks
    found += _database_file_checks(database)
    try:
        store = await open_store(database)
    except StartupError as error:
        return [*found, (False, str(error)), *_catalog_checks(), *await _token_checks(settings)]
    try:
        key_usable = all(ok for ok, _ in key_checks)
        found += await _database_checks(store, settings, key_usable=key_usable)
    finally:
        await store.close()
    found += _catalog_checks()
    found += await _token_checks(settings)
    return found


def _key_file_checks(key_file: Path) -> list[tuple[bool, str]]:
    if not key_file.exists():
        return [(False, f"key file {key_file}: missing (it is created on the first start)")]
    mode = stat.S_IMODE(key_file.stat().st_mode)
    if mode & 0o077:
        return [(False, f"key file {key_file}: readable by others (mode {mode:o}); chmod 600")]
    return [(True, f"key file {key_file}: present, mode {mode:o}")]


def _database_file_checks(database: Path) -> list[tuple[bool, str]]:
    """The answers are private: the bot refuses a key file others can read, and the database
    (a restore with `cp` gives it the umask's 644) must not be readable by others either.
    SQLite gives the -wal and -shm files the database's mode, so they follow it."""
    files = [database, *(database.with_name(database.name + end) for end in ("-wal", "-shm"))]
    shared = [
        (path, mode)
        for path in files
        if path.exists() and (mode := stat.S_IMODE(path.stat().st_mode)) & 0o077
    ]
    if os.name == "posix" and shared:
        names = " ".join(str(path) for path, _ in shared)
        modes = ", ".join(f"{path.name} {mode:o}" for path, mode in shared)
        return [(False, f"database {database}: readable by others ({modes}); chmod 600 {names}")]
    mode = stat.S_IMODE(database.stat().st_mode)
    return [(True, f"database {database}: mode {mode:o}")]


SOURCES = {
    "intake": "update(s) from Telegram that could not be read",
    "inbox": "update(s) whose handling failed (the respondent got an apology)",
    "outbox": "message(s) Telegram refused for good",
}


async def _database_checks(
    store: Store, settings: Settings, *, key_usable: bool
) -> list[tuple[bool, str]]:
    found: list[tuple[bool, str]] = []
    problems = await store.integrity_problems()
    name = f"database {store.path}"
    if problems:
        # The other checks read the same damaged file: one line says what to do.
        return [
            (
                False,
                f"{name}: damaged ({problems[0]}); stop the bot and restore the last backup "
                "(README: Deployment)",
            )
        ]
    found.append((True, f"{name}: integrity ok"))
    found.append((True, f"{name}: schema version {SCHEMA_VERSION}"))
    known = await store.read.info.get("key_check")
    # A key file others can read was reported above; reading it again would say so twice.
    if known is not None and key_usable:
        try:
            matches = known == key_fingerprint(load_or_create_secret(settings.key_file))
        except (OSError, ValueError) as error:
            found.append((False, f"key file {settings.key_file}: unreadable ({error})"))
        else:
            found.append(
                (True, f"key file: matches {name}")
                if matches
                else (
                    False,
                    f"key file: does NOT match {name}; use the key file that was backed up with"
                    " this database (another key cannot open its interviews)",
                )
            )
    found.append(await _dead_letter_check(store, name))
    waiting = await store.read.outbox.pending_count()
    found.append((True, f"{name}: {waiting} message(s) waiting to be sent"))
    return found


async def _dead_letter_check(store: Store, name: str) -> tuple[bool, str]:
    groups = await store.read.dead_letters.by_source()
    total = sum(group.count for group in groups)
    line = f"{name}: {total} message(s) or update(s) set aside (dead letters)"
    if not groups:
        return True, line
    # What was set aside, when, and why, so the bot's log can be read at that time; the
    # rows keep no content, and the bot forgets them after a while.
    parts = [
        f"{group.count} {SOURCES.get(group.source, group.source)} [{group.source}:"
        f" {', '.join(error[:60] for error in group.errors)}], last at {group.last_failed_at}"
        for group in groups
    ]
    days = DEAD_LETTER_MEMORY.days
    return False, f"{line}: {'; '.join(parts)}; see the bot's log then; forgotten after {days} days"


def _catalog_checks() -> list[tuple[bool, str]]:
    found = []
    for locale in shipped_locales():
        try:
            translator(locale).gettext("Yes")
        except Exception as error:
            found.append((False, f"catalog {locale}: cannot be loaded ({error})"))
        else:
            found.append((True, f"catalog {locale}: loaded{_chart_note(locale)}"))
    return found


def _chart_note(locale: str) -> str:
    """Said, not failed: without a font for its script a chart is drawn in English."""
    if lettering.draws(language_name(locale)):
        return ""
    return (
        "; its charts are drawn in English (no font for its script: apt-get install fonts-noto-cjk)"
    )


async def _token_checks(settings: Settings) -> list[tuple[bool, str]]:
    if settings.telegram_token is None:
        return [(True, "token: not set (the console and the command line work without it)")]
    from bot.channels.telegram.identity import TokenProblem, fetch_username

    try:
        username = await fetch_username(settings)
    except TokenProblem as error:
        return [(False, f"token: {error}")]
    return [(True, f"token: Telegram knows this bot as @{username}")]
