"""Opening the database with its key file, refusing with one clear line what cannot work.

The key file and the database belong together: the database remembers a fingerprint of
the key it was used with, so a lost, replaced or mistyped key file is caught at start,
before new interviews are sealed with a key that cannot open the old ones.
"""

from __future__ import annotations

import hmac
from pathlib import Path

from bot.privacy import SecretFileError, derive_key, load_or_create_secret
from bot.settings import Settings
from bot.storage.db import Store
from bot.storage.errors import DatabaseUnusable, StorageError

KEY_CHECK = "key_check"
LEGACY_DATABASE = "readiness.db"
"""The default database, in the working directory, before READINESS_DATA_DIR."""


class StartupError(Exception):
    """The program cannot start; the message says why and what to do, in one line."""


def key_fingerprint(secret: bytes) -> str:
    return derive_key(secret, "key-check").hex()[:32]


async def open_store(path: Path, *, check_integrity: bool = False) -> Store:
    try:
        return await Store.open(path, check_integrity=check_integrity)
    except DatabaseUnusable as error:
        raise StartupError(str(error)) from None
    except StorageError as error:
        raise StartupError(f"database {path}: {error}") from None


async def open_with_key(
    settings: Settings, *, check_integrity: bool = False
) -> tuple[Store, bytes]:
    _make_data_dir(settings)
    store = await open_store(settings.database, check_integrity=check_integrity)
    try:
        secret = await _bound_secret(store, settings.key_file)
    except BaseException:
        await store.close()
        raise
    return store, secret


def _make_data_dir(settings: Settings) -> None:
    """Create the data directory owner-only (the store would make it world-readable) when the
    database is to live in it; a READINESS_DATABASE elsewhere leaves no empty one behind."""
    if settings.database.parent != settings.data_dir:
        return
    leftover = Path.cwd() / LEGACY_DATABASE
    if leftover.exists() and not settings.database.exists():
        # The default used to be this file in the working directory: starting afresh in the
        # data directory would look to an operator as if every interview had vanished.
        raise StartupError(
            f"found {leftover}, where the database was kept before the data directory; move "
            f"it with its -wal, -shm and .key files into {settings.data_dir}, or set "
            f"READINESS_DATABASE={leftover} to keep using it there"
        )
    try:
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise StartupError(
            f"data directory {settings.data_dir} cannot be created ({error.strerror}); "
            "point READINESS_DATA_DIR at a folder this user can write"
        ) from None


async def _bound_secret(store: Store, key_file: Path) -> bytes:
    known = await store.read.info.get(KEY_CHECK)
    if known is not None and not key_file.exists():
        raise StartupError(
            f"key file {key_file} is missing, but database {store.path} was used with one; "
            "restore the key file from your backup (or point READINESS_SECRET_KEY_FILE at it)"
        )
    try:
        secret = load_or_create_secret(key_file)
    except SecretFileError as error:
        raise StartupError(str(error)) from None
    except OSError as error:
        raise StartupError(
            f"key file {key_file} cannot be read ({error.strerror}); check its owner and mode 600"
        ) from None
    fingerprint = key_fingerprint(secret)
    if known is None:
        async with store.transaction() as tx:
            await tx.info.set(KEY_CHECK, fingerprint)
    elif not hmac.compare_digest(known, fingerprint):
        raise StartupError(
            f"key file {key_file} does not belong to database {store.path}; "
            "use the key file that was backed up with this database"
        )
    return secret
