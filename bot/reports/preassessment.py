"""The coordinator's preassessment report (guide Steps 3-5): scores, decision, priorities, coverage.

Pure functions over a campaign, its stored responses and the library; no group under 3 is shown."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from bot.flows.values import DECLINED, DONT_KNOW
from bot.i18n import DEFAULT_LOCALE, N_, Translator, translator
from bot.render import stage_label
from bot.results import SELF_RATED_NOTE, assessment_of
from bot.scorecard_report import DECISIONS, scorecard_json, two_decimals
from bot.storage.records import Campaign, StoredResponse
from questions.loader import Library
from questions.schema import DIMENSION_IDS, Bank, Kind, Question
from scoring import (
    RECOMMENDED,
    Assessment,
    CommunityType,
    Priority,
    Spread,
    below_proceed,
    is_provisional,
    priorities,
    spread,
    thinly_rated,
)

PREASSESSMENT = "preassessment"
SECTOR_QUESTION = "sector"
WILLING_QUESTION = "willing"
WILLING_OPTIONS = ("yes", "maybe", "no")
COMMUNITY_KEY = "community"
SCALE_VALUES = tuple(range(1, 11))
K_MIN = 3  # no breakdown (sector, language) is ever shown for a group smaller than 3
# Telegram refuses messages over 4,096 characters; the margin leaves room for a caller's footer.
TEXT_BUDGET = 3500

DECISION_READING = N_(
    "overall level (floor of the mean of the seven scores): 4 or above proceeds, 1-3 waits"
)
# The 1-10 questions' prompts are a full sentence each; the report names them briefly.
RATING_TITLES = {
    "leaders_concern": N_("How concerned leaders are (1-10)"),
    "community_concern": N_("How much of a concern it is to the community (1-10)"),
}


@dataclass(frozen=True)
class SectorCoverage:
    covered: list[tuple[str, int]]
    """(sector option id, respondents) for sectors with at least K_MIN respondents, most first."""
    not_covered: list[str]
    """Sectors with 0, 1 or 2 respondents, in bank order. Merged on purpose: naming only the
    empty ones would reveal the ones with 1 or 2 by elimination."""
    unstated: int | None
    """Respondents who skipped the sector question; None when that is 1 or 2 (hidden)."""


@dataclass(frozen=True)
class RatingSummary:
    question_id: str
    answered: int
    median: Fraction | None
    distribution: dict[int, int]
    """Rating (1 to 10) -> respondents; all ten keys, zeros included."""


@dataclass(frozen=True)
class PreassessmentReport:
    campaign: Campaign
    respondents: int
    recommended: tuple[int, int]
    provisional: bool
    assessment: Assessment
    spread: Spread | None
    priorities: list[Priority]
    sectors: SectorCoverage
    willing: dict[str, int]
    ratings: list[RatingSummary]
    comments: dict[str, list[tuple[str, str]]]
    """Dimension id (or "community") -> [(question id, redacted text)], bank then response order."""
    unknown: dict[str, int]
    """Dimension id -> respondents who answered "I don't know": evidence, not silence."""
    declined: dict[str, int]
    """Typed question id -> respondents who preferred not to answer it."""
    thin: tuple[str, ...]
    """Dimensions rated by fewer than half of the respondents: their scores are provisional."""

    @property
    def result_provisional(self) -> bool:
        """The result as a whole: too few respondents, or any dimension too thinly rated."""
        return self.provisional or bool(self.thin)

    @property
    def below_4(self) -> int:
        return below_proceed(self.assessment.dimensions)


def build_preassessment_report(
    campaign: Campaign, responses: Sequence[StoredResponse], library: Library
) -> PreassessmentReport:
    bank = library.bank(PREASSESSMENT)
    # A campaign runs one bank, but a stray response of another would score as all "don't know".
    answers = [r.answers for r in responses if r.bank == bank.id]
    community_type = CommunityType(campaign.community_type)
    assessment = assessment_of(bank, answers)
    typed = {q: _column(answers, q.id) for q in bank.questions if q.kind is Kind.TEXT}
    return PreassessmentReport(
        campaign=campaign,
        respondents=len(answers),
        recommended=RECOMMENDED[community_type],
        provisional=is_provisional(len(answers), community_type),
        assessment=assessment,
        spread=spread(assessment.dimensions),
        priorities=priorities(assessment.dimensions, library.model),
        sectors=_sectors(bank, answers),
        willing=_willing(answers),
        ratings=[_rating(q.id, answers) for q in bank.questions if q.kind is Kind.SCALE],
        comments=_comments(typed),
        unknown=_unknown(bank, answers),
        declined={q.id: column.count(DECLINED) for q, column in typed.items()},
        thin=thinly_rated(assessment.dimensions, len(answers)),
    )


def _unknown(bank: Bank, answers: Sequence[Mapping[str, object]]) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(DIMENSION_IDS, 0)
    for question in bank.questions:
        if question.kind is Kind.LEVEL and question.dimension:
            counts[question.dimension] += _column(answers, question.id).count(DONT_KNOW)
    return counts


def _column(answers: Sequence[Mapping[str, object]], question_id: str) -> list[object]:
    """Every respondent's answer to one question (None where she gave none): the reports read
    a 10,000-interview campaign a question at a time, in C-speed list passes."""
    return [a.get(question_id) for a in answers]


def _question(bank: Bank, question_id: str) -> Question | None:
    return next((q for q in bank.questions if q.id == question_id), None)


def _sectors(bank: Bank, answers: Sequence[Mapping[str, object]]) -> SectorCoverage:
    question = _question(bank, SECTOR_QUESTION)
    if question is None:
        return SectorCoverage(covered=[], not_covered=[], unstated=None)
    options = [o.id for o in question.options]
    counts = Counter(a.get(SECTOR_QUESTION) for a in answers)
    covered = [(o, counts[o]) for o in options if counts[o] >= K_MIN]
    covered.sort(key=lambda item: -item[1])  # stable: equal counts keep bank order
    unstated = counts[None]
    return SectorCoverage(
        covered=covered,
        not_covered=[o for o in options if counts[o] < K_MIN],
        unstated=None if 0 < unstated < K_MIN else unstated,
    )


def _willing(answers: Sequence[Mapping[str, object]]) -> dict[str, int]:
    counts = Counter(a.get(WILLING_QUESTION) for a in answers)
    return {option: counts[option] for option in WILLING_OPTIONS}


def median(values: Sequence[int]) -> Fraction | None:
    """The exact median: the middle value, or the mean of the two middle values."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


