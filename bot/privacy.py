"""Respondent anonymity: the key-file secret, keyed pseudonyms, sealed values, receipt codes
and the redaction of free-text answers before anything is stored."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
import secrets
import stat
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import phonenumbers
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "CHAT_CONTEXT",
    "CONTACT_CONTEXT",
    "DEFAULT_REGIONS",
    "RECEIPT_ALPHABET",
    "Addresses",
    "SealError",
    "Sealer",
    "SecretFileError",
    "chat_key",
    "derive_key",
    "load_or_create_secret",
    "new_receipt_code",
    "new_resume_code",
    "normalise_receipt_code",
    "normalise_resume_code",
    "receipt_digest",
    "redact",
    "respondent_key",
    "volunteer_digest",
    "web_respondent_key",
]


class SecretFileError(ValueError):
    """The secret key file is malformed or readable by others."""


class SealError(ValueError):
    """A sealed value was tampered with, or opened with the wrong key or context."""


# --- secret and derived keys -------------------------------------------------------------------

_SECRET_BYTES = 32
_SECRET_HEX = re.compile(r"[0-9a-fA-F]{64}")


def load_or_create_secret(path: Path) -> bytes:
    """Return the secret stored at `path`, creating it (mode 0600) on first start."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        # O_EXCL with the mode given here: the file is never world-readable, not even briefly,
        # and two processes starting at once cannot overwrite each other's secret.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    secret = secrets.token_bytes(_SECRET_BYTES)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secret.hex() + "\n")
            fh.flush()
            # Losing the secret after a crash would orphan every respondent key and receipt.
            os.fsync(fh.fileno())
    except BaseException:
        # A half-written file would fail every later start; let the next start try again.
        path.unlink(missing_ok=True)
        raise
    return secret


def _read_secret(path: Path) -> bytes:
    # Windows reports made-up permission bits, so the check only means something on POSIX.
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise SecretFileError(
            f"secret file {path} is readable or writable by others; run: chmod 600 {path}"
        )
    content = path.read_bytes().strip()
    if not _SECRET_HEX.fullmatch(content.decode("ascii", errors="replace")):
        raise SecretFileError(
            f"secret file {path} must hold exactly 64 hexadecimal characters "
            "(delete it to generate a new one, which invalidates existing keys and receipts)"
        )
    return bytes.fromhex(content.decode("ascii"))


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A separate key per use, so one leaked or misused value does not expose the others."""
    if not secret:
        raise ValueError("the secret must not be empty")
    return hmac.new(secret, b"readiness-bot/" + purpose.encode("utf-8"), hashlib.sha256).digest()


def _keyed_hex(secret: bytes, purpose: str, message: str) -> str:
    return hmac.new(
        derive_key(secret, purpose), message.encode("utf-8"), hashlib.sha256
    ).hexdigest()


def respondent_key(secret: bytes, telegram_user_id: int) -> str:
    """Stable pseudonym for a respondent; the Telegram id itself is never stored."""
    return _keyed_hex(secret, "respondent", str(telegram_user_id))


def web_respondent_key(secret: bytes, resume_code: str) -> str:
    """A web respondent's pseudonym: her resume code, keyed, so that the database holds no
    code with which its reader could continue her interview."""
    return _keyed_hex(secret, "web-respondent", resume_code)


def chat_key(secret: bytes, chat_id: int) -> str:
    """Lookup key for a chat, so a chat can be found again without storing its id."""
    return _keyed_hex(secret, "chat", str(chat_id))


# --- sealed values -----------------------------------------------------------------------------

_NONCE_BYTES = 12
_TAG_BYTES = 16
_INT_BYTES = 8  # Telegram ids fit in a signed 64-bit integer; a fixed width hides their length.


class Sealer:
    """AES-GCM with a key derived for sealing; output is nonce + ciphertext + tag."""

    def __init__(self, secret: bytes) -> None:
        self._aead = AESGCM(derive_key(secret, "seal"))

    def seal(self, plaintext: bytes, *, context: bytes = b"") -> bytes:
        # A random nonce per message: 96 bits is safe for far more seals than this bot makes.
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, context)

    def open(self, sealed: bytes, *, context: bytes = b"") -> bytes:
        if len(sealed) < _NONCE_BYTES + _TAG_BYTES:
            raise SealError("sealed value is too short")
        nonce, body = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
        try:
            return self._aead.decrypt(nonce, body, context)
        except InvalidTag:
            raise SealError("sealed value was altered, or the key or context is wrong") from None

    def seal_int(self, value: int, *, context: bytes = b"") -> bytes:
        try:
            plaintext = value.to_bytes(_INT_BYTES, "big", signed=True)
        except OverflowError:
            raise ValueError("only signed 64-bit integers can be sealed") from None
        return self.seal(plaintext, context=context)

    def open_int(self, sealed: bytes, *, context: bytes = b"") -> int:
        plaintext = self.open(sealed, context=context)
        if len(plaintext) != _INT_BYTES:
            raise SealError("sealed value is not an integer")
        return int.from_bytes(plaintext, "big", signed=True)


CHAT_CONTEXT = b"chat"
CONTACT_CONTEXT = b"volunteer-contact"
"""A volunteer's contact is sealed under its own context: no other sealed value opens as one."""


