"""Coordinator reports: the preassessment and capacity reports (text, JSON), a chart, exports."""

from bot.reports.capacity import (
    CapacityReport,
    build_capacity_report,
    capacity_json,
    capacity_text,
)
from bot.reports.chart import readiness_chart
from bot.reports.export import (
    DictionaryEntry,
    Table,
    dictionary_markdown,
    export_table,
    to_csv,
    to_xlsx,
)
from bot.reports.preassessment import (
    K_MIN,
    PreassessmentReport,
    RatingSummary,
    SectorCoverage,
    build_preassessment_report,
    comment_keys,
    comments_text,
    preassessment_json,
    preassessment_text,
    priorities_text,
)

__all__ = [
    "K_MIN",
    "CapacityReport",
    "DictionaryEntry",
    "PreassessmentReport",
    "RatingSummary",
    "SectorCoverage",
    "Table",
    "build_capacity_report",
    "build_preassessment_report",
    "capacity_json",
    "capacity_text",
    "comment_keys",
    "comments_text",
    "dictionary_markdown",
    "export_table",
    "preassessment_json",
    "preassessment_text",
    "priorities_text",
    "readiness_chart",
    "to_csv",
    "to_xlsx",
]
