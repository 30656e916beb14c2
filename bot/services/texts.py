"""Fixed respondent-facing texts, the same in every channel (translated at render time)."""

from __future__ import annotations

from bot.i18n import N_

HOTLINE = N_(
    "U.S. National Human Trafficking Hotline: call 1-888-373-7888 or text 233733, "
    "24/7, in more than 200 languages. In an emergency, call 911."
)
WELCOME = N_(
    "Hello! I run the community readiness preassessment and the organisational capacity "
    "checklist for task forces working against human trafficking.\n\n"
    "If your task force sent you a link, please open that link to take part in its "
    "assessment. You can also try an interview for yourself: only you will see the result."
)
FOR_COORDINATORS = N_(
    "Coordinators: ask the person who runs this bot for a coordinator invite link, "
    "then create an assessment and share its link with your key respondents."
)
PRIVACY = N_(
    "Before we start, what happens to your answers:\n"
    "• They are stored without your Telegram name, username, phone number or id.\n"
    "• E-mail addresses, phone numbers, links, @handles, long numbers and your own "
    "Telegram name are removed from what you type. Other names are not: please do not "
    "write names of people or organisations."
)
"""The privacy screen is these parts in this order, the reminder only when one can come."""
PRIVACY_READERS = N_(
    "• The task force's coordinators, and the scorers and reviewer it names, read the answers, "
    "without your name."
)
PRIVACY_READERS_PERSONAL = N_(
    "• This is a try for yourself: no task force sees these answers, and they count in no "
    "assessment."
)
PRIVACY_UNFINISHED = N_(
    "• Until you submit, your answers are kept under a code so that you can continue later. "
    "An interview left unfinished for {days} is deleted."
)
PRIVACY_REMINDER = N_(
    "• If you stop midway, one reminder may come after {delay}. /noreminder turns it off."
)
PRIVACY_SUBMIT = N_(
    "• When you submit, your answers are separated from you for good, and a receipt code "
    "lets you erase them."
)
PRIVACY_LEAVE = N_(
    "You can stop at any time and come back later, go back to change an answer, or leave "
    "at once: the 🚪 Leave now button or /exit deletes this chat's messages of the last 48 "
    "hours."
)
PRIVACY_CONSOLE_LEAVE = N_(
    "You can stop at any time and continue later with the code shown, and go back to "
    "change an answer."
)
PRIVACY_DEMO = N_("This is a demonstration: nothing you type is kept after it ends.")
HELP = N_(
    "This bot runs the community readiness preassessment and the organisational capacity "
    "checklist: how ready a community is to act against human trafficking. Your answers are "
    "stored without your Telegram name, username, phone number or id, and a task force's "
    "coordinators, scorers and reviewer read the answers to its assessment without your name."
    "\n\n"
    "• ◀ Back changes your previous answer.\n"
    "• /start continues where you left off.\n"
    "• /language changes the language.\n"
    "• /noreminder: no reminder for the interview in progress.\n"
    "• /exit or 🚪 Leave now deletes this chat's messages of the last 48 hours at once.\n"
    "• /delete erases your answers (after submitting: /delete followed by your receipt code)."
)
GROUP_ONLY_PRIVATE = N_("Interviews are private. Please open a private chat with me to take part.")
RESUME_OFFER = N_(
    "Welcome back. Your answers so far are kept. Shall we continue where you left off?"
)
CONTINUE = N_("Continue ▶")
NOT_NOW = N_("Not now")
START_PERSONAL_PRE = N_("Try the preassessment")
START_PERSONAL_CHECKLIST = N_("Try the capacity checklist")
CONSENT_DECLINED = N_(
    "No problem. Nothing of this interview is kept. Open the link again whenever you are ready."
)
ALREADY_DONE = N_(
    "You have already completed this assessment. Thank you! To erase your answers, send "
    "/delete followed by your receipt code."
)
CAMPAIGN_CLOSED = N_("This assessment has closed and no longer takes answers. Thank you.")
UNKNOWN_LINK = N_(
    "This link is not valid (it may have been mistyped or withdrawn). Please ask the "
    "person who sent it for a new one."
)
OTHER_INTERVIEW_OPEN = N_(
    "You already have an interview in progress. Please finish it first, or erase it with "
    "/delete and then open the new link again."
)
STALE_BUTTON = N_("That button belongs to an interview that is no longer open.")
EDITED_IGNORED = N_(
    "I noticed you edited a message. Edits do not change answers already given: use "
    "◀ Back to change an answer."
)
USE_BUTTONS = N_("Please use the buttons above.")
NO_INTERVIEW = N_("There is no interview in progress. Send /start to begin.")
THANKS = N_(
    "Thank you! Your answers have been submitted and are no longer linked to you. "
    "The task force combines all answers to decide on next steps."
)
THANKS_PERSONAL = N_("Thank you! Here is your result. It has been shown only to you.")
RECEIPT = N_(
    "Your receipt code: <code>{code}</code>\n"
    "Keep it if you might want your answers erased later: send /delete {code}."
)
DELETE_CONFIRM = N_("Erase every answer of the interview in progress? This cannot be undone.")
DELETE_YES = N_("Erase my answers")
DELETE_NO = N_("Keep them")
DELETED_OPEN = N_("Your answers have been erased.")
DELETE_HOW = N_(
    "To erase submitted answers, send /delete followed by the receipt code you were "
    "given, for example: /delete BCDF-GHJK-LMNP"
)
DELETED_RECEIPT = N_("The answers with that receipt code have been erased.")
RECEIPT_UNKNOWN = N_(
    "No answers match that receipt code. They may have been erased already; please check the code."
)
KEPT = N_("Your answers are kept.")
TOO_LONG = N_(
    "That message has {length} characters; one message can hold {limit}. Please send it in "
    "parts: messages sent one after another make one answer."
)
ADDED_TO_ANSWER = N_("➕ Added to your answer to question {number}.")
REMINDER = N_(
    "You have an unfinished assessment. Send /start to continue where you left off, "
    "or /delete to erase it. This is the only reminder."
)
NO_REMINDER_DONE = N_("No reminder will come for this interview.")
NO_REMINDER_NOTHING_OPEN = N_("There is no interview in progress, so no reminder will come.")
COORDINATOR_JOINED = N_(
    "You are now a coordinator of “{name}”. You will get a summary message each time a "
    "respondent completes it."
)
COORDINATOR_JOINED_GENERAL = N_("You are now a coordinator.")
INVITE_USED = N_("This coordinator link has already been used. Please ask for a new one.")
SUMMARY_TITLE = N_("New response for “{name}”")
SUMMARY_COUNT = N_("Completed: {count} (recommended {low}-{high} key respondents)")
SUMMARY_CAMPAIGN = N_("Assessment over {covers} responses: overall {score}, {level}")
SUMMARY_LEVELS_LATER = N_(
    "The assessment's levels are shown here at {at} responses, and then every 3 more, so "
    "that no notice tells one respondent's answers apart. The full report: /report"
)
SUMMARY_LEVELS_PROVISIONAL = N_(
    "(provisional: too few respondents, or a dimension most could not rate; see /report)"
)
SUMMARY_PROVISIONAL = N_("(provisional: fewer respondents than recommended)")
SUMMARY_PROCEED = N_("Decision so far: proceed with the full assessment.")
SUMMARY_WAIT = N_("Decision so far: wait and work on the level 1-3 strategies first.")
BANK_CHANGED = N_(
    "The questions were updated since you started. Your answers to the questions that did "
    "not change are kept."
)
SOMETHING_WRONG = N_(
    "Sorry, something went wrong on our side. Your answers so far are kept. Please try "
    "again in a moment."
)
DURATION = N_("It takes about {minutes} minutes.")
"""Measured, not guessed: see `Bank.minutes`."""
ABOUT_COMMUNITY = N_("This assessment is about: {community}")
ASKED_BY = N_("It is run by {organisation}.")
VOLUNTEER_BUTTON = N_("🙋 Leave a way to contact me")
VOLUNTEER_CONSENT = N_(
    "You said you might take part in the full assessment interview. If you would like to be "
    "invited, you can leave a way to contact you: a phone number, an e-mail address, or "
    "where and when to find you.\n\n"
    "• It is used only to invite you to the full assessment interview.\n"
    "• Only the coordinators of this assessment see it.\n"
    "• It is stored apart from your answers and is never joined to them.\n"
    "• To delete it, send /delete followed by your receipt code. The coordinators delete it "
    "once they have contacted you.\n\n"
    "Write only what you are happy to share. Type it now, in one message of up to {limit} "
    "characters, or tap Cancel."
)
VOLUNTEER_CANCEL = N_("Cancel")
VOLUNTEER_CANCELLED = N_("Cancelled: no contact was kept.")
VOLUNTEER_THANKS = N_(
    "Thank you. Only the coordinators of this assessment will see the contact you left, and "
    "only to invite you to the full assessment interview. To delete it, send /delete "
    "followed by your receipt code."
)
VOLUNTEER_TOO_LONG = N_(
    "That message has {length} characters; a contact can have up to {limit}. Please send a "
    "shorter one, or tap Cancel."
)
VOLUNTEER_ENDED = N_(
    "This offer has ended: a contact was already left, it was cancelled, or it expired."
)
DELETED_CONTACT = N_("The contact you left for the full assessment interview has been erased.")
RECORDED = N_(
    "Interview {label} is recorded. Scorers know it only by this label. If the respondent "
    "asks for it to be erased, send /delete {code} to the bot (keep this code where only you "
    "see it)."
)