def _rating(question_id: str, answers: Sequence[Mapping[str, object]]) -> RatingSummary:
    given = [
        v
        for a in answers
        if isinstance(v := a.get(question_id), int)
        and not isinstance(v, bool)
        and v in SCALE_VALUES
    ]
    counts = Counter(given)
    return RatingSummary(
        question_id=question_id,
        answered=len(given),
        median=median(given),
        distribution={n: counts[n] for n in SCALE_VALUES},
    )


def comment_key(question: Question) -> str:
    """Where a text answer is listed: its dimension, or its own id (the community definition)."""
    return question.dimension or question.id


def _comments(typed: Mapping[Question, list[object]]) -> dict[str, list[tuple[str, str]]]:
    """Each text question's answers (`typed`: its column of answers), listed under its key."""
    comments: dict[str, list[tuple[str, str]]] = {}
    for question, column in typed.items():
        listed = comments.setdefault(comment_key(question), [])
        qid = question.id
        listed += [(qid, t) for t in column if isinstance(t, str) and t.strip()]
    return comments


# --- JSON ---------------------------------------------------------------------------------------


def _median_json(value: Fraction | None) -> float | None:
    # A median of whole numbers is whole or a half, so the float is exact.
    return None if value is None else float(value)


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    """The campaign as every report's JSON names it."""
    return {
        "id": campaign.id,
        "name": campaign.name,
        "community_type": campaign.community_type,
        "flow": campaign.flow,
        "closed": not campaign.is_open,
    }


