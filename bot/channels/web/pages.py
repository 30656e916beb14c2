"""Web presenter: views as pages (a template and what it shows), in the view's language.

Question text comes from `bot.render` as escaped HTML with <b> and <i> only, so it is safe to
put in a page as it is; everything else is plain text, escaped by the templates.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from bot.channels.web import texts as web_texts
from bot.flows.interview import Ask
from bot.i18n import N_, Translator, language_name, language_tag, translator
from bot.render import plain, privacy_notice, reason, render_ask, review_lines, who_asks
from bot.results import own_result
from bot.services import texts
from bot.services.views import (
    Consent,
    DeleteConfirm,
    LanguageChoice,
    Phrase,
    QuestionView,
    Refusal,
    Result,
    ReviewView,
    Say,
    View,
)
from questions.loader import Library

TYPE_IN_BOX = N_("Type your answer in the box.")


@dataclass(frozen=True)
class Page:
    template: str
    locale: str
    context: dict[str, Any] = field(default_factory=dict)
    status: int = 200


def said(tr: Translator, phrase: Phrase) -> str:
    """One phrase as plain text, in the web's words where a service's name Telegram."""
    message = web_texts.INSTEAD.get(phrase.msgid, phrase.msgid)
    return plain(tr.format(message, **phrase.params))


def paragraphs(rendered_html: str) -> list[Markup]:
    """`bot.render`'s escaped HTML, one paragraph per blank line, line breaks kept."""
    return [
        Markup(part.strip().replace("\n", "<br>"))  # escaped by bot.render
        for part in rendered_html.split("\n\n")
        if part.strip()
    ]


def text_paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.split("\n\n") if part.strip()]


@dataclass
class WebPresenter:
    library: Library

    def page(self, view: View, **extra: Any) -> Page:
        match view:
            case Consent():
                return self._consent(view, **extra)
            case QuestionView():
                return self._question(view, **extra)
            case ReviewView():
                return self._review(view)
            case Result():
                return self._result(view)
            case LanguageChoice():
                return self._languages(view)
            case DeleteConfirm():
                return Page("erase.html", view.locale, {"session": view.session_id})
            case Say(locale=locale, phrases=phrases):
                tr = translator(locale)
                return self.message(locale, [said(tr, p) for p in phrases])
            case Refusal(locale=locale, reason=refused):
                return self.message(locale, [plain(reason(translator(locale), refused))])
        raise TypeError(f"the web channel shows no {type(view).__name__}")

    def message(self, locale: str, lines: list[str], status: int = 200) -> Page:
        return Page("message.html", locale, {"lines": lines}, status)

    def _consent(self, view: Consent, **extra: Any) -> Page:
        tr = translator(view.locale)
        bank = self.library.bank(view.bank_id)
        asking = (
            who_asks(tr, view.community, view.description, view.organisation)
            if view.community
            else []
        )
        privacy = privacy_notice(
            tr,
            personal=not view.community,
            unfinished_days=view.unfinished_days,
            reminder_seconds=view.reminder_seconds,
            leave=web_texts.PRIVACY_WEB_LEAVE,
        )
        points, *rest = privacy
        return Page(
            "consent.html",
            view.locale,
            {
                "title": plain(tr.gettext(bank.title)),
                "asking": asking,
                "description": plain(tr.gettext(bank.description)),
                "duration": tr.format(texts.DURATION, minutes=tr.number(bank.minutes)),
                "points": [plain(p) for p in points.split("\n")],
                "after": [plain(p) for p in rest],
                "session": view.session_id,
                "marker": "consent",
                **extra,
            },
        )

    def _question(self, view: QuestionView, typed: str = "", **extra: Any) -> Page:
        tr = translator(view.locale)
        ask = view.ask
        rendered = render_ask(ask, tr, self.library.model, typing=TYPE_IN_BOX)
        chosen = _chosen(ask)
        choices = [
            {"value": c.value, "label": c.label, "chosen": c.value in chosen}
            for c in rendered.choices
        ]
        if not typed and rendered.wants_text and isinstance(ask.previous, str):
            typed = ask.previous
        return Page(
            "question.html",
            view.locale,
            {
                "passed": [
                    html.escape(tr.gettext(info.prompt), quote=False) for info in view.passed
                ],
                "progress": rendered.progress,
                "percent": _percent(ask),
                "left": self._time_left(tr, view),
                "paragraphs": paragraphs(rendered.text),
                "q": rendered,
                "choices": choices,
                "typed": typed,
                "session": view.session_id,
                "marker": view.marker,
                **extra,
            },
        )

    def _time_left(self, tr: Translator, view: QuestionView) -> str:
        """From the bank's measured minutes (`Bank.minutes`), by the share of questions left."""
        ask = view.ask
        if not ask.question.answerable or ask.progress.total == 0 or not view.bank_id:
            return ""
        minutes = self.library.bank(view.bank_id).minutes
        share = 1 - (ask.progress.number - 1) / ask.progress.total
        left = max(1, math.ceil(minutes * share))
        return tr.fill(
            tr.ngettext("About {count} minute left", "About {count} minutes left", left),
            count=tr.number(left),
        )

    def _review(self, view: ReviewView) -> Page:
        tr = translator(view.locale)
        groups = [
            {"title": title, "lines": lines}
            for title, lines in review_lines(view.review, tr, self.library.model)
        ]
        return Page("review.html", view.locale, {"groups": groups, "session": view.session_id})

    def _result(self, view: Result) -> Page:
        tr = translator(view.locale)
        lines = own_result(tr, self.library.model, view.assessment, view.checklist)
        intro = texts.THANKS_PERSONAL if view.personal else texts.THANKS
        heading, *rest = lines
        return Page(
            "result.html",
            view.locale,
            {
                "intro": plain(tr.gettext(intro)),
                "heading": heading,
                "lines": [line for line in rest if line],
                "receipt": view.receipt,
                "receipt_text": tr.format(web_texts.RECEIPT, code=view.receipt),
            },
        )

    def _languages(self, view: LanguageChoice) -> Page:
        offered = [(loc, language_name(loc), language_tag(loc)) for loc in view.offered]
        return Page("language.html", view.locale, {"offered": offered})


def _chosen(ask: Ask) -> tuple[str, ...]:
    if ask.selection:
        return ask.selection
    previous = ask.previous
    if isinstance(previous, tuple):
        return tuple(str(v) for v in previous)
    return () if previous is None else (str(previous),)


def _percent(ask: Ask) -> int:
    total = ask.progress.total
    return 0 if total == 0 else round(100 * (ask.progress.number - 1) / total)
