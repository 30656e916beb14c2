"""The self-rating of one dimension: a staircase that starts at the decision boundary.

The guide's rule (Chapter 2; Appendix E, steps 3b and 8a) is cumulative: a level counts only
when every level below it is met, and a score may stop half-way, "partially meets a level".
So the first screen shows the statements of levels 3 and 4 side by side (the boundary
between wait and proceed, judged directly), and each later screen asks about one more level
up (5 to 9) or, below the boundary, about level 2. Every level from 1 to 9 and every half step
is reachable; a respondent who answers each screen truthfully ends on exactly her score.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

BOUNDARY = None
"""The first screen (levels 3 and 4 together) is the state of no screen chosen yet."""
UP = ("5", "6", "7", "8", "9")
BELOW = "2"
SCREENS: tuple[str | None, ...] = (BOUNDARY, BELOW, *UP)

FULL_4, PART_4, FULL_3, PART_3, NOT_3 = "full4", "part4", "full3", "part3", "below"
YES, PARTLY, NO, UNSURE = "yes", "partly", "no", "unsure"
DONT_KNOW = "dont_know"
BOUNDARY_REPLIES = (FULL_4, PART_4, FULL_3, PART_3, NOT_3, DONT_KNOW)
STEP_REPLIES = (YES, PARTLY, NO, UNSURE)


@dataclass(frozen=True)
class Rated:
    """The rating is complete: a level from 1 to 9 in steps of 0.5, or None for 'I don't know'."""

    score: Fraction | None


@dataclass(frozen=True)
class Next:
    screen: str


def replies(screen: str | None) -> tuple[str, ...]:
    return BOUNDARY_REPLIES if screen is BOUNDARY else STEP_REPLIES


def levels_shown(screen: str | None) -> tuple[int, ...]:
    """The Appendix B statements a screen shows."""
    return (3, 4) if screen is BOUNDARY else (int(screen),)


def answer(screen: str | None, reply: str) -> Rated | Next | None:
    """Where a reply leads; None if the screen does not offer it."""
    if screen not in SCREENS or reply not in replies(screen):
        return None
    if screen is BOUNDARY:
        return _at_boundary(reply)
    level = int(screen)
    if screen == BELOW:
        # Level 3 is not even partly true here; level 1 ("no awareness") is the floor.
        below = {YES: Fraction(2), PARTLY: Fraction(3, 2), NO: Fraction(1), UNSURE: Fraction(1)}
        return Rated(below[reply])
    if reply == YES:
        return Rated(Fraction(9)) if level == 9 else Next(str(level + 1))
    if reply == PARTLY:
        return Rated(Fraction(2 * level - 1, 2))
    # "Not yet" and "not sure" both stop at the last level confirmed: only what is known counts.
    return Rated(Fraction(level - 1))


def _at_boundary(reply: str) -> Rated | Next:
    match reply:
        case "full4":
            return Next(UP[0])
        case "part4":
            return Rated(Fraction(7, 2))
        case "full3":
            return Rated(Fraction(3))
        case "part3":
            return Rated(Fraction(5, 2))
        case "below":
            return Next(BELOW)
    return Rated(None)


def previous(screen: str | None) -> str | None:
    """The screen Back returns to, within the rating (BOUNDARY from the first step off it)."""
    if screen is BOUNDARY or screen in (BELOW, UP[0]):
        return BOUNDARY
    return str(int(screen) - 1)


def is_screen(screen: object) -> bool:
    return screen is BOUNDARY or screen in SCREENS
