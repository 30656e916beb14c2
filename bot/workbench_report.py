"""The scoring workbench's report: the Calculated Scorecard from the agreed scores, the scorers'
agreement in plain words, the differences flagged for the consensus meeting, and comments."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from bot.i18n import N_, Translator
from bot.reports.scored import FOCUS, ICC_BANDS, meaning
from bot.scorecard_report import scorecard_json, scorecard_text, two_decimals
from bot.services.workbench import Workbook
from questions.loader import Library
from scoring.agreement import agreement, side_by_side
from scoring.readiness import format_score

PREASSESSMENT = "preassessment"


def _share(value: Fraction | None) -> float | None:
    return None if value is None else two_decimals(value)


def workbench_json(book: Workbook, library: Library, tr: Translator) -> dict[str, Any]:
    """`score --json`'s shape, plus the interviews, scorers, agreement and flagged rows."""
    found = agreement(book.submitted)
    table = side_by_side(book.submitted, book.labels)
    with_decision = book.campaign.flow == PREASSESSMENT
    return {
        "for": "preassessment" if with_decision else "full-assessment",
        "campaign": book.campaign.id,
        "finalised": book.final,
        **scorecard_json(book.calculated(), library.model, with_decision=with_decision, tr=tr),
        "interviews": list(book.labels),
        "scorers": [{"name": s.name, "handed_in": len(book.handed_in(s))} for s in book.scorers],
        "agreement": {
            "pairs": found.pairs,
            "exact": _share(found.exact),
            "within_half": _share(found.within_half),
            "flagged": _share(found.flagged),
            "kappa": _share(found.kappa),
            "kappa_band": None if found.kappa_band is None else str(found.kappa_band),
            "icc": _share(found.icc),
            "icc_band": None if found.icc_band is None else str(found.icc_band),
            "icc_pairs": found.icc_pairs,
            "meaning": meaning(found, tr),
        },
        "flagged": [
            {
                "interview": row.interview,
                "dimension": row.dimension,
                "scores": {
                    name: None if score is None else float(score)
                    for name, score in zip(table.scorers, row.scores, strict=True)
                },
                "spread": float(row.spread),
            }
            for row in table.flagged
        ],
        "unagreed": book.unagreed(),
        "focus": book.campaign.focus,
        "comments": [
            {"role": c.role, "author": c.author if c.role == "reviewer" else "", "body": c.body}
            | ({"dimension": c.dimension} if c.dimension else {})
            for c in book.comments
        ],
    }


def workbench_text(book: Workbook, library: Library, tr: Translator) -> str:
    _ = tr.gettext
    found = agreement(book.submitted)
    table = side_by_side(book.submitted, book.labels)
    lines = [
        tr.format(N_("Interviews: {labels}"), labels=", ".join(book.labels) or "-"),
        tr.format(
            N_("Scorers: {names}"),
            names=", ".join(
                f"{s.name} ({len(book.handed_in(s))}/{len(book.interviews)})" for s in book.scorers
            )
            or "-",
        ),
    ]
    if found.exact is not None and found.within_half is not None:
        lines.append(
            tr.format(
                N_("Identical scores: {exact}; within half a level: {within}."),
                exact=tr.number(found.exact * 100, decimals=0) + "%",
                within=tr.number(found.within_half * 100, decimals=0) + "%",
            )
        )
    if found.kappa is not None:
        lines.append(tr.format(N_("Weighted kappa: {kappa}."), kappa=tr.number(found.kappa)))
    if found.icc is not None and found.icc_band is not None:
        lines.append(
            tr.format(
                N_("Intraclass correlation (ICC 2,1): {icc}, {band}."),
                icc=tr.number(found.icc),
                band=_(ICC_BANDS[found.icc_band]),
            )
        )
    lines.append(meaning(found, tr))
    if table.flagged:
        lines += ["", _(N_("Differences of 1 level or more, for the consensus meeting:"))]
        for row in table.flagged:
            scores = ", ".join(
                f"{name} {'-' if score is None else format_score(score)}"
                for name, score in zip(table.scorers, row.scores, strict=True)
            )
            lines.append(f"  {row.interview} {row.dimension}: {scores}")
    missing = book.unagreed()
    lines.append("")
    if missing:
        lines.append(
            tr.format(N_("Agreed scores still missing or unconfirmed: {count}."), count=missing)
        )
    if book.campaign.focus:
        lines.append(
            tr.format(N_("Efforts centre on: {focus}."), focus=_(FOCUS[book.campaign.focus]))
        )
    for comment in book.comments:
        who = comment.author if comment.role == "reviewer" else _(N_("coordinator"))
        where = f" ({comment.dimension})" if comment.dimension else ""
        lines.append(f"{who}{where}: {comment.body}")
    lines.append(_(N_("Final.")) if book.final else _(N_("Not final yet.")))
    with_decision = book.campaign.flow == PREASSESSMENT
    lines += ["", scorecard_text(book.calculated(), library.model, tr, with_decision=with_decision)]
    return "\n".join(lines)