def preassessment_json(
    report: PreassessmentReport, library: Library, tr: Translator | None = None
) -> dict[str, Any]:
    """Ids, codes and numbers the same in every language; labels in `tr`'s (English without)."""
    tr = tr or translator(DEFAULT_LOCALE)
    bank = library.bank(PREASSESSMENT)
    labels = {code: tr.gettext(label) for code, label in _sector_labels(bank).items()}
    found_spread = report.spread
    return {
        "campaign": campaign_json(report.campaign),
        "respondents": report.respondents,
        "recommended": list(report.recommended),
        "provisional": report.provisional,
        **scorecard_json(report.assessment, library.model, tr=tr),
        "decision_reading": tr.gettext(DECISION_READING),
        "dimensions_below_4": report.below_4,
        "dont_know": dict(report.unknown),
        "declined": {qid: n for qid, n in report.declined.items() if n},
        "provisional_dimensions": list(report.thin),
        "result_provisional": report.result_provisional,
        "spread": None
        if found_spread is None
        else {
            "lowest": list(found_spread.lowest),
            "highest": list(found_spread.highest),
            "range": two_decimals(found_spread.range),
            "even": found_spread.even,
        },
        "sectors": {
            "covered": [
                {"sector": s, "label": labels.get(s, s), "respondents": n}
                for s, n in report.sectors.covered
            ],
            "not_covered": [
                {"sector": s, "label": labels.get(s, s)} for s in report.sectors.not_covered
            ],
            "unstated": report.sectors.unstated,
        },
        "willing": dict(report.willing),
        "ratings": {
            r.question_id: {
                "answered": r.answered,
                "median": _median_json(r.median),
                "distribution": {str(n): c for n, c in r.distribution.items()},
            }
            for r in report.ratings
        },
        "comments": {
            key: [{"question": qid, "text": text} for qid, text in listed]
            for key, listed in report.comments.items()
        },
    }


def _sector_labels(bank: Bank) -> dict[str, str]:
    question = _question(bank, SECTOR_QUESTION)
    return {} if question is None else {o.id: o.label for o in question.options}


# --- Telegram text ------------------------------------------------------------------------------


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _heading(tr: Translator, msgid: str) -> str:
    # The msgid is passed in, never written inside an f-string, where pybabel cannot see it.
    return f"<b>{_e(tr.gettext(msgid))}</b>"


def preassessment_text(report: PreassessmentReport, library: Library, tr: Translator) -> str:
    """Telegram HTML for a phone; strategies past the size budget move to priorities_text()."""
    head = _head(report, tr)
    if report.respondents == 0:
        head.append(_e(tr.gettext(N_("No responses yet."))))
        return "\n".join(head)
    before = [*head, "", *_scores(report, library, tr), "", *_step5(report, library, tr)]
    after = [
        "",
        *_sector_lines(report, library, tr),
        "",
        *_willing_lines(report, tr),
        "",
        *_rating_lines(report, library, tr),
        "",
        "<i>" + _e(tr.gettext(SELF_RATED_NOTE)) + "</i>",
    ]
    # Strategies are the longest part (up to ~800 characters each); the lowest dimensions keep
    # theirs first, as Step 5 asks, and the rest point to the full list.
    for shown in range(len(report.priorities), -1, -1):
        middle = ["", *priority_lines(report.priorities, library, tr, with_strategy=shown)]
        text = "\n".join([*before, *middle, *after])
        if len(text) <= TEXT_BUDGET or shown == 0:
            return text
    raise AssertionError("unreachable")  # pragma: no cover


