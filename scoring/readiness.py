"""Readiness scores, levels, priorities and the preassessment decision (the guide's Appendix E).

Exact arithmetic throughout, so flooring an average to a level never suffers float error."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from questions.schema import DIMENSION_IDS, ReadinessModel

HALF = Fraction(1, 2)
LOWEST = Fraction(1)
HIGHEST = Fraction(9)
PROCEED_FROM_LEVEL = 4

# Only plain decimals, as people write levels (4.5, or 4,5 in many languages): Fraction()
# alone would also take "1e1" or "3/2".
_PLAIN_DECIMAL = re.compile(r"[0-9]+(?:[.,][0-9]+)?")


class ScoreError(ValueError):
    """A value that is not a readiness level (1 to 9 in steps of 0.5)."""


class Decision(StrEnum):
    PROCEED = "proceed"
    WAIT = "wait"


class CommunityType(StrEnum):
    RURAL = "rural"
    SUBURBAN = "suburban"
    URBAN = "urban"


# Guide Step 2: how many key respondents to interview, by community type.
RECOMMENDED: dict[CommunityType, tuple[int, int]] = {
    CommunityType.RURAL: (6, 8),
    CommunityType.SUBURBAN: (9, 12),
    CommunityType.URBAN: (9, 12),
}


@dataclass(frozen=True)
class DimensionResult:
    dimension: str
    total: Fraction
    respondents: int
    score: Fraction
    level: int


@dataclass(frozen=True)
class OverallResult:
    score: Fraction
    level: int


@dataclass(frozen=True)
class Assessment:
    dimensions: dict[str, DimensionResult]
    overall: OverallResult | None
    decision: Decision | None


@dataclass(frozen=True)
class Priority:
    dimension: str
    score: Fraction
    level: int
    goal: str
    strategy: str
    opening_strategy: str | None


@dataclass(frozen=True)
class Spread:
    lowest: tuple[str, ...]
    highest: tuple[str, ...]
    range: Fraction
    even: bool


def format_score(value: Fraction) -> str:
    """Show a score the way the guide writes it: 4.5, 4.0, or a fraction if it has no decimal."""
    if (value * 2).denominator != 1:
        return str(value)
    sign, size = ("-" if value < 0 else ""), abs(value)
    return f"{sign}{math.floor(size)}.{5 if size.denominator == 2 else 0}"


def _not_a_level(shown: str) -> ScoreError:
    return ScoreError(f"{shown} is not a level (1 to 9 in steps of 0.5)")


def parse_score(text: str) -> Fraction:
    stripped = text.strip()
    if not _PLAIN_DECIMAL.fullmatch(stripped):
        raise _not_a_level(stripped or "''")
    value = Fraction(stripped.replace(",", "."))
    if not _is_level_step(value):
        raise _not_a_level(stripped)
    return value


def _is_level_step(value: Fraction) -> bool:
    return LOWEST <= value <= HIGHEST and (value * 2).denominator == 1


LEVEL_STEPS: tuple[Fraction, ...] = tuple(Fraction(halves, 2) for halves in range(2, 19))
"""Every valid score, 1 to 9 in half steps, as shared objects: see `check_score`."""
_SHARED_STEPS = frozenset(id(step) for step in LEVEL_STEPS)


def check_score(value: Fraction) -> Fraction:
    # A report checks every score of thousands of respondents several times over; one of the
    # shared objects (level_of_answer hands them out) is valid without Fraction arithmetic.
    if id(value) in _SHARED_STEPS:
        return value
    # bool is an int, and a float would bring back the rounding this module exists to avoid.
    if isinstance(value, bool) or not isinstance(value, Fraction | int):
        raise TypeError(f"a score must be a Fraction, not {type(value).__name__}")
    value = Fraction(value)
    if not _is_level_step(value):
        raise _not_a_level(format_score(value))
    return value


def level_of(score: Fraction) -> int:
    if not LOWEST <= score <= HIGHEST:
        raise ValueError(f"score {score} is outside 1 to 9")
    # Appendix E step 8: "round to the lowest whole number"; 4.9 is still level 4.
    return math.floor(score)


def _check_dimension(dimension: str) -> None:
    if dimension not in DIMENSION_IDS:
        raise ValueError(f"unknown dimension {dimension!r} (expected one of A to G)")


def dimension_result(dimension: str, scores: Iterable[Fraction]) -> DimensionResult | None:
    _check_dimension(dimension)
    checked = [check_score(s) for s in scores]
    if not checked:
        return None
    # Every score is a whole or half level: summed as integer halves, exactly, without a
    # Fraction addition per respondent.
    total = Fraction(sum(s.numerator * (2 // s.denominator) for s in checked), 2)
    score = total / len(checked)
    return DimensionResult(dimension, total, len(checked), score, level_of(score))


def overall_result(results: Mapping[str, DimensionResult]) -> OverallResult | None:
    for dimension in results:
        _check_dimension(dimension)
    if any(d not in results for d in DIMENSION_IDS):
        return None
    # Step 9 averages the dimension scores, not their floored levels.
    score = sum((results[d].score for d in DIMENSION_IDS), Fraction(0)) / len(DIMENSION_IDS)
    return OverallResult(score, level_of(score))


def decide(overall_level: int) -> Decision:
    if not 1 <= overall_level <= 9:
        raise ValueError(f"level {overall_level} is outside 1 to 9")
    return Decision.PROCEED if overall_level >= PROCEED_FROM_LEVEL else Decision.WAIT


def thinly_rated(results: Mapping[str, DimensionResult], respondents: int) -> tuple[str, ...]:
    """Dimensions rated by fewer than half of the respondents: their score is provisional.

    "I don't know" is evidence, not silence: when most respondents cannot rate a dimension,
    its score stands on too few answers, and not knowing says something about the community.
    """
    if respondents < 0:
        raise ValueError("the number of respondents cannot be negative")
    rated = {d: r.respondents for d, r in results.items()}
    return tuple(d for d in DIMENSION_IDS if respondents and 2 * rated.get(d, 0) < respondents)


def below_proceed(results: Mapping[str, DimensionResult]) -> int:
    """How many dimensions are at levels 1-3, said beside a decision read from the overall."""
    return sum(1 for r in results.values() if r.level < PROCEED_FROM_LEVEL)


def is_provisional(respondents: int, community_type: CommunityType) -> bool:
    if respondents < 0:
        raise ValueError("the number of respondents cannot be negative")
    return respondents < RECOMMENDED[community_type][0]


def assess(scorecard: Mapping[str, Sequence[Fraction | None]]) -> Assessment:
    for dimension in scorecard:
        _check_dimension(dimension)
    dimensions: dict[str, DimensionResult] = {}
    for dimension in DIMENSION_IDS:
        entries = scorecard.get(dimension, ())
        result = dimension_result(dimension, (s for s in entries if s is not None))
        if result is not None:
            dimensions[dimension] = result
    overall = overall_result(dimensions)
    decision = decide(overall.level) if overall is not None else None
    return Assessment(dimensions, overall, decision)


def scores_from_ratings(ratings: Mapping[str, Fraction | int | None]) -> dict[str, Fraction]:
    """One respondent's self-ratings (1 to 9 in steps of 0.5) as scores; None is left out."""
    for dimension in ratings:
        _check_dimension(dimension)
    scores: dict[str, Fraction] = {}
    for dimension in DIMENSION_IDS:
        rating = ratings.get(dimension)
        if rating is not None:
            scores[dimension] = check_score(rating)  # type: ignore[arg-type]
    return scores


