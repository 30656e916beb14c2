"""What the scoring team's screens show (Appendix E): data and message keys, never markup.

Nothing here names a respondent: an interview is its random label; a scorer sees another
scorer's scores only in the views made after she handed in every interview of hers.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from bot.flows.values import AnswerValue
from questions.schema import Question


@dataclass(frozen=True)
class TeamView:
    """A campaign's interviewers, scorers and reviewers, and the buttons that invite more."""

    locale: str
    campaign_id: str
    name: str
    members: tuple[tuple[str, str, str], ...]
    """(role, name, staff id) of each member, in role order."""
    interviewer_led: bool
    """Whether the campaign's interviews are conducted by interviewers (the full assessment)."""


@dataclass(frozen=True)
class InterviewStatus:
    """One interview as a scorer's, reviewer's or interviewer's list shows it."""

    label: str
    scored: int = 0
    """Dimensions she has scored so far (0-7)."""
    handed_in: bool = False
    flagged: int = 0
    """Dimensions whose scores differ by a level or more (shown once she may compare)."""
    agreed: int = 0
    """Dimensions with a confirmed agreed score."""
    to_confirm: int = 0
    """Agreed scores another scorer entered that wait for her confirmation."""


@dataclass(frozen=True)
class StaffHome:
    """One role in one campaign: what there is to do, with a button for each step."""

    locale: str
    campaign_id: str
    name: str
    role: str
    member_name: str
    interviews: tuple[InterviewStatus, ...]
    may_compare: bool = False
    final: bool = False
    bank_id: str = ""
    """The interview an interviewer conducts in this campaign (for its name and length)."""


@dataclass(frozen=True)
class InterviewRecord:
    """A whole interview, question by question: what a scorer reads before scoring and a
    reviewer reads before commenting (Appendix E steps 1-2 and 7)."""

    locale: str
    campaign_id: str
    label: str
    items: tuple[tuple[Question, AnswerValue], ...]
    proposed: tuple[tuple[str, Fraction | None], ...] = ()
    """For the reviewer: each dimension's agreed score so far (None: not agreed yet)."""


@dataclass(frozen=True)
class DimensionSheet:
    """One dimension of one interview to score: the answers that bear on it, the nine
    Appendix B statements, and the half-step scores 1-9."""

    locale: str
    campaign_id: str
    label: str
    dimension: str
    items: tuple[tuple[Question, AnswerValue], ...]
    chosen: Fraction | None = None


@dataclass(frozen=True)
class HandInView:
    """Her seven scores of one interview, before she hands them in for good."""

    locale: str
    campaign_id: str
    label: str
    scores: tuple[tuple[str, Fraction | None], ...]


@dataclass(frozen=True)
class AgreementRow:
    dimension: str
    scores: tuple[tuple[str, Fraction], ...]
    """(scorer name, her handed-in score)."""
    flagged: bool
    agreed: Fraction | None = None
    confirmed: bool = False
    entered_by_me: bool = False


@dataclass(frozen=True)
class AgreementView:
    """One interview at the consensus meeting (steps 5-6): the scores side by side, the
    differences of a level or more flagged, and the agreed scores entered and confirmed."""

    locale: str
    campaign_id: str
    label: str
    rows: tuple[AgreementRow, ...]


@dataclass(frozen=True)
class AgreeDimension:
    """Entering the agreed score of one dimension of one interview."""

    locale: str
    campaign_id: str
    label: str
    row: AgreementRow


@dataclass(frozen=True)
class ScoringProgress:
    """The coordinator's view of the workbench: who has handed in what, what is flagged and
    agreed, the review, and what finalising still needs."""

    locale: str
    campaign_id: str
    name: str
    interviews: int
    scorers: tuple[tuple[str, int], ...]
    """(scorer name, interviews handed in)."""
    unagreed: int
    reviewed: bool
    final: bool
    focus: str | None
    rounds: int = 1


@dataclass(frozen=True)
class RemoveConfirm:
    """Asks the coordinator before a member leaves the team."""

    locale: str
    campaign_id: str
    staff_id: str
    member: str
    role: str
    name: str
    """The campaign's name."""


StaffView = (
    TeamView
    | StaffHome
    | InterviewRecord
    | DimensionSheet
    | HandInView
    | AgreementView
    | AgreeDimension
    | ScoringProgress
    | RemoveConfirm
)
