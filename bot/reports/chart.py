"""The preassessment chart: each dimension's score against the nine level bands, as a phone PNG.

Drawn on a private Figure (no pyplot), so concurrent requests share no global state."""

from __future__ import annotations

import io
from fractions import Fraction
from typing import TYPE_CHECKING

from bot.i18n import N_, Translator
from bot.render import stage_label
from bot.reports.lettering import cut, letter, wrap
from bot.reports.preassessment import PreassessmentReport
from bot.results import SELF_RATED_NOTE
from questions.loader import Library

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# 1080 x 1350 pixels: the 4:5 portrait shape a phone shows full width without cropping.
SIZE_INCHES = (7.2, 9.0)
DPI = 150
FONT = 12
SMALL = 11  # the smallest text on the chart; below this a phone screen blurs it
# Low, middle and high thirds of the scale in three hues, alternating light and lighter,
# so the level 4 threshold of the decision is visible at a glance.
BAND_COLOURS = (
    "#fbe3df", "#f6d2cb", "#fbe3df",
    "#fdf3d6", "#f8e6b4", "#fdf3d6",
    "#e2f1e5", "#cce6d2", "#e2f1e5",
)  # fmt: skip
BAR = "#2b5d8a"
OVERALL = "#b3261e"
MUTED = "#555555"
LEFT, BOTTOM, WIDTH = 0.34, 0.15, 0.61  # the plot, in figure fractions; its top follows the title
TITLE_LINE, SUBTITLE_LINE = 0.034, 0.03
STAGE_ROOM = 0.175  # above the plot, for stage names of up to 15 characters a line, turned upright
TITLE_WIDTH, TITLE_LINES = 40, 2
ROWS = 7


def readiness_chart(report: PreassessmentReport, library: Library, tr: Translator) -> bytes:
    """A 1080 x 1350 PNG; with no ratings yet, the empty bands and a note saying so."""
    return png_of(chart_figure(report, library, tr))


def png_of(figure: Figure) -> bytes:
    """The finished figure in the installed fonts, as PNG bytes."""
    letter(figure)
    buffer = io.BytesIO()
    # No bbox_inches="tight": the size must stay exactly 1080 x 1350.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def new_figure() -> Figure:
    """A phone-sized figure of its own (no pyplot state shared between requests)."""
    # Imported here: matplotlib takes about a second to import and only chart requests need it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    return figure


def chart_figure(report: PreassessmentReport, library: Library, tr: Translator) -> Figure:
    """The chart before it becomes pixels, so that the words on it can be read back."""
    figure = new_figure()
    top = _title(figure, report, tr) - STAGE_ROOM
    axes = figure.add_axes((LEFT, BOTTOM, WIDTH, top - BOTTOM))
    bands(axes, library, tr)
    _bars(axes, report, library, tr)
    _overall(axes, report, library, tr)
    if report.assessment.dimensions:
        figure.text(
            0.5,
            0.015,
            wrap(tr.gettext(SELF_RATED_NOTE), 78),
            ha="center",
            va="bottom",
            fontsize=SMALL,
            color=MUTED,
        )
    return figure


def _title(figure: Figure, report: PreassessmentReport, tr: Translator) -> float:
    """Title and subtitle; returns where they end (a figure fraction from the bottom)."""
    counted = tr.ngettext(
        "Preassessment, {count} respondent",
        "Preassessment, {count} respondents",
        report.respondents,
    ).format(count=report.respondents)
    if report.result_provisional:
        counted = tr.gettext(N_("{respondents} (provisional)")).format(respondents=counted)
    return titled(figure, report.campaign.name, counted)


def titled(figure: Figure, name: str, subtitle: str) -> float:
    """The campaign's name in up to two lines, then a subtitle; returns where they end."""
    lines = _title_lines(name)
    title = "\n".join(lines)
    # The name as typed: matplotlib would read text between two "$" as a formula (and raise
    # for a bad one, so that campaign's chart could never be sent).
    figure.text(
        0.5, 0.985, title, ha="center", va="top", fontsize=17, fontweight="bold", parse_math=False
    )
    below = 0.985 - TITLE_LINE * len(lines)
    figure.text(
        0.5,
        below,
        subtitle,
        ha="center",
        va="top",
        fontsize=FONT + 1,
        color=MUTED,
        parse_math=False,
    )
    return below - SUBTITLE_LINE