def _head(report: PreassessmentReport, tr: Translator) -> list[str]:
    title = tr.format(N_("Preassessment report: {name}"), name=report.campaign.name)
    low, high = report.recommended
    counted = tr.fill(
        tr.ngettext(
            "{count} respondent (recommended for this community: {low} to {high})",
            "{count} respondents (recommended for this community: {low} to {high})",
            report.respondents,
        ),
        count=report.respondents,
        low=low,
        high=high,
    )
    lines = [f"<b>{_e(title)}</b>", _e(counted)]
    if report.provisional:
        lines.append(
            "<i>"
            + _e(
                tr.format(
                    N_("Provisional: fewer respondents than the recommended minimum of {low}."),
                    low=low,
                )
            )
            + "</i>"
        )
    return lines


def _dimension_name(library: Library, tr: Translator, dimension: str) -> str:
    return f"{dimension}. {tr.gettext(library.model.dimension(dimension).name)}"


def _scores(report: PreassessmentReport, library: Library, tr: Translator) -> list[str]:
    lines = [_heading(tr, N_("Readiness by dimension"))]
    model = library.model
    for dimension in model.dimensions:
        name = _dimension_name(library, tr, dimension.id)
        result = report.assessment.dimensions.get(dimension.id)
        unknown = report.unknown.get(dimension.id, 0)
        if result is None:
            line = tr.format(N_("{name}: not rated (everyone answered 'I don't know')"), name=name)
        else:
            rated = tr.fill(
                tr.ngettext("{count} rated", "{count} rated", result.respondents),
                count=result.respondents,
            )
            if unknown:
                rated += tr.fill(
                    tr.ngettext(", {count} “I don't know”", ", {count} “I don't know”", unknown),
                    count=unknown,
                )
            line = tr.format(
                N_("{name}: {score} · {level} ({rated})"),
                name=name,
                score=tr.number(result.score),
                level=stage_label(tr, model, result.level),
                rated=rated,
            )
            if dimension.id in report.thin:
                line = tr.format(N_("{line} · provisional"), line=line)
        lines.append(_e(line))
    overall = report.assessment.overall
    if overall is None:
        lines.append(_e(tr.gettext(N_("Overall: needs a score for all seven dimensions."))))
    else:
        shown = tr.format(
            N_("Overall: {score} · {level}"),
            score=tr.number(overall.score),
            level=stage_label(tr, model, overall.level),
        )
        lines.append(f"<b>{_e(shown)}</b>")
    decision = report.assessment.decision
    if decision is not None:
        said = tr.gettext(DECISIONS[decision])
        if report.result_provisional:
            said = tr.format(N_("(Provisional) {decision}"), decision=said)
        lines.append(_e(said))
        below = tr.fill(
            tr.ngettext(
                "{count} of the seven dimensions is at levels 1-3.",
                "{count} of the seven dimensions are at levels 1-3.",
                report.below_4,
            ),
            count=report.below_4,
        )
        reading = tr.gettext(
            N_("The decision reads the overall level (cut, not rounded): 4 or above proceeds.")
        )
        lines.append(_e(f"{below} {reading}"))
    if report.thin:
        names = ", ".join(_dimension_name(library, tr, d) for d in report.thin)
        lines.append(
            "<i>"
            + _e(
                tr.format(
                    N_(
                        "Provisional: fewer than half of the respondents could rate {dimensions}. "
                        "Not knowing is a finding in itself. Appendix C: decide if the "
                        "interviewers need to reach out to a broader group of key respondents."
                    ),
                    dimensions=names,
                )
            )
            + "</i>"
        )
    return lines


