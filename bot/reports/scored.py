"""The scored result for coordinators (Appendix E steps 8-11): the Calculated Scorecard, final or
provisional, the scorers' agreement, comments, focus and the strategies at each dimension's
level; beside it the respondents' self-rated levels, and each round's levels over time.

Pure functions over data already read. The workbook is taken as a Protocol (what the scoring
workbench's `Workbook` offers), so that reports never import a service.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Protocol

from bot.i18n import N_, Translator
from bot.render import stage_label
from bot.reports.preassessment import K_MIN, priority_lines
from bot.reports.scorecards import (
    CALCULATED,
    COMBINED,
    INDEPENDENT,
    ScorecardLayout,
    calculated_scorecard,
    combined_scorecard,
    independent_scorecard,
    scorecard_csv_bytes,
    scorecards_xlsx,
)
from bot.results import SELF_RATED_NOTE
from bot.scorecard_report import DECISIONS
from bot.storage.records import Campaign, ScoreComment, StaffMember
from questions.loader import Library
from questions.schema import DIMENSION_IDS, ReadinessModel
from scoring import Assessment, Priority, priorities
from scoring.agreement import Agreement, IccBand, KappaBand, agreement

PREASSESSMENT = "preassessment"
REVIEWER = "reviewer"
SCORED = "scored"
SUGGESTED = "suggested"

KAPPA_MEANING = {
    KappaBand.POOR: N_(
        "The scorers agree less than chance would: score again from the Appendix B statements."
    ),
    KappaBand.SLIGHT: N_(
        "The scorers hardly agree: compare how each reads the Appendix B statements first."
    ),
    KappaBand.FAIR: N_(
        "The scorers agree only fairly: compare how each reads the Appendix B statements first."
    ),
    KappaBand.MODERATE: N_(
        "The scorers agree moderately: the flagged differences need a close look."
    ),
    KappaBand.SUBSTANTIAL: N_(
        "The scorers agree well: the flagged differences are the ones to discuss."
    ),
    KappaBand.ALMOST_PERFECT: N_("The scorers agree almost perfectly."),
}
ICC_BANDS = {
    IccBand.POOR: N_("poor"),
    IccBand.MODERATE: N_("moderate"),
    IccBand.GOOD: N_("good"),
    IccBand.EXCELLENT: N_("excellent"),
}
SCORED_CAPTION = N_("Scored result of “{name}”: the agreed scores by dimension")
TREND_CAPTION = N_("Readiness over the rounds of re-assessment: “{name}”")
SCORECARDS_CAPTION_CSV = N_("{scorecard} of “{name}”, as CSV (Appendix E).")
SCORECARDS_CAPTION_XLSX = N_(
    "The scorecards of “{name}” in one workbook: each scorer's Independent Scorecard, the "
    "Combined and the Calculated Scorecard, a sheet each."
)
FOCUS = {
    "criminal_justice": N_("criminal justice response"),
    "public_health": N_("public health response"),
    "both": N_("criminal justice and public health responses"),
}


def meaning(found: Agreement, tr: Translator) -> str:
    """One plain sentence on what the agreement figures mean for the consensus meeting."""
    if found.kappa_band is None:
        return tr.gettext(N_("Too few interviews scored by two scorers to measure agreement."))
    return tr.gettext(KAPPA_MEANING[found.kappa_band])


def agreement_sentence(found: Agreement, tr: Translator) -> str:
    """The figures and what they mean, in plain words: one sentence, then the meaning."""
    if found.exact is None or found.within_half is None:
        return meaning(found, tr)
    figures = tr.format(
        N_(
            "Of {pairs} scores given by two scorers, {exact} were identical and {within} "
            "within half a level."
        ),
        pairs=found.pairs,
        exact=tr.number(found.exact * 100, decimals=0) + "%",
        within=tr.number(found.within_half * 100, decimals=0) + "%",
    )
    return f"{figures} {meaning(found, tr)}"


class ScoredBook(Protocol):
    """What the scored result reads of a campaign's scoring workbench."""

    @property
    def campaign(self) -> Campaign: ...
    @property
    def labels(self) -> tuple[str, ...]: ...
    @property
    def scorers(self) -> tuple[StaffMember, ...]: ...
    @property
    def submitted(self) -> Mapping[str, Mapping[tuple[str, str], Fraction]]: ...
    @property
    def comments(self) -> tuple[ScoreComment, ...]: ...
    @property
    def final(self) -> bool: ...
    def combined(self) -> dict[str, list[Fraction | None]]: ...
    def calculated(self) -> Assessment: ...
    def unagreed(self) -> int: ...


