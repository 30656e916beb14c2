"""The respondent's use cases: start, language, consent, answer, back, review, edit, submit,
erase and leave. Channel-neutral: a channel turns its input into these calls and persists the
effects they return in the same transaction.

A respondent is known only by a keyed pseudonym (`Who.key`); nothing here sees a name, a
username or a channel's user id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.flows.events import Answer, ChangeLanguage, Event, More, Toggle
from bot.flows.interview import (
    Ask,
    Finished,
    InterviewState,
    Prompt,
    Review,
    begin,
    expected_reason,
    progress,
    prompt_for,
    start,
    step,
    step_marker,
)
from bot.flows.values import MAX_MESSAGE_LENGTH, Reason
from bot.flows.versions import bind
from bot.i18n import negotiate
from bot.privacy import Sealer, normalise_receipt_code, receipt_digest
from bot.services import texts, volunteers
from bot.services.effects import ClearChat, Effect, Effects, Redraw, Reply, Settle, Toast
from bot.services.submission import Submitter
from bot.services.views import (
    Consent,
    DeleteConfirm,
    LanguageChoice,
    Phrase,
    QuestionView,
    Refusal,
    ReviewView,
    Say,
    Welcome,
)
from bot.storage.clock import new_id, now, stamp
from bot.storage.records import Session
from bot.storage.repos import Repos
from bot.storage.retention import UNFINISHED_DAYS
from questions.loader import Library
from questions.schema import Bank, Kind, Question

LANGUAGE, CONSENT, INTERVIEW = "language", "consent", "interview"
"""The stages of a session: a new interview asks for the language and for consent first."""


@dataclass(frozen=True)
class Who:
    """The person behind an event, as far as services may know them."""

    key: str
    """HMAC of the channel's user id (or of a web session, or a console run)."""
    language: str | None = None
    """The language the channel suggests (Telegram's language_code, Accept-Language)."""
    reply_to: bytes | None = None
    """A sealed address for the one reminder, when the channel can send one."""


@dataclass(frozen=True)
class Current:
    """An open interview with its bank bound, and what the respondent must be told first."""

    session: Session
    bank: Bank
    state: InterviewState
    notes: tuple[Effect, ...] = ()


