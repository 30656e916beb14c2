"""Tests of questions.extract: the babel extractor finds every text people see, and nothing else."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import extract

from questions.extract import extract_bank
from questions.loader import BANK_DIR, default_library
from questions.schema import Bank, Kind, ReadinessModel

FILES = (
    "readiness_model.yaml",
    "preassessment.yaml",
    "capacity_checklist.yaml",
    "full_assessment.yaml",
)


def extracted(name: str) -> list[tuple[int, str | None, str, list[str]]]:
    with (BANK_DIR / name).open("rb") as handle:
        return list(extract_bank(handle, ["_", "N_"], [], {}))


def model_texts(model: ReadinessModel) -> list[str]:
    texts: list[str] = []
    for dimension in model.dimensions:
        texts.append(dimension.name)
        texts.extend(dimension.guiding_questions)
    for level in model.levels:
        texts.extend([level.stage, level.goal])
        if level.opening_strategy:
            texts.append(level.opening_strategy)
        texts.extend(level.characteristics.values())
        texts.extend(level.strategies.values())
    return texts


def bank_texts(bank: Bank) -> list[str]:
    texts = [bank.title, bank.description]
    for section in bank.sections:
        texts.append(section.title)
        for question in section.questions:
            texts.append(question.prompt)
            texts.extend(t for t in (question.probe, question.hint, question.content_note) if t)
            texts.extend(option.label for option in question.options)
            if question.scale:
                texts.extend([question.scale.low, question.scale.high])
    return texts


def loaded_texts(name: str) -> list[str]:
    library = default_library()
    if name == "readiness_model.yaml":
        return model_texts(library.model)
    return bank_texts(library.bank(name.removesuffix(".yaml")))


def ids_and_kinds(name: str) -> set[str]:
    library = default_library()
    if name == "readiness_model.yaml":
        model = library.model
        return {model.id, *(d.id for d in model.dimensions), *(str(n) for n in range(1, 10))}
    bank = library.bank(name.removesuffix(".yaml"))
    found = {bank.id, *(s.id for s in bank.sections), *(k.value for k in Kind)}
    for question in bank.questions:
        found.add(question.id)
        found.update(o.id for o in question.options)
        if question.dimension:
            found.add(question.dimension)
        if question.explains:
            found.add(question.explains)
    return found


@pytest.mark.parametrize("name", FILES)
def test_every_shown_text_is_extracted_as_loaded(name: str) -> None:
    """Folded and literal block scalars come out exactly as the loader loads them."""
    messages = Counter(message for _, _, message, _ in extracted(name))
    assert messages == Counter(loaded_texts(name))


def test_the_model_yields_every_characteristic_and_strategy() -> None:
    found = extracted("readiness_model.yaml")
    characteristics = [m for _, _, m, c in found if ".characteristics." in c[0]]
    strategies = [m for _, _, m, c in found if ".strategies." in c[0]]
    assert len(characteristics) == len(strategies) == 63
    stages = [m for _, _, m, c in found if c[0].endswith(".stage")]
    assert stages == [level.stage for level in default_library().model.levels]


@pytest.mark.parametrize("name", FILES)
def test_no_ids_or_kinds_are_extracted(name: str) -> None:
    messages = {message for _, _, message, _ in extracted(name)}
    # An option may be labelled with its own id's word (the full assessment's "some", "many"):
    # that label is text, and still no id is.
    labels = {message for _, _, message, where in extracted(name) if where[0].endswith(".label")}
    assert (messages - labels).isdisjoint(ids_and_kinds(name))
    # The model's `source` is a citation for maintainers, not text a respondent sees.
    assert default_library().model.source not in messages


@pytest.mark.parametrize("name", FILES)
def test_line_numbers_point_at_the_text(name: str) -> None:
    """The line is the one holding the scalar, or its block indicator (`>-`) just above it."""
    lines = (BANK_DIR / name).read_text(encoding="utf-8").splitlines()
    for line, funcname, message, _ in extracted(name):
        assert funcname is None
        assert 1 <= line <= len(lines)
        first_words = " ".join(message.split()[:3])
        here = " ".join(" ".join(lines[line - 1 : line + 1]).split())
        assert first_words in here, (line, message[:40])


def test_line_numbers_increase_through_the_file() -> None:
    for name in FILES:
        numbers = [line for line, *_ in extracted(name)]
        assert numbers == sorted(numbers), name


@pytest.mark.parametrize("name", FILES)
def test_every_message_has_a_context_comment(name: str) -> None:
    for _, _, message, comments in extracted(name):
        assert len(comments) == 1, message[:40]
        assert comments[0] and not comments[0].startswith("/")


def test_context_comments_name_the_owner() -> None:
    found = {m: c[0] for _, _, m, c in extracted("preassessment.yaml")}
    pre = default_library().bank("preassessment")
    leaders = next(q for q in pre.questions if q.id == "leaders_concern")
    assert found[leaders.prompt] == "preassessment/leadership/leaders_concern.prompt"
    low = [c[0] for _, _, m, c in extracted("preassessment.yaml") if m == "not at all"]
    assert low == [
        "preassessment/leadership/leaders_concern.low",
        "preassessment/issue_knowledge/community_concern.low",
    ]
    assert found["Community readiness preassessment"] == "preassessment.title"
    assert found["State or local government"] == "preassessment/intro/sector/government.label"
    model = {m: c[0] for _, _, m, c in extracted("readiness_model.yaml")}
    level_4 = default_library().model.level(4)
    assert model[level_4.characteristics["D"]] == "readiness_model/4.characteristics.D"
    assert model[level_4.strategies["G"]] == "readiness_model/4.strategies.G"
    assert model["Preplanning"] == "readiness_model/4.stage"
    assert model["Leadership"] == "readiness_model/D.name"


def test_babel_accepts_the_extractor() -> None:
    with (BANK_DIR / "capacity_checklist.yaml").open("rb") as handle:
        through_babel = list(extract(extract_bank, handle))  # type: ignore[arg-type]
    direct = extracted("capacity_checklist.yaml")
    assert [(line, message) for line, message, _, _ in through_babel] == [
        (line, message) for line, _, message, _ in direct
    ]


def test_ids_kinds_and_flags_are_not_text(tmp_path: Path) -> None:
    source = (
        b"id: tiny\n"
        b"version: 1\n"
        b"title: Tiny bank\n"
        b"description: >-\n"
        b"  Folded over\n"
        b"  two lines.\n"
        b"sections:\n"
        b"  - id: main\n"
        b"    title: Main\n"
        b"    dimension: A\n"
        b"    questions:\n"
        b"      - id: rate\n"
        b"        kind: scale\n"
        b"        optional: true\n"
        b"        prompt: How much?\n"
        b"        scale: {low: little, high: a lot}\n"
        b"      - id: why\n"
        b"        kind: text\n"
        b"        explains: rate\n"
        b"        prompt: |-\n"
        b"          Line one\n"
        b"          line two\n"
    )
    found = list(extract_bank(io.BytesIO(source), [], [], {}))
    assert [(line, message) for line, _, message, _ in found] == [
        (3, "Tiny bank"),
        (4, "Folded over two lines."),
        (9, "Main"),
        (15, "How much?"),
        (16, "little"),
        (16, "a lot"),
        (20, "Line one\nline two"),
    ]
    assert [c for *_, c in found][3] == ["tiny/main/rate.prompt"]


def test_an_empty_file_yields_nothing() -> None:
    assert list(extract_bank(io.BytesIO(b""), [], [], {})) == []
