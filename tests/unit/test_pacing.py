"""Tests of bot.channels.telegram.pacing: about one message a second to one chat."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.telegram.pacing import BURST, FORGET_ABOVE, ChatPacing
from bot.storage.records import Outgoing


def message(chat_key: str, kind: str = "send", number: int = 1) -> Outgoing:
    return Outgoing(number, chat_key, b"sealed", kind, "{}", 0)


def test_a_burst_goes_at_once_then_one_a_second() -> None:
    pacing = ChatPacing(per_second=1)
    for _ in range(BURST):
        assert pacing.admit([message("a")], now=0)
    assert pacing.admit([message("a")], now=0) == []
    assert pacing.held_until_ms == 1000
    assert pacing.admit([message("a")], now=999) == []
    assert pacing.admit([message("a")], now=1000)


def test_a_chat_at_its_pace_holds_back_no_other_chat() -> None:
    pacing = ChatPacing(per_second=1)
    for _ in range(BURST):
        pacing.admit([message("a")], now=0)
    admitted = pacing.admit([message("a"), message("b")], now=10)
    assert [item.chat_key for item in admitted] == ["b"]
    assert pacing.held_until_ms == 1000


def test_leaving_is_never_made_to_wait() -> None:
    pacing = ChatPacing(per_second=1)
    for _ in range(BURST):
        pacing.admit([message("a")], now=0)
    kinds = ["delete", "typing", "menu"]
    admitted = pacing.admit([message("a", kind) for kind in kinds], now=0)
    assert [item.kind for item in admitted] == kinds
    assert pacing.held_until_ms == 0


def test_idle_chats_are_forgotten_once_there_are_many() -> None:
    pacing = ChatPacing(per_second=1)
    pacing.admit([message(f"chat{n}") for n in range(FORGET_ABOVE + 1)], now=0)
    assert len(pacing._buckets) == FORGET_ABOVE + 1
    pacing.admit([message("busy")], now=60_000)
    assert list(pacing._buckets) == ["busy"]


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=200))
def test_no_chat_ever_gets_more_than_the_burst_plus_one_a_second(gaps: list[int]) -> None:
    pacing = ChatPacing(per_second=1)
    now, sent = 0, []
    for gap in gaps:
        now += gap * 100
        sent += [now for _ in pacing.admit([message("a")], now)]
    for start in sent:
        window = [at for at in sent if start <= at < start + 10_000]
        assert len(window) <= BURST + 10
