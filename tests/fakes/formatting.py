"""Telegram's text formatting as the Bot API applies it: parse modes, UTF-16 offsets, trimming.

Strict on purpose: markup that Telegram rejects (an unescaped ``<`` in HTML, a bare ``.`` in
MarkdownV2) is rejected here too, with Telegram's wording, so e2e tests catch escaping bugs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Entity = dict[str, Any]


class EntityParseError(ValueError):
    """Raised with the text Telegram puts after "Bad Request: can't parse entities: "."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of every Telegram entity offset and length."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


@dataclass
class _Builder:
    """Collects plain text and entities while a parser walks the marked-up source."""

    parts: list[str] = field(default_factory=list)
    pos: int = 0
    entities: list[Entity] = field(default_factory=list)

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.pos += utf16_len(chunk)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        if self.pos > start:
            self.entities.append(
                {"type": kind, "offset": start, "length": self.pos - start, **extra}
            )

    def result(self) -> tuple[str, list[Entity]]:
        ordered = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), ordered


# --- HTML ------------------------------------------------------------------------------------

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _decode_html_entity(text: str, i: int) -> tuple[str, int] | None:
    match = _HTML_ENTITY.match(text, i)
    if not match:
        return None
    name = match.group(1)
    if name in _NAMED:
        return _NAMED[name], match.end()
    code = int(name[2:], 16) if name.startswith("#x") else int(name[1:])
    if not 0 < code <= 0x10FFFF:
        return None
    return chr(code), match.end()


def _read_attributes(text: str, i: int, begin: int) -> tuple[dict[str, str], int]:
    """Reads ``name="value"`` pairs up to the closing ``>``; returns them and the index after it."""
    attrs: dict[str, str] = {}
    n = len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        if text[i] == ">":
            return attrs, i + 1
        name_start = i
        while i < n and not text[i].isspace() and text[i] not in "=>":
            i += 1
        name = text[name_start:i].lower()
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        if text[i] != "=":
            attrs[name] = ""  # a bare attribute, e.g. <blockquote expandable>
            continue
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        value: list[str] = []
        if text[i] in "'\"":
            quote = text[i]
            i += 1
            while i < n and text[i] != quote:
                decoded = _decode_html_entity(text, i) if text[i] == "&" else None
                if decoded:
                    value.append(decoded[0])
                    i = decoded[1]
                else:
                    value.append(text[i])
                    i += 1
            if i >= n:
                raise EntityParseError(
                    f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
                )
            i += 1
        else:
            while i < n and not text[i].isspace() and text[i] != ">":
                value.append(text[i])
                i += 1
        attrs[name] = "".join(value)


def parse_html(text: str) -> tuple[str, list[Entity]]:
    out = _Builder()
    stack: list[tuple[str, int, dict[str, str]]] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            decoded = _decode_html_entity(text, i)
            if decoded:
                out.add(decoded[0])
                i = decoded[1]
                continue
        if char != "<":
            out.add(char)
            i += 1
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            i += 1
            end = text.find(">", i)
            if end < 0:
                raise EntityParseError(
                    f"Unclosed end tag at byte offset {_byte_offset(text, begin)}"
                )
            name = text[i:end].strip().lower()
            if not stack:
                raise EntityParseError(
                    f"Unexpected end tag at byte offset {_byte_offset(text, begin)}"
                )
            open_name, start, attrs = stack.pop()
            if name != open_name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            _close_html_entity(out, open_name, start, attrs)
            i = end + 1
            continue
        name_start = i
        while i < n and not text[i].isspace() and text[i] != ">":
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        name = text[name_start:i].lower()
        if name not in _HTML_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, begin)}'
            )
        attrs, i = _read_attributes(text, i, begin)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                'Tag "span" must have class "tg-spoiler" '
                f"at byte offset {_byte_offset(text, begin)}"
            )
        stack.append((name, out.pos, attrs))
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


def _close_html_entity(out: _Builder, tag: str, start: int, attrs: dict[str, str]) -> None:
    kind = _HTML_TAGS[tag]
    if kind == "text_link":
        if attrs.get("href"):
            out.entity("text_link", start, url=attrs["href"])
        return
    if kind == "custom_emoji":
        out.entity("custom_emoji", start, custom_emoji_id=attrs.get("emoji-id", ""))
        return
    if kind == "code":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            out.entity("code", start, language=language.removeprefix("language-"))
        else:
            out.entity("code", start)
        return
    if kind == "pre":
        inner = out.entities[-1] if out.entities else None
        if (
            inner is not None
            and inner["type"] == "code"
            and inner["offset"] == start
            and inner["offset"] + inner["length"] == out.pos
        ):
            out.entities.pop()
            if inner.get("language"):
                out.entity("pre", start, language=inner["language"])
                return
        out.entity("pre", start)
        return
    if kind == "blockquote" and "expandable" in attrs:
        out.entity("expandable_blockquote", start)
        return
    out.entity(kind, start)


# --- MarkdownV2 ------------------------------------------------------------------------------

_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_V2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
    "code": "Code",
    "pre": "Pre",
}


def _reserved(char: str) -> EntityParseError:
    return EntityParseError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def _read_v2_url(text: str, i: int, begin: int) -> tuple[str, int]:
    """Reads ``(url)`` starting at ``text[i] == '('``; returns the URL and the index after it."""
    url: list[str] = []
    i += 1
    while i < len(text) and text[i] != ")":
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        url.append(text[i])
        i += 1
    if i >= len(text):
        raise EntityParseError(
            f"Can't find end of a URL at byte offset {_byte_offset(text, begin)}"
        )
    return "".join(url), i + 1


def parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    out = _Builder()
    stack: list[tuple[str, int, int, dict[str, str]]] = []  # kind, utf16 start, source index
    quote_start: int | None = None
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        top = stack[-1][0] if stack else None
        at_line_start = i == 0 or text[i - 1] == "\n"
        if char == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            continue
        if top == "pre":
            if text.startswith("```", i):
                _, start, _, extra = stack.pop()
                out.entity("pre", start, **extra)
                i += 3
            else:
                out.add(char)
                i += 1
            continue
        if top == "code":
            if char == "`":
                _, start, _, _ = stack.pop()
                out.entity("code", start)
            else:
                out.add(char)
            i += 1
            continue
        if char == "\n" and quote_start is not None and not text.startswith(">", i + 1):
            out.entity("blockquote", quote_start)
            quote_start = None
        if char not in _V2_RESERVED:
            out.add(char)
            i += 1
            continue
        # Closing markers first: the innermost open entity decides.
        if top == "bold" and char == "*":
            _close_v2(out, stack)
            i += 1
            continue
        if top == "underline" and text.startswith("__", i):
            _close_v2(out, stack)
            i += 2
            continue
        if top == "italic" and char == "_":
            _close_v2(out, stack)
            i += 1
            continue
        if top == "strikethrough" and char == "~":
            _close_v2(out, stack)
            i += 1
            continue
        if top == "spoiler" and text.startswith("||", i):
            _close_v2(out, stack)
            i += 2
            continue
        if top in ("text_link", "custom_emoji") and char == "]":
            kind, start, begin, _ = stack.pop()
            if i + 1 < n and text[i + 1] == "(":
                url, i = _read_v2_url(text, i + 1, begin)
                if kind == "custom_emoji":
                    out.entity(kind, start, custom_emoji_id=url.rpartition("id=")[2])
                else:
                    out.entity(kind, start, url=url)
            else:
                i += 1
            continue
        # Opening markers.
        if char == ">" and at_line_start:
            if quote_start is None:
                quote_start = out.pos
            i += 1
            continue
        if text.startswith("__", i):
            stack.append(("underline", out.pos, i, {}))
            i += 2
        elif char == "_":
            stack.append(("italic", out.pos, i, {}))
            i += 1
        elif char == "*":
            stack.append(("bold", out.pos, i, {}))
            i += 1
        elif char == "~":
            stack.append(("strikethrough", out.pos, i, {}))
            i += 1
        elif text.startswith("||", i):
            stack.append(("spoiler", out.pos, i, {}))
            i += 2
        elif char == "[":
            stack.append(("text_link", out.pos, i, {}))
            i += 1
        elif text.startswith("![", i):
            stack.append(("custom_emoji", out.pos, i, {}))
            i += 2
        elif text.startswith("```", i):
            newline = text.find("\n", i + 3)
            language = text[i + 3 : newline] if newline >= 0 else ""
            extra = {"language": language} if language.strip() else {}
            stack.append(("pre", out.pos, i, extra))
            i = newline + 1 if newline >= 0 and language.strip() else i + 3
        elif char == "`":
            stack.append(("code", out.pos, i, {}))
            i += 1
        else:
            raise _reserved(char)
    if stack:
        kind, _, begin, _ = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_V2_NAMES[kind]} entity at byte offset {_byte_offset(text, begin)}"
        )
    if quote_start is not None:
        out.entity("blockquote", quote_start)
    return out.result()


def _close_v2(out: _Builder, stack: list[tuple[str, int, int, dict[str, str]]]) -> None:
    kind, start, _, extra = stack.pop()
    out.entity(kind, start, **extra)


# --- legacy Markdown -------------------------------------------------------------------------


def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    out = _Builder()
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.add(char)
            i += 1
            continue
        begin = i
        unclosed = EntityParseError(
            f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
        )
        start = out.pos
        if text.startswith("```", i):
            end = text.find("```", i + 3)
            if end < 0:
                raise unclosed
            out.add(text[i + 3 : end])
            out.entity("pre", start)
            i = end + 3
        elif char == "[":
            close = text.find("]", i + 1)
            if close < 0 or not text.startswith("(", close + 1):
                raise unclosed
            url_end = text.find(")", close + 2)
            if url_end < 0:
                raise unclosed
            out.add(text[i + 1 : close])
            out.entity("text_link", start, url=text[close + 2 : url_end])
            i = url_end + 1
        else:
            end = text.find(char, i + 1)
            if end < 0:
                raise unclosed
            out.add(text[i + 1 : end])
            out.entity({"_": "italic", "*": "bold", "`": "code"}[char], start)
            i = end + 1
    return out.result()


# --- entry point -----------------------------------------------------------------------------

_PARSERS = {"html": parse_html, "markdownv2": parse_markdown_v2, "markdown": parse_markdown}


class UnsupportedParseMode(ValueError):
    pass


def _trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Telegram drops leading and trailing whitespace; entities are clipped to what remains."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    limit = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def format_text(
    text: str, parse_mode: str | None, entities: list[Entity] | None = None
) -> tuple[str, list[Entity]]:
    """Returns Telegram's plain text and entities for ``text`` sent with ``parse_mode``.

    Raises EntityParseError for markup Telegram rejects, UnsupportedParseMode for unknown modes.
    """
    if parse_mode:
        parser = _PARSERS.get(parse_mode.lower())
        if parser is None:
            raise UnsupportedParseMode(parse_mode)
        plain, found = parser(text)
    else:
        plain, found = text, list(entities or [])
    return _trim(plain, found)
