"""The guide's Calculated Scorecard, as text and as JSON, from a scored Assessment."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from bot.i18n import DEFAULT_LOCALE, N_, Translator, translator
from questions.schema import ReadinessModel
from scoring import Assessment, Decision, below_proceed, priorities


def two_decimals(value: Fraction) -> float:
    """Cut (never round) to two decimals, as the guide shows 29.5 / 7 as 4.21."""
    return int(value * 100) / 100


def scorecard_json(
    assessment: Assessment,
    model: ReadinessModel,
    *,
    with_decision: bool = True,
    tr: Translator | None = None,
) -> dict[str, Any]:
    """The Calculated Scorecard as JSON. A full assessment's scorecard carries no decision:
    the proceed/wait reading of Appendix C is for the preassessment only. Ids and numbers are
    the same in every language; names, stages, goals and strategies are in `tr`'s (English
    without one)."""
    _ = (tr or translator(DEFAULT_LOCALE)).gettext
    dimensions = [
        {
            "id": result.dimension,
            "name": _(model.dimension(result.dimension).name),
            "total": float(result.total),
            "respondents": result.respondents,
            "score": two_decimals(result.score),
            "level": result.level,
            "stage": _(model.level(result.level).stage),
        }
        for result in assessment.dimensions.values()
    ]
    overall = assessment.overall
    return {
        "dimensions": dimensions,
        "overall": None
        if overall is None
        else {
            "score": two_decimals(overall.score),
            "level": overall.level,
            "stage": _(model.level(overall.level).stage),
        },
        **(
            {
                "decision": None if assessment.decision is None else str(assessment.decision),
                "dimensions_below_4": below_proceed(assessment.dimensions),
            }
            if with_decision
            else {}
        ),
        "priorities": [
            {
                "dimension": p.dimension,
                "level": p.level,
                "goal": _(p.goal),
                "strategy": _(p.strategy),
                **({"opening_strategy": _(p.opening_strategy)} if p.opening_strategy else {}),
            }
            for p in priorities(assessment.dimensions, model)
        ],
    }


DECISIONS = {
    Decision.PROCEED: N_("Decision: proceed with the full community readiness assessment."),
    Decision.WAIT: N_(
        "Decision: wait. Carry out the level 1-3 strategies of Appendix F across the "
        "community, then repeat the preassessment."
    ),
}


def scorecard_text(
    assessment: Assessment, model: ReadinessModel, tr: Translator, *, with_decision: bool = True
) -> str:
    _ = tr.gettext
    rows = [_(N_("Calculated scorecard")), ""]
    header = (
        _(N_("Dimension")),
        _(N_("Total")),
        _(N_("Respondents")),
        _(N_("Score")),
        _(N_("Level")),
        _(N_("Stage")),
    )
    table = [header]
    for result in assessment.dimensions.values():
        dimension = model.dimension(result.dimension)
        table.append(
            (
                f"{dimension.id}. {_(dimension.name)}",
                tr.number(result.total, decimals=1),
                str(result.respondents),
                tr.number(result.score),
                str(result.level),
                _(model.level(result.level).stage),
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:-1], widths[1:-1], strict=True)
        ]
        rows.append("  ".join([*cells, row[-1]]).rstrip())
    rows.append("")
    overall = assessment.overall
    if overall is None:
        rows.append(_(N_("Overall: needs a score for all seven dimensions.")))
    else:
        total = sum((r.score for r in assessment.dimensions.values()), Fraction(0))
        rows.append(
            tr.format(
                N_("Overall: {total} / 7 = {score}, level {level} ({stage})"),
                total=tr.number(total),
                score=tr.number(overall.score),
                level=overall.level,
                stage=_(model.level(overall.level).stage),
            )
        )
    if with_decision and assessment.decision is not None:
        rows.append(_(DECISIONS[assessment.decision]))
        below = below_proceed(assessment.dimensions)
        rows.append(
            tr.fill(
                tr.ngettext(
                    "{count} of the seven dimensions is at levels 1-3.",
                    "{count} of the seven dimensions are at levels 1-3.",
                    below,
                ),
                count=below,
            )
        )
    rows.append("")
    rows.append(_(N_("Priorities, lowest dimension first:")))
    for number, p in enumerate(priorities(assessment.dimensions, model), start=1):
        dimension = model.dimension(p.dimension)
        rows.append(
            f"{number}. {dimension.id}. {_(dimension.name)}: "
            + tr.format(
                N_("level {level} ({stage})"), level=p.level, stage=_(model.level(p.level).stage)
            )
        )
        rows.append("   " + tr.format(N_("Goal: {goal}"), goal=_(p.goal)))
        if p.opening_strategy:
            rows.append("   " + tr.format(N_("First: {strategy}"), strategy=_(p.opening_strategy)))
        rows.append("   " + tr.format(N_("Strategy: {strategy}"), strategy=_(p.strategy)))
    return "\n".join(rows)
