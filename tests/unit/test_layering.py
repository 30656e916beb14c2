"""The layering rules of DESIGN.md: dependencies point one way
(`channels/* -> services -> flows -> questions, scoring`; `services -> storage, reports`).

Only channels/telegram imports telegram; only storage imports aiosqlite or sqlite3; services,
flows, scoring and questions import no channel. Every .py file is parsed (not imported), so an
import hidden in a function is found too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PURE = ("questions", "scoring", "bot/flows")
STANDALONE = ("questions", "scoring")
CHANNEL_FREE = ("questions", "scoring", "bot/flows", "bot/services", "bot/storage", "bot/reports")
SQL = ("aiosqlite", "sqlite3")
IO = ("aiosqlite", "sqlite3", "aiohttp", "httpx", "socket", "requests", "urllib.request")


def everything_but(*kept: str) -> tuple[str, ...]:
    """Every top-level folder of code except `kept` (and their subfolders)."""
    folders = ["questions", "scoring", "bench"]
    folders += [
        f"bot/{p.name}" for p in (ROOT / "bot").iterdir() if p.is_dir() and any(p.rglob("*.py"))
    ]
    folders += ["bot/channels/console", "bot/channels/web"]
    return tuple(f for f in folders if not any(f == k or f.startswith(k + "/") for k in kept))


def top_level_files() -> list[Path]:
    return sorted((ROOT / "bot").glob("*.py"))


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


def test_only_the_telegram_channel_imports_telegram() -> None:
    folders = tuple(f for f in everything_but("bot/channels") if f != "bench")
    channels = ("bot/channels/console", "bot/channels/web")
    found = offenders(folders, ("telegram",)) + offenders(channels, ("telegram",))
    found += [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in top_level_files()
        for line, module in imported_modules(path)
        if is_within(module, "telegram")
    ]
    assert found == []


def test_only_storage_speaks_sql() -> None:
    folders = tuple(f for f in everything_but("bot/storage") if f != "bench")
    found = offenders(folders, SQL) + [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in top_level_files()
        for line, module in imported_modules(path)
        if any(is_within(module, top) for top in SQL)
    ]
    assert found == []


def test_services_flows_scoring_and_questions_import_no_channel() -> None:
    assert offenders(CHANNEL_FREE, ("bot.channels", "telegram", "aiohttp")) == []


def test_pure_packages_do_no_io() -> None:
    assert offenders(PURE, (*IO, "bot.storage", "bot.services", "bot.channels")) == []


def test_channels_do_not_import_each_other() -> None:
    """Each channel drives the services on its own; one process may run several side by side,
    put together by the command line, not by one channel importing another."""
    channels = ("console", "telegram", "web")
    for channel in channels:
        others = tuple(f"bot.channels.{c}" for c in channels if c != channel)
        assert offenders((f"bot/channels/{channel}",), others) == [], channel


def test_storage_knows_no_service_or_channel() -> None:
    assert offenders(("bot/storage",), ("bot.services", "bot.channels", "bot.reports")) == []


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
