"""What a posted form may hold, checked before anything is changed: a form this channel did
not make (unknown fields, files, several values where one is meant) changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from multidict import MultiDictProxy

INTERVIEW = frozenset({"csrf", "session", "marker", "action", "value", "text", "edit"})
LANGUAGE = frozenset({"csrf", "next", "locale"})
RESUME = frozenset({"csrf", "code"})
ERASE = frozenset({"csrf", "action", "session", "receipt"})
PLAIN = frozenset({"csrf"})
REPEATABLE = frozenset({"value"})
"""Only the ticks of a multiple choice come as several values of one field."""


class FormRefused(ValueError):
    """Not a form of ours: nothing is done with it."""


@dataclass(frozen=True)
class Form:
    fields: Mapping[str, str]
    values: tuple[str, ...]

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


def checked(posted: MultiDictProxy[Any], allowed: frozenset[str]) -> Form:
    fields: dict[str, str] = {}
    values: list[str] = []
    for name, value in posted.items():
        if name not in allowed or not isinstance(value, str):
            raise FormRefused(name)
        if name in REPEATABLE:
            values.append(value)
        elif name in fields:
            raise FormRefused(name)
        fields[name] = value
    return Form(fields, tuple(values))


@dataclass(frozen=True)
class Posted:
    """One press on an interview page: which page it was on, and what was pressed."""

    session: str
    marker: str
    action: str
    values: tuple[str, ...]
    text: str
    edit: str

    @classmethod
    def of(cls, form: Form) -> Posted:
        edit = form.get("edit")
        # A review line's Change button names the answer, and a choice's button its value:
        # neither carries an action of its own.
        action = "edit" if edit else form.get("action") or ("answer" if form.values else "")
        return cls(
            form.get("session"), form.get("marker"), action, form.values, form.get("text"), edit
        )
