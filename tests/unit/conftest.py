"""Fixtures shared by the unit tests: the shipped library and the English translator."""

from __future__ import annotations

import pytest

from bot.i18n import Translator, translator
from questions.loader import Library, default_library


@pytest.fixture(scope="module")
def library() -> Library:
    return default_library()


@pytest.fixture(scope="module")
def en() -> Translator:
    return translator("en")
