"""The `readiness-bot` command line: run the bot, interview in the terminal, score scorecards,
and the operator's commands (campaigns, coordinators, reports, exports, backup, doctor).

A command's module is imported when that command runs: `--help`, or a report, need neither
python-telegram-bot nor pydantic-settings nor the chart and workbook libraries, and an
operator waits for every import.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

EXIT_SETTINGS = 1
EXIT_STARTUP = 2
FLOWS = {
    "preassessment": "preassessment",
    "capacity": "capacity_checklist",
    "full-assessment": "full_assessment",
}
"""Command-line flow names -> bank ids. The full assessment is an interviewer's (--campaign)."""
# Here rather than in bot.cli.score, so that building the parser imports nothing heavy.
FULL_ASSESSMENT, PREASSESSMENT = "full-assessment", "preassessment"
PURPOSES = (FULL_ASSESSMENT, PREASSESSMENT)


def _console() -> ModuleType:
    from bot.cli import console

    return console


def _operator() -> ModuleType:
    from bot.cli import operator

    return operator


def _reports() -> ModuleType:
    from bot.cli import reports

    return reports


def _scorecards() -> ModuleType:
    from bot.cli import scorecards

    return scorecards


def _scorecard(args: argparse.Namespace) -> int:
    """`scorecard CAMPAIGN`, `scorecard import CAMPAIGN FILE`, `scorecard consensus CAMPAIGN
    FILE`: a campaign id is free text, so the action is read from the words, not a subparser."""
    words = list(args.words)
    if words[0] == "export":
        if len(words) != 2 or not args.out:
            args.parser.error("scorecard export takes CAMPAIGN --out DIR")
        return int(_scorecards().export(words[1], args.out, lang=args.lang))
    if words[0] in ("import", "consensus"):
        if len(words) != 3:
            args.parser.error(f"scorecard {words[0]} takes CAMPAIGN FILE.csv")
        if words[0] == "import" and not args.scorer:
            args.parser.error("scorecard import needs --scorer NAME (whose scorecard it is)")
        scorer = args.scorer if words[0] == "import" else None
        return int(_scorecards().import_sheet(words[1], Path(words[2]), scorer=scorer))
    if len(words) != 1:
        args.parser.error("scorecard takes one CAMPAIGN (or: import / consensus CAMPAIGN FILE)")
    return int(_scorecards().show(words[0], as_json=args.json, lang=args.lang))


def _score() -> ModuleType:
    from bot.cli import score

    return score


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="readiness-bot",
        description="Community readiness preassessment and capacity checklist interviews.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("console", help="run an interview in this terminal")
    run.add_argument("--flow", choices=sorted(FLOWS), default="preassessment")
    run.add_argument("--lang", default="en", help="language, e.g. en or es (default en)")
    run.add_argument(
        "--campaign", help="count this interview in a campaign (an interviewer on the phone)"
    )
    run.add_argument("--resume", metavar="CODE", help="continue an unfinished interview")
    run.add_argument("--no-store", action="store_true", help="keep nothing (a demonstration)")
    run.add_argument(
        "--catalogs",
        type=Path,
        metavar="DIR",
        help="try the catalogs in DIR (laid out like bot/locales) before the shipped ones",
    )
    run.set_defaults(
        handler=lambda a: _console().command(
            FLOWS[a.flow], a.flow, a.lang, campaign_id=a.campaign, code=a.resume,
            store=not a.no_store, catalogs=a.catalogs,
        )
    )  # fmt: skip

    scoring = commands.add_parser(
        "score", help="calculate the guide's scorecard from a Combined Scorecard CSV"
    )
    scoring.add_argument(
        "scorecard", type=Path, help="CSV: a header row, then one row per dimension"
    )
    scoring.add_argument("--json", action="store_true", help="print one JSON object")
    scoring.add_argument("--lang", default="en", help="language of the text output")
    scoring.add_argument(
        "--for",
        dest="purpose",
        choices=PURPOSES,
        default=FULL_ASSESSMENT,
        help="what was scored: full-assessment interviews (default: no proceed/wait decision)"
        " or preassessment responses (adds the decision)",
    )
    scoring.set_defaults(
        handler=lambda a: _score().command(
            a.scorecard, as_json=a.json, lang=a.lang, purpose=a.purpose
        )
    )
    workbench = commands.add_parser(
        "scorecard",
        help="a campaign's scorecard from its agreed scores; import paper scorecards",
        description="scorecard CAMPAIGN [--json]: the Calculated Scorecard from the agreed"
        " scores, with the scorers' agreement and the differences flagged for the consensus"
        " meeting. scorecard import CAMPAIGN --scorer NAME FILE.csv: one scorer's Independent"
        " Scorecard. scorecard consensus CAMPAIGN FILE.csv: the agreed Combined Scorecard."
        " scorecard export CAMPAIGN --out DIR: every scorecard as CSV and one XLSX workbook.",
    )
    workbench.add_argument("words", nargs="+", metavar="[import|consensus|export] CAMPAIGN [FILE]")
    workbench.add_argument("--out", type=Path, help="with export: the folder to write into")
    workbench.add_argument("--scorer", help="with import: the scorer whose scorecard it is")
    workbench.add_argument("--json", action="store_true", help="print one JSON object")
    workbench.add_argument("--lang", default="en", help="language of the output")
    workbench.set_defaults(handler=_scorecard, parser=workbench)
    _operator_commands(commands)
    return parser


