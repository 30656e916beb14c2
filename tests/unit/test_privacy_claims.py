"""Every privacy or safety claim a respondent reads is a claim of the table in
`docs/privacy.md`, and every claim there names tests that exist. A new sentence in a text
she reads fails here until it is given a claim, and a claim a test proves.

Also here, the tests of claims no other test covered: other people's names are kept, the
privacy screen states the settings' own numbers, and the hotline ends every help text.
"""

from __future__ import annotations

import ast
import asyncio
import re
from datetime import timedelta
from pathlib import Path

import pytest

from bot.channels.console.presenter import ConsolePresenter
from bot.channels.telegram.markup import Text
from bot.channels.telegram.menus import RESPONDENT_COMMANDS
from bot.channels.telegram.presenter import Presenter
from bot.channels.web import texts as web_texts
from bot.i18n import shipped_locales, translator
from bot.privacy import redact
from bot.render import plain
from bot.services import texts
from bot.services.effects import Reply
from bot.services.respondent import Respondents, Who
from bot.services.submission import Submitter
from bot.services.views import Consent, Say
from bot.storage.db import Store
from questions.loader import default_library

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "privacy.md"
SECTION = "## What the respondent is told, and the test behind each claim"
LIBRARY = default_library()
SECRET = b"s" * 32
PRE = LIBRARY.bank("preassessment")
MENU = dict(RESPONDENT_COMMANDS)

TOLD: dict[str, str] = {
    "texts.PRIVACY": texts.PRIVACY,
    "texts.PRIVACY_READERS": texts.PRIVACY_READERS,
    "texts.PRIVACY_READERS_PERSONAL": texts.PRIVACY_READERS_PERSONAL,
    "texts.PRIVACY_UNFINISHED": texts.PRIVACY_UNFINISHED,
    "texts.PRIVACY_REMINDER": texts.PRIVACY_REMINDER,
    "texts.PRIVACY_SUBMIT": texts.PRIVACY_SUBMIT,
    "texts.PRIVACY_LEAVE": texts.PRIVACY_LEAVE,
    "texts.PRIVACY_CONSOLE_LEAVE": texts.PRIVACY_CONSOLE_LEAVE,
    "texts.PRIVACY_DEMO": texts.PRIVACY_DEMO,
    "texts.HOTLINE": texts.HOTLINE,
    "texts.HELP": texts.HELP,
    "texts.RECEIPT": texts.RECEIPT,
    "texts.THANKS": texts.THANKS,
    "texts.THANKS_PERSONAL": texts.THANKS_PERSONAL,
    "texts.CONSENT_DECLINED": texts.CONSENT_DECLINED,
    "texts.DELETE_CONFIRM": texts.DELETE_CONFIRM,
    "texts.DELETE_HOW": texts.DELETE_HOW,
    "texts.DELETED_OPEN": texts.DELETED_OPEN,
    "texts.DELETED_RECEIPT": texts.DELETED_RECEIPT,
    "texts.RECEIPT_UNKNOWN": texts.RECEIPT_UNKNOWN,
    "texts.REMINDER": texts.REMINDER,
    "texts.NO_REMINDER_DONE": texts.NO_REMINDER_DONE,
    "texts.NO_REMINDER_NOTHING_OPEN": texts.NO_REMINDER_NOTHING_OPEN,
    "preassessment confidentiality screen": PRE.question("confidentiality").prompt,
    "preassessment sector hint": PRE.question("sector").hint or "",
    "preassessment content note": PRE.question("definition").content_note or "",
    "texts.DURATION": texts.DURATION,
    "web PRIVACY_WEB_LEAVE": web_texts.PRIVACY_WEB_LEAVE,
    "web RESUME_CODE": web_texts.RESUME_CODE,
    "web PAUSED_HOW": web_texts.PAUSED_HOW,
    "web RECEIPT": web_texts.RECEIPT,
    "web DELETE_HOW": web_texts.DELETE_HOW,
    "web ALREADY_DONE": web_texts.ALREADY_DONE,
    "web OTHER_INTERVIEW_OPEN": web_texts.OTHER_INTERVIEW_OPEN,
    "web RESUMED": web_texts.RESUMED,
    "menu /exit": MENU["exit"],
    "menu /delete": MENU["delete"],
    "menu /noreminder": MENU["noreminder"],
}
"""The English texts a respondent reads about privacy and safety."""

