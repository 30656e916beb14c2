"""Tests of scoring.agreement: the scorers' side-by-side table and their agreement figures."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.agreement import (
    Agreement,
    IccBand,
    KappaBand,
    agreement,
    icc_2_1,
    icc_band,
    kappa_band,
    quadratic_kappa,
    scorecard_columns,
    side_by_side,
)
from scoring.readiness import LEVEL_STEPS

DIMENSIONS = "ABCDEFG"

# Shrout & Fleiss (1979), Table 2: 6 targets, 4 judges, on a 1-10 scale; ICC(2,1) = .29.
# Mapped onto half steps by v / 2 + 1/2 (1 -> 1, 10 -> 5.5): ICC is unchanged by a linear map.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]
HALF_STEPS = [[F(v, 2) + F(1, 2) for v in row] for row in SHROUT_FLEISS]


def icc_by_numpy(table: list[list[F]]) -> float:
    """ICC(2,1) from the two-way ANOVA, written out again with floats."""
    x = np.array(table, dtype=float)
    n, k = x.shape
    grand = x.mean()
    msr = k * ((x.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    msc = n * ((x.mean(axis=0) - grand) ** 2).sum() / (k - 1)
    residual = x - x.mean(axis=1, keepdims=True) - x.mean(axis=0, keepdims=True) + grand
    mse = (residual**2).sum() / ((n - 1) * (k - 1))
    return float((msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n))


def kappa_by_matrix(first: list[F], second: list[F]) -> float:
    """Weighted kappa the textbook way: 17x17 observed and expected tables, quadratic weights."""
    index = {step: i for i, step in enumerate(LEVEL_STEPS)}
    size = len(LEVEL_STEPS)
    observed = np.zeros((size, size))
    for a, b in zip(first, second, strict=True):
        observed[index[a], index[b]] += 1
    observed /= observed.sum()
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    i, j = np.indices((size, size))
    weights = (i - j) ** 2 / (size - 1) ** 2
    return float(1 - (weights * observed).sum() / (weights * expected).sum())


def two(first: list[F], second: list[F]) -> dict[str, dict[tuple[str, str], F]]:
    """Two scorers' scores of interviews i0, i1, ... on dimension A."""
    return {
        "Ana": {(f"i{n}", "A"): s for n, s in enumerate(first)},
        "Ben": {(f"i{n}", "A"): s for n, s in enumerate(second)},
    }


def test_icc_of_the_shrout_fleiss_example() -> None:
    icc = icc_2_1(HALF_STEPS)
    assert icc is not None
    assert round(float(icc), 2) == 0.29
    assert float(icc) == pytest.approx(icc_by_numpy(HALF_STEPS))
    assert icc_band(icc) is IccBand.POOR


def test_kappa_of_a_small_example_by_hand() -> None:
    # Observed squared differences: 0 + 1/4 + 1 + 0 = 5/4, n = 4.
    # sum over all pairs (a_i - b_j)^2 = 4*sum a^2 + 4*sum b^2 - 2*sum a*sum b
    #   a = 2, 3, 4, 5 (sum 14, squares 54); b = 2, 3.5, 3, 5 (sum 13.5, squares 50.25)
    #   = 216 + 201 - 378 = 39; kappa = 1 - 4 * (5/4) / 39 = 34/39.
    first = [F(2), F(3), F(4), F(5)]
    second = [F(2), F(7, 2), F(3), F(5)]
    assert quadratic_kappa(first, second) == F(34, 39)
    assert float(F(34, 39)) == pytest.approx(kappa_by_matrix(first, second))
    assert kappa_band(F(34, 39)) is KappaBand.ALMOST_PERFECT


def test_kappa_matches_the_textbook_matrix_form() -> None:
    first = [F(v, 2) for v in (2, 5, 9, 12, 4, 8, 17, 3, 6)]
    second = [F(v, 2) for v in (3, 5, 10, 10, 2, 9, 18, 7, 6)]
    kappa = quadratic_kappa(first, second)
    assert kappa is not None
    assert float(kappa) == pytest.approx(kappa_by_matrix(first, second))


@pytest.mark.parametrize(
    ("first", "second"),
    [([], []), ([F(3)], [F(4)]), ([F(3), F(3)], [F(3), F(3)])],
)
def test_kappa_is_none_when_undefined(first: list[F], second: list[F]) -> None:
    assert quadratic_kappa(first, second) is None


