"""What a finished interview tells its respondent: suggested levels, or gaps and the action plan."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.flows.values import DONT_KNOW
from bot.i18n import N_, Translator
from bot.render import YES_NO_LABELS, stage_label
from questions.schema import Bank, Kind, ReadinessModel
from scoring import (
    AreaTally,
    Assessment,
    Gap,
    assess,
    gaps,
    scores_from_ratings,
    tally,
)
from scoring.readiness import combine_respondents

ACTION_PLAN_SECTION = "action_plan"
PROCEED = N_(
    "Suggested decision: proceed with the full community readiness assessment (level 4 or above)."
)
WAIT = N_(
    "Suggested decision: wait. Carry out the strategies for levels 1 to 3 first, "
    "then repeat the preassessment."
)
SELF_RATED_NOTE = N_(
    "Self-rated levels tend to run higher than levels scored from interviews, "
    "so this is a suggested baseline for the interviewers to confirm."
)


def ratings_of(bank: Bank, answers: Mapping[str, object]) -> dict[str, int | None]:
    """A respondent's anchored level per dimension; None where they said 'I don't know'."""
    ratings: dict[str, int | None] = {}
    for question in bank.questions:
        if question.kind is Kind.LEVEL and question.dimension and question.id in answers:
            value = answers[question.id]
            ratings[question.dimension] = (
                None if value in (DONT_KNOW, None) else int(value)  # type: ignore[call-overload]
            )
    return ratings


def assessment_of(bank: Bank, answer_sets: Iterable[Mapping[str, object]]) -> Assessment:
    """Appendix E over the anchored self-ratings of one or many respondents."""
    return assess(
        combine_respondents(scores_from_ratings(ratings_of(bank, a)) for a in answer_sets)
    )


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


def format_assessment(tr: Translator, model: ReadinessModel, assessment: Assessment) -> list[str]:
    """Plain-text lines: level per dimension, the suggested baseline and the decision."""
    lines = [tr.gettext(N_("Your suggested level for each dimension:"))]
    for dimension in model.dimensions:
        result = assessment.dimensions.get(dimension.id)
        shown = (
            stage_label(tr, model, result.level)
            if result
            else tr.gettext(N_("not rated (you answered 'I don't know')"))
        )
        lines.append(f"{dimension.id}. {tr.gettext(dimension.name)}: {shown}")
    overall = assessment.overall
    if overall is None:
        lines.append(tr.gettext(N_("An overall level needs a rating for all seven dimensions.")))
    else:
        lines.append(
            tr.gettext(N_("Suggested baseline: {score} → {level}")).format(
                score=tr.number(overall.score), level=stage_label(tr, model, overall.level)
            )
        )
        lines.append(tr.gettext(PROCEED if overall.level >= 4 else WAIT))
    lines.append(tr.gettext(SELF_RATED_NOTE))
    return lines


def format_checklist(tr: Translator, result: ChecklistResult) -> list[str]:
    lines = [tr.gettext(N_("Your answers per area (yes / partly / no / not sure):"))]
    for area in result.areas:
        lines.append(
            f"{tr.gettext(area.title)}: {area.yes} / {area.partly} / {area.no} / {area.not_sure}"
        )
    if result.gaps:
        lines.append("")
        lines.append(
            tr.ngettext(
                "{count} item to work on:", "{count} items to work on:", len(result.gaps)
            ).format(count=len(result.gaps))
        )
        for gap in result.gaps:
            answer = tr.gettext(YES_NO_LABELS[str(gap.answer)])
            lines.append(f"- {tr.gettext(gap.prompt)} ({answer})")
    else:
        lines.append(tr.gettext(N_("No gaps: every item was answered Yes.")))
    if result.plan:
        lines.append("")
        lines.append(tr.gettext(N_("Your action plan:")))
        for prompt, answer in result.plan:
            lines.append(f"{tr.gettext(prompt)}\n  {answer}")
    return lines
