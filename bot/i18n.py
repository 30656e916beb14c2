"""Locale negotiation and per-request translators over the shipped gettext catalogs."""

from __future__ import annotations

import hashlib
import io
import os
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LOCALE = "en"
DOMAIN = "messages"
_catalog_dirs: list[Path] = [LOCALES_DIR]
"""Where catalogs are looked for, first match first: see use_catalogs()."""


def N_(message: str) -> str:
    """Mark a module-level string for extraction; it is translated later, at render time."""
    return message


def use_catalogs(directory: Path | None) -> None:
    """Catalogs in `directory` (laid out like bot/locales) before the shipped ones; None: the
    shipped ones only. A translator tries a new or corrected catalog before it ships."""
    _catalog_dirs[:] = [LOCALES_DIR] if directory is None else [directory, LOCALES_DIR]
    shipped_locales.cache_clear()
    translator.cache_clear()
    review_status.cache_clear()


@cache
def shipped_locales() -> tuple[str, ...]:
    """Locales with a catalog (shipped, or tried with use_catalogs), English first (it is the
    source language and the fallback)."""
    found = {
        path.parent.parent.name
        for directory in _catalog_dirs
        for path in directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    }
    found.add(DEFAULT_LOCALE)
    return (DEFAULT_LOCALE, *sorted(found - {DEFAULT_LOCALE}))


def negotiate(tag: str | None, available: tuple[str, ...] | None = None) -> str:
    """The closest shipped locale for an IETF tag such as 'es-MX', 'pt-PT' or 'zh-CN';
    English otherwise. A regional tag finds its language's catalog ('pt-PT' -> pt_BR), and a
    script must agree: 'zh-CN' and 'zh-SG' read Simplified (zh_Hans); 'zh-TW' and 'zh-HK'
    read Traditional, which no catalog has, so they get English with the picker a tap away."""
    available = available or shipped_locales()
    if not tag:
        return DEFAULT_LOCALE
    try:
        wanted = Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return DEFAULT_LOCALE
    scripted = f"{wanted.language}_{wanted.script}" if wanted.script else ""
    for exact in (str(wanted), scripted, wanted.language):
        if exact and exact in available:
            return exact
    for locale in available:
        shipped = _parsed(locale)
        if shipped is None or shipped.language != wanted.language:
            continue
        if wanted.script and shipped.script and wanted.script != shipped.script:
            continue
        return locale
    return DEFAULT_LOCALE


@cache
def _parsed(locale: str) -> Locale | None:
    try:
        return Locale.parse(locale)
    except (ValueError, UnknownLocaleError):
        return None


def accept_language(header: str | None, available: tuple[str, ...] | None = None) -> str:
    """The best shipped locale for a browser's Accept-Language ('es-MX,es;q=0.9,en;q=0.8'):
    tags in the order of their weights, the first one negotiated to a catalog wins."""
    available = available or shipped_locales()
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")[:MAX_LANGUAGE_TAGS]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and weight > 0:
            weighted.append((-weight, position, tag))
    for _, _, tag in sorted(weighted):
        found = negotiate(tag, available)
        if found != DEFAULT_LOCALE or tag.lower().startswith(DEFAULT_LOCALE):
            return found
    return DEFAULT_LOCALE if DEFAULT_LOCALE in available else available[0]


FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"
MAX_LANGUAGE_TAGS = 20
"""More tags than any browser sends; a forged header's rest is not read."""


def language_tag(locale: str) -> str:
    """The BCP 47 tag for an HTML `lang` attribute: 'pt-BR', 'zh-Hans' (a catalog's locale
    is babel's 'pt_BR', 'zh_Hans', which a browser and a screen reader do not read)."""
    return locale.replace("_", "-")


@cache
def text_direction(locale: str) -> str:
    """'rtl' for a right-to-left script (Arabic), else 'ltr': a page's `dir`."""
    try:
        order = Locale.parse(locale).character_order
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


REVIEW_STATUS = re.compile(r"^Review status: (?P<status>.+)$", re.MULTILINE)
REVIEWED = "reviewed by a qualified translator"
"""How a catalog's header says a person qualified in the language has reviewed it."""


