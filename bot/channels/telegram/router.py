"""From a sanitised Telegram event to the service call it means. Nothing else happens here:
each handler translates, calls one service, and hands the effects back."""

from __future__ import annotations

from dataclasses import dataclass

from bot.channels.telegram import callbacks as cb
from bot.channels.telegram.incoming import Incoming
from bot.flows.events import (
    Answer,
    Back,
    Continue,
    Decline,
    Edit,
    Event,
    Keep,
    Skip,
    Submit,
    Toggle,
)
from bot.privacy import Addresses, respondent_key
from bot.services.coordinator import COMMANDS, Desk, SetupButton, TeamPress
from bot.services.effects import Effects
from bot.services.respondent import Respondents, Who
from bot.services.staff import Actor, StaffDesk
from bot.storage.repos import Repos


@dataclass
class Router:
    respondents: Respondents
    desk: Desk
    addresses: Addresses
    secret: bytes
    staff: StaffDesk

    async def route(self, tx: Repos, ev: Incoming) -> Effects:
        if not ev.is_private:
            # Interviews are private; in a group only a command gets an answer, and only that.
            return self.respondents.private_only(self.who(ev)) if ev.kind == "command" else []
        if ev.user_id is not None:
            locale = await tx.coordinators.locale_of(ev.user_id)
            if locale is not None:
                effects = await self._coordinator(tx, ev, ev.user_id, locale)
                if effects is not None:
                    return effects
            effects = await self._staff(tx, ev, ev.user_id)
            if effects is not None:
                return effects
        return await self._respondent(tx, ev)

    def who(self, ev: Incoming) -> Who:
        return Who(
            key=respondent_key(self.secret, ev.user_id or ev.chat_id),
            language=ev.language_code,
            reply_to=self.addresses.seal(ev.chat_id),
        )

    # --- respondents ---------------------------------------------------------------------

    async def _respondent(self, tx: Repos, ev: Incoming) -> Effects:
        who = self.who(ev)
        match ev.kind:
            case "command":
                return await self._command(tx, ev, who)
            case "callback":
                return await self._button(tx, who, cb.decode(ev.callback_data))
            case "text":
                return await self._typed(tx, ev, who)
            case "edited":
                return await self.respondents.edited(tx, who)
        return await self.respondents.unusable(tx, who)

    async def _typed(self, tx: Repos, ev: Incoming, who: Who) -> Effects:
        # The question after her last typed answer still waits in the outbox (Reply.held):
        # she has not seen it, so this message can only be more of that answer.
        still_answering = await tx.outbox.holding(self.addresses.key(ev.chat_id))
        text = ev.text or ""
        return await self.respondents.typed(
            tx,
            who,
            text,
            ev.text_length,
            still_answering=still_answering,
            as_typed=ev.as_typed,
        )

    async def _command(self, tx: Repos, ev: Incoming, who: Who) -> Effects:
        match ev.command:
            case "start":
                return await self._start(tx, ev, who)
            case "language":
                return await self.respondents.language_menu(tx, who)
            case "exit":
                return await self.respondents.quick_exit(tx, who)
            case "delete":
                return await self.respondents.delete(tx, who, ev.args)
            case "noreminder":
                return await self.respondents.no_reminder(tx, who)
        return await self.respondents.help(tx, who)

    async def _start(self, tx: Repos, ev: Incoming, who: Who) -> Effects:
        token = ev.args.strip()
        if token and ev.user_id is not None:
            locale = self.respondents.locale_for(who)
            joined = await self.desk.accept_invite(tx, ev.user_id, token, locale)
            if joined is not None:
                return joined
        return await self.respondents.start(tx, who, token)

    async def _button(self, tx: Repos, who: Who, button: cb.Button | None) -> Effects:
        r = self.respondents
        match button:
            case cb.LeaveNow():
                return await r.quick_exit(tx, who)
            case cb.KeepAnswers():
                return await r.keep(tx, who)
            case cb.PersonalRun(bank=bank):
                return await r.begin_personal(tx, who, bank)
            case cb.PickLanguage(session_id=sid, locale=locale):
                return await r.choose_language(tx, who, sid, locale)
            case cb.ConsentChoice(session_id=sid, agreed=agreed):
                return await r.consent(tx, who, sid, agreed)
            case cb.EraseOpen(session_id=sid):
                return await r.erase_open(tx, who, sid)
            case cb.VolunteerOffer(offer_id=oid, agreed=agreed):
                return await r.volunteer(tx, who, oid, agreed)
            case _ if isinstance(button, cb.INTERVIEW_BUTTONS):
                return await r.act(tx, who, button.session_id, flow_event(button))
        return await r.stale(tx, who)

    # --- coordinators --------------------------------------------------------------------

    async def _coordinator(
        self, tx: Repos, ev: Incoming, telegram_id: int, locale: str
    ) -> Effects | None:
        """The coordinator's own commands, buttons and set-up answers; None for the rest."""
        desk = self.desk
        if ev.kind == "command" and ev.command in COMMANDS:
            return await desk.command(tx, telegram_id, locale, ev.command or "", ev.args)
        if ev.kind == "command" and ev.command == "help":
            coordinator_help = await desk.command(tx, telegram_id, locale, "help", "")
            return coordinator_help + await self.respondents.help(tx, self.who(ev))
        if ev.kind == "callback":
            return await self._coordinator_button(tx, telegram_id, locale, ev)
        if ev.kind == "text" and await desk.has_draft(tx, telegram_id):
            return await desk.draft_text(tx, telegram_id, locale, ev.text or "", ev.text_length)
        return None

    async def _coordinator_button(
        self, tx: Repos, telegram_id: int, locale: str, ev: Incoming
    ) -> Effects | None:
        match cb.decode(ev.callback_data):
            case cb.CampaignAction(action=action, campaign_id=cid):
                return await self.desk.campaign_button(tx, telegram_id, locale, action, cid, "")
            case cb.CampaignComments(campaign_id=cid, topic=topic):
                return await self.desk.campaign_button(tx, telegram_id, locale, "w", cid, topic)
            case cb.ForgetVolunteer(campaign_id=cid, volunteer_id=vid):
                return await self.desk.forget_volunteer(tx, telegram_id, locale, cid, vid)
            case cb.SetupChoice(step=step, value=value, draft=draft):
                pressed = SetupButton(step, value, draft)
                return await self.desk.draft_button(tx, telegram_id, locale, pressed)
            case cb.InviteStaff(campaign_id=cid, role=role):
                return await self.desk.team_button(tx, telegram_id, locale, TeamPress(cid, role))
            case cb.ChooseFocus(campaign_id=cid, focus=focus):
                press = TeamPress(cid, focus=focus)
                return await self.desk.team_button(tx, telegram_id, locale, press)
            case cb.RemoveStaff(campaign_id=cid, staff_id=sid, confirmed=confirmed):
                press = TeamPress(cid, member=sid, confirmed=confirmed)
                return await self.desk.team_button(tx, telegram_id, locale, press)
        return None

    # --- the scoring team ----------------------------------------------------------------

    async def _staff(self, tx: Repos, ev: Incoming, telegram_id: int) -> Effects | None:
        """Interviewers', scorers' and reviewers' commands, buttons and typed comments;
        None for the rest (an interviewer's notes are her interview's answers)."""
        if ev.kind == "command" and ev.command == "work":
            locale = self.respondents.locale_for(self.who(ev))
            return await self.staff.home(tx, telegram_id, locale)
        if ev.kind == "callback":
            button = cb.decode(ev.callback_data)
            if isinstance(button, cb.STAFF_BUTTONS):
                return await self._staff_button(tx, ev, telegram_id, button)
            return None
        if ev.kind == "text" or (ev.kind == "command" and ev.command == "cancel"):
            member = await self.staff.awaiting(tx, telegram_id)
            if member is None:
                return None
            if ev.kind == "command":
                return await self.staff.cancel_comment(tx, member)
            return await self.staff.typed(tx, member, ev.text or "", ev.text_length)
        return None

    async def _staff_button(
        self, tx: Repos, ev: Incoming, telegram_id: int, button: cb.Button
    ) -> Effects:
        s, tid = self.staff, telegram_id
        match button:
            case cb.StaffCard(campaign_id=cid, role=role):
                return await s.card(tx, tid, cid, role)
            case cb.StartInterview(campaign_id=cid):
                return await s.start_interview(tx, Actor(tid, self.who(ev)), cid)
            case cb.InterviewStep(step=step, campaign_id=cid, label=label):
                return await s.interview_step(tx, tid, step, cid, label)
            case cb.ScoreDimension(campaign_id=cid, label=label, dimension=dim, score=""):
                shown = s.agree_dimension if button.agreed else s.show_dimension
                return await shown(tx, tid, cid, label, dim)
            case cb.ScoreDimension(campaign_id=cid, label=label, dimension=dim, score=score):
                given = s.enter_agreed if button.agreed else s.score
                return await given(tx, tid, cid, label, dim, score)
            case cb.CommentOn(campaign_id=cid, dimension=dimension):
                return await s.ask_comment(tx, tid, cid, dimension)
        return await self.respondents.stale(tx, self.who(ev))


def flow_event(button: cb.Button) -> Event:
    """An interview button as a flow event; the question id rides along so stale ones fail."""
    match button:
        case cb.AnswerChoice(question_id=qid, value=value):
            return Answer(value, question_id=qid)
        case cb.ContinueOn(question_id=qid):
            return Continue(question_id=qid)
        case cb.TickOption(question_id=qid, option=option):
            return Toggle(option, question_id=qid)
        case cb.DoneTicking(question_id=qid):
            return Answer((), question_id=qid)
        case cb.SkipQuestion(question_id=qid):
            return Skip(question_id=qid)
        case cb.KeepAnswer(question_id=qid):
            return Keep(question_id=qid)
        case cb.DeclineQuestion(question_id=qid):
            return Decline(question_id=qid)
        case cb.GoBack(marker=marker):
            return Back(shown=marker)
        case cb.EditAnswer(question_id=qid):
            return Edit(qid)
        case cb.SubmitAnswers():
            return Submit()
    raise TypeError(f"{button!r} is not an interview button")
