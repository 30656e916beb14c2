"""An interview in the terminal, through the same services as every other channel.

One answer per line (choices by number); `back`, `skip` and `quit` work everywhere; standard
input may be piped. Each answer is committed before the next question is printed, and a
submission notifies the campaign's coordinators in Telegram like any other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TextIO

from bot.channels.console.presenter import (
    BACK_WORDS,
    DECLINE_WORDS,
    KEEP_WORDS,
    QUIT_WORDS,
    SKIP_WORDS,
    ConsolePresenter,
    is_word,
)
from bot.flows.events import Answer, Back, Continue, Decline, Edit, Event, Keep, Skip, Submit
from bot.flows.interview import InterviewState
from bot.flows.values import AnswerValue
from bot.i18n import N_, Translator, translator
from bot.privacy import Addresses
from bot.render import render_ask, review_lines
from bot.services.effects import Effects, Redraw, Reply, Toast
from bot.services.notices import queue_notices
from bot.services.respondent import Respondents, Who
from bot.services.views import Consent, QuestionView, Recorded, Result, ReviewView, View
from bot.storage.db import Store
from bot.storage.repos import Repos
from bot.text_input import typed_answer
from questions.schema import Kind

Call = Callable[[Repos], Awaitable[Effects]]
Shown = Consent | QuestionView | ReviewView | Result | Recorded
"""The screens a console run waits on (the last two end it)."""


@dataclass
class ConsoleOutcome:
    finished: bool
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    current: str = ""
    phase: str = ""
    locale: str = ""
    """The interview's language, which a resumed run keeps whatever `--lang` says."""


