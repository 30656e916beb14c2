"""Charts of the scored result: the Calculated Scorecard beside the self-rated levels, and each
dimension's level over the rounds of re-assessment. Phone PNGs (1080 x 1350) like chart.py's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import N_, Translator
from bot.reports.chart import (
    BAND_COLOURS,
    BAR,
    BOTTOM,
    FONT,
    LEFT,
    MUTED,
    OVERALL,
    ROWS,
    SMALL,
    STAGE_ROOM,
    WIDTH,
    bands,
    new_figure,
    overall_line,
    png_of,
    titled,
)
from bot.reports.lettering import wrap
from bot.reports.scored import SUGGESTED, ScoredReport, Trend
from bot.results import SELF_RATED_NOTE
from questions.loader import Library
from questions.schema import DIMENSION_IDS

if TYPE_CHECKING:
    from matplotlib.axes import Axes

SELF = "#e07b00"
# One colour per dimension, told apart in colour and in marker for readers who see no colour.
LINE_COLOURS = ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
MARKERS = ("o", "s", "^", "v", "D", "P", "X")


def scored_chart(report: ScoredReport, library: Library, tr: Translator) -> bytes:
    """Each dimension's calculated score as a bar against the nine level bands; where the
    respondents rated themselves (a preassessment), their score as a diamond beside it."""
    figure = new_figure()
    state = N_("final") if report.final else N_("provisional")
    subtitle = tr.ngettext(
        "Scored from {count} interview ({state})",
        "Scored from {count} interviews ({state})",
        report.interviews,
    ).format(count=report.interviews, state=tr.gettext(state))
    top = titled(figure, report.campaign.name, subtitle) - STAGE_ROOM
    axes = figure.add_axes((LEFT, BOTTOM, WIDTH, top - BOTTOM))
    bands(axes, library, tr)
    scored = report.assessment.dimensions
    suggested = report.suggested.dimensions if report.suggested is not None else {}
    names = []
    for row, dimension in enumerate(library.model.dimensions):
        names.append(wrap(f"{dimension.id}. {tr.gettext(dimension.name)}", 20))
        result = scored.get(dimension.id)
        if result is not None:
            score = float(result.score)
            axes.barh(row, score - 1, left=1, height=0.5, color=BAR, zorder=2)
            axes.text(
                score + 0.1,
                row - 0.02,
                tr.number(result.score),
                va="center",
                fontsize=FONT,
                fontweight="bold",
                zorder=4,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            )
        else:
            axes.text(
                1.15,
                row,
                tr.gettext(N_("not scored")),
                va="center",
                fontsize=FONT,
                style="italic",
                color=MUTED,
            )
        own = suggested.get(dimension.id)
        if own is not None:
            axes.plot(
                float(own.score),
                row + 0.33,
                marker="D",
                markersize=11,
                color=SELF,
                markeredgecolor="white",
                linestyle="none",
                zorder=5,
            )
    axes.set_yticks(range(ROWS), names)
    axes.tick_params(axis="y", length=0, labelsize=FONT)
    overall = report.assessment.overall
    if overall is not None:
        overall_line(axes, overall.score, overall.level, library, tr)
    if report.suggested is not None and report.suggested.overall is not None:
        axes.axvline(
            float(report.suggested.overall.score), color=SELF, linewidth=2, linestyle=":", zorder=3
        )
    _legend(axes, tr, with_self=bool(suggested))
    if suggested:
        figure.text(
            0.5,
            0.015,
            wrap(tr.gettext(SELF_RATED_NOTE), 78),
            ha="center",
            va="bottom",
            fontsize=SMALL,
            color=MUTED,
        )
    return png_of(figure)


def _legend(axes: Axes, tr: Translator, *, with_self: bool) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Patch | Line2D] = [
        Patch(color=BAR, label=tr.gettext(N_("Scored (agreed scores)")))
    ]
    if with_self:
        handles.append(
            Line2D(
                [],
                [],
                marker="D",
                color=SELF,
                linestyle="none",
                markersize=9,
                label=tr.gettext(N_("Self-rated (suggested)")),
            )
        )
    axes.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.35, -0.09),
        ncol=2,
        fontsize=SMALL,
        frameon=False,
    )


def trend_chart(trend: Trend, library: Library, tr: Translator) -> bytes:
    """Rounds left to right, levels 1 to 9 up the side, a line per dimension and a bold one for
    the overall level; a round's self-rated (suggested) levels are drawn hollow."""
    figure = new_figure()
    subtitle = tr.ngettext("{count} round", "{count} rounds", len(trend.rounds)).format(
        count=len(trend.rounds)
    )
    top = titled(figure, trend.name, subtitle)
    axes = figure.add_axes((0.14, 0.3, 0.8, top - 0.3 - 0.02))
    count = len(trend.rounds)
    for level in range(1, 10):
        axes.axhspan(level, level + 1, color=BAND_COLOURS[level - 1], zorder=0, linewidth=0)
    axes.set_ylim(1, 10)
    axes.set_yticks([n + 0.5 for n in range(1, 10)], [str(n) for n in range(1, 10)])
    axes.set_yticks(range(1, 11), minor=True)
    axes.tick_params(axis="y", which="major", length=0, labelsize=FONT)
    axes.tick_params(axis="y", which="minor", length=6)
    axes.set_ylabel(tr.gettext(N_("Readiness level")), fontsize=FONT)
    axes.set_xlim(0.5, count + 0.5)
    axes.set_xticks(
        range(1, count + 1),
        [
            tr.gettext(N_("Round {number}")).format(number=r.number) + "\n" + tr.date(r.day)
            for r in trend.rounds
        ],
    )
    axes.tick_params(axis="x", labelsize=SMALL if count > 4 else FONT)
    hollow = [r.source == SUGGESTED for r in trend.rounds]
    series: list[tuple[str, str | None]] = [
        (f"{d.id}. {tr.gettext(d.name)}", d.id) for d in library.model.dimensions
    ]
    series.append((tr.gettext(N_("Overall")), None))
    for index, (label, dimension) in enumerate(series):
        overall = dimension is None
        # Side by side within a round, so that equal levels do not hide each other.
        offset = 0.0 if overall else (index - (len(DIMENSION_IDS) - 1) / 2) * 0.05
        colour = OVERALL if overall else LINE_COLOURS[index]
        marker = "o" if overall else MARKERS[index]
        points = [
            (number + offset, level + 0.5, hollow[number - 1])
            for number, level in enumerate(trend.series(dimension), start=1)
            if level is not None
        ]
        if not points:
            continue
        xs = [x for x, _, _ in points]
        ys = [y for _, y, _ in points]
        axes.plot(
            xs,
            ys,
            color=colour,
            linewidth=3.5 if overall else 1.8,
            linestyle="--" if overall else "-",
            marker=marker,
            markersize=10 if overall else 8,
            zorder=4 if overall else 3,
            label=wrap(label, 34),
        )
        for x, y, empty in points:
            axes.plot(
                x,
                y,
                marker=marker,
                markersize=10 if overall else 8,
                color=colour,
                markerfacecolor="white" if empty else colour,
                linestyle="none",
                zorder=5,
            )
    axes.legend(
        loc="upper center", bbox_to_anchor=(0.45, -0.11), ncol=2, fontsize=SMALL, frameon=False
    )
    if any(hollow):
        note = tr.gettext(
            N_("Hollow points: self-rated (suggested) levels of a preassessment round.")
        )
        figure.text(
            0.5, 0.015, wrap(note, 78), ha="center", va="bottom", fontsize=SMALL, color=MUTED
        )
    if not any(r.levels for r in trend.rounds):
        axes.text(
            0.5,
            0.5,
            wrap(tr.gettext(N_("No levels yet.")), 24),
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=FONT + 4,
            bbox={"boxstyle": "round,pad=0.6", "facecolor": "white", "edgecolor": MUTED},
        )
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return png_of(figure)
