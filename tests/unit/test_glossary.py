"""The glossary's renderings are used: wherever a catalog's English message has a key term,
its translation has the term's rendering (docs/glossary.md, from bot/locales/glossary.yaml)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, shipped_locales

GLOSSARY = yaml.safe_load((LOCALES_DIR / "glossary.yaml").read_text(encoding="utf-8"))
DOC = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"
MARKS = re.compile("[\u064b-\u0652\u0640]")
"""Arabic short-vowel marks and tatweel: a rendering is the same word with or without them."""
TRANSLATED = [loc for loc in shipped_locales() if loc != "en"]


def plain(text: str) -> str:
    return MARKS.sub("", unicodedata.normalize("NFC", text)).casefold()


def english(term: str, spec: dict[str, object]) -> re.Pattern[str]:
    """Where the English term is: a whole word (a plural too); a stage name only as a name;
    `english`, where the word alone would find other uses ("force" in "task force")."""
    if spec.get("english"):
        return re.compile(str(spec["english"]))
    if spec.get("case_sensitive"):
        return re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])")
    return re.compile(rf"(?<![\w-]){re.escape(term)}s?(?![\w-])", re.IGNORECASE)


def rendered(entry: dict[str, str]) -> re.Pattern[str]:
    """A rendering, or the pattern that also finds its inflected forms (`match`)."""
    return re.compile(plain(entry.get("match") or re.escape(entry["rendering"])))


def catalog(locale: str) -> list[tuple[str, str]]:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        messages = [m for m in read_po(handle, locale=locale) if m.id]
    pairs = []
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs.append((" ".join(ids), " ".join(strings)))
    return pairs


def test_every_translated_language_has_every_term() -> None:
    for term, spec in GLOSSARY["terms"].items():
        missing = [loc for loc in TRANSLATED if loc not in spec["renderings"]]
        assert not missing, f"{term!r} has no rendering for {missing}"
        for locale, entry in spec["renderings"].items():
            assert entry.get("rendering") and entry.get("source"), (term, locale)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_each_catalog_uses_the_glossary_wherever_the_term_appears(locale: str) -> None:
    misses = []
    pairs = catalog(locale)
    for term, spec in GLOSSARY["terms"].items():
        wanted = rendered(spec["renderings"][locale])
        where = english(term, spec)
        for source, translation in pairs:
            if where.search(source) and translation and not wanted.search(plain(translation)):
                misses.append(f"{term!r} in {source[:60]!r}")
    assert not misses, f"{locale}: {len(misses)} messages without the glossary's rendering:\n" + (
        "\n".join(misses[:15])
    )


def test_the_glossary_document_is_the_glossary() -> None:
    from bot.catalogs import glossary_markdown

    assert DOC.read_text(encoding="utf-8") == glossary_markdown(GLOSSARY)
