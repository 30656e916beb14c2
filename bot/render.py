"""Channel-neutral rendering of prompts: translated text plus choices a channel shows as buttons.

Question text is Telegram-flavoured HTML (<b>, <i>, escaped text); the console strips the tags.
Answers, labels and review lines are plain text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from fractions import Fraction

from bot.flows import rating
from bot.flows.interview import Ask, Review
from bot.flows.values import SCALE, YES_NO, AnswerValue, Reason, is_declined, level_of_answer
from bot.i18n import N_, Translator
from bot.services import texts
from questions.schema import Kind, Question, ReadinessModel

YES_NO_LABELS = {
    "yes": N_("Yes"),
    "partly": N_("Partly"),
    "no": N_("No"),
    "not_sure": N_("Not sure"),
}
RATING_LABELS = {
    rating.FULL_4: N_("Level 4 is fully true (and so is 3)"),
    rating.PART_4: N_("Level 3 is true, level 4 partly"),
    rating.FULL_3: N_("Level 3 is true, level 4 not yet"),
    rating.PART_3: N_("Level 3 is only partly true"),
    rating.NOT_3: N_("Not even level 3 yet"),
    rating.DONT_KNOW: N_("I don't know"),
    rating.YES: N_("Yes, fully true"),
    rating.PARTLY: N_("Partly true"),
    rating.NO: N_("Not yet"),
    rating.UNSURE: N_("I'm not sure"),
}
STANDING_LABELS = {
    "in_place": N_("In place"),
    "partly": N_("Partly"),
    "gap": N_("Gap"),
    "not_sure": N_("Not sure"),
}
"""What a checklist answer says, whichever way the item is worded (bot.results, reports)."""
PREFER_NOT = N_("Prefer not to answer")
KEEP_ANSWER = N_("✔ Keep my answer")
TYPE_A_MESSAGE = N_(
    "✍ Type your answer, in one message or several. The next question comes when you stop"
    " for a moment."
)
"""How to answer a text question in a chat; a channel that reads answers otherwise says so."""
TEXT_PREVIEW = 80
REVIEW_PREVIEW = 34
"""A review line's question and answer, each: the review is for finding an answer to change."""


TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """The renderer's HTML as plain text, for the console and the command line."""
    return html.unescape(TAG.sub("", text))


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class RenderedQuestion:
    """A question ready for any channel: a progress line, the text, and its choices (if any)."""

    progress: str
    text: str
    choices: tuple[Choice, ...]
    wants_text: bool
    can_skip: bool
    can_go_back: bool
    is_info: bool
    multi: bool = False
    selection: tuple[str, ...] = ()
    can_keep: bool = False
    """A typed answer is there already (back on it, or changing it): keep it without retyping."""
    can_decline: bool = False
    """A typed question: "prefer not to answer" is offered."""
    gate: bool = False
    """An info message behind a content note: the note is shown, reading the message is
    Continue, not reading it is Skip."""


def reason(tr: Translator, refused: Reason) -> str:
    return tr.format(refused.message, **refused.params)


def stage_label(tr: Translator, model: ReadinessModel, level: int) -> str:
    return tr.gettext(N_("Level {level} · {stage}")).format(
        level=level, stage=tr.gettext(model.level(level).stage)
    )