def test_icc_is_none_when_undefined() -> None:
    assert icc_2_1([]) is None
    assert icc_2_1([[F(3), F(4)]]) is None
    assert icc_2_1([[F(3)], [F(4)]]) is None
    assert icc_2_1([[F(3), F(3)], [F(3), F(3)]]) is None
    # Two items, two raters, no row or column effect: the denominator is 0.
    assert icc_2_1([[F(1), F(2)], [F(2), F(1)]]) is None
    with pytest.raises(ValueError, match="every rater"):
        icc_2_1([[F(3), F(4)], [F(3)]])


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (F(-1, 100), KappaBand.POOR),
        (F(0), KappaBand.SLIGHT),
        (F(1, 5), KappaBand.SLIGHT),
        (F(21, 100), KappaBand.FAIR),
        (F(2, 5), KappaBand.FAIR),
        (F(3, 5), KappaBand.MODERATE),
        (F(4, 5), KappaBand.SUBSTANTIAL),
        (F(81, 100), KappaBand.ALMOST_PERFECT),
        (F(1), KappaBand.ALMOST_PERFECT),
    ],
)
def test_landis_koch_bands(value: F, band: KappaBand) -> None:
    assert kappa_band(value) is band


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (F(-1), IccBand.POOR),
        (F(49, 100), IccBand.POOR),
        (F(1, 2), IccBand.MODERATE),
        (F(74, 100), IccBand.MODERATE),
        (F(3, 4), IccBand.GOOD),
        (F(89, 100), IccBand.GOOD),
        (F(9, 10), IccBand.EXCELLENT),
        (F(1), IccBand.EXCELLENT),
    ],
)
def test_koo_li_bands(value: F, band: IccBand) -> None:
    assert icc_band(value) is band


def test_side_by_side_in_the_callers_order_then_a_to_g() -> None:
    scores = {
        "Ana": {("i2", "B"): F(4), ("i1", "G"): F(3), ("i2", "A"): F(5)},
        "Ben": {("i2", "A"): F(4), ("i2", "B"): F(5), ("i1", "C"): F(2)},
    }
    table = side_by_side(scores, ["i2", "i1", "i3"])
    assert table.scorers == ("Ana", "Ben")
    assert [(r.interview, r.dimension) for r in table.rows] == [
        ("i2", "A"), ("i2", "B"), ("i1", "C"), ("i1", "G")
    ]  # fmt: skip
    first, second, third, fourth = table.rows
    assert (first.scores, first.spread, first.flagged, first.missing) == (
        (F(5), F(4)), F(1), True, False
    )  # fmt: skip
    assert second.flagged
    assert (third.scores, third.spread, third.flagged, third.missing) == (
        (None, F(2)), F(0), False, True
    )  # fmt: skip
    assert fourth.scores == (F(3), None)
    assert table.flagged == (first, second)


def test_half_a_level_apart_is_not_flagged() -> None:
    table = side_by_side(two([F(4)], [F(9, 2)]), ["i0"])
    assert (table.rows[0].spread, table.rows[0].flagged) == (F(1, 2), False)


def test_side_by_side_refuses_an_interview_outside_the_order_and_bad_scores() -> None:
    with pytest.raises(ValueError, match="not in the order: i1"):
        side_by_side(two([F(4), F(5)], [F(4), F(5)]), ["i0"])
    with pytest.raises(ValueError, match="twice"):
        side_by_side(two([F(4)], [F(4)]), ["i0", "i0"])
    with pytest.raises(ValueError, match="not a level"):
        side_by_side(two([F(19, 2)], [F(4)]), ["i0"])
    with pytest.raises(ValueError, match="unknown dimension"):
        side_by_side({"Ana": {("i0", "H"): F(4)}}, ["i0"])


def test_agreement_of_two_scorers() -> None:
    first = [F(2), F(3), F(4), F(5)]
    second = [F(2), F(7, 2), F(3), F(5)]
    found = agreement(two(first, second))
    assert found.scorers == ("Ana", "Ben")
    assert found.pairs == 4
    assert found.exact == F(1, 2)
    assert found.within_half == F(3, 4)
    assert found.flagged == F(1, 4)
    assert found.kappa == F(34, 39)
    assert found.kappa_band is KappaBand.ALMOST_PERFECT
    table = [[a, b] for a, b in zip(first, second, strict=True)]
    assert found.icc == icc_2_1(table)
    assert found.icc is not None
    assert float(found.icc) == pytest.approx(icc_by_numpy(table))
    assert found.icc_pairs == 4


def test_a_pair_scored_by_one_scorer_is_left_out() -> None:
    scores = two([F(2), F(3), F(4)], [F(2), F(3)])
    found = agreement(scores)
    assert (found.pairs, found.exact, found.icc_pairs) == (2, F(1), 2)


def test_the_icc_of_the_shrout_fleiss_example_through_agreement() -> None:
    judges = ["J1", "J2", "J3", "J4"]
    scores = {
        judge: {(f"t{t}", "A"): HALF_STEPS[t][j] for t in range(6)}
        for j, judge in enumerate(judges)
    }
    found = agreement(scores)
    assert found.icc == icc_2_1(HALF_STEPS)
    assert found.pairs == 6
    # 6 cells x 6 pairs of judges; agreement is counted over pairs of scorers.
    same = sum(
        HALF_STEPS[t][a] == HALF_STEPS[t][b] for t in range(6) for a in range(4) for b in range(a)
    )
    assert found.exact == F(same, 36)
    pairwise = [
        quadratic_kappa([row[a] for row in HALF_STEPS], [row[b] for row in HALF_STEPS])
        for a in range(4)
        for b in range(a + 1, 4)
    ]
    assert found.kappa == sum((k for k in pairwise if k is not None), F(0)) / 6


