"""What a finished interview tells its respondent: suggested levels, or gaps and the action plan."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from bot.flows.values import level_of_answer
from bot.i18n import N_, Translator
from bot.render import YES_NO_LABELS, level_label, stage_label
from questions.schema import Bank, Kind, ReadinessModel
from scoring import (
    AreaTally,
    Assessment,
    Gap,
    assess,
    gaps,
    tally,
)

ACTION_PLAN_SECTION = "action_plan"
NEXT_STEPS = N_(
    "What happens next: the task force puts everyone's answers together, interviewers check "
    "the levels against what respondents described, and the team decides together on the "
    "next steps."
)
SELF_RATED_NOTE = N_(
    "Self-rated levels tend to run higher than levels scored from interviews, "
    "so this is a suggested baseline for the interviewers to confirm."
)


def _rated(bank: Bank) -> list[tuple[str, str]]:
    """(dimension, question id) of the bank's self-rating questions."""
    return [
        (question.dimension, question.id)
        for question in bank.questions
        if question.kind is Kind.LEVEL and question.dimension
    ]


def _ratings(
    rated: list[tuple[str, str]], answers: Mapping[str, object]
) -> dict[str, Fraction | None]:
    return {
        dimension: level_of_answer(answers[qid])  # type: ignore[arg-type]
        for dimension, qid in rated
        if qid in answers
    }


def ratings_of(bank: Bank, answers: Mapping[str, object]) -> dict[str, Fraction | None]:
    """A respondent's own level per dimension (1 to 9 in half steps); None for 'I don't know'."""
    return _ratings(_rated(bank), answers)


def assessment_of(bank: Bank, answer_sets: Iterable[Mapping[str, object]]) -> Assessment:
    """Appendix E over the anchored self-ratings of one or many respondents.

    The scorecard is built a dimension at a time (every respondent's rating of it, None for
    "I don't know" or no answer), the same one `combine_respondents` builds a respondent at a
    time: a campaign may have thousands, and a column is one list pass. `assess` checks each
    score. tests/unit/test_results.py holds the two ways equal."""
    answers = list(answer_sets)
    scorecard: dict[str, list[Fraction | None]] = {
        dimension: [level_of_answer(a.get(qid)) for a in answers]  # type: ignore[arg-type]
        for dimension, qid in _rated(bank)
    }
    return assess(scorecard)


def respondent_assessment(bank: Bank, answers: Mapping[str, object]) -> Assessment:
    return assessment_of(bank, [answers])


@dataclass(frozen=True)
class ChecklistResult:
    areas: list[AreaTally]
    gaps: list[Gap]
    plan: list[tuple[str, str]]


def checklist_result(bank: Bank, answers: Mapping[str, object]) -> ChecklistResult:
    plan_section = next((s for s in bank.sections if s.id == ACTION_PLAN_SECTION), None)
    plan = []
    if plan_section is not None:
        for question in plan_section.questions:
            value = answers.get(question.id)
            if isinstance(value, str) and value:
                plan.append((question.prompt, value))
    return ChecklistResult(areas=tally(bank, answers), gaps=gaps(bank, answers), plan=plan)


def own_result(
    tr: Translator,
    model: ReadinessModel,
    assessment: Assessment | None,
    checklist: ChecklistResult | None,
) -> list[str]:
    """What a respondent is shown of her own submission: her ratings, or her checklist."""
    if assessment is not None:
        return format_assessment(tr, model, assessment)
    assert checklist is not None, "a result is of an assessment or of a checklist"
    return format_checklist(tr, checklist)


def format_assessment(tr: Translator, model: ReadinessModel, assessment: Assessment) -> list[str]:
    """A respondent's own view, dimension by dimension, and what happens next.

    Never a wait or proceed: the decision belongs to the task force, over every respondent
    (Appendix C, "Analyzing Responses"), not to one person's self-rating.
    """
    lines = [tr.gettext(N_("How you rated your community:"))]
    for dimension in model.dimensions:
        result = assessment.dimensions.get(dimension.id)
        shown = (
            own_level(tr, model, result.score)
            if result
            else tr.gettext(N_("you answered “I don't know”"))
        )
        lines.append(f"{dimension.id}. {tr.gettext(dimension.name)}: {shown}")
    overall = assessment.overall
    if overall is None:
        lines.append(tr.gettext(N_("An overall figure needs a rating for all seven dimensions.")))
    else:
        lines.append(
            tr.format(
                N_("Your overall view: {score} ({level})"),
                score=tr.number(overall.score),
                level=stage_label(tr, model, overall.level),
            )
        )
    lines += [tr.gettext(SELF_RATED_NOTE), tr.gettext(NEXT_STEPS)]
    return lines


def own_level(tr: Translator, model: ReadinessModel, score: Fraction) -> str:
    """'Level 3.5 · Vague Awareness': the level as rated, with the stage it falls in."""
    stage = tr.gettext(model.level(math.floor(score)).stage)
    return f"{level_label(tr, score)} · {stage}"


def format_checklist(tr: Translator, result: ChecklistResult) -> list[str]:
    lines = [tr.gettext(N_("Your answers per area (in place / partly / gap / not sure):"))]
    for area in result.areas:
        counts = f"{area.in_place} / {area.partly} / {area.gap} / {area.not_sure}"
        lines.append(f"{tr.gettext(area.title)}: {counts}")
    if result.gaps:
        lines.append("")
        lines.append(
            tr.fill(
                tr.ngettext(
                    "{count} item to work on:", "{count} items to work on:", len(result.gaps)
                ),
                count=len(result.gaps),
            )
        )
        for gap in result.gaps:
            answer = tr.gettext(YES_NO_LABELS[str(gap.answer)])
            lines.append(f"- {tr.gettext(gap.prompt)} ({answer})")
    else:
        lines.append(tr.gettext(N_("No gaps: everything asked is in place.")))
    if result.plan:
        lines.append("")
        lines.append(tr.gettext(N_("Your action plan:")))
        for prompt, answer in result.plan:
            lines.append(f"{tr.gettext(prompt)}\n  {answer}")
    return lines