COURTESY = ""
"""The claim id of a sentence that claims nothing (a greeting, a heading, an invitation)."""

CLAIMS: dict[str, tuple[str, ...]] = {
    # the privacy screen, in its order
    "Before we start, what happens to your answers:": (COURTESY,),
    "They are stored without your Telegram name, username, phone number or id.": (
        "no-identity-stored",
    ),
    "E-mail addresses, phone numbers, links, @handles, long numbers and your own Telegram "
    "name are removed from what you type.": ("redacted",),
    "Other names are not: please do not write names of people or organisations.": (
        "other-names-kept",
    ),
    "The task force's coordinators, and the scorers and reviewer it names, read the answers, "
    "without your name.": ("coordinators-read",),
    "This is a try for yourself: no task force sees these answers, and they count in no "
    "assessment.": ("personal-try",),
    "Until you submit, your answers are kept under a code so that you can continue later.": (
        "kept-to-continue",
    ),
    "An interview left unfinished for {days} is deleted.": ("unfinished-expires",),
    "If you stop midway, one reminder may come after {delay}.": ("one-reminder",),
    "/noreminder turns it off.": ("reminder-off",),
    "When you submit, your answers are separated from you for good, and a receipt code lets "
    "you erase them.": ("unlinked-on-submit", "receipt-erases"),
    "You can stop at any time and come back later, go back to change an answer, or leave at "
    "once: the 🚪 Leave now button or /exit deletes this chat's messages of the last 48 "
    "hours.": ("kept-to-continue", "back", "quick-exit"),
    "You can stop at any time and continue later with the code shown, and go back to change "
    "an answer.": ("console-continue", "back"),
    "This is a demonstration: nothing you type is kept after it ends.": ("console-demo",),
    "U.S. National Human Trafficking Hotline: call 1-888-373-7888 or text 233733, 24/7, in "
    "more than 200 languages.": ("hotline",),
    "In an emergency, call 911.": ("hotline",),
    # the web channel's own words
    "You can stop at any time and come back later in this browser, or elsewhere with your "
    "code; go back to change an answer; or leave at once: the Leave now button (or the Esc "
    "key) replaces this page with another site, and Back does not bring it back.": (
        "web-continue",
        "back",
        "web-leave",
    ),
    "Your code to continue later, in another browser: {code}": ("web-continue",),
    "Open the link again in this browser to continue where you left off.": ("web-continue",),
    "Elsewhere, continue with this code: {code}": ("web-continue",),
    "Your receipt code: {code}.": ("receipt-erases",),
    "Keep it if you might want your answers erased later (“Erase my answers”, at the bottom "
    "of the page).": ("receipt-erases",),
    "To erase submitted answers, type the receipt code you were given.": ("receipt-erases",),
    "You have already completed this assessment in this browser.": (COURTESY,),
    "To erase your answers, use “Erase my answers” at the bottom of the page with your "
    "receipt code.": ("receipt-erases",),
    "This browser already has an interview in progress.": ("web-continue",),
    "Please finish it first, or erase it (“Erase my answers”, at the bottom of the page), "
    "then open the new link again.": ("erase-open",),
    "Welcome back.": (COURTESY,),
    "Your answers so far are kept.": ("web-continue",),
    # help
    "This bot runs the community readiness preassessment and the organisational capacity "
    "checklist: how ready a community is to act against human trafficking.": (COURTESY,),
    "Your answers are stored without your Telegram name, username, phone number or id, and a "
    "task force's coordinators, scorers and reviewer read the answers to its assessment without "
    "your name.": (
        "no-identity-stored",
        "coordinators-read",
    ),
    "◀ Back changes your previous answer.": ("back",),
    "/start continues where you left off.": ("kept-to-continue",),
    "/language changes the language.": ("language",),
    "/noreminder: no reminder for the interview in progress.": ("reminder-off",),
    "/exit or 🚪 Leave now deletes this chat's messages of the last 48 hours at once.": (
        "quick-exit",
    ),
    "/delete erases your answers (after submitting: /delete followed by your receipt code).": (
        "erase-open",
        "receipt-erases",
    ),
    # after submitting, erasing, declining
    "Your receipt code: <code>{code}</code>": ("receipt-erases",),
    "Keep it if you might want your answers erased later: send /delete {code}.": (
        "receipt-erases",
    ),
    "Thank you!": (COURTESY,),
    "Your answers have been submitted and are no longer linked to you.": ("unlinked-on-submit",),
    "The task force combines all answers to decide on next steps.": ("task-force-decides",),
    "Here is your result.": (COURTESY,),
    "It has been shown only to you.": ("personal-try",),
    "No problem.": (COURTESY,),
    "Nothing of this interview is kept.": ("declined-keeps-nothing",),
    "Open the link again whenever you are ready.": (COURTESY,),
    "Erase every answer of the interview in progress?": ("erase-open",),
    "This cannot be undone.": ("erase-open",),
    "To erase submitted answers, send /delete followed by the receipt code you were given, "
    "for example: /delete BCDF-GHJK-LMNP": ("receipt-erases",),
    "Your answers have been erased.": ("erase-open",),
    "The answers with that receipt code have been erased.": ("receipt-erases",),
    "No answers match that receipt code.": ("receipt-erases",),
    "They may have been erased already; please check the code.": ("receipt-erases",),
    # the reminder and its off switch
    "You have an unfinished assessment.": ("kept-to-continue",),
    "Send /start to continue where you left off, or /delete to erase it.": (
        "kept-to-continue",
        "erase-open",
    ),
    "This is the only reminder.": ("one-reminder",),
    "No reminder will come for this interview.": ("reminder-off",),
    "There is no interview in progress, so no reminder will come.": ("reminder-off",),
    # the bank's own words (Appendix C), and the sector question
    "Your responses will help inform next steps.": ("task-force-decides",),
    "It takes about {minutes} minutes.": ("duration",),
    # the note before the legal definition (ours, not the guide's)
    "Content note: the next message quotes the U.S. legal definition of human trafficking.": (
        "content-note",
    ),
    "It mentions commercial sex, people under 18, force, fraud, coercion and debt bondage.": (
        "content-note",
    ),
    "Reading it is up to you: skipping it changes nothing in the interview.": ("content-note",),
    "Your responses will remain confidential, and your responses will not be tied to you or "
    "your organization.": ("unlinked-on-submit", "no-identity-stored", "sector-k3"),
    "Optional.": (COURTESY,),
    "Used only for counts of 3 or more; never shown for a single person.": ("sector-k3",),
    # the command menu
    "Leave now: delete this chat's messages of the last 48 hours": ("quick-exit",),
    "Erase your answers": ("erase-open", "receipt-erases"),
    "No reminder for this interview": ("reminder-off",),
}
"""Each sentence she reads, and the claims it makes (COURTESY: none)."""

