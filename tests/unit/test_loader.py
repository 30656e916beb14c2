"""Tests of questions.loader: the shipped library loads; every load error names file, id, reason."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from questions.loader import (
    BANK_DIR,
    BANK_IDS,
    BankError,
    Library,
    default_library,
    load_bank,
    load_library,
    load_model,
)
from questions.schema import DIMENSION_IDS, Kind, ReadinessModel

REAL_MODEL = BANK_DIR / "readiness_model.yaml"


@pytest.fixture(scope="module")
def model() -> ReadinessModel:
    return load_model(REAL_MODEL)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def bank_error(path: Path, model: ReadinessModel) -> str:
    with pytest.raises(BankError) as caught:
        load_bank(path, model)
    return str(caught.value)


def model_error(path: Path) -> str:
    with pytest.raises(BankError) as caught:
        load_model(path)
    return str(caught.value)


def one_section_bank(questions: str, *, bank_id: str = "tiny", section: str = "main") -> str:
    """A bank with one section holding the given YAML question list (indented 6 spaces)."""
    return (
        f"id: {bank_id}\n"
        "version: 1\n"
        "title: Tiny bank\n"
        "description: A bank for one loader test.\n"
        "minutes: 5\n"
        "sections:\n"
        f"  - id: {section}\n"
        "    title: Main\n"
        "    questions:\n" + textwrap.indent(textwrap.dedent(questions).strip("\n"), " " * 6) + "\n"
    )


# --- the shipped library --------------------------------------------------------------------------


def test_the_shipped_library_loads() -> None:
    library = load_library()
    assert isinstance(library, Library)
    assert set(library.banks) == set(BANK_IDS)
    assert [d.id for d in library.model.dimensions] == list(DIMENSION_IDS)
    assert [lv.level for lv in library.model.levels] == list(range(1, 10))
    for bank_id in BANK_IDS:
        bank = library.bank(bank_id)
        assert bank.id == bank_id
        assert any(q.answerable for q in bank.questions)


def test_default_library_is_loaded_once() -> None:
    assert default_library() is default_library()
    assert default_library().model == load_model()


def test_asking_for_an_unknown_bank_names_it() -> None:
    with pytest.raises(BankError, match="no question bank called 'nope'"):
        default_library().bank("nope")


def test_a_small_valid_bank_loads(tmp_path: Path, model: ReadinessModel) -> None:
    path = write(
        tmp_path,
        "tiny.yaml",
        one_section_bank(
            """
            - id: rate
              kind: scale
              prompt: How much?
              scale: {low: little, high: a lot}
            - id: rate_why
              kind: text
              explains: rate
              prompt: Why?
            - id: lvl
              kind: level
              dimension: B
              prompt: Which level?
            """
        ),
    )
    bank = load_bank(path, model)
    assert [q.id for q in bank.questions] == ["rate", "rate_why", "lvl"]
    assert bank.questions[2].kind is Kind.LEVEL


# --- bank errors: each names the file, the id and the reason --------------------------------------


def test_unknown_key(tmp_path: Path, model: ReadinessModel) -> None:
    path = write(
        tmp_path,
        "tiny.yaml",
        one_section_bank(
            """
            - id: colourful
              kind: text
              prompt: What colour?
              colour: red
            """
        ),
    )
    message = bank_error(path, model)
    assert str(path) in message
    assert "colourful" in message
    assert "colour" in message.split("colourful", 1)[1]
    assert "Extra inputs are not permitted" in message


def test_duplicate_question_id(tmp_path: Path, model: ReadinessModel) -> None:
    path = write(
        tmp_path,
        "tiny.yaml",
        one_section_bank(
            """
            - id: twice
              kind: text
              prompt: First?
            - id: twice
              kind: text
              prompt: Second?
            """
        ),
    )
    message = bank_error(path, model)
    assert message == f"{path}: twice: duplicate id"


def test_duplicate_id_across_sections(tmp_path: Path, model: ReadinessModel) -> None:
    path = write(
        tmp_path,
        "tiny.yaml",
        """
        id: tiny
        version: 1
        title: Tiny
        description: Two sections.
        minutes: 5
        sections:
          - id: first
            title: First
            questions:
              - {id: shared, kind: text, prompt: "One?"}
          - id: second
            title: Second
            questions:
              - {id: shared, kind: text, prompt: "Two?"}
        """,
    )
    assert bank_error(path, model) == f"{path}: shared: duplicate id"


def test_section_id_equal_to_a_question_id(tmp_path: Path, model: ReadinessModel) -> None:
    path = write(
        tmp_path,
        "tiny.yaml",
        one_section_bank(
            """
            - id: main
              kind: text
              prompt: Same id as its section?
            """,
            section="main",
        ),
    )
    assert bank_error(path, model) == f"{path}: main: duplicate id"


def test_duplicate_option_id(tmp_path: Path, model: ReadinessModel) -> None:
    path = write(
        tmp_path,
        "tiny.yaml",
        one_section_bank(
            """
            - id: pick
              kind: choice
              prompt: Pick one
              options:
                - {id: same, label: One}
                - {id: other, label: Two}
                - {id: same, label: Three}
            """
        ),
    )
    message = bank_error(path, model)
    assert str(path) in message
    assert "pick" in message
    assert "duplicate option id(s): same" in message


def test_dangling_explains(tmp_path: Path, model: ReadinessModel) -> None:
    path = write(
        tmp_path,
        "tiny.yaml",
        one_section_bank(
            """
            - id: why
              kind: text
              explains: nowhere
              prompt: Please explain your rating.
            """
        ),
    )
    assert bank_error(path, model) == (
        f"{path}: why: explains 'nowhere', which is not an earlier question of this bank"
    )


def test_explains_a_later_question(tmp_path: Path, model: ReadinessModel) -> None:
    path = write(
        tmp_path,
        "tiny.yaml",
        one_section_bank(
            """
            - id: why
              kind: text
              explains: rate
              prompt: Please explain your rating.
            - id: rate
              kind: scale
              prompt: How much?
              scale: {low: little, high: a lot}
            """
        ),
    )
    assert bank_error(path, model) == (
        f"{path}: why: explains 'rate', which is not an earlier question of this bank"
    )


def test_explains_an_info_message(tmp_path: Path, model: ReadinessModel) -> None:
    path = write(
        tmp_path,
        "tiny.yaml",
        one_section_bank(
            """
            - id: hello
              kind: info
              prompt: Hello.
            - id: why
              kind: text
              explains: hello
              prompt: Please explain.
            """
        ),
    )
    assert bank_error(path, model) == f"{path}: why: explains an info message"


def test_level_question_without_a_dimension(tmp_path: Path, model: ReadinessModel) -> None:
    path = write(
        tmp_path,
        "tiny.yaml",
        one_section_bank(
            """
            - id: lvl
              kind: level
              prompt: Which level?
            """
        ),
    )
    message = bank_error(path, model)
    assert str(path) in message
    assert "lvl" in message
    assert "a level question needs a dimension" in message


def test_unknown_dimension(tmp_path: Path, model: ReadinessModel) -> None:
    path = write(
        tmp_path,
        "tiny.yaml",
        one_section_bank(
            """
            - id: lvl
              kind: level
              dimension: H
              prompt: Which level?
            """
        ),
    )
    message = bank_error(path, model)
    assert str(path) in message
    assert "lvl" in message
    assert "dimension" in message


def test_question_dimension_outside_its_section_dimension(
    tmp_path: Path, model: ReadinessModel
) -> None:
    path = write(
        tmp_path,
        "tiny.yaml",
        """
        id: tiny
        version: 1
        title: Tiny
        description: One section of dimension A.
        minutes: 5
        sections:
          - id: equity
            title: Equity
            dimension: A
            questions:
              - {id: lvl, kind: level, dimension: B, prompt: "Which level?"}
        """,
    )
    assert bank_error(path, model) == (
        f"{path}: lvl: dimension B inside section equity of dimension A"
    )


def test_choice_with_one_option(tmp_path: Path, model: ReadinessModel) -> None:
    path = write(
        tmp_path,
        "tiny.yaml",
        one_section_bank(
            """
            - id: lonely
              kind: choice
              prompt: Pick one
              options:
                - {id: only, label: The only one}
            """
        ),
    )
    message = bank_error(path, model)
    assert str(path) in message
    assert "lonely" in message
    assert "a choice question needs at least two options" in message


def test_scale_without_labels(tmp_path: Path, model: ReadinessModel) -> None:
    path = write(
        tmp_path,
        "tiny.yaml",
        one_section_bank(
            """
            - id: rate
              kind: scale
              prompt: On a scale from 1 to 10, how much?
            """
        ),
    )
    message = bank_error(path, model)
    assert str(path) in message
    assert "rate" in message
    assert "a scale question needs scale labels (low, high)" in message


def test_a_bank_that_asks_nothing(tmp_path: Path, model: ReadinessModel) -> None:
    path = write(
        tmp_path,
        "tiny.yaml",
        one_section_bank(
            """
            - id: hello
              kind: info
              prompt: Hello.
            """
        ),
    )
    assert bank_error(path, model) == f"{path}: tiny: the bank asks nothing"


def test_bank_id_must_match_its_file_name(tmp_path: Path) -> None:
    for name in ("readiness_model.yaml", *(f"{b}.yaml" for b in BANK_IDS)):
        shutil.copy(BANK_DIR / name, tmp_path / name)
    path = tmp_path / "capacity_checklist.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\nid: capacity_checklist\n" in text
    path.write_text(text.replace("\nid: capacity_checklist\n", "\nid: checklist\n"), "utf-8")
    with pytest.raises(BankError) as caught:
        load_library(tmp_path)
    assert str(caught.value) == f"{path}: checklist: the bank id must match the file name"


def test_invalid_yaml(tmp_path: Path, model: ReadinessModel) -> None:
    path = write(tmp_path, "tiny.yaml", "id: tiny\nsections: [unclosed\n")
    message = bank_error(path, model)
    assert message.startswith(f"{path}: not valid YAML: ")


def test_missing_bank_file(tmp_path: Path, model: ReadinessModel) -> None:
    path = tmp_path / "absent.yaml"
    assert bank_error(path, model) == f"{path}: file not found"


def test_missing_bank_in_a_library_directory(tmp_path: Path) -> None:
    shutil.copy(REAL_MODEL, tmp_path / "readiness_model.yaml")
    with pytest.raises(BankError) as caught:
        load_library(tmp_path)
    assert str(caught.value) == f"{tmp_path / 'preassessment.yaml'}: file not found"


# --- readiness model errors -----------------------------------------------------------------------


def edited_model(tmp_path: Path, old: str, new: str) -> Path:
    text = REAL_MODEL.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the edit needs exactly one {old!r} in the model"
    return write(tmp_path, "readiness_model.yaml", text.replace(old, new))


def test_level_without_a_stage_name(tmp_path: Path) -> None:
    path = edited_model(tmp_path, '    stage: "Vague Awareness"\n', "")
    message = model_error(path)
    assert message.startswith(f"{path}: 3: ")
    assert "levels.2.stage" in message
    assert "Field required" in message


def test_level_with_an_empty_stage_name(tmp_path: Path) -> None:
    path = edited_model(tmp_path, 'stage: "Vague Awareness"', 'stage: ""')
    message = model_error(path)
    assert message.startswith(f"{path}: 3: ")
    assert "levels.2.stage" in message


def test_model_missing_a_characteristic(tmp_path: Path) -> None:
    old = '      D: "Leadership doesn\'t believe human trafficking is an issue in the community."\n'
    path = edited_model(tmp_path, old, "")
    message = model_error(path)
    assert message.startswith(f"{path}: 1: ")
    assert "characteristics missing for dimension(s) D" in message


def test_model_with_a_level_missing(tmp_path: Path) -> None:
    text = REAL_MODEL.read_text(encoding="utf-8")
    start = text.index("  - level: 9\n")
    path = write(tmp_path, "readiness_model.yaml", text[:start])
    message = model_error(path)
    assert str(path) in message
    assert "levels must be 1 to 9, once each, in order" in message


def test_invalid_model_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "readiness_model.yaml", "id: readiness_model\nlevels: {: :\n")
    assert model_error(path).startswith(f"{path}: not valid YAML: ")


def test_missing_model_file(tmp_path: Path) -> None:
    path = tmp_path / "readiness_model.yaml"
    assert model_error(path) == f"{path}: file not found"
    with pytest.raises(BankError, match="file not found"):
        load_library(tmp_path)
