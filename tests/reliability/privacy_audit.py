"""Scenario 8, the privacy audit: a campaign run through the real bot process by respondents with
distinctive Telegram identities who type their own contact details, then a search of every
byte the installation keeps (database, -wal, -shm, the bot's log, the coordinator's exports)
for anything that could trace an answer back to a person.

`run(workdir, size)` returns the figures of one summary row; `findings` lists each leak as
"source: what (form) at offset", so a failure says exactly what was found where.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import json
import re
import stat
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.flows.values import MAX_MESSAGE_LENGTH
from tests.fakes import FakeBotApi, FakeMessage, FakeUser
from tests.helpers.bot_harness import data_of, next_screen, screen_of, settle
from tests.reliability.harness import (
    DATABASE,
    REPLY,
    TOKEN,
    BotProcess,
    bot_env,
    create_campaign,
)

SIZES = {"quick": 6, "long": 60}
COORDINATOR_ID = 6_100_000_777
RECEIPT = re.compile(r"\b([B-DF-HJ-NP-TV-XZ]{4}-[B-DF-HJ-NP-TV-XZ]{4}-[B-DF-HJ-NP-TV-XZ]{4})\b")
ERASURE_GRACE = 1.0
"""The promise checked: erased text has left the database files within this many seconds."""

# Names unlike any word of the banks or the interface, so a hit is never a coincidence; some
# are not ASCII, which JSON stores escaped and XML stores as UTF-8.
FIRST = (
    "Zephyrine", "Oksanka", "Żaneta", "Mírianne", "Thandeka", "Ngoziwe",
    "Quetzali", "Bronwyth", "Ysolde", "Katarzynka", "Eulalith", "Xochiquetl",
)  # fmt: skip
LAST = (
    "Quillfeather", "Ólafsdóttir", "Brzęczyk", "Vandermolenx", "Okonkwoh", "Tlacuiloh",
    "Haverbrook", "Szczepanik", "Mbekweni", "Ravensholt", "Duquesnoyx", "Przybylska",
)  # fmt: skip
SUFFIXES = ("", "ka", "lo", "mi", "ro", "zu")
LANGUAGES = ("en", "es", "es-MX", "en-GB", "pt-BR", "uk", None, "fr")
PHRASES = (
    "Our county has a task force",
    "Schools run an awareness week",
    "The clinic trains its staff",
    "Little is done so far",
    "Churches share information",
    "Transport is the main obstacle",
)
# Roles by respondent number modulo 6: who quits with /exit and resumes, who erases their
# submitted answers with /delete CODE, who leaves the interview open.
EXITS = {1, 3, 4}
ERASES = {0, 3}
OPEN = {5}
EXIT_AT, CONTACT_AT, ODD_AT, STOP_AT = 4, 2, 6, 8
"""At which typed answer (counting from 0) a respondent quits, sends a contact card, sends
what the bot must refuse or ignore (an edit, an overlong text, a photo caption, an update
the library cannot read), and stops."""


def _letters(number: int, length: int = 8) -> str:
    digest = hashlib.sha256(f"marker-{number}".encode()).digest()
    return "".join(chr(ord("a") + b % 26) for b in digest[:length])


def _ascii(name: str) -> str:
    return "".join(c for c in name.lower() if c.isascii() and c.isalpha())


@dataclass(frozen=True)
class Identity:
    """One respondent: who Telegram says she is, and what she types about herself."""

    number: int
    user_id: int
    first_name: str
    last_name: str
    username: str
    language: str | None

    @property
    def role(self) -> int:
        return self.number % 6

    @property
    def exits(self) -> bool:
        return self.role in EXITS

    @property
    def erases(self) -> bool:
        return self.role in ERASES

    @property
    def stays_open(self) -> bool:
        return self.role in OPEN

    @property
    def locale(self) -> str:
        return "es" if (self.language or "").startswith("es") else "en"

    @property
    def email(self) -> str:
        return f"hotline{self.number}.desk@safe-harbor.org"

    @property
    def phones(self) -> tuple[str, ...]:
        n = self.number
        return (
            "+1 (415) 555-0199",
            "020 7946 0958",
            f"+44 7700 900{n % 1000:03d}",
            f"(212) 555-01{n % 100:02d}",
            f"+52 55 {1200 + n:04d} 5678",
        )

    @property
    def contact_phone(self) -> str:
        return f"+1628555{2000 + self.number:04d}"

    @property
    def url_path(self) -> str:
        return f"case{_letters(self.number + 1000, 6)}"

    @property
    def url(self) -> str:
        return f"https://tips.safe-harbor.org/r/{self.url_path}"

    @property
    def bare_url(self) -> str:
        return f"www.help-line{self.number}.org/report"

    @property
    def handle(self) -> str:
        return f"@harbor_watch_{self.number}"

    @property
    def digit_run(self) -> str:
        return str(400_000_000_000 + 7919 * self.number)

    @property
    def marker(self) -> str:
        """Typed in every answer of a respondent who erases, to look for after the erasure."""
        return f"erasemark{_letters(self.number)}"

    def pieces(self) -> list[str]:
        """What she writes about herself, spread over her typed answers."""
        phones = self.phones
        return [
            f"I am {self.first_name} {self.last_name}",
            f"write to {self.email}",
            f"call {phones[0]}",
            f"the office is on {phones[1]}",
            f"or {phones[2]}",
            f"see {self.url}",
            f"ask {self.handle}",
            f"case {self.digit_run}",
            f"{self.first_name.lower()} says hi, {self.last_name.upper()} family",
            f"my username is @{self.username}",
            f"text {phones[3]} or {phones[4]}",
            f"also {self.bare_url}",
            f"find me as {self.username}",
            # Typed on a keyboard that sends accents as combining marks.
            f"{unicodedata.normalize('NFD', self.last_name)} is my surname",
        ]

    def answer(self, index: int) -> str:
        pieces = self.pieces()
        text = (
            f"{PHRASES[(self.number + index) % len(PHRASES)]}; {pieces[index % len(pieces)]}, "
            f"{pieces[(index + 5) % len(pieces)]}."
        )
        return f"{text} {self.marker}" if self.erases else text


def identity(number: int) -> Identity:
    # Both kinds of Telegram ids: above 2**32 (6-byte integers in SQLite) and below 2**31
    # (4-byte). Smaller ones are not used: their 1- to 3-byte encodings occur by chance.
    user_id = 7_000_000_123 + number if number % 2 == 0 else 271_828_182 + 1009 * number
    first = FIRST[number % len(FIRST)] + SUFFIXES[number // len(FIRST) % len(SUFFIXES)]
    last = LAST[(number * 5) % len(LAST)] + SUFFIXES[number // len(LAST) % len(SUFFIXES)]
    username = f"{_ascii(first)}_{_ascii(last)[:4]}{number}"
    return Identity(number, user_id, first, last, username, LANGUAGES[number % len(LANGUAGES)])


# --- what to look for --------------------------------------------------------------------------


@dataclass(frozen=True)
class Needle:
    owner: int  # respondent number
    what: str  # "user id", "first name", "typed e-mail", ...
    form: str  # "decimal", "8-byte integer", "as typed", "lower case, JSON-escaped", ...
    data: bytes
    folded: bool  # compare case-insensitively (ASCII): data is lower case
    binary: bool = False  # an integer encoding: only meaningful inside the database files


def _text_forms(value: str) -> Iterator[tuple[str, str]]:
    """A value in every spelling a file could hold it: cases, UTF-8 and JSON escapes."""
    seen: set[str] = set()
    cases = (
        ("", value),
        ("lower case ", value.lower()),
        ("upper case ", value.upper()),
        ("title case ", value.title()),
    )
    for case, cased in cases:
        for normal, variant in (("", cased), ("NFD ", unicodedata.normalize("NFD", cased))):
            for how, form in (("UTF-8", variant), ("JSON-escaped", json.dumps(variant)[1:-1])):
                key = form.lower()
                if key not in seen:
                    seen.add(key)
                    yield f"{case}{normal}{how}", form


def sqlite_integers(value: int) -> Iterator[tuple[str, bytes]]:
    """How SQLite may store an integer: big-endian two's complement of 8, 6 or 4 bytes in a
    record, or a varint (a rowid, or a key in a cell header)."""
    for width in (8, 6, 4):
        with contextlib.suppress(OverflowError):
            yield f"{width}-byte integer", value.to_bytes(width, "big", signed=True)
    yield "varint", varint(value)


def varint(value: int) -> bytes:
    """SQLite's variable-length integer (1-9 bytes, most significant group first)."""
    if value < 0 or value >= 1 << 56:
        # Nine-byte form: the last byte carries 8 bits. Telegram ids never get here.
        raise ValueError("only 0 <= value < 2**56 is needed here")
    groups = []
    while True:
        groups.append(value & 0x7F)
        value >>= 7
        if not value:
            break
    groups.reverse()
    return bytes([g | 0x80 for g in groups[:-1]] + [groups[-1]])


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _phone_forms(phone: str) -> Iterator[tuple[str, str]]:
    yield "as typed", phone
    digits = _digits(phone)
    yield "digits only", digits
    if len(digits) > 10:
        yield "national digits", digits[-10:]
    groups = list(re.finditer(r"\d+", phone))
    if len(groups) >= 2:
        tail = phone[groups[-2].start() :]
        if len(_digits(tail)) >= 7:
            yield "last two groups", tail


