"""Scenario 7, quick form: every way into a campaign that is not one's own, once (see
tests/reliability/access.py; `make reliability` runs the long form)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.fakes import FakeBotApi
from tests.helpers.bot_harness import (
    TOKEN,
    new_campaign,
    running_bot,
    settings_for,
    settle,
)
from tests.helpers.watch import Watch
from tests.reliability import access


async def test_nobody_reaches_a_campaign_that_is_not_theirs(tmp_path: Path) -> None:
    seed = os.environ.get("READINESS_ACCESS_SEED")
    report = await access.exercise(size=300, seed=int(seed) if seed else None, workdir=tmp_path)
    figures = report.figures()
    problems = report.problems(known=False)
    assert not problems, f"seed {report.seed}: {figures}\n" + "\n".join(problems[:30])
    assert report.compared >= 300, figures


def coordinates(watch: Watch, campaign_id: str, telegram_id: int) -> bool:
    row = watch.one(
        "SELECT 1 FROM campaign_coordinators cc JOIN coordinators k USING (telegram_id)"
        " WHERE cc.campaign_id = ? AND cc.telegram_id = ? AND k.removed_at IS NULL",
        (campaign_id, telegram_id),
    )
    return row is not None


async def test_an_invite_dies_with_its_inviters_access(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        cid = created.campaign.id
        lead = api.user(800, first_name="Lead", language_code="en")
        stranger = api.user(6001, first_name="Sam", language_code="en")
        async with running_bot(settings) as running:
            watch = await Watch.attach(api, running)
            try:
                lead.start(created.coordinator_token)
                await lead.wait_for_message(contains="coordinator")
                lead.tap_data(f"ki:{cid}", 1)
                invite = await lead.wait_for_message(contains="co-coordinator")
                token = invite.content.split("start=", 1)[1].split()[0]
                # The operator takes the lead's access away (`readiness-bot coordinator remove`).
                async with watch.bot.store.transaction() as tx:
                    await tx.coordinators.remove(lead.id, None)
                stranger.start(token)
                await settle(stranger)
                assert not coordinates(watch, cid, stranger.id)
                assert "Riverside" not in (stranger.last.content if stranger.last else "")
            finally:
                watch.close()
