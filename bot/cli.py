"""The `readiness-bot` command line: run the bot, interview in the terminal, score scorecards."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import operations
from bot.console import ConsoleInterview
from bot.console_store import ConsoleStore
from bot.i18n import N_, negotiate, shipped_locales, translator
from bot.scorecard_report import scorecard_json, scorecard_text
from bot.settings import SettingsError, load_settings
from questions.loader import BankError, default_library
from scoring import ScorecardError, assess, parse_scorecard

EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="readiness-bot",
        description="Community readiness preassessment and capacity checklist interviews.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    console = commands.add_parser("console", help="run an interview in this terminal")
    console.add_argument("--flow", choices=sorted(operations.FLOWS), default="preassessment")
    console.add_argument("--lang", default="en", help="language, e.g. en or es (default en)")
    console.add_argument(
        "--campaign", help="count this interview in a campaign (an interviewer on the phone)"
    )
    console.add_argument("--resume", metavar="CODE", help="continue an unfinished interview")
    console.add_argument("--no-store", action="store_true", help="keep nothing (a demonstration)")
    console.set_defaults(
        handler=lambda a: console_command(
            a.flow, a.lang, campaign_id=a.campaign, resume=a.resume, store=not a.no_store
        )
    )

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
    remove = coordinator_commands.add_parser("remove", help="take away a coordinator's access")
    remove.add_argument("telegram_id", type=int)
    remove.add_argument("--campaign", help="only from this campaign (default: from all)")
    remove.set_defaults(
        handler=lambda a: operations.coordinator_remove_command(a.telegram_id, a.campaign)
    )

    report = commands.add_parser("report", help="print a campaign's report")
    report.add_argument("campaign")
    report.add_argument("--json", action="store_true")
    report.add_argument("--chart", type=Path, help="also write the chart PNG here")
    report.add_argument("--lang", default="en")
    report.set_defaults(
        handler=lambda a: operations.report_command(a.campaign, a.json, a.chart, a.lang)
    )

    export = commands.add_parser("export", help="write a campaign's anonymised answers")
    export.add_argument("campaign")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("-o", "--output", type=Path, required=True)
    export.set_defaults(handler=lambda a: operations.export_command(a.campaign, a.format, a.output))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (BankError, SettingsError) as error:
        print(f"readiness-bot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def console_command(
    flow: str,
    lang: str,
    *,
    campaign_id: str | None = None,
    resume: str | None = None,
    store: bool = True,
) -> int:
    library = default_library()
    locale = negotiate(lang)
    if locale not in shipped_locales():
        locale = "en"
    bank = library.bank(operations.FLOWS[flow])
    recorder = ConsoleStore(load_settings(), bank) if store else None
    try:
        state = None
        if recorder is not None and campaign_id is not None:
            campaign = recorder.campaign_by_id(campaign_id)
            if campaign is None or campaign.flow != bank.id or not campaign.is_open:
                print(
                    f"readiness-bot console: no open {flow} campaign {campaign_id!r}",
                    file=sys.stderr,
                )
                return 2
            recorder.campaign = campaign
        if recorder is not None and resume:
            state = recorder.resume(resume)
            if state is None:
                print(f"readiness-bot console: nothing to resume under {resume!r}", file=sys.stderr)
                return 2
        interview = ConsoleInterview(
            library=library,
            bank=bank,
            tr=translator(locale),
            stdin=sys.stdin,
            stdout=sys.stdout,
            recorder=recorder,
        )
        final = interview.run(state)
        if recorder is not None and final.phase != "done" and final.answers:
            print(
                translator(locale)
                .gettext(
                    N_("To continue later: readiness-bot console --flow {flow} --resume {code}")
                )
                .format(flow=flow, code=recorder.session_id)
            )
    finally:
        if recorder is not None:
            recorder.close()
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
