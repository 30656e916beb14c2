"""The Spanish catalog keeps its conventions (docs/translation.md): one verb for tapping,
strategies in the usted imperative, and a first stage that does not read as "without
conscience"."""

from __future__ import annotations

import re

import pytest
from babel.messages.catalog import Catalog

from bot.catalogs import read_catalog
from bot.i18n import translator
from questions.loader import default_library

OTHER_TAP_VERBS = re.compile(
    r"\b(pulse|pulsa|pulsar|presione|presiona|presionar|oprima|oprime|oprimir|haga clic)\b",
    re.IGNORECASE,
)
TAPPING = re.compile(r"\b(tap|press)\b", re.IGNORECASE)
INFINITIVE = re.compile(r"[A-ZÁÉÍÓÚÑ][a-záéíóúñ]*(?:ar|er|ir)(?:se|les|los|las|lo|la)?")
"""A word like 'Realizar', 'Asegurarse' or 'Proporcionarles'."""


@pytest.fixture(scope="module")
def spanish() -> Catalog:
    return read_catalog("es")


def _pairs(catalog: Catalog) -> list[tuple[str, str]]:
    pairs = []
    for message in catalog:
        if message.id:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            pairs += [(ids[0], string) for string in strings]
    return pairs


def test_one_verb_for_tapping(spanish: Catalog) -> None:
    others = [s for _, s in _pairs(spanish) if OTHER_TAP_VERBS.search(s)]
    assert others == []
    untapped = [s for m, s in _pairs(spanish) if TAPPING.search(m) and "oque" not in s]
    assert untapped == []  # every "tap" and "press" is "toque"


def test_no_awareness_is_not_without_conscience(spanish: Catalog) -> None:
    assert translator("es").gettext("No Awareness") == "Sin conocimiento del problema"
    assert [s for _, s in _pairs(spanish) if "sin conciencia" in s.lower()] == []


def test_strategies_are_in_the_usted_imperative() -> None:
    tr = translator("es")
    infinitives = []
    for level in default_library().model.levels:
        strategies = [*level.strategies.values(), level.opening_strategy or ""]
        for strategy in filter(None, strategies):
            for sentence in re.split(r"(?<=\.)\s+", tr.gettext(strategy)):
                first = sentence.split()[0]
                if INFINITIVE.fullmatch(first):
                    infinitives.append(f"level {level.level}: {sentence[:60]}")
    assert infinitives == []


@pytest.mark.parametrize(
    ("word", "infinitive"),
    [
        ("Realizar", True),
        ("Asegurarse", True),
        ("Proporcionarles", True),
        ("Realice", False),
        ("Asegúrese", False),
        ("Por", False),
        ("Los", False),
        ("Consiga", False),
    ],
)
def test_what_counts_as_an_infinitive(word: str, infinitive: bool) -> None:
    assert bool(INFINITIVE.fullmatch(word)) is infinitive
