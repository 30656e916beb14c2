"""Tests of bot.reports.lettering: chart text wrapped by drawn width, in any script."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.reports.lettering import columns, cut, wrap

WORDS = st.text(
    alphabet=st.sampled_from("abcdeÉé/社区工作了解지역사회주인의식"), min_size=1, max_size=12
)
TEXTS = st.lists(WORDS, max_size=12).map(" ".join)
WIDTHS = st.integers(min_value=4, max_value=40)


def test_a_chinese_or_korean_character_takes_two_columns() -> None:
    assert columns("ab") == 2
    assert columns("社区") == 4
    assert columns("지역") == 4


def test_chinese_breaks_between_characters_korean_and_english_at_spaces() -> None:
    assert wrap("C. 社区对相关工作的了解", 20) == "C. 社区对相关工作的\n了解"
    assert wrap("지역사회 주인의식", 15) == "지역사회\n주인의식"
    assert wrap("Negación/Resistencia y más", 15) == "Negación/\nResistencia y\nmás"


def test_a_long_latin_word_is_never_split() -> None:
    assert wrap("Supercalifragilistic word", 10) == "Supercalifragilistic\nword"


@given(TEXTS, WIDTHS)
def test_each_line_fits_unless_it_is_one_word_that_cannot_break(text: str, width: int) -> None:
    for line in wrap(text, width).split("\n"):
        assert columns(line) <= width or " " not in line


@given(TEXTS, WIDTHS)
def test_wrapping_keeps_every_character_in_order(text: str, width: int) -> None:
    def letters(value: str) -> str:
        return "".join(value.split())

    assert letters(wrap(text, width)) == letters(text)


@given(TEXTS, WIDTHS)
def test_a_cut_fits_and_says_when_it_left_something_out(text: str, width: int) -> None:
    shortened = cut(text, width)
    assert columns(shortened) <= width
    assert shortened == text or shortened.endswith("…")
