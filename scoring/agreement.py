"""How far independent scorers agree (Appendix E steps 4-5), in exact arithmetic.

Each scorer scores every interview on every dimension; scores 1 or more apart go to the
consensus meeting. Agreement figures are Fractions: no float error, no NaN, None when undefined.

Missing scores: a scorer may leave an (interview, dimension) unscored. The shares and the kappa
use, for each pair of scorers, the (interview, dimension) pairs both of them scored; the ICC
needs a complete table, so it uses only the pairs every scorer scored (`icc_pairs` says how
many) and is None when fewer than two remain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from itertools import combinations

from questions.schema import DIMENSION_IDS
from scoring.readiness import check_score

Cell = tuple[str, str]
"""(interview id, dimension id)."""
ScoresByScorer = Mapping[str, Mapping[Cell, Fraction]]
"""Scorer name -> (interview id, dimension id) -> score (1 to 9 in steps of 0.5)."""

FLAG_FROM = Fraction(1)
"""Appendix E step 5: scores this far apart or more are discussed at the consensus meeting."""
WITHIN = Fraction(1, 2)


class KappaBand(StrEnum):
    """Landis & Koch (1977)."""

    POOR = "poor"  # below 0
    SLIGHT = "slight"  # 0 to 0.20
    FAIR = "fair"  # 0.21 to 0.40
    MODERATE = "moderate"  # 0.41 to 0.60
    SUBSTANTIAL = "substantial"  # 0.61 to 0.80
    ALMOST_PERFECT = "almost perfect"  # 0.81 to 1


class IccBand(StrEnum):
    """Koo & Li (2016)."""

    POOR = "poor"  # below 0.5
    MODERATE = "moderate"  # 0.5 to below 0.75
    GOOD = "good"  # 0.75 to below 0.9
    EXCELLENT = "excellent"  # 0.9 and above


_KAPPA_UPPER = (
    (Fraction(1, 5), KappaBand.SLIGHT),
    (Fraction(2, 5), KappaBand.FAIR),
    (Fraction(3, 5), KappaBand.MODERATE),
    (Fraction(4, 5), KappaBand.SUBSTANTIAL),
)


def kappa_band(kappa: Fraction) -> KappaBand:
    if kappa < 0:
        return KappaBand.POOR
    # Each band includes its upper bound (0.20 is slight, 0.21 fair), as Landis & Koch list them.
    return next((band for upper, band in _KAPPA_UPPER if kappa <= upper), KappaBand.ALMOST_PERFECT)


def icc_band(icc: Fraction) -> IccBand:
    if icc < Fraction(1, 2):
        return IccBand.POOR
    if icc < Fraction(3, 4):
        return IccBand.MODERATE
    if icc < Fraction(9, 10):
        return IccBand.GOOD
    return IccBand.EXCELLENT


@dataclass(frozen=True)
class Comparison:
    """One (interview, dimension) that at least one scorer scored, every scorer's score beside."""

    interview: str
    dimension: str
    scores: tuple[Fraction | None, ...]
    """In the order of `SideBySide.scorers`; None where that scorer did not score it."""
    spread: Fraction
    """Highest minus lowest score given; 0 when only one scorer scored it."""
    flagged: bool
    """The spread is 1 level or more: to be agreed at the consensus meeting."""
    missing: bool
    """Some scorer has not scored it."""


@dataclass(frozen=True)
class SideBySide:
    scorers: tuple[str, ...]
    rows: tuple[Comparison, ...]
    """Interviews in the caller's order, then dimensions A to G."""

    @property
    def flagged(self) -> tuple[Comparison, ...]:
        return tuple(row for row in self.rows if row.flagged)


