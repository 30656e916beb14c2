"""Every message of every shipped catalog renders: its placeholders fill with sample values,
its Telegram HTML stays valid, its plural forms follow the locale's rules, and it fits in one
Telegram message. A translation that breaks any of these fails here, naming the message."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from bot.channels.telegram.splitting import utf16_length
from bot.i18n import LOCALES_DIR, shipped_locales, translator

TELEGRAM_TAGS = {"b", "i", "u", "s", "code", "pre", "a", "tg-spoiler", "blockquote"}
TELEGRAM_LIMIT = 4096
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
SAMPLE = "Riverside County · 7 <b>&"
"""A value with what could break markup or layout: a name with '<', '&' and a digit."""


class TagChecker(HTMLParser):
    """Telegram's HTML: only its tags, each closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.errors.append(f"<{tag}> is not Telegram HTML")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.errors.append(f"</{tag}> closes nothing open")


def messages(locale: str) -> list[Message]:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return [m for m in read_po(handle, locale=locale) if m.id]


def filled(text: str) -> str:
    """The text as a presenter shows it: every placeholder holds an escaped sample."""
    escaped = SAMPLE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    values = {name: escaped for name in PLACEHOLDER.findall(text)}
    return text.format(**values)


def markup_errors(text: str) -> list[str]:
    checker = TagChecker()
    checker.feed(text)
    checker.close()
    return checker.errors + [f"<{tag}> left open" for tag in checker.open]


@pytest.mark.parametrize("locale", [loc for loc in shipped_locales() if loc != "en"])
def test_every_message_renders_in_telegram(locale: str) -> None:
    problems = []
    for message in messages(locale):
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        source_markup = markup_errors(filled(sources[0]))
        for string in strings:
            try:
                shown = filled(string)
            except (KeyError, IndexError, ValueError) as error:
                problems.append(f"{sources[0][:50]!r}: does not format ({error})")
                continue
            if markup_errors(shown) and not source_markup:
                problems.append(f"{sources[0][:50]!r}: {markup_errors(shown)}")
            if utf16_length(shown) > TELEGRAM_LIMIT:
                problems.append(f"{sources[0][:50]!r}: {utf16_length(shown)} > 4096")
    assert not problems, f"{locale}:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("locale", [loc for loc in shipped_locales() if loc != "en"])
def test_plural_forms_follow_the_locales_rule(locale: str) -> None:
    """As many forms as the catalog's Plural-Forms header says (Arabic: six), each chosen by
    babel's rule for a count, and each filled without error."""
    tr = translator(locale)
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    plurals = [m for m in catalog if m.id and isinstance(m.id, tuple)]
    assert plurals
    for message in plurals:
        assert len(message.string) == catalog.num_plurals, message.id[0]
        singular, plural = message.id
        for count in (0, 1, 2, 3, 5, 11, 21, 100, 101):
            shown = tr.ngettext(singular, plural, count)
            assert shown in message.string, (message.id[0], count)
            values = {name: count for name in PLACEHOLDER.findall(shown)}
            shown.format(**values)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
@pytest.mark.parametrize("locale", [loc for loc in shipped_locales()])
def test_gnu_msgfmt_finds_nothing_to_say(locale: str) -> None:
    """`msgfmt -c --check`: format strings, header, plural forms; its warnings count too."""
    catalog = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    ran = subprocess.run(
        ["msgfmt", "-c", "--check", "-o", "/dev/null", str(catalog)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0 and not ran.stderr.strip(), ran.stderr
