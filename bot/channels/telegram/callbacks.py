"""Callback data of every inline button: one small frozen type per button kind.

`encode` and `decode` are the only places that know the wire format (at most 64 bytes, as
Telegram allows). `decode` takes anything a client may send, forged data included, and
returns None for what no button of ours could have carried.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
FLOW_CODES = {"pre": "preassessment", "cap": "capacity_checklist", "full": "full_assessment"}
"""Short flow codes for callback data -> bank ids."""
_FLOW_OF = {bank: code for code, bank in FLOW_CODES.items()}

_SESSION = re.compile(r"[A-Za-z0-9_-]{1,16}")
_ID = re.compile(r"[a-z0-9][a-z0-9_]{0,23}")
_LOCALE = re.compile(r"[a-z]{2,3}(?:_[A-Za-z]{2,4})?")
_CAMPAIGN = re.compile(r"[0-9a-f]{8}")
_MARKER = re.compile(r"(?:[a-z0-9_]{1,24}(?::(?:[a-z0-9]{1,8}|\+))?)?")
_TOPIC = re.compile(r"[A-G]|community")
_ACTIONS = frozenset("rxlcomuiqpykvtsfge")
_LABEL = re.compile(r"[ACDEFHJKMNPRTUVWXY34679]{4}")
_DIMENSION = re.compile(r"[A-G]")
_SCORE = re.compile(r"[1-9]|[1-8]\.5")
_ROLES = {"i": "interviewer", "s": "scorer", "r": "reviewer"}
_ROLE_CODES = {role: code for code, role in _ROLES.items()}
_FOCUSES = {"cj": "criminal_justice", "ph": "public_health", "both": "both"}
_FOCUS_CODES = {focus: code for code, focus in _FOCUSES.items()}
_STAFF_STEPS = frozenset("OHAMCR")
"""Per interview: open to score, hand in, agreement, enter same, confirm all, review."""


@dataclass(frozen=True)
class LeaveNow:
    """🚪 Leave now: quick exit, valid anywhere, any time."""


@dataclass(frozen=True)
class KeepAnswers:
    """'Keep them' on the erase confirmation."""


@dataclass(frozen=True)
class PersonalRun:
    bank: str


@dataclass(frozen=True)
class PickLanguage:
    session_id: str | None
    locale: str


@dataclass(frozen=True)
class ConsentChoice:
    session_id: str
    agreed: bool


@dataclass(frozen=True)
class AnswerChoice:
    session_id: str
    question_id: str
    value: str


@dataclass(frozen=True)
class ContinueOn:
    session_id: str
    question_id: str


@dataclass(frozen=True)
class TickOption:
    session_id: str
    question_id: str
    option: str


@dataclass(frozen=True)
class DoneTicking:
    session_id: str
    question_id: str


@dataclass(frozen=True)
class SkipQuestion:
    session_id: str
    question_id: str


@dataclass(frozen=True)
class KeepAnswer:
    session_id: str
    question_id: str


@dataclass(frozen=True)
class DeclineQuestion:
    session_id: str
    question_id: str


@dataclass(frozen=True)
class GoBack:
    session_id: str
    marker: str
    """The step the Back was shown on (`step_marker`): '' is the review."""


@dataclass(frozen=True)
class EditAnswer:
    session_id: str
    question_id: str


@dataclass(frozen=True)
class SubmitAnswers:
    session_id: str


@dataclass(frozen=True)
class EraseOpen:
    session_id: str


@dataclass(frozen=True)
class VolunteerOffer:
    """'Leave a way to contact me' on a result (agreed), or Cancel on the consent text."""

    offer_id: str
    agreed: bool = True


@dataclass(frozen=True)
class CampaignAction:
    """A coordinator's button on a campaign (see bot.services.coordinator.ACTIONS)."""

    action: str
    campaign_id: str


@dataclass(frozen=True)
class CampaignComments:
    campaign_id: str
    topic: str


@dataclass(frozen=True)
class ForgetVolunteer:
    """'Contacted — delete' beside one contact on a campaign's volunteers list."""

    campaign_id: str
    volunteer_id: str


