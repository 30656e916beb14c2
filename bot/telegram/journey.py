"""The respondent's journey in a chat: language, consent, interview, review, submission, exit.

Handlers only translate an Incoming event into flow events and queue the resulting messages
in the outbox, all inside the caller's transaction: an answer and the question that follows
it are committed together, or not at all.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.flows.events import (
    Answer,
    Back,
    ChangeLanguage,
    Continue,
    Edit,
    Event,
    Resume,
    Skip,
    Submit,
    Toggle,
)
from bot.flows.interview import (
    MAX_TEXT_LENGTH,
    NOT_NOW,
    Ask,
    Finished,
    InterviewState,
    Prompt,
    Review,
    expected_reason,
    prompt_for,
    start,
    step,
)
from bot.i18n import Translator, negotiate, shipped_locales, translator
from bot.inbound import Incoming
from bot.privacy import (
    Sealer,
    chat_key,
    new_receipt_code,
    normalise_receipt_code,
    receipt_digest,
    respondent_key,
)
from bot.render import describe_answer, reason
from bot.results import (
    checklist_result,
    format_assessment,
    format_checklist,
    respondent_assessment,
)
from bot.storage import repos
from bot.storage.repos import Conn, Session
from bot.telegram import texts
from bot.telegram.desk import NOT_MINE, Desk
from bot.telegram.presenter import (
    FLOW_CODES,
    LEAVE,
    Message,
    back_data,
    chosen_suffix,
    language_message,
    leave_row,
    question_message,
    review_message,
    split_long,
)
from bot.telegram.summary import coordinator_summaries, target_notices
from questions.loader import Library
from questions.schema import Bank

CHAT_CONTEXT = b"chat"


@dataclass
class Journey:
    library: Library
    secret: bytes
    sealer: Sealer
    reminder_after: timedelta | None
    locales: tuple[str, ...] = ()
    desk: Desk | None = None

    def __post_init__(self) -> None:
        self.locales = self.locales or shipped_locales()

    # --- entry point ---------------------------------------------------------------------

    async def handle(self, db: Conn, ev: Incoming) -> str | None:
        """Process one event; returns a short toast for a button press, if any."""
        if not ev.is_private:
            if ev.kind == "command":
                tr = translator(negotiate(ev.language_code, self.locales))
                await self.send(
                    db, ev.chat_id, Message(tr.gettext(texts.GROUP_ONLY_PRIVATE)), track=False
                )
            return None
        if self.desk is not None:
            outcome = await self.desk.handle(self, db, ev)
            if outcome is not NOT_MINE:
                return outcome  # type: ignore[return-value]
        key = respondent_key(self.secret, ev.user_id or ev.chat_id)
        session = await repos.session_of(db, key)
        match ev.kind:
            case "command":
                await self._command(db, ev, key, session)
            case "callback":
                return await self._callback(db, ev, key, session)
            case "text":
                await self._text(db, ev, session)
            case "edited":
                await self._notice(db, ev, session, texts.EDITED_IGNORED)
            case "media" | "other":
                await self._wrong_kind(db, ev, session)
        return None

    # --- commands ------------------------------------------------------------------------

    async def _command(self, db: Conn, ev: Incoming, key: str, session: Session | None) -> None:
        tr = self._tr(ev, session)
        match ev.command:
            case "start":
                await self._start(db, ev, key, session, ev.args.strip())
            case "help":
                body = tr.gettext(texts.HELP) + "\n\n" + tr.gettext(texts.HOTLINE)
                await self.send(db, ev.chat_id, Message(html.escape(body)))
            case "language":
                sid = session.id if session else "-"
                offered = await self._offered(db, session)
                await self.send(db, ev.chat_id, language_message(sid, offered, tr.locale, tr))
            case "exit":
                await self._quick_exit(db, ev)
            case "delete":
                await self._delete(db, ev, session, tr)
            case _:
                body = tr.gettext(texts.HELP) + "\n\n" + tr.gettext(texts.HOTLINE)
                await self.send(db, ev.chat_id, Message(html.escape(body)))

    async def _start(
        self, db: Conn, ev: Incoming, key: str, session: Session | None, token: str
    ) -> None:
        tr = self._tr(ev, session)
        if token:
            campaign = await repos.campaign_by_token(db, token)
            if campaign is None:
                from bot.telegram.coordinators import accept_invite

                if await accept_invite(self, db, ev, token, tr):
                    return
                await self.send(
                    db, ev.chat_id, Message(html.escape(tr.gettext(texts.UNKNOWN_LINK)))
                )
                return
            if session is not None and session.campaign_id != campaign.id:
                await self.send(db, ev.chat_id, self._plain(tr, texts.OTHER_INTERVIEW_OPEN))
                await self._resume(db, ev, session)
                return
            if session is None:
                if not campaign.is_open:
                    await self.send(db, ev.chat_id, self._plain(tr, texts.CAMPAIGN_CLOSED))
                    return
                if await repos.has_completed(db, campaign.id, key):
                    await self.send(db, ev.chat_id, self._plain(tr, texts.ALREADY_DONE))
                    return
                await self._open(db, ev, key, campaign.id, campaign.flow, campaign.locales)
                return
        if session is not None:
            await self._resume(db, ev, session)
            return
        body = tr.gettext(texts.WELCOME) + "\n\n" + tr.gettext(texts.FOR_COORDINATORS)
        buttons = [
            [(tr.gettext(texts.START_PERSONAL_PRE), "p:pre")],
            [(tr.gettext(texts.START_PERSONAL_CHECKLIST), "p:cap")],
        ]
        await self.send(db, ev.chat_id, Message(html.escape(body), buttons))

    async def _open(
        self,
        db: Conn,
        ev: Incoming,
        key: str,
        campaign_id: str | None,
        bank_id: str,
        offered: tuple[str, ...] = (),
    ) -> None:
        """A new session starts with the language choice, suggested from Telegram's setting."""
        bank = self.library.bank(bank_id)
        locales = tuple(loc for loc in offered if loc in self.locales) or self.locales
        locale = negotiate(ev.language_code, locales)
        if locale not in locales:
            locale = locales[0]
        state, _ = start(bank, locale)
        session = Session(
            id=repos.new_id(6),
            respondent_key=key,
            campaign_id=campaign_id,
            bank=bank.id,
            stage="language",
            state=state.to_json(),
            updated_at=repos.stamp(),
            reminder_due=None,
            reminded=False,
        )
        await self._save(db, session, ev.chat_id)
        tr = translator(locale)
        await self.send(db, ev.chat_id, language_message(session.id, locales, locale, tr))

    async def _resume(self, db: Conn, ev: Incoming, session: Session) -> None:
        tr = self._tr(ev, session)
        if await self._ended_by_closing(db, ev, session):
            return
        if session.stage != "interview":
            await self._show_stage(db, ev.chat_id, session)
            return
        await self.send(db, ev.chat_id, self._plain(tr, texts.RESUME_OFFER))
        bank, state = self._flow(session)
        await self._show(db, ev.chat_id, session, state, prompt_for(bank, state))

    async def _ended_by_closing(self, db: Conn, ev: Incoming, session: Session) -> bool:
        """An interview of a campaign closed since it began ends unsubmitted: a closed
        campaign's results are final."""
        if session.campaign_id is None:
            return False
        campaign = await repos.campaign_by_id(db, session.campaign_id)
        if campaign is not None and campaign.is_open:
            return False
        await repos.delete_session(db, session.id)
        await self.send(db, ev.chat_id, self._plain(self._tr(ev, session), texts.CAMPAIGN_CLOSED))
        return True

    async def _show_stage(self, db: Conn, chat_id: int, session: Session) -> None:
        bank, state = self._flow(session)
        tr = translator(state.locale)
        if session.stage == "language":
            offered = await self._offered(db, session)
            await self.send(db, chat_id, language_message(session.id, offered, state.locale, tr))
        elif session.stage == "consent":
            await self._consent(db, chat_id, session, tr, bank)

    async def _consent(
        self, db: Conn, chat_id: int, session: Session, tr: Translator, bank: Bank
    ) -> None:
        body = (
            f"<b>{html.escape(tr.gettext(bank.title))}</b>\n\n"
            + html.escape(tr.gettext(bank.description))
            + "\n\n"
            + html.escape(tr.gettext(texts.PRIVACY))
        )
        buttons = [
            [
                (tr.gettext(texts.CONTINUE), f"c:{session.id}:yes"),
                (tr.gettext(texts.NOT_NOW), f"c:{session.id}:no"),
            ],
            leave_row(tr),
        ]
        await self.send(db, chat_id, Message(body, buttons))

    # --- buttons -------------------------------------------------------------------------

    async def _callback(
        self, db: Conn, ev: Incoming, key: str, session: Session | None
    ) -> str | None:
        data = ev.callback_data or ""
        tr = self._tr(ev, session)
        if data == LEAVE:
            await self._quick_exit(db, ev)
            return None
        parts = data.split(":")
        if parts[0] == "p" and len(parts) == 2 and parts[1] in FLOW_CODES:
            if session is not None:
                await self._resume(db, ev, session)
                return None
            await self._close_keyboard(db, ev, None)
            await self._open(db, ev, key, None, FLOW_CODES[parts[1]])
            return None
        if parts[0] == "D" and len(parts) == 2:
            return await self._erase_open(db, ev, session, parts[1], tr)
        if parts[0] == "K":
            await self._close_keyboard(db, ev, tr.gettext(texts.KEPT))
            return None
        if parts[0] == "l" and len(parts) == 3 and parts[1] == "-":
            locale = parts[2] if parts[2] in self.locales else tr.locale
            await self._close_keyboard(db, ev, None)
            await self.send(db, ev.chat_id, self._plain(translator(locale), texts.HELP))
            return None
        if session is None or len(parts) < 2 or parts[1] != session.id:
            return tr.gettext(texts.STALE_BUTTON)
        match parts:
            case ["l", _, locale] if locale in await self._offered(db, session):
                await self._language(db, ev, session, locale)
                return None
            case ["c", _, "yes"] if session.stage == "consent":
                await self._close_keyboard(db, ev, tr.gettext(texts.CONTINUE))
                bank, state = self._flow(session)
                session = self._with(session, stage="interview")
                await self._save(db, session, ev.chat_id)
                await self._show(db, ev.chat_id, session, state, prompt_for(bank, state))
                return None
            case ["c", _, "no"] if session.stage == "consent":
                await self._close_keyboard(db, ev, None)
                await repos.delete_session(db, session.id)
                await self.send(db, ev.chat_id, self._plain(tr, texts.CONSENT_DECLINED))
                return None
        if session.stage != "interview":
            return tr.gettext(texts.STALE_BUTTON)
        event = _flow_event(parts)
        if event is None:
            return tr.gettext(texts.STALE_BUTTON)
        if isinstance(event, Back) and data != self._back_here(session):
            return reason(tr, NOT_NOW)
        return await self._drive(db, ev, session, event)

    def _back_here(self, session: Session) -> str:
        bank, state = self._flow(session)
        prompt = prompt_for(bank, state)
        return back_data(session.id, prompt if isinstance(prompt, Ask) else None)

    async def _language(self, db: Conn, ev: Incoming, session: Session, locale: str) -> None:
        bank, state = self._flow(session)
        tr = translator(locale)
        await self._close_keyboard(db, ev, None)
        outcome = step(bank, state, ChangeLanguage(locale))
        if session.stage == "language":
            session = self._with(session, stage="consent", state=outcome.state.to_json())
            await self._save(db, session, ev.chat_id)
            await self._consent(db, ev.chat_id, session, tr, bank)
            return None
        session = self._with(session, state=outcome.state.to_json())
        await self._save(db, session, ev.chat_id)
        await self._show_stage_or_prompt(db, ev.chat_id, session, outcome.state, outcome.prompt)
        return None

    async def _show_stage_or_prompt(
        self, db: Conn, chat_id: int, session: Session, state: InterviewState, prompt: Prompt
    ) -> None:
        if session.stage == "interview":
            await self._show(db, chat_id, session, state, prompt)
        else:
            await self._show_stage(db, chat_id, session)

    # --- typed answers -------------------------------------------------------------------

    async def _text(self, db: Conn, ev: Incoming, session: Session | None) -> None:
        tr = self._tr(ev, session)
        if session is None:
            await self.send(db, ev.chat_id, self._plain(tr, texts.NO_INTERVIEW))
            return
        if session.stage != "interview":
            await self.send(db, ev.chat_id, self._plain(tr, texts.USE_BUTTONS))
            return
        bank, state = self._flow(session)
        prompt = prompt_for(bank, state)
        if not isinstance(prompt, Ask) or prompt.question.kind.value != "text":
            await self._wrong_kind(db, ev, session)
            return
        if ev.text_length > MAX_TEXT_LENGTH:
            message = tr.gettext(texts.TOO_LONG).format(
                length=ev.text_length, limit=MAX_TEXT_LENGTH
            )
            await self.send(db, ev.chat_id, Message(html.escape(message)))
            return
        await self._drive(db, ev, session, Answer(ev.text or "", question_id=prompt.question.id))

    async def _wrong_kind(self, db: Conn, ev: Incoming, session: Session | None) -> None:
        tr = self._tr(ev, session)
        if session is None:
            await self.send(db, ev.chat_id, self._plain(tr, texts.NO_INTERVIEW))
            return
        if session.stage != "interview":
            await self.send(db, ev.chat_id, self._plain(tr, texts.USE_BUTTONS))
            return
        bank, state = self._flow(session)
        prompt = prompt_for(bank, state)
        if isinstance(prompt, Ask):
            message = reason(tr, expected_reason(prompt.question))
        else:
            message = tr.gettext(texts.USE_BUTTONS)
        await self.send(db, ev.chat_id, Message(html.escape(message)))

    async def _notice(self, db: Conn, ev: Incoming, session: Session | None, text: str) -> None:
        tr = self._tr(ev, session)
        await self.send(db, ev.chat_id, self._plain(tr, text))

    # --- the flow ------------------------------------------------------------------------

    async def _drive(self, db: Conn, ev: Incoming, session: Session, event: Event) -> str | None:
        bank, state = self._flow(session)
        tr = translator(state.locale)
        outcome = step(bank, state, event)
        if outcome.refused is not None:
            if ev.kind == "callback":
                return reason(tr, outcome.refused)
            await self.send(db, ev.chat_id, Message(html.escape(reason(tr, outcome.refused))))
            return None
        if ev.kind == "callback":
            shown = None
            if outcome.recorded is not None:
                value = outcome.state.answers.get(outcome.recorded.id)
                shown = describe_answer(outcome.recorded, value, tr, self.library.model)
            await self._close_keyboard(db, ev, shown, keep=isinstance(event, Toggle))
        if isinstance(outcome.prompt, Finished):
            await self._finish(db, ev, session, bank, outcome.state)
            return None
        session = self._with(session, state=outcome.state.to_json())
        await self._save(db, session, ev.chat_id)
        if isinstance(event, Toggle):
            assert isinstance(outcome.prompt, Ask)
            message = question_message(session.id, outcome.prompt, tr, self.library.model)
            await self.edit(db, ev.chat_id, ev.message_id, message)
            return None
        await self._show(db, ev.chat_id, session, outcome.state, outcome.prompt)
        return None

    async def _show(
        self, db: Conn, chat_id: int, session: Session, state: InterviewState, prompt: Prompt
    ) -> None:
        tr = translator(state.locale)
        if isinstance(prompt, Ask):
            message = question_message(session.id, prompt, tr, self.library.model)
        elif isinstance(prompt, Review):
            message = review_message(session.id, prompt, tr, self.library.model)
        else:
            return
        await self.send(db, chat_id, message)

    async def _finish(
        self, db: Conn, ev: Incoming, session: Session, bank: Bank, state: InterviewState
    ) -> None:
        tr = translator(state.locale)
        if await self._ended_by_closing(db, ev, session):
            return
        code = new_receipt_code()
        await repos.store_response(
            db,
            campaign_id=session.campaign_id,
            bank=bank.id,
            bank_version=bank.version,
            locale=state.locale,
            answers=state.answers,
            receipt_digest=receipt_digest(self.secret, code),
            completed_on=datetime.now(UTC).date(),
        )
        if session.campaign_id is not None:
            await repos.record_completion(db, session.campaign_id, session.respondent_key)
        await repos.delete_session(db, session.id)
        if bank.id == "preassessment":
            lines = format_assessment(
                tr, self.library.model, respondent_assessment(bank, state.answers)
            )
        else:
            lines = format_checklist(tr, checklist_result(bank, state.answers))
        intro = texts.THANKS if session.campaign_id else texts.THANKS_PERSONAL
        body = "\n\n".join(
            [
                html.escape(tr.gettext(intro)),
                html.escape("\n".join(lines)),
                tr.gettext(texts.RECEIPT).format(code=code),
                html.escape(tr.gettext(texts.HOTLINE)),
            ]
        )
        await self.send(db, ev.chat_id, Message(body))
        if session.campaign_id is not None:
            for chat_id, message in await coordinator_summaries(
                db, self.library, session.campaign_id, bank, state.answers
            ):
                await self.send(db, chat_id, message, track=False)
            for chat_id, message in await target_notices(db, session.campaign_id):
                await self.send(db, chat_id, message, track=False)

    # --- leaving and erasing -------------------------------------------------------------

    async def _quick_exit(self, db: Conn, ev: Incoming) -> None:
        key = chat_key(self.secret, ev.chat_id)
        # Queued questions must not arrive after the chat was cleared.
        await repos.outbox_drop_chat(db, key)
        message_ids = await repos.forget_messages(db, key)
        if ev.message_id is not None and ev.kind == "callback":
            message_ids = sorted({*message_ids, ev.message_id})
        if message_ids:
            await self._queue(db, ev.chat_id, "delete", {"message_ids": message_ids})

    async def _delete(
        self, db: Conn, ev: Incoming, session: Session | None, tr: Translator
    ) -> None:
        code = normalise_receipt_code(ev.args) if ev.args.strip() else None
        if ev.args.strip():
            if code is None:
                await self.send(db, ev.chat_id, self._plain(tr, texts.RECEIPT_UNKNOWN))
                return
            erased = await repos.erase_response(db, receipt_digest(self.secret, code))
            notice = texts.DELETED_RECEIPT if erased else texts.RECEIPT_UNKNOWN
            await self.send(db, ev.chat_id, self._plain(tr, notice))
            return
        if session is None:
            await self.send(db, ev.chat_id, self._plain(tr, texts.DELETE_HOW))
            return
        buttons = [
            [
                (tr.gettext(texts.DELETE_YES), f"D:{session.id}"),
                (tr.gettext(texts.DELETE_NO), "K"),
            ]
        ]
        await self.send(
            db, ev.chat_id, Message(html.escape(tr.gettext(texts.DELETE_CONFIRM)), buttons)
        )

    async def _erase_open(
        self, db: Conn, ev: Incoming, session: Session | None, sid: str, tr: Translator
    ) -> str | None:
        if session is None or session.id != sid:
            return tr.gettext(texts.STALE_BUTTON)
        await repos.delete_session(db, session.id)
        await self._close_keyboard(db, ev, None)
        await self.send(db, ev.chat_id, self._plain(tr, texts.DELETED_OPEN))
        return None

    # --- helpers -------------------------------------------------------------------------

    async def _offered(self, db: Conn, session: Session | None) -> tuple[str, ...]:
        """The languages a session may use: its campaign's choice, else every shipped one."""
        if session is not None and session.campaign_id is not None:
            campaign = await repos.campaign_by_id(db, session.campaign_id)
            if campaign is not None:
                chosen = tuple(loc for loc in campaign.locales if loc in self.locales)
                return chosen or self.locales
        return self.locales

    def _flow(self, session: Session) -> tuple[Bank, InterviewState]:
        return self.library.bank(session.bank), InterviewState.from_json(session.state)

    def _tr(self, ev: Incoming, session: Session | None) -> Translator:
        if session is not None:
            return translator(InterviewState.from_json(session.state).locale)
        return translator(negotiate(ev.language_code, self.locales))

    @staticmethod
    def _plain(tr: Translator, text: str) -> Message:
        return Message(html.escape(tr.gettext(text)))

    @staticmethod
    def _with(session: Session, **changes: object) -> Session:
        return Session(**{**session.__dict__, **changes})

    async def _save(self, db: Conn, session: Session, chat_id: int) -> None:
        due = None
        sealed = None
        if self.reminder_after and not session.reminded:
            due = datetime.now(UTC) + self.reminder_after
            sealed = self.sealer.seal_int(chat_id, context=CHAT_CONTEXT)
        await repos.save_session(db, session, reminder_chat=sealed, reminder_due=due)

    async def _close_keyboard(
        self, db: Conn, ev: Incoming, shown: str | None, *, keep: bool = False
    ) -> None:
        """After a tap the keyboard goes, so an old button cannot be pressed twice."""
        if keep or ev.message_id is None or ev.message_html is None:
            return
        text = ev.message_html + (chosen_suffix(shown) if shown else "")
        await self.edit(db, ev.chat_id, ev.message_id, Message(text))

    async def send(self, db: Conn, chat_id: int, message: Message, *, track: bool = True) -> None:
        for part in split_long(message):
            await self._queue(db, chat_id, "send", {**part.payload(), "track": track})

    async def edit(self, db: Conn, chat_id: int, message_id: int | None, message: Message) -> None:
        if message_id is not None:
            await self._queue(db, chat_id, "edit", {**message.payload(), "message_id": message_id})

    async def queue_coordinator_menu(self, db: Conn, chat_id: int, locale: str) -> None:
        """Coordinator commands in this chat's menu (everyone else sees the respondents')."""
        await self._queue(db, chat_id, "menu", {"locale": locale})

    async def send_photo(self, db: Conn, chat_id: int, png: bytes, caption: str = "") -> None:
        payload: dict[str, object] = {"data": base64.b64encode(png).decode(), "caption": caption}
        await self._queue(db, chat_id, "photo", payload)

    async def send_document(
        self, db: Conn, chat_id: int, data: bytes, filename: str, caption: str = ""
    ) -> None:
        payload: dict[str, object] = {
            "data": base64.b64encode(data).decode(),
            "filename": filename,
            "caption": caption,
        }
        await self._queue(db, chat_id, "document", payload)

    async def _queue(self, db: Conn, chat_id: int, kind: str, payload: dict[str, object]) -> None:
        await repos.outbox_add(
            db,
            chat_key(self.secret, chat_id),
            self.sealer.seal_int(chat_id, context=CHAT_CONTEXT),
            kind,
            payload,
        )


def _flow_event(parts: list[str]) -> Event | None:
    """Callback data -> flow event; the question id rides along so stale buttons are refused."""
    match parts:
        case ["a", _, qid, value]:
            return Answer(value, question_id=qid)
        case ["n", _, qid]:
            return Continue(question_id=qid)
        case ["t", _, qid, option]:
            return Toggle(option, question_id=qid)
        case ["d", _, qid]:
            return Answer((), question_id=qid)
        case ["s", _, qid]:
            return Skip(question_id=qid)
        case ["b", _, *_]:
            return Back()
        case ["e", _, qid]:
            return Edit(qid)
        case ["S", _]:
            return Submit()
        case ["r", _]:
            return Resume()
    return None
