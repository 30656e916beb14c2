"""A pseudo-locale built from what extraction finds now, and a finder of the English it misses.

Every extracted msgid becomes its own msgstr with each letter accented and each line wrapped
in ⟦…⟧, keeping what a translator keeps ({placeholders}, HTML tags and entities, /commands,
links). Rendered in that locale, no text the code shows should hold a plain ASCII word: one
that does was never extracted, was shown without being translated, or was put together from
English pieces.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
PSEUDO = "eo"
"""A CLDR locale (so numbers, dates and its language name work) that ships no catalog."""
OPEN, CLOSE = "⟦", "⟧"
_ACCENT = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçďéƒĝĥîĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇĎÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
KEPT = re.compile(r"\{[a-z_]*\}|<[^<>]*>|&#?\w+;|(?<![\w/])/[a-z_]+|https?://\S+")
"""What a translator leaves as it is: placeholders, HTML tags and entities, /commands, links."""
ENGLISH_WORD = re.compile(r"(?<![^\W\d_])[A-Za-z]{3,}(?![^\W\d_])")
"""Three or more ASCII letters standing alone: no accented letter on either side."""


def pseudo(text: str) -> str:
    """'Question {number} of {total}' -> '⟦Ǫûéšţîöñ {number} öƒ {total}⟧', line by line."""
    return "\n".join(_pseudo_line(line) for line in text.split("\n"))


def _pseudo_line(line: str) -> str:
    if not any(c.isalpha() for c in KEPT.sub("", line)):
        return line  # nothing a translator would change: "{answer} {count}", "<b>{name}</b>"
    parts, at = [], 0
    for kept in KEPT.finditer(line):
        parts += [line[at : kept.start()].translate(_ACCENT), kept.group()]
        at = kept.end()
    parts.append(line[at:].translate(_ACCENT))
    return OPEN + "".join(parts) + CLOSE


def extract(into: Path) -> Catalog:
    """What `make catalogs` extracts from the tree as it is now."""
    pot = into / "messages.pot"
    command = ["extract", "-F", "babel.cfg", "-k", "N_", "--no-location", "-o", str(pot), "."]
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *command],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return read_po(handle)


def write_pseudo_catalog(extracted: Catalog, directory: Path) -> Path:
    """directory/<PSEUDO>/LC_MESSAGES/messages.po, laid out like bot/locales."""
    catalog = Catalog(locale=PSEUDO, domain="messages")
    for message in extracted:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            singular, plural = message.id[0], message.id[1]
            catalog.add(message.id, (pseudo(singular), pseudo(plural)), flags=message.flags)
        else:
            catalog.add(message.id, pseudo(message.id), flags=message.flags)
    path = directory / PSEUDO / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def english_left(text: str, data: Iterable[str] = ()) -> list[str]:
    """Each line of `text` still holding English, with the English words marked »so«.

    `data` is what the text legitimately carries as typed or generated (a community's name,
    a free-text answer, a link, a receipt code): it is taken out first, longest first.
    """
    for value in sorted({d for d in data if d}, key=len, reverse=True):
        text = text.replace(value, " ")
    found = []
    for line in text.split("\n"):
        visible = html.unescape(KEPT.sub(" ", line))
        words = ENGLISH_WORD.findall(visible)
        if words:
            marked = ENGLISH_WORD.sub(lambda m: f"»{m.group()}«", visible)
            found.append(f"{marked.strip()}   [{', '.join(words)}]")
    return found
