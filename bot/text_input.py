"""Free text as typed by a respondent, made safe to store (shared by every channel)."""

from __future__ import annotations

from bot.flows.values import MAX_MESSAGE_LENGTH
from bot.privacy import redact


def typed_answer(text: str, names: tuple[str, ...] = ()) -> str:
    """Redacted text. The length limit applies to what was typed, so a too-long text is
    returned as it is for the flow to refuse, and redaction's placeholders (which can be
    longer than what they replace) never push an accepted answer over the limit."""
    if len(text.strip()) > MAX_MESSAGE_LENGTH:
        return text
    return redact(text, names=names).strip()[:MAX_MESSAGE_LENGTH]
