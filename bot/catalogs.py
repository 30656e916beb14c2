"""Catalog maintenance for translators: fill the English catalog, merge translations from JSON.

python -m bot.catalogs fill-source            # English msgstr = msgid (English is the source)
python -m bot.catalogs merge es FILE.json     # {"msgid": "translation", ...} into es
python -m bot.catalogs missing es             # list untranslated msgids as JSON
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.i18n import DEFAULT_LOCALE, DOMAIN, LOCALES_DIR


def catalog_path(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(locale: str) -> Catalog:
    with catalog_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale)


def write_catalog(catalog: Catalog, locale: str) -> None:
    with catalog_path(locale).open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, ignore_obsolete=True)


def untranslated(catalog: Catalog) -> list[str | list[str]]:
    """Msgids still to translate; a plural message as its [singular, plural] pair."""
    missing: list[str | list[str]] = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and (not all(strings) or message.fuzzy):
            missing.append(list(message.id) if isinstance(message.id, tuple) else message.id)
    return missing


def fill_source() -> int:
    catalog = read_catalog(DEFAULT_LOCALE)
    for message in catalog:
        if message.id:
            message.string = message.id  # a plural's (singular, plural) pair is its own English
            message.flags.discard("fuzzy")
    write_catalog(catalog, DEFAULT_LOCALE)
    return 0


def merge(locale: str, path: Path) -> int:
    translations: dict[str, str | list[str]] = json.loads(path.read_text(encoding="utf-8"))
    catalog = read_catalog(locale)
    merged = 0
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in translations:
            value = translations[key]
            message.string = tuple(value) if isinstance(value, list) else value
            message.flags.discard("fuzzy")
            merged += 1
    write_catalog(catalog, locale)
    print(f"merged {merged}; still untranslated: {len(untranslated(catalog))}")
    return 0


def main(argv: Sequence[str]) -> int:
    match list(argv):
        case ["fill-source"]:
            return fill_source()
        case ["merge", locale, file]:
            return merge(locale, Path(file))
        case ["missing", locale]:
            print(json.dumps(untranslated(read_catalog(locale)), ensure_ascii=False, indent=1))
            return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
