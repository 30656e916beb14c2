"""The nine scenarios of the reliability campaign as one plan of table rows, at two sizes.

Scenarios 1-5 and storage measure answers with a swarm (tests/reliability/scenarios.py,
database_faults.py); 6-9 measure other things (fuzz.py, access.py, privacy_audit.py,
operations.py), and their figures become rows here: a column a scenario does not measure is
None (shown as "—"), never a zero.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tests.reliability import access, database_faults, fuzz, operations, privacy_audit, scenarios
from tests.reliability.rows import Cells, Row
from tests.reliability.verify import Figures


@dataclass(frozen=True)
class Sizes:
    kill_runs: int
    kill_respondents: int
    parallel: int
    restart_runs: int
    respondents: int  # redelivery, Telegram and database faults
    load_respondents: int
    load_duration: float
    load_think: tuple[float, float]
    fuzz_updates: int
    access_attempts: int
    privacy: str  # "quick" or "long"
    operations: str
    storage_interviews: int
    disk_retries: int
    """Scenario 4: the disk stays full until a loop of the bot has met it this often."""


LONG = Sizes(
    kill_runs=50,
    kill_respondents=20,
    parallel=5,
    restart_runs=10,
    respondents=5,
    load_respondents=500,
    load_duration=300.0,
    load_think=(0.5, 5.0),
    fuzz_updates=5000,
    access_attempts=3000,
    privacy="long",
    operations="long",
    storage_interviews=50,
    disk_retries=4,
)
QUICK = Sizes(
    kill_runs=3,
    kill_respondents=5,
    parallel=3,
    restart_runs=2,
    respondents=3,
    load_respondents=50,
    load_duration=20.0,
    load_think=(0.2, 2.0),
    fuzz_updates=600,
    access_attempts=300,
    privacy="quick",
    operations="quick",
    storage_interviews=10,
    disk_retries=2,
)


@dataclass(frozen=True)
class Step:
    """One scenario of the plan: its number in the issue, its name, how to run it."""

    number: str
    name: str
    run: Callable[[], Awaitable[list[Row]]]


NAMES = (
    "kill",
    "restart",
    "redelivery",
    "telegram_faults",
    "database_faults",
    "load",
    "fuzz",
    "access",
    "privacy",
    "operations",
    "storage",
)
ALIASES = {"faults": "telegram_faults", "database": "database_faults", "privacy_audit": "privacy"}


def plan(sizes: Sizes, seed: int) -> list[Step]:
    async def kill() -> list[Row]:
        row = await scenarios.kill(
            sizes.kill_runs, sizes.kill_respondents, parallel=sizes.parallel, seed=seed
        )
        return [row]

    async def restart() -> list[Row]:
        row = await scenarios.restart(
            sizes.restart_runs, sizes.kill_respondents, parallel=sizes.parallel, seed=seed
        )
        return [row]

    async def redelivery() -> list[Row]:
        return [await scenarios.redelivery(sizes.respondents, seed=seed + 1)]

    async def telegram_faults() -> list[Row]:
        return await scenarios.telegram_faults(sizes.respondents, seed=seed + 2)

    async def database() -> list[Row]:
        return await database_faults.database_faults(
            sizes.respondents, seed=seed + 3, met=sizes.disk_retries
        )

    async def load() -> list[Row]:
        row = await scenarios.load(
            sizes.load_respondents,
            duration=sizes.load_duration,
            think=sizes.load_think,
            seed=seed + 4,
        )
        return [row]

    async def fuzzing() -> list[Row]:
        return [fuzz_row(await fuzz.exercise(size=sizes.fuzz_updates, seed=seed + 5))]

    async def attempts() -> list[Row]:
        return [access_row(await access.exercise(size=sizes.access_attempts, seed=seed + 6))]

    async def privacy() -> list[Row]:
        return [privacy_row(await privacy_audit.run(size=sizes.privacy))]

    async def operating() -> list[Row]:
        return [operations_row(await operations.run(size=sizes.operations))]

    async def storage() -> list[Row]:
        return [await scenarios.storage_cost(sizes.storage_interviews, seed=seed + 7)]

    return [
        Step("1", "kill", kill),
        Step("1", "restart", restart),
        Step("2", "redelivery", redelivery),
        Step("3", "telegram_faults", telegram_faults),
        Step("4", "database_faults", database),
        Step("5", "load", load),
        Step("6", "fuzz", fuzzing),
        Step("7", "access", attempts),
        Step("8", "privacy", privacy),
        Step("9", "operations", operating),
        Step("", "storage", storage),
    ]


# --- the helpers' figures as rows ------------------------------------------------------------


def _scalars(figures: dict[str, object], *leave_out: str) -> dict[str, str]:
    """The figures a helper returns that read as one value, for the scenario's section."""
    return {
        name: _scalar(value)
        for name, value in figures.items()
        if name not in ("scenario", *leave_out) and not isinstance(value, dict | list)
    }