_SENTENCE_END = re.compile(r"(?<=[a-z0-9>)}][.!?])\s+")
"""A sentence ends after a full stop that follows a small letter, a digit or a placeholder:
"U.S." does not end one."""


def sentences(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        line = line.strip().removeprefix("•").strip()
        found += [part for part in _SENTENCE_END.split(line) if part]
    return found


def claims_table() -> dict[str, list[str]]:
    """Claim id -> the tests named for it, from the table in `docs/privacy.md`."""
    text = DOC.read_text(encoding="utf-8")
    assert SECTION in text, f"{DOC} has no section {SECTION!r}"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    table: dict[str, list[str]] = {}
    for row in section.splitlines():
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        claim = cells[0].strip("`")
        table[claim] = re.findall(r"`(tests/[^`]+?\.py::\w+)`", cells[2])
    return table


def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef)
    return {node.name for node in tree.body if isinstance(node, kinds)}


# --- the table and the texts --------------------------------------------------------------------


def test_every_claim_in_the_table_names_tests_that_exist() -> None:
    table = claims_table()
    assert table, "the claims table is empty"
    for claim, named in table.items():
        assert named, f"claim {claim!r} names no test"
        for reference in named:
            path, name = reference.split("::")
            assert (ROOT / path).is_file(), f"{claim}: no file {path}"
            assert name.startswith("test_") and name in defined_tests(ROOT / path), (
                f"{claim}: {path} has no test {name}"
            )


@pytest.mark.parametrize("source", sorted(TOLD))
def test_every_sentence_she_reads_makes_only_claims_of_the_table(source: str) -> None:
    table = claims_table()
    told = sentences(TOLD[source])
    assert told, f"{source} is empty"
    for sentence in told:
        assert sentence in CLAIMS, f"{source}: no claim id for the sentence {sentence!r}"
        for claim in CLAIMS[sentence]:
            assert claim == COURTESY or claim in table, (
                f"{source}: claim {claim!r} of {sentence!r} is not in {DOC.name}'s table"
            )