class Addresses:
    """How a channel's chat ids are kept: a keyed hash to find a chat's rows, and the id
    itself sealed, to be opened only when a message is sent to it."""

    def __init__(self, secret: bytes, sealer: Sealer) -> None:
        self._secret = secret
        self._sealer = sealer

    def key(self, chat_id: int) -> str:
        return chat_key(self._secret, chat_id)

    def seal(self, chat_id: int) -> bytes:
        return self._sealer.seal_int(chat_id, context=CHAT_CONTEXT)

    def open(self, sealed: bytes) -> int:
        return self._sealer.open_int(sealed, context=CHAT_CONTEXT)


# --- receipt codes -----------------------------------------------------------------------------

# Consonants only (no Y either): letters so that redact()'s digit rules never touch a code, and
# without vowels a code cannot spell a word; without I/O/U there is nothing to confuse with 1/0/V.
RECEIPT_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
_RECEIPT_LENGTH = 12  # 20**12 is about 2**51.9
_RECEIPT_GROUP = 4
_RESUME_LENGTH = 8  # 20**8 is about 2**34.6: guessed only as fast as the web's throttle allows
# Directional marks and isolates too: Arabic text shows a code inside U+2068 ... U+2069
# (Translator.isolate), and a code copied from it brings them along, unseen.
_RECEIPT_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u200e\u200f\u2066-\u2069]+")


def new_receipt_code() -> str:
    """A fresh one-time receipt code such as "BCDF-GHJK-LMNP"."""
    return _format_receipt(_letters(_RECEIPT_LENGTH))


def new_resume_code() -> str:
    """A console interview's resume code such as "BCDF-GHJK": easy to read out over the
    phone and to type, and never taken by a command line for an option (as "-x" would be)."""
    return _format_receipt(_letters(_RESUME_LENGTH))


def _letters(count: int) -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(count))


def _format_receipt(letters: str) -> str:
    step = _RECEIPT_GROUP
    return "-".join(letters[i : i + step] for i in range(0, len(letters), step))


def normalise_receipt_code(text: str) -> str | None:
    """The canonical form of a typed receipt code, or None if it is not a well-formed code."""
    return _normalised(text, _RECEIPT_LENGTH)


def normalise_resume_code(text: str) -> str | None:
    """The canonical form of a typed resume code ("bcdf ghjk" is "BCDF-GHJK"), or None."""
    return _normalised(text, _RESUME_LENGTH)


def _normalised(text: str, length: int) -> str | None:
    letters = _RECEIPT_SEPARATORS.sub("", text)
    # ASCII first: str.upper() maps some other letters (such as "ſ") onto ASCII ones.
    if not letters.isascii():
        return None
    letters = letters.upper()
    if len(letters) != length or any(c not in RECEIPT_ALPHABET for c in letters):
        return None
    return _format_receipt(letters)


