"""A truthful respondent of the self-rating staircase, for tests and simulated respondents.

The model (issue 8): a statement is true of the community iff its level is at or below the
true score s; "partly" iff it is the next level above a half score (s = 3.5: level 4 partly).
"""

from __future__ import annotations

from fractions import Fraction

from bot.flows import rating


def truthful_reply(screen: str | None, score: Fraction) -> str:
    def truth(level: int) -> str:
        if level <= score:
            return "true"
        return "partly" if level - score == Fraction(1, 2) else "false"

    if screen is rating.BOUNDARY:
        three, four = truth(3), truth(4)
        if four == "true":
            return rating.FULL_4
        if four == "partly":
            return rating.PART_4
        if three == "true":
            return rating.FULL_3
        return rating.PART_3 if three == "partly" else rating.NOT_3
    return {"true": rating.YES, "partly": rating.PARTLY, "false": rating.NO}[truth(int(screen))]


def staircase(score: Fraction | int) -> list[str]:
    """Every reply, screen by screen, of a respondent whose true score is `score`."""
    score = Fraction(score)
    replies: list[str] = []
    screen: str | None = rating.BOUNDARY
    while True:
        reply = truthful_reply(screen, score)
        replies.append(reply)
        outcome = rating.answer(screen, reply)
        assert outcome is not None, (screen, reply)
        if isinstance(outcome, rating.Rated):
            return replies
        screen = outcome.screen
