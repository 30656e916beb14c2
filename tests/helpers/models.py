"""Builders for small in-memory readiness models and question banks, so tests need no YAML."""

from __future__ import annotations

from typing import Any

from questions.schema import (
    DIMENSION_IDS,
    Bank,
    Dimension,
    Kind,
    Level,
    Question,
    ReadinessModel,
    Section,
)

# The guide's own names, so scorecards written as in the guide's tables resolve.
DIMENSION_NAMES: dict[str, str] = {
    "A": "Community equity",
    "B": "Existing community efforts",
    "C": "Community knowledge of the efforts",
    "D": "Leadership",
    "E": "Community climate",
    "F": "Community knowledge about the issue",
    "G": "Resources related to the issue",
}

STAGES: tuple[str, ...] = (
    "No Awareness",
    "Denial/Resistance",
    "Vague Awareness",
    "Preplanning",
    "Preparation",
    "Initiation",
    "Stabilization",
    "Confirmation Expansion",
    "Community Ownership",
)


def goal_text(level: int) -> str:
    return f"Goal of level {level}"


def strategy_text(level: int, dimension: str) -> str:
    return f"Level {level} strategy for {dimension}"


def opening_text(level: int) -> str:
    return f"Opening strategy of level {level}"


def make_level(level: int, *, opening_strategy: str | None = None) -> Level:
    return Level(
        level=level,
        stage=STAGES[level - 1],
        goal=goal_text(level),
        opening_strategy=opening_strategy,
        characteristics={d: f"Level {level} looks like this in {d}" for d in DIMENSION_IDS},
        strategies={d: strategy_text(level, d) for d in DIMENSION_IDS},
    )


def make_readiness_model() -> ReadinessModel:
    """Every level has distinct texts; level 4 has an opening strategy, as in the guide."""
    return ReadinessModel(
        id="readiness_model",
        version=1,
        source="test",
        dimensions=tuple(
            Dimension(id=d, name=DIMENSION_NAMES[d], guiding_questions=(f"About {d}?",))
            for d in DIMENSION_IDS
        ),
        levels=tuple(
            make_level(n, opening_strategy=opening_text(n) if n == 4 else None)
            for n in range(1, 10)
        ),
    )


def make_question(question_id: str, kind: Kind = Kind.TEXT, **fields: Any) -> Question:
    fields.setdefault("prompt", f"Prompt of {question_id}?")
    return Question(id=question_id, kind=kind, **fields)


def yes_no(question_id: str, *, need: bool = False, **fields: Any) -> Question:
    """A checklist item; `need` when it is worded as a need ("Does staff need ...?")."""
    return make_question(
        question_id, Kind.YES_NO, yes_means="need" if need else "in_place", **fields
    )


def make_section(section_id: str, *questions: Question, title: str | None = None) -> Section:
    return Section(id=section_id, title=title or f"Title of {section_id}", questions=questions)


def make_bank(*sections: Section, bank_id: str = "test_bank") -> Bank:
    return Bank(
        id=bank_id,
        version=1,
        title="Test bank",
        description="A bank for tests.",
        minutes=5,
        sections=sections,
    )
