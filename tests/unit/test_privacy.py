"""Tests for bot.privacy: key file, pseudonyms, sealing, receipt codes and redaction."""

from __future__ import annotations

import os
import re
import stat
import string
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.privacy import (
    RECEIPT_ALPHABET,
    Sealer,
    SealError,
    SecretFileError,
    chat_key,
    derive_key,
    load_or_create_secret,
    new_receipt_code,
    normalise_receipt_code,
    receipt_digest,
    redact,
    respondent_key,
)

SECRET = bytes(range(32))
OTHER_SECRET = bytes(range(1, 33))
PLACEHOLDERS = ("[email]", "[link]", "[phone]", "[handle]", "[number]", "[name]")


# --- secret file -------------------------------------------------------------------------------


def test_secret_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "secret.key"  # the parent does not exist yet

    first = load_or_create_secret(path)

    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == first.hex()
    assert load_or_create_secret(path) == first


def test_secret_files_differ_between_installations(tmp_path: Path) -> None:
    assert load_or_create_secret(tmp_path / "a") != load_or_create_secret(tmp_path / "b")


def test_secret_file_tolerates_surrounding_whitespace(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    path.write_text(f"  {SECRET.hex().upper()}\n\n")
    path.chmod(0o600)

    assert load_or_create_secret(path) == SECRET


@pytest.mark.parametrize(
    "content",
    ["", "abc", SECRET.hex()[:-1], SECRET.hex() + "00", "zz" * 32, "é" * 64],
    ids=["empty", "short", "63-chars", "66-chars", "not-hex", "non-ascii"],
)
def test_malformed_secret_file_is_rejected(tmp_path: Path, content: str) -> None:
    path = tmp_path / "secret.key"
    path.write_text(content, encoding="utf-8")
    path.chmod(0o600)

    with pytest.raises(SecretFileError, match=re.escape(str(path))):
        load_or_create_secret(path)


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX only")
@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644])
def test_secret_file_readable_by_others_is_rejected(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "secret.key"
    path.write_text(SECRET.hex())
    path.chmod(mode)

    with pytest.raises(SecretFileError, match=re.escape(f"chmod 600 {path}")):
        load_or_create_secret(path)


# --- keys --------------------------------------------------------------------------------------


def test_derive_key_separates_purposes_and_secrets() -> None:
    assert len(derive_key(SECRET, "seal")) == 32
    assert derive_key(SECRET, "seal") == derive_key(SECRET, "seal")
    assert derive_key(SECRET, "seal") != derive_key(SECRET, "receipt")
    assert derive_key(SECRET, "seal") != derive_key(OTHER_SECRET, "seal")


def test_derive_key_refuses_an_empty_secret() -> None:
    with pytest.raises(ValueError, match="empty"):
        derive_key(b"", "seal")


@pytest.mark.parametrize("key_fn", [respondent_key, chat_key])
def test_pseudonyms_are_stable_and_secret_dependent(key_fn: Callable[[bytes, int], str]) -> None:
    user_id = 123456789

    key = key_fn(SECRET, user_id)

    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert key == key_fn(SECRET, user_id)
    assert key != key_fn(OTHER_SECRET, user_id)
    assert key != key_fn(SECRET, user_id + 1)
    assert str(user_id) not in key


def test_respondent_and_chat_keys_differ_for_the_same_id() -> None:
    # In a private chat the chat id equals the user id; the two keys must not be linkable.
    assert respondent_key(SECRET, 42) != chat_key(SECRET, 42)


# A short id turns up in 64 hex digits by chance (4 digits: about 1 draw in 1,100); from 9
# digits, as Telegram's ids are, about 1 in a billion.
@given(
    st.integers(min_value=10**8, max_value=2**52)
    | st.integers(min_value=-(2**52), max_value=-(10**8))
)
def test_pseudonyms_never_contain_the_id(ident: int) -> None:
    assert str(ident) not in respondent_key(SECRET, ident)
    assert str(ident) not in chat_key(SECRET, ident)


# --- sealing -----------------------------------------------------------------------------------


def test_seal_round_trips_with_context() -> None:
    sealer = Sealer(SECRET)

    sealed = sealer.seal(b"chat 42", context=b"reminder")

    assert b"chat 42" not in sealed
    assert sealer.open(sealed, context=b"reminder") == b"chat 42"
    assert Sealer(SECRET).open(sealed, context=b"reminder") == b"chat 42"


def test_seal_uses_a_fresh_nonce_each_time() -> None:
    sealer = Sealer(SECRET)

    assert sealer.seal(b"same") != sealer.seal(b"same")
    assert sealer.seal_int(7) != sealer.seal_int(7)


@pytest.mark.parametrize("value", [0, 1, -1, 123456789, -1001234567890, 2**63 - 1, -(2**63)])
def test_seal_int_round_trips(value: int) -> None:
    sealer = Sealer(SECRET)

    assert sealer.open_int(sealer.seal_int(value, context=b"c"), context=b"c") == value


def test_seal_int_hides_the_number_of_digits() -> None:
    sealer = Sealer(SECRET)

    assert len(sealer.seal_int(5)) == len(sealer.seal_int(-1001234567890))


def test_seal_int_refuses_values_beyond_64_bits() -> None:
    with pytest.raises(ValueError, match="64-bit"):
        Sealer(SECRET).seal_int(2**63)


def test_open_rejects_tampering_at_every_byte() -> None:
    sealer = Sealer(SECRET)
    sealed = sealer.seal(b"payload")

    for index in range(len(sealed)):
        tampered = bytearray(sealed)
        tampered[index] ^= 0x01
        with pytest.raises(SealError):
            sealer.open(bytes(tampered))


@pytest.mark.parametrize("sealed", [b"", b"x" * 27, b"x" * 28], ids=["empty", "short", "garbage"])
def test_open_rejects_malformed_input(sealed: bytes) -> None:
    with pytest.raises(SealError):
        Sealer(SECRET).open(sealed)


def test_open_rejects_wrong_context_and_wrong_secret() -> None:
    sealed = Sealer(SECRET).seal(b"payload", context=b"session-1")

    with pytest.raises(SealError):
        Sealer(SECRET).open(sealed, context=b"session-2")
    with pytest.raises(SealError):
        Sealer(SECRET).open(sealed)
    with pytest.raises(SealError):
        Sealer(OTHER_SECRET).open(sealed, context=b"session-1")


def test_open_int_rejects_a_sealed_non_integer() -> None:
    sealer = Sealer(SECRET)

    with pytest.raises(SealError):
        sealer.open_int(sealer.seal(b"not eight bytes"))


# --- receipt codes -----------------------------------------------------------------------------


def test_receipt_alphabet_has_no_vowels_or_digits() -> None:
    assert set(RECEIPT_ALPHABET) <= set(string.ascii_uppercase)
    assert not set(RECEIPT_ALPHABET) & set("AEIOUY")
    assert len(set(RECEIPT_ALPHABET)) == len(RECEIPT_ALPHABET)
    assert len(RECEIPT_ALPHABET) ** 12 >= 2**50


def test_new_receipt_code_format() -> None:
    codes = {new_receipt_code() for _ in range(200)}

    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(rf"[{RECEIPT_ALPHABET}]{{4}}(?:-[{RECEIPT_ALPHABET}]{{4}}){{2}}", code)
        assert normalise_receipt_code(code) == code
        # Codes are shown to respondents and may be pasted back into an answer.
        assert redact(code) == code


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("BCDF-GHJK-LMNP", "BCDF-GHJK-LMNP"),
        ("bcdf ghjk lmnp", "BCDF-GHJK-LMNP"),
        ("bcdfghjklmnp", "BCDF-GHJK-LMNP"),
        ("  Bcdf-Ghjk - lmnp \n", "BCDF-GHJK-LMNP"),
        ("BCDF–GHJK–LMNP", "BCDF-GHJK-LMNP"),  # en dashes, as some keyboards substitute
        ("BC DF GH JK LM NP", "BCDF-GHJK-LMNP"),
        ("\u2068BCDF-GHJK-LMNP\u2069", "BCDF-GHJK-LMNP"),  # copied from Arabic text
    ],
)
def test_normalise_receipt_code_accepts(typed: str, canonical: str) -> None:
    assert normalise_receipt_code(typed) == canonical


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "BCDF-GHJK-LMN",  # 11 letters
        "BCDF-GHJK-LMNPQ",  # 13 letters
        "BCDF-GHJK-LMNA",  # vowel
        "BCDF-GHJK-LMN1",  # digit
        "BCDF_GHJK_LMNP",  # underscore is not a separator
        "BCDF-GHJK-LMNſ",  # long s upper-cases to "S"
        "hello world!",
    ],
)
def test_normalise_receipt_code_rejects(typed: str) -> None:
    assert normalise_receipt_code(typed) is None


