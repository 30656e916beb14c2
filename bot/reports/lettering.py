"""The words on a chart, drawable in every shipped language.

matplotlib (3.11 and later, through libraqm) joins Arabic letters and orders right-to-left
lines itself, but it draws only the glyphs its fonts have, and DejaVu Sans, the one it ships,
has no Chinese or Korean. So a finished figure is lettered before it becomes pixels: every
text on it gets the installed fonts as per-glyph fallbacks, and a character none of them has
(an emoji in a campaign's name) is left out of the picture rather than drawn as an empty box;
the report's text beside the chart carries it.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING
from unicodedata import east_asian_width

if TYPE_CHECKING:
    from matplotlib.figure import Figure

BASE_FAMILY = "DejaVu Sans"
"""Latin, Cyrillic, Greek, Vietnamese and Arabic's presentation forms; ships with matplotlib."""

CJK_FAMILIES = (
    "Noto Sans CJK SC",  # Debian and Ubuntu: fonts-noto-cjk
    "Noto Sans SC",  # the same design as Google Fonts names it
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",  # fonts-wqy-zenhei
    "Noto Sans CJK KR",
    "Noto Sans KR",
)
"""Fonts with Chinese and Korean glyphs, in order of preference. None ships with the bot: a
server installs one (README, Deployment); without any, Chinese and Korean charts are drawn in
English (see `draws`)."""

HANGUL_SYLLABLES = ("\uac00", "\ud7a3")

KEPT = frozenset("\n")
"""Characters that are layout, not glyphs: kept whatever the fonts have."""


@cache
def families() -> tuple[str, ...]:
    """The installed chart fonts, DejaVu Sans first: each glyph comes from the first that has it."""
    return tuple(_installed())


@cache
def _installed() -> dict[str, str]:
    """Each installed chart font's family -> a file of its regular face. Read from the font
    list matplotlib keeps (no font is opened, and no search scores every installed font)."""
    from matplotlib import font_manager

    files: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        if entry.style == "normal" and (entry.name not in files or entry.weight == 400):
            files[entry.name] = entry.fname
    return {family: files[family] for family in (BASE_FAMILY, *CJK_FAMILIES) if family in files}


@cache
def _charmap(path: str) -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(path).get_charmap())


def _has_glyph(char: str) -> bool:
    """Whether an installed chart font has `char`; a CJK font is opened (megabytes) only for a
    character DejaVu Sans lacks, so a chart in a Latin script never opens one."""
    code = ord(char)
    return char in KEPT or any(code in _charmap(path) for path in _installed().values())


def draws(text: str) -> bool:
    """Whether the installed fonts have a glyph for every character of `text`: a language's
    own name ('한국어', '中文 (简体)') tells whether its script can be charted."""
    return all(_has_glyph(char) for char in text)


def drawable(text: str) -> str:
    """`text` without the characters no installed font has."""
    return "".join(char for char in text if _has_glyph(char))


def columns(text: str) -> int:
    """How wide `text` is drawn, in columns: a Chinese or Korean character takes two."""
    return sum(2 if east_asian_width(char) in "WF" else 1 for char in text)


def wrap(text: str, width: int) -> str:
    """`text` in lines of at most `width` columns where it can break: at spaces, after a slash
    ("Negación/Resistencia"), and between the characters of a Chinese or Korean run too long
    for a line (Chinese has no spaces). A long Latin word is never split."""
    lines: list[str] = []
    line = ""
    for piece, gap in _pieces(text, width):
        if line and columns(line + gap + piece) > width:
            lines.append(line)
            line = piece
        else:
            line = line + gap + piece if line else piece
    return "\n".join([*lines, line] if line else lines)


def _pieces(text: str, width: int) -> list[tuple[str, str]]:
    """What `wrap` may put on a line, each with what goes before it when it joins one."""
    pieces = []
    for word in text.split():
        gap = " "
        for part in word.replace("/", "/\0").split("\0"):
            if _breaks_anywhere(part) or (columns(part) > width and columns(part) > len(part)):
                pieces += [(char, gap if i == 0 else "") for i, char in enumerate(part)]
            elif part:
                pieces.append((part, gap))
            gap = ""
    return pieces


def _breaks_anywhere(part: str) -> bool:
    """Chinese and Japanese text may break between any two characters; Korean, like English,
    breaks at spaces (unless a word is longer than a line)."""
    return any(
        columns(char) == 2 and not HANGUL_SYLLABLES[0] <= char <= HANGUL_SYLLABLES[1]
        for char in part
    )


def cut(text: str, width: int) -> str:
    """`text` shortened to `width` columns, an ellipsis last when anything was left out."""
    if columns(text) <= width:
        return text
    kept = ""
    for char in text:
        if columns(kept + char) > width - 1:
            break
        kept += char
    return kept.rstrip() + "…"


def letter(figure: Figure) -> None:
    """Every text on a finished figure set in the installed fonts and made drawable. Tick
    labels are remade from their formatter at each draw, so a fixed list of them is made
    drawable there."""
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter

    fonts = list(families())
    for axes in figure.axes:
        axes.tick_params(which="both", labelfontfamily=fonts)
        for axis in (axes.xaxis, axes.yaxis):
            formatter = axis.get_major_formatter()
            if isinstance(formatter, FixedFormatter):
                formatter.seq = [drawable(label) for label in formatter.seq]
    for text in figure.findobj(Text):
        text.set_fontfamily(fonts)
        text.set_text(drawable(text.get_text()))