def render_ask(
    ask: Ask, tr: Translator, model: ReadinessModel, *, typing: str = TYPE_A_MESSAGE
) -> RenderedQuestion:
    question = ask.question
    gate = question.content_note is not None
    parts = [_html(tr, question.content_note or question.prompt)]
    if ask.explained is not None:
        explained, value = ask.explained
        parts.insert(
            0,
            "<i>"
            + _html(tr, N_("About your answer “{answer}” to: {question}")).format(
                answer=html.escape(describe_answer(explained, value, tr, model)),
                question=html.escape(_short(explained, tr)),
            )
            + "</i>",
        )
    if question.probe:
        parts.append(f"<i>{_html(tr, question.probe)}</i>")
    choices: tuple[Choice, ...] = ()
    match question.kind:
        case Kind.SCALE:
            assert question.scale is not None
            parts.append(
                _html(tr, N_("1 = {low}, 10 = {high}")).format(
                    low=_html(tr, question.scale.low), high=_html(tr, question.scale.high)
                )
            )
            choices = tuple(Choice(str(n), str(n)) for n in SCALE)
        case Kind.CHOICE | Kind.MULTI_CHOICE:
            choices = tuple(Choice(o.id, tr.gettext(o.label)) for o in question.options)
        case Kind.YES_NO:
            offered = YES_NO if question.partly else tuple(v for v in YES_NO if v != "partly")
            choices = tuple(Choice(v, tr.gettext(YES_NO_LABELS[v])) for v in offered)
        case Kind.LEVEL:
            body, choices = _level(question, ask.screen, tr, model)
            parts.append(body)
    if question.hint:
        parts.append(_html(tr, question.hint))
    if ask.first_typed:
        parts.append(_html(tr, typing))
    if ask.previous is not None and question.kind is not Kind.LEVEL:
        parts.append(
            _html(tr, N_("Your answer so far: {answer}")).format(
                answer=html.escape(describe_answer(question, ask.previous, tr, model))
            )
        )
    progress = (
        ""
        if not question.answerable
        else tr.format(
            N_("Question {number} of {total}"), number=ask.progress.number, total=ask.progress.total
        )
    )
    return RenderedQuestion(
        progress=progress,
        text="\n\n".join(parts),
        choices=choices,
        wants_text=question.kind is Kind.TEXT,
        can_skip=question.optional or gate,
        can_go_back=ask.can_go_back,
        is_info=question.kind is Kind.INFO,
        gate=gate,
        multi=question.kind is Kind.MULTI_CHOICE,
        selection=ask.selection,
        can_keep=question.kind is Kind.TEXT and ask.previous is not None,
        can_decline=question.kind is Kind.TEXT,
    )


def _level(
    question: Question, screen: str | None, tr: Translator, model: ReadinessModel
) -> tuple[str, tuple[Choice, ...]]:
    """One step of the staircase (bot.flows.rating): the statements it shows, with their level
    numbers (never the stage names, which read like a verdict), and its replies."""
    assert question.dimension is not None
    dimension = question.dimension
    statements = [
        f"<b>{html.escape(level_label(tr, Fraction(level)))}</b>\n"
        f"{_html(tr, model.level(level).characteristics[dimension])}"
        for level in rating.levels_shown(screen)
    ]
    if screen is rating.BOUNDARY:
        # The cumulative rule is said once, before the first dimension (`ratings_intro`), and
        # used by every later step ("Level 4 is true ... One step up").
        lines = [*statements, _html(tr, N_("How far is your community?"))]
    else:
        so_far = (
            _html(tr, N_("Level 3 is not yet true of your community. One step down:"))
            if screen == rating.BELOW
            else _html(tr, N_("Level {level} is true of your community. One step up:")).format(
                level=int(screen) - 1
            )
        )
        question_line = _html(tr, N_("Is this fully true of your community?"))
        lines = [so_far, *statements, question_line]
    choices = tuple(
        Choice(reply, tr.gettext(RATING_LABELS[reply])) for reply in rating.replies(screen)
    )
    return "\n\n".join(lines), choices


def level_label(tr: Translator, level: Fraction) -> str:
    """'Level 4', 'Level 3.5' (in the reader's number format), for respondents' own ratings."""
    return tr.format(N_("Level {level}"), level=tr.number(level, decimals=_places(level)))


def _places(level: Fraction) -> int:
    return 0 if level.denominator == 1 else 1


def _html(tr: Translator, message: str) -> str:
    return html.escape(tr.gettext(message), quote=False)


def describe_answer(
    question: Question, value: AnswerValue, tr: Translator, model: ReadinessModel
) -> str:
    """A short, translated rendering of a stored answer (echo after a tap, review screen)."""
    if value is None:
        return tr.gettext(N_("(skipped)"))
    if is_declined(value):
        return tr.gettext(PREFER_NOT)
    match question.kind:
        case Kind.YES_NO:
            return tr.gettext(YES_NO_LABELS[str(value)])
        case Kind.CHOICE:
            return _option_label(question, str(value), tr)
        case Kind.MULTI_CHOICE:
            values = value if isinstance(value, list) else [str(value)]
            return ", ".join(_option_label(question, v, tr) for v in values)
        case Kind.LEVEL:
            level = level_of_answer(value)
            if level is None:
                return tr.gettext(N_("I don't know"))
            return level_label(tr, level)
        case Kind.TEXT:
            text = str(value)
            return text if len(text) <= TEXT_PREVIEW else text[: TEXT_PREVIEW - 1] + "…"
    return str(value)


