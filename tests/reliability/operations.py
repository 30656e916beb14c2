"""Scenario 9, operations: what an operator does to a running installation, through the command
line only.

(a) `readiness-bot backup FILE` while the bot runs and respondents answer; the copy passes
`PRAGMA integrity_check`, and restoring it (README: Deployment) gives the report the live
database had at backup time. (b) `readiness-bot doctor` on a healthy installation and on
broken ones: one line per check, exit 0 when all is well; one PROBLEM line per problem and
exit 2 otherwise.

`run(workdir, size)` returns the figures of one summary row, with named checks.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
import stat
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.fakes import FakeBotApi, FakeUser
from tests.helpers.bot_harness import data_of, next_screen, screen_of, settle
from tests.reliability.harness import (
    DATABASE,
    REPLY,
    TOKEN,
    BotProcess,
    Campaign,
    Finished,
    bot_env,
    cli,
    cli_ok,
    create_campaign,
)

SIZES = {"quick": 4, "long": 20}
"""Respondents answering around the backup: half finish before it, half answer during it."""
WRONG_TOKEN = "424242:WRONG-token-the-fake-bot-api-refuses"
UNPARSEABLE = {"message": {"message_id": 1, "date": "yesterday", "chat": "garbage"}}
REPLIES = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup"})


def key_file(folder: Path) -> Path:
    return folder / f"{DATABASE}.key"


def write_private(path: Path, data: bytes) -> None:
    """As `install -m 600`: the file is never readable by others, not even for a moment."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def integrity(database: Path) -> str:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return "; ".join(str(row[0]) for row in db.execute("PRAGMA integrity_check"))


async def lakeside(api: FakeBotApi, env: dict[str, str], folder: Path) -> Campaign:
    return await create_campaign(api, env, folder, "Lakeside", "rural")


async def report_json(env: dict[str, str], folder: Path, campaign: str) -> dict[str, object]:
    result: dict[str, object] = json.loads(await cli_ok(env, folder, "report", campaign, "--json"))
    return result


# --- (a) backup while answering ----------------------------------------------------------------


@dataclass
class Window:
    """Paces the respondents who answer while the backup runs: they get going, wait until
    the backup starts, answer through it, and submit only after it, so that the live reports
    before and after the backup (submitted answers only) are the same."""

    respondents: int
    ready: int = 0
    all_ready: asyncio.Event = field(default_factory=asyncio.Event)
    started: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def arrived(self) -> None:
        self.ready += 1
        if self.ready >= self.respondents:
            self.all_ready.set()


async def respond(user: FakeUser, token: str, window: Window | None = None) -> None:
    """A whole interview, submitted; paced by `window` when it is to overlap the backup."""
    user.start(token)
    await settle(user, timeout=REPLY)
    for prefix, suffix in (("l:", ":en"), ("c:", ":yes")):
        user.tap(data_of(user, prefix, suffix))
        await settle(user, REPLY)
    if window is not None:
        for _ in range(3):  # mid-interview when the backup starts
            before = screen_of(user)
            buttons = [d for _, d in user.buttons() if d]
            step = next((d for d in buttons if d.startswith(("n:", "a:"))), None)
            if step is None:
                user.send("Answered before the backup.")
            else:
                user.tap(step)
            await next_screen(user, before, REPLY)
        window.arrived()
        await window.started.wait()
    await _answer_until_review(user)
    if window is not None:
        await window.done.wait()
    user.tap(data_of(user, "S:"))
    await user.wait_for_message(contains="receipt code", timeout=REPLY)


async def _answer_until_review(user: FakeUser) -> None:
    """As `answer_everything`, with the scenario's patience for each reply."""
    for _ in range(200):
        buttons = [d for _, d in user.buttons() if d]
        if any(d.startswith("S:") for d in buttons):
            return
        before = screen_of(user)
        step = next((d for d in buttons if d.startswith(("n:", "a:"))), None)
        if step is None:
            user.send("Two shelters and a food bank.")
        else:
            user.tap(step)
        await next_screen(user, before, REPLY)
    raise AssertionError(f"chat {user.id} never reached the review screen")


@dataclass
class BackupFigures:
    checks: dict[str, bool]
    notes: list[str]
    replies_during_backup: int
    backup_seconds: float
    backup_bytes: int
    responses_at_backup: object


