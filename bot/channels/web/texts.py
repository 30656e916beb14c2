"""What only the web channel says (templates hold the words of the page furniture).

Some services' words name Telegram ("Send /start", "That button"); a browser shows these
instead, keyed by the service's message id.
"""

from __future__ import annotations

from bot.i18n import N_
from bot.services import texts

PRIVACY_WEB_LEAVE = N_(
    "You can stop at any time and come back later in this browser, or elsewhere with your "
    "code; go back to change an answer; or leave at once: the Leave now button (or the Esc "
    "key) replaces this page with another site, and Back does not bring it back."
)
RESUME_CODE = N_("Your code to continue later, in another browser: {code}")
PAUSED = N_("Your answers so far are kept")
PAUSED_HOW = N_(
    "Open the link again in this browser to continue where you left off. Elsewhere, continue "
    "with this code: {code}"
)
STALE_PAGE = N_("That page was out of date, so it changed nothing. Here is where you are now.")
NO_INTERVIEW_HERE = N_("There is no unfinished interview in this browser.")
USE_THE_PAGE = N_("Please use the buttons on this page.")
RESUMED = N_("Welcome back. Your answers so far are kept.")
CODE_UNKNOWN = N_(
    "No unfinished interview has that code. Check the letters (8 of them, such as "
    "BCDF-GHJK); an interview not touched for a long time is deleted."
)
CODE_MALFORMED = N_("A code has 8 letters, such as BCDF-GHJK. Please check it and try again.")
TOO_MANY = N_("Too many tries from this connection. Please wait a few minutes and try again.")
TOO_BIG = N_("That was more than this page takes. Nothing was changed; please try again.")
NOT_OUR_FORM = N_(
    "That form did not come from this page, or it was sent twice, so it changed nothing."
)
NEEDS_COOKIES = N_(
    "This page keeps your place with one cookie, and your browser did not send it back. "
    "Please allow cookies for this site, then open the link again."
)
BROKEN = N_("Something went wrong on our side. Your answers so far are kept; please try again.")
UNAVAILABLE = N_("The service is busy for a moment. Your answers so far are kept; please retry.")
NOT_FOUND = N_("There is no page here. Please check the link you were given.")
ALREADY_DONE = N_(
    "You have already completed this assessment in this browser. Thank you! To erase your "
    "answers, use “Erase my answers” at the bottom of the page with your receipt code."
)
OTHER_INTERVIEW_OPEN = N_(
    "This browser already has an interview in progress. Please finish it first, or erase it "
    "(“Erase my answers”, at the bottom of the page), then open the new link again."
)
DELETE_HOW = N_("To erase submitted answers, type the receipt code you were given.")
RECEIPT = N_(
    "Your receipt code: {code}. Keep it if you might want your answers erased later "
    "(“Erase my answers”, at the bottom of the page)."
)
TOO_LONG = N_(
    "Your answer has {length} characters; this page takes up to {limit}. Please shorten it."
)

INSTEAD = {
    texts.STALE_BUTTON: STALE_PAGE,
    texts.NO_INTERVIEW: NO_INTERVIEW_HERE,
    texts.USE_BUTTONS: USE_THE_PAGE,
    texts.RESUME_OFFER: RESUMED,
    texts.ALREADY_DONE: ALREADY_DONE,
    texts.OTHER_INTERVIEW_OPEN: OTHER_INTERVIEW_OPEN,
    texts.DELETE_HOW: DELETE_HOW,
    texts.TOO_LONG: TOO_LONG,
}
"""Service words a browser replaces with its own: there are no buttons or commands here."""
