"""The scoring team at work in a chat: interviewers record interviews, scorers score them
independently and agree, reviewers comment (Appendix E steps 1-7). Channel-neutral.

Each action names its campaign and re-checks the person's role there (the workbench does);
a refusal is said in the member's language and changes nothing. A scorer's screens carry no
other scorer's score until she has handed in every interview of hers.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Literal

from bot.flows.values import AnswerValue
from bot.i18n import N_
from bot.services import workbench
from bot.services.effects import Effects, Notify, Redraw, Reply, Settle, Toast
from bot.services.respondent import Respondents, Who
from bot.services.staff_views import (
    AgreeDimension,
    AgreementRow,
    AgreementView,
    DimensionSheet,
    HandInView,
    InterviewRecord,
    InterviewStatus,
    StaffHome,
)
from bot.services.views import Phrase, Say, TeamNotice
from bot.services.workbench import INTERVIEWER, REVIEWER, SCORER, Refusal, Workbook
from bot.storage.records import Interview, StaffMember
from bot.storage.repos import Repos
from questions.loader import Library
from questions.schema import DIMENSION_IDS, Bank, Kind, Question
from scoring import format_score, parse_score
from scoring.agreement import FLAG_FROM

NO_ROLES = N_(
    "You have no interviews to conduct, score or review. A coordinator's invite link gives "
    "you a role in an assessment."
)
HANDED_IN = N_(
    "Interview {label} is handed in. Your scores of it can no longer change, and the other "
    "scorers' scores of it are shown to you once you have handed in every interview."
)
SCORED = N_("Dimension {dimension}: {score}")
AGREED_ENTERED = N_("Agreed score entered: the other scorer confirms it.")
CONFIRMED = N_("Agreed scores confirmed: {count}.")
NOTHING_SAME = N_("No dimension has the same score from every scorer that is not agreed yet.")
COMMENT_ASK = N_(
    "Type your comment on {topic}: what in the interviews supports or questions the proposed "
    "scores. Send /cancel to leave it."
)
COMMENT_SAVED = N_("Thank you: your comment is saved for the coordinator.")
COMMENT_CANCELLED = N_("No comment was saved.")
WHOLE_ASSESSMENT = N_("the whole assessment")
NOT_INTERVIEWER_BANK = N_("This assessment has no interview for an interviewer to conduct.")
COMPARE_LATER = N_(
    "Hand in your scores of every interview first: then you see the other scorers' scores "
    "and agree on them (Appendix E steps 4-6)."
)
RECORDING_CLOSED = N_("This assessment is closed: no more interviews can be recorded.")


@dataclass(frozen=True)
class Actor:
    """Who acts: the Telegram id the roles are stored under, and the chat's pseudonym for
    the interviews she conducts (those are sessions like any respondent's)."""

    telegram_id: int
    who: Who


@dataclass
class StaffDesk:
    library: Library
    respondents: Respondents

    # --- home ----------------------------------------------------------------------------

    async def home(self, tx: Repos, telegram_id: int, locale: str) -> Effects:
        """Every role she has, one card per campaign and role."""
        members = await tx.staff.of_telegram(telegram_id)
        if not members:
            return [Reply(Say.of(locale, NO_ROLES))]
        return [Reply(await self._card(tx, member)) for member in members]

    async def card(self, tx: Repos, telegram_id: int, campaign_id: str, role: str) -> Effects:
        member = await tx.staff.member(campaign_id, role, telegram_id)
        if member is None:
            return await self._refused(tx, telegram_id, Refusal(workbench.NOT_FOUND))
        return [Reply(await self._card(tx, member))]

    async def _card(self, tx: Repos, member: StaffMember) -> StaffHome:
        book = await workbench.workbook(tx, member.campaign_id)
        assert book is not None  # a member's campaign is never deleted under her
        statuses = tuple(_status(book, member, label) for label in book.labels)
        if member.role == SCORER:
            scored = await tx.scores.counts(member.id)
            statuses = tuple(
                replace(s, scored=scored.get(i.id, 0))
                for s, i in zip(statuses, book.interviews, strict=True)
            )
        return StaffHome(
            locale=member.locale,
            campaign_id=member.campaign_id,
            name=book.campaign.name,
            role=member.role,
            member_name=member.name,
            interviews=statuses,
            may_compare=member.role == SCORER and book.may_compare(member),
            final=book.final,
            bank_id=book.campaign.flow,
        )

    # --- interviewers --------------------------------------------------------------------

    async def start_interview(self, tx: Repos, actor: Actor, campaign_id: str) -> Effects:
        """An interview she conducts and notes (Appendix D, or a preassessment read out)."""
        member = await tx.staff.member(campaign_id, INTERVIEWER, actor.telegram_id)
        campaign = await tx.campaigns.by_id(campaign_id)
        if member is None or campaign is None:
            return await self._refused(tx, actor.telegram_id, Refusal(workbench.NOT_FOUND))
        if not campaign.is_open:
            return [Reply(Say.of(member.locale, RECORDING_CLOSED))]
        if campaign.flow not in self.library.banks:
            return [Reply(Say.of(member.locale, NOT_INTERVIEWER_BANK))]
        return await self.respondents.begin_led(
            tx, actor.who, campaign.id, campaign.flow, member.locale
        )

    # --- scorers: independent scoring (steps 1-4) ----------------------------------------

    async def open_interview(
        self, tx: Repos, telegram_id: int, campaign_id: str, label: str
    ) -> Effects:
        """The whole interview first, then the first dimension she has not scored."""
        return await self._as(tx, telegram_id, campaign_id, SCORER, self._opened(label))

    def _opened(self, label: str) -> Step:
        async def run(tx: Repos, member: StaffMember, book: Workbook) -> Effects:
            interview = book.interview(label)
            own = await tx.scores.own(interview.id, member.id)
            record = await self._record(tx, member, interview)
            if (interview.id, member.id) in book.sheets:
                return [Reply(record), Reply(await self._card(tx, member))]
            todo = [d for d in DIMENSION_IDS if d not in own]
            if not todo:
                return [Reply(record), Reply(_hand_in_view(member, interview, own))]
            sheet = await self._sheet(tx, member, interview, todo[0], own)
            return [Reply(record), Reply(sheet)]

        return run

    async def show_dimension(
        self, tx: Repos, telegram_id: int, campaign_id: str, label: str, dimension: str
    ) -> Effects:
        async def run(tx: Repos, member: StaffMember, book: Workbook) -> Effects:
            interview = book.interview(label)
            if dimension not in DIMENSION_IDS:
                raise Refusal(workbench.UNKNOWN_DIMENSION)
            own = await tx.scores.own(interview.id, member.id)
            return [Redraw(await self._sheet(tx, member, interview, dimension, own))]

        return await self._as(tx, telegram_id, campaign_id, SCORER, run)

    async def score(
        self,
        tx: Repos,
        telegram_id: int,
        campaign_id: str,
        label: str,
        dimension: str,
        score: str,
    ) -> Effects:
        """Her score of one dimension; the screen moves on to the next one she has not
        scored, or to her seven scores to hand in."""

        async def run(tx: Repos, member: StaffMember, book: Workbook) -> Effects:
            value = await workbench.put_score(tx, telegram_id, campaign_id, label, dimension, score)
            interview = book.interview(label)
            own = await tx.scores.own(interview.id, member.id)
            todo = [d for d in DIMENSION_IDS if d not in own]
            after = [d for d in todo if d > dimension] or todo
            settled = Settle(
                member.locale,
                Phrase(SCORED, {"dimension": dimension, "score": format_score(value)}),
            )
            if not after:
                return [settled, Reply(_hand_in_view(member, interview, own))]
            return [settled, Reply(await self._sheet(tx, member, interview, after[0], own))]

        return await self._as(tx, telegram_id, campaign_id, SCORER, run)

    async def hand_in(self, tx: Repos, telegram_id: int, campaign_id: str, label: str) -> Effects:
        async def run(tx: Repos, member: StaffMember, book: Workbook) -> Effects:
            interview = book.interview(label)
            if not await workbench.hand_in(tx, telegram_id, campaign_id, label):
                raise Refusal(workbench.ALREADY_SUBMITTED, label=interview.label)
            done = Say.of(member.locale, HANDED_IN, label=interview.label)
            told = await _when_all_handed_in(tx, book, member)
            return [Settle(), Reply(done), Reply(await self._card(tx, member)), *told]

        return await self._as(tx, telegram_id, campaign_id, SCORER, run)

    # --- scorers: agreement and consensus (steps 5-6) ------------------------------------

    async def agreement(self, tx: Repos, telegram_id: int, campaign_id: str, label: str) -> Effects:
        async def run(tx: Repos, member: StaffMember, book: Workbook) -> Effects:
            return [Reply(_agreement_view(book, member, label))]

        return await self._as(tx, telegram_id, campaign_id, SCORER, run, compare=True)

    async def agree_dimension(
        self, tx: Repos, telegram_id: int, campaign_id: str, label: str, dimension: str
    ) -> Effects:
        async def run(tx: Repos, member: StaffMember, book: Workbook) -> Effects:
            view = _agreement_view(book, member, label)
            row = next((r for r in view.rows if r.dimension == dimension), None)
            if row is None:
                raise Refusal(workbench.UNKNOWN_DIMENSION)
            return [Redraw(AgreeDimension(member.locale, campaign_id, view.label, row))]

        return await self._as(tx, telegram_id, campaign_id, SCORER, run, compare=True)

    async def enter_agreed(
        self,
        tx: Repos,
        telegram_id: int,
        campaign_id: str,
        label: str,
        dimension: str,
        score: str,
    ) -> Effects:
        async def run(tx: Repos, member: StaffMember, book: Workbook) -> Effects:
            await workbench.propose_agreed(tx, telegram_id, campaign_id, label, dimension, score)
            told = _tell_scorers(book, member, "to_confirm", book.interview(label).label)
            return [*await self._agreement_again(tx, member, label, AGREED_ENTERED), *told]

        return await self._as(tx, telegram_id, campaign_id, SCORER, run, compare=True)

    async def enter_same(
        self, tx: Repos, telegram_id: int, campaign_id: str, label: str
    ) -> Effects:
        """Every dimension all scorers scored alike, entered as agreed in one tap (the
        other scorer still confirms each)."""

        async def run(tx: Repos, member: StaffMember, book: Workbook) -> Effects:
            rows = _agreement_view(book, member, label).rows
            same = [r for r in rows if r.agreed is None and len({s for _, s in r.scores}) == 1]
            if not same:
                return [Toast(member.locale, Phrase(NOTHING_SAME))]
            for row in same:
                score = format_score(row.scores[0][1])
                await workbench.propose_agreed(
                    tx, telegram_id, campaign_id, label, row.dimension, score
                )
            told = _tell_scorers(book, member, "to_confirm", book.interview(label).label)
            return [*await self._agreement_again(tx, member, label, AGREED_ENTERED), *told]

        return await self._as(tx, telegram_id, campaign_id, SCORER, run, compare=True)

    async def confirm_all(
        self, tx: Repos, telegram_id: int, campaign_id: str, label: str
    ) -> Effects:
        """Confirm every agreed score of the interview another scorer entered."""

        async def run(tx: Repos, member: StaffMember, book: Workbook) -> Effects:
            rows = _agreement_view(book, member, label).rows
            waiting = [r for r in rows if _awaits(r)]
            if not waiting:
                raise Refusal(workbench.NOTHING_TO_CONFIRM)
            for row in waiting:
                await workbench.confirm_agreed(tx, telegram_id, campaign_id, label, row.dimension)
            done = Phrase(CONFIRMED, {"count": len(waiting)})
            again = await self._agreement_again(tx, member, label, None)
            return [Settle(member.locale, done), *again[1:], *await _when_all_agreed(tx, book)]

        return await self._as(tx, telegram_id, campaign_id, SCORER, run, compare=True)

    async def _agreement_again(
        self, tx: Repos, member: StaffMember, label: str, said: str | None
    ) -> Effects:
        book = await workbench.workbook(tx, member.campaign_id)
        assert book is not None
        settled = Settle(member.locale, Phrase(said)) if said else Settle()
        return [settled, Reply(_agreement_view(book, member, label))]

    # --- reviewers (step 7) --------------------------------------------------------------

    async def review_interview(
        self, tx: Repos, telegram_id: int, campaign_id: str, label: str
    ) -> Effects:
        async def run(tx: Repos, member: StaffMember, book: Workbook) -> Effects:
            interview = book.interview(label)
            record = await self._record(tx, member, interview)
            proposed = tuple(
                (d, book.combined()[d][book.labels.index(interview.label)]) for d in DIMENSION_IDS
            )
            return [Reply(replace(record, proposed=proposed))]

        return await self._as(tx, telegram_id, campaign_id, REVIEWER, run)

    async def ask_comment(
        self, tx: Repos, telegram_id: int, campaign_id: str, dimension: str
    ) -> Effects:
        async def run(tx: Repos, member: StaffMember, book: Workbook) -> Effects:
            wanted = None if dimension == "all" else dimension
            if wanted is not None and wanted not in DIMENSION_IDS:
                raise Refusal(workbench.UNKNOWN_DIMENSION)
            awaiting = {"comment": campaign_id, "dimension": wanted}
            await tx.staff.set_awaiting(member.id, json.dumps(awaiting))
            topic = self.library.model.dimension(wanted).name if wanted else WHOLE_ASSESSMENT
            return [Reply(Say.of(member.locale, COMMENT_ASK, topic=topic))]

        return await self._as(tx, telegram_id, campaign_id, REVIEWER, run)

    async def awaiting(self, tx: Repos, telegram_id: int) -> StaffMember | None:
        """The member whose typed comment the next message is, if any."""
        return await tx.staff.awaiting(telegram_id)

    async def typed(self, tx: Repos, member: StaffMember, text: str, length: int) -> Effects:
        """Her comment, typed after she asked to leave one."""
        wanted = json.loads(member.awaiting or "{}")
        if length > workbench.MAX_COMMENT:
            refusal = Refusal(workbench.LONG_COMMENT, limit=workbench.MAX_COMMENT)
            return [Reply(Say.of(member.locale, refusal.message, **refusal.params))]
        try:
            await workbench.review_comment(
                tx, member.telegram_id or 0, member.campaign_id, text, wanted.get("dimension")
            )
        except Refusal as refused:
            return [Reply(Say.of(member.locale, refused.message, **refused.params))]
        await tx.staff.set_awaiting(member.id, None)
        saved = [Reply(Say.of(member.locale, COMMENT_SAVED)), Reply(await self._card(tx, member))]
        campaign = await tx.campaigns.by_id(member.campaign_id)
        assert campaign is not None
        return [*saved, *await _tell_coordinators(tx, campaign.id, campaign.name, "reviewed")]

    async def interview_step(
        self, tx: Repos, telegram_id: int, step: str, campaign_id: str, label: str
    ) -> Effects:
        """One of the per-interview steps, by its short name (O H A M C R)."""
        steps = {
            "O": self.open_interview,
            "H": self.hand_in,
            "A": self.agreement,
            "M": self.enter_same,
            "C": self.confirm_all,
            "R": self.review_interview,
        }
        return await steps[step](tx, telegram_id, campaign_id, label)

    async def cancel_comment(self, tx: Repos, member: StaffMember) -> Effects:
        """`/cancel` while her comment is awaited: none is saved."""
        await tx.staff.set_awaiting(member.id, None)
        return [Reply(Say.of(member.locale, COMMENT_CANCELLED))]

    # --- shared ---------------------------------------------------------------------------

    async def _as(
        self,
        tx: Repos,
        telegram_id: int,
        campaign_id: str,
        role: str,
        run: Step,
        *,
        compare: bool = False,
    ) -> Effects:
        """Run one step as the campaign's member of that role; any refusal is said to her
        and the step changes nothing (the workbench refuses before it writes)."""
        member = await tx.staff.member(campaign_id, role, telegram_id)
        book = await workbench.workbook(tx, campaign_id)
        try:
            if member is None or book is None:
                raise Refusal(workbench.NOT_FOUND)
            if compare and not book.may_compare(member):
                raise Refusal(COMPARE_LATER)
            return await run(tx, member, book)
        except Refusal as refused:
            return await self._refused(tx, telegram_id, refused, member)

    async def _refused(
        self,
        tx: Repos,
        telegram_id: int,
        refused: Refusal,
        member: StaffMember | None = None,
    ) -> Effects:
        locale = member.locale if member else await self._locale(tx, telegram_id)
        return [Toast(locale, Phrase(refused.message, refused.params))]

    async def _locale(self, tx: Repos, telegram_id: int) -> str:
        members = await tx.staff.of_telegram(telegram_id)
        return members[0].locale if members else self.respondents.locales[0]

    async def _record(
        self, tx: Repos, member: StaffMember, interview: Interview
    ) -> InterviewRecord:
        return InterviewRecord(
            member.locale,
            member.campaign_id,
            interview.label,
            await self._items(tx, interview),
        )

    async def _items(
        self, tx: Repos, interview: Interview
    ) -> tuple[tuple[Question, AnswerValue], ...]:
        """Every question of the interview's own bank version that has an answer, in order."""
        stored = await tx.responses.one(interview.id)
        bank = self._bank(interview)
        answers = stored.answers if stored else {}
        return tuple((q, answers[q.id]) for q in bank.questions if q.id in answers)

    def _bank(self, interview: Interview) -> Bank:
        return self.library.version(interview.bank, interview.bank_version) or self.library.bank(
            interview.bank
        )

    async def _sheet(
        self,
        tx: Repos,
        member: StaffMember,
        interview: Interview,
        dimension: str,
        own: dict[str, str],
    ) -> DimensionSheet:
        bank = self._bank(interview)
        items = tuple(
            (question, value)
            for question, value in await self._items(tx, interview)
            if _bears_on(bank, question, dimension)
        )
        chosen = own.get(dimension)
        return DimensionSheet(
            member.locale,
            member.campaign_id,
            interview.label,
            dimension,
            items,
            parse_score(chosen) if chosen else None,
        )


Step = Callable[[Repos, StaffMember, Workbook], Awaitable[Effects]]
TeamEvent = Literal["to_confirm", "all_handed_in", "ready_for_review", "reviewed"]


# --- who is told what waits for them ----------------------------------------------------------


def _notice(member: StaffMember, book: Workbook, event: TeamEvent, label: str = "") -> Notify:
    assert member.telegram_id is not None
    notice = TeamNotice(
        locale=member.locale,
        event=event,
        campaign_id=book.campaign.id,
        name=book.campaign.name,
        role=member.role,
        label=label,
    )
    return Notify(member.telegram_id, notice)


def _tell_scorers(
    book: Workbook, author: StaffMember, event: TeamEvent, label: str = ""
) -> Effects:
    """Every other scorer who works in the chat (a paper scorer has no chat)."""
    return [
        _notice(scorer, book, event, label)
        for scorer in book.scorers
        if scorer.id != author.id and scorer.telegram_id is not None
    ]


async def _tell_coordinators(tx: Repos, campaign_id: str, name: str, event: TeamEvent) -> Effects:
    return [
        Notify(
            coordinator.telegram_id,
            TeamNotice(
                locale=coordinator.locale,
                event=event,
                campaign_id=campaign_id,
                name=name,
                role="coordinator",
            ),
        )
        for coordinator in await tx.coordinators.of_campaign(campaign_id)
    ]


async def _when_all_handed_in(tx: Repos, before: Workbook, author: StaffMember) -> Effects:
    """Once the last sheet is in, the scorers may compare: each other scorer is told."""
    book = await workbench.workbook(tx, before.campaign.id)
    assert book is not None
    if not all(book.all_handed_in(interview) for interview in book.interviews):
        return []
    return _tell_scorers(book, author, "all_handed_in")


async def _when_all_agreed(tx: Repos, before: Workbook) -> Effects:
    """Once every agreed score is confirmed, the reviewer's step begins (step 7)."""
    book = await workbench.workbook(tx, before.campaign.id)
    assert book is not None
    if book.unagreed() or before.unagreed() == 0:
        return []
    told: Effects = [
        _notice(reviewer, book, "ready_for_review")
        for reviewer in book.reviewers
        if reviewer.telegram_id is not None
    ]
    campaign = book.campaign
    return told + await _tell_coordinators(tx, campaign.id, campaign.name, "ready_for_review")


def _bears_on(bank: Bank, question: Question, dimension: str) -> bool:
    """The answers a dimension is scored from: its section of the full assessment, or the
    questions the preassessment ties to it."""
    if question.kind is Kind.INFO:
        return False
    section = bank.section_of(question.id)
    return question.dimension == dimension or section.dimension == dimension


def _status(book: Workbook, member: StaffMember, label: str) -> InterviewStatus:
    interview = book.interview(label)
    handed_in = (interview.id, member.id) in book.sheets
    agreed = sum(
        1 for d in DIMENSION_IDS if (a := book.agreed.get((label, d))) is not None and a.confirmed
    )
    flagged = to_confirm = 0
    if member.role == SCORER and book.may_compare(member):
        rows = _agreement_view(book, member, label).rows
        flagged = sum(1 for r in rows if r.flagged)
        to_confirm = sum(1 for r in rows if _awaits(r))
    return InterviewStatus(label, 0, handed_in, flagged, agreed, to_confirm)


def _awaits(row: AgreementRow) -> bool:
    return row.agreed is not None and not row.confirmed and not row.entered_by_me


def _hand_in_view(member: StaffMember, interview: Interview, own: dict[str, str]) -> HandInView:
    scores = tuple((d, parse_score(own[d]) if d in own else None) for d in DIMENSION_IDS)
    return HandInView(member.locale, member.campaign_id, interview.label, scores)


def _agreement_view(book: Workbook, member: StaffMember, label: str) -> AgreementView:
    interview = book.interview(label)
    rows = []
    for dimension in DIMENSION_IDS:
        scores = tuple(
            (scorer.name, book.submitted[scorer.name][(interview.label, dimension)])
            for scorer in book.scorers
            if (interview.label, dimension) in book.submitted.get(scorer.name, {})
        )
        values = [score for _, score in scores]
        flagged = len(values) > 1 and max(values) - min(values) >= FLAG_FROM
        agreed = book.agreed.get((interview.label, dimension))
        rows.append(
            AgreementRow(
                dimension,
                scores,
                flagged,
                parse_score(agreed.score) if agreed else None,
                bool(agreed and agreed.confirmed),
                bool(agreed and agreed.entered_by == member.id),
            )
        )
    return AgreementView(member.locale, member.campaign_id, interview.label, tuple(rows))
