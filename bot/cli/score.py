"""`readiness-bot score`: the guide's Calculated Scorecard from a Combined Scorecard CSV."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.i18n import negotiate, translator
from bot.scorecard_report import scorecard_json, scorecard_text
from questions.loader import default_library
from scoring import ScorecardError, assess, parse_scorecard

EXIT_BAD_INPUT = 2


def command(path: Path, *, as_json: bool, lang: str) -> int:
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
        scorecard = parse_scorecard(text, library.model)
    except ScorecardError as error:
        print(f"readiness-bot score: {path}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    assessment = assess(scorecard)
    if as_json:
        print(json.dumps(scorecard_json(assessment, library.model), ensure_ascii=False))
    else:
        print(scorecard_text(assessment, library.model, translator(negotiate(lang))))
    return 0
