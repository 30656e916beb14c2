"""The SQLite store: one writer under one lock, and a separate reader that sees only commits.

In WAL mode a second connection never sees another connection's open transaction, so
everything that acts on data (the sender, the inbox drain, reminders, reports) reads through
`Store.read` and can never act on a row that is later rolled back.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

import aiosqlite

from bot.storage.errors import DatabaseUnusable, DataError, StorageError, translated
from bot.storage.migrations import SchemaTooNew, migrate
from bot.storage.repos import Repos
from bot.storage.repos.base import on_its_thread, statement

__all__ = ["DataError", "DatabaseUnusable", "StorageError", "Store"]

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
SQLITE_HEADER = b"SQLite format 3\x00"
_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    # FULL: an answer acknowledged to the respondent survives a power cut, not just a crash.
    "PRAGMA synchronous = FULL",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys = ON",
    # Erased answers are overwritten with zeros, not merely unlinked from the b-tree.
    "PRAGMA secure_delete = ON",
)


class Store:
    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self._writer = writer
        self._reader = reader
        self._lock = asyncio.Lock()
        # Held from the commit of an erasure until the WAL is truncated; see `settled()`.
        self._wipe_gate = asyncio.Lock()
        self._tx = Repos(writer)
        self.read = Repos(reader)
        """Repositories over the reader: committed data only. Never write through them."""

    # --- opening and closing -------------------------------------------------------------

    @classmethod
    async def open(cls, path: Path, *, check_integrity: bool = False) -> Store:
        """Open (creating it, mode 0600, if missing) and migrate; DatabaseUnusable otherwise."""
        _check_file(path)
        opened: list[aiosqlite.Connection] = []
        try:
            writer = await aiosqlite.connect(path, isolation_level=None)
            opened.append(writer)
            for pragma in _PRAGMAS:
                await writer.execute(pragma)
            await migrate(writer)
            if check_integrity:
                await _quick_check(writer, path)
            reader = await aiosqlite.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
            opened.append(reader)
            await reader.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            for connection in opened:
                connection.row_factory = aiosqlite.Row
        except SchemaTooNew as error:
            await _close_all(opened)
            raise DatabaseUnusable(f"database {path}: {error}") from None
        except sqlite3.Error as error:
            await _close_all(opened)
            raise DatabaseUnusable(explain(path, error)) from None
        except BaseException:
            await _close_all(opened)
            raise
        return cls(path, writer, reader)

    async def close(self) -> None:
        await _close_all([self._reader, self._writer])

    # --- writing -------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Repos]:
        """The one way to write: BEGIN IMMEDIATE under the lock; commit, or roll back on error.

        A transaction that erased a respondent's data also truncates the WAL before anyone
        can read what it committed, so erased bytes have left the disk by then.
        """
        async with self._lock:
            tx = self._tx
            tx.wiped = False
            try:
                # Inside the try: a task cancelled while BEGIN runs (at shutdown) has opened
                # a transaction all the same, which must not stay open for the next writer.
                await self._execute("BEGIN IMMEDIATE")
                yield tx
            except BaseException as error:
                await self._abandon()
                if isinstance(error, sqlite3.Error):
                    raise translated(error) from error
                raise
            try:
                if tx.wiped:
                    async with self._wipe_gate:
                        await self._commit()
                        await self._truncate_wal()
                else:
                    await self._commit()
            except BaseException:
                await self._abandon()
                raise

    async def _abandon(self) -> None:
        """Roll back whatever is open. Always queued, never decided here: a cancelled BEGIN
        may still be waiting its turn on the connection's thread, and the rollback queued
        after it runs after it (sqlite3 skips a rollback when no transaction is open)."""
        with suppress(sqlite3.Error):
            await self._writer.rollback()

    @asynccontextmanager
    async def savepoint(self, name: str = "item") -> AsyncIterator[None]:
        """Inside a transaction: a part that rolls back alone (one update of a group commit)."""
        await self._execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            await self._execute(f"ROLLBACK TO {name}")
            await self._execute(f"RELEASE {name}")
            raise
        await self._execute(f"RELEASE {name}")

    @asynccontextmanager
    async def settled(self) -> AsyncIterator[None]:
        """Read inside this to never see an erasure's commit before its WAL is truncated."""
        async with self._wipe_gate:
            yield

    async def checkpoint(self) -> None:
        async with self._lock:
            await self._truncate_wal()

    async def _commit(self) -> None:
        try:
            await self._writer.commit()
        except sqlite3.Error as error:
            with suppress(sqlite3.Error):
                await self._writer.rollback()
            raise translated(error) from error

    async def _truncate_wal(self) -> None:
        """Fold the WAL into the main file and truncate it: erased bytes leave the WAL too."""
        checkpoint = statement("PRAGMA wal_checkpoint(TRUNCATE)", (), sqlite3.Cursor.fetchone)
        try:
            row = await on_its_thread(self._writer, checkpoint)
        except sqlite3.Error as error:
            log.warning("WAL checkpoint failed (%s); it runs again with the next erasure", error)
            return
        if row is not None and row[0]:
            log.warning("WAL checkpoint was blocked by a reader; the WAL was not truncated")

    async def _execute(self, sql: str) -> None:
        try:
            await on_its_thread(self._writer, statement(sql, (), sqlite3.Cursor.close))
        except sqlite3.Error as error:
            raise translated(error) from error

    # --- operations ----------------------------------------------------------------------

    async def integrity_problems(self) -> list[str]:
        """`PRAGMA integrity_check`: an empty list when the file is sound."""
        return await _integrity(self._reader)

    async def backup(self, target: Path) -> list[str]:
        """An online, consistent copy (SQLite's backup API) while the bot keeps running.

        The copy is written beside `target` and checked (`PRAGMA integrity_check`) before it
        replaces `target`: the backup API copies pages as they are, so a damaged database
        gives a damaged copy, which must not overwrite the previous, good backup. Returns the
        problems found; `target` is untouched when there are any.
        """
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        _create_private(partial)
        try:
            async with aiosqlite.connect(partial) as copy:
                await self._reader.backup(copy)
                await copy.execute("PRAGMA journal_mode = DELETE")
                problems = await _integrity(copy)
            if not problems:
                os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        return problems