def test_every_claim_is_still_told_somewhere() -> None:
    """A claim whose sentences were all rewritten away leaves the mapping, not the table."""
    told = {s for text in TOLD.values() for s in sentences(text)}
    assert sorted(set(CLAIMS) - told) == []


# --- claims no other test covered ---------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "Maria Lopez from the county clinic refers most cases.",
        "Hope House Shelter and St. Anne's Mission run the only beds.",
        "My colleague Dwayne Okafor trains the police.",
        "A girl called Timmy's sister, Lily, was the first case.",
    ],
)
def test_names_of_other_people_and_organisations_are_not_removed(typed: str) -> None:
    """Redaction removes contact details and her own Telegram name, nothing else: the
    privacy screen says so and asks her not to write such names."""
    assert redact(typed, names=("Ana", "Ruiz", "ana_r")) == typed
    assert "Other names are not" in texts.PRIVACY
    assert "please do not write names of people or organisations" in texts.PRIVACY


def consent(**values: object) -> Consent:
    return Consent("en", "s1", "preassessment", community="Riverside", **values)  # type: ignore[arg-type]


def on_telegram(view: Consent) -> str:
    rendered = Presenter(LIBRARY).render(view)
    assert len(rendered) == 1 and isinstance(rendered[0], Text)
    return rendered[0].text


def test_the_privacy_screen_states_the_settings_numbers() -> None:
    shown = on_telegram(consent(unfinished_days=30, reminder_seconds=24 * 3600))
    assert "An interview left unfinished for 30 days is deleted." in shown
    assert "one reminder may come after 24 hours. /noreminder turns it off." in shown
    assert "read the answers, without your name" in shown
    short = on_telegram(consent(unfinished_days=1, reminder_seconds=90))
    assert "unfinished for 1 day is deleted" in short and "after 2 minutes" in short
    # Reminders off: not a word about one.
    off = on_telegram(consent(unfinished_days=7, reminder_seconds=None))
    assert "reminder" not in off and "for 7 days" in off
    # The terminal: no reminder, no chat to clear.
    console = "\n".join(ConsolePresenter(LIBRARY).render(consent(), stored=True))
    assert "reminder" not in console and "Leave now" not in console
    assert "for 30 days" in console and "continue later with the code shown" in console
    demo = "\n".join(ConsolePresenter(LIBRARY).render(consent(), stored=False))
    assert "nothing you type is kept" in demo and "receipt" not in demo


async def test_the_consent_view_carries_the_settings_values(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "r.db")
    respondents = Respondents(
        LIBRARY, SECRET, Submitter(SECRET), shipped_locales(), timedelta(hours=12), 9
    )
    try:
        async with store.transaction() as tx:
            effects = await respondents.open_now(tx, Who("k"), "preassessment", None, "en")
    finally:
        await store.close()
    shown = [e.view for e in effects if isinstance(e, Reply) and isinstance(e.view, Consent)]
    assert [(v.unfinished_days, v.reminder_seconds) for v in shown] == [(9, 12 * 3600)]


def test_the_hotline_ends_every_help_and_the_privacy_screen(tmp_path: Path) -> None:
    hotline = translator("en").gettext(texts.HOTLINE)
    telegram, console = Presenter(LIBRARY), ConsolePresenter(LIBRARY)
    assert on_telegram(consent()).endswith(hotline)
    assert console.render(consent(), stored=True)[-3] == hotline
    assert console.render(consent(), stored=False)[-3] == hotline
    assert hotline in console.hint(translator("en"))
    for said in asyncio.run(_help_texts(tmp_path)):
        assert plain(telegram.say(said).text).endswith(hotline), said


async def _help_texts(tmp_path: Path) -> list[Say]:
    """What `/help` shows (also after a coordinator's help), and the help after choosing a
    language with no interview open."""
    store = await Store.open(tmp_path / "r.db")
    respondents = Respondents(LIBRARY, SECRET, Submitter(SECRET), shipped_locales())
    try:
        async with store.transaction() as tx:
            effects = [
                *await respondents.help(tx, Who("k")),
                *await respondents.choose_language(tx, Who("k"), None, "en"),
            ]
    finally:
        await store.close()
    said = [e.view for e in effects if isinstance(e, Reply) and isinstance(e.view, Say)]
    assert len(said) == 2
    return said
