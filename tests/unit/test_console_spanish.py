"""A whole preassessment in Spanish through `readiness-bot console --lang es`.

Needs the Spanish catalog (bot/locales/es/LC_MESSAGES/messages.po) to be complete.
"""

from __future__ import annotations

import io
import sys

import pytest

from bot.cli import main
from bot.render import RATING_LABELS
from questions.loader import default_library
from questions.schema import Kind
from tests.unit.test_console import typed_staircase

PRE = default_library().bank("preassessment")
# Dimension ratings, levels 4, 5, 5, 2, 3, 6, 4 -> 29 / 7 = 4.14, typed screen by screen.
TAPS = dict(zip("ABCDEFG", [typed_staircase(n) for n in (4, 5, 5, 2, 3, 6, 4)], strict=True))

ENGLISH_UI = (
    "How you rated your community:",
    "Your overall view",
    "What happens next",
    "Thank you. Your answers are complete.",
    "Please review your answers.",
    "Question 1 of",
    "Type the number of a choice.",
    "(Press Enter to continue.)",
    "Is this fully true of your community?",
    *RATING_LABELS.values(),
    "Preplanning",
    "Community equity",
)


def typed_answers() -> str:
    lines: list[str] = [""]  # what is kept: Enter continues
    for question in PRE.questions:
        match question.kind:
            case Kind.INFO:
                lines.append("")
            case Kind.TEXT:
                lines.append("Nuestra comunidad es pequeña.")
            case Kind.SCALE:
                lines.append("6")
            case Kind.CHOICE:
                lines.append("1")
            case Kind.LEVEL:
                assert question.dimension is not None
                lines.extend(TAPS[question.dimension])  # one line per rating screen
            case _:
                raise AssertionError(question.kind)
    lines.append("")  # submit the review
    return "".join(f"{line}\n" for line in lines)


@pytest.fixture
def spanish_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed_answers()))
    assert main(["console", "--lang", "es"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def test_the_result_is_in_spanish(spanish_run: str) -> None:
    lines = spanish_run.splitlines()
    # The last lines are the result: a level per dimension, then the baseline (cut, "4,14").
    rated = [line for line in lines if line[:3] in {f"{d}. " for d in "ABCDEFG"}]
    assert rated[-7].startswith("A. ")
    assert rated[-7].endswith("Preplanificación")
    assert rated[-1].startswith("G. ")
    assert rated[-1].endswith("Preplanificación")
    assert any("4,14" in line and "Preplanificación" in line for line in lines)


def test_no_english_interface_text_remains(spanish_run: str) -> None:
    leftovers = [text for text in ENGLISH_UI if text in spanish_run]
    assert leftovers == []


def test_the_questions_are_in_spanish(spanish_run: str) -> None:
    english_prompts = [
        " ".join(q.prompt.split())
        for q in PRE.questions
        if q.kind is not Kind.INFO and len(q.prompt) > 30
    ]
    shown = " ".join(spanish_run.split())
    assert [p for p in english_prompts if p in shown] == []
