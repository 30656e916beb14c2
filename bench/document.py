"""docs/performance.md: the generated part (machine, table, what each figure means) sits
between two markers, so the hand-written history of changes around it survives a new run."""

from __future__ import annotations

from pathlib import Path

from bench.results import Results, machine, markdown, rows

BEGIN = "<!-- bench:begin (written by `make bench`; edit outside these markers) -->"
END = "<!-- bench:end -->"
TITLE = "# Performance\n\n"

MEANINGS = """\
What each figure means:

- **answers/s**: taps and typed messages the program answered per second, over a window of
  steady load that starts once every respondent has had a first screen (with the limit on at
  1,000 concurrent, the window starts after at most {warm:g} s: the opening /start burst alone
  would take longer than the run). Simulated respondents answer the instant a question
  arrives, so this is the program's ceiling, not people's pace.
- **latency p50 / p99**: bot-side, on the fake's clock: from the moment an answer is handed
  to the fake Bot API (getUpdates picks it up) to the moment the fake receives the call that
  carries the next screen (the last sendMessage or editMessageText for that chat before the
  respondent sees the reply). The respondents' own reaction time is not in it.
- **CPU ms per answer**: the child process's utime + stime (/proc/PID/stat) over the window,
  divided by the answers in it. The fake and the respondents run in the parent and are not
  counted.
- **screen calls per answer**: Bot API calls naming the respondent's chat (sendMessage,
  editMessageText, deleteMessages, ...) that each answer caused, counted on the fake from the
  answer to the respondent's next action (she waits for each reply before acting again).
  answerCallbackQuery, the acknowledgement of a tap, names no chat and is counted on its own
  line (per answer, over the window); neither program counts it against the limit.
- **RSS**: VmRSS of the child (/proc/PID/status) in the middle of the 1,000-concurrent
  window, with all 1,000 interviews open.
- **KB stored per completed interview**: {footprint} interviews run to the end; the growth of
  what the program keeps, divided by the completed interviews. Bot: used pages of a copy of
  the database after {pruned}, then VACUUM. Baseline: its pickle file.
- **answers lost on SIGKILL**: 100 respondents each waiting for a reply (so 100 updates in
  flight), `kill -9`, a restart; in-flight replies are awaited, then every answer a respondent
  was shown as accepted is looked up (bot: the database, read with sqlite3, sessions and
  responses; baseline: `user_data` in its pickle, after a clean stop).
- **report / start-up**: wall time of `python -m bot.cli report ID --json` and `--chart
  FILE` (median of 3) over a campaign of 10,000 completed interviews written through the
  storage layer, and of `python -m bot.cli --help` (median of 10).

The bot's pace for one chat (about one message a second, `READINESS_TELEGRAM_CHAT_RATE`) is
off in the benchmark: its respondents answer the instant a question arrives, and with it on
every figure at 1 concurrent would measure only the pace. A person takes longer than a second
per question, so she never meets it.

The baseline (bench/baselines/ptb_conversation.py) is the same preassessment built the way
python-telegram-bot documents a conversation: one `ConversationHandler(persistent=True)`
with a state per question, `PicklePersistence`, `run_polling()`; its screens are simpler
(no language choice, no staircase rating, no review). It uses PTB's `AIORateLimiter` at the same
limit when the bot has one. Both run as child processes against the same loopback fake Bot
API (tests/fakes/bot_api.py), driven by the same simulated respondents
(tests/reliability/swarm.py).
"""


def generated(results: Results, *, warm: float, footprint: int, pruned: str) -> str:
    imports = ""
    if results.cli is not None and results.cli.heavy_imports:
        listed = ", ".join(
            f"{name} {seconds * 1000:.0f} ms" for name, seconds in results.cli.heavy_imports
        )
        imports = (
            "\nHeaviest imports of `bot.cli --help` (`python -X importtime`, cumulative): "
            f"{listed}.\n"
        )
    return (
        f"{BEGIN}\n"
        f"Measured by `make bench` ({results.seconds / 60:.1f} min) on {machine()}.\n"
        "Figures come from a **shared 2-core machine** (another engineer's tests ran beside\n"
        "it): read ratios from the same run, not absolute figures across runs.\n\n"
        f"{markdown(rows(results))}\n{imports}\n"
        f"{MEANINGS.format(warm=warm, footprint=footprint, pruned=pruned)}"
        f"{END}\n"
    )


def write(path: Path, section: str, begin: str = BEGIN, end: str = END) -> None:
    """Replace the part of `path` between `begin` and `end` with `section` (which holds
    them), or add it at the end."""
    text = path.read_text() if path.exists() else TITLE + begin + "\n" + end + "\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1].lstrip("\n")
        text = head + section + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)
