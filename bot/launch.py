"""`make run`: the bot when a token is configured, otherwise set-up help and a console demo."""

from __future__ import annotations

import sys

from bot.cli import main
from bot.settings import SettingsError, load_settings

NO_TOKEN = """\
No Telegram token is configured, so the bot cannot start yet.

To get one: open Telegram, talk to @BotFather, send /newbot, choose a name and a
username, and copy the token it gives you. Then put it in a file called .env here:

    READINESS_TELEGRAM_TOKEN=123456789:AA...

and run `make run` again. Meanwhile, here is the preassessment in this terminal
(`.venv/bin/readiness-bot console --help` for more):
"""


def launch() -> int:
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"readiness-bot: {error}", file=sys.stderr)
        return 1
    if settings.telegram_token is not None:
        return main(["run"])
    print(NO_TOKEN)
    return main(["console", "--flow", "preassessment"])


if __name__ == "__main__":
    raise SystemExit(launch())
