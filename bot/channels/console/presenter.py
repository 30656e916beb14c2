"""Console presenter: views as plain lines for a terminal (or someone reading them out)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.i18n import N_, Translator, translator
from bot.render import plain, privacy_notice, reason, render_ask, review_lines, who_asks
from bot.results import own_result
from bot.services import texts
from bot.services.effects import Toast
from bot.services.views import (
    Consent,
    QuestionView,
    Recorded,
    Refusal,
    Result,
    ReviewView,
    Say,
    View,
)
from questions.loader import Library

BACK_WORDS = (N_("back"),)
SKIP_WORDS = (N_("skip"),)
QUIT_WORDS = (N_("quit"),)
KEEP_WORDS = (N_("keep"),)
DECLINE_WORDS = (N_("pass"),)
TYPE_A_LINE = N_("Type your answer on one line, then press Enter.")
"""The console reads one line per answer: Enter ends it."""


def word(tr: Translator, words: tuple[str, ...]) -> str:
    return tr.gettext(words[0])


def is_word(tr: Translator, text: str, words: tuple[str, ...]) -> bool:
    wanted = folded(text)
    return any(wanted in (folded(w), folded(tr.gettext(w))) for w in words)


def folded(text: str) -> str:
    """Without case or accents: 'Atras' is 'atrás' to someone typing on a keyboard without
    accents, and must not be kept as the answer to a question."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass
class ConsolePresenter:
    library: Library

    def hint(self, tr: Translator) -> list[str]:
        """The console's help, printed first: the words it takes, and the hotline, as every
        help text of every channel ends with it."""
        return [self._words(tr), tr.gettext(texts.HOTLINE)]

    def _words(self, tr: Translator) -> str:
        return tr.format(
            N_(
                "Type the number of a choice. Type '{back}' to go back, '{skip}' to skip "
                "an optional question, '{quit}' to stop."
            ),
            back=word(tr, BACK_WORDS),
            skip=word(tr, SKIP_WORDS),
            quit=word(tr, QUIT_WORDS),
        )

    def render(self, view: View, *, stored: bool) -> list[str]:
        match view:
            case Say(locale=locale, phrases=phrases):
                tr = translator(locale)
                return [tr.format(p.msgid, **p.params) for p in phrases]
            case Refusal(locale=locale, reason=refused):
                return ["! " + reason(translator(locale), refused)]
            case Consent():
                return self._consent(view, stored=stored)
            case QuestionView():
                return self._question(view)
            case ReviewView():
                return self._review(view)
            case Result():
                return self._result(view, stored=stored)
            case Recorded(locale=locale, label=label, receipt=code):
                tr = translator(locale)
                return ["", tr.format(texts.RECORDED, label=label, code=code)]
        return []

    def toast(self, toast: Toast) -> list[str]:
        tr = translator(toast.locale)
        return ["! " + tr.format(toast.phrase.msgid, **toast.phrase.params)]

    def _consent(self, view: Consent, *, stored: bool) -> list[str]:
        tr = translator(view.locale)
        bank = self.library.bank(view.bank_id)
        asking = (
            who_asks(tr, view.community, view.description, view.organisation)
            if view.community
            else []
        )
        return [
            plain(tr.gettext(bank.title)),
            *asking,
            tr.gettext(bank.description),
            tr.format(texts.DURATION, minutes=tr.number(bank.minutes)),
            *self._privacy(tr, view, stored=stored),
            "",
            tr.format(
                N_("(Press Enter to continue, or type '{quit}' to stop.)"),
                quit=word(tr, QUIT_WORDS),
            ),
        ]

    def _privacy(self, tr: Translator, view: Consent, *, stored: bool) -> list[str]:
        """A demonstration keeps nothing, so it promises nothing else; a terminal has no chat
        to clear and sends no reminder (the console's service has no reminder delay)."""
        if not stored:
            return [tr.gettext(texts.PRIVACY_DEMO), tr.gettext(texts.HOTLINE)]
        return privacy_notice(
            tr,
            personal=not view.community,
            unfinished_days=view.unfinished_days,
            reminder_seconds=view.reminder_seconds,
            leave=texts.PRIVACY_CONSOLE_LEAVE,
        )

    def _question(self, view: QuestionView) -> list[str]:
        tr = translator(view.locale)
        rendered = render_ask(view.ask, tr, self.library.model, typing=TYPE_A_LINE)
        lines = [""]
        for info in view.passed:
            lines += [tr.gettext(info.prompt), ""]
        if rendered.progress:
            lines.append(f"[{rendered.progress}]")
        lines.append(plain(rendered.text))
        for number, choice in enumerate(rendered.choices, start=1):
            mark = "[x] " if choice.value in rendered.selection else ""
            lines.append(f"  {number}) {mark}{choice.label}")
        if rendered.gate:
            gate = N_("(Press Enter to read it, or type '{skip}' to skip it.)")
            lines.append(tr.format(gate, skip=word(tr, SKIP_WORDS)))
        elif rendered.is_info:
            lines.append(tr.gettext(N_("(Press Enter to continue.)")))
        elif rendered.multi:
            lines.append(tr.gettext(N_("(Type the numbers separated by commas, e.g. 1,3.)")))
        elif rendered.can_skip:
            lines.append(
                tr.format(N_("(Optional: type '{skip}' to skip.)"), skip=word(tr, SKIP_WORDS))
            )
        if rendered.can_keep:
            keep = N_("(Type '{keep}' to keep your answer as it is.)")
            lines.append(tr.format(keep, keep=word(tr, KEEP_WORDS)))
        if rendered.can_decline:
            decline = N_("(Type '{word}' if you prefer not to answer.)")
            lines.append(tr.format(decline, word=word(tr, DECLINE_WORDS)))
        return lines

    def _review(self, view: ReviewView) -> list[str]:
        tr = translator(view.locale)
        lines = ["", tr.gettext(N_("Please review your answers."))]
        for title, items in review_lines(view.review, tr, self.library.model):
            lines += ["", f"== {title} =="]
            for line in items:
                lines += [f"  {line.number}) {line.title}", f"     → {line.answer}"]
        lines += [
            "",
            tr.gettext(N_("Press Enter to submit, or type the number of an answer to change it.")),
        ]
        return lines

    def _result(self, view: Result, *, stored: bool) -> list[str]:
        tr = translator(view.locale)
        lines = ["", tr.gettext(N_("Thank you. Your answers are complete."))]
        lines += own_result(tr, self.library.model, view.assessment, view.checklist)
        if stored:
            receipt = N_(
                "Receipt code: {code} (to erase these answers later: /delete {code} in the bot)."
            )
            lines += ["", tr.format(receipt, code=view.receipt)]
        return lines