def receipt_digest(secret: bytes, code: str) -> str:
    """What the database keeps instead of the receipt code itself."""
    canonical = normalise_receipt_code(code)
    if canonical is None:
        raise ValueError("not a well-formed receipt code")
    return _keyed_hex(secret, "receipt", canonical)


def volunteer_digest(secret: bytes, code: str) -> str:
    """What finds a volunteer's contact from her receipt code: keyed differently from
    `receipt_digest`, so no column of the contacts equals one of the responses."""
    canonical = normalise_receipt_code(code)
    if canonical is None:
        raise ValueError("not a well-formed receipt code")
    return _keyed_hex(secret, "volunteer", canonical)


# --- redaction ---------------------------------------------------------------------------------

DEFAULT_REGIONS: tuple[str, ...] = (
    "US", "MX", "ES", "GB", "CA", "IN", "PH", "NG", "BR", "FR", "DE",
)  # fmt: skip

_EMAIL, _LINK, _PHONE, _HANDLE, _NUMBER, _NAME = (
    "[email]", "[link]", "[phone]", "[handle]", "[number]", "[name]",
)  # fmt: skip
_PLACEHOLDER = re.compile(
    "|".join(re.escape(p) for p in (_EMAIL, _LINK, _PHONE, _HANDLE, _NUMBER, _NAME))
)

# Found text is overwritten with this character before the next rule runs, so no rule matches
# inside or across something already redacted. No pattern below accepts it.
_MASK = "\x00"

# A domain label: letters or digits at both ends, hyphens inside; Unicode for IDN domains.
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_LOCAL_CHARS = r"\w.!#$%&'*+/=?^`{|}~-"
# The lookbehind makes the local part start where its run of allowed characters starts; without
# it every position in a long word would be tried, which is quadratic.
_EMAIL_RE = re.compile(rf"(?<![{_LOCAL_CHARS}])[{_LOCAL_CHARS}]+@{_LABEL}(?:\.{_LABEL})+")

# Any scheme (http, https, tg, ...) or www. marks a link on its own.
_URL_RE = re.compile(
    r"(?<![\w.\-])(?:[a-z][a-z0-9+.\-]*://|www\.)[^\s<>\"\x00]+",
    re.IGNORECASE,
)
_HOST_RE = re.compile(
    rf"(?<![\w.@/\-])((?:{_LABEL}\.)+)([^\W\d_]{{2,63}})(?![\w\-])(/[^\s<>\"\x00]*)?",
)
# Punctuation that ends a sentence rather than a link.
_URL_TRAILING = ".,;:!?'\")]}>…"
# fmt: off
# Top-level domains that mark a bare host as a link by themselves.
_GENERIC_TLDS = frozenset({
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "io", "co", "ly", "gl", "gg",
    "tv", "cc", "fm", "ws", "app", "dev", "xyz", "online", "site", "website", "store", "shop",
    "blog", "news", "tech", "club", "top", "live", "link", "pro", "mobi", "onion",
})
# Country domains (ISO codes, as phonenumbers knows them, plus the few odd ones).
_COUNTRY_TLDS = frozenset(r.lower() for r in phonenumbers.SUPPORTED_REGIONS) | {"uk", "eu"}
# Country domains that are also short words in the bot's languages: "home.It was" and
# "ok.so" are sentences typed without a space, so these count only with a path or subdomain.
_WORDLIKE_TLDS = frozenset({
    "ai", "al", "am", "an", "ao", "as", "at", "be", "by", "de", "do", "er", "es", "et", "eu",
    "il", "in", "is", "it", "je", "la", "ma", "me", "my", "na", "ne", "ni", "no", "se", "si",
    "so", "ta", "to", "us", "va", "ve",
})
# fmt: on

_HANDLE_RE = re.compile(r"@\w{3,}(?:\.\w+)*")

