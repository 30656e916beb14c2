"""The scoring workbench (Appendix E): independent scores, consensus, review, finalising and
rounds of re-assessment. Channel-neutral: the CLI and the Telegram scorer menus call it.

Every action re-checks the actor's role in the campaign, and a refusal says why in words a
channel translates (`Refusal`). Until a scorer has handed in every interview, nothing she is
shown carries another scorer's scores (step 4 before step 5).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from bot.i18n import N_
from bot.storage.records import Agreed, Campaign, Interview, ScoreComment, StaffMember
from bot.storage.repos import Repos
from questions.schema import DIMENSION_IDS
from scoring import Assessment, assess, format_score, parse_score

SCORER = "scorer"
REVIEWER = "reviewer"
INTERVIEWER = "interviewer"
FOCUSES = ("criminal_justice", "public_health", "both")
MIN_SCORERS = 2
MAX_COMMENT = 4000


class Refusal(Exception):
    """An action the workbench does not take, with the reason as a gettext message id."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message)
        self.message = message
        self.values = values

    @property
    def params(self) -> dict[str, str | int]:
        """The values as a translated message's placeholders take them."""
        return {k: v if isinstance(v, int) else str(v) for k, v in self.values.items()}


NOT_FOUND = N_("There is no such assessment, or you have no role in it.")
FINALISED = N_("The scores of this assessment are final and can no longer change.")
NOT_SCORABLE = N_("This assessment has no interviews that scorers score.")
UNKNOWN_INTERVIEW = N_("There is no interview {label} in this assessment.")
ALREADY_SUBMITTED = N_("You have already handed in your scores for interview {label}.")
INCOMPLETE_SHEET = N_("Score all seven dimensions of interview {label} before handing it in.")
NOT_ALL_SUBMITTED = N_(
    "Interview {label} is not yet scored by every scorer: agreed scores come after."
)
OWN_ENTRY = N_("The agreed score must be confirmed by another scorer than the one who entered it.")
NOTHING_TO_CONFIRM = N_("There is no agreed score waiting for confirmation there.")
TOO_FEW_SCORERS = N_("Name at least two scorers before scoring starts (Appendix E).")
UNAGREED = N_("Agreed scores missing or unconfirmed: {count}. Every interview needs all seven.")
NO_REVIEW = N_(
    "A reviewer must read the interviews and comment on the proposed scores first "
    "(Appendix E step 7)."
)
EMPTY_COMMENT = N_("Please write the comment.")
LONG_COMMENT = N_("Please keep a comment under {limit} characters.")
UNKNOWN_FOCUS = N_("Choose criminal justice, public health or both.")
UNKNOWN_DIMENSION = N_("Choose one of the seven dimensions, A to G.")
DUPLICATE_COLUMN = N_("Interview {label} has two columns.")
UNLABELLED_COLUMN = N_("Column {number} has scores but no interview at its head.")


@dataclass(frozen=True)
class Workbook:
    """Everything about one campaign's scoring, read in one go from committed data."""

    campaign: Campaign
    interviews: tuple[Interview, ...]
    scorers: tuple[StaffMember, ...]
    reviewers: tuple[StaffMember, ...]
    sheets: frozenset[tuple[str, str]]
    """(interview id, scorer id) of every interview a scorer has handed in."""
    submitted: Mapping[str, Mapping[tuple[str, str], Fraction]]
    """Scorer name -> (interview label, dimension) -> score, handed-in interviews only."""
    agreed: Mapping[tuple[str, str], Agreed]
    """(interview label, dimension) -> the agreed score."""
    comments: tuple[ScoreComment, ...] = field(default=())

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(interview.label for interview in self.interviews)

    def interview(self, label: str) -> Interview:
        wanted = label.strip().lstrip("#").upper()
        for interview in self.interviews:
            if interview.label == wanted:
                return interview
        raise Refusal(UNKNOWN_INTERVIEW, label=label.strip())

    def handed_in(self, scorer: StaffMember) -> tuple[str, ...]:
        return tuple(i.label for i in self.interviews if (i.id, scorer.id) in self.sheets)

    def all_handed_in(self, interview: Interview) -> bool:
        return len(self.scorers) >= MIN_SCORERS and all(
            (interview.id, scorer.id) in self.sheets for scorer in self.scorers
        )

    def may_compare(self, scorer: StaffMember) -> bool:
        """Whether she may see the other scorers' scores: only once hers are all in."""
        return len(self.handed_in(scorer)) == len(self.interviews) > 0

    def combined(self) -> dict[str, list[Fraction | None]]:
        """The Combined Scorecard: confirmed agreed scores, one column per interview."""
        return {
            dimension: [self._confirmed(label, dimension) for label in self.labels]
            for dimension in DIMENSION_IDS
        }

    def _confirmed(self, label: str, dimension: str) -> Fraction | None:
        agreed = self.agreed.get((label, dimension))
        return parse_score(agreed.score) if agreed and agreed.confirmed else None

    def calculated(self) -> Assessment:
        """The Calculated Scorecard (steps 8-9): total / interviews, floor; overall / 7."""
        return assess(self.combined())

    def unagreed(self) -> int:
        return sum(
            1
            for label in self.labels
            for dimension in DIMENSION_IDS
            if self._confirmed(label, dimension) is None
        )

    @property
    def final(self) -> bool:
        return self.campaign.finalised_at is not None


