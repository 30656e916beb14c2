"""Console interviews through the command line, kept in the bot's SQLite file: every step,
resume, submission, and the same submission rules (closed campaigns, notices) as Telegram."""

from __future__ import annotations

import asyncio
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.privacy import RECEIPT_ALPHABET, new_resume_code
from bot.services.coordinator import create_campaign
from bot.storage.db import Store
from questions.loader import default_library

CHECKLIST = default_library().bank("capacity_checklist")


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


def checklist_lines() -> list[str]:
    lines = [""]  # what is kept: Enter continues
    for question in CHECKLIST.questions:
        if question.kind.value == "info":
            lines.append("")
        elif question.kind.value == "text":
            lines.append("We refer to the county shelter.")
        else:
            lines.append("1")
    return [*lines, ""]  # the review: Enter submits


async def campaign_with_coordinator(database: Path, flow: str) -> str:
    store = await Store.open(database)
    try:
        async with store.transaction() as tx:
            created = await create_campaign(
                tx, name="Phone round", community_type="rural", flow=flow
            )
            await tx.coordinators.add(4242, created.campaign.id, "en")
        return created.campaign.id
    finally:
        await store.close()


def test_each_answer_is_committed_and_quit_offers_a_resume_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = run_console(
        monkeypatch, capsys, ["", "", "Our county, write me at ana@example.org", "quit"]
    )
    assert status == 0
    (state,) = sessions(tmp_path / "readiness.db")
    assert state["answers"] == {"community": "Our county, write me at [email]"}
    assert "--resume" in out
    assert b"ana@example.org" not in (tmp_path / "readiness.db").read_bytes()
    code = out.rsplit("--resume ", 1)[1].split()[0]

    status, out = run_console(monkeypatch, capsys, ["1", "quit"], "--resume", code)
    assert status == 0
    assert "Welcome back" in out
    (state,) = sessions(tmp_path / "readiness.db")
    assert state["answers"] == {
        "community": "Our county, write me at [email]",
        "sector": "government",
    }


def test_a_resumed_interview_keeps_its_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = run_console(monkeypatch, capsys, ["", "", "Mi condado", "salir"], "--lang", "es")
    code = out.rsplit("--resume ", 1)[1].split()[0]
    flow_and_code = f"--flow preassessment --resume {code}"
    # Started in Spanish; resumed without --lang (so English by default) and stopped again.
    _, out = run_console(monkeypatch, capsys, ["salir"], "--resume", code)
    assert "¿En qué sector trabaja?" in out
    assert "Escriba el número de una opción." in out  # the words to type, in Spanish
    assert f"Para continuar más tarde: readiness-bot console {flow_and_code}" in out
    for english in ("Type the number", "To continue later", "Stopped", "Welcome back", "Question"):
        assert english not in out
    (state,) = sessions(tmp_path / "readiness.db")
    assert state["answers"] == {"community": "Mi condado"}


def test_a_missing_catalog_directory_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["console", "--catalogs", str(tmp_path / "nowhere")]) == 2
    assert "no catalog directory" in capsys.readouterr().err


def test_unknown_resume_code_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _ = run_console(monkeypatch, capsys, [], "--resume", "nope")
    assert status == 2