@dataclass(frozen=True)
class LevelRow:
    """One dimension (or the overall, `dimension` None): the scored level beside the
    respondents' self-rated one."""

    dimension: str | None
    scored: int | None
    suggested: int | None

    @property
    def difference(self) -> int | None:
        """Scored minus self-rated: negative where the respondents rated themselves higher."""
        if self.scored is None or self.suggested is None:
            return None
        return self.scored - self.suggested


def scored_vs_self(scored: Assessment, suggested: Assessment) -> tuple[LevelRow, ...]:
    """Each dimension A to G, then the overall: scored level, self-rated level, difference."""
    rows = [
        LevelRow(
            dimension,
            _level(scored.dimensions.get(dimension)),
            _level(suggested.dimensions.get(dimension)),
        )
        for dimension in DIMENSION_IDS
    ]
    rows.append(LevelRow(None, _level(scored.overall), _level(suggested.overall)))
    return tuple(rows)


class _Levelled(Protocol):
    @property
    def level(self) -> int: ...


def _level(result: _Levelled | None) -> int | None:
    return None if result is None else result.level


@dataclass(frozen=True)
class ScoredReport:
    campaign: Campaign
    interviews: int
    scorers: tuple[str, ...]
    assessment: Assessment
    """The Calculated Scorecard from the confirmed agreed scores."""
    final: bool
    unagreed: int
    agreement: Agreement
    comments: tuple[ScoreComment, ...]
    priorities: tuple[Priority, ...]
    """The calculated dimensions, lowest score first (guide Step 5), with their level's
    goal and strategy."""
    suggested: Assessment | None = None
    """A preassessment campaign's self-rated levels (the suggested baseline), else None."""
    respondents: int = 0
    """How many respondents the self-rated levels stand on."""

    @property
    def with_decision(self) -> bool:
        return self.campaign.flow == PREASSESSMENT

    @property
    def comparison(self) -> tuple[LevelRow, ...]:
        if self.suggested is None:
            return ()
        return scored_vs_self(self.assessment, self.suggested)


def build_scored_report(
    book: ScoredBook,
    model: ReadinessModel,
    *,
    suggested: Assessment | None = None,
    respondents: int = 0,
) -> ScoredReport:
    assessment = book.calculated()
    # No aggregate of fewer than 3 respondents is shown (DESIGN: privacy): below that, the
    # self-ratings would be one or two people's own answers.
    enough = suggested is not None and suggested.dimensions and respondents >= K_MIN
    shown = suggested if enough else None
    return ScoredReport(
        campaign=book.campaign,
        interviews=len(book.labels),
        scorers=tuple(scorer.name for scorer in book.scorers),
        assessment=assessment,
        final=book.final,
        unagreed=book.unagreed(),
        agreement=agreement(book.submitted),
        comments=book.comments,
        priorities=tuple(priorities(assessment.dimensions, model)),
        suggested=shown,
        respondents=respondents if shown is not None else 0,
    )


# --- Telegram text ------------------------------------------------------------------------------


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _heading(tr: Translator, msgid: str) -> str:
    return f"<b>{_e(tr.gettext(msgid))}</b>"


def _name(model: ReadinessModel, tr: Translator, dimension: str) -> str:
    return f"{dimension}. {tr.gettext(model.dimension(dimension).name)}"


