"""The small base every repository shares: a connection and three ways to run a statement."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import aiosqlite

from bot.storage.errors import translated

if TYPE_CHECKING:
    from bot.storage.repos import Repos

Params = Sequence[object]


class Repository:
    def __init__(self, connection: aiosqlite.Connection, unit: Repos) -> None:
        self._db = connection
        self._unit = unit

    # Each statement holds the connection's `statements` lock from execute to close. Tasks
    # share the read connection, and a statement that starts while another one is still open
    # joins that one's read transaction: it would see the database as it was when the other
    # began, missing what was committed since (an update the dispatcher was just woken for).

    async def _one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        try:
            async with self._unit.statements, self._db.execute(sql, params) as cursor:
                return await cursor.fetchone()
        except sqlite3.Error as error:
            raise translated(error) from error

    async def _all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        try:
            async with self._unit.statements, self._db.execute(sql, params) as cursor:
                return list(await cursor.fetchall())
        except sqlite3.Error as error:
            raise translated(error) from error

    async def _run(self, sql: str, params: Params = ()) -> int:
        """Run one statement; the number of rows it changed."""
        try:
            async with self._unit.statements, self._db.execute(sql, params) as cursor:
                return cursor.rowcount
        except sqlite3.Error as error:
            raise translated(error) from error

    async def _many(self, sql: str, rows: Iterable[Params]) -> None:
        try:
            async with self._unit.statements:
                await self._db.executemany(sql, rows)
        except sqlite3.Error as error:
            raise translated(error) from error

    def _wiped(self) -> None:
        """This transaction removed a respondent's data: the WAL is truncated after commit."""
        self._unit.wiped = True
