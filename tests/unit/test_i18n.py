"""Tests of bot.i18n: locale negotiation, cached translators and localised numbers."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from bot.i18n import (
    DEFAULT_LOCALE,
    N_,
    language_name,
    negotiate,
    shipped_locales,
    translator,
    use_catalogs,
)


def test_shipped_locales_start_with_english() -> None:
    locales = shipped_locales()
    assert locales[0] == "en" == DEFAULT_LOCALE
    assert "es" in locales
    assert len(set(locales)) == len(locales)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("es-MX", "es"),
        ("es_ES", "es"),
        ("es", "es"),
        ("ES", "es"),
        ("es-419", "es"),
        ("pt-br", "pt_BR"),
        ("pt_BR", "pt_BR"),
        ("pt-PT", "pt_BR"),
        ("pt", "pt_BR"),
        ("zh-CN", "zh_Hans"),
        ("zh-Hans", "zh_Hans"),
        ("zh-SG", "zh_Hans"),
        ("zh", "zh_Hans"),
        ("zh-TW", "en"),
        ("zh-HK", "en"),
        ("zh-Hant", "en"),
        ("fil", "tl"),
        ("tl", "tl"),
        ("ar-EG", "ar"),
        ("fr-CA", "fr"),
        ("ht", "ht"),
        ("ko-KR", "ko"),
        ("vi-VN", "vi"),
        ("ru-UA", "ru"),
        (None, "en"),
        ("", "en"),
        ("zz-ZZ", "en"),
        ("not a tag", "en"),
        ("EN-us", "en"),
        ("en", "en"),
        ("-", "en"),
        ("es-", "en"),
    ],
)
def test_negotiate(tag: str | None, expected: str) -> None:
    assert negotiate(tag) == expected


def test_negotiate_against_a_given_list() -> None:
    assert negotiate("pt-BR", ("en", "pt")) == "pt"
    assert negotiate("pt-BR", ("en", "pt_BR", "pt")) == "pt_BR"
    assert negotiate("es-MX", ("en",)) == "en"


def test_translator_is_cached_per_locale() -> None:
    assert translator("en") is translator("en")
    assert translator("es") is translator("es")
    assert translator("es") is not translator("en")
    assert translator("es").locale == "es"
    assert translator("en").locale == "en"


def test_translator_refuses_a_locale_without_a_catalog() -> None:
    with pytest.raises(ValueError, match="no catalog for locale 'zz'"):
        translator("zz")


def test_english_is_the_msgid() -> None:
    tr = translator("en")
    assert tr.gettext("Question {number} of {total}") == "Question {number} of {total}"
    assert tr.gettext("") == ""
    assert tr.ngettext("{count} item", "{count} items", 1) == "{count} item"
    assert tr.ngettext("{count} item", "{count} items", 3) == "{count} items"


def test_n_marks_without_translating() -> None:
    assert N_("back") == "back"


@pytest.mark.parametrize(("locale", "expected"), [("en", "4.21"), ("es", "4,21")])
def test_the_guides_overall_score(locale: str, expected: str) -> None:
    # Appendix E: 29.5 / 7 = 4.2142857..., shown as 4.21.
    assert Fraction(59, 14) == Fraction(59, 2) / 7
    assert translator(locale).number(Fraction(59, 14)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(4999, 1000), "4.99"),
        (Fraction(2, 3), "0.66"),
        (Fraction(9), "9.00"),
        (Fraction(59, 2), "29.50"),
        (Fraction(1, 200), "0.00"),
        (Fraction(8999999, 1000000), "8.99"),
    ],
)
def test_fractions_are_cut_not_rounded(value: Fraction, expected: str) -> None:
    assert translator("en").number(value) == expected


def test_decimals_can_be_chosen() -> None:
    tr = translator("en")
    assert tr.number(Fraction(59, 14), decimals=1) == "4.2"
    assert tr.number(Fraction(36), decimals=1) == "36.0"
    assert tr.number(Fraction(49, 10), decimals=0) == "4"
    assert translator("es").number(Fraction(59, 2), decimals=1) == "29,5"


def test_other_numbers_use_the_locale_format() -> None:
    assert translator("en").number(12) == "12"
    assert translator("en").number(Decimal("1234.5")) == "1,234.5"
    assert translator("es").number(Decimal("1234.5")) in {"1234,5", "1.234,5"}


def test_language_names_are_in_their_own_language() -> None:
    assert language_name("es") == "Español"
    assert language_name("en") == "English"


def test_negative_fractions_are_cut_toward_zero_too() -> None:
    assert translator("en").number(Fraction(-59, 14)) == "-4.21"


def test_a_translator_can_try_catalogs_from_another_directory(tmp_path: Path) -> None:
    shipped = shipped_locales()
    catalog = tmp_path / "de" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid ""\nmsgstr ""\n\nmsgid "Yes"\nmsgstr "Ja"\n', encoding="utf-8")
    use_catalogs(tmp_path)
    try:
        assert shipped_locales() == ("en", *sorted([*shipped[1:], "de"]))
        assert translator("de").gettext("Yes") == "Ja"
        assert negotiate("de-AT") == "de"
        assert translator("es").gettext("Yes") == "Sí"  # the shipped ones are still there
    finally:
        use_catalogs(None)
    assert "de" not in shipped_locales()
    with pytest.raises(ValueError, match="no catalog"):
        translator("de")


def test_values_in_right_to_left_text_are_isolated() -> None:
    """A campaign's name, a label or a code set into Arabic keeps its own direction."""
    from bot.channels.telegram.markup import escaped

    arabic = translator("ar")
    assert arabic.isolate("Riverside County 3") == "\u2068Riverside County 3\u2069"
    assert arabic.isolate(7) == 7  # a bare number needs no isolate
    assert translator("en").isolate("K7TF") == translator("es").isolate("K7TF") == "K7TF"
    shown = escaped(
        arabic,
        "Interview {label} is recorded. Scorers know it only by this "
        "label. If the respondent asks for it to be erased, send /delete {code} to "
        "the bot (keep this code where only you see it).",
        label="K7TF",
        code="AB-CD",
    )
    assert "\u2068K7TF\u2069" in shown and "\u2068AB-CD\u2069" in shown
    assert "/delete" in shown


