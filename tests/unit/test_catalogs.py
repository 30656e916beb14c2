"""Every shipped catalog translates every msgid, with the same placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, shipped_locales, translator
from questions.loader import default_library

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
ROOT = Path(__file__).resolve().parents[2]


def extracted_msgids(tmp_path: Path) -> set[str]:
    """What `make catalogs` would extract now, so a new string without a translation fails."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Extracted once for every locale: eleven catalogs, one walk of the tree."""
    return extracted_msgids(tmp_path_factory.mktemp("pot"))


@pytest.mark.parametrize("locale", [loc for loc in shipped_locales()])
def test_catalog_translates_every_extracted_string(locale: str, extracted: set[str]) -> None:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings) and not message.fuzzy:
            translated[key] = (message.id, strings)
    missing = sorted(extracted - translated.keys())
    assert not missing, f"{locale}: untranslated: {missing[:10]}"
    for key, (msgid, strings) in translated.items():
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            if isinstance(msgid, tuple):
                # A plural form may say its number in words (Arabic's forms for one and
                # two: "يوم", "يومان"), so only {count} may be missing, and nothing added.
                assert found <= wanted and wanted - found <= {"{count}"}, f"{locale}: {key!r}"
            else:
                assert found == wanted, f"{locale}: {key!r}"


def test_every_bank_string_is_translated_in_spanish() -> None:
    library = default_library()
    tr = translator("es")
    for bank in library.banks.values():
        for question in bank.questions:
            assert tr.gettext(question.prompt) != question.prompt or question.prompt.isupper()
    for level in library.model.levels:
        for text in (*level.characteristics.values(), *level.strategies.values(), level.goal):
            assert tr.gettext(text) != text