def _step5(report: PreassessmentReport, library: Library, tr: Translator) -> list[str]:
    found = report.spread
    if found is None:
        return []
    lines = [_heading(tr, N_("How the scores compare"))]
    if found.even:
        lines.append(
            _e(
                tr.gettext(
                    N_("The scores are about the same across the dimensions (within one level).")
                )
            )
        )
    else:
        lines.append(
            _e(tr.gettext(N_("Some dimensions score lower than others; start with the lowest.")))
        )
    results = report.assessment.dimensions
    lowest = ", ".join(_dimension_name(library, tr, d) for d in found.lowest)
    lines.append(
        _e(
            tr.format(
                N_("Lowest: {dimensions} ({score})"),
                dimensions=lowest,
                score=tr.number(results[found.lowest[0]].score),
            )
        )
    )
    return lines


def priority_lines(
    ranked: Sequence[Priority], library: Library, tr: Translator, *, with_strategy: int
) -> list[str]:
    """Lowest first; each level's goal once, the level 4 opening strategy once."""
    if not ranked:
        return []
    lines = [_heading(tr, N_("Priorities, lowest dimension first:"))]
    model = library.model
    goals_shown: set[int] = set()
    opening_shown = False
    for number, p in enumerate(ranked, start=1):
        head = tr.format(
            N_("{number}. {name}: {score} · {level}"),
            number=number,
            name=_dimension_name(library, tr, p.dimension),
            score=tr.number(p.score),
            level=stage_label(tr, model, p.level),
        )
        lines.append(f"<b>{_e(head)}</b>")
        if number > with_strategy:
            continue
        if p.level not in goals_shown:
            goals_shown.add(p.level)
            lines.append(_e(tr.format(N_("Goal: {goal}"), goal=tr.gettext(p.goal))))
        if p.opening_strategy and not opening_shown:
            opening_shown = True
            lines.append(
                _e(tr.format(N_("First: {strategy}"), strategy=tr.gettext(p.opening_strategy)))
            )
        lines.append(_e(tr.format(N_("Strategy: {strategy}"), strategy=tr.gettext(p.strategy))))
    if with_strategy < len(ranked):
        lines.append(
            "<i>"
            + _e(
                tr.gettext(
                    N_("For the other dimensions, see their level's strategies in Appendix F.")
                )
            )
            + "</i>"
        )
    return lines


def priorities_text(report: PreassessmentReport, library: Library, tr: Translator) -> str:
    """Every priority with its goal and strategy, for when the report had to leave some out."""
    lines = priority_lines(report.priorities, library, tr, with_strategy=len(report.priorities))
    if not lines:
        return _e(tr.gettext(N_("No dimension has been rated yet.")))
    return "\n".join(lines)


def _sector_lines(report: PreassessmentReport, library: Library, tr: Translator) -> list[str]:
    labels = _sector_labels(library.bank(PREASSESSMENT))
    sectors = report.sectors
    lines = [_heading(tr, N_("Sectors"))]
    if sectors.covered:
        heard = ", ".join(
            tr.format(N_("{sector} ({count})"), sector=_label(tr, labels, s), count=n)
            for s, n in sectors.covered
        )
        lines.append(_e(tr.format(N_("Heard from: {sectors}"), sectors=heard)))
    if sectors.not_covered:
        missing = ", ".join(_label(tr, labels, s) for s in sectors.not_covered)
        lines.append(
            _e(
                tr.format(
                    N_("Not yet heard from (none or fewer than 3): {sectors}"), sectors=missing
                )
            )
        )
    if sectors.unstated is None:
        lines.append(_e(tr.gettext(N_("Some respondents did not give a sector."))))
    elif sectors.unstated:
        lines.append(
            _e(
                tr.fill(
                    tr.ngettext(
                        "{count} respondent did not give a sector.",
                        "{count} respondents did not give a sector.",
                        sectors.unstated,
                    ),
                    count=sectors.unstated,
                )
            )
        )
    if sectors.not_covered:
        lines.append(
            "<i>"
            + _e(
                tr.gettext(
                    N_(
                        "Appendix C: consider reaching out to a broader group of key respondents, "
                        "from the sectors not yet heard from and from people who know the "
                        "community's underresourced groups."
                    )
                )
            )
            + "</i>"
        )
    return lines