def _title_lines(name: str) -> list[str]:
    lines = wrap(name, TITLE_WIDTH).split("\n")
    if len(lines) > TITLE_LINES:
        # A longer name would push the plot down; the report text carries it in full.
        rest = " ".join(lines[TITLE_LINES - 1 :])
        lines = [*lines[: TITLE_LINES - 1], cut(rest, TITLE_WIDTH)]
    return lines


def bands(axes: Axes, library: Library, tr: Translator) -> None:
    """The nine levels as shaded bands, each stage name written up its band above the plot."""
    for level in library.model.levels:
        n = level.level
        axes.axvspan(n, n + 1, color=BAND_COLOURS[n - 1], zorder=0, linewidth=0)
        axes.text(
            n + 0.5,
            1.01,
            wrap(tr.gettext(level.stage), 15),
            transform=axes.get_xaxis_transform(),
            rotation=90,
            ha="center",
            va="bottom",
            fontsize=SMALL,
            linespacing=1.0,
        )
    # Level n is every score from n up to n + 1, so its number sits in the middle of its band.
    axes.set_xlim(1, 10)
    axes.set_xticks([n + 0.5 for n in range(1, 10)], [str(n) for n in range(1, 10)])
    axes.set_xticks(range(1, 11), minor=True)
    axes.tick_params(axis="x", which="major", length=0, labelsize=FONT)
    axes.tick_params(axis="x", which="minor", length=6)
    axes.set_xlabel(wrap(tr.gettext(N_("Readiness level")), 50), fontsize=FONT)
    axes.set_ylim(ROWS + 0.4, -0.6)  # A at the top, one spare row below G for the overall label
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)


def _bars(axes: Axes, report: PreassessmentReport, library: Library, tr: Translator) -> None:
    results = report.assessment.dimensions
    names = []
    for row, dimension in enumerate(library.model.dimensions):
        name = f"{dimension.id}. {tr.gettext(dimension.name)}"
        if dimension.id in report.thin:
            name = tr.gettext(N_("{dimension} (provisional)")).format(dimension=name)
        names.append(wrap(name, 20))
        result = results.get(dimension.id)
        if result is None:
            axes.text(
                1.15,
                row,
                tr.gettext(N_("not rated")),
                va="center",
                fontsize=FONT,
                style="italic",
                color=MUTED,
            )
            continue
        score = float(result.score)
        # A provisional score is drawn hollow: it stands on fewer than half the respondents.
        thin = dimension.id in report.thin
        axes.barh(
            row,
            score - 1,
            left=1,
            height=0.56,
            color="white" if thin else BAR,
            edgecolor=BAR,
            hatch="//" if thin else None,
            linewidth=1.5,
            zorder=2,
        )
        axes.text(
            score + 0.1,
            row,
            tr.number(result.score),
            va="center",
            fontsize=FONT,
            fontweight="bold",
            zorder=4,
            # Stays readable where the overall line runs through it.
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
        )
    axes.set_yticks(range(ROWS), names)
    axes.tick_params(axis="y", length=0, labelsize=FONT)
    if not results:
        axes.text(
            5.5,
            (ROWS - 1) / 2,
            wrap(tr.gettext(N_("No ratings yet.")), 24),
            ha="center",
            va="center",
            fontsize=FONT + 4,
            bbox={"boxstyle": "round,pad=0.6", "facecolor": "white", "edgecolor": MUTED},
            zorder=4,
        )


def _overall(axes: Axes, report: PreassessmentReport, library: Library, tr: Translator) -> None:
    overall = report.assessment.overall
    if overall is None:
        if report.assessment.dimensions:
            axes.text(
                1.15,
                ROWS - 0.05,
                wrap(tr.gettext(N_("Overall: needs a score for all seven dimensions.")), 40),
                va="center",
                fontsize=FONT,
                style="italic",
                color=MUTED,
            )
        return
    overall_line(axes, overall.score, overall.level, library, tr)


def overall_line(axes: Axes, score: Fraction, level: int, library: Library, tr: Translator) -> None:
    """The overall score as a dashed line across the bars, with its score and stage."""
    at = float(score)
    axes.axvline(at, color=OVERALL, linewidth=2.5, linestyle="--", zorder=3)
    label = tr.gettext(N_("Overall {score}\n{level}")).format(
        score=tr.number(score), level=stage_label(tr, library.model, level)
    )
    # Keep the label inside the plot: to the right of the line unless that runs off the edge.
    right = at < 6.5
    axes.text(
        at + (0.12 if right else -0.12),
        ROWS - 0.05,
        label,
        ha="left" if right else "right",
        va="center",
        fontsize=FONT,
        fontweight="bold",
        color=OVERALL,
        zorder=4,
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "none"},
    )