def test_receipt_digest_depends_on_secret_not_on_spelling() -> None:
    digest = receipt_digest(SECRET, "BCDF-GHJK-LMNP")

    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert receipt_digest(SECRET, "bcdf ghjk lmnp") == digest
    assert receipt_digest(OTHER_SECRET, "BCDF-GHJK-LMNP") != digest
    assert receipt_digest(SECRET, "BCDF-GHJK-LMNQ") != digest


def test_receipt_digest_rejects_malformed_codes() -> None:
    with pytest.raises(ValueError, match="receipt code"):
        receipt_digest(SECRET, "not a code")


# --- redaction ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # e-mail addresses
        ("write to maria.lopez@example.org", "write to [email]"),
        ("Mail: A.B+tag@mail.example.co.uk.", "Mail: [email]."),
        ("(x_y-z@sub.domain.mx)", "([email])"),
        ("correo: josé@correo.es", "correo: [email]"),
        # links
        ("see https://example.org/a?b=1&c=2 for more", "see [link] for more"),
        ("see http://example.org/path.", "see [link]."),
        ("(https://example.org/x)", "([link])"),
        ("www.example.com", "[link]"),
        ("WWW.Example.Net/Path", "[link]"),
        ("example.org/path", "[link]"),
        ("t.me/some_channel", "[link]"),
        ("wa.me/5215512345678 please", "[link] please"),
        ("bit.ly/3xYz", "[link]"),
        ("mercadolibre.com.mx", "[link]"),
        ("bbc.co.uk", "[link]"),
        ("segundamano.mx", "[link]"),
        ("tg://resolve?domain=someone", "[link]"),
        ("instagram.com/@someone", "[link]"),
        # phone numbers
        ("call 415-678-5519 now", "call [phone] now"),
        ("(415) 678 5519", "[phone]"),
        ("+1 415 678 5519", "[phone]"),
        ("+44 20 7946 0958", "[phone]"),
        ("55 1234 5678", "[phone]"),
        ("612 34 56 78", "[phone]"),
        ("030/1234567", "[phone]"),
        ("tel. +52 55 1234 5678, gracias", "tel. [phone], gracias"),
        ("４１５-６７８-５５１９", "[phone]"),
        # @handles
        ("ask @maria_g", "ask [handle]"),
        ("@john.doe.", "[handle]."),
        ("hi @ab", "hi @ab"),  # too short for a username
        # digit runs
        ("SSN 123-45-6789", "SSN [number]"),
        ("card 4111 1111 1111 1111", "card [number]"),
        ("id 1234567", "id [number]"),
        ("ref 12.34.56", "ref [number]"),
        ("passport A1234567", "passport A[number]"),
        ("(555) 123-4567", "[phone]"),
        ("555-0100-99", "[number]"),
        ("CURP 12345", "CURP 12345"),  # five digits are kept
        # years, scales and small counts are kept
        ("I rated it 7 because in 2021 nothing happened", None),
        ("between 2019-2021 and 2019 2020", None),
        ("ages 12-17, about 150 people, 3 of 10", None),
        ("on 12/05/2021 at 10:30", None),
        ("e.g. i.e. U.S.A. 3.14 Ph.D", None),
        ("home.It was late", None),
        ("1,500,000 dollars", None),
        ("Нет, никто не знает 😔 👍🏽", None),
        ("人口贩卖 ہم نہیں जानते", None),
    ],
)
def test_redact_cases(text: str, expected: str | None) -> None:
    assert redact(text) == (text if expected is None else expected)


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        (
            "Maria said so, then MARIA and maria.",
            ["Maria"],
            "[name] said so, then [name] and [name].",
        ),
        ("José, josé y JOSÉ", ["José"], "[name], [name] y [name]"),
        ("Jose\u0301 vino", ["José"], "[name] vino"),  # decomposed accent
        ("STRASSE und straße", ["Straße"], "[name] und [name]"),
        ("Annabel and Ann", ["Ann"], "Annabel and [name]"),  # whole words only
        ("a.b and axb and A.B", ["a.b"], "[name] and axb and [name]"),
        ("c++ (a) [x] a|b", ["c++", "(a)", "a|b"], "[name] [name] [x] [name]"),
        ("write to maria_g or @maria_g", ["@maria_g"], "write to [name] or [handle]"),
        ("María dijo: soy María José", ["María José"], "[name] dijo: soy [name]"),
        ("de la casa de De la Cruz", ["De la Cruz"], "de la casa de [name]"),
        ("Ann  Lee came", ["Ann Lee"], "[name] came"),
        ("a is a word", ["a", "", " "], "a is a word"),  # too short to redact
        ("Иван сказал", ["Иван"], "[name] сказал"),
        ("🌸🌸 said hi", ["🌸🌸"], "[name] said hi"),
    ],
)
def test_redact_names(text: str, names: list[str], expected: str) -> None:
    assert redact(text, names=names) == expected


