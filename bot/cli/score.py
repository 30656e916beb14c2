"""`readiness-bot score`: the guide's Calculated Scorecard from a Combined Scorecard CSV."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.cli import FULL_ASSESSMENT, PREASSESSMENT
from bot.i18n import negotiate, translator
from bot.reports.scorecards import every_language
from bot.scorecard_report import scorecard_json, scorecard_text
from questions.loader import default_library
from scoring import ScorecardError, assess, parse_scorecard

EXIT_BAD_INPUT = 2


def command(path: Path, *, as_json: bool, lang: str, purpose: str = FULL_ASSESSMENT) -> int:
    """A full assessment's scorecard (the default) has no proceed/wait decision; interviewer-
    scored preassessment responses do (Appendix C, "Analyzing Responses")."""
    library = default_library()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        print(f"readiness-bot score: {path}: {error.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UnicodeDecodeError:
        print(f"readiness-bot score: {path}: not a UTF-8 text file", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        # A scorecard this product wrote may be in any shipped language.
        scorecard = parse_scorecard(text, library.model, translations=every_language())
    except ScorecardError as error:
        print(f"readiness-bot score: {path}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    assessment = assess(scorecard)
    decided = purpose == PREASSESSMENT
    tr = translator(negotiate(lang))
    if as_json:
        found = scorecard_json(assessment, library.model, with_decision=decided, tr=tr)
        print(json.dumps({"for": purpose, **found}, ensure_ascii=False))
    else:
        print(scorecard_text(assessment, library.model, tr, with_decision=decided))
    return 0