def needles(person: Identity) -> list[Needle]:
    n = person.number
    found: list[Needle] = []

    def add_text(what: str, value: str) -> None:
        for form, text in _text_forms(value):
            found.append(Needle(n, what, form, text.lower().encode(), folded=True))

    found.append(Needle(n, "user id", "decimal", str(person.user_id).encode(), folded=False))
    for form, data in sqlite_integers(person.user_id):
        found.append(Needle(n, "user id", form, data, folded=False, binary=True))
    add_text("first name", person.first_name)
    add_text("last name", person.last_name)
    add_text("username", person.username)
    add_text("typed e-mail", person.email)
    add_text("typed e-mail (local part)", person.email.split("@")[0])
    for phone in (*person.phones, person.contact_phone):
        what = "contact card phone" if phone == person.contact_phone else f"typed phone {phone}"
        for form, text in _phone_forms(phone):
            found.append(Needle(n, what, form, text.encode(), folded=False))
    add_text("typed URL", person.url)
    add_text("typed URL (path)", person.url_path)
    add_text("typed bare URL", person.bare_url)
    add_text("typed handle", person.handle)
    add_text("typed handle (without @)", person.handle[1:])
    found.append(Needle(n, "typed digit run", "as typed", person.digit_run.encode(), folded=False))
    return found


