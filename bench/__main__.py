"""`make bench`: how long an answer, a redaction and a report take, against same-run baselines.

Figures are printed, never asserted: timings do not belong in pass/fail tests.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bot.i18n import translator
from bot.inbound import Incoming
from bot.privacy import Sealer, redact, respondent_key
from bot.reports import build_preassessment_report, preassessment_text, readiness_chart
from bot.storage import repos
from bot.storage.db import Database
from bot.telegram.journey import Journey
from questions.loader import default_library
from scoring import assess, combine_respondents, scores_from_ratings
from tests.helpers.report_samples import CAMPAIGN, preassessment_responses

ANSWER = (
    "Our county has a shelter and two clinics; write to help@example.org or call "
    "(415) 678-5519. Outreach reaches schools but not farm workers. "
) * 14


def timed(work: Callable[[], object], repeat: int) -> float:
    """Median seconds of `repeat` runs."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def line(name: str, seconds: float, baseline_name: str, baseline: float) -> None:
    print(
        f"{name:<38} {seconds * 1000:8.3f} ms   {baseline_name:<28} "
        f"{baseline * 1000:8.3f} ms   ×{seconds / baseline:6.1f}"
    )


def bench_redaction() -> None:
    text = ANSWER[:2000]
    email = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
    line(
        "redact 2,000 characters",
        timed(lambda: redact(text, names=("Ana", "Ruiz")), 200),
        "one e-mail regex pass",
        timed(lambda: email.sub("[email]", text), 200),
    )


async def bench_answer_commit(directory: Path, answers: int = 200) -> None:
    """An answer handled end to end (flow step + session + outbox, one FULL-sync commit)."""
    library = default_library()
    secret = b"k" * 32
    database = await Database.open(directory / "bench.db")
    journey = Journey(
        library=library, secret=secret, sealer=Sealer(secret), reminder_after=timedelta(hours=24)
    )
    async with database.transaction() as db:
        campaign = await repos.create_campaign(
            db, name="Bench", community_type="rural", flow="preassessment"
        )
    user = 1
    update = 0

    async def event(**fields: object) -> None:
        nonlocal update
        update += 1
        async with database.transaction() as db:
            await journey.handle(
                db, Incoming(update_id=update, chat_id=user, user_id=user, **fields)
            )  # type: ignore[arg-type]

    await event(kind="command", command="start", args=campaign.respondent_token)
    session = await repos.session_of(database.connection, respondent_key(secret, user))
    assert session is not None
    sid = session.id
    await event(kind="callback", callback_id="q", callback_data=f"l:{sid}:en")
    await event(kind="callback", callback_id="q", callback_data=f"c:{sid}:yes")
    for info in ("greeting", "definition", "confidentiality"):
        await event(kind="callback", callback_id="q", callback_data=f"n:{sid}:{info}")
    samples = []
    for _ in range(answers):
        # The timed event is an accepted answer to "community"; Back (untimed) returns to it.
        start = time.perf_counter()
        await event(kind="text", text=ANSWER[:300], text_length=300)
        samples.append(time.perf_counter() - start)
        await event(kind="callback", callback_id="q", callback_data=f"b:{sid}:sector")
    stored = await repos.session_of(database.connection, respondent_key(secret, user))
    assert stored is not None and ANSWER[:300] in stored.state, "answers must be accepted"
    baseline = []
    await database.connection.execute("CREATE TABLE bench (value TEXT)")
    for _ in range(answers):
        start = time.perf_counter()
        async with database.transaction() as db:
            await db.execute("INSERT INTO bench VALUES (?)", (ANSWER[:300],))
        baseline.append(time.perf_counter() - start)
    await database.close()
    line(
        "answer handled and committed",
        statistics.median(samples),
        "bare INSERT + FULL commit",
        statistics.median(baseline),
    )


def bench_report() -> None:
    library = default_library()
    responses = preassessment_responses() * 25  # 200 respondents
    tr = translator("en")

    def report() -> None:
        built = build_preassessment_report(CAMPAIGN, responses, library)
        preassessment_text(built, library, tr)

    bank = library.bank("preassessment")

    def scoring_only() -> None:
        from bot.results import ratings_of

        assess(
            combine_respondents(scores_from_ratings(ratings_of(bank, r.answers)) for r in responses)
        )

    line(
        "report of 200 respondents (text)",
        timed(report, 20),
        "scoring alone",
        timed(scoring_only, 20),
    )
    built = build_preassessment_report(CAMPAIGN, responses, library)
    readiness_chart(built, library, tr)  # first call pays matplotlib's import
    line(
        "chart PNG (1080x1350)",
        timed(lambda: readiness_chart(built, library, tr), 5),
        "report text",
        timed(lambda: preassessment_text(built, library, tr), 5),
    )


def main() -> None:
    print(f"{'measure':<38} {'median':>11}   {'baseline':<28} {'median':>11}   ratio")
    bench_redaction()
    with tempfile.TemporaryDirectory() as directory:
        asyncio.run(bench_answer_commit(Path(directory)))
    bench_report()


if __name__ == "__main__":
    main()