@dataclass(frozen=True)
class SetupChoice:
    step: str
    value: str
    draft: str = ""
    """The set-up the button was shown in, so one of an ended set-up is known as such; ''
    on buttons shown before set-ups had ids."""


@dataclass(frozen=True)
class InviteStaff:
    """'Invite a scorer' (interviewer, reviewer) on a campaign's team."""

    campaign_id: str
    role: str


@dataclass(frozen=True)
class RemoveStaff:
    """✖ beside a team member: asks first; `confirmed` on the confirmation's button."""

    campaign_id: str
    staff_id: str
    confirmed: bool = False


@dataclass(frozen=True)
class ChooseFocus:
    """Step 10: where the community's efforts centre."""

    campaign_id: str
    focus: str


@dataclass(frozen=True)
class StaffCard:
    """Back to one role's card in one campaign."""

    campaign_id: str
    role: str


@dataclass(frozen=True)
class StartInterview:
    """An interviewer begins an interview she conducts."""

    campaign_id: str


@dataclass(frozen=True)
class InterviewStep:
    """A scorer's or reviewer's step on one interview (see _STAFF_STEPS)."""

    step: str
    campaign_id: str
    label: str


@dataclass(frozen=True)
class ScoreDimension:
    """A scorer's score of one dimension of an interview; score '' opens its sheet. With
    `agreed`, the agreed score of the consensus meeting instead of her own."""

    campaign_id: str
    label: str
    dimension: str
    score: str = ""
    agreed: bool = False


@dataclass(frozen=True)
class CommentOn:
    """A reviewer's comment on one dimension ('A'-'G') or on the whole ('all')."""

    campaign_id: str
    dimension: str


Button = (
    LeaveNow
    | KeepAnswers
    | PersonalRun
    | PickLanguage
    | ConsentChoice
    | AnswerChoice
    | ContinueOn
    | TickOption
    | DoneTicking
    | SkipQuestion
    | KeepAnswer
    | DeclineQuestion
    | GoBack
    | EditAnswer
    | SubmitAnswers
    | EraseOpen
    | VolunteerOffer
    | CampaignAction
    | CampaignComments
    | ForgetVolunteer
    | SetupChoice
    | InviteStaff
    | RemoveStaff
    | ChooseFocus
    | StaffCard
    | StartInterview
    | InterviewStep
    | ScoreDimension
    | CommentOn
)
INTERVIEW_BUTTONS = (
    AnswerChoice,
    ContinueOn,
    TickOption,
    DoneTicking,
    SkipQuestion,
    KeepAnswer,
    DeclineQuestion,
    GoBack,
    EditAnswer,
    SubmitAnswers,
)
COORDINATOR_BUTTONS = (
    CampaignAction,
    CampaignComments,
    ForgetVolunteer,
    SetupChoice,
    InviteStaff,
    RemoveStaff,
    ChooseFocus,
)
STAFF_BUTTONS = (StaffCard, StartInterview, InterviewStep, ScoreDimension, CommentOn)


def encode(button: Button) -> str:
    data = _encode(button)
    if len(data.encode()) > MAX_BYTES or decode(data) != button:
        raise ValueError(f"{button!r} cannot travel as callback data")
    return data


