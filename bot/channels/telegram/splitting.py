"""Cutting Telegram-flavoured HTML into messages Telegram accepts (4,096 UTF-16 code units).

Cuts fall at line breaks outside any tag; a single line longer than a message (an answer of
thousands of characters, in a coordinator's report) is cut between words, or between
characters when there are none, and loses its markup rather than break a tag.
"""

from __future__ import annotations

import re

TAG = re.compile(r"<[^>]+>")
ENTITY_TAIL = re.compile(r"&[#a-zA-Z0-9]*$")


def utf16_length(text: str) -> int:
    """Telegram counts UTF-16 code units; markup only makes the source longer than the text."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int) -> list[str]:
    if utf16_length(text) <= limit:
        return [text]
    parts: list[str] = []
    current: list[str] = []
    block: list[str] = []  # lines since the last break outside a tag
    depth = 0
    for line in text.split("\n"):
        block.append(line)
        # Text is escaped, so every "<" starts a tag, and each tag is closed: "<b>" ... "</b>".
        depth += line.count("<") - 2 * line.count("</")
        if depth:
            continue
        if current and utf16_length("\n".join(current + block)) > limit:
            parts.append("\n".join(current))
            current = []
        whole = "\n".join(block)
        if utf16_length(whole) > limit:
            parts.extend(_cut(TAG.sub("", whole), limit))
        else:
            current += block
        block = []
    parts.append("\n".join(current + block))
    return [part.strip() for part in parts if part.strip()]


def _cut(text: str, limit: int) -> list[str]:
    """Plain (escaped) text in pieces of at most `limit`, never inside an &entity;."""
    pieces = []
    while utf16_length(text) > limit:
        end = _fitting(text, limit)
        space = text.rfind(" ", 0, end)
        if space > end // 2:
            end = space
        entity = ENTITY_TAIL.search(text, 0, end)
        if entity is not None and entity.start() > 0:
            end = entity.start()
        pieces.append(text[:end])
        text = text[end:].lstrip(" ")
    return [*pieces, text]


def _fitting(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 units (never half a character)."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)
