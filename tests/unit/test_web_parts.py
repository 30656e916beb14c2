"""The web channel's pure parts: the sealed visit, the throttle, forms, the language a browser
asks for, and where a form may send her."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import MultiDict, MultiDictProxy

from bot.channels.web.channel import _local
from bot.channels.web.forms import INTERVIEW, FormRefused, Posted, checked
from bot.channels.web.server import content_security_policy
from bot.channels.web.throttle import Throttle
from bot.channels.web.visit import MAX_NOTES, Visit, Visits
from bot.i18n import accept_language, text_direction
from bot.privacy import Sealer, normalise_resume_code, web_respondent_key
from bot.services.views import Phrase

SECRET = b"w" * 32
VISITS = Visits(SECRET, Sealer(SECRET))


def test_a_visit_survives_its_cookie_and_nothing_else_opens() -> None:
    visit = Visit("token", "BCDF-GHJK", "es", (Phrase("hello", {"n": 3}),))
    cookie = VISITS.dump(visit)
    assert VISITS.load(cookie) == visit
    assert "BCDF" not in cookie and "token" not in cookie
    other = Visits(b"x" * 32, Sealer(b"x" * 32))
    assert other.load(cookie) is None
    flipped = cookie[:-2] + ("A" if cookie[-2] != "A" else "B") + cookie[-1]
    assert VISITS.load(flipped) is None
    for junk in ("", "not base64 !!", "A" * 5000, None):
        assert VISITS.load(junk) is None


@given(st.text(max_size=300))
def test_any_cookie_value_opens_to_a_visit_or_to_none(value: str) -> None:
    assert VISITS.load(value) is None or isinstance(VISITS.load(value), Visit)


def test_notes_are_capped_and_said_once() -> None:
    visit = VISITS.new().noting(*(Phrase(str(n)) for n in range(10)))
    assert len(visit.notes) == MAX_NOTES and visit.notes[-1].msgid == "9"
    assert visit.said().notes == ()


def test_csrf_tokens_belong_to_their_visit() -> None:
    one, two = VISITS.new(), VISITS.new()
    assert VISITS.csrf_ok(one, VISITS.csrf(one))
    assert not VISITS.csrf_ok(two, VISITS.csrf(one))
    assert not VISITS.csrf_ok(one, "")


def test_the_database_key_of_a_code_is_not_the_code() -> None:
    key = web_respondent_key(SECRET, "BCDF-GHJK")
    assert "BCDF" not in key and key == web_respondent_key(SECRET, "BCDF-GHJK")
    assert normalise_resume_code(" bcdf ghjk ") == "BCDF-GHJK"
    assert normalise_resume_code("\u2068BCDF-GHJK\u2069") == "BCDF-GHJK"  # copied from Arabic
    assert normalise_resume_code("BCDF-GHJA") is None  # A is not in the alphabet
    assert normalise_resume_code("BCDF-GHJK-LMNP") is None  # a receipt, not a resume code


def test_the_throttle_counts_per_address_within_its_window() -> None:
    now = [0.0]
    throttle = Throttle(3, 60.0, clock=lambda: now[0])
    assert [throttle.allow("a") for _ in range(4)] == [True, True, True, False]
    assert throttle.allow("b")
    now[0] = 61.0
    assert throttle.allow("a")


def test_where_only_failures_count_successes_are_free() -> None:
    throttle = Throttle(2, 600.0, clock=lambda: 0.0)
    assert not throttle.over("a")
    throttle.count("a")
    throttle.count("a")
    assert throttle.over("a") and not throttle.over("b")


def form(*pairs: tuple[str, object]) -> MultiDictProxy[object]:
    return MultiDictProxy(MultiDict(pairs))


def test_a_form_holds_only_its_fields_once_each() -> None:
    good = checked(form(("csrf", "c"), ("value", "a"), ("value", "b")), INTERVIEW)
    assert good.values == ("a", "b") and good.get("csrf") == "c"
    for bad in (
        form(("csrf", "c"), ("admin", "1")),
        form(("action", "back"), ("action", "answer")),
        form(("text", b"bytes")),
    ):
        with pytest.raises(FormRefused):
            checked(bad, INTERVIEW)


def test_a_choice_or_a_review_line_is_its_own_action() -> None:
    assert Posted.of(checked(form(("value", "yes")), INTERVIEW)).action == "answer"
    assert Posted.of(checked(form(("edit", "q1")), INTERVIEW)).action == "edit"
    assert Posted.of(checked(form(("action", "back")), INTERVIEW)).action == "back"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ("fr-FR,fr;q=0.9,es;q=0.5", "es"),
        ("en-GB,es;q=0.9", "en"),
        ("de, es;q=0", "en"),
        ("es;q=0.2, en;q=0.9", "en"),
        ("es;q=zzz, pt", "en"),
        ("*", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_the_browsers_language_is_negotiated(header: str | None, expected: str) -> None:
    assert accept_language(header, ("en", "es")) == expected


def test_arabic_reads_right_to_left() -> None:
    assert text_direction("ar") == "rtl"
    assert text_direction("es") == "ltr" and text_direction("zz_nonsense") == "ltr"


@pytest.mark.parametrize(
    ("asked", "sent_to"),
    [
        ("/i", "/i"),
        ("/c/abc", "/c/abc"),
        ("https://evil.example/", "/i"),
        ("//evil.example/", "/i"),
        ("/\\evil.example", "/i"),
        ("", "/i"),
        ("/erase?x=1", "/erase"),
    ],
)
def test_a_form_sends_her_only_within_the_site(asked: str, sent_to: str) -> None:
    assert _local(asked) == sent_to


def test_the_content_policy_allows_nothing_from_elsewhere() -> None:
    policy = content_security_policy("https://www.google.com/")
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "form-action 'self' https://www.google.com" in policy
    assert "script-src 'self'" in policy and "unsafe" not in policy
