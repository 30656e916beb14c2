"""The command menus Telegram shows: respondents' for everyone, coordinators' in their chats."""

from __future__ import annotations

from bot.i18n import N_, translator

RESPONDENT_COMMANDS = (
    ("start", N_("Start or continue an interview")),
    ("help", N_("What this bot does, and the hotline")),
    ("language", N_("Change the language")),
    ("exit", N_("Leave now: delete this chat's messages of the last 48 hours")),
    ("delete", N_("Erase your answers")),
    ("noreminder", N_("No reminder for this interview")),
)
COORDINATOR_COMMANDS = (
    ("new", N_("Set up an assessment")),
    ("campaigns", N_("Your assessments")),
    ("report", N_("Report of an assessment")),
    ("export", N_("Anonymised answers as CSV and XLSX")),
    ("mute", N_("Stop the per-response messages")),
    ("unmute", N_("Restart the per-response messages")),
    ("help", N_("What this bot does, and the hotline")),
)


def menu(commands: tuple[tuple[str, str], ...], locale: str) -> list[tuple[str, str]]:
    tr = translator(locale)
    return [(name, tr.gettext(description)) for name, description in commands]
