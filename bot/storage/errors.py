"""What storage failures mean to the code above it, without it knowing SQLite."""

from __future__ import annotations

import sqlite3


class StorageError(Exception):
    """The database could not do this now (busy past the timeout, disk full, I/O error).

    Nothing about the data is wrong: the same work succeeds once the database recovers.
    """


class DatabaseUnusable(StorageError):
    """The database file cannot be used at all; the message names it and says what to do."""


class DataError(Exception):
    """A statement was refused for the data it carried (a constraint): retrying cannot help."""


def translated(error: sqlite3.Error) -> Exception:
    description = f"{type(error).__name__}: {error}"
    if isinstance(error, sqlite3.OperationalError):
        return StorageError(description)
    text = str(error).lower()
    if "malformed" in text or "not a database" in text:
        return DatabaseUnusable(description)
    return DataError(description)
