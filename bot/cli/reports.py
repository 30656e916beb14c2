"""`readiness-bot report` and `export`: a campaign's report (text, JSON, chart) and its
anonymised answers as a CSV or workbook file.

Apart from the other operator's commands because an operator waits for a report's imports:
it needs neither the coordinator's services nor the bot's runtime."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from bot.cli.database import with_store
from bot.i18n import negotiate, translator
from bot.render import plain
from bot.reports import (
    build_capacity_report,
    build_preassessment_report,
    capacity_json,
    capacity_text,
    export_table,
    preassessment_json,
    preassessment_text,
    readiness_chart,
    to_csv,
    to_xlsx,
)
from bot.settings import Settings, SettingsError
from bot.storage.db import Store
from bot.storage.records import Campaign, StoredResponse
from questions.loader import default_library


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """For a command that reads a whole campaign and exits: the cycle collector's passes
    over 10,000 responses' dicts and lists cost 0.05-0.1 s of a report (docs/performance.md),
    and finding cycles is no use to a process about to end; an in-process caller (a test)
    gets the collector back afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _campaign_data(campaign_id: str) -> tuple[Campaign, list[StoredResponse]]:
    async def read(store: Store, settings: Settings) -> tuple[Campaign, list[StoredResponse]]:
        campaign = await store.read.campaigns.by_id(campaign_id)
        if campaign is None:
            raise SettingsError(f"no campaign {campaign_id!r} (see `readiness-bot campaign list`)")
        return campaign, await store.read.responses.of_campaign(campaign_id)

    return with_store(read)


@_without_cycle_collection()
def report(campaign_id: str, as_json: bool, chart: Path | None, lang: str) -> int:
    library = default_library()
    tr = translator(negotiate(lang))
    campaign, responses = _campaign_data(campaign_id)
    if campaign.flow == "capacity_checklist":
        capacity = build_capacity_report(campaign, responses, library)
        if as_json:
            _print_json(capacity_json(capacity, library, tr))
        else:
            print(plain(capacity_text(capacity, library, tr)))
        return 0
    pre = build_preassessment_report(campaign, responses, library)
    if chart is not None:
        chart.write_bytes(readiness_chart(pre, library, tr))
    if as_json:
        _print_json(preassessment_json(pre, library, tr))
    else:
        print(plain(preassessment_text(pre, library, tr)))
    return 0


def _print_json(data: object) -> None:
    """A report's JSON, unescaped UTF-8 on one line. orjson, because 10,000 interviews' comments
    are 12 MB of it: the standard library took 0.08-0.2 s to encode them, orjson 0.01 s
    (docs/performance.md), and its bytes go out without a decode and an encode."""
    sys.stdout.flush()
    sys.stdout.buffer.write(orjson.dumps(data) + b"\n")
    sys.stdout.buffer.flush()


@_without_cycle_collection()
def export(campaign_id: str, file_format: str, output: Path) -> int:
    campaign, responses = _campaign_data(campaign_id)
    table = export_table(campaign, responses, default_library())
    output.write_bytes(to_csv(table) if file_format == "csv" else to_xlsx(table))
    print(f"{len(responses)} responses written to {output}")
    return 0
