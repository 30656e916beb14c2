"""The callback codec: every button kind round-trips, fits Telegram's 64 bytes, and any data a
client may send (forged, truncated, random) decodes to a button or to None, never an error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.telegram import callbacks as cb
from bot.services.workbench import FOCUSES
from bot.storage.repos.scoring import LABEL_ALPHABET
from questions.loader import default_library
from questions.schema import DIMENSION_IDS

LIBRARY = default_library()
QUESTION_IDS = [q.id for bank in LIBRARY.banks.values() for q in bank.questions]
OPTION_IDS = sorted({o.id for b in LIBRARY.banks.values() for q in b.questions for o in q.options})

SESSION_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
session_ids = st.text(SESSION_ALPHABET, min_size=8, max_size=8)
question_ids = st.sampled_from(QUESTION_IDS)
values = st.sampled_from([*OPTION_IDS, "low", "mid", "high", "dont_know", *map(str, range(1, 11))])
campaign_ids = st.text("0123456789abcdef", min_size=8, max_size=8)
locales = st.sampled_from(["en", "es", "zh_Hans", "pt_BR", "vi", "ar"])
markers = st.one_of(
    st.just(""),
    question_ids,
    st.builds(lambda q, b: f"{q}:{b}", question_ids, st.sampled_from(["low", "mid", "high"])),
    st.builds(lambda q: f"{q}:+", question_ids),
)

roles = st.sampled_from(["interviewer", "scorer", "reviewer"])
labels = st.text(LABEL_ALPHABET, min_size=4, max_size=4)
HALF_STEPS = [str(n // 2) if n % 2 == 0 else f"{n // 2}.5" for n in range(2, 19)]

buttons = st.one_of(
    st.just(cb.LeaveNow()),
    st.just(cb.KeepAnswers()),
    st.builds(cb.PersonalRun, st.sampled_from(["preassessment", "capacity_checklist"])),
    st.builds(cb.PickLanguage, st.one_of(st.none(), session_ids), locales),
    st.builds(cb.ConsentChoice, session_ids, st.booleans()),
    st.builds(cb.AnswerChoice, session_ids, question_ids, values),
    st.builds(cb.ContinueOn, session_ids, question_ids),
    st.builds(cb.TickOption, session_ids, question_ids, st.sampled_from(OPTION_IDS)),
    st.builds(cb.DoneTicking, session_ids, question_ids),
    st.builds(cb.SkipQuestion, session_ids, question_ids),
    st.builds(cb.GoBack, session_ids, markers),
    st.builds(cb.EditAnswer, session_ids, question_ids),
    st.builds(cb.SubmitAnswers, session_ids),
    st.builds(cb.EraseOpen, session_ids),
    st.builds(cb.CampaignAction, st.sampled_from(sorted("rxlcomuiqpykvtsfg")), campaign_ids),
    st.builds(cb.InviteStaff, campaign_ids, roles),
    st.builds(cb.ChooseFocus, campaign_ids, st.sampled_from(FOCUSES)),
    st.builds(
        cb.RemoveStaff,
        campaign_ids,
        st.text(SESSION_ALPHABET, min_size=12, max_size=12),
        st.booleans(),
    ),
    st.builds(cb.StaffCard, campaign_ids, roles),
    st.builds(cb.StartInterview, campaign_ids),
    st.builds(cb.InterviewStep, st.sampled_from(list("OHAMCR")), campaign_ids, labels),
    st.builds(
        cb.ScoreDimension,
        campaign_ids,
        labels,
        st.sampled_from(DIMENSION_IDS),
        st.sampled_from(["", *HALF_STEPS]),
        st.booleans(),
    ),
    st.builds(cb.CommentOn, campaign_ids, st.sampled_from([*DIMENSION_IDS, "all"])),
    st.builds(cb.CampaignComments, campaign_ids, st.sampled_from([*"ABCDEFG", "community"])),
    st.builds(
        cb.VolunteerOffer, st.text(SESSION_ALPHABET, min_size=16, max_size=16), st.booleans()
    ),
    st.builds(
        cb.ForgetVolunteer, campaign_ids, st.text(SESSION_ALPHABET, min_size=12, max_size=12)
    ),
    st.builds(
        cb.SetupChoice,
        st.sampled_from(["description", "type", "flow", "languages", "confirm"]),
        st.sampled_from(["skip", "rural", "urban", "preassessment", "capacity_checklist", "es"]),
        st.one_of(st.just(""), st.text(SESSION_ALPHABET, min_size=1, max_size=16)),
    ),
)


@given(buttons)
def test_every_button_round_trips_within_64_bytes(button: cb.Button) -> None:
    try:
        data = cb.encode(button)
    except ValueError:
        # Only a setup value that belongs to another step may be refused (flow codes).
        assert isinstance(button, cb.SetupChoice)
        return
    assert len(data.encode()) <= cb.MAX_BYTES
    assert cb.decode(data) == button


@given(st.text(max_size=80))
def test_any_text_decodes_to_a_button_or_none(data: str) -> None:
    decoded = cb.decode(data)
    if decoded is not None:
        assert cb.encode(decoded) == data


@given(st.binary(min_size=1, max_size=64))
def test_any_bytes_decode_to_a_button_or_none(raw: bytes) -> None:
    cb.decode(raw.decode("utf-8", errors="replace"))


@pytest.mark.parametrize(
    "data",
    [
        "",
        ":",
        "a:",
        "a:sid",
        "a:sid:q",
        "a:sid:level_a:mid:extra",
        "a:../..:level_a:mid",
        "kr:ZZZZZZZZ",
        "kr:1234abcd:x",
        "kz:1234abcd",
        "kw:1234abcd:H",
        "b:sid:level_a:<b>",
        "p:other",
        "l:sid:EN-us",
        "x" * 65,
        "kI:1234abcd:coordinator",
        "kF:1234abcd:other",
        "Q:1234abcd:K7TF:A:0.5",
        "Q:1234abcd:K7TF:A:9.5",
        "Q:1234abcd:K7TF:A:4.0",
        "Q:1234abcd:K7QF:A:4",
        "Q:1234abcd:K7TF:H:4",
        "JZ:1234abcd:K7TF",
        "JO:1234abcd:k7tf",
        "R:1234abcd:community",
        "I:1234abcd:extra",
        "W:1234abcd:x",
        "kX:1234abcd:abc:no",
        "kX:1234abcd:a/b",
    ],
)
def test_forged_data_is_refused(data: str) -> None:
    assert cb.decode(data) is None


def test_the_wire_format_of_old_buttons_still_decodes() -> None:
    """Buttons already on respondents' screens keep working across this release."""
    assert cb.decode("a:Ab3x_-9Q:level_a:mid") == cb.AnswerChoice("Ab3x_-9Q", "level_a", "mid")
    assert cb.decode("b:Ab3x_-9Q") == cb.GoBack("Ab3x_-9Q", "")
    assert cb.decode("b:Ab3x_-9Q:level_a:mid") == cb.GoBack("Ab3x_-9Q", "level_a:mid")
    assert cb.decode("kn:flow:pre") == cb.SetupChoice("flow", "preassessment")
    assert cb.decode("kn:confirm:yes") == cb.SetupChoice("confirm", "yes", draft="")


def test_a_set_up_button_names_its_set_up() -> None:
    assert cb.encode(cb.SetupChoice("flow", "preassessment", "Ab3x_9")) == "kn:flow:Ab3x_9:pre"
    assert cb.decode("kn:confirm:Ab3x_9:no") == cb.SetupChoice("confirm", "no", "Ab3x_9")
    assert cb.decode("kn:confirm:Ab/x:no") is None
    assert cb.decode("l:-:es") == cb.PickLanguage(None, "es")
