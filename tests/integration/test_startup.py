"""A database or key file that cannot be used stops every command at once with one line that
names the file and what to do: exit status 2, no traceback, no hang."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

TOKEN = "424242:TEST-token-for-the-fake-bot-api"
COMMANDS = (["campaign", "list"], ["run"], ["report", "abcd1234"], ["doctor"])


def readiness_bot(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "READINESS_DATABASE": str(tmp_path / "readiness.db"),
        "READINESS_SECRET_KEY_FILE": str(tmp_path / "readiness.key"),
        "READINESS_TELEGRAM_TOKEN": TOKEN,
        # Nothing listens here: the bot must fail on the database before it calls Telegram.
        "READINESS_TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_clear_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def create_database(tmp_path: Path) -> None:
    assert readiness_bot(tmp_path, "campaign", "list").returncode == 0


def with_default_files(tmp_path: Path) -> dict[str, str]:
    """The environment of an operator who relies on the data directory: no database setting."""
    env = {k: v for k, v in os.environ.items() if k not in ("READINESS_DATABASE", "XDG_DATA_HOME")}
    env.pop("READINESS_SECRET_KEY_FILE", None)
    return {**env, "HOME": str(tmp_path / "home"), "READINESS_TELEGRAM_TOKEN": ""}


def test_a_database_left_in_the_working_directory_is_not_silently_replaced(
    tmp_path: Path,
) -> None:
    create_database(tmp_path)  # the default before the data directory: ./readiness.db
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "campaign", "list"],
        env=with_default_files(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert_one_clear_line(result, "readiness.db", "READINESS_DATABASE=", "move")
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_garbage_database(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "readiness.db").write_bytes(os.urandom(20_000))
    result = readiness_bot(tmp_path, *command)
    if command == ["doctor"]:
        assert result.returncode == 2 and "not a SQLite database" in result.stdout
        return
    assert_one_clear_line(result, "readiness.db", "not a SQLite database", "backup")


def test_a_truncated_database_stops_the_bot(tmp_path: Path) -> None:
    create_database(tmp_path)
    with sqlite3.connect(tmp_path / "readiness.db") as db:
        db.execute("CREATE TABLE filler (x TEXT)")
        db.executemany("INSERT INTO filler VALUES (?)", [("x" * 900,)] * 400)
    data = (tmp_path / "readiness.db").read_bytes()
    (tmp_path / "readiness.db").write_bytes(data[: len(data) // 2])
    for leftover in tmp_path.glob("readiness.db-*"):
        leftover.unlink()
    assert_one_clear_line(readiness_bot(tmp_path, "run"), "readiness.db", "backup")


def test_a_read_only_database(tmp_path: Path) -> None:
    create_database(tmp_path)
    database = tmp_path / "readiness.db"
    if os.geteuid() == 0:
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", str(database)]).returncode:
            pytest.skip("as root, a read-only file needs chattr +i")
    else:
        database.chmod(0o400)
    try:
        for command in (["campaign", "list"], ["run"]):
            assert_one_clear_line(readiness_bot(tmp_path, *command), "readiness.db", "read-only")
    finally:
        subprocess.run(["chattr", "-i", str(database)], capture_output=True)
        database.chmod(0o600)


def test_a_lost_key_file_is_not_silently_replaced(tmp_path: Path) -> None:
    create_database(tmp_path)
    (tmp_path / "readiness.key").unlink()
    for command in (["campaign", "list"], ["run"]):
        assert_one_clear_line(readiness_bot(tmp_path, *command), "readiness.key", "missing")
    assert not (tmp_path / "readiness.key").exists()


def test_another_databases_key_file_is_refused(tmp_path: Path) -> None:
    create_database(tmp_path)
    (tmp_path / "readiness.key").write_text(os.urandom(32).hex() + "\n")
    (tmp_path / "readiness.key").chmod(0o600)
    assert_one_clear_line(readiness_bot(tmp_path, "run"), "readiness.key", "does not belong")


def test_a_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    create_database(tmp_path)
    (tmp_path / "readiness.key").chmod(0o644)
    assert_one_clear_line(readiness_bot(tmp_path, "run"), "readiness.key", "chmod 600")


def test_doctor_reports_a_healthy_installation(tmp_path: Path) -> None:
    create_database(tmp_path)
    result = readiness_bot(tmp_path, "doctor")
    lines = result.stdout.strip().splitlines()
    # The token check fails (nothing listens on port 9); every local check passes.
    problems = [line for line in lines if line.startswith("PROBLEM")]
    assert result.returncode == 2
    assert len(problems) == 1 and "token" in problems[0], lines
    assert any("integrity ok" in line for line in lines)
    assert any("key file: matches" in line for line in lines)
    assert any("0 message(s) or update(s) set aside" in line for line in lines)


def damage_a_page(tmp_path: Path) -> None:
    """A torn write in the middle of the file: the header is fine, one table's page is noise."""
    create_database(tmp_path)
    database = tmp_path / "readiness.db"
    with contextlib.closing(sqlite3.connect(database)) as db:
        (page,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'campaigns'"
        ).fetchone()
        (size,) = db.execute("PRAGMA page_size").fetchone()
    with database.open("r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(os.urandom(size))


@pytest.mark.parametrize(
    "command", [["campaign", "list"], ["run"], ["backup", "copy.db"]], ids=" ".join
)
def test_a_damaged_page_stops_every_command_with_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    damage_a_page(tmp_path)
    assert_one_clear_line(readiness_bot(tmp_path, *command), "readiness.db", "backup")


def test_doctor_names_a_damaged_page_once(tmp_path: Path) -> None:
    damage_a_page(tmp_path)
    result = readiness_bot(tmp_path, "doctor")
    problems = [line for line in result.stdout.splitlines() if line.startswith("PROBLEM")]
    assert result.returncode == 2 and not result.stderr, result.stderr
    database = [line for line in problems if "readiness.db" in line]
    assert len(database) == 1 and "damaged" in database[0] and "backup" in database[0]


def test_a_damaged_database_does_not_replace_the_last_backup(tmp_path: Path) -> None:
    create_database(tmp_path)
    assert readiness_bot(tmp_path, "backup", "last.db").returncode == 0
    good = (tmp_path / "last.db").read_bytes()
    damage_a_page(tmp_path)
    result = readiness_bot(tmp_path, "backup", "last.db")
    assert result.returncode == 2 and "integrity" in result.stderr
    assert (tmp_path / "last.db").read_bytes() == good
    assert not list(tmp_path.glob("last.db.*"))


def test_doctor_does_not_create_a_missing_database(tmp_path: Path) -> None:
    env_path = tmp_path / "typo" / "readiness.db"
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "doctor"],
        env={**os.environ, "READINESS_DATABASE": str(env_path), "READINESS_TELEGRAM_TOKEN": ""},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    problems = [line for line in result.stdout.splitlines() if line.startswith("PROBLEM")]
    assert result.returncode == 2
    assert len(problems) == 1 and "does not exist" in problems[0], result.stdout
    assert not env_path.parent.exists()


def test_doctor_finds_a_database_others_can_read(tmp_path: Path) -> None:
    create_database(tmp_path)
    (tmp_path / "readiness.db").chmod(0o644)  # what `cp backup.db readiness.db` gives
    result = readiness_bot(tmp_path, "doctor")
    database = [line for line in result.stdout.splitlines() if "readable by others" in line]
    assert len(database) == 1 and database[0].startswith("PROBLEM") and "chmod 600" in database[0]