def test_a_changed_catalog_is_never_served_from_the_compiled_cache(tmp_path: Path) -> None:
    """Catalogs compiled once are cached by their exact bytes: an edit is a new entry."""
    catalog = tmp_path / "de" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid ""\nmsgstr ""\n\nmsgid "Yes"\nmsgstr "Ja"\n', encoding="utf-8")
    use_catalogs(tmp_path)
    try:
        assert translator("de").gettext("Yes") == "Ja"
        catalog.write_text(
            'msgid ""\nmsgstr ""\n\nmsgid "Yes"\nmsgstr "Jawohl"\n', encoding="utf-8"
        )
        use_catalogs(tmp_path)  # a new process, as far as the in-memory cache goes
        assert translator("de").gettext("Yes") == "Jawohl"
    finally:
        use_catalogs(None)


def test_the_scoring_screens_isolate_their_values_in_arabic() -> None:
    from bot.channels.telegram.staff_presenter import StaffPresenter
    from bot.services.staff_views import HandInView
    from questions.loader import default_library

    shown = translator("ar").format("Dimension {dimension}: {score}", dimension="B", score="4.5")
    assert "\u2068B\u2069" in shown and "\u20684.5\u2069" in shown and "Dimension" not in shown
    view = HandInView("ar", "0123abcd", "K7TF", tuple((d, None) for d in "ABCDEFG"))
    (rendered,) = StaffPresenter(default_library()).render(view)
    assert "\u2068K7TF\u2069" in rendered.text  # type: ignore[union-attr]
    english = HandInView("en", "0123abcd", "K7TF", view.scores)
    (plain,) = StaffPresenter(default_library()).render(english)
    assert "\u2068" not in plain.text  # type: ignore[union-attr]