def _encode(button: Button) -> str:
    match button:
        case LeaveNow():
            return "x"
        case KeepAnswers():
            return "K"
        case PersonalRun(bank=bank):
            return f"p:{_FLOW_OF.get(bank, bank)}"
        case PickLanguage(session_id=sid, locale=locale):
            return f"l:{sid or '-'}:{locale}"
        case ConsentChoice(session_id=sid, agreed=agreed):
            return f"c:{sid}:{'yes' if agreed else 'no'}"
        case AnswerChoice(session_id=sid, question_id=qid, value=value):
            return f"a:{sid}:{qid}:{value}"
        case ContinueOn(session_id=sid, question_id=qid):
            return f"n:{sid}:{qid}"
        case TickOption(session_id=sid, question_id=qid, option=option):
            return f"t:{sid}:{qid}:{option}"
        case DoneTicking(session_id=sid, question_id=qid):
            return f"d:{sid}:{qid}"
        case SkipQuestion(session_id=sid, question_id=qid):
            return f"s:{sid}:{qid}"
        case KeepAnswer(session_id=sid, question_id=qid):
            return f"v:{sid}:{qid}"
        case DeclineQuestion(session_id=sid, question_id=qid):
            return f"w:{sid}:{qid}"
        case GoBack(session_id=sid, marker=marker):
            return f"b:{sid}" + (f":{marker}" if marker else "")
        case EditAnswer(session_id=sid, question_id=qid):
            return f"e:{sid}:{qid}"
        case SubmitAnswers(session_id=sid):
            return f"S:{sid}"
        case EraseOpen(session_id=sid):
            return f"D:{sid}"
        case VolunteerOffer(offer_id=oid, agreed=agreed):
            return f"V:{oid}" if agreed else f"V:{oid}:no"
        case CampaignAction(action=action, campaign_id=cid):
            return f"k{action}:{cid}"
        case ForgetVolunteer(campaign_id=cid, volunteer_id=vid):
            return f"kz:{cid}:{vid}"
        case CampaignComments(campaign_id=cid, topic=topic):
            return f"kw:{cid}:{topic}"
        case SetupChoice(step=step, value=value, draft=draft):
            shown = _FLOW_OF.get(value, value) if step == "flow" else value
            return f"kn:{step}:{draft}:{shown}" if draft else f"kn:{step}:{shown}"
        case InviteStaff(campaign_id=cid, role=role):
            return f"kI:{cid}:{_ROLE_CODES[role]}"
        case ChooseFocus(campaign_id=cid, focus=focus):
            return f"kF:{cid}:{_FOCUS_CODES[focus]}"
        case RemoveStaff(campaign_id=cid, staff_id=sid, confirmed=confirmed):
            return f"kX:{cid}:{sid}" + (":yes" if confirmed else "")
        case StaffCard(campaign_id=cid, role=role):
            return f"W:{cid}:{_ROLE_CODES[role]}"
        case StartInterview(campaign_id=cid):
            return f"I:{cid}"
        case InterviewStep(step=step, campaign_id=cid, label=label):
            return f"J{step}:{cid}:{label}"
        case ScoreDimension(campaign_id=cid, label=label, dimension=dim, score=score, agreed=a):
            return f"{'G' if a else 'Q'}:{cid}:{label}:{dim}" + (f":{score}" if score else "")
        case CommentOn(campaign_id=cid, dimension=dimension):
            return f"R:{cid}:{dimension}"
    raise TypeError(f"not a button: {button!r}")


def decode(data: str | None) -> Button | None:
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    head, _, rest = data.partition(":")
    parts = rest.split(":") if rest else []
    try:
        return _decode(head, parts, rest)
    except (ValueError, IndexError):
        return None


