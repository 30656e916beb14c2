"""The `readiness-bot` command line: run the bot, interview in the terminal, score scorecards."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import operations
from bot.console import ConsoleInterview
from bot.i18n import negotiate, shipped_locales, translator
from bot.scorecard_report import scorecard_json, scorecard_text
from bot.settings import SettingsError
from questions.loader import BankError, default_library
from scoring import ScorecardError, assess, parse_scorecard

FLOWS = {"preassessment": "preassessment", "capacity": "capacity_checklist"}
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="readiness-bot",
        description="Community readiness preassessment and capacity checklist interviews.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    console = commands.add_parser("console", help="run an interview in this terminal")
    console.add_argument("--flow", choices=sorted(FLOWS), default="preassessment")
    console.add_argument("--lang", default="en", help="language, e.g. en or es (default en)")
    console.set_defaults(handler=lambda a: console_command(a.flow, a.lang))

    score = commands.add_parser(
        "score", help="calculate the guide's scorecard from a Combined Scorecard CSV"
    )
    score.add_argument("scorecard", type=Path, help="CSV: a header row, then one row per dimension")
    score.add_argument("--json", action="store_true", help="print one JSON object")
    score.add_argument("--lang", default="en", help="language of the text output")
    score.set_defaults(handler=lambda a: score_command(a.scorecard, as_json=a.json, lang=a.lang))
    _add_operator_commands(commands)
    return parser


def _add_operator_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    run = commands.add_parser("run", help="start the Telegram bot (long polling by default)")
    run.add_argument("--webhook-url", help="public HTTPS URL: run in webhook mode instead")
    run.add_argument("--listen", default="127.0.0.1", help="webhook: address to listen on")
    run.add_argument("--port", type=int, default=8443, help="webhook: port to listen on")
    run.set_defaults(handler=lambda a: operations.run_command(a.webhook_url, a.listen, a.port))

    campaign = commands.add_parser("campaign", help="create or list campaigns")
    campaign_commands = campaign.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = campaign_commands.add_parser("create", help="create a campaign and print its links")
    create.add_argument("--name", required=True)
    create.add_argument("--community-type", required=True, choices=("rural", "suburban", "urban"))
    create.add_argument("--flow", choices=sorted(operations.FLOWS), default="preassessment")
    create.add_argument("--json", action="store_true")
    create.set_defaults(
        handler=lambda a: operations.campaign_create_command(
            a.name, a.community_type, a.flow, a.json
        )
    )
    listing = campaign_commands.add_parser("list", help="list campaigns")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=lambda a: operations.campaign_list_command(a.json))

    coordinator = commands.add_parser("coordinator", help="coordinator access")
    coordinator_commands = coordinator.add_subparsers(dest="action", required=True)
    invite = coordinator_commands.add_parser("invite", help="print a one-time coordinator link")
    invite.set_defaults(handler=lambda a: operations.coordinator_invite_command())


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (BankError, SettingsError) as error:
        print(f"readiness-bot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def console_command(flow: str, lang: str) -> int:
    library = default_library()
    locale = negotiate(lang)
    if locale not in shipped_locales():
        locale = "en"
    interview = ConsoleInterview(
        library=library,
        bank=library.bank(FLOWS[flow]),
        tr=translator(locale),
        stdin=sys.stdin,
        stdout=sys.stdout,
    )
    interview.run()
    return 0


def score_command(path: Path, *, as_json: bool, lang: str) -> int:
    library = default_library()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        print(f"readiness-bot score: {path}: {error.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UnicodeDecodeError:
        print(f"readiness-bot score: {path}: not a UTF-8 text file", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        scorecard = parse_scorecard(text, library.model)
    except ScorecardError as error:
        print(f"readiness-bot score: {path}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    assessment = assess(scorecard)
    if as_json:
        print(json.dumps(scorecard_json(assessment, library.model), ensure_ascii=False))
    else:
        print(scorecard_text(assessment, library.model, translator(negotiate(lang))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