async def backup_while_answering(api: FakeBotApi, workdir: Path, respondents: int) -> BackupFigures:
    live, restored = workdir / "live", workdir / "restored"
    live.mkdir()
    restored.mkdir()
    env = bot_env(api, live)
    campaign = await lakeside(api, env, live)
    before_half = max(respondents // 2, 1)
    during = respondents - before_half
    users = [
        api.user(31_000 + n, first_name="Resp", language_code="en") for n in range(respondents)
    ]
    notes: list[str] = []
    bot = BotProcess(api, live, env)
    await bot.start()
    try:
        await asyncio.gather(*(respond(u, campaign.respondent_token) for u in users[:before_half]))
        window = Window(during)
        answering = asyncio.gather(
            *(respond(u, campaign.respondent_token, window) for u in users[before_half:])
        )
        await asyncio.wait_for(window.all_ready.wait(), 60)
        backup = live / "backup.db"
        before = await report_json(env, live, campaign.id)
        window.started.set()
        started_at = time.monotonic()
        made = await cli(env, live, "backup", str(backup))
        ended_at = time.monotonic()
        # Operators run the health check on the live installation too.
        live_doctor = await cli(env, live, "doctor")
        after = await report_json(env, live, campaign.id)
        # Only now may they submit: released before the report, they could (on a busy
        # machine, while the command starts) submit before it reads.
        window.done.set()
        await answering
        still_running = bot.alive
    finally:
        code = await bot.stop()
    replies = sum(
        1
        for call in api.timeline
        if call.method in REPLIES and started_at <= call.received_at <= ended_at
    )
    if made.returncode != 0:
        notes.append(f"backup exited {made.returncode}: {made.stderr.strip()}")
    checked = integrity(backup) if backup.exists() else "no backup file"
    # The restore, as README: Deployment says: the backup becomes the database of a new
    # folder, with the key file it was made with, both private; doctor before starting.
    write_private(restored / DATABASE, backup.read_bytes())
    write_private(key_file(restored), key_file(live).read_bytes())
    restored_env = bot_env(api, restored)
    doctor = await cli(restored_env, restored, "doctor")
    from_restore = await report_json(restored_env, restored, campaign.id)
    # The backup file itself, opened where it lies with the live key file.
    direct_env = {
        **env,
        "READINESS_DATABASE": str(backup),
        "READINESS_SECRET_KEY_FILE": str(key_file(live)),
    }
    from_backup = await report_json(direct_env, live, campaign.id)
    if from_restore not in (before, after):
        notes.append(f"restored report: {from_restore}; before: {before}; after: {after}")
    log = bot.log.read_text(errors="replace")
    checks = {
        "backup exits 0 while the bot runs": made.returncode == 0,
        "the bot kept answering during the backup": replies > 0 and still_running,
        "backup passes integrity_check": checked == "ok",
        "backup file is mode 600": backup.exists() and stat.S_IMODE(backup.stat().st_mode) == 0o600,
        "doctor passes on the live folder while the bot runs": live_doctor.returncode == 0,
        "doctor passes on the restored folder": doctor.returncode == 0,
        "restored report == the backup file's report": from_restore == from_backup,
        "restored report == the live report just before or after the backup": from_restore
        in (before, after),
        "no submission between the live reports (the pacing held)": before == after,
        "every respondent finished": all(
            any("receipt code" in m.content for m in u.messages) for u in users
        ),
        "the bot stopped cleanly (SIGTERM)": code == 0,
        "no ERROR in the bot's log": " ERROR " not in log and "Traceback" not in log,
    }
    for where, done in (("live", live_doctor), ("restored", doctor)):
        if done.returncode != 0:
            notes.append(f"doctor on the {where} folder: {done.stdout.strip()} {done.stderr}")
    return BackupFigures(
        checks,
        notes,
        replies,
        ended_at - started_at,
        backup.stat().st_size if backup.exists() else 0,
        from_restore.get("respondents"),
    )


# --- (b) doctor ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A broken installation: how to break it, the problem doctor must name, and how many."""

    name: str
    expected: tuple[str, ...]  # words the one PROBLEM line must hold; () for a healthy one
    breaks: Callable[[FakeBotApi, Path, dict[str, str]], Awaitable[dict[str, str]]]


async def _healthy(api: FakeBotApi, folder: Path, env: dict[str, str]) -> dict[str, str]:
    return env


async def _wrong_token(api: FakeBotApi, folder: Path, env: dict[str, str]) -> dict[str, str]:
    return {**env, "READINESS_TELEGRAM_TOKEN": WRONG_TOKEN}


async def _key_readable(api: FakeBotApi, folder: Path, env: dict[str, str]) -> dict[str, str]:
    key_file(folder).chmod(0o644)
    return env


async def _other_key(api: FakeBotApi, folder: Path, env: dict[str, str]) -> dict[str, str]:
    write_private(key_file(folder), os.urandom(32).hex().encode() + b"\n")
    return env


async def _database_readable(api: FakeBotApi, folder: Path, env: dict[str, str]) -> dict[str, str]:
    # What `cp backup.db readiness.db` gives under the usual umask 022.
    (folder / DATABASE).chmod(0o644)
    return env


async def _missing_database(api: FakeBotApi, folder: Path, env: dict[str, str]) -> dict[str, str]:
    # A mistyped READINESS_DATABASE: doctor must say so, not create an empty database there.
    return {**env, "READINESS_DATABASE": str(folder / "readiness-typo.db")}


async def _damaged(api: FakeBotApi, folder: Path, env: dict[str, str]) -> dict[str, str]:
    database = folder / DATABASE
    with contextlib.closing(sqlite3.connect(database)) as db:
        (page,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'campaigns'"
        ).fetchone()
        (size,) = db.execute("PRAGMA page_size").fetchone()
    # A torn write: one page of the campaigns table turned to noise.
    with database.open("r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(os.urandom(size))
    return env


async def _dead_letter(api: FakeBotApi, folder: Path, env: dict[str, str]) -> dict[str, str]:
    bot = BotProcess(api, folder, env)
    await bot.start()
    try:
        update = api.push_update(UNPARSEABLE)
        # Confirmed (asked past) only once it is committed, here as a dead letter.
        await api.wait_until(lambda: update["update_id"] not in api.pending_updates, timeout=REPLY)
    finally:
        await bot.stop()
    return env


CASES = (
    Case("healthy", (), _healthy),
    Case("wrong token", ("token", "refused"), _wrong_token),
    Case("key file readable by others", ("key file", "chmod 600"), _key_readable),
    Case("key file of another database", ("key file", "does NOT match"), _other_key),
    Case("database readable by others", ("database", "chmod 600"), _database_readable),
    Case("database missing", ("database", "does not exist"), _missing_database),
    Case("damaged database", ("database", "backup"), _damaged),
    Case("dead letters present", ("1 ", "set aside", "intake"), _dead_letter),
)


@dataclass
class DoctorResult:
    case: str
    returncode: int
    lines: list[str]
    checks: dict[str, bool]


def judge(case: Case, done: Finished, created_nothing: bool) -> DoctorResult:
    lines = done.stdout.strip().splitlines()
    problems = [line for line in lines if line.startswith("PROBLEM ")]
    shaped = bool(lines) and all(line.startswith(("ok      ", "PROBLEM ")) for line in lines)
    quiet = not done.stderr.strip()  # no traceback, no warning
    name = case.name
    if not case.expected:
        checks = {
            f"doctor, {name}: exit 0": done.returncode == 0,
            f"doctor, {name}: one ok line per check, no PROBLEM": shaped and not problems,
            f"doctor, {name}: the token check reached Telegram": any(
                line.startswith("ok      token: Telegram knows this bot") for line in lines
            ),
        }
    else:
        checks = {
            f"doctor, {name}: exit 2": done.returncode == 2,
            f"doctor, {name}: exactly one PROBLEM line": len(problems) == 1,
            f"doctor, {name}: the PROBLEM line names it": len(problems) == 1
            and all(word in problems[0] for word in case.expected),
        }
    checks[f"doctor, {name}: one line per check, nothing on stderr"] = shaped and quiet
    if name == "database missing":
        checks[f"doctor, {name}: creates nothing"] = created_nothing
    return DoctorResult(name, done.returncode, lines, checks)


async def doctor_case(api: FakeBotApi, workdir: Path, case: Case) -> DoctorResult:
    folder = workdir / ("doctor-" + case.name.replace(" ", "-"))
    folder.mkdir()
    env = bot_env(api, folder)
    await lakeside(api, env, folder)
    env = await case.breaks(api, folder, env)
    done = await cli(env, folder, "doctor")
    created_nothing = not (folder / "readiness-typo.db").exists()
    return judge(case, done, created_nothing)


async def doctor_cases(workdir: Path) -> list[DoctorResult]:
    results = []
    # Only the dead-letter case runs a bot, so the others share one fake Telegram and run at
    # once; the bot gets a fake of its own, where no other process competes for its updates.
    async with FakeBotApi(token=TOKEN) as api:
        quiet = [c for c in CASES if c.breaks is not _dead_letter]
        results += await asyncio.gather(*(doctor_case(api, workdir, c) for c in quiet))
    async with FakeBotApi(token=TOKEN) as api:
        results += [await doctor_case(api, workdir, c) for c in CASES if c.breaks is _dead_letter]
    return results


# --- the scenario --------------------------------------------------------------------------------


def _size(size: str | int) -> int:
    return size if isinstance(size, int) else SIZES[size]


async def run(workdir: Path | None = None, size: str | int = "quick") -> dict[str, object]:
    """Scenario 9 with `size` respondents around the backup ("quick" 4, "long" 20)."""
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="operations-") as folder:
            return await run(Path(folder), size)
    started = time.monotonic()
    async with FakeBotApi(token=TOKEN) as api:
        backup, doctors = await asyncio.gather(
            backup_while_answering(api, workdir, _size(size)), doctor_cases(workdir)
        )
    checks = dict(backup.checks)
    for result in doctors:
        checks.update(result.checks)
    doctor_notes = [
        f"doctor, {r.case} (exit {r.returncode}): " + " | ".join(r.lines)
        for r in doctors
        if not all(r.checks.values())
    ]
    return {
        "scenario": "9 operations",
        "respondents": _size(size),
        "replies during the backup": backup.replies_during_backup,
        "backup s": round(backup.backup_seconds, 2),
        "backup bytes": backup.backup_bytes,
        "responses in the backup": backup.responses_at_backup,
        "doctor cases": len(doctors),
        "doctor output": {r.case: r.lines for r in doctors},
        "checks": checks,
        "passed": all(checks.values()),
        "findings": backup.notes + doctor_notes,
        "elapsed s": round(time.monotonic() - started, 1),
    }