def _decode(head: str, parts: list[str], rest: str) -> Button | None:
    match head, parts:
        case "x", []:
            return LeaveNow()
        case "K", []:
            return KeepAnswers()
        case "p", [code] if code in FLOW_CODES:
            return PersonalRun(FLOW_CODES[code])
        case "l", [sid, locale] if _fits(_LOCALE, locale) and (sid == "-" or _sid(sid)):
            return PickLanguage(None if sid == "-" else sid, locale)
        case "c", [sid, "yes" | "no" as answer] if _sid(sid):
            return ConsentChoice(sid, answer == "yes")
        case "a", [sid, qid, value] if _sid(sid) and _qid(qid) and _fits(_ID, value):
            return AnswerChoice(sid, qid, value)
        case "n", [sid, qid] if _sid(sid) and _qid(qid):
            return ContinueOn(sid, qid)
        case "t", [sid, qid, option] if _sid(sid) and _qid(qid) and _fits(_ID, option):
            return TickOption(sid, qid, option)
        case "d", [sid, qid] if _sid(sid) and _qid(qid):
            return DoneTicking(sid, qid)
        case "s", [sid, qid] if _sid(sid) and _qid(qid):
            return SkipQuestion(sid, qid)
        case "v", [sid, qid] if _sid(sid) and _qid(qid):
            return KeepAnswer(sid, qid)
        case "w", [sid, qid] if _sid(sid) and _qid(qid):
            return DeclineQuestion(sid, qid)
        case "b", [sid, *_] if _sid(sid):
            marker = rest[len(sid) + 1 :]
            return GoBack(sid, marker) if _fits(_MARKER, marker) else None
        case "e", [sid, qid] if _sid(sid) and _qid(qid):
            return EditAnswer(sid, qid)
        case "S", [sid] if _sid(sid):
            return SubmitAnswers(sid)
        case "D", [sid] if _sid(sid):
            return EraseOpen(sid)
        case "V", [oid] if _sid(oid):
            return VolunteerOffer(oid)
        case "V", [oid, "no"] if _sid(oid):
            return VolunteerOffer(oid, agreed=False)
        case "kz", [cid, vid] if _fits(_CAMPAIGN, cid) and _sid(vid):
            return ForgetVolunteer(cid, vid)
        case "kw", [cid, topic] if _fits(_CAMPAIGN, cid) and _fits(_TOPIC, topic):
            return CampaignComments(cid, topic)
        case "kn", [step, value] if _fits(_ID, step) and _fits(_LOCALE_OR_ID, value):
            return SetupChoice(step, FLOW_CODES.get(value, value) if step == "flow" else value)
        case "kn", [step, draft, value] if (
            _fits(_ID, step) and _sid(draft) and _fits(_LOCALE_OR_ID, value)
        ):
            shown = FLOW_CODES.get(value, value) if step == "flow" else value
            return SetupChoice(step, shown, draft)
    staff = _decode_staff(head, parts)
    if staff is not None:
        return staff
    if len(head) == 2 and head[0] == "k" and head[1] in _ACTIONS and len(parts) == 1:
        return CampaignAction(head[1], parts[0]) if _fits(_CAMPAIGN, parts[0]) else None
    return None


def _decode_staff(head: str, parts: list[str]) -> Button | None:
    if not parts or not _fits(_CAMPAIGN, parts[0]):
        return None
    cid, rest = parts[0], parts[1:]
    match head, rest:
        case "kI", [code] if code in _ROLES:
            return InviteStaff(cid, _ROLES[code])
        case "kF", [code] if code in _FOCUSES:
            return ChooseFocus(cid, _FOCUSES[code])
        case "kX", [sid] if _sid(sid):
            return RemoveStaff(cid, sid)
        case "kX", [sid, "yes"] if _sid(sid):
            return RemoveStaff(cid, sid, confirmed=True)
        case "W", [code] if code in _ROLES:
            return StaffCard(cid, _ROLES[code])
        case "I", []:
            return StartInterview(cid)
        case _, [label] if len(head) == 2 and head[0] == "J" and head[1] in _STAFF_STEPS:
            return InterviewStep(head[1], cid, label) if _fits(_LABEL, label) else None
        case "Q" | "G", [label, dim, *score] if _fits(_LABEL, label) and _fits(_DIMENSION, dim):
            if score and (len(score) > 1 or not _fits(_SCORE, score[0])):
                return None
            return ScoreDimension(cid, label, dim, score[0] if score else "", head == "G")
        case "R", [dimension] if dimension == "all" or _fits(_DIMENSION, dimension):
            return CommentOn(cid, dimension)
    return None


_LOCALE_OR_ID = re.compile(rf"{_ID.pattern}|{_LOCALE.pattern}")


def _fits(pattern: re.Pattern[str], text: str) -> bool:
    return pattern.fullmatch(text) is not None


def _sid(text: str) -> bool:
    return _fits(_SESSION, text)


def _qid(text: str) -> bool:
    return _fits(_ID, text) and text[0].isalpha()