# Separators allowed between digit groups: one or two of spaces, dots, dashes, brackets.
_DIGIT_SEP = r"[ \t\u00a0\u2009\u202f.\-\u2010-\u2015\u2212()]"
_DIGITS_RE = re.compile(rf"(?<!\d)\d(?:{_DIGIT_SEP}{{0,2}}\d){{5,}}(?!\d)")
# Year ranges and lists ("2019-2021", "2019 2020") are not identifying and matter in answers.
_YEARS_RE = re.compile(rf"(?:19|20)\d\d(?:{_DIGIT_SEP}{{1,2}}(?:19|20)\d\d)+")

_MIN_PHONE_DIGITS = 5
_LONG_WINDOW = 40  # longer than any one formatted phone number
_ANY_DIGIT_RE = re.compile(r"\d")
# Digit groups joined by up to three of the separators phonenumbers accepts, e.g. "0171 / 123".
_PHONE_WINDOW_RE = re.compile(
    r"[+\uff0b(\uff08]?\d(?:[\s\-\u2010-\u2015\u2212\u30fc\uff0d\uff0f/().\[\]\uff08\uff09"
    r"\uff3b\uff3d~\u2053\u223c\uff5e]{0,3}\d)*"
)

_MIN_NAME_LENGTH = 2
_MIN_NAME_PART_LENGTH = 3
# Particles of compound names that are ordinary words elsewhere in an answer.
# fmt: off
_NAME_PARTICLES = frozenset({
    "del", "der", "den", "des", "dos", "das", "van", "von", "los", "las", "bin", "ibn", "abu",
    "san", "mac",
})
# fmt: on


def redact(
    text: str,
    *,
    names: Iterable[str] = (),
    regions: Sequence[str] = DEFAULT_REGIONS,
) -> str:
    """Replace e-mails, links, phones, @handles, long digit runs and the given names."""
    name_re = _name_pattern(tuple(names))
    rules: list[Callable[[str], list[tuple[int, int, str]]]] = [
        _find_emails,  # first: an address contains both a handle and a domain
        _find_links,
        _find_handles,
        # After links so the digits of a URL are not read as a phone number.
        functools.partial(_find_phones, regions=regions),
        _find_digit_runs,
    ]
    if name_re is not None:
        rules.append(lambda work: [(m.start(), m.end(), _NAME) for m in name_re.finditer(work)])
    spans: list[tuple[int, int, str]] = []
    # Placeholders already present (text redacted before) are kept as they are.
    work = _mask(text, [(m.start(), m.end(), "") for m in _PLACEHOLDER.finditer(text)])
    # Until nothing new is found: masking can open a boundary an earlier rule needs
    # ("000000www.x.org" is a link once the digits are gone), and redacting the output
    # again must not find more than this call did.
    while True:
        found_any = False
        for rule in rules:
            found = rule(work)
            if found:
                found_any = True
                spans.extend(found)
                work = _mask(work, found)
        if not found_any:
            break
    return _assemble(text, spans)


def _mask(work: str, found: Sequence[tuple[int, int, str]]) -> str:
    if not found:
        return work
    chars = list(work)
    for start, end, _label in found:
        chars[start:end] = _MASK * (end - start)
    return "".join(chars)