@dataclass
class Source:
    name: str
    data: bytes
    binary: bool = False  # a database file: integer encodings are searched too
    _lower: bytes | None = field(default=None, repr=False)

    @property
    def lower(self) -> bytes:
        if self._lower is None:
            self._lower = self.data.lower()
        return self._lower


def search(sources: Iterable[Source], wanted: Iterable[Needle]) -> list[str]:
    """Every needle found in every source, as "source: respondent n's what (form) at offset"."""
    wanted = list(wanted)
    findings = []
    for source in sources:
        for needle in wanted:
            if needle.binary and not source.binary:
                continue
            haystack = source.lower if needle.folded else source.data
            at = haystack.find(needle.data)
            if at >= 0:
                context = source.data[max(0, at - 24) : at + len(needle.data) + 24]
                findings.append(
                    f"{source.name}: respondent {needle.owner}'s {needle.what} ({needle.form})"
                    f" at byte {at}: {context!r}"
                )
    return findings


def database_files(database: Path) -> dict[str, Path]:
    return {
        "database": database,
        "database -wal": database.with_name(database.name + "-wal"),
        "database -shm": database.with_name(database.name + "-shm"),
    }


def read_database(database: Path, when: str) -> list[Source]:
    sources = []
    for name, path in database_files(database).items():
        with contextlib.suppress(FileNotFoundError):
            sources.append(Source(f"{name} ({when})", path.read_bytes(), binary=True))
    return sources


def _modes(paths: Iterable[tuple[str, Path]]) -> dict[str, str]:
    modes = {}
    for name, path in paths:
        with contextlib.suppress(FileNotFoundError):
            modes[name] = f"{stat.S_IMODE(path.stat().st_mode):o}"
    return modes


def _export_sources(messages: Iterable[FakeMessage]) -> list[Source]:
    sources = []
    for message in messages:
        if message.document is None:
            continue
        name = message.filename or f"document #{message.message_id}"
        sources.append(Source(f"export {name}", message.document))
        if message.document[:2] == b"PK":  # XLSX: the text is in compressed XML parts
            with zipfile.ZipFile(io.BytesIO(message.document)) as book:
                for member in book.namelist():
                    sources.append(Source(f"export {name}:{member}", book.read(member)))
    return sources


# --- the respondents ---------------------------------------------------------------------------


@dataclass
class Outcome:
    person: Identity
    submitted: bool = False
    erased: bool = False
    exited: bool = False
    contact_sent: bool = False
    typed: int = 0
    own_messages_left_after_exit: int = 0
    odd_sent: bool = False
    edits: int = 0
    overlong: int = 0
    captions: int = 0
    unreadable: int = 0
    marker_before_erasure: list[str] = field(default_factory=list)
    marker_at_reply: list[str] = field(default_factory=list)
    marker_after_grace: list[str] = field(default_factory=list)
    erasure_reply_s: float | None = None