def _option_label(question: Question, option_id: str, tr: Translator) -> str:
    for option in question.options:
        if option.id == option_id:
            return tr.gettext(option.label)
    return option_id


@dataclass(frozen=True)
class ReviewLine:
    question_id: str
    number: int
    title: str
    answer: str


def review_lines(
    review: Review, tr: Translator, model: ReadinessModel
) -> list[tuple[str, list[ReviewLine]]]:
    """Sections with numbered answers, numbered across the whole review; each line short
    enough to scan on a phone (a rating is named by its dimension)."""
    number = 0
    out: list[tuple[str, list[ReviewLine]]] = []
    for block in review.sections:
        lines = []
        for item in block.items:
            number += 1
            answer = (
                _clip(describe_answer(item.question, item.value, tr, model), REVIEW_PREVIEW)
                if item.answered
                else tr.gettext(N_("(not answered)"))
            )
            title = _review_title(item.question, tr, model)
            lines.append(ReviewLine(item.question.id, number, title, answer))
        out.append((tr.gettext(block.section.title), lines))
    return out


def _review_title(question: Question, tr: Translator, model: ReadinessModel) -> str:
    if question.kind is Kind.LEVEL and question.dimension is not None:
        return tr.gettext(model.dimension(question.dimension).name)
    return _clip(tr.gettext(question.prompt), REVIEW_PREVIEW)


def _clip(text: str, width: int) -> str:
    """At most `width` characters, cut between words."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut[width // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


def _short(question: Question, tr: Translator) -> str:
    prompt = tr.gettext(question.prompt)
    return prompt if len(prompt) <= TEXT_PREVIEW else prompt[: TEXT_PREVIEW - 1] + "…"


def privacy_notice(
    tr: Translator,
    *,
    personal: bool,
    unfinished_days: int,
    reminder_seconds: int | None,
    leave: str = texts.PRIVACY_LEAVE,
) -> list[str]:
    """The privacy screen's paragraphs (a `Consent` view's), plain text, each claim stated
    with the settings' own numbers; the reminder only where one can come. `leave`: how this
    channel is left."""
    readers = texts.PRIVACY_READERS_PERSONAL if personal else texts.PRIVACY_READERS
    bullets = [
        tr.gettext(texts.PRIVACY),
        tr.gettext(readers),
        tr.format(texts.PRIVACY_UNFINISHED, days=days(tr, unfinished_days)),
    ]
    if reminder_seconds is not None:
        delay = duration(tr, reminder_seconds)
        bullets.append(tr.format(texts.PRIVACY_REMINDER, delay=delay))
    bullets.append(tr.gettext(texts.PRIVACY_SUBMIT))
    return ["\n".join(bullets), tr.gettext(leave), tr.gettext(texts.HOTLINE)]


def who_asks(tr: Translator, community: str, description: str, organisation: str) -> list[str]:
    """Who is asking, about which community (Appendix C's landing page), as plain lines: the
    community's name, its description as the coordinator wrote it, and the organisation."""
    lines = [tr.format(texts.ABOUT_COMMUNITY, community=community)]
    if description:
        lines.append(description)
    if organisation:
        lines.append(tr.format(texts.ASKED_BY, organisation=organisation))
    return lines


def days(tr: Translator, count: int) -> str:
    return tr.fill(tr.ngettext("{count} day", "{count} days", count), count=count)


def duration(tr: Translator, seconds: int) -> str:
    """Whole hours when the delay is that (the default, 24), else whole minutes, rounded up
    (a test's delay of seconds reads as one minute, never as zero)."""
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return tr.fill(tr.ngettext("{count} hour", "{count} hours", hours), count=hours)
    minutes = max(1, -(-seconds // 60))
    return tr.fill(tr.ngettext("{count} minute", "{count} minutes", minutes), count=minutes)