async def _integrity(connection: aiosqlite.Connection) -> list[str]:
    try:
        async with connection.execute("PRAGMA integrity_check") as cursor:
            rows = [str(row[0]) for row in await cursor.fetchall()]
    except sqlite3.DatabaseError as error:
        # Damage bad enough to stop the check itself ("database disk image is malformed")
        # is the answer to the question, not a failure to ask it.
        return [str(error)]
    return [] if rows == ["ok"] else rows


def _check_file(path: Path) -> None:
    """Refuse at once, with a line that says what to do, what SQLite would hang or trace on."""
    if path.is_dir():
        raise DatabaseUnusable(f"database {path} is a folder; set READINESS_DATABASE to a file")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _create_private(path)
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseUnusable(
            f"database {path} cannot be read ({error.strerror}); check its owner and permissions"
        ) from None
    if header and header != SQLITE_HEADER:
        raise DatabaseUnusable(
            f"database {path} is not a SQLite database; restore it from a backup "
            "(README: Deployment) or move it away to start an empty one"
        )
    try:
        # In WAL mode SQLite writes a read-only file's changes to the WAL without complaint
        # until the first checkpoint, so ask the file system directly.
        with path.open("r+b"):
            pass
    except OSError:
        raise DatabaseUnusable(
            f"database {path} is read-only; the bot must be able to write it, its folder "
            "and its -wal and -shm files"
        ) from None


def _create_private(path: Path) -> None:
    # SQLite gives the -wal and -shm files the database file's mode, so 0600 covers all three.
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


async def _quick_check(connection: aiosqlite.Connection, path: Path) -> None:
    async with connection.execute("PRAGMA quick_check") as cursor:
        rows = [str(row[0]) for row in await cursor.fetchall()]
    if rows != ["ok"]:
        raise DatabaseUnusable(
            f"database {path} is damaged ({rows[0]}); restore it from a backup (README: Deployment)"
        )


async def _close_all(connections: list[aiosqlite.Connection]) -> None:
    for connection in connections:
        with suppress(Exception):
            await connection.close()


def explain(path: Path, error: sqlite3.Error) -> str:
    """One line an operator can act on, for an error SQLite gave while opening `path`."""
    text = str(error).lower()
    if "not a database" in text or "malformed" in text:
        return (
            f"database {path} is damaged or not a database; restore it from a backup "
            "(README: Deployment) or move it away to start an empty one"
        )
    if "readonly" in text or "read-only" in text:
        return (
            f"database {path} is read-only; the bot must be able to write it, its folder "
            "and its -wal and -shm files"
        )
    if "locked" in text or "busy" in text:
        return f"database {path} is locked by another process; is another readiness-bot running?"
    if "unable to open" in text or "disk i/o" in text:
        return f"database {path} cannot be opened ({error}); check the folder and permissions"
    return f"database {path}: {error}"