@dataclass(frozen=True)
class Agreement:
    scorers: tuple[str, ...]
    pairs: int
    """(interview, dimension) pairs scored by 2 or more scorers: what the figures are about."""
    exact: Fraction | None
    """Share of scorer pairs giving the same score, over those pairs; None when `pairs` is 0."""
    within_half: Fraction | None
    """Share of scorer pairs at most 0.5 apart."""
    flagged: Fraction | None
    """Share of the `pairs` whose spread is 1 level or more."""
    kappa: Fraction | None
    """Quadratic weighted kappa (Cohen's for two scorers, the mean of the pairwise kappas for
    more); None when undefined (fewer than 2 pairs, or no variance in the scores)."""
    kappa_band: KappaBand | None
    icc: Fraction | None
    """ICC(2,1) of Shrout & Fleiss (two-way random, absolute agreement, single rater) over the
    `icc_pairs`; None when undefined."""
    icc_band: IccBand | None
    icc_pairs: int
    """(interview, dimension) pairs scored by every scorer: what the ICC is computed over."""


def _checked(scores: ScoresByScorer) -> dict[str, dict[Cell, Fraction]]:
    checked: dict[str, dict[Cell, Fraction]] = {}
    for scorer, given in scores.items():
        own: dict[Cell, Fraction] = {}
        for (interview, dimension), score in given.items():
            if dimension not in DIMENSION_IDS:
                raise ValueError(f"unknown dimension {dimension!r} (expected one of A to G)")
            own[(interview, dimension)] = check_score(score)
        checked[scorer] = own
    return checked


def _cells_in_order(
    scores: Mapping[str, Mapping[Cell, Fraction]], interviews: Sequence[str]
) -> list[Cell]:
    position = {interview: index for index, interview in enumerate(interviews)}
    if len(position) != len(interviews):
        raise ValueError("an interview appears twice in the order")
    cells = {cell for given in scores.values() for cell in given}
    unknown = sorted({interview for interview, _ in cells if interview not in position})
    if unknown:
        raise ValueError(f"interview(s) scored but not in the order: {', '.join(unknown)}")
    return sorted(cells, key=lambda c: (position[c[0]], DIMENSION_IDS.index(c[1])))


def side_by_side(scores: ScoresByScorer, interviews: Sequence[str]) -> SideBySide:
    """Every scorer's score per (interview, dimension) any of them scored, for the meeting.

    `interviews` gives the order (and must hold every interview scored); scorers keep the
    order of `scores`."""
    checked = _checked(scores)
    scorers = tuple(checked)
    rows = []
    for cell in _cells_in_order(checked, interviews):
        given = tuple(checked[s].get(cell) for s in scorers)
        present = [g for g in given if g is not None]
        spread = max(present) - min(present)
        rows.append(
            Comparison(
                interview=cell[0],
                dimension=cell[1],
                scores=given,
                spread=spread,
                flagged=spread >= FLAG_FROM,
                missing=len(present) < len(scorers),
            )
        )
    return SideBySide(scorers, tuple(rows))


def scorecard_columns(
    scores: Mapping[Cell, Fraction], interviews: Sequence[str]
) -> dict[str, list[Fraction | None]]:
    """One scorer's (or the consensus) scores as a scorecard: per dimension A to G one score
    (or None) per interview, in the order of `interviews`; what `assess` and the scorecard
    files take."""
    checked = _checked({"": scores})[""]
    _cells_in_order({"": checked}, interviews)
    return {d: [checked.get((i, d)) for i in interviews] for d in DIMENSION_IDS}


def quadratic_kappa(first: Sequence[Fraction], second: Sequence[Fraction]) -> Fraction | None:
    """Cohen's kappa with quadratic weights, for two scorers' scores of the same items.

    Over the 17 categories 1, 1.5 .. 9 the weight of a disagreement is (i - j)^2 / 16^2; the
    denominator cancels, so kappa = 1 - n * sum((a - b)^2) / sum over all a, b' of (a - b')^2.
    None with fewer than 2 items or when chance disagreement is 0 (both gave one same score)."""
    if len(first) != len(second):
        raise ValueError("both scorers must score the same items")
    n = len(first)
    if n < 2:
        return None
    a = [check_score(x) for x in first]
    b = [check_score(x) for x in second]
    observed = sum(((x - y) ** 2 for x, y in zip(a, b, strict=True)), Fraction(0))
    # sum over i, j of (a_i - b_j)^2, expanded so it takes one pass instead of n^2.
    expected = (
        n * sum((x * x for x in a), Fraction(0))
        + n * sum((y * y for y in b), Fraction(0))
        - 2 * sum(a, Fraction(0)) * sum(b, Fraction(0))
    )
    if expected == 0:
        return None
    return 1 - n * observed / expected


