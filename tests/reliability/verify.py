"""After a run: what the respondents were told against what the database holds, and what the
chats show. The database is only read (stdlib sqlite3, read-only), except for the storage
figures, which fold the WAL into the main file first."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path

from tests.fakes import FakeChat, FakeMessage
from tests.reliability.swarm import (
    RECEIPT,
    WELCOME_BACK,
    Respondent,
    describe,
    question_of,
    sent_data,
    sent_keyboard,
    signature,
)

MARKER = re.compile(r"\bmk-r(\d+)-(\d+)\b")
NOTICE = "New response"
# python-telegram-bot and the bot log "%(asctime)s LEVEL name: message"; tracebacks start a line.
ERROR_LINE = re.compile(r"^\S+ \S+ (ERROR|CRITICAL) |^Traceback ")
SAMPLES = 5


@dataclass
class Stored:
    """One interview as the database holds it: an open session or a submitted response."""

    kind: str  # "session" or "response"
    id: str
    answers: dict[str, object]

    def markers(self) -> Counter[int]:
        """Respondent numbers of the markers in this interview's typed answers."""
        found: Counter[int] = Counter()
        for value in self.answers.values():
            if isinstance(value, str):
                found.update(int(m.group(1)) for m in MARKER.finditer(value))
        return found


def _read_only(database: Path) -> contextlib.closing[sqlite3.Connection]:
    return contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True))


def read_interviews(database: Path) -> list[Stored]:
    with _read_only(database) as db:
        stored = [
            Stored("session", sid, dict(json.loads(state).get("answers") or {}))
            for sid, state in db.execute("SELECT id, state FROM sessions")
        ]
        responses: dict[str, dict[str, object]] = {
            rid: {} for (rid,) in db.execute("SELECT id FROM responses")
        }
        for rid, qid, value in db.execute("SELECT response_id, question_id, value FROM answers"):
            responses.setdefault(rid, {})[qid] = json.loads(value)
    stored += [Stored("response", rid, answers) for rid, answers in responses.items()]
    return stored


def integrity(database: Path) -> str:
    with _read_only(database) as db:
        rows = db.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(row[0]) for row in rows)