def test_redact_mixed_sentence() -> None:
    text = (
        "Soy Ana Pérez (@ana_p), escríbeme a ana@example.com o al +52 55 1234 5678; "
        "mi INE es 1234 5678 9012 y la página es https://example.org/ana. Fue en 2021, nota 7."
    )

    assert redact(text, names=["Ana", "Pérez", "ana_p"]) == (
        "Soy [name] [name] ([handle]), escríbeme a [email] o al [phone]; "
        "mi INE es [number] y la página es [link]. Fue en 2021, nota 7."
    )


def test_redact_is_fast_enough_for_long_answers() -> None:
    text = ("Llame al 55 1234 5678 o escriba a x@y.com; en 2021 hubo 3 casos. " * 40)[:2000]
    start = time.perf_counter()
    for _ in range(10):
        redact(text, names=["José", "Pérez"])
    per_call = (time.perf_counter() - start) / 10

    assert per_call < 0.05  # generous for slow CI; typically a couple of milliseconds


# --- properties --------------------------------------------------------------------------------

_SURROUNDING = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)
_WORDS = st.text(alphabet=string.ascii_letters + " ,.;!?", max_size=30)


@settings(max_examples=300)
@given(email=st.emails(), before=_WORDS, after=_WORDS)
def test_emails_never_survive(email: str, before: str, after: str) -> None:
    assert email not in redact(email)
    assert email not in redact(f"{before} {email} {after}")