async def workbook(repos: Repos, campaign_id: str) -> Workbook | None:
    campaign = await repos.campaigns.by_id(campaign_id)
    if campaign is None:
        return None
    interviews = tuple(await repos.interviews.of_campaign(campaign_id))
    staff = await repos.staff.of_campaign(campaign_id)
    by_id = {member.id: member for member in staff}
    labels = {interview.id: interview.label for interview in interviews}
    submitted: dict[str, dict[tuple[str, str], Fraction]] = {}
    for response_id, scorer_id, dimension, score in await repos.scores.submitted(campaign_id):
        scorer = by_id.get(scorer_id)
        if scorer is not None and response_id in labels:
            scores = submitted.setdefault(scorer.name, {})
            scores[(labels[response_id], dimension)] = parse_score(score)
    agreed = {
        (labels[a.response_id], a.dimension): a
        for a in await repos.consensus.of_campaign(campaign_id)
        if a.response_id in labels
    }
    return Workbook(
        campaign=campaign,
        interviews=interviews,
        scorers=tuple(m for m in staff if m.role == SCORER),
        reviewers=tuple(m for m in staff if m.role == REVIEWER),
        sheets=frozenset(await repos.scores.sheets(campaign_id)),
        submitted=submitted,
        agreed=agreed,
        comments=tuple(await repos.score_comments.of_campaign(campaign_id)),
    )


async def _open_workbook(tx: Repos, campaign_id: str) -> Workbook:
    book = await workbook(tx, campaign_id)
    if book is None:
        raise Refusal(NOT_FOUND)
    if book.final:
        raise Refusal(FINALISED)
    if not book.interviews:
        raise Refusal(NOT_SCORABLE)
    return book


async def _member(tx: Repos, telegram_id: int, campaign_id: str, role: str) -> StaffMember:
    member = await tx.staff.member(campaign_id, role, telegram_id)
    if member is None:
        raise Refusal(NOT_FOUND)
    return member


# --- independent scoring (steps 1-4) ------------------------------------------------------


async def put_score(
    tx: Repos, telegram_id: int, campaign_id: str, label: str, dimension: str, score: str
) -> Fraction:
    """One score of her own, changeable until she hands the interview in."""
    scorer = await _member(tx, telegram_id, campaign_id, SCORER)
    book = await _open_workbook(tx, campaign_id)
    interview = book.interview(label)
    if (interview.id, scorer.id) in book.sheets:
        raise Refusal(ALREADY_SUBMITTED, label=interview.label)
    if dimension not in DIMENSION_IDS:
        raise Refusal(UNKNOWN_DIMENSION)
    value = parse_score(score)
    await tx.scores.put(interview.id, scorer.id, dimension, format_score(value))
    return value


async def own_scores(
    repos: Repos, telegram_id: int, campaign_id: str, label: str
) -> dict[str, Fraction]:
    scorer = await _member(repos, telegram_id, campaign_id, SCORER)
    book = await workbook(repos, campaign_id)
    if book is None:
        raise Refusal(NOT_FOUND)
    interview = book.interview(label)
    stored = await repos.scores.own(interview.id, scorer.id)
    return {dimension: parse_score(score) for dimension, score in stored.items()}


async def hand_in(tx: Repos, telegram_id: int, campaign_id: str, label: str) -> bool:
    """Hand in one interview's seven scores: from now on they are hers for good."""
    scorer = await _member(tx, telegram_id, campaign_id, SCORER)
    book = await _open_workbook(tx, campaign_id)
    if len(book.scorers) < MIN_SCORERS:
        raise Refusal(TOO_FEW_SCORERS)
    interview = book.interview(label)
    own = await tx.scores.own(interview.id, scorer.id)
    if any(dimension not in own for dimension in DIMENSION_IDS):
        raise Refusal(INCOMPLETE_SHEET, label=interview.label)
    return await tx.scores.submit(interview.id, scorer.id)


