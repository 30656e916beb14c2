"""Babel extractor that finds the translatable strings of a question bank or the readiness model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml

# Keys whose scalar values are shown to people; everything else (ids, kinds, flags) is not.
TEXT_KEYS = frozenset(
    {
        "title",
        "description",
        "prompt",
        "probe",
        "hint",
        "label",
        "low",
        "high",
        "name",
        "stage",
        "goal",
        "opening_strategy",
        "content_note",
    }
)
# Keys whose every value (a list or a dimension -> text mapping) is shown to people.
TEXT_COLLECTIONS = frozenset({"guiding_questions", "characteristics", "strategies"})

Extracted = tuple[int, str | None, str, list[str]]


def extract_bank(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[Extracted]:
    """Yield (line, funcname, message, comments) as babel's extractor protocol expects."""
    document = yaml.compose(fileobj.read().decode("utf-8"))
    if document is not None:
        yield from _walk(document, path="")


def _walk(node: yaml.Node, path: str) -> Iterator[Extracted]:
    if isinstance(node, yaml.MappingNode):
        owner = _scalar_child(node, "id") or _scalar_child(node, "level")
        here = f"{path}/{owner}" if owner else path
        for key_node, value in node.value:
            key = key_node.value
            if key in TEXT_KEYS and isinstance(value, yaml.ScalarNode) and value.value:
                yield _message(value, f"{here}.{key}")
            elif key in TEXT_COLLECTIONS:
                yield from _collection(value, f"{here}.{key}")
            else:
                yield from _walk(value, here)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item, path)


def _collection(node: yaml.Node, where: str) -> Iterator[Extracted]:
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.ScalarNode):
                yield _message(item, where)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(value, yaml.ScalarNode):
                yield _message(value, f"{where}.{key_node.value}")


def _scalar_child(node: yaml.MappingNode, key: str) -> str | None:
    for key_node, value in node.value:
        if key_node.value == key and isinstance(value, yaml.ScalarNode):
            return str(value.value)
    return None


def _message(node: yaml.ScalarNode, where: str) -> Extracted:
    # The loaded value, not the raw scalar, so folded block text matches what the bot translates.
    text = yaml.safe_load(yaml.serialize(node))
    return node.start_mark.line + 1, None, str(text), [where.lstrip("/")]
