"""What the services ask a channel to show: data and message keys, never markup.

Each channel has one presenter that turns these into its own form (Telegram HTML and
buttons, a web page, terminal lines), translating them at that moment in the view's locale.
Views shown in answer to an event are rendered before the transaction commits; views that
travel through the outbox to be rendered later (coordinator notices, reports, charts,
exports) are pydantic models, serialisable as JSON, in `Deferred`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from bot.flows.interview import Ask, Review
from bot.flows.values import Reason
from bot.results import ChecklistResult
from bot.services.staff_views import StaffView
from bot.storage.retention import UNFINISHED_DAYS
from questions.schema import Question
from scoring import Assessment


@dataclass(frozen=True)
class Phrase:
    """One translatable message and the values for its placeholders."""

    msgid: str
    params: dict[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class Say:
    """Plain text: one or more phrases, shown as paragraphs."""

    locale: str
    phrases: tuple[Phrase, ...]
    offer_clear: bool = False
    """Offer to clear the chat (after an erasure: what was on the screen is still there)."""

    @classmethod
    def of(cls, locale: str, *msgids: str, **params: str | int) -> Say:
        return cls(locale, tuple(Phrase(m, params) for m in msgids))


@dataclass(frozen=True)
class Refusal:
    """Why the input changed nothing, and what is expected instead."""

    locale: str
    reason: Reason


@dataclass(frozen=True)
class Welcome:
    """`/start` without a link and without an interview: what this is, and personal tries."""

    locale: str


@dataclass(frozen=True)
class LanguageChoice:
    locale: str
    session_id: str | None
    """None: no interview is open; the choice only changes the language of the help."""
    offered: tuple[str, ...]


@dataclass(frozen=True)
class Consent:
    locale: str
    session_id: str
    bank_id: str
    community: str = ""
    """Who is asking, about which community (empty for a personal try): the campaign's
    community name and description and the organisation running it (Appendix C's landing
    page: "add community name/description here")."""
    description: str = ""
    organisation: str = ""
    unfinished_days: int = UNFINISHED_DAYS
    """After how many untouched days an unfinished interview is deleted (the settings')."""
    reminder_seconds: int | None = None
    """When the one reminder comes after she stops; None: this channel sends none."""


@dataclass(frozen=True)
class QuestionView:
    locale: str
    session_id: str
    ask: Ask
    marker: str
    """Names the step shown, so a Back pressed on an old screen is recognised."""
    passed: tuple[Question, ...] = ()
    """Info messages to show first, gone past on the way here (they take no tap)."""
    bank_id: str = ""
    """The interview's bank, for what a channel says of it (the time left)."""


@dataclass(frozen=True)
class ReviewView:
    locale: str
    session_id: str
    review: Review


@dataclass(frozen=True)
class Recorded:
    """After an interviewer submits an interview she conducted: its label, for the scorers,
    and the receipt code that erases it (the respondent may ask her to)."""

    locale: str
    label: str
    receipt: str


@dataclass(frozen=True)
class Result:
    """After submission: the respondent's own results, the receipt code and the hotline."""

    locale: str
    personal: bool
    receipt: str
    assessment: Assessment | None = None
    checklist: ChecklistResult | None = None
    volunteer_offer: str | None = None
    """The offer to leave a contact for the full assessment interview (a campaign's
    preassessment answered "yes" or "maybe" to `willing`), else None."""


@dataclass(frozen=True)
class VolunteerAsk:
    """What a contact she leaves is for, who sees it, how it is kept and deleted; her next
    typed message is the contact."""

    locale: str
    offer_id: str
    limit: int


@dataclass(frozen=True)
class DeleteConfirm:
    locale: str
    session_id: str


@dataclass(frozen=True)
class CoordinatorHelp:
    locale: str


@dataclass(frozen=True)
class CampaignCard:
    locale: str
    campaign_id: str
    name: str
    flow: str
    is_open: bool
    done: int
    open: int
    low: int
    high: int
    volunteers: int | None = None
    """Contacts left for the full assessment; None where the interview does not ask."""


@dataclass(frozen=True)
class PickCampaign:
    locale: str
    action: str
    campaigns: tuple[tuple[str, str], ...]
    """(id, name) of each campaign to choose from."""


@dataclass(frozen=True)
class CloseConfirm:
    """Closing turns respondents away, so it is asked first, with the campaign's counts."""

    locale: str
    campaign_id: str
    name: str
    done: int
    open: int


@dataclass(frozen=True)
class SetupStep:
    """One step of `/new`: the draft so far decides which question is shown; its buttons
    carry the draft's id, so a tap on a finished set-up's message is known as one."""

    locale: str
    draft: dict[str, object]
    locales: tuple[str, ...]


@dataclass(frozen=True)
class QrCode:
    link: str
    caption: str


View = (
    Say
    | Refusal
    | Welcome
    | LanguageChoice
    | Consent
    | QuestionView
    | ReviewView
    | Result
    | VolunteerAsk
    | DeleteConfirm
    | CoordinatorHelp
    | CampaignCard
    | PickCampaign
    | CloseConfirm
    | SetupStep
    | QrCode
    | Recorded
    | StaffView
)


# --- rendered later, from the outbox ----------------------------------------------------------


class _Deferred(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    locale: str


class CampaignLevels(BaseModel):
    """The campaign's result over exactly `covers` responses (fixed when the notice is made)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    covers: int
    score: str
    """The overall score as an exact fraction ("55/14")."""
    level: int
    proceed: bool
    below_4: int
    provisional: bool


class ResponseSummary(_Deferred):
    """To coordinators on each completion: the count against the recommended range, never one
    respondent's answers or levels. The campaign's levels come with it only from 3 responses
    on, and then only once 3 more have arrived, so that no difference between two notices is
    one person's ratings."""

    kind: Literal["summary"] = "summary"
    campaign_id: str
    campaign: str
    bank: str
    count: int
    low: int
    high: int
    provisional: bool = False
    levels: CampaignLevels | None = None
    next_levels_at: int = 3
    """The number of responses at which the campaign's levels are shown next."""


class TargetReached(_Deferred):
    kind: Literal["target"] = "target"
    campaign: str
    count: int
    low: int
    high: int


class CampaignStatus(_Deferred):
    """To a campaign's other coordinators when one of them closes or reopens it."""

    kind: Literal["status"] = "status"
    campaign: str
    closed: bool


class ReassessDue(_Deferred):
    """To a round's coordinators, once, when its scores were finalised six months ago and
    nobody has repeated it: the guide advises re-assessing every six months (Step 7)."""

    kind: Literal["reassess_due"] = "reassess_due"
    campaign_id: str
    name: str
    finalised_on: date


class TeamNotice(_Deferred):
    """To a member of the scoring team (or a coordinator) when the next step is theirs:
    agreed scores to confirm, every interview handed in, scores ready for review, a review
    left. Carries no score and no one's answers, only what waits."""

    kind: Literal["team"] = "team"
    event: Literal["to_confirm", "all_handed_in", "ready_for_review", "reviewed"]
    campaign_id: str
    name: str
    role: str
    """The recipient's role the notice's button opens: scorer, reviewer or coordinator."""
    label: str = ""


class ReportRequest(_Deferred):
    """A report, chart or file of a campaign, built from committed data when it is sent."""

    kind: Literal[
        "report",
        "chart",
        "export",
        "comments",
        "priorities",
        "volunteers",
        "scorecard",
        "scorecards",
        "trend",
    ]
    """scorecard: the scored result (Appendix E steps 8-11) as text; scorecards: the
    Independent, Combined and Calculated Scorecards as CSV and XLSX; trend: each
    dimension's level per round of re-assessment, as a chart."""
    campaign_id: str
    topic: str = ""
    """For comments: the dimension (A-G) or 'community'."""


Notice = ResponseSummary | TargetReached | CampaignStatus | ReassessDue | TeamNotice
"""Deferred views made whole when they are queued: nothing to read when they are sent."""
Deferred = Annotated[Notice | ReportRequest, Field(discriminator="kind")]
DEFERRED: TypeAdapter[Notice | ReportRequest] = TypeAdapter(Deferred)