def test_the_icc_uses_only_pairs_every_scorer_scored() -> None:
    scores = {
        "Ana": {("i0", "A"): F(2), ("i1", "A"): F(5), ("i2", "A"): F(7)},
        "Ben": {("i0", "A"): F(2), ("i1", "A"): F(5), ("i2", "A"): F(6)},
        "Cy": {("i0", "A"): F(3), ("i1", "A"): F(5)},
    }
    found = agreement(scores)
    assert found.pairs == 3
    assert found.icc_pairs == 2
    assert found.icc == icc_2_1([[F(2), F(2), F(3)], [F(5), F(5), F(5)]])


def test_nothing_to_compare() -> None:
    empty = Agreement((), 0, None, None, None, None, None, None, None, 0)
    assert agreement({}) == empty
    only_one = agreement({"Ana": {("i0", "A"): F(4)}})
    assert (only_one.pairs, only_one.exact, only_one.kappa, only_one.icc) == (0, None, None, None)
    one_pair = agreement(two([F(4)], [F(5)]))
    assert (one_pair.pairs, one_pair.exact, one_pair.flagged) == (1, F(0), F(1))
    assert (one_pair.kappa, one_pair.icc) == (None, None)


def test_scorecard_columns() -> None:
    scores = {("i1", "A"): F(4), ("i0", "G"): F(9, 2)}
    card = scorecard_columns(scores, ["i0", "i1"])
    assert list(card) == list(DIMENSIONS)
    assert card["A"] == [None, F(4)]
    assert card["G"] == [F(9, 2), None]
    assert card["B"] == [None, None]
    with pytest.raises(ValueError, match="not in the order"):
        scorecard_columns(scores, ["i0"])


# --- properties ---------------------------------------------------------------------------------

steps = st.sampled_from(LEVEL_STEPS)
cells = st.tuples(st.sampled_from([f"i{n}" for n in range(5)]), st.sampled_from(DIMENSIONS))
one_scorer = st.dictionaries(cells, steps, max_size=20)
scorers = st.dictionaries(st.sampled_from(["Ana", "Ben", "Cy"]), one_scorer, max_size=3)
ORDER = [f"i{n}" for n in range(5)]


@given(one_scorer)
def test_identical_scorers_agree_perfectly(scores: dict[tuple[str, str], F]) -> None:
    found = agreement({"Ana": scores, "Ben": dict(scores)})
    assert found.pairs == len(scores)
    if scores:
        assert found.exact == found.within_half == F(1)
        assert found.flagged == F(0)
    values = list(scores.values())
    if len(set(values)) > 1:
        assert found.kappa == 1
        assert found.icc == 1
    else:
        assert found.kappa is None
        assert found.icc is None


@given(scorers)
def test_the_order_of_scorers_changes_nothing(scores: dict[str, dict[tuple[str, str], F]]) -> None:
    found = agreement(scores)
    reversed_ = agreement(dict(reversed(list(scores.items()))))
    assert {**vars(found), "scorers": None} == {**vars(reversed_), "scorers": None}
    table = side_by_side(scores, ORDER)
    other = side_by_side(dict(reversed(list(scores.items()))), ORDER)
    assert [(r.spread, r.flagged, r.missing) for r in table.rows] == [
        (r.spread, r.flagged, r.missing) for r in other.rows
    ]
    assert [r.scores for r in table.rows] == [tuple(reversed(r.scores)) for r in other.rows]


@given(scorers)
def test_shares_and_bands_are_in_range(scores: dict[str, dict[tuple[str, str], F]]) -> None:
    found = agreement(scores)
    for share in (found.exact, found.within_half, found.flagged):
        assert share is None or 0 <= share <= 1
    assert (found.exact is None) == (found.pairs == 0)
    if found.exact is not None and found.within_half is not None:
        assert found.exact <= found.within_half
    assert found.kappa is None or found.kappa <= 1
    assert found.icc is None or found.icc <= 1
    assert (found.kappa_band is None) == (found.kappa is None)
    assert (found.icc_band is None) == (found.icc is None)
    assert found.icc_pairs <= found.pairs


@given(scorers)
def test_flagged_exactly_when_a_level_or_more_apart(
    scores: dict[str, dict[tuple[str, str], F]],
) -> None:
    table = side_by_side(scores, ORDER)
    scored = {cell for given in scores.values() for cell in given}
    assert len(table.rows) == len(scored)
    for row in table.rows:
        present = [s for s in row.scores if s is not None]
        assert present
        assert row.spread == max(present) - min(present)
        assert row.flagged == (row.spread >= 1)
        assert row.missing == (len(present) < len(scores))
