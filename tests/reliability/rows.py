"""One row of the campaign's table: the common figures (where a scenario measures them), named
checks, the scenario's own figures and notes."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.reliability.verify import Figures, StorageFigures

Cell = int | str | None
"""A table cell: a count, a count with its unit ("5,012 updates"), or None: not measured."""


@dataclass(frozen=True)
class Cells:
    """The columns every row has. A scenario that does not measure one leaves it None, shown
    as "—": the table never shows a zero for something nobody counted."""

    runs: Cell = None
    delivered: Cell = None
    stored: Cell = None
    lost: Cell = None
    duplicated: Cell = None
    wrong_respondent: Cell = None
    errors: Cell = None

    @classmethod
    def of(cls, figures: Figures) -> Cells:
        """A swarm scenario's figures: it measures every column."""
        return cls(
            runs=figures.runs,
            delivered=figures.delivered,
            stored=figures.stored,
            lost=figures.lost,
            duplicated=figures.duplicated,
            wrong_respondent=figures.wrong_respondent,
            errors=figures.errors,
        )


@dataclass
class Row:
    """One line of the report: figures, named checks (True = passed) and extra figures."""

    scenario: str
    figures: Figures
    checks: dict[str, bool] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    storage: StorageFigures | None = None
    cells: Cells | None = None
    """The table's columns; None: all of them from `figures` (a swarm scenario)."""
    summary: str = ""
    """A few words for the table's notes column; the details go in the section."""
    skipped: str = ""
    """Why the scenario could not run here (then it has no checks and no figures)."""

    @property
    def columns(self) -> Cells:
        return self.cells if self.cells is not None else Cells.of(self.figures)

    @property
    def passed(self) -> bool:
        return all(self.checks.values())

    @property
    def failed(self) -> list[str]:
        return [name for name, ok in self.checks.items() if not ok]
