"""An open interview when the banks change under it (docs/method.md, "Changing a bank")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.flows.events import Answer, Back, Continue, Event
from bot.flows.interview import Ask, InterviewState, prompt_for, start, step
from bot.flows.versions import bind, rebase
from questions.loader import ARCHIVE, BANK_DIR, Library, load_library
from questions.schema import Bank

CURRENT = load_library()
PRE = CURRENT.bank("preassessment")


def answered(bank: Bank, upto: str) -> InterviewState:
    """A state that answered every question before `upto` with a plausible value."""
    state, _ = start(bank, "en")
    while state.current != upto:
        question = bank.question(state.current)
        event: Event
        if question.kind.value == "info":
            event = Continue(question_id=question.id)
        elif question.kind.value == "text":
            event = Answer("Our county", question_id=question.id)
        elif question.kind.value == "choice":
            event = Answer(question.options[0].id, question_id=question.id)
        else:
            raise AssertionError(question.kind)
        state = step(bank, state, event).state
    return state


def library_with_new_version(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Library:
    """The shipped banks, with version 2 of the preassessment made by `edit` and version 1
    kept in the archive."""
    for path in BANK_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    source = tmp_path / "preassessment.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    (tmp_path / ARCHIVE).mkdir()
    (tmp_path / ARCHIVE / f"preassessment.v{PRE.version}.yaml").write_text(
        source.read_text(encoding="utf-8"), encoding="utf-8"
    )
    edit(data)
    data["version"] = PRE.version + 1
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_library(tmp_path)


def drop_sector(data: dict[str, Any]) -> None:
    for section in data["sections"]:
        section["questions"] = [q for q in section["questions"] if q["id"] != "sector"]


def test_an_interview_finishes_on_the_version_it_began_on(tmp_path: Path) -> None:
    library = library_with_new_version(tmp_path, drop_sector)
    old = library.version("preassessment", PRE.version)
    assert old is not None and old.has("sector")
    state = answered(old, "sector")
    bound = bind(library, state)
    assert (bound.bank.version, bound.rebased) == (PRE.version, False)
    prompt = prompt_for(bound.bank, bound.state)
    assert isinstance(prompt, Ask) and prompt.question.id == "sector"


def test_a_version_no_longer_shipped_moves_by_question_id(tmp_path: Path) -> None:
    library = library_with_new_version(tmp_path, drop_sector)
    library.archive.clear()  # version 1 is gone
    state = answered(PRE, "sector")
    bound = bind(library, state)
    assert bound.rebased
    assert bound.state.version == PRE.version + 1
    # The question asked is gone: the interview goes on right after the last one passed.
    assert bound.state.current == "reflect"
    assert bound.state.answers == {"community": "Our county"}
    assert all(bound.bank.has(qid) for qid in bound.state.history)
    # Back still walks to the previous question of the new version.
    back = step(bound.bank, bound.state, Back())
    assert back.refused is None and back.state.current == "community"


def test_answers_the_new_version_would_refuse_are_dropped() -> None:
    state = answered(PRE, "diversity").model_copy(
        update={"answers": {"community": "ok", "sector": "spaceships", "gone": "x"}}
    )
    moved = rebase(PRE, state)
    assert moved.answers == {"community": "ok"}
    assert moved.current == "diversity"


def test_a_question_added_since_is_asked_before_the_review() -> None:
    done = answered(PRE, "diversity").model_copy(update={"phase": "review"})
    moved = rebase(PRE, done)
    required = [q.id for q in PRE.questions if q.answerable and not q.optional]
    assert moved.phase == "asking"
    assert moved.current == next(q for q in required if q not in done.answers)


def test_a_state_saved_by_position_is_read_by_id() -> None:
    """Interviews open when schema 3 arrived named their question by position (version 1,
    whose questions stand in the same order as in version 2)."""
    legacy = (
        '{"bank": "preassessment", "version": 1, "locale": "es", "phase": "asking",'
        ' "position": 4, "answers": {"community": "x"}, "history": [0, 1, 2, 3],'
        ' "band": "mid", "selection": [], "editing": false}'
    )
    bound = bind(CURRENT, InterviewState.from_json(legacy))
    assert bound.rebased and bound.state.version == PRE.version
    assert bound.state.current == PRE.questions[4].id
    assert bound.state.history == tuple(q.id for q in PRE.questions[:4])
    assert bound.state.screen is None


def test_a_position_beyond_the_bank_is_rebased() -> None:
    legacy = (
        '{"bank": "preassessment", "version": 1, "locale": "en", "position": 999,'
        ' "answers": {"community": "x"}, "history": []}'
    )
    bound = bind(CURRENT, InterviewState.from_json(legacy))
    assert bound.rebased
    assert bound.state.current == "greeting"
    assert bound.state.answers == {"community": "x"}
