"""Telegram presenter: prompts become HTML text plus inline keyboards with small callback data."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from bot.flows.interview import Ask, Review
from bot.i18n import N_, Translator, language_name
from bot.render import RenderedQuestion, render_ask, review_lines
from questions.schema import Kind, ReadinessModel

Button = tuple[str, str]  # (label, callback data)
LEAVE = "x"
FLOW_CODES = {"pre": "preassessment", "cap": "capacity_checklist"}
"""Short flow codes for callback data -> bank ids."""
MAX_LENGTH = 4000
"""Telegram takes up to 4,096 characters of text; the margin is for the answer a tap appends."""


@dataclass(frozen=True)
class Message:
    text: str
    buttons: list[list[Button]] = field(default_factory=list)

    def payload(self) -> dict[str, object]:
        return {"text": self.text, "buttons": [[list(b) for b in row] for row in self.buttons]}


def leave_row(tr: Translator) -> list[Button]:
    return [(tr.gettext(N_("🚪 Leave now")), LEAVE)]


def question_message(sid: str, ask: Ask, tr: Translator, model: ReadinessModel) -> Message:
    rendered = render_ask(ask, tr, model)
    qid = ask.question.id
    head = f"<i>{html.escape(rendered.progress)}</i>\n\n" if rendered.progress else ""
    rows: list[list[Button]] = []
    if rendered.is_info:
        rows.append([(tr.gettext(N_("Continue ▶")), f"n:{sid}:{qid}")])
    elif rendered.multi:
        for choice in rendered.choices:
            tick = "☑️" if choice.value in rendered.selection else "⬜"
            rows.append([(f"{tick} {choice.label}", f"t:{sid}:{qid}:{choice.value}")])
        rows.append([(tr.gettext(N_("Done ✔")), f"d:{sid}:{qid}")])
    else:
        rows.extend(_choice_rows(sid, qid, rendered, ask))
    navigation: list[Button] = []
    if rendered.can_go_back:
        navigation.append((tr.gettext(N_("◀ Back")), back_data(sid, ask)))
    if rendered.can_skip:
        navigation.append((tr.gettext(N_("Skip ⏭")), f"s:{sid}:{qid}"))
    if navigation:
        rows.append(navigation)
    rows.append(leave_row(tr))
    return Message(head + rendered.text, rows)


def _choice_rows(sid: str, qid: str, rendered: RenderedQuestion, ask: Ask) -> list[list[Button]]:
    buttons = [(c.label, f"a:{sid}:{qid}:{c.value}") for c in rendered.choices]
    kind = ask.question.kind
    if kind is Kind.SCALE:
        return [buttons[:5], buttons[5:]]
    if kind is Kind.YES_NO:
        return [buttons[:2], buttons[2:]]
    if kind is Kind.LEVEL and ask.band is None:
        return [buttons[:3], buttons[3:]]
    return [[b] for b in buttons]


def review_message(sid: str, review: Review, tr: Translator, model: ReadinessModel) -> Message:
    parts = [f"<b>{html.escape(tr.gettext(N_('Please review your answers.')))}</b>"]
    numbers: list[Button] = []
    for title, lines in review_lines(review, tr, model):
        parts.append(f"\n<b>{html.escape(title)}</b>")
        for line in lines:
            parts.append(
                f"{line.number}. {html.escape(line.title)}\n   → <i>{html.escape(line.answer)}</i>"
            )
            numbers.append((f"✏️ {line.number}", f"e:{sid}:{line.question_id}"))
    parts.append(
        "\n"
        + html.escape(
            tr.gettext(N_("Tap a number to change that answer, or Submit when you are ready."))
        )
    )
    rows = [numbers[i : i + 6] for i in range(0, len(numbers), 6)]
    rows.append([(tr.gettext(N_("✅ Submit")), f"S:{sid}")])
    rows.append([(tr.gettext(N_("◀ Back")), back_data(sid, None))])
    rows.append(leave_row(tr))
    return Message("\n".join(parts), rows)


def back_data(sid: str, ask: Ask | None) -> str:
    """Back names the step it was shown on (none: the review), so a second tap of the same
    button is refused instead of going back twice."""
    if ask is None:
        return f"b:{sid}"
    shown = ask.band or ("+" if ask.selection else "")
    return f"b:{sid}:{ask.question.id}" + (f":{shown}" if shown else "")


def language_message(sid: str, locales: tuple[str, ...], suggested: str, tr: Translator) -> Message:
    text = tr.gettext(N_("Which language would you like to use?"))
    buttons = [
        (("✓ " if locale == suggested else "") + language_name(locale), f"l:{sid}:{locale}")
        for locale in locales
    ]
    return Message(html.escape(text), [buttons, leave_row(tr)])


def split_long(message: Message, limit: int = MAX_LENGTH) -> list[Message]:
    """A message too long for Telegram as several, cut at line breaks outside any HTML tag;
    the keyboard goes with the last part."""
    if _length(message.text) <= limit:
        return [message]
    parts: list[str] = []
    current: list[str] = []
    block: list[str] = []  # lines since the last break outside a tag
    depth = 0
    for line in message.text.split("\n"):
        block.append(line)
        # Text is escaped, so every "<" starts a tag, and each tag is closed: "<b>" ... "</b>".
        depth += line.count("<") - 2 * line.count("</")
        if depth:
            continue
        if current and _length("\n".join(current + block)) > limit:
            parts.append("\n".join(current))
            current = []
        current += block
        block = []
    parts.append("\n".join(current + block))
    texts = [part.strip() for part in parts if part.strip()]
    return [Message(text) for text in texts[:-1]] + [Message(texts[-1], message.buttons)]


def _length(text: str) -> int:
    """Telegram counts UTF-16 code units; markup only makes the source longer than the text."""
    return len(text.encode("utf-16-le")) // 2


def chosen_suffix(answer: str) -> str:
    """Appended to a question after a tap, in place of its keyboard."""
    return f"\n\n✅ <b>{html.escape(answer)}</b>"
