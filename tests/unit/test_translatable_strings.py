"""Every string meant for translation is one pybabel can extract: a plain literal.

pybabel reads the source, not the running program: a message built at run time (an f-string,
a concatenation, a `.format()` before translation) is never extracted, and neither is a
literal inside an f-string (Python 3.11 tokenises a whole f-string as one string). Both reach
a Spanish reader in English. A message taken from a name (`tr.gettext(texts.RECEIPT)`) was
marked where it was defined; the pseudo-locale test checks at run time that it was.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "questions", "scoring")
MARKERS = frozenset({"N_"})
"""Mark a literal for extraction: the argument must be the literal itself."""
TRANSLATORS = frozenset({"_", "gettext", "ngettext"})
"""Translate a message: a literal, a marked literal, or a name for one marked elsewhere."""
REFERENCES = (ast.Name, ast.Attribute, ast.Subscript)


def python_files() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def _called(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _is_literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_message(node: ast.expr) -> bool:
    """What a translating call may be given without hiding its text from pybabel."""
    if _is_literal(node) or isinstance(node, REFERENCES):
        return True
    if isinstance(node, ast.Call) and _called(node) in MARKERS:
        return True  # the marker's own argument is checked where the walk reaches it
    if isinstance(node, ast.IfExp):
        return _is_message(node.body) and _is_message(node.orelse)
    return False


def _message_arguments(node: ast.Call) -> list[ast.expr]:
    name = _called(node)
    count = 2 if name == "ngettext" else 1
    return list(node.args[:count]) if name in MARKERS | TRANSLATORS else []


class _Finder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.problems: list[tuple[int, str]] = []
        self._in_fstring = 0

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self._in_fstring += 1
        self.generic_visit(node)
        self._in_fstring -= 1

    def visit_Call(self, node: ast.Call) -> None:
        name = _called(node)
        arguments = _message_arguments(node)
        if name in MARKERS and not (arguments and _is_literal(arguments[0])):
            self.problems.append((node.lineno, f"{name}() of something other than a literal"))
        elif name in TRANSLATORS and not all(_is_message(a) for a in arguments):
            self.problems.append((node.lineno, f"{name}() of a string built at run time"))
        if self._in_fstring and any(_is_literal(a) for a in arguments):
            self.problems.append((node.lineno, f"{name}() of a literal inside an f-string"))
        self.generic_visit(node)


def problems_in(source: str) -> list[tuple[int, str]]:
    finder = _Finder()
    finder.visit(ast.parse(source))
    return finder.problems


def all_problems() -> Iterator[str]:
    for path in python_files():
        for line, problem in problems_in(path.read_text(encoding="utf-8")):
            yield f"{path.relative_to(ROOT)}:{line}: {problem}"


def test_every_translatable_string_can_be_extracted() -> None:
    found = list(all_problems())
    assert not found, "pybabel cannot extract these:\n" + "\n".join(found)


def test_the_packages_are_all_read() -> None:
    files = {str(path.relative_to(ROOT)) for path in python_files()}
    assert {"bot/reports/capacity.py", "questions/loader.py", "scoring/readiness.py"} <= files


@pytest.mark.parametrize(
    "source",
    [
        "f\"<b>{N_('Sectors')}</b>\"",
        "f\"<b>{_e(tr.gettext(N_('Answers per area')))}</b>\"",
        "f\"{tr.gettext('Sectors')}\"",
        "N_(f'Action plan {number}')",
        "N_(TITLE)",
        "N_()",
        "tr.gettext(f'Level {level}')",
        "tr.gettext('Level ' + str(level))",
        "tr.gettext('Level {level}'.format(level=3))",
        "tr.gettext(N_('Level') if a else 'Level ' + b)",
        "tr.ngettext('{count} item', f'{count} items', n)",
        "_('%s dimensions' % count)",
    ],
)
def test_a_message_pybabel_cannot_see_is_found(source: str) -> None:
    assert problems_in(source)


@pytest.mark.parametrize(
    "source",
    [
        "N_('Sectors')",
        "tr.format(N_('Action plan {number}'), number=number)",
        "tr.gettext(texts.RECEIPT)",
        "tr.gettext(LABELS[value])",
        "tr.gettext(ct.STATE_OPEN if is_open else ct.STATE_CLOSED)",
        "tr.ngettext('{count} item', '{count} items', n).format(count=n)",
        "f'<b>{_e(tr.gettext(question.prompt))}</b>'",
        "f'<b>{html.escape(heading)}</b>'",
        "_(N_('Calculated scorecard'))",
    ],
)
def test_an_extractable_message_passes(source: str) -> None:
    assert problems_in(source) == []


def test_problems_name_the_line() -> None:
    source = "x = 1\nlines = [f\"<b>{tr.gettext(N_('Sectors'))}</b>\"]\n"
    assert problems_in(source) == [(2, "N_() of a literal inside an f-string")]