@dataclass
class ConsoleInterview:
    store: Store
    respondents: Respondents
    addresses: Addresses
    presenter: ConsolePresenter
    stdin: TextIO
    stdout: TextIO
    code: str
    """Names this console run; `--resume CODE` continues it."""
    stored: bool = True
    _state: InterviewState | None = None

    @property
    def who(self) -> Who:
        # No person behind a console run can be keyed; the run's code keeps it apart.
        return Who(key=f"console:{self.code}")

    def say(self, *lines: str) -> None:
        for line in lines:
            print(line, file=self.stdout, flush=True)

    async def begin(self, bank_id: str, campaign_id: str | None, locale: str) -> ConsoleOutcome:
        tr = translator(locale)
        self.say(*self.presenter.hint(tr))
        return await self._converse(
            lambda tx: self.respondents.open_now(tx, self.who, bank_id, campaign_id, locale)
        )

    async def conduct(self, bank_id: str, campaign_id: str, locale: str) -> ConsoleOutcome:
        """An interview the person at the terminal conducts and notes (Appendix D): the
        script and questions to read aloud, her notes typed under each."""
        tr = translator(locale)
        self.say(*self.presenter.hint(tr))
        return await self._converse(
            lambda tx: self.respondents.begin_led(tx, self.who, campaign_id, bank_id, locale)
        )

    async def resume(self) -> ConsoleOutcome | None:
        session = await self.store.read.sessions.of(self.who.key)
        if session is None:
            return None
        # The words to type are those of the language the interview was started in.
        locale = InterviewState.from_json(session.state).locale
        self.say(*self.presenter.hint(translator(locale)))
        return await self._converse(lambda tx: self.respondents.start(tx, self.who))

    async def _converse(self, first: Call) -> ConsoleOutcome:
        view = await self._call(first)
        while not isinstance(view, Result | Recorded):
            if view is None:
                return self._outcome(finished=False)  # the interview ended (a closed campaign)
            tr = translator(view.locale)
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:
                self.say(tr.gettext(N_("Input ended; your answers so far are kept.")))
                return self._outcome(finished=False)
            text = line.rstrip("\n")
            if is_word(tr, text, QUIT_WORDS):
                self.say(tr.gettext(N_("Stopped. Your answers so far are kept.")))
                return self._outcome(finished=False)
            call = self._call_for(view, text, tr)
            if call is None:
                # Not an answer this screen takes: show it again, as a person would repeat it.
                self.say(*self.presenter.render(view, stored=self.stored))
                continue
            shown = await self._call(call)
            if shown is not None:
                view = shown
            elif not await self._still_open():
                view = None
            # else refused (a note was printed): the same screen takes the next line
        return self._outcome(finished=True)

    async def _call(self, call: Call) -> Shown | None:
        """Run one service call in its own transaction; print what it shows after the commit."""
        async with self.store.transaction() as tx:
            effects = await call(tx)
            await queue_notices(tx, self.addresses, effects)
            session = await tx.sessions.of(self.who.key)
            if session is not None:
                self._state = InterviewState.from_json(session.state)
        shown: Shown | None = None
        for effect in effects:
            match effect:
                case Reply(view=view) | Redraw(view=view):
                    self.say(*self.presenter.render(view, stored=self.stored))
                    if isinstance(view, Consent | QuestionView | ReviewView | Result | Recorded):
                        shown = view
                case Toast():
                    self.say(*self.presenter.toast(effect))
        return shown

    async def _still_open(self) -> bool:
        return await self.store.read.sessions.of(self.who.key) is not None

    def _call_for(self, view: View, text: str, tr: Translator) -> Call | None:
        r, who = self.respondents, self.who
        if isinstance(view, Consent):
            return lambda tx: r.consent(tx, who, view.session_id, agreed=True)
        if isinstance(view, ReviewView | QuestionView) and is_word(tr, text, BACK_WORDS):
            marker = view.marker if isinstance(view, QuestionView) else ""
            return self._act(view.session_id, Back(shown=marker))
        if isinstance(view, ReviewView):
            event = self._review_event(view, text, tr)
            return None if event is None else self._act(view.session_id, event)
        assert isinstance(view, QuestionView)
        question = view.ask.question
        if is_word(tr, text, SKIP_WORDS):
            return self._act(view.session_id, Skip(question_id=question.id))
        if question.kind is Kind.INFO:
            return self._act(view.session_id, Continue(question_id=question.id))
        if question.kind is Kind.TEXT and is_word(tr, text, KEEP_WORDS) and view.ask.previous:
            return self._act(view.session_id, Keep(question_id=question.id))
        if question.kind is Kind.TEXT and is_word(tr, text, DECLINE_WORDS):
            return self._act(view.session_id, Decline(question_id=question.id))
        if question.kind is Kind.TEXT:
            typed = typed_answer(text)
            return lambda tx: r.typed(tx, who, typed, len(text.strip()))
        event = self._choice_event(view, text, tr)
        return None if event is None else self._act(view.session_id, event)

    def _act(self, session_id: str, event: Event) -> Call:
        return lambda tx: self.respondents.act(tx, self.who, session_id, event)

    def _choice_event(self, view: QuestionView, text: str, tr: Translator) -> Event | None:
        rendered = render_ask(view.ask, tr, self.presenter.library.model)
        values = [choice.value for choice in rendered.choices]
        picks = [p.strip() for p in text.split(",")] if rendered.multi else [text.strip()]
        if not all(p.isdecimal() and 1 <= int(p) <= len(values) for p in picks):
            self._out_of_range(tr, len(values))
            return None
        chosen = [values[int(p) - 1] for p in picks]
        qid = view.ask.question.id
        return (
            Answer(tuple(chosen), question_id=qid)
            if rendered.multi
            else Answer(chosen[0], question_id=qid)
        )

    def _review_event(self, view: ReviewView, text: str, tr: Translator) -> Event | None:
        if not text.strip():
            return Submit()
        model = self.presenter.library.model
        numbered = [line for _, lines in review_lines(view.review, tr, model) for line in lines]
        for line in numbered:
            if text.strip() == str(line.number):
                return Edit(line.question_id)
        self._out_of_range(tr, len(numbered))
        return None

    def _out_of_range(self, tr: Translator, count: int) -> None:
        message = tr.format(N_("Please type a number from 1 to {count}."), count=count)
        self.say("! " + message)

    def _outcome(self, *, finished: bool) -> ConsoleOutcome:
        state = self._state
        if state is None:
            return ConsoleOutcome(finished)
        phase = "done" if finished else state.phase
        return ConsoleOutcome(finished, dict(state.answers), state.current, phase, state.locale)
