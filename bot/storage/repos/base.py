"""The small base every repository shares: a connection and three ways to run a statement."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from typing import TYPE_CHECKING, TypeVar

import aiosqlite

from bot.storage.errors import translated

if TYPE_CHECKING:
    from bot.storage.repos import Repos

Params = Sequence[object]
T = TypeVar("T")


async def on_its_thread(
    connection: aiosqlite.Connection, work: Callable[[sqlite3.Connection], T]
) -> T:
    """Run `work` with the connection on the connection's own thread, in one hand-off.

    aiosqlite's cursor API costs a hand-off (a queue put, a thread wake-up and a self-pipe
    write to wake the loop) for the execute, another for the fetch and a third for the close:
    most of the storage's CPU per answer. Here the cursor is opened, read and closed on that
    thread, so none is ever finalised on the loop's thread (where it would wait for SQLite's
    mutex holding the GIL). `_execute` is aiosqlite's own queueing (pinned in requirements/)."""
    return await connection._execute(lambda: work(connection._conn))


def first_row(sql: str, params: Params) -> Callable[[sqlite3.Connection], sqlite3.Row | None]:
    def work(db: sqlite3.Connection) -> sqlite3.Row | None:
        with closing(db.execute(sql, params)) as cursor:
            row: sqlite3.Row | None = cursor.fetchone()
            return row

    return work


def all_rows(sql: str, params: Params) -> Callable[[sqlite3.Connection], list[sqlite3.Row]]:
    def work(db: sqlite3.Connection) -> list[sqlite3.Row]:
        with closing(db.execute(sql, params)) as cursor:
            return cursor.fetchall()

    return work


def changed_rows(sql: str, params: Params) -> Callable[[sqlite3.Connection], int]:
    def work(db: sqlite3.Connection) -> int:
        with closing(db.execute(sql, params)) as cursor:
            return cursor.rowcount

    return work


def each_row(sql: str, rows: Iterable[Params]) -> Callable[[sqlite3.Connection], None]:
    def work(db: sqlite3.Connection) -> None:
        with closing(db.executemany(sql, rows)):
            pass

    return work


class Repository:
    def __init__(self, connection: aiosqlite.Connection, unit: Repos) -> None:
        self._db = connection
        self._unit = unit

    # Each statement is executed, read and closed in one hand-off to the connection's thread
    # (`on_its_thread`). Tasks share the read connection, and a statement that started while
    # another was still open would join that one's read transaction: it would see the
    # database as it was when the other began, missing what was committed since (an update
    # the dispatcher was just woken for). No statement stays open across an await, so none can.

    async def _one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        return await self._statement(first_row(sql, params))

    async def _all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        return await self._statement(all_rows(sql, params))

    async def _run(self, sql: str, params: Params = ()) -> int:
        """Run one statement; the number of rows it changed."""
        return await self._statement(changed_rows(sql, params))

    async def _many(self, sql: str, rows: Iterable[Params]) -> None:
        await self._statement(each_row(sql, rows))

    async def _statement(self, work: Callable[[sqlite3.Connection], T]) -> T:
        try:
            return await on_its_thread(self._db, work)
        except sqlite3.Error as error:
            raise translated(error) from error

    def _wiped(self) -> None:
        """This transaction removed a respondent's data: the WAL is truncated after commit."""
        self._unit.wiped = True