def icc_2_1(table: Sequence[Sequence[Fraction]]) -> Fraction | None:
    """ICC(2,1) of Shrout & Fleiss (1979): rows are items, columns raters, every cell filled.

    (MSR - MSE) / (MSR + (k - 1) MSE + k (MSC - MSE) / n); None with fewer than 2 items or
    raters, or when the denominator is 0 (no variance)."""
    n = len(table)
    if n < 2:
        return None
    k = len(table[0])
    if any(len(row) != k for row in table):
        raise ValueError("every item needs a score from every rater")
    if k < 2:
        return None
    cells = [[check_score(x) for x in row] for row in table]
    grand = sum((x for row in cells for x in row), Fraction(0)) / (n * k)
    row_means = [sum(row, Fraction(0)) / k for row in cells]
    column_means = [sum((row[j] for row in cells), Fraction(0)) / n for j in range(k)]
    ss_rows = k * sum(((m - grand) ** 2 for m in row_means), Fraction(0))
    ss_columns = n * sum(((m - grand) ** 2 for m in column_means), Fraction(0))
    ss_total = sum(((x - grand) ** 2 for row in cells for x in row), Fraction(0))
    ms_rows = ss_rows / (n - 1)
    ms_columns = ss_columns / (k - 1)
    ms_error = (ss_total - ss_rows - ss_columns) / ((n - 1) * (k - 1))
    denominator = ms_rows + (k - 1) * ms_error + k * (ms_columns - ms_error) / n
    if denominator == 0:
        return None
    return (ms_rows - ms_error) / denominator


def agreement(scores: ScoresByScorer) -> Agreement:
    """Agreement of the scorers of one campaign over the pairs 2 or more of them scored."""
    checked = _checked(scores)
    scorers = tuple(checked)
    cells = {cell for given in checked.values() for cell in given}
    shared = [c for c in cells if sum(c in given for given in checked.values()) >= 2]
    pairs = len(shared)
    compared = same = close = 0
    for first, second in combinations(checked.values(), 2):
        for cell in shared:
            if cell in first and cell in second:
                compared += 1
                gap = abs(first[cell] - second[cell])
                same += gap == 0
                close += gap <= WITHIN
    flagged = 0
    for cell in shared:
        present = [given[cell] for given in checked.values() if cell in given]
        flagged += max(present) - min(present) >= FLAG_FROM
    kappa = _mean_pairwise_kappa(list(checked.values()))
    complete = sorted(c for c in shared if all(c in given for given in checked.values()))
    icc = icc_2_1([[given[c] for given in checked.values()] for c in complete])
    return Agreement(
        scorers=scorers,
        pairs=pairs,
        exact=Fraction(same, compared) if compared else None,
        within_half=Fraction(close, compared) if compared else None,
        flagged=Fraction(flagged, pairs) if pairs else None,
        kappa=kappa,
        kappa_band=None if kappa is None else kappa_band(kappa),
        icc=icc,
        icc_band=None if icc is None else icc_band(icc),
        icc_pairs=len(complete),
    )


def _mean_pairwise_kappa(given: list[dict[Cell, Fraction]]) -> Fraction | None:
    # Light's (1971) kappa for more than two scorers; a pair of scorers whose kappa is
    # undefined (too few shared pairs, no variance) is left out of the mean.
    kappas = []
    for first, second in combinations(given, 2):
        both = sorted(set(first) & set(second))
        kappa = quadratic_kappa([first[c] for c in both], [second[c] for c in both])
        if kappa is not None:
            kappas.append(kappa)
    return sum(kappas, Fraction(0)) / len(kappas) if kappas else None