def combine_respondents(
    per_respondent: Iterable[Mapping[str, Fraction]],
) -> dict[str, list[Fraction | None]]:
    scorecard: dict[str, list[Fraction | None]] = {d: [] for d in DIMENSION_IDS}
    for scores in per_respondent:
        for dimension in scores:
            _check_dimension(dimension)
        for dimension in DIMENSION_IDS:
            value = scores.get(dimension)
            scorecard[dimension].append(None if value is None else check_score(value))
    return scorecard


def _in_letter_order(results: Mapping[str, DimensionResult]) -> list[DimensionResult]:
    for dimension in results:
        _check_dimension(dimension)
    return [results[d] for d in DIMENSION_IDS if d in results]


def priorities(results: Mapping[str, DimensionResult], model: ReadinessModel) -> list[Priority]:
    # Step 5: "Prioritize lower scoring dimensions"; a stable sort keeps letter order for ties.
    ordered = sorted(_in_letter_order(results), key=lambda r: r.score)
    return [_priority(result, model) for result in ordered]


def _priority(result: DimensionResult, model: ReadinessModel) -> Priority:
    level = model.level(result.level)
    return Priority(
        dimension=result.dimension,
        score=result.score,
        level=result.level,
        goal=level.goal,
        strategy=level.strategies[result.dimension],  # type: ignore[index]
        opening_strategy=level.opening_strategy,
    )


def spread(results: Mapping[str, DimensionResult]) -> Spread | None:
    ordered = _in_letter_order(results)
    if not ordered:
        return None
    low = min(r.score for r in ordered)
    high = max(r.score for r in ordered)
    levels = [r.level for r in ordered]
    return Spread(
        lowest=tuple(r.dimension for r in ordered if r.score == low),
        highest=tuple(r.dimension for r in ordered if r.score == high),
        range=high - low,
        even=max(levels) - min(levels) <= 1,
    )