# --- consensus (steps 5-6) -----------------------------------------------------------------


async def propose_agreed(
    tx: Repos, telegram_id: int, campaign_id: str, label: str, dimension: str, score: str
) -> Fraction:
    scorer = await _member(tx, telegram_id, campaign_id, SCORER)
    book = await _open_workbook(tx, campaign_id)
    interview = book.interview(label)
    if not book.all_handed_in(interview):
        raise Refusal(NOT_ALL_SUBMITTED, label=interview.label)
    if dimension not in DIMENSION_IDS:
        raise Refusal(UNKNOWN_DIMENSION)
    value = parse_score(score)
    await tx.consensus.enter(interview.id, dimension, format_score(value), scorer.id)
    return value


async def confirm_agreed(
    tx: Repos, telegram_id: int, campaign_id: str, label: str, dimension: str
) -> None:
    scorer = await _member(tx, telegram_id, campaign_id, SCORER)
    book = await _open_workbook(tx, campaign_id)
    interview = book.interview(label)
    agreed = book.agreed.get((interview.label, dimension))
    if agreed is None or agreed.confirmed:
        raise Refusal(NOTHING_TO_CONFIRM)
    if agreed.entered_by == scorer.id:
        raise Refusal(OWN_ENTRY)
    await tx.consensus.confirm(interview.id, dimension, scorer.id)


# --- review, comments and finalising (steps 7-10) -----------------------------------------


def _checked_comment(body: str) -> str:
    text = body.strip()
    if not text:
        raise Refusal(EMPTY_COMMENT)
    if len(text) > MAX_COMMENT:
        raise Refusal(LONG_COMMENT, limit=MAX_COMMENT)
    return text


async def review_comment(
    tx: Repos, telegram_id: int, campaign_id: str, body: str, dimension: str | None = None
) -> None:
    reviewer = await _member(tx, telegram_id, campaign_id, REVIEWER)
    await _open_workbook(tx, campaign_id)
    await tx.score_comments.add(
        campaign_id,
        author=reviewer.name,
        role=REVIEWER,
        body=_checked_comment(body),
        dimension=_dimension_or_whole(dimension),
    )


def _dimension_or_whole(dimension: str | None) -> str | None:
    if dimension is not None and dimension not in DIMENSION_IDS:
        raise Refusal(UNKNOWN_DIMENSION)
    return dimension


async def _coordinated(tx: Repos, telegram_id: int, campaign_id: str) -> None:
    if not await tx.coordinators.coordinates(telegram_id, campaign_id):
        raise Refusal(NOT_FOUND)


async def coordinator_comment(
    tx: Repos, telegram_id: int, campaign_id: str, body: str, focus: str | None = None
) -> None:
    """Step 10: impressions, unique outcomes, and where the efforts centre."""
    await _coordinated(tx, telegram_id, campaign_id)
    await _open_workbook(tx, campaign_id)
    if focus is not None:
        if focus not in FOCUSES:
            raise Refusal(UNKNOWN_FOCUS)
        await tx.campaigns.set_focus(campaign_id, focus)
    if body.strip():
        await tx.score_comments.add(
            campaign_id,
            author=str(telegram_id),
            role="coordinator",
            body=_checked_comment(body),
            dimension=None,
        )


async def finalise(tx: Repos, telegram_id: int, campaign_id: str) -> Assessment:
    """Lock the scores once every interview has all seven agreed scores and a reviewer has
    commented; the Calculated Scorecard is the result from then on."""
    await _coordinated(tx, telegram_id, campaign_id)
    book = await _open_workbook(tx, campaign_id)
    return await _finalise(tx, book)


async def _finalise(tx: Repos, book: Workbook) -> Assessment:
    missing = book.unagreed()
    if missing:
        raise Refusal(UNAGREED, count=missing)
    if not any(comment.role == REVIEWER for comment in book.comments):
        raise Refusal(NO_REVIEW)
    await tx.campaigns.finalise(book.campaign.id)
    return book.calculated()


# --- paper in (the operator's imports) ----------------------------------------------------


