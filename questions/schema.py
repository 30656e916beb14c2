"""Pydantic models for the question banks and the readiness model (the YAML files beside this)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

DimensionId = Literal["A", "B", "C", "D", "E", "F", "G"]
DIMENSION_IDS: tuple[DimensionId, ...] = ("A", "B", "C", "D", "E", "F", "G")
LEVELS: tuple[int, ...] = tuple(range(1, 10))

# Ids travel inside Telegram callback data (64 bytes at most), so they are kept short.
QuestionId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=24)]
OptionId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=16)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Kind(StrEnum):
    TEXT = "text"
    SCALE = "scale"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    YES_NO = "yes_no"
    LEVEL = "level"
    INFO = "info"


class Option(Strict):
    id: OptionId
    label: Text


class ScaleLabels(Strict):
    low: Text
    high: Text


class Condition(Strict):
    """Ask a question only when an earlier answer is one of these (checklist skip logic)."""

    question: QuestionId
    answer_in: tuple[OptionId, ...] = Field(min_length=1)


ConductedBy = Literal["respondent", "interviewer"]
"""Who goes through a bank: the respondent herself, or an interviewer who reads it out."""

YesMeans = Literal["in_place", "need"]
"""What a yes says on a checklist item: something in place, or something needed (a gap)."""


class Question(Strict):
    id: QuestionId
    kind: Kind
    prompt: Text
    probe: Text | None = None
    hint: Text | None = None
    optional: bool = False
    dimension: DimensionId | None = None
    options: tuple[Option, ...] = ()
    scale: ScaleLabels | None = None
    explains: QuestionId | None = None
    """For a text question that asks the respondent to explain an earlier rating."""
    yes_means: YesMeans | None = None
    """For a yes/no item: whether a yes means in place, or a need ("Does staff need ...?")."""
    partly: bool = True
    """For a yes/no item: whether "partly" is an answer (not for a fact such as "Is there a
    local task force?")."""
    when: Condition | None = None
    """Asked only when this condition holds; otherwise the question does not apply."""
    content_note: Text | None = None
    """For an info message that may be hard to read (the legal definition): said first, and
    the message is shown only if she chooses to read it. Other info messages need no tap."""

    @model_validator(mode="after")
    def _kind_specific_fields(self) -> Question:
        has_options = self.kind in (Kind.CHOICE, Kind.MULTI_CHOICE)
        if has_options and len(self.options) < 2:
            raise ValueError(f"a {self.kind} question needs at least two options")
        if not has_options and self.options:
            raise ValueError(f"a {self.kind} question takes no options")
        if self.kind is Kind.LEVEL and self.dimension is None:
            raise ValueError("a level question needs a dimension")
        if self.kind is Kind.SCALE and self.scale is None:
            raise ValueError("a scale question needs scale labels (low, high)")
        if self.kind is not Kind.SCALE and self.scale is not None:
            raise ValueError(f"a {self.kind} question takes no scale labels")
        if self.explains is not None and self.kind is not Kind.TEXT:
            raise ValueError("only a text question can explain another answer")
        if self.kind is Kind.YES_NO and self.yes_means is None:
            raise ValueError("a yes_no item says what a yes means (yes_means: in_place or need)")
        if self.kind is not Kind.YES_NO and (self.yes_means is not None or not self.partly):
            raise ValueError("yes_means and partly apply to yes_no questions only")
        if self.kind is Kind.INFO and self.optional:
            raise ValueError("an info message cannot be optional")
        if self.kind is not Kind.INFO and self.content_note is not None:
            raise ValueError("only an info message takes a content note")
        option_ids = [option.id for option in self.options]
        duplicates = sorted({i for i in option_ids if option_ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate option id(s): {', '.join(duplicates)}")
        return self

    @property
    def answerable(self) -> bool:
        return self.kind is not Kind.INFO

    @property
    def flows_on(self) -> bool:
        """An info message without a content note goes out with what follows it: reading it
        takes no tap."""
        return self.kind is Kind.INFO and self.content_note is None

    def applies(self, answers: Mapping[str, object]) -> bool:
        """Whether the question is asked, given the answers so far."""
        return self.when is None or answers.get(self.when.question) in self.when.answer_in


class Section(Strict):
    id: QuestionId
    title: Text
    dimension: DimensionId | None = None
    questions: tuple[Question, ...] = Field(min_length=1)


class Bank(Strict):
    id: QuestionId
    version: int = Field(ge=1)
    title: Text
    description: Text
    minutes: int = Field(ge=1)
    """How long it takes, said before she agrees: measured through the fake Bot API by
    tests/e2e/test_length.py for a respondent reading and typing at an everyday pace."""
    sections: tuple[Section, ...] = Field(min_length=1)
    conducted_by: ConductedBy = "respondent"
    """Who goes through it: "interviewer" for a bank an interviewer reads out and notes (the
    full assessment, Appendix D), never offered through a respondent link."""

    @property
    def for_respondents(self) -> bool:
        """Whether a respondent may be offered this bank (a campaign's flow, a try-out)."""
        return self.conducted_by == "respondent"

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for section in self.sections for q in section.questions)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {q.id: i for i, q in enumerate(self.questions)}

    @cached_property
    def _sections(self) -> dict[str, Section]:
        return {q.id: section for section in self.sections for q in section.questions}

    def has(self, question_id: str) -> bool:
        return question_id in self._positions

    def position(self, question_id: str) -> int:
        """Where a question stands in the bank; KeyError for an id the bank does not have."""
        return self._positions[question_id]

    def question(self, question_id: str) -> Question:
        return self.questions[self._positions[question_id]]

    def section_of(self, question_id: str) -> Section:
        return self._sections[question_id]


class Dimension(Strict):
    id: DimensionId
    name: Text
    guiding_questions: tuple[Text, ...] = Field(min_length=1)
    aliases: tuple[Text, ...] = ()
    """Other names the guide itself uses for the dimension (Appendix B and F tables)."""


class Level(Strict):
    level: int = Field(ge=1, le=9)
    stage: Text
    goal: Text
    opening_strategy: Text | None = None
    """A strategy the guide gives for the whole level before the per-dimension ones (level 4)."""
    characteristics: dict[DimensionId, Text]
    strategies: dict[DimensionId, Text]

    @model_validator(mode="after")
    def _every_dimension(self) -> Level:
        for field in ("characteristics", "strategies"):
            missing = [d for d in DIMENSION_IDS if d not in getattr(self, field)]
            if missing:
                raise ValueError(f"{field} missing for dimension(s) {', '.join(missing)}")
        return self


class ReadinessModel(Strict):
    id: Literal["readiness_model"]
    version: int = Field(ge=1)
    source: Text
    dimensions: tuple[Dimension, ...]
    levels: tuple[Level, ...]

    @model_validator(mode="after")
    def _complete(self) -> ReadinessModel:
        if tuple(d.id for d in self.dimensions) != DIMENSION_IDS:
            raise ValueError("dimensions must be A to G, once each, in order")
        if tuple(lv.level for lv in self.levels) != LEVELS:
            raise ValueError("levels must be 1 to 9, once each, in order")
        return self

    def dimension(self, dimension_id: str) -> Dimension:
        return self.dimensions[DIMENSION_IDS.index(dimension_id)]  # type: ignore[arg-type]

    def level(self, level: int) -> Level:
        return self.levels[level - 1]