def _assemble(text: str, spans: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    pos = 0
    for start, end, label in _merge(spans):
        out.append(text[pos:start])
        out.append(label)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _find_emails(work: str) -> list[tuple[int, int, str]]:
    if "@" not in work:
        return []
    return [(m.start(), m.end(), _EMAIL) for m in _EMAIL_RE.finditer(work)]


def _find_links(work: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for m in _URL_RE.finditer(work):
        found.append((m.start(), m.start() + len(m.group().rstrip(_URL_TRAILING)), _LINK))
    if "." not in work:
        return found
    work = _mask(work, found)
    for m in _HOST_RE.finditer(work):
        labels, tld, path = m.group(1), m.group(2).lower(), m.group(3)
        is_link = tld in _GENERIC_TLDS or (
            tld in _COUNTRY_TLDS
            and (bool(path) or labels.count(".") > 1 or tld not in _WORDLIKE_TLDS)
        )
        if is_link:
            end = m.end(2) + len(path.rstrip(_URL_TRAILING)) if path else m.end(2)
            found.append((m.start(), end, _LINK))
    return found


def _find_handles(work: str) -> list[tuple[int, int, str]]:
    if "@" not in work:
        return []
    return [(m.start(), m.end(), _HANDLE) for m in _HANDLE_RE.finditer(work)]


def _find_phones(work: str, *, regions: Sequence[str]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    # The matchers are the costly part, so they only see the stretches of digits and phone
    # punctuation that could hold a number, plus one character either side because VALID
    # rejects a number glued to letters ("abc4156785519").
    for window in _PHONE_WINDOW_RE.finditer(work):
        text = window.group()
        if len(_ANY_DIGIT_RE.findall(text)) < _MIN_PHONE_DIGITS:
            continue
        # A long stretch the digit-run rule removes whole anyway would cost the matchers tens
        # of milliseconds per region ("1 2 3 4 ..." answers) for nothing.
        if (
            len(text) > _LONG_WINDOW
            and _DIGITS_RE.fullmatch(text)
            and not _YEARS_RE.fullmatch(text)
        ):
            continue
        start = max(window.start() - 1, 0)
        snippet = work[start : window.end() + 1]
        digits = len(_ANY_DIGIT_RE.findall(snippet))
        for region in regions:
            # VALID, not POSSIBLE: POSSIBLE takes "2021", "12345" or "ages 12-17" for numbers.
            # Stricter grouping levels would miss numbers typed with unusual spacing; invalid
            # numbers still fall to the digit-run rule.
            matches = [
                (start + m.start, start + m.end, _PHONE)
                for m in phonenumbers.PhoneNumberMatcher(
                    snippet, region, leniency=phonenumbers.Leniency.VALID
                )
            ]
            found.extend(matches)
            covered = sum(len(_ANY_DIGIT_RE.findall(work[s:e])) for s, e, _ in matches)
            if covered == digits:  # nothing left that another region could read differently
                break
    return _merge(found)


def _merge(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    merged: list[tuple[int, int, str]] = []
    for start, end, label in sorted(found):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, label))
    return merged


def _find_digit_runs(work: str) -> list[tuple[int, int, str]]:
    return [
        (m.start(), m.end(), _NUMBER)
        for m in _DIGITS_RE.finditer(work)
        if not _YEARS_RE.fullmatch(m.group())
    ]


def _name_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    # Not cached here on purpose: a cache would keep respondents' names in memory for no gain,
    # since re keeps its own small cache of compiled patterns.
    variants: set[str] = set()
    for candidate in _name_candidates(names):
        # IGNORECASE compares one character at a time, so "ß" never matches "SS" and a
        # composed "é" never matches "e" + combining accent; list those spellings too.
        for cased in (candidate, candidate.lower(), candidate.upper(), candidate.casefold()):
            variants.add(cased)
            variants.add(unicodedata.normalize("NFC", cased))
            variants.add(unicodedata.normalize("NFD", cased))
    if not variants:
        return None
    # Longest first, so "Ann Lee" is replaced whole rather than "Ann" alone.
    ordered = sorted(variants, key=lambda v: (-len(v), v))
    # Any run of spaces between the parts, as typed.
    alternation = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in ordered)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def _name_candidates(names: Iterable[str]) -> set[str]:
    candidates: set[str] = set()
    for raw in names:
        name = " ".join(raw.replace(_MASK, "").split())
        for whole in (name, name.removeprefix("@")):
            if len(whole) >= _MIN_NAME_LENGTH:
                candidates.add(whole)
        # "María José" is also written "María"; short parts and particles ("de", "la", "van")
        # are left out because they are ordinary words elsewhere in the answer.
        parts = name.split(" ")
        if len(parts) > 1:
            candidates.update(
                part
                for part in parts
                if len(part) >= _MIN_NAME_PART_LENGTH and part.casefold() not in _NAME_PARTICLES
            )
    return candidates
