"""A respondent's whole interview through the real Application and the fake Bot API."""

from __future__ import annotations

from pathlib import Path

from tests.fakes import FakeBotApi
from tests.helpers.bot_harness import (
    TOKEN,
    answer_everything,
    new_campaign,
    running_bot,
    settings_for,
    tap_data,
)


async def test_full_preassessment_in_spanish(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings)
        coordinator = api.user(500, first_name="Coord", language_code="en")
        ana = api.user(
            1001, first_name="Ana", last_name="Ruiz", username="ana_r", language_code="es-MX"
        )
        async with running_bot(settings):
            coordinator.start(created.coordinator_token)
            await coordinator.wait_for_message(contains="coordinator")
            ana.start(created.campaign.respondent_token)
            await ana.wait_for_message()
            await tap_data(ana, "l:", ":es")
            await tap_data(ana, "c:", ":yes")
            await answer_everything(
                ana, text="Ana Ruiz escribe: llame al 415-678-5519 o ana@example.org"
            )
            await tap_data(ana, "S:")
            final = ana.last
            assert final is not None
            assert "Preplanificación" in final.content or "Preparación" in final.content
            summary = await coordinator.wait_for_message(contains="Riverside County")
            assert "Completed: 1" in summary.content
        raw = (tmp_path / "readiness.db").read_bytes()
        for secret in (b"1001", b"Ana", b"ana_r", b"Ruiz", b"415-678-5519", b"ana@example.org"):
            assert secret not in raw, secret
