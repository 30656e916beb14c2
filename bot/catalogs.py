"""Catalog maintenance for translators: fill the English catalog, merge translations from JSON.

python -m bot.catalogs fill-source            # English msgstr = msgid (English is the source)
python -m bot.catalogs merge es FILE.json     # {"msgid": "translation", ...} into es
python -m bot.catalogs missing es             # list untranslated msgids as JSON
python -m bot.catalogs init fr                # a new language's catalog, machine-drafted today
python -m bot.catalogs glossary              # docs/glossary.md from bot/locales/glossary.yaml
python -m bot.catalogs status es "reviewed by a qualified translator, 2027-01-10 (A. Name)"
                                              # record a catalog's review in its header
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.i18n import DEFAULT_LOCALE, DOMAIN, LOCALES_DIR, language_name


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


MACHINE_DRAFTED = "machine-drafted"
NOT_REVIEWED = (
    "# Not yet reviewed by a qualified translator; docs/translation.md says how to have\n"
    "# it reviewed, and where to record the review here when it is done."
)


def init(locale: str, today: date | None = None) -> int:
    """A new language's catalog from the template, every message untranslated, its header
    saying it is machine-drafted until a qualified translator's review is recorded."""
    path = catalog_path(locale)
    if path.exists():
        print(f"{path} exists already", file=sys.stderr)
        return 2
    with (LOCALES_DIR / f"{DOMAIN}.pot").open("rb") as handle:
        template = read_po(handle)
    catalog = Catalog(
        locale=locale,
        project="readiness-bot",
        copyright_holder="Readiness Bot",
        last_translator=f"{MACHINE_DRAFTED} (no reviewer yet)",
        language_team=f"{locale} (none yet)",
    )
    catalog.update(template, no_fuzzy_matching=True)
    catalog.fuzzy = False  # the header is ours, not a guess
    catalog.revision_date = datetime.now(UTC)
    name = "Tagalog" if locale == "tl" else Locale.parse(locale).get_display_name("en")
    day = (today or date.today()).isoformat()
    catalog.header_comment = (
        f"# {name} translations for Readiness Bot.\n"
        f"# Review status: {MACHINE_DRAFTED}, {day}\n{NOT_REVIEWED}"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_catalog(catalog, locale)
    return 0


def set_status(locale: str, status: str) -> int:
    """Write the catalog's "Review status:" header line (what coordinators and the README
    are told of it), keeping the rest of its header."""
    if "\n" in status or not status.strip():
        print("a review status is one line of text", file=sys.stderr)
        return 2
    catalog = read_catalog(locale)
    lines = [line for line in catalog.header_comment.splitlines() if "Review status:" not in line]
    lines.insert(1 if lines else 0, f"# Review status: {status.strip()}")
    catalog.header_comment = "\n".join(lines)
    write_catalog(catalog, locale)
    return 0


GLOSSARY_DOC = Path(__file__).resolve().parents[1] / "docs" / "glossary.md"


def glossary_markdown(glossary: dict[str, Any]) -> str:
    """docs/glossary.md: per key term, each language's rendering and where it comes from."""
    lines = [
        "# Glossary",
        "",
        "The key terms and the rendering every catalog uses for them, wherever the English",
        "term appears (`tests/unit/test_glossary.py` checks each catalog). Generated from",
        "`bot/locales/glossary.yaml` by `python -m bot.catalogs glossary`; edit that file.",
        'A source is an official rendering where one exists; "chosen" says why otherwise.',
    ]
    for term, spec in glossary["terms"].items():
        lines += ["", f"## {term}", "", "| language | rendering | source |", "| --- | --- | --- |"]
        for locale, entry in spec["renderings"].items():
            cells = [language_name(locale), entry["rendering"], entry["source"]]
            lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def write_glossary() -> int:
    glossary = yaml.safe_load((LOCALES_DIR / "glossary.yaml").read_text(encoding="utf-8"))
    GLOSSARY_DOC.write_text(glossary_markdown(glossary), encoding="utf-8")
    return 0


def main(argv: Sequence[str]) -> int:
    match list(argv):
        case ["fill-source"]:
            return fill_source()
        case ["merge", locale, file]:
            return merge(locale, Path(file))
        case ["glossary"]:
            return write_glossary()
        case ["init", locale]:
            return init(locale)
        case ["status", locale, status]:
            return set_status(locale, status)
        case ["missing", locale]:
            print(json.dumps(untranslated(read_catalog(locale)), ensure_ascii=False, indent=1))
            return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