def signed(difference: int) -> str:
    """+1, 0, −2: a difference of levels with its sign always shown (a true minus sign)."""
    if difference > 0:
        return f"+{difference}"
    return f"−{-difference}" if difference < 0 else "0"


def scored_text(report: ScoredReport, library: Library, tr: Translator) -> str:
    """Telegram HTML; long comments and strategies are split by the presenter, not cut."""
    title = tr.format(N_("Scored result: {name}"), name=report.campaign.name)
    lines = [f"<b>{_e(title)}</b>"]
    if not report.interviews:
        lines.append(_e(tr.gettext(N_("This assessment has no interviews that scorers score."))))
        return "\n".join(lines)
    lines.append(
        _e(
            tr.fill(
                tr.ngettext(
                    "{count} interview, scored by {scorers}.",
                    "{count} interviews, scored by {scorers}.",
                    report.interviews,
                ),
                count=report.interviews,
                scorers=", ".join(report.scorers) or "-",
            )
        )
    )
    lines.append(_state(report, tr))
    model = library.model
    lines += ["", *_calculated(report, model, tr)]
    if report.comparison:
        lines += ["", *_comparison(report, model, tr)]
    lines += [
        "",
        _heading(tr, N_("Scorers' agreement")),
        _e(agreement_sentence(report.agreement, tr)),
    ]
    focus = report.campaign.focus
    if focus in FOCUS:
        lines += [
            "",
            _e(tr.format(N_("Efforts centre on: {focus}."), focus=tr.gettext(FOCUS[focus]))),
        ]
    if report.comments:
        lines += ["", _heading(tr, N_("Comments")), *_comment_lines(report, tr)]
    if report.priorities:
        lines += [
            "",
            *priority_lines(report.priorities, library, tr, with_strategy=len(report.priorities)),
        ]
    return "\n".join(lines)


def _state(report: ScoredReport, tr: Translator) -> str:
    if report.final:
        said = tr.gettext(N_("Final: the coordinator finalised these scores."))
    elif report.unagreed:
        said = tr.format(
            N_("Provisional: {count} agreed scores still missing or unconfirmed."),
            count=report.unagreed,
        )
    else:
        said = tr.gettext(
            N_("Provisional: every score is agreed, but the scores are not finalised yet.")
        )
    return f"<i>{_e(said)}</i>"


def _calculated(report: ScoredReport, model: ReadinessModel, tr: Translator) -> list[str]:
    lines = [_heading(tr, N_("Calculated scorecard"))]
    assessment = report.assessment
    for dimension in DIMENSION_IDS:
        name = _name(model, tr, dimension)
        result = assessment.dimensions.get(dimension)
        if result is None:
            line = tr.format(N_("{name}: no agreed scores yet"), name=name)
        else:
            line = tr.format(
                N_("{name}: {total} ÷ {count} = {score} · {level}"),
                name=name,
                total=tr.number(result.total, decimals=1),
                count=result.respondents,
                score=tr.number(result.score),
                level=stage_label(tr, model, result.level),
            )
        lines.append(_e(line))
    overall = assessment.overall
    if overall is None:
        lines.append(_e(tr.gettext(N_("Overall: needs a score for all seven dimensions."))))
        return lines
    total = sum((r.score for r in assessment.dimensions.values()), Fraction(0))
    shown = tr.format(
        N_("Overall: {total} ÷ 7 = {score} · {level}"),
        total=tr.number(total),
        score=tr.number(overall.score),
        level=stage_label(tr, model, overall.level),
    )
    lines.append(f"<b>{_e(shown)}</b>")
    lines.append(
        _e(tr.gettext(N_("Levels are rounded down (Appendix E step 8), never to the nearest.")))
    )
    if report.with_decision and assessment.decision is not None:
        lines.append(_e(tr.gettext(DECISIONS[assessment.decision])))
    return lines


