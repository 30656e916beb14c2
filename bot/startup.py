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
    store = await open_store(settings.database, check_integrity=check_integrity)
    try:
        secret = await _bound_secret(store, settings.key_file)
    except BaseException:
        await store.close()
        raise
    return store, secret


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
