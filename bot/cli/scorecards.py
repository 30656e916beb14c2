"""`readiness-bot scorecard`: a campaign's scoring workbench from the command line: the
Calculated Scorecard from the agreed scores, its rounds of re-assessment, the scorecards as
files, and imports of scorecards done on paper."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bot.cli.database import with_store
from bot.i18n import negotiate, translator
from bot.reports.scorecards import read_scorecard
from bot.reports.scored import Trend, scorecard_files
from bot.services import workbench
from bot.services.reports import build_trend, read_rounds
from bot.services.workbench import Refusal, Workbook
from bot.settings import Settings, SettingsError
from bot.storage.db import Store
from bot.workbench_report import workbench_json, workbench_text
from questions.loader import default_library
from scoring import ScorecardError

EXIT_BAD_INPUT = 2
NAME = "readiness-bot scorecard"


def _no_campaign(campaign_id: str) -> SettingsError:
    return SettingsError(f"no campaign {campaign_id!r} (see `readiness-bot campaign list`)")


def _read_book(campaign_id: str) -> Workbook:
    async def read(store: Store, settings: Settings) -> Workbook:
        book = await workbench.workbook(store.read, campaign_id)
        if book is None:
            raise _no_campaign(campaign_id)
        return book

    book: Workbook = with_store(read)
    return book


def rounds_json(trend: Trend) -> list[dict[str, Any]]:
    """Each round: its campaign id, the day it started, where its levels come from ("scored",
    "suggested" or null) and the levels."""
    return [
        {
            "round": found.number,
            "campaign": found.campaign_id,
            "date": found.day.isoformat(),
            "source": found.source,
            "overall": found.overall,
            "levels": dict(found.levels),
        }
        for found in trend.rounds
    ]


def show(campaign_id: str, *, as_json: bool, lang: str) -> int:
    library = default_library()
    tr = translator(negotiate(lang))
    if not as_json:
        print(workbench_text(_read_book(campaign_id), library, tr))
        return 0

    async def read(store: Store, settings: Settings) -> tuple[Workbook, Trend]:
        book = await workbench.workbook(store.read, campaign_id)
        if book is None:
            raise _no_campaign(campaign_id)
        rounds = await read_rounds(store.read, campaign_id)
        return book, build_trend(book.campaign.name, rounds, library)

    book, trend = with_store(read)
    shown = workbench_json(book, library, tr) | {"rounds": rounds_json(trend)}
    print(json.dumps(shown, ensure_ascii=False))
    return 0


def export(campaign_id: str, folder: Path, *, lang: str) -> int:
    """Each scorer's Independent Scorecard, the Combined and the Calculated Scorecard as CSV,
    and all of them in one XLSX workbook, written into `folder`; prints each file's path."""
    book = _read_book(campaign_id)
    files = scorecard_files(book, default_library().model, translator(negotiate(lang)))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files:
            (folder / name).write_bytes(data)
    except OSError as error:
        print(f"{NAME}: {folder}: {error.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for name, _ in files:
        print(folder / name)
    return 0


def _sheet_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as error:
        print(f"{NAME}: {path}: {error.strerror}", file=sys.stderr)
    except UnicodeDecodeError:
        print(f"{NAME}: {path}: not a UTF-8 text file", file=sys.stderr)
    return None


def import_sheet(campaign_id: str, path: Path, *, scorer: str | None) -> int:
    """One scorer's Independent Scorecard (`scorer` given) or the agreed Combined Scorecard."""
    text = _sheet_text(path)
    if text is None:
        return EXIT_BAD_INPUT
    library = default_library()
    try:
        # Dimension names and 'Total' as any shipped language writes them.
        sheet = read_scorecard(text, library.model)
    except ScorecardError as error:
        print(f"{NAME}: {path}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    name = (scorer or "").strip()

    async def write(store: Store, settings: Settings) -> int:
        if await store.read.campaigns.by_id(campaign_id) is None:
            raise _no_campaign(campaign_id)
        async with store.transaction() as tx:
            if name:
                _, count = await workbench.import_independent(
                    tx, campaign_id, name, sheet.columns, sheet.scores
                )
                return count
            return await workbench.import_consensus(tx, campaign_id, sheet.columns, sheet.scores)

    try:
        count = with_store(write)
    except Refusal as refusal:
        tr = translator(negotiate("en"))
        print(f"{NAME}: {path}: {tr.format(refusal.message, **refusal.values)}",
              file=sys.stderr)  # fmt: skip
        return EXIT_BAD_INPUT
    what = f"scores of {name}" if name else "agreed scores"
    print(f"Imported the {what} for {count} interview(s) of campaign {campaign_id}.")
    return 0
