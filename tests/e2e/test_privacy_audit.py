"""Scenario 8, quick form: nothing a respondent is or types can be found in any file the
installation keeps, by reading the files' bytes (`tests/reliability/privacy_audit.py`)."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.reliability import privacy_audit
from tests.reliability.privacy_audit import Source, identity, needles, search, varint


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One run of the real bot process, shared by the tests below (it takes ~15 s)."""
    return asyncio.run(privacy_audit.run(tmp_path_factory.mktemp("audit"), "quick"))


def checks(audit: dict[str, object]) -> dict[str, bool]:
    result = audit["checks"]
    assert isinstance(result, dict)
    return result


def failed(audit: dict[str, object], *names: str) -> str:
    found = "\n  ".join(str(f) for f in audit["findings"])  # type: ignore[attr-defined]
    return f"failed: {[n for n in names if not checks(audit)[n]]}\n  {found}"


def test_the_run_covers_every_kind_of_respondent(audit: dict[str, object]) -> None:
    assert audit["respondents"] == 6
    assert audit["submitted"] == 5 and audit["erased"] == 2 and audit["left open"] == 1
    assert audit["quick exits"] == 3 and audit["contact cards"] == 6
    assert checks(audit)["CSV and XLSX exports received"]


def test_no_respondent_identifier_in_the_database_log_or_exports(
    audit: dict[str, object],
) -> None:
    names = ("no respondent identifier in any file",)
    assert all(checks(audit)[n] for n in names), failed(audit, *names)
    assert audit["leaks"] == 0
    # The search itself works: it finds the coordinator's id, which is stored on purpose.
    controls = [n for n in checks(audit) if n.startswith("control:")]
    assert controls and all(checks(audit)[n] for n in controls)


def test_erased_text_leaves_the_database_files_within_a_second(audit: dict[str, object]) -> None:
    names = (
        "every erasure confirmed",
        "erased marker was stored before the erasure",
        "erased marker gone at the reply",
        "erased marker gone 1 s after the reply",
    )
    assert all(checks(audit)[n] for n in names), failed(audit, *names)


def test_the_secret_is_nowhere_and_the_files_are_private(audit: dict[str, object]) -> None:
    names = (
        "the key file's secret is in no file",
        "database, -wal, -shm and key file are mode 600",
        "-wal and -shm existed while the bot ran",
    )
    assert all(checks(audit)[n] for n in names), failed(audit, *names)


def test_quick_exit_clears_what_the_respondent_typed(audit: dict[str, object]) -> None:
    assert audit["own messages left after /exit"] == 0


# --- the auditor finds what it looks for -------------------------------------------------------


def test_each_form_of_an_identifier_is_found() -> None:
    person = identity(5)  # a non-ASCII last name, a 4-byte id
    assert not person.last_name.isascii()
    stored = [
        Source("json", json.dumps({"v": person.last_name.upper()}).encode()),
        Source("xml", f"<t>{person.first_name}</t>".encode()),
        Source("record", b"\x00" + person.user_id.to_bytes(4, "big") + b"\x00", binary=True),
        Source("rowid", b"\x00" + varint(person.user_id) + b"\x00", binary=True),
        Source("text", b"tel 4155550199; " + person.handle[1:].encode()),
        Source("log", person.user_id.to_bytes(4, "big")),  # not a database: no integer search
    ]
    found = search(stored, needles(person))
    for expected in (
        "json: respondent 5's last name (upper case JSON-escaped)",
        "xml: respondent 5's first name (UTF-8)",
        "record: respondent 5's user id (4-byte integer)",
        "rowid: respondent 5's user id (varint)",
        "text: respondent 5's typed phone +1 (415) 555-0199 (national digits)",
        "text: respondent 5's typed handle (without @) (UTF-8)",
    ):
        assert any(f.startswith(expected) for f in found), (expected, found)
    assert not any(f.startswith("log:") for f in found)


def test_varint_matches_sqlite() -> None:
    # From SQLite's file format: 0x7f fits one byte, 0x80 takes two, 0x3fff two, 0x4000 three.
    assert varint(0x7F) == b"\x7f"
    assert varint(0x80) == b"\x81\x00"
    assert varint(0x3FFF) == b"\xff\x7f"
    assert varint(0x4000) == b"\x81\x80\x00"


def test_a_fresh_identity_is_distinctive() -> None:
    people = [identity(n) for n in range(60)]
    for attribute in ("user_id", "first_name", "last_name", "username", "marker"):
        values = [getattr(p, attribute) for p in people]
        assert len(set(values)) == len(values), attribute
