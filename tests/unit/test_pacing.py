"""Tests of bot.channels.telegram.pacing: about one message a second to one chat, and the
whole bot's limit (30 a second by default)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.telegram.pacing import BURST, FORGET_ABOVE, Pacing
from bot.storage.records import Outgoing


def message(chat_key: str, kind: str = "send", number: int = 1) -> Outgoing:
    return Outgoing(number, chat_key, b"sealed", kind, "{}", 0)


def test_a_burst_goes_at_once_then_one_a_second() -> None:
    pacing = Pacing(chat_rate=1)
    for _ in range(BURST):
        assert pacing.admit([message("a")], now=0)
    assert pacing.admit([message("a")], now=0) == []
    assert pacing.held_until_ms == 1000
    assert pacing.admit([message("a")], now=999) == []
    assert pacing.admit([message("a")], now=1000)


def test_a_chat_at_its_pace_holds_back_no_other_chat() -> None:
    pacing = Pacing(chat_rate=1)
    for _ in range(BURST):
        pacing.admit([message("a")], now=0)
    admitted = pacing.admit([message("a"), message("b")], now=10)
    assert [item.chat_key for item in admitted] == ["b"]
    assert pacing.held_until_ms == 1000


def test_leaving_is_never_made_to_wait() -> None:
    pacing = Pacing(chat_rate=1)
    for _ in range(BURST):
        pacing.admit([message("a")], now=0)
    kinds = ["delete", "typing", "menu"]
    admitted = pacing.admit([message("a", kind) for kind in kinds], now=0)
    assert [item.kind for item in admitted] == kinds
    assert pacing.held_until_ms == 0


def test_idle_chats_are_forgotten_once_there_are_many() -> None:
    pacing = Pacing(chat_rate=1)
    pacing.admit([message(f"chat{n}") for n in range(FORGET_ABOVE + 1)], now=0)
    assert len(pacing._chats) == FORGET_ABOVE + 1
    pacing.admit([message("busy")], now=60_000)
    assert list(pacing._chats) == ["busy"]


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=200))
def test_no_chat_ever_gets_more_than_the_burst_plus_one_a_second(gaps: list[int]) -> None:
    pacing = Pacing(chat_rate=1)
    now, sent = 0, []
    for gap in gaps:
        now += gap * 100
        sent += [now for _ in pacing.admit([message("a")], now)]
    for start in sent:
        window = [at for at in sent if start <= at < start + 10_000]
        assert len(window) <= BURST + 10


def test_the_bot_sends_a_seconds_worth_at_once_then_one_every_thirtieth_of_a_second() -> None:
    pacing = Pacing(bot_rate=30)
    heads = [message(f"chat{n}", number=n) for n in range(40)]
    assert len(pacing.admit(heads, now=0)) == 30
    assert pacing.held_until_ms == 34
    assert pacing.admit(heads[30:], now=33) == []
    assert [item.id for item in pacing.admit(heads[30:], now=34)] == [30]


def test_a_message_its_chat_holds_back_spends_nothing_of_the_bots_limit() -> None:
    pacing = Pacing(chat_rate=1, bot_rate=2)
    for _ in range(BURST):
        pacing.admit([message("a")], now=0)
    assert pacing.admit([message("a")], now=0) == []  # "a" at its pace: the bot's token stays
    assert [item.chat_key for item in pacing.admit([message("b")], now=1000)] == ["b"]


def test_leaving_never_waits_for_the_bots_limit_nor_spends_it() -> None:
    pacing = Pacing(bot_rate=1)
    assert pacing.admit([message("a")], now=0)
    admitted = pacing.admit([message("a", "delete"), message("b", "menu")], now=0)
    assert [item.kind for item in admitted] == ["delete", "menu"]
    assert pacing.admit([message("c")], now=0) == []


def test_each_further_part_of_a_report_waits_for_the_bots_limit() -> None:
    pacing = Pacing(chat_rate=1, bot_rate=2)
    assert pacing.admit([message("a")], now=0)
    assert pacing.next_part_wait_ms(now=0) == 0  # the second token of the bot's two
    assert pacing.next_part_wait_ms(now=0) == 500
    assert pacing.next_part_wait_ms(now=500) == 0
    assert Pacing(chat_rate=1).next_part_wait_ms(now=0) == 0  # no limit for the bot


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=60)),
        min_size=1,
        max_size=120,
    )
)
def test_the_bot_never_sends_more_than_its_limit_in_any_second(
    rounds: list[tuple[int, int]],
) -> None:
    pacing = Pacing(chat_rate=1, bot_rate=30)
    now, sent = 0, []
    for gap, chats in rounds:
        now += gap * 10
        heads = [message(f"chat{n}") for n in range(chats)]
        sent += [now for _ in pacing.admit(heads, now)]
    for start in sent:
        assert len([at for at in sent if start <= at < start + 1000]) <= 30 + 30