def match_columns(columns: Sequence[str], book: Workbook) -> list[Interview | None]:
    """Which interview each scorecard column is: by label ("K7QF"), or by the guide's numbers
    ("#1", "#2" ...) in the order the product lists the interviews (its own exports)."""
    matched: list[Interview | None] = []
    for column in columns:
        cell = column.strip().lstrip("#").strip()
        if not cell:
            matched.append(None)
        elif cell.upper() in book.labels:
            # Before numbers: a label drawn before 2026-12-04 may be all digits ("7796").
            matched.append(book.interview(cell))
        elif cell.isdigit():
            number = int(cell)
            if not 1 <= number <= len(book.interviews):
                raise Refusal(UNKNOWN_INTERVIEW, label=column.strip())
            matched.append(book.interviews[number - 1])
        else:
            matched.append(book.interview(cell))
    return matched


Grid = Mapping[str, Sequence[Fraction | None]]
"""A scorecard's scores: dimension -> one score (or blank) per column."""


def _columns_scored(
    columns: Sequence[str], scores: Grid, book: Workbook
) -> list[tuple[Interview, dict[str, Fraction]]]:
    """Each filled column as (interview, its seven scores); a half-filled column is refused."""
    found = []
    for index, interview in enumerate(match_columns(columns, book)):
        column: dict[str, Fraction] = {}
        for dimension, entries in scores.items():
            score = entries[index] if index < len(entries) else None
            if score is not None:
                column[dimension] = score
        if not column:
            continue
        if interview is None:
            raise Refusal(UNLABELLED_COLUMN, number=index + 2)
        if len(column) < len(DIMENSION_IDS):
            raise Refusal(INCOMPLETE_SHEET, label=interview.label)
        found.append((interview, column))
    return found


def _once_each(
    scored: list[tuple[Interview, dict[str, Fraction]]],
) -> list[tuple[Interview, dict[str, Fraction]]]:
    seen: set[str] = set()
    for interview, _ in scored:
        if interview.id in seen:
            raise Refusal(DUPLICATE_COLUMN, label=interview.label)
        seen.add(interview.id)
    return scored


async def import_independent(
    tx: Repos, campaign_id: str, scorer_name: str, columns: Sequence[str], scores: Grid
) -> tuple[StaffMember, int]:
    """One scorer's Independent Scorecard done on paper: her scores, handed in. A scorer of
    that name who is not yet staff is added (she scores on paper, without Telegram)."""
    book = await _open_workbook(tx, campaign_id)
    scored = _once_each(_columns_scored(columns, scores, book))
    scorer = await tx.staff.named(campaign_id, SCORER, scorer_name)
    if scorer is None:
        scorer = await tx.staff.add(campaign_id, SCORER, scorer_name)
    for interview, _ in scored:
        if (interview.id, scorer.id) in book.sheets:
            raise Refusal(ALREADY_SUBMITTED, label=interview.label)
    await tx.scores.put_many(
        (interview.id, scorer.id, dimension, format_score(value))
        for interview, column in scored
        for dimension, value in column.items()
    )
    for interview, _ in scored:
        await tx.scores.submit(interview.id, scorer.id)
    return scorer, len(scored)


async def import_consensus(
    tx: Repos, campaign_id: str, columns: Sequence[str], scores: Grid
) -> int:
    """A Combined Scorecard agreed on paper: every score entered and confirmed at once (the
    scorers signed it at their meeting; the operator enters it)."""
    book = await _open_workbook(tx, campaign_id)
    scored = _once_each(_columns_scored(columns, scores, book))
    for interview, column in scored:
        for dimension, value in column.items():
            await tx.consensus.enter(
                interview.id, dimension, format_score(value), None, confirmed=True
            )
    return len(scored)


# --- re-assessment (Step 7 of the guide's process) -----------------------------------------


async def repeat(tx: Repos, telegram_id: int | None, campaign_id: str) -> Campaign:
    """A new round for the same community with the same settings, coordinators and staff,
    and new links. `telegram_id` None: the operator."""
    if telegram_id is not None:
        await _coordinated(tx, telegram_id, campaign_id)
    earlier = await tx.campaigns.by_id(campaign_id)
    if earlier is None:
        raise Refusal(NOT_FOUND)
    campaign = await tx.campaigns.create(
        name=earlier.name,
        community_type=earlier.community_type,
        flow=earlier.flow,
        description=earlier.description,
        languages=earlier.locales,
        organisation=earlier.organisation,
        previous_id=earlier.id,
    )
    for coordinator in await tx.coordinators.of_campaign(campaign_id, include_muted=True):
        await tx.coordinators.add(coordinator.telegram_id, campaign.id, coordinator.locale)
    for member in await tx.staff.of_campaign(campaign_id):
        await tx.staff.add(
            campaign.id,
            member.role,
            member.name,
            telegram_id=member.telegram_id,
            locale=member.locale,
        )
    return campaign