@dataclass
class Respondents:
    library: Library
    secret: bytes
    submitter: Submitter
    locales: tuple[str, ...]
    reminder_after: timedelta | None = None
    unfinished_days: int = UNFINISHED_DAYS
    """What the privacy screen says; the pruning loop deletes such interviews."""

    # --- starting ------------------------------------------------------------------------

    async def start(self, tx: Repos, who: Who, token: str = "") -> Effects:
        """`/start`, with or without a campaign's link token."""
        current = await self._load(tx, who)
        locale = self._locale(who, current)
        if not token:
            if current is not None:
                return await self._resume(tx, who, current)
            return [Reply(Welcome(locale))]
        campaign = await tx.campaigns.by_token(token)
        if campaign is None:
            return [Reply(Say.of(locale, texts.UNKNOWN_LINK))]
        if current is not None and current.session.campaign_id != campaign.id:
            notice = Reply(Say.of(locale, texts.OTHER_INTERVIEW_OPEN))
            return [notice, *await self._resume(tx, who, current)]
        if current is not None:
            return await self._resume(tx, who, current)
        if not campaign.is_open:
            return [Reply(Say.of(locale, texts.CAMPAIGN_CLOSED))]
        if await tx.responses.has_completed(campaign.id, who.key):
            return [Reply(Say.of(locale, texts.ALREADY_DONE))]
        return await self._open(tx, who, campaign.id, campaign.flow, campaign.locales)

    async def begin_personal(self, tx: Repos, who: Who, bank_id: str) -> Effects:
        """A try-out without a campaign: only the respondent sees the result."""
        current = await self._load(tx, who)
        if current is not None:
            return await self._resume(tx, who, current)
        return [Settle(), *await self._open(tx, who, None, bank_id)]

    async def open_now(
        self, tx: Repos, who: Who, bank_id: str, campaign_id: str | None, locale: str
    ) -> Effects:
        """An interview in a known language (the console): straight to consent."""
        opened = await self._open(tx, who, campaign_id, bank_id)
        session = await tx.sessions.of(who.key)
        if session is None:  # refused: an interviewer's bank
            return opened
        return await self.choose_language(tx, who, session.id, locale)

    async def begin_led(
        self, tx: Repos, who: Who, campaign_id: str, bank_id: str, locale: str
    ) -> Effects:
        """An interview an interviewer reads out and notes (Appendix D, or a preassessment
        over the phone): in her language, with no privacy screen of her own (the script asks
        the respondent), straight to its first step; her unfinished one, if she has one. The
        caller has checked that she is the campaign's interviewer."""
        current = await self._load(tx, who)
        if current is not None:
            return await self._resume(tx, who, current)
        bank = self.library.bank(bank_id)
        state, _ = start(bank, locale if locale in self.locales else self.locales[0])
        opening = begin(bank, state)
        session = _new_session(who, campaign_id, bank, INTERVIEW, opening.state, led=True)
        await self._save(tx, who, session)
        return [self._show(session, opening.state, opening.prompt, passed=opening.passed)]

    async def _open(
        self,
        tx: Repos,
        who: Who,
        campaign_id: str | None,
        bank_id: str,
        offered: tuple[str, ...] = (),
    ) -> Effects:
        bank = self.library.bank(bank_id)
        locales = self._offered_of(offered)
        locale = negotiate(who.language, locales)
        if locale not in locales:
            locale = locales[0]
        if not bank.for_respondents:
            # The full assessment is read out by an interviewer (Appendix D): whatever the
            # link or button, a respondent is never put through it.
            return [Reply(Say.of(locale, texts.UNKNOWN_LINK))]
        state, _ = start(bank, locale)
        session = _new_session(who, campaign_id, bank, LANGUAGE, state)
        await self._save(tx, who, session)
        return [Reply(LanguageChoice(locale, session.id, locales))]

    async def start_in(self, tx: Repos, who: Who, token: str, locale: str) -> Effects:
        """A link opened where the language is known already (a browser's Accept-Language,
        with a language picker on every page): straight to consent, in that language if the
        campaign offers it, else in the first it offers."""
        effects = await self.start(tx, who, token)
        for effect in effects:
            if isinstance(effect, Reply) and isinstance(effect.view, LanguageChoice):
                choice = effect.view
                if choice.session_id is not None:
                    chosen = locale if locale in choice.offered else choice.offered[0]
                    return await self.choose_language(tx, who, choice.session_id, chosen)
        return effects

    async def screen(self, tx: Repos, who: Who) -> Effects:
        """Her current step once more (a page reloaded), with nothing said again; nothing
        when no interview is open."""
        current = await self._load(tx, who)
        if current is None:
            return []
        return await self._screen(tx, current)

    async def peek(self, read: Repos, who: Who) -> Effects | None:
        """`screen` from committed data without writing, for a page fetched again and again;
        None when showing it needs a write (its bank version moved on, its campaign closed),
        and then `screen` in a transaction does it."""
        session = await read.sessions.of(who.key)
        if session is None:
            return []
        bound = bind(self.library, InterviewState.from_json(session.state))
        if bound.rebased:
            return None
        if session.campaign_id is not None:
            campaign = await read.campaigns.by_id(session.campaign_id)
            if campaign is None or not campaign.is_open:
                return None
        return await self._screen(read, Current(session, bound.bank, bound.state))

    async def _resume(self, tx: Repos, who: Who, current: Current) -> Effects:
        welcome = Reply(Say.of(current.state.locale, texts.RESUME_OFFER))
        return await self._screen(tx, current, welcome)

    async def _screen(self, tx: Repos, current: Current, *greeting: Effect) -> Effects:
        if await self._closed_meanwhile(tx, current.session):
            return [Reply(Say.of(current.state.locale, texts.CAMPAIGN_CLOSED))]
        if current.session.stage != INTERVIEW:
            return [*current.notes, *await self._stage_view(tx, current)]
        prompt = prompt_for(current.bank, current.state)
        shown = self._show(current.session, current.state, prompt)
        return [*current.notes, *greeting, shown]

    async def _closed_meanwhile(self, tx: Repos, session: Session) -> bool:
        """An interview of a campaign closed since it began ends unsubmitted: a closed
        campaign's results are final."""
        if session.campaign_id is None:
            return False
        campaign = await tx.campaigns.by_id(session.campaign_id)
        if campaign is not None and campaign.is_open:
            return False
        await tx.sessions.delete(session.id)
        return True

    # --- language and consent ------------------------------------------------------------

    async def language_menu(self, tx: Repos, who: Who) -> Effects:
        current = await self._load(tx, who)
        offered = await self._offered(tx, current)
        session_id = current.session.id if current else None
        return [Reply(LanguageChoice(self._locale(who, current), session_id, offered))]

    async def choose_language(
        self, tx: Repos, who: Who, session_id: str | None, locale: str
    ) -> Effects:
        current = await self._load(tx, who)
        if session_id is None:
            chosen = locale if locale in self.locales else self._locale(who, current)
            return [Settle(), Reply(Say.of(chosen, texts.HELP, texts.HOTLINE))]
        if current is None or current.session.id != session_id:
            return [self._stale(who, current)]
        if locale not in await self._offered(tx, current):
            return [self._stale(who, current)]
        outcome = step(current.bank, current.state, ChangeLanguage(locale))
        session = current.session.evolve(state=outcome.state.to_json())
        if session.stage == LANGUAGE:
            session = session.evolve(stage=CONSENT)
        await self._save(tx, who, session)
        moved = Current(session, current.bank, outcome.state)
        if session.stage == INTERVIEW:
            return [Settle(), self._show(session, outcome.state, outcome.prompt)]
        return [Settle(), *await self._stage_view(tx, moved)]

    async def consent(self, tx: Repos, who: Who, session_id: str, agreed: bool) -> Effects:
        current = await self._load(tx, who)
        if current is None or current.session.id != session_id or current.session.stage != CONSENT:
            return [self._stale(who, current)]
        locale = current.state.locale
        if not agreed:
            await tx.sessions.delete(current.session.id)
            return [Settle(), Reply(Say.of(locale, texts.CONSENT_DECLINED))]
        opening = begin(current.bank, current.state)
        session = current.session.evolve(stage=INTERVIEW, state=opening.state.to_json())
        await self._save(tx, who, session)
        return [
            Settle(locale, Phrase(texts.CONTINUE)),
            self._show(session, opening.state, opening.prompt, passed=opening.passed),
        ]

    async def _stage_view(self, tx: Repos, current: Current) -> Effects:
        session, state = current.session, current.state
        if session.stage == LANGUAGE:
            offered = await self._offered(tx, current)
            return [Reply(LanguageChoice(state.locale, session.id, offered))]
        campaign = None
        if session.campaign_id is not None:
            campaign = await tx.campaigns.by_id(session.campaign_id)
        if campaign is None:
            return [Reply(self._consent(session, state.locale))]
        asking = self._consent(
            session,
            state.locale,
            community=campaign.name,
            description=campaign.description,
            organisation=campaign.organisation,
        )
        return [Reply(asking)]

    def _consent(self, session: Session, locale: str, **campaign: str) -> Consent:
        """The privacy screen, with the numbers it states taken from the settings in force."""
        reminder = None
        if self.reminder_after and not session.reminded:
            reminder = int(self.reminder_after.total_seconds())
        return Consent(
            locale,
            session.id,
            session.bank,
            unfinished_days=self.unfinished_days,
            reminder_seconds=reminder,
            **campaign,
        )

    # --- answering -----------------------------------------------------------------------

    async def act(self, tx: Repos, who: Who, session_id: str, event: Event) -> Effects:
        """A button of the interview (answer, continue, tick, done, skip, back, edit, submit)."""
        current = await self._load(tx, who)
        if (
            current is None
            or current.session.id != session_id
            or current.session.stage != INTERVIEW
        ):
            return [self._stale(who, current)]
        return [*current.notes, *await self._drive(tx, who, current, event, tapped=True)]

    async def typed(
        self,
        tx: Repos,
        who: Who,
        text: str,
        length: int,
        *,
        still_answering: bool = False,
        as_typed: str | None = None,
    ) -> Effects:
        """A typed message: the answer to the current question, if it asks for text, or more
        of the answer she typed last. `still_answering`: the question after that answer has
        not reached her yet (the channel holds it back while she types). `as_typed`: the
        text before redaction, used only when it is the contact she was asked to type."""
        current = await self._load(tx, who)
        if current is None:
            # After a submission, with no interview open: maybe the contact she offered.
            offer = await tx.volunteers.awaiting(who.key)
            if offer is not None:
                contact = text if as_typed is None else as_typed
                return await volunteers.take(tx, Sealer(self.secret), offer, contact, length)
        if length > MAX_MESSAGE_LENGTH:
            too_long = Reason(texts.TOO_LONG, {"length": length, "limit": MAX_MESSAGE_LENGTH})
            return [Reply(Refusal(self._locale(who, current), too_long))]
        if current is not None and self._adds_to_answer(current, still_answering):
            return [*current.notes, *await self._more(tx, who, current, text, still_answering)]
        refusal = self._not_typing_now(who, current)
        if refusal is not None:
            return [Reply(refusal)]
        assert current is not None
        prompt = prompt_for(current.bank, current.state)
        assert isinstance(prompt, Ask)
        event = Answer(text, question_id=prompt.question.id)
        return [*current.notes, *await self._drive(tx, who, current, event, tapped=False)]

    def _adds_to_answer(self, current: Current, still_answering: bool) -> bool:
        """A message is more of her last typed answer until she has seen the next question,
        and on a question that takes no typing at all (she can only be finishing a thought)."""
        if current.session.stage != INTERVIEW or current.state.open_text is None:
            return False
        prompt = prompt_for(current.bank, current.state)
        asks_for_text = isinstance(prompt, Ask) and prompt.question.kind is Kind.TEXT
        return still_answering or not asks_for_text

    async def _more(
        self, tx: Repos, who: Who, current: Current, text: str, still_answering: bool
    ) -> Effects:
        question_id = current.state.open_text
        assert question_id is not None
        outcome = step(current.bank, current.state, More(text, question_id=question_id))
        locale = current.state.locale
        if outcome.refused is not None:
            return [Reply(Refusal(locale, outcome.refused))]
        session = current.session.evolve(state=outcome.state.to_json())
        await self._save(tx, who, session)
        if still_answering:
            return [self._show(session, outcome.state, outcome.prompt, held=True)]
        number = progress(current.bank, question_id, outcome.state.answers).number
        added = Reply(Say.of(locale, texts.ADDED_TO_ANSWER, number=number))
        if isinstance(outcome.prompt, Review):
            # The review on her screen shows the answer without what she just added.
            return [added, self._show(session, outcome.state, outcome.prompt)]
        return [added]

    async def unusable(self, tx: Repos, who: Who) -> Effects:
        """A sticker, photo, voice note, location...: say what the current step expects."""
        current = await self._load(tx, who)
        locale = self._locale(who, current)
        if current is None:
            return [Reply(Say.of(locale, texts.NO_INTERVIEW))]
        prompt = prompt_for(current.bank, current.state)
        if current.session.stage != INTERVIEW or not isinstance(prompt, Ask):
            return [Reply(Say.of(locale, texts.USE_BUTTONS))]
        return [Reply(Refusal(locale, expected_reason(prompt.question)))]

    async def edited(self, tx: Repos, who: Who) -> Effects:
        current = await self._load(tx, who)
        return [Reply(Say.of(self._locale(who, current), texts.EDITED_IGNORED))]

    def _not_typing_now(self, who: Who, current: Current | None) -> Say | Refusal | None:
        if current is None:
            return Say.of(self._locale(who, current), texts.NO_INTERVIEW)
        locale = current.state.locale
        if current.session.stage != INTERVIEW:
            return Say.of(locale, texts.USE_BUTTONS)
        prompt = prompt_for(current.bank, current.state)
        if not isinstance(prompt, Ask):
            return Say.of(locale, texts.USE_BUTTONS)
        if prompt.question.kind is not Kind.TEXT:
            return Refusal(locale, expected_reason(prompt.question))
        return None

    async def _drive(
        self, tx: Repos, who: Who, current: Current, event: Event, *, tapped: bool
    ) -> Effects:
        bank, state, session = current.bank, current.state, current.session
        outcome = step(bank, state, event)
        locale = state.locale
        if outcome.refused is not None:
            if tapped:
                return [Toast(locale, Phrase(outcome.refused.message, outcome.refused.params))]
            return [Reply(Refusal(locale, outcome.refused))]
        effects: Effects = []
        if tapped and not isinstance(event, Toggle):
            recorded = outcome.recorded
            value = outcome.state.answers.get(recorded.id) if recorded else None
            effects.append(Settle(locale, question=recorded, value=value))
        if isinstance(outcome.prompt, Finished):
            return effects + await self.submitter.submit(tx, session, bank, outcome.state)
        session = session.evolve(state=outcome.state.to_json())
        await self._save(tx, who, session)
        typed = outcome.state.open_text is not None
        shown = self._show(
            session, outcome.state, outcome.prompt, held=typed, passed=outcome.passed
        )
        if tapped and _same_screen_moved_on(state, outcome.state):
            # A tick, or a step of the rating staircase: the message changes in place, so
            # the chosen step shows there and the chat does not grow.
            return [Redraw(shown.view)]
        return [*effects, shown]

    def _show(
        self,
        session: Session,
        state: InterviewState,
        prompt: Prompt,
        *,
        held: bool = False,
        passed: tuple[Question, ...] = (),
    ) -> Reply:
        if isinstance(prompt, Review):
            return Reply(ReviewView(state.locale, session.id, prompt), held=held)
        assert isinstance(prompt, Ask)
        marker = step_marker(state)
        view = QuestionView(state.locale, session.id, prompt, marker, passed, session.bank)
        return Reply(view, held=held)

    # --- leaving and erasing -------------------------------------------------------------

    async def quick_exit(self, tx: Repos, who: Who) -> Effects:
        """Everything off the screen at once; the answers are kept (erasing is /delete)."""
        return [ClearChat()]

    async def delete(self, tx: Repos, who: Who, code: str) -> Effects:
        """`/delete CODE` erases a submitted response; `/delete` alone, the open interview."""
        current = await self._load(tx, who)
        locale = self._locale(who, current)
        if code.strip():
            return [Reply(await self._erase_submitted(tx, locale, code))]
        if current is None:
            return [Reply(Say.of(locale, texts.DELETE_HOW))]
        return [Reply(DeleteConfirm(locale, current.session.id))]

    async def volunteer(self, tx: Repos, who: Who, offer_id: str, agreed: bool) -> Effects:
        """The offer to leave a contact for the full assessment: tapped, or cancelled."""
        locale = self._locale(who, await self._load(tx, who))
        if agreed:
            return await volunteers.ask(tx, who.key, locale, offer_id)
        return await volunteers.cancel(tx, who.key, locale, offer_id)

    async def _erase_submitted(self, tx: Repos, locale: str, code: str) -> Say:
        """The answers with that receipt, and the contact she left with it, if any."""
        normalised = normalise_receipt_code(code)
        if normalised is None:
            return Say.of(locale, texts.RECEIPT_UNKNOWN)
        erased = await tx.responses.erase(receipt_digest(self.secret, normalised))
        contact = await volunteers.erase(tx, self.secret, normalised)
        said = [texts.DELETED_RECEIPT] if erased else []
        said += [texts.DELETED_CONTACT] if contact else []
        return Say.of(locale, *(said or [texts.RECEIPT_UNKNOWN]))

    async def erase_open(self, tx: Repos, who: Who, session_id: str) -> Effects:
        current = await self._load(tx, who)
        if current is None or current.session.id != session_id:
            return [self._stale(who, current)]
        await tx.sessions.delete(current.session.id)
        erased = Say(current.state.locale, (Phrase(texts.DELETED_OPEN),), offer_clear=True)
        return [Settle(), Reply(erased)]

    async def keep(self, tx: Repos, who: Who) -> Effects:
        current = await self._load(tx, who)
        return [Settle(self._locale(who, current), Phrase(texts.KEPT))]

    async def no_reminder(self, tx: Repos, who: Who) -> Effects:
        """`/noreminder`: the open interview gets no reminder (the privacy screen offers it)."""
        current = await self._load(tx, who)
        locale = self._locale(who, current)
        if current is None:
            return [Reply(Say.of(locale, texts.NO_REMINDER_NOTHING_OPEN))]
        # Already reminded, or never due: marking changes nothing, and the answer stays true.
        await tx.sessions.mark_reminded(current.session.id)
        return [*current.notes, Reply(Say.of(locale, texts.NO_REMINDER_DONE))]

    async def help(self, tx: Repos, who: Who) -> Effects:
        current = await self._load(tx, who)
        return [Reply(Say.of(self._locale(who, current), texts.HELP, texts.HOTLINE))]

    async def stale(self, tx: Repos, who: Who) -> Effects:
        """A button no interview of this respondent could have shown (old, or forged)."""
        return [self._stale(who, await self._load(tx, who))]

    def locale_for(self, who: Who) -> str:
        return negotiate(who.language, self.locales)

    def private_only(self, who: Who) -> Effects:
        return [Reply(Say.of(negotiate(who.language, self.locales), texts.GROUP_ONLY_PRIVATE))]

    async def remind(self, tx: Repos, session_id: str) -> Effects:
        """The one reminder after silence; nothing if the interview ended or was reminded."""
        session = await tx.sessions.by_id(session_id)
        if session is None or not await tx.sessions.mark_reminded(session_id):
            return []
        locale = InterviewState.from_json(session.state).locale
        return [Reply(Say.of(locale, texts.REMINDER))]

    # --- helpers -------------------------------------------------------------------------

    async def _load(self, tx: Repos, who: Who) -> Current | None:
        """The respondent's open interview, bound to its bank version."""
        session = await tx.sessions.of(who.key)
        if session is None:
            return None
        bound = bind(self.library, InterviewState.from_json(session.state))
        if not bound.rebased:
            return Current(session, bound.bank, bound.state)
        session = session.evolve(state=bound.state.to_json())
        await self._save(tx, who, session)
        note = Reply(Say.of(bound.state.locale, texts.BANK_CHANGED))
        return Current(session, bound.bank, bound.state, (note,))

    async def _save(self, tx: Repos, who: Who, session: Session) -> None:
        due = None
        address = None
        if self.reminder_after and not session.reminded and who.reply_to is not None:
            due = now() + self.reminder_after
            address = who.reply_to
        await tx.sessions.save(session, reminder_chat=address, reminder_due=due)

    async def _offered(self, tx: Repos, current: Current | None) -> tuple[str, ...]:
        """The languages a session may use: its campaign's choice, else every shipped one."""
        if current is not None and current.session.campaign_id is not None:
            campaign = await tx.campaigns.by_id(current.session.campaign_id)
            if campaign is not None:
                return self._offered_of(campaign.locales)
        return self.locales

    def _offered_of(self, chosen: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(loc for loc in chosen if loc in self.locales) or self.locales

    def _locale(self, who: Who, current: Current | None) -> str:
        if current is not None:
            return current.state.locale
        return negotiate(who.language, self.locales)

    def _stale(self, who: Who, current: Current | None) -> Toast:
        return Toast(self._locale(who, current), Phrase(texts.STALE_BUTTON))


def _new_session(
    who: Who,
    campaign_id: str | None,
    bank: Bank,
    stage: str,
    state: InterviewState,
    *,
    led: bool = False,
) -> Session:
    return Session(
        id=new_id(6),
        respondent_key=who.key,
        campaign_id=campaign_id,
        bank=bank.id,
        stage=stage,
        state=state.to_json(),
        updated_at=stamp(),
        led=led,
    )


def _same_screen_moved_on(before: InterviewState, after: InterviewState) -> bool:
    """Still the same question, another step of it (a tick, a rating screen)."""
    same_question = after.phase == before.phase == "asking" and after.current == before.current
    return same_question and (after.selection, after.screen) != (before.selection, before.screen)
