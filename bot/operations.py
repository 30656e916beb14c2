"""Operator commands behind the CLI: run the bot, create campaigns, invite coordinators."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from pathlib import Path

from telegram import Bot as TelegramBot
from telegram.error import TelegramError

from bot.settings import Settings, SettingsError, load_settings
from bot.storage import repos
from bot.storage.db import Database
from bot.telegram.coordinators import create_campaign, deep_link, invite_digest

FLOWS = {"preassessment": "preassessment", "capacity": "capacity_checklist"}
"""Command-line flow names -> bank ids."""


def run_command(webhook_url: str | None, listen: str, port: int) -> int:
    from bot.telegram.app import serve

    os.environ.setdefault("PTB_TIMEDELTA", "true")  # RetryAfter as a timedelta, without warnings
    settings = load_settings()
    if settings.telegram_token is None:
        raise SettingsError("READINESS_TELEGRAM_TOKEN: not set (see README: BotFather set-up)")
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(serve(settings, webhook_url=webhook_url, listen=listen, port=port))
    return 0


async def bot_username(settings: Settings, database: Database) -> str:
    """The bot's @username for links: asked from Telegram, remembered for offline use."""
    if settings.telegram_token is not None:
        try:
            async with TelegramBot(
                settings.telegram_token.get_secret_value(), base_url=settings.telegram_api_url
            ) as bot:
                username = bot.username
            async with database.transaction() as db:
                await repos.set_info(db, "username", username)
            return username
        except TelegramError as error:
            cached = await repos.get_info(database.connection, "username")
            if cached:
                return cached
            raise SettingsError(f"READINESS_TELEGRAM_TOKEN: getMe failed ({error})") from None
    cached = await repos.get_info(database.connection, "username")
    if cached:
        return cached
    raise SettingsError(
        "READINESS_TELEGRAM_TOKEN: not set; links need the bot's username from Telegram"
    )


async def _create(name: str, community_type: str, flow: str) -> dict[str, str]:
    settings = load_settings()
    database = await Database.open(settings.database)
    try:
        username = await bot_username(settings, database)
        async with database.transaction() as db:
            created = await create_campaign(
                db, name=name, community_type=community_type, flow=FLOWS[flow]
            )
    finally:
        await database.close()
    return {
        "id": created.campaign.id,
        "respondent_link": deep_link(username, created.campaign.respondent_token),
        "coordinator_link": deep_link(username, created.coordinator_token),
    }


def campaign_create_command(name: str, community_type: str, flow: str, as_json: bool) -> int:
    if not name.strip():
        print("readiness-bot campaign create: --name must not be empty", file=sys.stderr)
        return 2
    created = asyncio.run(_create(name.strip(), community_type, flow))
    if as_json:
        print(json.dumps(created))
    else:
        print(f"Campaign {created['id']}: {name.strip()} ({community_type}, {flow})")
        print(f"Respondent link (share with key respondents): {created['respondent_link']}")
        print(f"Coordinator link (open it yourself, single use): {created['coordinator_link']}")
    return 0


async def _invite() -> str:
    settings = load_settings()
    database = await Database.open(settings.database)
    try:
        username = await bot_username(settings, database)
        token = repos.new_token()
        async with database.transaction() as db:
            await repos.create_invite(db, invite_digest(token), None)
    finally:
        await database.close()
    return deep_link(username, token)


def coordinator_invite_command() -> int:
    print(asyncio.run(_invite()))
    return 0


async def _list() -> list[repos.Campaign]:
    settings = load_settings()
    database = await Database.open(settings.database)
    try:
        return await repos.list_campaigns(database.connection)
    finally:
        await database.close()


def campaign_list_command(as_json: bool) -> int:
    campaigns = asyncio.run(_list())
    if as_json:
        print(
            json.dumps(
                [
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
            )
        )
        return 0
    for c in campaigns:
        state = "open" if c.is_open else "closed"
        print(f"{c.id}  {c.name}  ({c.community_type}, {c.flow}, {state})")
    if not campaigns:
        print("No campaigns yet: create one with `readiness-bot campaign create`.")
    return 0


async def _campaign_data(campaign_id: str) -> tuple[repos.Campaign, list[repos.StoredResponse]]:
    settings = load_settings()
    database = await Database.open(settings.database)
    try:
        campaign = await repos.campaign_by_id(database.connection, campaign_id)
        if campaign is None:
            raise SettingsError(f"no campaign {campaign_id!r} (see `readiness-bot campaign list`)")
        return campaign, await repos.responses_of(database.connection, campaign_id)
    finally:
        await database.close()


def report_command(campaign_id: str, as_json: bool, chart: Path | None, lang: str) -> int:
    from bot.i18n import negotiate, translator
    from bot.render import plain
    from bot.reports import (
        build_capacity_report,
        build_preassessment_report,
        capacity_json,
        capacity_text,
        preassessment_json,
        preassessment_text,
        readiness_chart,
    )
    from questions.loader import default_library

    library = default_library()
    tr = translator(negotiate(lang))
    campaign, responses = asyncio.run(_campaign_data(campaign_id))
    if campaign.flow == "capacity_checklist":
        capacity = build_capacity_report(campaign, responses, library)
        output = (
            json.dumps(capacity_json(capacity, library), ensure_ascii=False)
            if as_json
            else plain(capacity_text(capacity, library, tr))
        )
        print(output)
        return 0
    report = build_preassessment_report(campaign, responses, library)
    if chart is not None:
        chart.write_bytes(readiness_chart(report, library, tr))
    if as_json:
        print(json.dumps(preassessment_json(report, library), ensure_ascii=False))
    else:
        print(plain(preassessment_text(report, library, tr)))
    return 0


def export_command(campaign_id: str, file_format: str, output: Path) -> int:
    from bot.reports import export_table, to_csv, to_xlsx
    from questions.loader import default_library

    campaign, responses = asyncio.run(_campaign_data(campaign_id))
    table = export_table(campaign, responses, default_library())
    output.write_bytes(to_csv(table) if file_format == "csv" else to_xlsx(table))
    print(f"{len(responses)} responses written to {output}")
    return 0


async def _remove(telegram_id: int, campaign_id: str | None) -> bool:
    settings = load_settings()
    database = await Database.open(settings.database)
    try:
        async with database.transaction() as db:
            return await repos.remove_coordinator(db, telegram_id, campaign_id)
    finally:
        await database.close()


def coordinator_remove_command(telegram_id: int, campaign_id: str | None) -> int:
    if not asyncio.run(_remove(telegram_id, campaign_id)):
        print("readiness-bot coordinator remove: no such coordinator", file=sys.stderr)
        return 2
    scope = f"campaign {campaign_id}" if campaign_id else "every campaign"
    print(f"Coordinator {telegram_id} removed from {scope}.")
    return 0