def test_a_submitted_console_interview_becomes_an_unlinked_response(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = run_console(monkeypatch, capsys, checklist_lines(), "--flow", "capacity")
    assert status == 0
    assert "Receipt code:" in out
    with sqlite3.connect(tmp_path / "readiness.db") as db:
        assert db.execute("SELECT COUNT(*) FROM sessions").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM responses").fetchone() == (1,)
        stored = dict(db.execute("SELECT question_id, value FROM answers").fetchall())
    assert json.loads(stored["role_limits"]) == "We refer to the county shelter."


def test_a_console_submission_notifies_the_campaigns_coordinators(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Queued in the outbox as a view; the bot's sender renders and sends it."""
    database = tmp_path / "readiness.db"
    campaign_id = asyncio.run(campaign_with_coordinator(database, "capacity_checklist"))
    status, _ = run_console(
        monkeypatch, capsys, checklist_lines(), "--flow", "capacity", "--campaign", campaign_id
    )
    assert status == 0
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT kind, payload FROM outbox").fetchall()
        assert db.execute("SELECT COUNT(*) FROM completions").fetchone() == (1,)
    assert [kind for kind, _ in rows] == ["view"]
    view = json.loads(rows[0][1])["view"]
    assert (view["kind"], view["campaign_id"], view["count"]) == ("summary", campaign_id, 1)


def test_a_campaign_closed_during_the_interview_takes_no_submission(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "readiness.db"
    campaign_id = asyncio.run(campaign_with_coordinator(database, "capacity_checklist"))
    lines = checklist_lines()
    _, out = run_console(
        monkeypatch, capsys, [*lines[:-1], "quit"], "--flow", "capacity", "--campaign", campaign_id
    )
    code = out.rsplit("--resume ", 1)[1].split()[0]
    with sqlite3.connect(database) as db:
        db.execute("UPDATE campaigns SET closed_at = 'now'")
    status, out = run_console(monkeypatch, capsys, [""], "--resume", code)
    assert status == 0
    assert "This assessment has closed" in out
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM responses").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM outbox").fetchone() == (0,)


def test_no_store_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _ = run_console(monkeypatch, capsys, ["", "", "Our county", "quit"], "--no-store")
    assert status == 0
    assert not (tmp_path / "readiness.db").exists()
    assert not (tmp_path / "readiness.key").exists()


def test_resume_codes_read_out_and_never_look_like_an_option() -> None:
    """A code is read out over the phone and typed after --resume: letters in groups, never
    a leading '-' that the command line would take for an option."""
    codes = {new_resume_code() for _ in range(2_000)}
    assert len(codes) == 2_000
    for code in codes:
        assert re.fullmatch(f"[{RECEIPT_ALPHABET}]{{4}}-[{RECEIPT_ALPHABET}]{{4}}", code), code


FULL = default_library().bank("full_assessment")


def full_assessment_lines(note: str) -> list[str]:
    """The interviewer at the terminal: Enter past each script part, her note under each
    question, the first option of each grid item; Enter submits the review."""
    lines = []
    for question in FULL.questions:
        if question.kind.value == "info":
            lines.append("")
        elif question.kind.value == "text":
            lines.append(note)
        else:
            lines.append("1")
    return [*lines, ""]


def test_an_interviewer_conducts_the_full_assessment_at_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Appendix D read out and noted from a terminal: no privacy screen of her own (the
    script asks the respondent), a label for the scorers, and no completion record that
    would stop her conducting the next one."""
    database = tmp_path / "readiness.db"
    campaign_id = asyncio.run(campaign_with_coordinator(database, "full_assessment"))
    lines = full_assessment_lines("She says the task force meets monthly.")
    args = ("--flow", "full-assessment", "--campaign", campaign_id)
    for _ in range(2):
        status, out = run_console(monkeypatch, capsys, lines, *args)
        assert status == 0, out
        assert re.search(r"Interview [A-Z0-9]{4} is recorded", out), out[-2000:]
    with sqlite3.connect(database) as db:
        labels = db.execute("SELECT label, bank FROM responses").fetchall()
        assert db.execute("SELECT COUNT(*) FROM completions").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM sessions").fetchone() == (0,)
        noted = db.execute("SELECT COUNT(*) FROM answers WHERE value LIKE '%monthly%'").fetchone()
    assert len({label for label, _ in labels}) == 2 and {b for _, b in labels} == {FULL.id}
    assert noted[0] == 2 * sum(1 for q in FULL.questions if q.kind.value == "text")


def test_the_full_assessment_needs_a_campaign_at_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["console", "--flow", "full-assessment"]) == 2
    assert "conducted for a campaign: --campaign ID" in capsys.readouterr().err
