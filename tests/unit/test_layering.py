"""Dependencies point one way: only bot/telegram imports telegram; scoring and questions stand
alone.

Every .py file is parsed (not imported), so an import hidden in a function is found too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRANSPORT_FREE = ("questions", "scoring", "bot/flows")
STANDALONE = ("questions", "scoring")


def python_files(folder: str) -> list[Path]:
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files, f"no Python files under {folder}"
    return files


def imported_modules(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import; relative ones resolved against the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = path.relative_to(root).with_suffix("").parts[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # `from bot import telegram` imports a module too.
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return found


def is_within(module: str, top: str) -> bool:
    return module == top or module.startswith(top + ".")


def offenders(folders: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for folder in folders:
        for path in python_files(folder):
            for line, module in imported_modules(path):
                if any(is_within(module, top) for top in forbidden):
                    bad.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return bad


def test_no_telegram_outside_the_adapter() -> None:
    assert offenders(TRANSPORT_FREE, ("telegram", "bot.telegram")) == []


def test_scoring_and_questions_import_nothing_from_bot() -> None:
    assert offenders(STANDALONE, ("bot",)) == []


def test_scoring_does_not_import_questions_loader() -> None:
    """Scoring takes a model as an argument; it never reads YAML files itself."""
    assert offenders(("scoring",), ("questions.loader", "yaml")) == []


@pytest.mark.parametrize(
    ("source", "where", "expected"),
    [
        ("import telegram\n", "bot/flows/x.py", "telegram"),
        ("from telegram.ext import Application\n", "bot/flows/x.py", "telegram.ext"),
        ("def f():\n    import telegram\n", "scoring/x.py", "telegram"),
        ("from bot import telegram\n", "bot/flows/x.py", "bot.telegram"),
        ("from .. import telegram\n", "bot/flows/x.py", "bot.telegram"),
        ("from ..i18n import N_\n", "bot/flows/x.py", "bot.i18n"),
    ],
)
def test_the_checker_sees_every_form_of_import(
    tmp_path: Path, source: str, where: str, expected: str
) -> None:
    path = tmp_path / where
    path.parent.mkdir(parents=True)
    path.write_text(source, encoding="utf-8")
    assert expected in {module for _, module in imported_modules(path, tmp_path)}
