"""The coordinator's capacity checklist report: answers per area, common gaps, the action plans."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.i18n import DEFAULT_LOCALE, N_, Translator, translator
from bot.render import STANDING_LABELS
from bot.reports.preassessment import campaign_json
from bot.results import ACTION_PLAN_SECTION
from bot.storage.records import Campaign, StoredResponse
from questions.loader import Library
from questions.schema import Bank, Question
from scoring import AreaTally, common_gaps, tally_many

CAPACITY = "capacity_checklist"
TOP_GAPS = 10


@dataclass(frozen=True)
class CapacityReport:
    campaign: Campaign
    organisations: int
    areas: list[AreaTally]
    common_gaps: list[tuple[Question, int]]
    """Checklist items that are a gap for at least one organisation, most organisations first."""
    plans: list[list[tuple[str, str]]]
    """Each organisation's action plan as (prompt, redacted text); organisations without one left
    out."""


def build_capacity_report(
    campaign: Campaign, responses: Sequence[StoredResponse], library: Library
) -> CapacityReport:
    bank = library.bank(CAPACITY)
    answers = [r.answers for r in responses if r.bank == bank.id]
    plans = [plan for a in answers if (plan := _plan(bank, a))]
    return CapacityReport(
        campaign=campaign,
        organisations=len(answers),
        areas=tally_many(bank, answers),
        common_gaps=common_gaps(bank, answers),
        plans=plans,
    )


def _plan(bank: Bank, answers: Mapping[str, object]) -> list[tuple[str, str]]:
    section = next((s for s in bank.sections if s.id == ACTION_PLAN_SECTION), None)
    if section is None:
        return []
    return [
        (q.prompt, text)
        for q in section.questions
        if isinstance(text := answers.get(q.id), str) and text.strip()
    ]


def capacity_json(
    report: CapacityReport, library: Library, tr: Translator | None = None
) -> dict[str, Any]:
    """Ids and counts the same in every language; titles and prompts in `tr`'s (English
    without one)."""
    _ = (tr or translator(DEFAULT_LOCALE)).gettext
    return {
        "campaign": campaign_json(report.campaign),
        "respondents": report.organisations,
        "areas": [
            {
                "id": a.section_id,
                "title": _(a.title),
                "in_place": a.in_place,
                "partly": a.partly,
                "gap": a.gap,
                "not_sure": a.not_sure,
                "unanswered": a.unanswered,
            }
            for a in report.areas
        ],
        "common_gaps": [
            {"question": q.id, "prompt": _(q.prompt), "organisations": n}
            for q, n in report.common_gaps
        ],
        "plans": [[{"prompt": _(p), "text": t} for p, t in plan] for plan in report.plans],
    }


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _heading(tr: Translator, msgid: str, **params: object) -> str:
    # The msgid is passed in, never written inside an f-string, where pybabel cannot see it.
    return f"<b>{_e(tr.format(msgid, **params))}</b>"


def capacity_text(report: CapacityReport, library: Library, tr: Translator) -> str:
    """Telegram HTML; action plans are free text and can be long, so a caller may split it."""
    title = tr.format(N_("Capacity checklist report: {name}"), name=report.campaign.name)
    lines = [f"<b>{_e(title)}</b>"]
    if report.organisations == 0:
        lines.append(_e(tr.gettext(N_("No checklists completed yet."))))
        return "\n".join(lines)
    lines.append(
        _e(
            tr.fill(
                tr.ngettext(
                    "{count} organisation answered.",
                    "{count} organisations answered.",
                    report.organisations,
                ),
                count=report.organisations,
            )
        )
    )
    lines += [
        "",
        _heading(tr, N_("Answers per area")),
    ]
    for area in report.areas:
        counts = " · ".join(
            tr.format(
                N_("{answer} {count}"), answer=tr.gettext(label), count=getattr(area, standing)
            )
            for standing, label in STANDING_LABELS.items()
        )
        # Area titles are whole sentences, so the counts go on a line of their own.
        lines += [f"<i>{_e(tr.gettext(area.title))}</i>", _e(counts)]
    lines.append("")
    if report.common_gaps:
        lines.append(_heading(tr, N_("The most common gaps:")))
        for question, count in report.common_gaps[:TOP_GAPS]:
            many = tr.fill(
                tr.ngettext("{count} organisation", "{count} organisations", count), count=count
            )
            lines.append(f"• {_e(tr.gettext(question.prompt))} <i>({_e(many)})</i>")
    else:
        lines.append(_e(tr.gettext(N_("No gaps in the answered items."))))
    if report.plans:
        lines += [
            "",
            "<b>"
            + _e(
                tr.fill(
                    tr.ngettext(
                        "{count} action plan submitted:",
                        "{count} action plans submitted:",
                        len(report.plans),
                    ),
                    count=len(report.plans),
                )
            )
            + "</b>",
        ]
        for number, plan in enumerate(report.plans, start=1):
            lines.append("")
            lines.append(_heading(tr, N_("Action plan {number}"), number=number))
            for prompt, text in plan:
                lines.append(f"<i>{_e(tr.gettext(prompt))}</i>")
                lines.append(_e(text))
    return "\n".join(lines)
