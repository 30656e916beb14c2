"""Long messages are cut so Telegram takes every part, and nothing of the text is lost."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.telegram.splitting import TAG, split_html, utf16_length

LIMIT = 200
words = st.text(alphabet=st.sampled_from("ab 👍é&<>"), min_size=0, max_size=400)
lines = st.one_of(
    words.map(html.escape),
    words.map(lambda text: f"<b>{html.escape(text)}</b>"),
    words.map(lambda text: f"<i>{html.escape(text)}\n{html.escape(text[::-1])}</i>"),
)


def visible(text: str) -> str:
    """What a reader sees, without markup and spacing (cuts may drop the spaces they fall on)."""
    return re.sub(r"\s+", "", html.unescape(TAG.sub("", text)))


@settings(max_examples=300, deadline=None)
@given(st.lists(lines, max_size=30))
def test_every_part_fits_and_keeps_every_character(message_lines: list[str]) -> None:
    message = "\n".join(message_lines)
    parts = split_html(message, LIMIT)
    for part in parts:
        assert utf16_length(part) <= LIMIT, part
        assert part.count("<") == 2 * part.count("</"), part  # every tag closed in its part
        html.unescape(part)  # no entity cut in half: "&am" would show as text
        assert not re.search(r"&[#a-z0-9]*$", part), part
    assert "".join(visible(part) for part in parts) == visible(message)


def test_an_answer_longer_than_a_message_is_cut_between_words() -> None:
    answer = " ".join(["shelter"] * 100)
    parts = split_html(f"Said:\n{answer}", 120)
    assert all(utf16_length(part) <= 120 for part in parts)
    assert all(not part.startswith("helter") for part in parts)
    assert "".join(parts).replace(" ", "").count("shelter") == 100


def test_emoji_count_twice_and_are_never_halved() -> None:
    parts = split_html("👍" * 250, 100)
    assert [utf16_length(part) for part in parts] == [100] * 5
    assert "".join(parts) == "👍" * 250


def test_a_short_message_is_left_alone() -> None:
    assert split_html("<b>Hi</b>\nthere", 100) == ["<b>Hi</b>\nthere"]
