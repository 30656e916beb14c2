"""`readiness-bot console`: an interview in this terminal, kept like any other interview."""

from __future__ import annotations

import asyncio
import secrets
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from bot.channels.console.interview import ConsoleInterview, ConsoleOutcome
from bot.channels.console.presenter import ConsolePresenter
from bot.i18n import N_, negotiate, shipped_locales, translator, use_catalogs
from bot.privacy import Addresses, Sealer, new_resume_code
from bot.services.respondent import Respondents
from bot.services.submission import Submitter
from bot.settings import load_settings
from bot.startup import open_store, open_with_key
from bot.storage.clock import now
from bot.storage.db import Store
from bot.storage.retention import UNFINISHED_DAYS
from questions.loader import default_library

EXIT_BAD_INPUT = 2


def command(
    bank_id: str,
    flow: str,
    lang: str,
    *,
    campaign_id: str | None = None,
    code: str | None = None,
    store: bool = True,
    catalogs: Path | None = None,
) -> int:
    if catalogs is not None:
        if not catalogs.is_dir():
            print(f"readiness-bot console: no catalog directory {catalogs}", file=sys.stderr)
            return EXIT_BAD_INPUT
        use_catalogs(catalogs)
    locale = negotiate(lang)
    if locale not in shipped_locales():
        locale = "en"
    return asyncio.run(_console(bank_id, flow, locale, campaign_id, code, store))


async def _console(
    bank_id: str, flow: str, locale: str, campaign_id: str | None, code: str | None, keep: bool
) -> int:
    if keep:
        settings = load_settings()
        store, secret = await open_with_key(settings)
        return await _interview(
            store, secret, bank_id, flow, locale, campaign_id, code, keep, settings.unfinished_days
        )
    with tempfile.TemporaryDirectory(prefix="readiness-demo-") as folder:
        # A demonstration runs through the same code on a database that is thrown away.
        store = await open_store(Path(folder) / "demo.db")
        return await _interview(
            store, secrets.token_bytes(32), bank_id, flow, locale, campaign_id, code, keep,
            UNFINISHED_DAYS,
        )  # fmt: skip


async def _expire_unfinished(store: Store, days: int) -> None:
    """The privacy screen says an unfinished interview is deleted after so many days; on a
    machine where the bot (whose pruning loop does it hourly) does not run, this does."""
    async with store.transaction() as tx:
        await tx.sessions.expire(now() - timedelta(days=days))


async def _interview(
    store: Store,
    secret: bytes,
    bank_id: str,
    flow: str,
    locale: str,
    campaign_id: str | None,
    code: str | None,
    keep: bool,
    unfinished_days: int,
) -> int:
    try:
        await _expire_unfinished(store, unfinished_days)
        handle = code or new_resume_code()
        interview = console_interview(store, secret, handle, keep, unfinished_days)
        led = not default_library().bank(bank_id).for_respondents
        if led and campaign_id is None and code is None:
            print(
                f"readiness-bot console: the {flow} is conducted for a campaign: --campaign ID",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        if campaign_id is not None:
            campaign = await store.read.campaigns.by_id(campaign_id)
            if campaign is None or campaign.flow != bank_id or not campaign.is_open:
                print(
                    f"readiness-bot console: no open {flow} campaign {campaign_id!r}",
                    file=sys.stderr,
                )
                return EXIT_BAD_INPUT
        if code is not None:
            outcome = await interview.resume()
            if outcome is None:
                print(f"readiness-bot console: nothing to resume under {code!r}", file=sys.stderr)
                return EXIT_BAD_INPUT
        elif led:
            assert campaign_id is not None
            outcome = await interview.conduct(bank_id, campaign_id, locale)
        else:
            outcome = await interview.begin(bank_id, campaign_id, locale)
        _resume_hint(outcome, flow, interview.code, keep)
    finally:
        await store.close()
    return 0


def console_interview(
    store: Store, secret: bytes, code: str, keep: bool, unfinished_days: int
) -> ConsoleInterview:
    library = default_library()
    # No reminder delay: a terminal cannot be reminded, so its privacy screen promises none.
    respondents = Respondents(
        library, secret, Submitter(secret), shipped_locales(), unfinished_days=unfinished_days
    )
    return ConsoleInterview(
        store=store,
        respondents=respondents,
        addresses=Addresses(secret, Sealer(secret)),
        presenter=ConsolePresenter(library),
        stdin=sys.stdin,
        stdout=sys.stdout,
        code=code,
        stored=keep,
    )


def _resume_hint(outcome: ConsoleOutcome, flow: str, code: str, keep: bool) -> None:
    if keep and not outcome.finished and outcome.answers:
        # The command is no message: a translation must not be able to change it.
        command = f"readiness-bot console --flow {flow} --resume {code}"
        hint = N_("To continue later: {command}")
        print(translator(outcome.locale).gettext(hint).format(command=command))
