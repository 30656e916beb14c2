"""A database or key file that cannot be used stops every command at once with one line that
names the file and what to do: exit status 2, no traceback, no hang."""

from __future__ import annotations

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
