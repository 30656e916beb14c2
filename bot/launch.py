"""`make run`: the bot when a token is configured; otherwise the web channel on this machine
with a demonstration campaign, and how to get a token."""

from __future__ import annotations

import argparse
import sys

from bot.cli import main
from bot.cli.operator import WEB_PORT, demo_campaign_token, run
from bot.services.coordinator import Links
from bot.settings import SettingsError, load_settings
from bot.startup import StartupError
from bot.storage.errors import StorageError

NO_TOKEN = """\
No Telegram token is configured, so the Telegram bot cannot start yet; the web channel
(the same interviews in a browser) starts on this machine instead.

To get a token: open Telegram, talk to @BotFather, send /newbot, choose a name and a
username, and copy the token it gives you. Then put it in a file called .env here:

    READINESS_TELEGRAM_TOKEN=123456789:AA...

and run `make run` again. An interview in this terminal: `.venv/bin/readiness-bot console`.
"""


def launch(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make run")
    parser.add_argument("--port", type=int, default=WEB_PORT)
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        if settings.telegram_token is not None:
            return main(["run"])
        print(NO_TOKEN, flush=True)
        token = demo_campaign_token()
        return run(None, None, args.port, announce=lambda links: _announce(links, token))
    except (SettingsError, StartupError, StorageError) as error:
        print(f"readiness-bot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


def _announce(links: Links, token: str) -> None:
    print(
        f"Open the demonstration interview in a browser: {links.web(token)}\n"
        "(Ctrl+C stops it. `.venv/bin/readiness-bot campaign list` shows its id, and\n"
        "`.venv/bin/readiness-bot report ID` what was answered.)",
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(launch(sys.argv[1:]))
