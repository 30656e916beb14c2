"""Terminal channel for the interview flows: demos, interviews read out over the phone, scripts.

One prompt at a time with numbered choices; `back`, `skip` and `quit` work everywhere.
Standard input may be piped (one answer per line, choices by number).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TextIO

from bot.flows.events import Answer, Back, Continue, Edit, Event, Skip, Submit
from bot.flows.interview import (
    Ask,
    Finished,
    InterviewState,
    Prompt,
    Review,
    prompt_for,
    start,
    step,
)
from bot.i18n import N_, Translator
from bot.render import RenderedQuestion, plain, reason, render_ask, review_lines
from bot.results import (
    checklist_result,
    format_assessment,
    format_checklist,
    respondent_assessment,
)
from bot.text_input import typed_answer
from questions.loader import Library
from questions.schema import Bank, Kind

BACK_WORDS = (N_("back"),)
SKIP_WORDS = (N_("skip"),)
QUIT_WORDS = (N_("quit"),)


class Recorder(Protocol):
    """Where a console interview is kept: each step as it happens, then the submission."""

    def save(self, state: InterviewState) -> None: ...

    def finish(self, state: InterviewState) -> str | None:
        """Store the submitted answers; returns the receipt code, if any."""
        ...


@dataclass
class ConsoleInterview:
    """Drives one interview over a pair of text streams."""

    library: Library
    bank: Bank
    tr: Translator
    stdin: TextIO
    stdout: TextIO
    recorder: Recorder | None = None

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout, flush=True)

    def run(self, state: InterviewState | None = None) -> InterviewState:
        """Run until the interview is submitted, or the respondent quits / input ends."""
        if state is None:
            state, prompt = start(self.bank, self.tr.locale)
        else:
            prompt = prompt_for(self.bank, state)
        self.say(plain(self.tr.gettext(self.bank.title)))
        self.say(self._hint_line())
        while not isinstance(prompt, Finished):
            self.show(prompt)
            line = self.stdin.readline()
            if not line:
                self.say(self.tr.gettext(N_("Input ended; your answers so far are kept.")))
                return state
            text = line.rstrip("\n")
            if self._is(text, QUIT_WORDS):
                self.say(self.tr.gettext(N_("Stopped. Your answers so far are kept.")))
                return state
            event = self.event_for(prompt, text)
            if event is None:
                continue
            outcome = step(self.bank, state, event)
            if outcome.refused is not None:
                self.say("! " + reason(self.tr, outcome.refused))
            state, prompt = outcome.state, outcome.prompt
            if self.recorder is not None and outcome.changed and state.phase != "done":
                # Committed before the next question is shown, as in every channel.
                self.recorder.save(state)
        receipt = self.recorder.finish(state) if self.recorder is not None else None
        self.say()
        self.say(self.tr.gettext(N_("Thank you. Your answers are complete.")))
        for result_line in self.results(state):
            self.say(result_line)
        if receipt:
            self.say()
            self.say(
                self.tr.gettext(
                    N_(
                        "Receipt code: {code} (to erase these answers later: "
                        "/delete {code} in the bot)."
                    )
                ).format(code=receipt)
            )
        return state

    def _hint_line(self) -> str:
        return self.tr.gettext(
            N_(
                "Type the number of a choice. Type '{back}' to go back, '{skip}' to skip "
                "an optional question, '{quit}' to stop."
            )
        ).format(
            back=self.tr.gettext(BACK_WORDS[0]),
            skip=self.tr.gettext(SKIP_WORDS[0]),
            quit=self.tr.gettext(QUIT_WORDS[0]),
        )

    def _is(self, text: str, words: tuple[str, ...]) -> bool:
        wanted = text.strip().lower()
        return any(wanted in (w, self.tr.gettext(w).lower()) for w in words)

    def show(self, prompt: Prompt) -> None:
        self.say()
        if isinstance(prompt, Ask):
            rendered = render_ask(prompt, self.tr, self.library.model)
            self._show_question(rendered)
        elif isinstance(prompt, Review):
            self._show_review(prompt)

    def _show_question(self, rendered: RenderedQuestion) -> None:
        if rendered.progress:
            self.say(f"[{rendered.progress}]")
        self.say(plain(rendered.text))
        for number, choice in enumerate(rendered.choices, start=1):
            mark = "[x] " if choice.value in rendered.selection else ""
            self.say(f"  {number}) {mark}{choice.label}")
        if rendered.is_info:
            self.say(self.tr.gettext(N_("(Press Enter to continue.)")))
        elif rendered.multi:
            self.say(self.tr.gettext(N_("(Type the numbers separated by commas, e.g. 1,3.)")))
        elif rendered.can_skip:
            self.say(
                self.tr.gettext(N_("(Optional: type '{skip}' to skip.)")).format(
                    skip=self.tr.gettext(SKIP_WORDS[0])
                )
            )

    def _show_review(self, review: Review) -> None:
        self.say(self.tr.gettext(N_("Please review your answers.")))
        for title, lines in review_lines(review, self.tr, self.library.model):
            self.say()
            self.say(f"== {title} ==")
            for line in lines:
                self.say(f"  {line.number}) {line.title}")
                self.say(f"     → {line.answer}")
        self.say()
        self.say(
            self.tr.gettext(
                N_("Press Enter to submit, or type the number of an answer to change it.")
            )
        )

    def event_for(self, prompt: Prompt, text: str) -> Event | None:
        if self._is(text, BACK_WORDS):
            return Back()
        if isinstance(prompt, Review):
            return self._review_event(prompt, text)
        assert isinstance(prompt, Ask)
        question = prompt.question
        if self._is(text, SKIP_WORDS):
            return Skip()
        if question.kind is Kind.INFO:
            return Continue()
        if question.kind is Kind.TEXT:
            return Answer(typed_answer(text))
        rendered = render_ask(prompt, self.tr, self.library.model)
        values = [c.value for c in rendered.choices]
        picks = [p.strip() for p in text.split(",")] if rendered.multi else [text.strip()]
        if not all(p.isdecimal() and 1 <= int(p) <= len(values) for p in picks):
            self.say(
                "! "
                + self.tr.gettext(N_("Please type a number from 1 to {count}.")).format(
                    count=len(values)
                )
            )
            return None
        chosen = [values[int(p) - 1] for p in picks]
        return Answer(tuple(chosen)) if rendered.multi else Answer(chosen[0])

    def _review_event(self, review: Review, text: str) -> Event | None:
        if not text.strip():
            return Submit()
        numbered = [
            line for _, lines in review_lines(review, self.tr, self.library.model) for line in lines
        ]
        wanted = text.strip()
        for line in numbered:
            if wanted == str(line.number):
                return Edit(line.question_id)
        self.say(
            "! "
            + self.tr.gettext(N_("Please type a number from 1 to {count}.")).format(
                count=len(numbered)
            )
        )
        return None

    def results(self, state: InterviewState) -> list[str]:
        if self.bank.id == "preassessment":
            assessment = respondent_assessment(self.bank, state.answers)
            return format_assessment(self.tr, self.library.model, assessment)
        return format_checklist(self.tr, checklist_result(self.bank, state.answers))
