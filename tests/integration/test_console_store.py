"""Console interviews are kept in the bot's SQLite file: every step, resume, submission."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.console import ConsoleInterview
from bot.console_store import ConsoleStore
from bot.i18n import translator
from bot.settings import Settings
from questions.loader import default_library


def run_console(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lines: list[str],
    *args: str,
) -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    status = main(["console", *args])
    return status, capsys.readouterr().out


def sessions(database: Path) -> list[dict[str, object]]:
    with sqlite3.connect(database) as db:
        return [json.loads(row[0]) for row in db.execute("SELECT state FROM sessions")]


def test_each_answer_is_committed_and_quit_offers_a_resume_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = run_console(
        monkeypatch, capsys, ["", "", "", "Our county, write me at ana@example.org", "quit"]
    )
    assert status == 0
    (state,) = sessions(tmp_path / "readiness.db")
    assert state["answers"] == {"community": "Our county, write me at [email]"}
    assert "--resume" in out
    assert b"ana@example.org" not in (tmp_path / "readiness.db").read_bytes()
    code = out.rsplit("--resume ", 1)[1].split()[0]

    status, out = run_console(monkeypatch, capsys, ["1", "quit"], "--resume", code)
    assert status == 0
    (state,) = sessions(tmp_path / "readiness.db")
    assert state["answers"] == {
        "community": "Our county, write me at [email]",
        "sector": "government",
    }


def test_unknown_resume_code_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _ = run_console(monkeypatch, capsys, [], "--resume", "nope")
    assert status == 2


def test_a_submitted_console_interview_becomes_an_unlinked_response(tmp_path: Path) -> None:
    library = default_library()
    bank = library.bank("capacity_checklist")
    settings = Settings(database=tmp_path / "c.db", secret_key_file=tmp_path / "c.key")
    store = ConsoleStore(settings, bank)
    answers = []
    for question in bank.questions:
        if question.kind.value == "info":
            answers.append("")
        elif question.kind.value == "text":
            answers.append("We refer to the county shelter.")
        else:
            answers.append("1")
    answers.append("")  # review: Enter submits
    out = io.StringIO()
    try:
        ConsoleInterview(
            library=library,
            bank=bank,
            tr=translator("en"),
            stdin=io.StringIO("\n".join(answers) + "\n"),
            stdout=out,
            recorder=store,
        ).run()
    finally:
        store.close()
    assert "Receipt code:" in out.getvalue()
    with sqlite3.connect(tmp_path / "c.db") as db:
        assert db.execute("SELECT COUNT(*) FROM sessions").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM responses").fetchone() == (1,)
        stored = dict(db.execute("SELECT question_id, value FROM answers").fetchall())
    assert json.loads(stored["role_limits"]) == "We refer to the county shelter."


def test_no_store_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _ = run_console(monkeypatch, capsys, ["", "", "", "Our county", "quit"], "--no-store")
    assert status == 0
    assert not (tmp_path / "readiness.db").exists()
