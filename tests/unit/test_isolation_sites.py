"""Values set into Arabic text are isolated at every call site, not only in the newer screens.

`Translator.format` (a message) and `Translator.fill` (a text already translated, such as an
`ngettext` plural) wrap each value in U+2068 ... U+2069 in a right-to-left locale, so a
campaign's name, a code, a number or a date keeps its order and does not reorder the Arabic
around it. `tr.gettext(...).format(...)` does not: the guard below fails on any left in bot/.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.i18n import translator
from bot.render import who_asks
from bot.reports import (
    build_capacity_report,
    build_preassessment_report,
    capacity_text,
    preassessment_text,
)
from questions.loader import Library
from tests.helpers.report_samples import (
    CAMPAIGN,
    CAPACITY_CAMPAIGN,
    capacity_responses,
    preassessment_responses,
)

FSI, PDI = "\u2068", "\u2069"
BIDI_CONTROLS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ROOT = Path(__file__).resolve().parents[2]
SCORERS = "{count} interview, scored by {scorers}."
SCORERS_PLURAL = "{count} interviews, scored by {scorers}."


# --- Translator.fill: the plural's way to isolated values ------------------------------------


def test_fill_isolates_values_in_arabic_and_keeps_the_plural_form_chosen_by_n() -> None:
    ar = translator("ar")
    one = ar.fill(ar.ngettext(SCORERS, SCORERS_PLURAL, 1), count=1, scorers="Ana, Bo")
    three = ar.fill(ar.ngettext(SCORERS, SCORERS_PLURAL, 3), count=3, scorers="Ana, Bo")
    assert f"{FSI}Ana, Bo{PDI}" in one and f"{FSI}Ana, Bo{PDI}" in three
    assert one == ar.ngettext(SCORERS, SCORERS_PLURAL, 1).format(
        count=1, scorers=f"{FSI}Ana, Bo{PDI}"
    )
    assert one != three and "interview" not in one  # Arabic, and its own form for one
    assert "3" in three and f"{FSI}3{PDI}" not in three  # a bare int needs no isolate


@pytest.mark.parametrize("locale", ["en", "es"])
def test_fill_is_plain_str_format_in_a_left_to_right_language(locale: str) -> None:
    tr = translator(locale)
    for n in (1, 2, 5):
        text = tr.ngettext(SCORERS, SCORERS_PLURAL, n)
        filled = tr.fill(text, count=n, scorers="Ana, Bo")
        assert filled == text.format(count=n, scorers="Ana, Bo")
        assert not BIDI_CONTROLS & set(filled)
    en = translator("en")
    assert en.fill(en.ngettext(SCORERS, SCORERS_PLURAL, 1), count=1, scorers="A") == (
        "1 interview, scored by A."
    )
    assert en.fill(en.ngettext(SCORERS, SCORERS_PLURAL, 4), count=4, scorers="A") == (
        "4 interviews, scored by A."
    )


def test_format_is_fill_of_the_translated_message() -> None:
    for locale in ("ar", "en"):
        tr = translator(locale)
        message = "Preassessment report: {name}"
        assert tr.format(message, name="K7TF") == tr.fill(tr.gettext(message), name="K7TF")


# --- the converted call sites -----------------------------------------------------------------


def test_the_arabic_preassessment_report_isolates_the_name_and_the_numbers(
    library: Library,
) -> None:
    report = build_preassessment_report(CAMPAIGN, preassessment_responses(), library)
    ar = translator("ar")
    text = preassessment_text(report, library, ar)
    assert f"{FSI}{CAMPAIGN.name}{PDI}" in text.splitlines()[0]
    overall = report.assessment.overall
    assert overall is not None
    assert f"{FSI}{ar.number(overall.score)}{PDI}" in text
    first = report.assessment.dimensions["A"]
    assert f"{FSI}{ar.number(first.score)}{PDI}" in text
    assert text.count(FSI) == text.count(PDI)


def test_the_english_preassessment_report_has_no_bidi_control(library: Library) -> None:
    report = build_preassessment_report(CAMPAIGN, preassessment_responses(), library)
    text = preassessment_text(report, library, translator("en"))
    assert CAMPAIGN.name in text
    assert not BIDI_CONTROLS & set(text)


def test_the_capacity_report_isolates_the_name_in_arabic_only(library: Library) -> None:
    report = build_capacity_report(CAPACITY_CAMPAIGN, capacity_responses(), library)
    arabic = capacity_text(report, library, translator("ar"))
    assert f"{FSI}{CAPACITY_CAMPAIGN.name}{PDI}" in arabic.splitlines()[0]
    english = capacity_text(report, library, translator("en"))
    assert CAPACITY_CAMPAIGN.name in english and not BIDI_CONTROLS & set(english)


def test_the_respondents_screens_isolate_the_community_and_the_organisation() -> None:
    arabic = who_asks(translator("ar"), "Riverside County", "", "Riverside Task Force 3")
    shown = "\n".join(arabic)
    assert f"{FSI}Riverside County{PDI}" in shown
    assert f"{FSI}Riverside Task Force 3{PDI}" in shown
    english = "\n".join(who_asks(translator("en"), "Riverside County", "", "Task Force 3"))
    assert "Riverside County" in english and not BIDI_CONTROLS & set(english)


# --- the guard: no new tr.gettext(...).format(...) in bot/ -----------------------------------

TRANSLATING = frozenset({"gettext", "ngettext", "_"})
"""`_` is the `_ = tr.gettext` alias of bot/scorecard_report.py and bot/workbench_report.py."""
NOT_CONVERTED: dict[str, str] = {
    "bot/reports/chart.py": "chart text goes to matplotlib, which lays out bidi itself",
    "bot/reports/scored_chart.py": "chart text goes to matplotlib, which lays out bidi itself",
}
"""Whole files left as they are, and why."""
NOT_CONVERTED_FUNCTIONS: dict[tuple[str, str], str] = {
    ("bot/render.py", "stage_label"): (
        "its only text value is a stage name translated into the same language, and "
        "bot/reports/chart.py draws it: no isolates in a chart"
    ),
    ("bot/services/team.py", "join"): (
        "the default name is stored as the member's name and matched by name on import; "
        "it is isolated where it is shown"
    ),
    ("bot/cli/console.py", "_resume_hint"): (
        "the value is a command line to copy into a shell: an isolate would go with it"
    ),
}
"""Single functions left as they are, and why."""


def _called(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


class _Finder(ast.NodeVisitor):
    """`X.gettext(m).format(...)` / `X.ngettext(s, p, n).format(...)` / `_(m).format(...)`,
    each with the function it is in; and `X.format("literal", ...)` or `X.fill(...)` of a bare
    literal, which pybabel does not extract (it must be `N_("...")`)."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str | None, str]] = []
        self._function: list[str] = []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._function.append(node.name)
        self.generic_visit(node)
        self._function.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        where = self._function[-1] if self._function else None
        if isinstance(func, ast.Attribute) and func.attr == "format":
            inner = func.value
            if isinstance(inner, ast.Call) and _called(inner.func) in TRANSLATING:
                self.found.append((node.lineno, where, f"{_called(inner.func)}(...).format(...)"))
            elif (
                not isinstance(inner, ast.Constant | ast.JoinedStr)
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                self.found.append((node.lineno, where, "format() of a literal without N_()"))
        if isinstance(func, ast.Attribute) and func.attr == "fill" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                self.found.append((node.lineno, where, "fill() of an untranslated literal"))
        self.generic_visit(node)


def unconverted_in(source: str) -> list[tuple[int, str | None, str]]:
    finder = _Finder()
    finder.visit(ast.parse(source))
    return finder.found


def test_no_call_site_in_bot_formats_a_translation_itself() -> None:
    left = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in NOT_CONVERTED:
            continue
        for line, function, what in unconverted_in(path.read_text(encoding="utf-8")):
            if (relative, function or "") not in NOT_CONVERTED_FUNCTIONS:
                left.append(f"{relative}:{line}: {what}")
    assert not left, (
        "use tr.format(MSGID, ...) or tr.fill(tr.ngettext(...), ...), which isolate values in "
        "right-to-left text:\n" + "\n".join(left)
    )


def test_every_exception_still_has_what_it_excuses() -> None:
    """An exception no longer needed goes, so it cannot hide a new call site later."""
    for relative in NOT_CONVERTED:
        assert unconverted_in((ROOT / relative).read_text(encoding="utf-8")), relative
    for relative, function in NOT_CONVERTED_FUNCTIONS:
        found = unconverted_in((ROOT / relative).read_text(encoding="utf-8"))
        assert any(where == function for _, where, _ in found), (relative, function)


@pytest.mark.parametrize(
    "source",
    [
        "tr.gettext(N_('Level {level}')).format(level=3)",
        "self.tr.gettext(texts.RECEIPT).format(code=code)",
        "translator(locale).gettext(hint).format(command=command)",
        "tr.ngettext('{count} day', '{count} days', n).format(count=n)",
        "tr.ngettext(\n    '{count} day',\n    '{count} days',\n    n,\n).format(count=n)",
        "_(N_('Goal: {goal}')).format(goal=goal)",
        "tr.format('Level {level}', level=3)",
        "tr.fill('{count} days', count=n)",
    ],
)
def test_the_guard_finds_a_site_left(source: str) -> None:
    assert unconverted_in(source)


@pytest.mark.parametrize(
    "source",
    [
        "tr.format(N_('Level {level}'), level=3)",
        "tr.format(texts.RECEIPT, code=code)",
        "tr.fill(tr.ngettext('{count} day', '{count} days', n), count=n)",
        "'{a} {b}'.format(a=1, b=2)",
        "f'{x}'.format()",
        "tr.gettext(N_('Sectors'))",
    ],
)
def test_the_guard_lets_a_converted_site_pass(source: str) -> None:
    assert unconverted_in(source) == []


def test_the_guard_names_the_function() -> None:
    source = "def days(tr, n):\n    return tr.ngettext('a', 'b', n).format(count=n)\n"
    assert unconverted_in(source) == [(2, "days", "ngettext(...).format(...)")]
