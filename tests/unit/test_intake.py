"""Intake keeps a short text as typed, sealed with its event, only when redaction changed it:
it may be the contact a volunteer was asked for. Anything else travels redacted only."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from bot.channels.telegram.intake import sanitise
from bot.services.volunteers import MAX_CONTACT


def text_update(text: str) -> Update:
    data: dict[str, Any] = {
        "update_id": 1,
        "message": {
            "message_id": 7,
            "date": 0,
            "chat": {"id": 42, "type": "private"},
            "from": {"id": 42, "is_bot": False, "first_name": "Ana"},
            "text": text,
        },
    }
    return Update.de_json(data, None)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Call me on +1 415 555 0199", True),
        ("ana.volunteer@example.org", True),
        ("Our schools and clinics", False),  # redaction changed nothing: nothing extra kept
        ("+1 415 555 0199 " + "x" * MAX_CONTACT, False),  # longer than any contact
    ],
)
def test_a_text_travels_as_typed_only_when_it_may_be_a_contact(typed: str, kept: bool) -> None:
    event = sanitise(text_update(typed))
    assert event is not None and event.kind == "text"
    assert event.as_typed == (typed if kept else None)
    assert event.text is not None and "415 555" not in event.text and "@example" not in event.text