def _operator_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    run = commands.add_parser(
        "run",
        help="start the Telegram bot (long polling by default) and, when an address is given"
        " or there is no token, the web channel",
    )
    run.add_argument("--webhook-url", help="public HTTPS URL: run in webhook mode instead")
    run.add_argument(
        "--listen", help="serve the web channel (and webhook) on this address (127.0.0.1)"
    )
    run.add_argument(
        "--port",
        type=int,
        help="serve the web channel (and webhook) on this port (8080; 8443 with --webhook-url)",
    )
    run.set_defaults(handler=lambda a: _operator().run(a.webhook_url, a.listen, a.port))

    campaign = commands.add_parser("campaign", help="create or list campaigns")
    campaign_commands = campaign.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = campaign_commands.add_parser(
        "create", help="create a campaign and print its details (and Telegram links, if known)"
    )
    create.add_argument("--name", required=True)
    create.add_argument("--community-type", required=True, choices=("rural", "suburban", "urban"))
    create.add_argument("--flow", choices=sorted(FLOWS), default="preassessment")
    create.add_argument("--description", default="", help="the community, in a sentence or two")
    create.add_argument(
        "--organisation", default="", help="who runs the assessment (respondents are told)"
    )
    create.add_argument("--json", action="store_true")
    create.set_defaults(
        handler=lambda a: _operator().campaign_create(
            a.name,
            a.community_type,
            FLOWS[a.flow],
            a.flow,
            a.json,
            description=a.description,
            organisation=a.organisation,
        )
    )
    listing = campaign_commands.add_parser("list", help="list campaigns")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=lambda a: _operator().campaign_list(a.json))

    coordinator = commands.add_parser("coordinator", help="coordinator access")
    coordinator_commands = coordinator.add_subparsers(dest="action", required=True)
    invite = coordinator_commands.add_parser("invite", help="print a one-time coordinator link")
    invite.add_argument(
        "--campaign", help="of this campaign (default: a coordinator who sets up their own)"
    )
    invite.set_defaults(handler=lambda a: _operator().coordinator_invite_link(a.campaign))
    remove = coordinator_commands.add_parser("remove", help="take away a coordinator's access")
    remove.add_argument("telegram_id", type=int)
    remove.add_argument("--campaign", help="only from this campaign (default: from all)")
    remove.set_defaults(handler=lambda a: _operator().coordinator_remove(a.telegram_id, a.campaign))

    report = commands.add_parser("report", help="print a campaign's report")
    report.add_argument("campaign")
    report.add_argument("--json", action="store_true")
    report.add_argument("--chart", type=Path, help="also write the chart PNG here")
    report.add_argument("--lang", default="en")
    report.set_defaults(handler=lambda a: _reports().report(a.campaign, a.json, a.chart, a.lang))

    export = commands.add_parser("export", help="write a campaign's anonymised answers")
    export.add_argument("campaign")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("-o", "--output", type=Path, required=True)
    export.set_defaults(handler=lambda a: _reports().export(a.campaign, a.format, a.output))

    backup = commands.add_parser("backup", help="copy the database safely, even while it runs")
    backup.add_argument("file", type=Path)
    backup.set_defaults(handler=lambda a: _operator().backup(a.file))

    doctor = commands.add_parser("doctor", help="check settings, database, key, catalogs, token")
    doctor.set_defaults(handler=lambda a: _operator().doctor())


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command == "scorecard" and not any(w.startswith("-") for w in extra):
        # `scorecard import CAMPAIGN --scorer NAME FILE.csv`: words after an option.
        args.words += extra
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    from bot.settings import SettingsError
    from bot.startup import StartupError
    from bot.storage.errors import StorageError
    from questions.loader import BankError

    try:
        return int(args.handler(args))
    except (BankError, SettingsError) as error:
        print(f"readiness-bot: {error}", file=sys.stderr)
        return EXIT_SETTINGS
    except (StartupError, StorageError) as error:
        # StorageError: the database failed past its busy timeout, or is damaged beyond what
        # opening it checks; one line, not a traceback, either way.
        print(f"readiness-bot: {error}", file=sys.stderr)
        return EXIT_STARTUP
    except KeyboardInterrupt:
        return 130