_US_FORMATS = (
    "{a}-{e}-{n}",
    "({a}) {e}-{n}",
    "({a}) {e} {n}",
    "{a}.{e}.{n}",
    "{a} {e} {n}",
    "{a}{e}{n}",
    "+1 {a} {e} {n}",
    "+1-{a}-{e}-{n}",
    "1 ({a}) {e}-{n}",
)


@settings(max_examples=300)
@given(
    area=st.integers(200, 999),
    exchange=st.integers(200, 999),
    line=st.integers(0, 9999),
    fmt=st.sampled_from(_US_FORMATS),
    before=_WORDS,
    after=_WORDS,
)
def test_us_numbers_never_survive(
    area: int, exchange: int, line: int, fmt: str, before: str, after: str
) -> None:
    number = fmt.format(a=area, e=exchange, n=f"{line:04d}")
    digits = f"{area}{exchange}{line:04d}"

    for text in (number, f"{before} {number} {after}"):
        out = redact(text)
        assert number not in out
        assert digits not in re.sub(r"\D", "", out)


@settings(max_examples=500)
@given(st.text())
def test_redact_is_idempotent(text: str) -> None:
    once = redact(text)

    assert redact(once) == once


@settings(max_examples=300)
@given(
    text=st.text(
        alphabet=st.sampled_from("ab1 .-@/:(+)x9\u00a0"),
        max_size=40,
    )
)
def test_redact_is_idempotent_on_dense_punctuation(text: str) -> None:
    once = redact(text)

    assert redact(once) == once


_NAME = st.text(alphabet=st.characters(categories=["L"]), min_size=2, max_size=12)


@settings(max_examples=300)
@given(
    name=_NAME,
    before=_SURROUNDING,
    after=_SURROUNDING,
    casing=st.sampled_from([str, str.lower, str.upper, str.title, str.casefold]),
)
def test_names_never_survive(
    name: str, before: str, after: str, casing: Callable[[str], str]
) -> None:
    assume(not any(name.casefold() in p for p in PLACEHOLDERS))
    assume(name.casefold() not in (before + after).casefold())

    out = redact(f"{before} {casing(name)} {after}", names=[name])

    assert name.casefold() not in out.casefold()
