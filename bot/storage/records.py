"""What the repositories hand out: plain frozen records, no SQL and no connection."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.flows.values import AnswerValue


@dataclass(frozen=True)
class Campaign:
    id: str
    name: str
    community_type: str
    flow: str
    respondent_token: str
    created_at: str
    closed_at: str | None
    description: str = ""
    languages: str = ""
    target_reached_at: str | None = None
    levels_shown_at: int = 0
    """Responses counted in the last coordinator notice that showed the campaign's levels."""
    organisation: str = ""
    """Who runs the assessment (the task force, an agency), as respondents are told."""
    focus: str | None = None
    """Appendix E step 10: criminal_justice, public_health or both; None until said."""
    finalised_at: str | None = None
    """When the coordinator finalised the scores: they are locked from then on."""
    previous_id: str | None = None
    """The campaign this one repeats (a re-assessment round), if any."""
    reassess_reminded_at: str | None = None
    """When its coordinators were reminded to re-assess (six months after finalising)."""

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(code for code in self.languages.split(",") if code)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class Session:
    """An open interview: the respondent's pseudonymous key and the flow state (JSON)."""

    id: str
    respondent_key: str
    campaign_id: str | None
    bank: str
    stage: str
    state: str
    updated_at: str
    reminder_due: str | None = None
    reminded: bool = False
    led: bool = False
    """Conducted by an interviewer (her notes of a respondent's answers), not self-completed."""

    def evolve(self, **changes: object) -> Session:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class StoredResponse:
    id: str
    bank: str
    bank_version: int
    locale: str
    completed_on: str
    answers: dict[str, AnswerValue]


@dataclass(frozen=True)
class Coordinator:
    telegram_id: int
    locale: str


@dataclass(frozen=True)
class PendingUpdate:
    update_id: int
    chat_key: str | None
    event: str


@dataclass(frozen=True)
class Outgoing:
    """A message waiting in the outbox; `chat` is the sealed chat id."""

    id: int
    chat_key: str
    chat: bytes
    kind: str
    payload: str
    attempts: int


@dataclass(frozen=True)
class DueReminder:
    session_id: str
    chat: bytes
    state: str


@dataclass(frozen=True)
class DeadLetter:
    id: int
    source: str
    ref: str
    error: str
    failed_at: str


@dataclass(frozen=True)
class DeadLetterGroup:
    """Dead letters of one source (intake, inbox, outbox), for the operator's health check."""

    source: str
    count: int
    last_failed_at: str
    errors: tuple[str, ...]


@dataclass(frozen=True)
class VolunteerOffer:
    """The offer to leave a contact, shown with a campaign interview's result."""

    id: str
    campaign_id: str
    deletion_digest: str
    locale: str
    respondent_key: str | None
    """Set when she taps the offer: her next typed message is the contact."""


@dataclass(frozen=True)
class Volunteer:
    """A contact as stored: still sealed (only the coordinators' listing opens it)."""

    id: str
    sealed_contact: bytes
    created_on: str


@dataclass(frozen=True)
class StaffMember:
    """An interviewer, scorer or reviewer of one campaign."""

    id: str
    campaign_id: str
    role: str
    name: str
    telegram_id: int | None
    locale: str
    joined_at: str
    removed_at: str | None = None
    awaiting: str | None = None
    """JSON: what the member's next typed message is (a reviewer's comment); None: nothing."""


@dataclass(frozen=True)
class Interview:
    """A completed interview as its scorers know it: by label, never by who or when."""

    id: str
    label: str
    bank: str
    bank_version: int
    locale: str


@dataclass(frozen=True)
class Agreed:
    """An agreed (consensus) score for one dimension of one interview."""

    response_id: str
    dimension: str
    score: str
    entered_by: str | None
    confirmed: bool


@dataclass(frozen=True)
class ScoreComment:
    author: str
    role: str
    dimension: str | None
    body: str
    written_at: str
