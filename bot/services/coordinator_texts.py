"""Fixed coordinator-facing texts (translated at render time)."""

from __future__ import annotations

from bot.i18n import N_

COORDINATOR_HELP = N_(
    "Coordinator commands:\n"
    "/new: set up an assessment for your community\n"
    "/campaigns: your assessments, with report, export, link and close buttons\n"
    "/report: the report of an assessment\n"
    "/export: the anonymised answers as CSV and XLSX\n"
    "/mute and /unmute: stop or restart the per-response messages\n"
    "/cancel: stop setting up an assessment\n"
    "/work: the interviews you conduct, score or review"
)
NEW_NAME = N_(
    "Let's set up an assessment. Step 1 of the guide: define your community.\n\n"
    "What is the community's name? (for example a county, a city, or a network of "
    "organisations)"
)
NEW_DESCRIPTION = N_(
    "Describe the community in a sentence or two: a geographic area, or a set of "
    "organisations serving a common population (for example youth, Indigenous people, "
    "foreign nationals)."
)
NEW_ORGANISATION = N_(
    "Which organisation runs this assessment (for example the county's anti-trafficking task "
    "force)? Respondents are told before they agree to take part."
)
NEW_TYPE = N_("What kind of community is it? This sets the recommended number of key respondents.")
NEW_FLOW = N_("Which interview should respondents take?")
NEW_LANGUAGES = N_("Which languages should respondents be offered? Tap to select, then Done.")
MACHINE_DRAFTED_NOTE = N_(
    "* Machine-drafted: not yet reviewed by a qualified translator. Have a speaker of the "
    "language read it before respondents do."
)
NEW_CONFIRM = N_(
    "Create this assessment?\n\n<b>{name}</b>\n{description}\nRun by: {organisation}\n"
    "{type}, {flow}\nLanguages: {languages}"
)
NEW_CREATED = N_(
    "Your assessment “{name}” is ready. Share this link (or the QR code) with your key "
    "respondents:\n{link}\n\nRecommended: {low} to {high} key respondents from different sectors."
)
NEW_CREATED_LED = N_(
    "Your assessment “{name}” is ready. Its interviews are conducted by interviewers (Appendix "
    "D) and scored by at least two scorers, with a third-party reviewer (Appendix E): invite "
    "them with the buttons below."
)
NEW_CANCELLED = N_("Set-up cancelled. Nothing was created.")
NOTHING_TO_CANCEL = N_("No set-up is in progress, so there is nothing to cancel.")
NEW_BUTTON_EXPECTED = N_(
    "Please answer with the buttons of the last set-up message, or /cancel to stop."
)
SETUP_ENDED = N_(
    "This set-up has already ended. /campaigns lists your assessments; /new starts another."
)
SETUP_EARLIER = N_(
    "That button belongs to an earlier set-up, which has ended. Please answer the latest "
    "message of the one in progress, or /cancel it."
)
SETUP_NOT_CURRENT = N_(
    "That is not the current step of the set-up. Please answer its latest message, or "
    "/cancel to stop."
)
NEW_TOO_LONG = N_("Please keep it under {limit} characters.")
SKIP = N_("Skip ⏭")
CREATE = N_("✅ Create")
CANCEL = N_("Cancel")
DONE = N_("Done ✔")
RURAL = N_("Rural (6-8 respondents)")
SUBURBAN = N_("Suburban (9-12 respondents)")
URBAN = N_("Urban (9-12 respondents)")
FLOW_PRE = N_("Community readiness preassessment")
FLOW_CAP = N_("Organisational capacity checklist")
FLOW_FULL = N_("Full community readiness assessment (interviewers)")
COMMUNITY_TYPE_NAMES = {"rural": RURAL, "suburban": SUBURBAN, "urban": URBAN}
FLOW_NAMES = {
    "preassessment": FLOW_PRE,
    "capacity_checklist": FLOW_CAP,
    "full_assessment": FLOW_FULL,
}
NO_CAMPAIGNS = N_("You have no assessments yet. Send /new to set one up.")
CAMPAIGN_LINE = N_(
    "<b>{name}</b> ({flow}, {state})\n"
    "Completed: {done} · in progress: {open} · recommended {low}-{high}"
)
STATE_OPEN = N_("open")
STATE_CLOSED = N_("closed")
BUTTON_REPORT = N_("📊 Report")
BUTTON_EXPORT = N_("📁 Export")
BUTTON_LINK = N_("🔗 Link")
BUTTON_CLOSE = N_("🔒 Close")
BUTTON_REOPEN = N_("🔓 Reopen")
BUTTON_INVITE = N_("👥 Invite co-coordinator")
BUTTON_TEAM = N_("👥 Team")
BUTTON_SCORES = N_("🧮 Scores")
BUTTON_MUTE = N_("🔕 Mute")
BUTTON_UNMUTE = N_("🔔 Unmute")
BUTTON_LEAVE = N_("🚪 Leave this assessment")
PICK_CAMPAIGN = N_("Which assessment?")
NOT_FOUND = N_("That assessment was not found among yours.")
CLOSE_CONFIRM = N_(
    "Close “{name}”?\n\nRespondents can no longer start or finish its interview while it is "
    "closed (in progress now: {open}). Completed responses ({done}) are kept, and you can "
    "reopen it from /campaigns."
)
KEEP_OPEN = N_("Keep open")
KEPT_OPEN = N_("“{name}” stays open.")
ALREADY_CLOSED = N_("“{name}” is already closed. Its card in /campaigns can reopen it.")
ALREADY_OPEN = N_("“{name}” is already open.")
CLOSED_NOW = N_("“{name}” is closed: its link no longer takes new respondents. The data is kept.")
REOPENED_NOW = N_("“{name}” is open again.")
CLOSED_BY_OTHER = N_(
    "“{name}” was closed by another of its coordinators: its link no longer takes "
    "respondents. The data is kept."
)
REOPENED_BY_OTHER = N_(
    "“{name}” was reopened by another of its coordinators: its link takes respondents again."
)
MUTED_NOW = N_("You will no longer get a message for each response to “{name}”.")
UNMUTED_NOW = N_("You will get a message for each response to “{name}” again.")
LINK_TEXT = N_("Respondent link for “{name}”:\n{link}")
INVITE_TEXT = N_(
    "A one-time link that makes its first user a co-coordinator of “{name}”. Forward it only "
    "to that person:\n{link}"
)
LEFT_NOW = N_("You are no longer a coordinator of “{name}”.")
TARGET_REACHED = N_(
    "“{name}” has reached the recommended number of key respondents ({count} of "
    "{low}-{high}). The report is no longer provisional: /report"
)
REASSESS_DUE = N_(
    "The scores of “{name}” were finalised on {day}. The guide advises re-assessing a "
    "community every six months, to see what has changed."
)
BUTTON_REPEAT = N_("Repeat this assessment")
EXPORT_CAPTION_CSV = N_(
    "Anonymised answers of “{name}” ({count} responses), as CSV. The columns are described "
    "in the XLSX file's Data dictionary sheet."
)
EXPORT_CAPTION_XLSX = N_(
    "Anonymised answers of “{name}” ({count} responses). See the Data dictionary and "
    "Campaign sheets."
)
COMMENTS_BUTTON = N_("💬 {dimension}")
COMMUNITY = N_("How respondents define the community")
ALL_PRIORITIES = N_("📋 Every dimension's strategy")
CHART_CAPTION = N_("Readiness by dimension: “{name}”")
BUTTON_VOLUNTEERS = N_("🙋 Volunteers ({count})")
VOLUNTEERS_TITLE = N_("Volunteers for the full assessment interview of “{name}”")
VOLUNTEERS_NONE = N_("No one has left a way to be contacted for “{name}” yet.")
VOLUNTEER_LINE = N_("{number}. {contact} (left on {day})")
VOLUNTEERS_REMINDER = N_(
    "They left these only to be invited to the full assessment interview. Please delete each "
    "one as soon as you have contacted that person. The list is in no particular order."
)
VOLUNTEER_DELETE = N_("Contacted — delete {number}")
VOLUNTEER_DELETED = N_("Deleted.")
VOLUNTEER_GONE = N_("That contact was already deleted.")
VOLUNTEERS_CHANGED = N_("This list has changed: the current one is below.")