def _files_with(marker: str, database: Path) -> list[str]:
    data = marker.encode()
    return [name for name, path in database_files(database).items() if _has(path, data)]


def _has(path: Path, data: bytes) -> bool:
    try:
        return data in path.read_bytes()
    except FileNotFoundError:
        return False


async def _quick_exit(api: FakeBotApi, user: FakeUser, outcome: Outcome) -> None:
    user.send("/exit")
    await api.wait_until(lambda: not user.messages, timeout=REPLY)
    outcome.exited = True
    # Quick exit promises an empty chat: the respondent's own messages count too.
    outcome.own_messages_left_after_exit = len(user.chat.user_messages)
    user.start()
    await user.wait_for_message(timeout=REPLY)  # "Welcome back"
    await settle(user, timeout=REPLY)  # the question she was at


@dataclass
class Sampler:
    """Copies of the database files at a few moments mid-run: a WAL frame or a freed page that
    held raw text for a moment is overwritten later, so the end state alone could miss it."""

    database: Path
    expected: int
    samples: int = 3
    typed: int = 0
    sources: list[Source] = field(default_factory=list)

    def answered(self) -> None:
        self.typed += 1
        step = max(self.expected // (self.samples + 1), 1)
        if self.typed % step == 0 and len(self.sources) < 3 * self.samples:
            self.sources += read_database(self.database, f"after {self.typed} typed answers")


async def _odd_inputs(
    api: FakeBotApi, user: FakeUser, person: Identity, outcome: Outcome, last_sent: dict[str, Any]
) -> None:
    """What a client may send that the bot must not keep: each carries her identity."""
    outcome.odd_sent = True
    about_her = person.answer(0)
    user.edit(last_sent["message"]["message_id"], f"{about_her} (edited)")
    await settle(user, REPLY)  # "edits are not taken into account"
    outcome.edits += 1
    if person.role in (2, 4):
        user.send((about_her + " ") * (MAX_MESSAGE_LENGTH // len(about_her) + 2))
        await settle(user, REPLY)  # too long, with the limit
        outcome.overlong += 1
    if person.role in (1, 5):
        user.send_photo(caption=about_her)
        await settle(user, REPLY)  # a photo is not an answer
        outcome.captions += 1
    if person.role == 3:
        # A message the library cannot parse (a new Telegram field, a bad date): set aside.
        raw = {
            "message_id": user.chat.next_message_id(),
            "from": user.as_json(),
            "chat": dict(user.chat.info),
            "date": "yesterday",
            "text": about_her,
        }
        update = api.push_update({"message": raw})
        await api.wait_until(lambda: update["update_id"] not in api.pending_updates, timeout=REPLY)
        outcome.unreadable += 1


async def interview(
    api: FakeBotApi, user: FakeUser, person: Identity, token: str, sampler: Sampler
) -> Outcome:
    """Her whole session, as a person types and taps; the erasure check for those who erase."""
    outcome = Outcome(person)
    last_sent: dict[str, Any] = {}
    user.start(token)
    await settle(user, timeout=REPLY)
    user.tap(data_of(user, "l:", f":{person.locale}"))
    await settle(user, REPLY)
    before = screen_of(user)
    user.tap(data_of(user, "c:", ":yes"))
    await next_screen(user, before, REPLY)
    for _ in range(200):
        buttons = [d for _, d in user.buttons() if d]
        if any(d.startswith("S:") for d in buttons):
            break
        before = screen_of(user)
        continues = [d for d in buttons if d.startswith("n:")]
        answers = [d for d in buttons if d.startswith("a:")]
        if continues:
            user.tap(continues[0])
        elif answers:
            bands = [d for d in answers if d.endswith(":mid")]
            user.tap(bands[0] if bands else answers[person.number % len(answers)])
        else:
            if outcome.typed == CONTACT_AT and not outcome.contact_sent:
                user.send_contact(person.contact_phone)
                outcome.contact_sent = True
                await settle(user, REPLY)  # the bot says it needs typed text here
            if outcome.typed == EXIT_AT and person.exits and not outcome.exited:
                await _quick_exit(api, user, outcome)
            if outcome.typed == ODD_AT and not outcome.odd_sent:
                await _odd_inputs(api, user, person, outcome, last_sent)
            if outcome.typed == STOP_AT and person.stays_open:
                return outcome
            last_sent = user.send(person.answer(outcome.typed))
            outcome.typed += 1
            sampler.answered()
        await next_screen(user, before, REPLY)
    else:
        raise AssertionError(f"respondent {person.number} never reached the review screen")
    user.tap(data_of(user, "S:"))
    receipt = await user.wait_for_message(contains="/delete ", timeout=REPLY)
    outcome.submitted = True
    if person.erases:
        await _erase(user, person, receipt, outcome, sampler.database)
    return outcome


async def _erase(
    user: FakeUser, person: Identity, receipt: FakeMessage, outcome: Outcome, database: Path
) -> None:
    match = RECEIPT.search(receipt.content)
    assert match is not None, receipt.content
    # Without this the absence below would prove nothing.
    outcome.marker_before_erasure = _files_with(person.marker, database)
    user.send(f"/delete {match.group(1)}")
    sent = time.monotonic()
    reply = await user.wait_for_message(timeout=REPLY)
    outcome.erasure_reply_s = time.monotonic() - sent
    outcome.marker_at_reply = _files_with(person.marker, database)
    outcome.erased = "/delete" not in reply.content  # "no answers match" names /delete again
    await asyncio.sleep(ERASURE_GRACE)  # the promise is about time, so time is waited for
    outcome.marker_after_grace = _files_with(person.marker, database)


# --- the coordinator ---------------------------------------------------------------------------


async def coordinate(api: FakeBotApi, coordinator: FakeUser, submissions: int) -> None:
    """The report, every 'what respondents said' page, and the export (CSV and XLSX)."""
    await api.wait_until(
        lambda: sum("New response" in m.content for m in coordinator.messages) >= submissions,
        timeout=REPLY,
    )
    coordinator.send("/report")
    report = await coordinator.wait_for_message(contains="Preassessment report:", timeout=REPLY)
    pages = [d for _, d in report.buttons() if d and d.startswith("kw:")]
    assert pages, f"no 'what respondents said' buttons under the report: {report.buttons()}"
    for page in pages:
        coordinator.tap(page, message_id=report.message_id)
        await coordinator.wait_for_message(contains="What respondents said", timeout=REPLY)
    coordinator.send("/export")
    await api.wait_until(
        lambda: sum(m.document is not None for m in coordinator.chat.messages) >= 2, timeout=REPLY
    )


# --- the scenario ------------------------------------------------------------------------------


def _size(size: str | int) -> int:
    return size if isinstance(size, int) else SIZES[size]


async def run(workdir: Path | None = None, size: str | int = "quick") -> dict[str, object]:
    """Scenario 8 with `size` respondents ("quick" 6, "long" 60, or a number)."""
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="privacy-audit-") as folder:
            return await run(Path(folder), size)
    count = _size(size)
    started = time.monotonic()
    people = [identity(number) for number in range(count)]
    database = workdir / DATABASE
    async with FakeBotApi(token=TOKEN) as api:
        env = bot_env(api, workdir)
        campaign = await create_campaign(api, env, workdir, "Audit County", "urban")
        respondent_token = campaign.respondent_token
        coordinator_token = campaign.coordinator_token
        coordinator = api.user(COORDINATOR_ID, first_name="Cora", language_code="en")
        bot = BotProcess(api, workdir, env)
        sampler = Sampler(database, expected=count * 16)
        try:
            await bot.start()
            coordinator.start(coordinator_token)
            await coordinator.wait_for_message(contains="coordinator", timeout=REPLY)
            users = [
                api.user(
                    p.user_id,
                    first_name=p.first_name,
                    last_name=p.last_name,
                    username=p.username,
                    language_code=p.language,
                )
                for p in people
            ]
            outcomes = await asyncio.gather(
                *(
                    interview(api, u, p, respondent_token, sampler)
                    for u, p in zip(users, people, strict=True)
                )
            )
            await coordinate(api, coordinator, sum(o.submitted for o in outcomes))
            running_sources = read_database(database, "bot running")
            modes = _modes([*database_files(database).items(), ("key file", _key_file(workdir))])
        finally:
            await bot.stop()
        exports = _export_sources(coordinator.chat.messages)
        chat_text = "\n".join(m.content for m in coordinator.chat.messages).encode()
    stopped_sources = read_database(database, "bot stopped")
    log = Source("bot log", bot.log.read_bytes())
    coordinator_chat = Source("coordinator's chat", chat_text)
    sources = [
        *sampler.sources, *running_sources, *stopped_sources, log, *exports, coordinator_chat,
    ]  # fmt: skip
    wanted = [needle for person in people for needle in needles(person)]
    findings = search(sources, wanted)
    secret_findings = _secret_findings(_key_file(workdir), sources)
    controls = _controls(running_sources, stopped_sources)
    return _figures(
        people, list(outcomes), sources, wanted, findings, secret_findings, modes, controls,
        exports, time.monotonic() - started,
    )  # fmt: skip


def _key_file(workdir: Path) -> Path:
    return workdir / f"{DATABASE}.key"


def _secret_findings(key_file: Path, sources: list[Source]) -> list[str]:
    hex_text = key_file.read_text().strip()
    secret = [
        ("hex", hex_text.lower().encode(), True),
        ("raw 32 bytes", bytes.fromhex(hex_text), False),
    ]
    found = []
    for source in sources:
        for form, data, folded in secret:
            if data in (source.lower if folded else source.data):
                found.append(f"{source.name}: the key file's secret ({form})")
    return found


def _controls(running: list[Source], stopped: list[Source]) -> dict[str, bool]:
    """The search finds what is stored on purpose: the coordinator's id, in both encodings."""
    blob = b"".join(s.data for s in running + stopped)
    return {
        f"control: coordinator id found as {form}": data in blob
        for form, data in sqlite_integers(COORDINATOR_ID)
        if form in ("6-byte integer", "varint")
    }


def _figures(
    people: list[Identity],
    outcomes: list[Outcome],
    sources: list[Source],
    wanted: list[Needle],
    findings: list[str],
    secret_findings: list[str],
    modes: dict[str, str],
    controls: dict[str, bool],
    exports: list[Source],
    elapsed: float,
) -> dict[str, object]:
    erasers = [o for o in outcomes if o.person.erases]
    exiters = [o for o in outcomes if o.person.exits]
    identifiers = {(n.owner, n.what) for n in wanted}
    checks = {
        "no respondent identifier in any file": not findings,
        "the key file's secret is in no file": not secret_findings,
        "database, -wal, -shm and key file are mode 600": bool(modes)
        and all(mode == "600" for mode in modes.values()),
        "-wal and -shm existed while the bot ran": {"database -wal", "database -shm"} <= set(modes),
        "every erasure confirmed": all(o.erased for o in erasers),
        "erased marker was stored before the erasure": all(
            o.marker_before_erasure for o in erasers
        ),
        "erased marker gone at the reply": not any(o.marker_at_reply for o in erasers),
        f"erased marker gone {ERASURE_GRACE:g} s after the reply": not any(
            o.marker_after_grace for o in erasers
        ),
        "CSV and XLSX exports received": any(s.name.endswith(".csv") for s in exports)
        and any(s.name.endswith(".xlsx") for s in exports),
        **controls,
    }
    erasure_notes = [
        f"respondent {o.person.number}: marker in {where} {when}"
        for o in erasers
        for when, where in (
            ("at the reply", o.marker_at_reply),
            (f"{ERASURE_GRACE:g} s after", o.marker_after_grace),
        )
        if where
    ]
    return {
        "scenario": "8 privacy audit",
        "respondents": len(people),
        "submitted": sum(o.submitted for o in outcomes),
        "erased": sum(o.erased for o in outcomes),
        "left open": sum(not o.submitted for o in outcomes),
        "quick exits": sum(o.exited for o in outcomes),
        "contact cards": sum(o.contact_sent for o in outcomes),
        "typed answers": sum(o.typed for o in outcomes),
        "edits, overlong texts, captions, unreadable updates": (
            f"{sum(o.edits for o in outcomes)}, {sum(o.overlong for o in outcomes)}, "
            f"{sum(o.captions for o in outcomes)}, {sum(o.unreadable for o in outcomes)}"
        ),
        "files searched": len(sources),
        "bytes searched": sum(len(s.data) for s in sources),
        "identifiers checked": len(identifiers),
        "forms searched": len(wanted),
        "leaks": len(findings) + len(secret_findings),
        "findings": findings + secret_findings + erasure_notes,
        "modes": modes,
        "erasure reply s (max)": max((o.erasure_reply_s or 0.0 for o in erasers), default=0.0),
        "own messages left after /exit": sum(o.own_messages_left_after_exit for o in exiters),
        "checks": checks,
        "passed": all(checks.values()),
        "elapsed s": round(elapsed, 1),
    }