def _scalar(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def fuzz_row(report: fuzz.Report) -> Row:
    figures = report.figures()
    checks = {
        "no ERROR log, no unhandled exception, no dead letter": not report.errors,
        "every button press answered": report.unanswered == 0,
        "no update the bot must ignore changed a stored row": not report.changes,
        "no request Telegram would refuse": not report.bad_requests,
        "everyone gets an answer to a last /start": not report.silent_at_end,
        "the bot stayed up": report.bot_alive,
        "every real command tried in every stage": all(report.stages[s] for s in fuzz.STAGES),
    }
    cells = Cells(runs=f"{report.updates:,} updates", errors=len(report.errors))
    extra = _scalars(figures)
    extra["updates by kind"] = ", ".join(f"{k} {n}" for k, n in report.kinds.most_common())
    return Row(
        "fuzz",
        Figures(),
        checks,
        extra,
        report.problems[:20],
        report.seconds,
        cells=cells,
        summary=f"seed {report.seed}; {report.checked:,} updates checked to change nothing",
    )


def access_row(report: access.Report) -> Row:
    figures = report.figures()
    breaches = sum(len(found) for found in report.breaches.values())
    checks = {
        "no ERROR log": not report.errors,
        "every refusal reads as a missing campaign's (or session's)": not report.differences,
        "no attempt changed a stored row": not report.changes,
        "nothing of a campaign reached anyone but its coordinators": not report.disclosures,
        "no way in (breaches)": breaches == 0,
        "the campaign's own people saw nothing of the attacks": not report.victims_disturbed,
    }
    cells = Cells(runs=f"{report.attempts:,} attempts", errors=len(report.errors))
    return Row(
        "access",
        Figures(),
        checks,
        _scalars(figures),
        report.problems()[:20],
        report.seconds,
        cells=cells,
        summary=f"seed {report.seed}; breaches {breaches}, disclosures {len(report.disclosures)}",
    )


def _checks(figures: dict[str, object]) -> dict[str, bool]:
    checks = figures["checks"]
    assert isinstance(checks, dict)
    return {str(name): bool(ok) for name, ok in checks.items()}


def _findings(figures: dict[str, object]) -> list[str]:
    findings = figures.get("findings") or []
    assert isinstance(findings, list)
    return [str(f) for f in findings]


def _seconds(figures: dict[str, object]) -> float:
    value = figures.get("elapsed s", 0.0)
    return float(value) if isinstance(value, int | float) else 0.0


def privacy_row(figures: dict[str, object]) -> Row:
    findings = _findings(figures)
    left = figures.get("own messages left after /exit")
    notes = findings[:20]
    if left:
        # DESIGN.md promises it; tests/e2e/test_privacy_audit.py holds it as a strict xfail.
        notes.append(
            f"known gap: after /exit {left} of the respondents' own messages stay in their "
            "chats (quick exit deletes only the bot's messages; DESIGN.md promises both)"
        )
    return Row(
        "privacy audit",
        Figures(),
        _checks(figures),
        _scalars(figures, "passed", "elapsed s"),
        notes,
        _seconds(figures),
        cells=Cells(runs=f"{figures['respondents']} respondents"),
        summary=f"leaks {figures['leaks']} in {figures['bytes searched']:,} bytes",
    )


def operations_row(figures: dict[str, object]) -> Row:
    return Row(
        "operations",
        Figures(),
        _checks(figures),
        _scalars(figures, "passed", "elapsed s"),
        _findings(figures)[:20],
        _seconds(figures),
        cells=Cells(runs=f"1 backup + {figures['doctor cases']} doctor cases"),
        summary=f"backup of {figures['backup bytes']:,} bytes in {figures['backup s']} s "
        f"while {figures['replies during the backup']} replies went out",
    )