def _comparison(report: ScoredReport, model: ReadinessModel, tr: Translator) -> list[str]:
    lines = [_heading(tr, N_("Scored and self-rated levels"))]
    lines.append(
        _e(
            tr.fill(
                tr.ngettext(
                    "Self-rated by {count} respondent in the preassessment.",
                    "Self-rated by {count} respondents in the preassessment.",
                    report.respondents,
                ),
                count=report.respondents,
            )
        )
    )
    for row in report.comparison:
        name = (
            tr.gettext(N_("Overall")) if row.dimension is None else _name(model, tr, row.dimension)
        )
        scored = "-" if row.scored is None else str(row.scored)
        suggested = "-" if row.suggested is None else str(row.suggested)
        if row.difference is None:
            line = tr.format(
                N_("{name}: scored {scored}, self-rated {suggested}"),
                name=name,
                scored=scored,
                suggested=suggested,
            )
        else:
            line = tr.format(
                N_("{name}: scored {scored}, self-rated {suggested} ({difference})"),
                name=name,
                scored=scored,
                suggested=suggested,
                difference=signed(row.difference),
            )
        lines.append(_e(line))
    lines.append(f"<i>{_e(tr.gettext(SELF_RATED_NOTE))}</i>")
    return lines


def _comment_lines(report: ScoredReport, tr: Translator) -> list[str]:
    lines = []
    for comment in report.comments:
        # A coordinator's comment is stored under her Telegram id: never shown.
        if comment.role == REVIEWER:
            who = tr.format(N_("{name}, reviewer"), name=comment.author)
        else:
            who = tr.gettext(N_("coordinator"))
        where = f" ({comment.dimension})" if comment.dimension else ""
        lines.append(f"<b>{_e(who + where)}:</b> {_e(comment.body)}")
    return lines


# --- files ---------------------------------------------------------------------------------------


def _by_dimension(
    scores: Mapping[tuple[str, str], Fraction], labels: Sequence[str]
) -> dict[str, list[Fraction | None]]:
    return {d: [scores.get((label, d)) for label in labels] for d in DIMENSION_IDS}


def scorecard_layouts(
    book: ScoredBook, model: ReadinessModel, tr: Translator
) -> list[tuple[str, ScorecardLayout]]:
    """(file stem, layout) of each scorer's Independent Scorecard (handed-in interviews only),
    the Combined Scorecard and the Calculated Scorecard, in the guide's order."""
    labels = book.labels
    names = [scorer.name for scorer in book.scorers]
    found: list[tuple[str, ScorecardLayout]] = []
    taken: set[str] = set()
    for number, name in enumerate(names, start=1):
        stem = _file_part(name) or str(number)
        if stem in taken:
            stem = f"{stem}-{number}"
        taken.add(stem)
        scores = _by_dimension(book.submitted.get(name, {}), labels)
        found.append(
            (f"independent-{stem}", independent_scorecard(scores, labels, model, tr, scorer=name))
        )
    day = _day(book.campaign.finalised_at)
    found.append(
        (
            "combined",
            combined_scorecard(
                book.combined(), labels, model, tr, scorers=", ".join(names), day=day
            ),
        )
    )
    found.append(("calculated", calculated_scorecard(book.calculated(), model, tr)))
    return found


FILE_TITLES = {"independent": INDEPENDENT, "combined": COMBINED, "calculated": CALCULATED}


def file_title(filename: str) -> str | None:
    """Which scorecard a file of `scorecard_files` holds (its title's message id)."""
    stem = filename.rsplit(".", 1)[0]
    for part, title in FILE_TITLES.items():
        if stem.endswith(f"-{part}") or f"-{part}-" in stem:
            return title
    return None


def scorecard_files(
    book: ScoredBook, model: ReadinessModel, tr: Translator
) -> tuple[tuple[str, bytes], ...]:
    """One CSV per scorecard, then one XLSX workbook holding them all, as (filename, bytes)."""
    stem = f"scorecards-{book.campaign.id}"
    layouts = scorecard_layouts(book, model, tr)
    files = [(f"{stem}-{part}.csv", scorecard_csv_bytes(layout)) for part, layout in layouts]
    files.append((f"{stem}.xlsx", scorecards_xlsx([layout for _, layout in layouts])))
    return tuple(files)