def normalise(value: object) -> str | None:
    """Stored JSON and callback values compared as text: 5 and "5", lists in any order."""
    if value is None:
        return None
    if isinstance(value, list):
        return ",".join(sorted(str(v) for v in value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def error_lines(stderr: Path) -> list[str]:
    if not stderr.exists():
        return []
    lines = stderr.read_text(errors="replace").splitlines()
    return [line for line in lines if ERROR_LINE.search(line)]


@dataclass(frozen=True)
class Repeat:
    """A message the bot sent to a chat again: `second` repeats `first`."""

    first: FakeMessage
    second: FakeMessage
    resubmitted: bool = False
    """A second receipt with another code: a second submission, not a message sent twice."""


def repeats(chat: FakeChat) -> list[Repeat]:
    """Messages the bot sent to one chat twice: a screen (a message with buttons, or the
    receipt) that was sent before, unless "Welcome back" re-shows it; any other message sent
    twice in a row; a second receipt (a second submission shows another code)."""
    found: list[Repeat] = []
    seen: dict[str, FakeMessage] = {}
    previous_text = ""
    previous: FakeMessage | None = None
    receipts: dict[object, FakeMessage] = {}
    for message in chat.messages:
        current = signature(message)
        if RECEIPT in message.content:
            text = message.params.get("text")
            if receipts and text not in receipts:
                found.append(Repeat(next(iter(receipts.values())), message, resubmitted=True))
            receipts.setdefault(text, message)
        if sent_keyboard(message) or RECEIPT in message.content:
            if current in seen and WELCOME_BACK not in previous_text:
                found.append(Repeat(seen[current], message))
            seen.setdefault(current, message)
        elif previous is not None and current == signature(previous):
            found.append(Repeat(previous, message))
        previous_text, previous = message.content, message
    return found


def duplicates_in(chat: FakeChat) -> list[FakeMessage]:
    return [repeat.second for repeat in repeats(chat)]


def out_of_order(chat: FakeChat) -> list[FakeMessage]:
    """Screens that arrived out of order: a question before one the chat had already moved
    past. "Welcome back" shows the current question again, and respondents never go back."""
    order: dict[str, int] = {}
    breaks: list[FakeMessage] = []
    last = -1
    previous_text = ""
    for message in chat.messages:
        if not sent_keyboard(message):
            previous_text = message.content
            continue
        data = sent_data(message)
        key = question_of(data) or (data[0].split(":", 1)[0] if data else "")
        index = order.setdefault(key, len(order))
        if index < last and WELCOME_BACK not in previous_text:
            breaks.append(message)
        last = max(last, index) if WELCOME_BACK not in previous_text else index
        previous_text = message.content
    return breaks


def order_breaks(chat: FakeChat) -> int:
    return len(out_of_order(chat))


@dataclass
class Figures:
    """What one run (or several, added up) measured."""

    runs: int = 0
    respondents: int = 0
    delivered: int = 0
    stored: int = 0
    lost: int = 0
    changed: int = 0
    misplaced: int = 0
    duplicated: int = 0
    wrong_respondent: int = 0
    completed: int = 0
    responses: int = 0
    sessions: int = 0
    extra_responses: int = 0
    notices: int | None = None
    resumes: int = 0
    resumes_wrong: int = 0
    moved_on: int = 0
    order_breaks: int = 0
    stuck: int = 0
    refusals: int = 0
    integrity: list[str] = field(default_factory=list)
    errors: int = 0
    log_leaks: int = 0
    """Markers of typed answers found in the bot's log: respondents' words must stay out."""
    error_samples: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def integrity_ok(self) -> bool:
        return all(result == "ok" for result in self.integrity)

    @property
    def notices_ok(self) -> bool:
        return self.notices is None or self.notices == self.responses

    def note(self, problem: str) -> None:
        if len(self.problems) < 3 * SAMPLES:
            self.problems.append(problem)

    def __iadd__(self, other: Figures) -> Figures:
        for item in fields(self):
            mine = getattr(self, item.name)
            if isinstance(mine, int) and item.name != "notices":
                setattr(self, item.name, mine + getattr(other, item.name))
        if other.notices is not None:
            self.notices = (self.notices or 0) + other.notices
        self.integrity += other.integrity
        for line in other.error_samples:
            if len(self.error_samples) < SAMPLES and line not in self.error_samples:
                self.error_samples.append(line)
        for problem in other.problems:
            self.note(problem)
        return self


def verify(
    database: Path,
    respondents: Iterable[Respondent],
    stderr: Path,
    *,
    extra_chats: Iterable[FakeChat] = (),
    notices: int | None = None,
) -> Figures:
    """Figures for one run, read after the bot has stopped (or at least gone quiet)."""
    people = list(respondents)
    figures = Figures(runs=1, respondents=len(people), notices=notices)
    interviews = read_interviews(database)
    figures.sessions = sum(i.kind == "session" for i in interviews)
    figures.responses = sum(i.kind == "response" for i in interviews)
    by_number = {r.number: r for r in people}
    by_sid = {r.sid: r for r in people if r.sid}

    owned: dict[int, list[Stored]] = {}
    for interview in interviews:
        found = interview.markers()
        owner: Respondent | None = None
        if interview.kind == "session":
            owner = by_sid.get(interview.id)  # a session id rides in every callback
        if owner is None and found:
            owner = by_number.get(found.most_common(1)[0][0])
        if owner is None:
            if interview.answers:
                figures.note(f"{interview.kind} {interview.id} belongs to no respondent")
            continue
        owned.setdefault(owner.number, []).append(interview)
        for number, count in found.items():
            if number != owner.number:
                figures.wrong_respondent += count
                figures.note(
                    f"{interview.kind} {interview.id} of r{owner.number} holds {count} "
                    f"answer(s) of r{number}"
                )

    for person in people:
        figures.delivered += len(person.delivered)
        figures.completed += person.done
        figures.resumes += len(person.resumes)
        figures.refusals += person.refusals
        figures.moved_on += person.moved_on
        figures.order_breaks += order_breaks(person.user.chat)
        wrong_resumes = [c for c in person.resumes if not c.ok]
        figures.resumes_wrong += len(wrong_resumes)
        for check in wrong_resumes[:1]:
            figures.note(
                f"r{person.number} resumed at {check.shown_text} after {check.expected_text}"
            )
        if person.stuck:
            figures.stuck += 1
            figures.note(f"r{person.number} gave up: {person.stuck}")
        mine = owned.get(person.number, [])
        responses = [i for i in mine if i.kind == "response"]
        figures.extra_responses += max(0, len(responses) - 1)
        if len(responses) > 1:
            figures.note(f"r{person.number} has {len(responses)} submitted responses")
        record = _record_for(person, mine)
        for qid, value in sorted(person.delivered.items()):
            stored = record.answers.get(qid) if record is not None else None
            if (
                record is not None
                and qid in record.answers
                and normalise(stored) == normalise(value)
            ):
                figures.stored += 1
                continue
            elsewhere = _stored_under(record, value) if record is not None else None
            if elsewhere is not None:
                # Typed text carries no question id: it lands on whatever question is current.
                figures.misplaced += 1
                figures.note(
                    f"r{person.number} typed {value[:24]!r} under {qid}; stored under {elsewhere}"
                )
            elif record is not None and qid in record.answers:
                figures.changed += 1
                figures.lost += 1
                figures.note(
                    f"r{person.number} {qid}: told {value!r}, stored {stored!r} ({record.kind})"
                )
            else:
                figures.lost += 1
                where = "no interview found" if record is None else f"missing from {record.kind}"
                figures.note(f"r{person.number} {qid}={value!r} delivered, {where}")
        for message in duplicates_in(person.user.chat):
            figures.duplicated += 1
            figures.note(f"r{person.number} got twice: {describe(message)}")
    for chat in extra_chats:
        for message in duplicates_in(chat):
            figures.duplicated += 1
            figures.note(f"chat {chat.id} got twice: {describe(message)}")
    figures.extra_responses = max(figures.extra_responses, 0)
    figures.duplicated += figures.extra_responses
    figures.integrity.append(integrity(database))
    lines = error_lines(stderr)
    figures.errors = len(lines)
    log = stderr.read_text(errors="replace") if stderr.exists() else ""
    figures.log_leaks = len(MARKER.findall(log))
    figures.error_samples = _distinct(lines)
    return figures


def _stored_under(record: Stored, value: str) -> str | None:
    """The question a typed answer (found by its marker) was stored under, if any."""
    marker = MARKER.search(value)
    if marker is None:
        return None
    for qid, stored in record.answers.items():
        if isinstance(stored, str) and marker.group(0) in {
            m.group(0) for m in MARKER.finditer(stored)
        }:
            return qid
    return None


def _record_for(person: Respondent, mine: list[Stored]) -> Stored | None:
    """A finished respondent's answers are in their response, an unfinished one's in the
    session; whichever holds most of what they were told wins if both exist."""
    kind = "response" if person.done else "session"
    preferred = [i for i in mine if i.kind == kind] or mine
    if not preferred:
        return None
    return max(preferred, key=lambda i: sum(q in i.answers for q in person.delivered))


def _distinct(lines: list[str]) -> list[str]:
    seen: list[str] = []
    for line in lines:
        # Drop the timestamp so the same error logged twice counts as one sample.
        text = line.split(" ", 2)[-1] if not line.startswith("Traceback") else line
        if text not in seen:
            seen.append(text)
        if len(seen) >= SAMPLES:
            break
    return seen


# --- storage ---------------------------------------------------------------------------------


@dataclass
class StorageFigures:
    completed: int
    file_bytes: int  # main file + WAL after a TRUNCATE checkpoint
    used_bytes: int  # (page_count - freelist_count) * page_size
    page_size: int
    tables: dict[str, int]  # table (with its indexes) -> bytes, from dbstat
    dbstat: bool
    rows: dict[str, int]  # table -> rows

    @property
    def per_interview(self) -> float:
        return self.file_bytes / self.completed if self.completed else float("nan")

    @property
    def used_per_interview(self) -> float:
        return self.used_bytes / self.completed if self.completed else float("nan")


def storage(database: Path, completed: int) -> StorageFigures:
    """Sizes after the bot stopped: the WAL is folded in first, which needs a write lock."""
    with contextlib.closing(sqlite3.connect(database)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = int(db.execute("PRAGMA page_size").fetchone()[0])
        pages = int(db.execute("PRAGMA page_count").fetchone()[0])
        free = int(db.execute("PRAGMA freelist_count").fetchone()[0])
        owner = {
            name: table for name, table in db.execute("SELECT name, tbl_name FROM sqlite_master")
        }
        tables: dict[str, int] = {}
        try:
            rows = db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
            has_dbstat = True
        except sqlite3.OperationalError:  # SQLite built without SQLITE_ENABLE_DBSTAT_VTAB
            rows, has_dbstat = [], False
        for name, size in rows:
            table = owner.get(name, name)
            tables[table] = tables.get(table, 0) + int(size)
        counts = {
            name: int(db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0])
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    wal = database.with_name(database.name + "-wal")
    file_bytes = database.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    return StorageFigures(
        completed=completed,
        file_bytes=file_bytes,
        used_bytes=(pages - free) * page_size,
        page_size=page_size,
        tables=dict(sorted(tables.items(), key=lambda item: -item[1])),
        dbstat=has_dbstat,
        rows=counts,
    )