def _label(tr: Translator, labels: Mapping[str, str], option: str) -> str:
    """A sector's translated label; an option the bank no longer has, by its id."""
    return tr.gettext(labels[option]) if option in labels else option


def _willing_lines(report: PreassessmentReport, tr: Translator) -> list[str]:
    willing = report.willing
    return [
        _e(
            tr.format(
                N_(
                    "Willing to join the full assessment interviews: "
                    "yes {yes}, maybe {maybe}, no {no}"
                ),
                yes=willing["yes"],
                maybe=willing["maybe"],
                no=willing["no"],
            )
        )
    ]


def _rating_title(question_id: str, library: Library, tr: Translator) -> str:
    title = RATING_TITLES.get(question_id)
    if title is not None:
        return tr.gettext(title)
    question = _question(library.bank(PREASSESSMENT), question_id)
    return tr.gettext(question.prompt) if question else question_id


def _rating_lines(report: PreassessmentReport, library: Library, tr: Translator) -> list[str]:
    lines: list[str] = []
    for rating in report.ratings:
        lines.append(f"<b>{_e(_rating_title(rating.question_id, library, tr))}</b>")
        if rating.median is None:
            lines.append(_e(tr.gettext(N_("No ratings yet."))))
            continue
        lines.append(
            _e(
                tr.fill(
                    tr.ngettext(
                        "Median {median} ({count} answer)",
                        "Median {median} ({count} answers)",
                        rating.answered,
                    ),
                    median=tr.number(rating.median, decimals=1),
                    count=rating.answered,
                )
            )
        )
        spread_of = " · ".join(
            tr.format(N_("{rating}: {count}"), rating=n, count=c)
            for n, c in rating.distribution.items()
            if c
        )
        lines.append(_e(tr.format(N_("Answers (rating: how many): {counts}"), counts=spread_of)))
    return lines


# --- what respondents said ----------------------------------------------------------------------


def comment_keys(library: Library) -> list[str]:
    """The views comments_text() accepts, in bank order ("community", then A to G)."""
    keys: list[str] = []
    for question in library.bank(PREASSESSMENT).questions:
        if question.kind is Kind.TEXT and comment_key(question) not in keys:
            keys.append(comment_key(question))
    return keys


def comments_text(
    report: PreassessmentReport, library: Library, tr: Translator, dimension: str
) -> str:
    """One dimension's free-text answers: each prompt, then its answers as bullets, no identity."""
    bank = library.bank(PREASSESSMENT)
    questions = [q for q in bank.questions if q.kind is Kind.TEXT and comment_key(q) == dimension]
    if not questions:
        raise KeyError(f"no free-text questions for {dimension!r}")
    if dimension == COMMUNITY_KEY:
        title = tr.gettext(N_("What respondents said: how they define their community"))
    else:
        title = tr.format(
            N_("What respondents said: {dimension}"),
            dimension=_dimension_name(library, tr, dimension),
        )
    said = report.comments.get(dimension, [])
    lines = [f"<b>{_e(title)}</b>"]
    for question in questions:
        lines.append("")
        lines.append(f"<i>{_e(tr.gettext(question.prompt))}</i>")
        answers = [text for qid, text in said if qid == question.id]
        declined = report.declined.get(question.id, 0)
        if not answers and not declined:
            lines.append(_e(tr.gettext(N_("No answers yet."))))
        lines.extend(f"• {_e(text)}" for text in answers)
        if declined:
            lines.append(
                "<i>"
                + _e(
                    tr.fill(
                        tr.ngettext(
                            "{count} respondent preferred not to answer.",
                            "{count} respondents preferred not to answer.",
                            declined,
                        ),
                        count=declined,
                    )
                )
                + "</i>"
            )
    return "\n".join(lines)
