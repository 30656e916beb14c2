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
    write to wake the loop) for the execute, another for the fetch and a third for the close
    (one answer handled and committed, in process: 3.5-3.8 ms with them, 2.2-2.7 ms without;
    docs/performance.md). Here the cursor is opened, read and closed on that
    thread, so none is ever finalised on the loop's thread (where it would wait for SQLite's
    mutex holding the GIL). `_execute` is aiosqlite's own queueing (pinned in requirements/)."""
    return await connection._execute(lambda: work(connection._conn))


def statement(
    sql: str, params: Params, read: Callable[[sqlite3.Cursor], T]
) -> Callable[[sqlite3.Connection], T]:
    """One statement for `on_its_thread`: executed, `read` (its rows or its count), closed."""

    def work(db: sqlite3.Connection) -> T:
        with closing(db.execute(sql, params)) as cursor:
            return read(cursor)

    return work


def _changed(cursor: sqlite3.Cursor) -> int:
    return cursor.rowcount


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
        return await self._statement(statement(sql, params, sqlite3.Cursor.fetchone))

    async def _all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        return await self._statement(statement(sql, params, sqlite3.Cursor.fetchall))

    async def _run(self, sql: str, params: Params = ()) -> int:
        """Run one statement; the number of rows it changed."""
        return await self._statement(statement(sql, params, _changed))

    async def _many(self, sql: str, rows: Iterable[Params]) -> None:
        def work(db: sqlite3.Connection) -> None:
            db.executemany(sql, rows).close()

        await self._statement(work)

    async def _statement(self, work: Callable[[sqlite3.Connection], T]) -> T:
        try:
            return await on_its_thread(self._db, work)
        except sqlite3.Error as error:
            raise translated(error) from error

    def _wiped(self) -> None:
        """This transaction removed a respondent's data: the WAL is truncated after commit."""
        self._unit.wiped = True