@cache
def review_status(locale: str) -> str:
    """What the catalog's header says of its review ("machine-drafted, 2026-12-03", "reviewed
    by a qualified translator, 2027-01-10 (name)"); English, the source, is its own review.
    Read from the comment lines above the first entry: no need to parse the catalog."""
    if locale == DEFAULT_LOCALE:
        return "source"
    for directory in _catalog_dirs:
        path = directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    if not line.startswith("#"):
                        break
                    found = REVIEW_STATUS.search(line.lstrip("# ").rstrip("\n"))
                    if found:
                        return found.group("status").strip()
            return "machine-drafted"
    return "machine-drafted"


def is_reviewed(locale: str) -> bool:
    status = review_status(locale)
    return status == "source" or status.startswith(REVIEWED)


OWN_NAMES = {"tl": "Tagalog"}
"""Where babel's name is not what speakers look for: it reads `tl` as Filipino (Philippines),
but the US census and the people this serves say Tagalog."""


@cache
def language_name(locale: str) -> str:
    """The language's own name for itself ('Español'), for language pickers."""
    if locale in OWN_NAMES:
        return OWN_NAMES[locale]
    name = Locale.parse(locale).get_display_name(locale) or locale
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class Translator:
    """Everything a presenter needs to speak one locale."""

    locale: str
    translations: Translations

    def isolate(self, value: object) -> object:
        """A value set into right-to-left text (a name, a code, a number, a link) inside
        Unicode directional isolates, so "Riverside County 3" or "K7TF" keep their order and
        do not reorder the Arabic around them; unchanged in a left-to-right language."""
        if text_direction(self.locale) != "rtl" or isinstance(value, int | float):
            return value
        return f"{FIRST_STRONG_ISOLATE}{value}{POP_DIRECTIONAL_ISOLATE}"

    def format(self, message: str, **params: object) -> str:
        """The message translated, its placeholders filled, each value isolated in
        right-to-left text: how a message with values should be made, in every presenter."""
        return self.fill(self.gettext(message), **params)

    def fill(self, text: str, **params: object) -> str:
        """An already translated text's placeholders filled, each value isolated in
        right-to-left text, as `format` does: for a plural,
        `tr.fill(tr.ngettext("{count} day", "{count} days", n), count=n)`. The ngettext
        stays written out, literals and all, so pybabel extracts both forms."""
        values = {name: self.isolate(value) for name, value in params.items()}
        return text.format(**values)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message) if message else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def number(self, value: int | Fraction | Decimal, *, decimals: int | None = None) -> str:
        """A localised number; Fractions are cut (not rounded) to `decimals` places."""
        if isinstance(value, Fraction):
            places = 2 if decimals is None else decimals
            scaled = int(value * 10**places)  # int() cuts toward zero, for either sign
            value = Decimal(scaled).scaleb(-places)
            pattern = "0." + "0" * places if places else "0"
            return format_decimal(value, format=pattern, locale=self.locale)
        return format_decimal(value, locale=self.locale)

    def date(self, value: date) -> str:
        return format_date(value, format="medium", locale=self.locale)


@cache
def translator(locale: str) -> Translator:
    """One cached translator per locale, compiled from its .po file in memory."""
    if locale not in shipped_locales():
        raise ValueError(f"no catalog for locale {locale!r}")
    return Translator(locale=locale, translations=_load(locale))


def _load(locale: str) -> Translations:
    found = [d / locale / "LC_MESSAGES" / f"{DOMAIN}.po" for d in _catalog_dirs]
    po_path = next((path for path in found if path.exists()), None)
    if po_path is None:
        return Translations()  # English: msgids are the English text
    source = po_path.read_bytes()
    return Translations(fp=io.BytesIO(_compiled(locale, source)), domain=DOMAIN)


def _compiled(locale: str, source: bytes) -> bytes:
    """The catalog compiled, from a cache keyed by its exact bytes: babel's parser takes a
    quarter of a second per catalog, and every process that starts the bot needs all eleven
    (the command menus). A cache that cannot be read or written only costs that time."""
    cached = _CACHE_DIR / f"{locale}-{hashlib.sha256(source).hexdigest()[:32]}.mo"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    catalog = read_po(io.BytesIO(source), locale=locale)
    buffer = io.BytesIO()
    # Fuzzy entries are guesses a translator has not confirmed; they must not reach respondents.
    write_mo(buffer, catalog, use_fuzzy=False)
    compiled = buffer.getvalue()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(compiled)
        partial.replace(cached)  # whole or absent: a reader never sees half a file
    except OSError:
        pass
    return compiled


_CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "readiness-bot"
