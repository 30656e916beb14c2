"""Micro benchmarks: how long an answer, a redaction and a report take in process, against
same-run baselines. Figures are printed, never asserted: timings do not belong in tests.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bot.channels.telegram.incoming import Incoming
from bot.channels.telegram.outbox import TelegramOutbox
from bot.channels.telegram.presenter import Presenter
from bot.channels.telegram.router import Router
from bot.i18n import shipped_locales, translator
from bot.privacy import Addresses, Sealer, redact, respondent_key
from bot.reports import build_preassessment_report, preassessment_text, readiness_chart
from bot.services.coordinator import Desk, Links
from bot.services.reports import Reports
from bot.services.respondent import Respondents
from bot.services.staff import StaffDesk
from bot.services.submission import Submitter
from bot.services.views import ReportRequest
from bot.storage.db import Store
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


@dataclass
class Engine:
    """The Telegram channel's handling path without Telegram: route, outbox, one commit."""

    store: Store
    router: Router
    outbox: TelegramOutbox
    update: int = 0

    @classmethod
    async def open(cls, path: Path) -> Engine:
        library = default_library()
        secret = b"k" * 32
        addresses = Addresses(secret, Sealer(secret))
        respondents = Respondents(
            library, secret, Submitter(secret), shipped_locales(), timedelta(hours=24)
        )
        desk = Desk(shipped_locales(), Links("bench_bot"))
        router = Router(respondents, desk, addresses, secret, StaffDesk(library, respondents))
        outbox = TelegramOutbox(Presenter(library), addresses)
        return cls(await Store.open(path), router, outbox)

    async def event(self, user: int, **fields: object) -> None:
        self.update += 1
        ev = Incoming(update_id=self.update, chat_id=user, user_id=user, **fields)  # type: ignore[arg-type]
        async with self.store.transaction() as tx:
            effects = await self.router.route(tx, ev)
            await self.outbox.put(tx, ev, effects)

    async def at_community_question(self, user: int, token: str) -> str:
        await self.event(user, kind="command", command="start", args=token)
        session = await self.store.read.sessions.of(respondent_key(b"k" * 32, user))
        assert session is not None
        sid = session.id
        await self.event(user, kind="callback", callback_id="q", callback_data=f"l:{sid}:en")
        await self.event(user, kind="callback", callback_id="q", callback_data=f"c:{sid}:yes")
        for info in ("greeting", "definition", "confidentiality"):
            await self.event(
                user, kind="callback", callback_id="q", callback_data=f"n:{sid}:{info}"
            )
        return sid

    async def answer(self, user: int, sid: str) -> float:
        """Seconds for one accepted answer to "community"; Back (untimed) returns to it."""
        start = time.perf_counter()
        await self.event(user, kind="text", text=ANSWER[:300], text_length=300)
        elapsed = time.perf_counter() - start
        await self.event(user, kind="callback", callback_id="q", callback_data=f"b:{sid}:sector")
        return elapsed


async def bench_answer_commit(directory: Path, answers: int = 200) -> None:
    """An answer handled end to end (flow step + session + outbox, one FULL-sync commit)."""
    engine = await Engine.open(directory / "bench.db")
    async with engine.store.transaction() as tx:
        campaign = await tx.campaigns.create(
            name="Bench", community_type="rural", flow="preassessment"
        )
    sid = await engine.at_community_question(1, campaign.respondent_token)
    samples = [await engine.answer(1, sid) for _ in range(answers)]
    stored = await engine.store.read.sessions.of(respondent_key(b"k" * 32, 1))
    assert stored is not None and ANSWER[:300] in stored.state, "answers must be accepted"
    baseline = []
    async with engine.store.transaction() as tx:
        await tx.info.set("bench", "")
    for index in range(answers):
        start = time.perf_counter()
        async with engine.store.transaction() as tx:
            await tx.info.set("bench", ANSWER[:300] + str(index))
        baseline.append(time.perf_counter() - start)
    await engine.store.close()
    line(
        "answer handled and committed",
        statistics.median(samples),
        "bare UPSERT + FULL commit",
        statistics.median(baseline),
    )


async def bench_answers_beside_a_chart(directory: Path, answers: int = 60) -> None:
    """Answers while a coordinator's chart is drawn: the chart runs in a worker thread and
    reads through the read connection, so answers wait for neither the loop nor the lock."""
    engine = await Engine.open(directory / "beside.db")
    async with engine.store.transaction() as tx:
        campaign = await tx.campaigns.create(
            name="Bench", community_type="rural", flow="preassessment"
        )
        for index, response in enumerate(preassessment_responses() * 25):
            await tx.responses.store(
                campaign_id=campaign.id,
                bank="preassessment",
                bank_version=1,
                locale="en",
                answers=response.answers,
                receipt_digest=f"d{index}",
                completed_on=date(2026, 11, 20),
            )
    sid = await engine.at_community_question(1, campaign.respondent_token)
    reports = Reports(default_library())
    chart = ReportRequest(locale="en", kind="chart", campaign_id=campaign.id)
    await reports.material(engine.store.read, chart)  # matplotlib's import, once
    quiet = [await engine.answer(1, sid) for _ in range(answers)]
    busy: list[float] = []
    drawn = 0
    while len(busy) < answers:
        drawing = asyncio.create_task(reports.material(engine.store.read, chart))
        while not drawing.done() and len(busy) < answers:
            busy.append(await engine.answer(1, sid))
        await drawing
        drawn += 1
    await engine.store.close()
    line(
        f"answer beside {drawn} charts of 200",
        statistics.median(busy),
        "answer, nothing else running",
        statistics.median(quiet),
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
        asyncio.run(bench_answers_beside_a_chart(Path(directory)))
    bench_report()
