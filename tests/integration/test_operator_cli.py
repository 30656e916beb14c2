"""The operator's command line against a real database: campaigns, invites, reports, exports."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from bot.cli import main
from bot.services.coordinator import invite_digest
from bot.storage.db import Store
from tests.helpers.report_samples import preassessment_answers


async def seed(database: Path, responses: int) -> str:
    store = await Store.open(database)
    try:
        async with store.transaction() as tx:
            await tx.info.set("username", "readiness_test_bot")
            campaign = await tx.campaigns.create(
                name="Lakeside", community_type="rural", flow="preassessment"
            )
            for index in range(responses):
                await tx.responses.store(
                    campaign_id=campaign.id,
                    bank="preassessment",
                    bank_version=1,
                    locale="en",
                    answers=preassessment_answers(index),
                    receipt_digest=f"digest-{index}",
                    completed_on=date(2026, 11, 20),
                )
        return campaign.id
    finally:
        await store.close()


@pytest.fixture
def campaign_id(tmp_path: Path) -> str:
    return asyncio.run(seed(tmp_path / "readiness.db", responses=8))


def test_campaign_create_prints_links_from_the_remembered_username(
    campaign_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["campaign", "create", "--name", "Hill Valley", "--community-type", "urban", "--json"])
        == 0
    )
    created = json.loads(capsys.readouterr().out)
    assert created["respondent_link"].startswith("https://t.me/readiness_test_bot?start=")
    token = created["respondent_link"].rsplit("=", 1)[1]
    assert len(token) >= 22 and set(token) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    )
    assert main(["campaign", "list", "--json"]) == 0
    names = [c["name"] for c in json.loads(capsys.readouterr().out)]
    assert sorted(names) == ["Hill Valley", "Lakeside"]


def test_report_json_has_the_documented_shape_and_writes_a_chart(
    campaign_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = tmp_path / "chart.png"
    assert main(["report", campaign_id, "--json", "--chart", str(chart)]) == 0
    report = json.loads(capsys.readouterr().out)
    for key in (
        "campaign",
        "respondents",
        "recommended",
        "provisional",
        "dimensions",
        "overall",
        "decision",
        "priorities",
        "sectors",
        "willing",
        "ratings",
    ):
        assert key in report
    assert report["respondents"] == 8 and report["recommended"] == [6, 8]
    assert report["provisional"] is False
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_text_is_plain(campaign_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", campaign_id]) == 0
    out = capsys.readouterr().out
    assert "Preassessment report: Lakeside" in out and "<b>" not in out


def test_export_csv_and_xlsx(
    campaign_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", campaign_id, "--format", "csv", "-o", str(tmp_path / "a.csv")]) == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "a.csv").read_text("utf-8-sig"))))
    assert len(rows) == 8 and {row["completed_on"] for row in rows} == {"2026-11-20"}
    assert main(["export", campaign_id, "--format", "xlsx", "-o", str(tmp_path / "a.xlsx")]) == 0
    workbook = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert workbook.sheetnames == ["Responses", "Data dictionary", "Campaign"]


def test_unknown_campaign_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], campaign_id: str
) -> None:
    assert main(["report", "nope"]) == 1
    assert capsys.readouterr().err.strip().startswith("readiness-bot: no campaign 'nope'")


def test_coordinator_invite_and_remove(
    campaign_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["coordinator", "invite"]) == 0
    assert capsys.readouterr().out.startswith("https://t.me/readiness_test_bot?start=")
    assert main(["coordinator", "remove", "12345"]) == 2


def test_links_need_a_token_or_a_remembered_username(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["coordinator", "invite"]) == 1
    assert "READINESS_TELEGRAM_TOKEN" in capsys.readouterr().err


def test_a_configured_username_gives_links_without_a_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("READINESS_BOT_USERNAME", "@riverside_readiness_bot")
    assert main(["campaign", "create", "--name", "Hill Valley", "--community-type", "urban"]) == 0
    out = capsys.readouterr().out
    assert (
        "Respondent link (share with key respondents): https://t.me/riverside_readiness_bot?start="
        in out
    )
    assert "readiness-bot console --flow preassessment --campaign" in out
    assert "No Telegram links" not in out


def test_a_coordinator_invite_for_one_campaign_joins_its_coordinators(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["campaign", "create", "--name", "Offline", "--community-type", "rural", "--json"])
        == 0
    )
    created = json.loads(capsys.readouterr().out)
    assert created["coordinator_link"] is None
    assert main(["coordinator", "invite", "--campaign", created["id"]]) == 1
    assert "READINESS_BOT_USERNAME" in capsys.readouterr().err  # what would make the link

    monkeypatch.setenv("READINESS_BOT_USERNAME", "riverside_readiness_bot")
    assert main(["coordinator", "invite", "--campaign", created["id"]]) == 0
    token = capsys.readouterr().out.strip().rsplit("start=", 1)[1]
    assert asyncio.run(invited_to(tmp_path / "readiness.db", token)) == created["id"]
    assert main(["coordinator", "invite", "--campaign", "0000aaaa"]) == 1
    assert "no campaign '0000aaaa'" in capsys.readouterr().err


async def invited_to(database: Path, token: str) -> str | None:
    store = await Store.open(database)
    try:
        async with store.transaction() as tx:
            used = await tx.invites.use(invite_digest(token))
    finally:
        await store.close()
    assert used is not None
    return used.campaign_id