def _file_part(name: str) -> str:
    """A scorer's name as a safe piece of a file name: letters, digits and dashes."""
    return re.sub(r"[^\w]+", "-", name, flags=re.ASCII).strip("-_").lower()[:40]


def _day(stamp: str | None) -> date | None:
    return None if stamp is None else date.fromisoformat(stamp[:10])


# --- rounds of re-assessment ----------------------------------------------------------------


@dataclass(frozen=True)
class RoundLevels:
    """One round's levels: scored where the round was finalised, else the preassessment's
    self-rated (suggested) levels where it is a preassessment round, else none yet."""

    number: int
    campaign_id: str
    day: date
    source: str | None
    """"scored", "suggested" or None (not scored yet, nothing self-rated)."""
    levels: dict[str, int]
    overall: int | None


def round_levels(
    number: int,
    campaign: Campaign,
    calculated: Assessment | None,
    suggested: Assessment | None,
    respondents: int = 0,
) -> RoundLevels:
    """A finalised round's Calculated Scorecard wins; a preassessment round's self-ratings
    (over 3 or more respondents) stand in until then; a round with neither has no levels."""
    day = date.fromisoformat(campaign.created_at[:10])
    chosen: Assessment | None = None
    source: str | None = None
    if campaign.finalised_at is not None and calculated is not None and calculated.dimensions:
        chosen, source = calculated, SCORED
    elif (
        campaign.flow == PREASSESSMENT
        and suggested is not None
        and suggested.dimensions
        and respondents >= K_MIN
    ):
        chosen, source = suggested, SUGGESTED
    if chosen is None:
        return RoundLevels(number, campaign.id, day, None, {}, None)
    return RoundLevels(
        number,
        campaign.id,
        day,
        source,
        {d: r.level for d, r in chosen.dimensions.items()},
        None if chosen.overall is None else chosen.overall.level,
    )


@dataclass(frozen=True)
class Trend:
    name: str
    rounds: tuple[RoundLevels, ...]

    def series(self, dimension: str | None) -> list[int | None]:
        """One dimension's level in each round (None: none that round); None: the overall."""
        if dimension is None:
            return [r.overall for r in self.rounds]
        return [r.levels.get(dimension) for r in self.rounds]


SOURCES = {
    SCORED: N_("scored, final"),
    SUGGESTED: N_("self-rated (suggested) in the preassessment"),
    None: N_("no levels yet"),
}


def trend_text(trend: Trend, model: ReadinessModel, tr: Translator) -> str:
    title = tr.format(N_("Readiness over the rounds: {name}"), name=trend.name)
    lines = [f"<b>{_e(title)}</b>"]
    if len(trend.rounds) < 2:
        lines.append(
            _e(tr.gettext(N_("This is the first round: re-assess to see a trend (Step 7).")))
        )
    for found in trend.rounds:
        line = tr.format(
            N_("Round {number} ({day}): {source}"),
            number=found.number,
            day=tr.date(found.day),
            source=tr.gettext(SOURCES[found.source]),
        )
        lines.append(_e(line))
    lines.append("")
    for dimension in (*DIMENSION_IDS, None):
        name = tr.gettext(N_("Overall")) if dimension is None else _name(model, tr, dimension)
        levels = trend.series(dimension)
        path = " → ".join("-" if level is None else str(level) for level in levels)
        known = [level for level in levels if level is not None]
        change = ""
        if len(known) >= 2:
            change = f" ({signed(known[-1] - known[0])})"
        shown = f"{name}: {path}{change}"
        lines.append(f"<b>{_e(shown)}</b>" if dimension is None else _e(shown))
    if any(r.source == SUGGESTED for r in trend.rounds):
        lines += ["", f"<i>{_e(tr.gettext(SELF_RATED_NOTE))}</i>"]
    return "\n".join(lines)
