"""A coordinator runs a whole preassessment round from their phone (Steps 3-5 of the guide)."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import struct
from fractions import Fraction
from pathlib import Path

from bot.i18n import translator
from bot.storage.db import Store
from scoring import assess
from tests.fakes import FakeBotApi, FakeUser
from tests.helpers.bot_harness import (
    TOKEN,
    answer_everything,
    data_of,
    describe_community,
    new_campaign,
    new_invite,
    running_bot,
    settings_for,
    settle,
    tap_data,
)

# Per respondent: (Telegram language, sector/answer pick, own rating of every dimension);
# mean 3.5: level 3, so the decision is to wait.
LEVELS = [4, 4, 4, 5, 2, 3, 3, 3]
RESPONDENTS = [
    (language, pick, level)
    for (language, pick), level in zip(
        [("es", 0), ("es", 0), ("en", 0), ("en", 1), ("en", 1), ("en", 2), ("en", 2), ("en", 2)],
        LEVELS,
        strict=True,
    )
]
SECTORS = [
    "government",
    "government",
    "government",
    "schools",
    "schools",
    "health_center",
    "health_center",
    "health_center",
]


def campaign_id_of(buttons: list[tuple[str, str | None]]) -> str:
    data = next(d for _, d in buttons if d and d.startswith("kw:"))
    return data.split(":")[1]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def set_up_campaign(coordinator: FakeUser, link: str = r"start=([A-Za-z0-9_-]+)") -> str:
    """/new, step by step; returns the respondent link's token (`link` finds it)."""
    await describe_community(coordinator, "pre")
    coordinator.tap(data_of(coordinator, "kn:languages:", ":en"))
    await coordinator.wait_for_edit()
    coordinator.tap(data_of(coordinator, "kn:languages:", ":es"))
    await coordinator.wait_for_edit()
    await tap_data(coordinator, "kn:languages:", "done")
    assert "Español" in coordinator.last.content  # type: ignore[union-attr]
    coordinator.tap(data_of(coordinator, "kn:confirm:", ":yes"))
    created = await coordinator.wait_for_message(contains="is ready")
    qr = await coordinator.wait_for_message()
    assert qr.photo is not None and png_size(qr.photo)[0] > 200
    match = re.search(link, created.content)
    assert match is not None
    return match.group(1)


async def test_a_whole_round_from_set_up_to_export(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        invite = await new_invite(settings)
        other_invite = await new_invite(settings)
        coordinator = api.user(900, first_name="Cora", language_code="en")
        stranger = api.user(901, first_name="Otto", language_code="en")
        async with running_bot(settings):
            coordinator.start(invite)
            await coordinator.wait_for_message(contains="coordinator")
            menu = await api.wait_until(
                lambda: api.commands(scope={"type": "chat", "chat_id": 900})
            )
            assert [c["command"] for c in menu][:2] == ["new", "campaigns"]
            token = await set_up_campaign(coordinator)

            for number, (language, pick, level) in enumerate(RESPONDENTS):
                user = api.user(
                    7000 + number, first_name=f"Zephyrine{number}", language_code=language
                )
                user.start(token)
                await settle(user)
                await tap_data(user, "l:", f":{language}")
                # Before she agrees she is told who asks, about which community.
                assert user.last is not None
                for told in (
                    "Riverside County",
                    "its schools, clinics and shelters",
                    "The Riverside anti-trafficking task force",
                ):
                    assert told in user.last.content, told
                await tap_data(user, "c:", ":yes")
                await answer_everything(
                    user, pick=pick, level=level, text=f"Respondent note {number}"
                )
                await tap_data(user, "S:")
                assert user.last is not None and "1-888-373-7888" in user.last.content
                # A respondent sees her own view, never the community's decision.
                for word in ("decision", "decisión", "proceed", "proceder", "wait.", "esperar"):
                    assert word not in user.last.content.lower(), word

            await api.wait_until(
                lambda: sum("New response" in m.content for m in coordinator.messages) == 8
            )
            summaries = [m.content for m in coordinator.messages if "New response" in m.content]
            # No notice carries one respondent's levels; the campaign's come at 3 and at 6
            # responses only, so no two notices differ by one person's ratings.
            with_levels = [n for n, text in enumerate(summaries, 1) if "Assessment over" in text]
            assert with_levels == [3, 6]
            assert "Assessment over 3 responses" in summaries[2]
            for text in summaries:
                assert "This respondent" not in text and "Level" not in text.split("Assessment")[0]
            reached = [
                m for m in coordinator.messages if "has reached the recommended" in m.content
            ]
            assert len(reached) == 1

            coordinator.send("/report")
            report = await coordinator.wait_for_message(contains="Preassessment report")
            chart = await coordinator.wait_for_message()
            coordinator.tap(
                f"kw:{campaign_id_of(report.buttons())}:A", message_id=report.message_id
            )
            said = await coordinator.wait_for_message(contains="What respondents said")
            coordinator.tap(f"kp:{campaign_id_of(report.buttons())}", message_id=report.message_id)
            every = await coordinator.wait_for_message(contains="Strategy:")
            assert every.content.count("Strategy:") == 7
            assert all(f"Respondent note {n}" in said.content for n in range(8))
            assert "Zephyrine" not in said.content
            coordinator.send("/export")
            csv_message = await coordinator.wait_for_message()
            xlsx_message = await coordinator.wait_for_message()

            # A second coordinator sees nothing of the first one's campaign.
            stranger.start(other_invite)
            await stranger.wait_for_message(contains="coordinator")
            stranger.send("/campaigns")
            assert "no assessments" in (await stranger.wait_for_message()).content
            campaign_id = re.search(r"readiness-([\w-]+)\.csv", csv_message.filename or "")
            assert campaign_id is not None
            for command in ("report", "export", "mute"):
                stranger.send(f"/{command} {campaign_id.group(1)}")
                assert "not found" in (await stranger.wait_for_message()).content
            card = coordinator.messages[-1].message_id
            for action in "rxlcoimuq":
                forged = stranger.tap_data(f"k{action}:{campaign_id.group(1)}", card)
                await api.wait_until(lambda forged=forged: api.answer_to(forged) is not None)
                assert "not found" in str(api.answer_to(forged))
            assert not [m for m in stranger.messages if "Riverside" in m.content]

        expected = assess({d: [Fraction(level) for level in LEVELS] for d in "ABCDEFG"})
        assert expected.overall is not None
        text = report.content
        tr = translator("en")
        for dimension, result in expected.dimensions.items():
            shown = f"{dimension}. " if dimension else ""
            line = next(x for x in text.splitlines() if x.startswith(shown))
            assert f"{tr.number(result.score)} · Level {result.level}" in line
            assert "(8 rated)" in line
        assert (
            f"Overall: {tr.number(expected.overall.score)} · Level {expected.overall.level}" in text
        )
        assert "8 respondents" in text
        assert "wait" in text.lower()
        assert "State or local government (3)" in text
        assert "Community health centers (3)" in text
        assert "Schools (" not in text  # two respondents: never shown with a count
        assert chart.photo is not None and png_size(chart.photo) == (1080, 1350)

        assert csv_message.document is not None and xlsx_message.document is not None
        rows = list(csv.DictReader(io.StringIO(csv_message.document.decode("utf-8-sig"))))
        assert len(rows) == 8
        assert sorted(int(row["level_a"]) for row in rows) == sorted(LEVELS)
        sectors = sorted(row["sector"] for row in rows)
        assert sectors == sorted(s if s != "schools" else "suppressed" for s in SECTORS)
        assert xlsx_message.document[:2] == b"PK"
        with sqlite3.connect(tmp_path / "readiness.db") as db:
            stored = db.execute("SELECT question_id, value FROM answers").fetchall()
        for question in ("level_a", "level_g", "willing", "leaders_concern", "community"):
            from_db = sorted(str(json.loads(v)) for q, v in stored if q == question)
            assert sorted(row[question] for row in rows) == from_db, question
        raw = (tmp_path / "readiness.db").read_bytes()
        assert b"Zephyrine" not in raw


async def complete_one(api: FakeBotApi, user_id: int, token: str) -> FakeUser:
    user = api.user(user_id, first_name="Resp", language_code="en")
    user.start(token)
    await settle(user)
    await tap_data(user, "l:", ":en")
    await tap_data(user, "c:", ":yes")
    await answer_everything(user)
    await tap_data(user, "S:")
    return user


async def test_campaign_card_buttons_mute_close_share_and_co_coordinate(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings, community_type="urban")
        campaign_id = created.campaign.id
        lead = api.user(950, first_name="Lead", language_code="en")
        async with running_bot(settings):
            lead.start(created.coordinator_token)
            await lead.wait_for_message(contains="coordinator")
            lead.send("/campaigns")
            card = await lead.wait_for_message(contains="Riverside County")
            assert "recommended 9-12" in card.content

            lead.tap(f"kl:{campaign_id}")  # link + QR code
            link = await lead.wait_for_message(contains=created.campaign.respondent_token)
            qr = await lead.wait_for_message()
            assert link and qr.photo is not None

            lead.tap(f"ki:{campaign_id}", message_id=card.message_id)
            invite = await lead.wait_for_message(contains="co-coordinator")
            co_token = re.search(r"start=([A-Za-z0-9_-]+)", invite.content)
            assert co_token is not None
            co = api.user(951, first_name="Co", language_code="es")
            co.start(co_token.group(1))
            await co.wait_for_message(contains="Riverside County")

            lead.tap(f"km:{campaign_id}", message_id=card.message_id)
            await lead.wait_for_message(contains="no longer get a message")
            await complete_one(api, 8100, created.campaign.respondent_token)
            await co.wait_for_message(contains="Riverside County")  # the summary, to co only
            assert not [m for m in lead.messages if "New response" in m.content]

            lead.tap(f"kc:{campaign_id}", message_id=card.message_id)
            await lead.wait_for_message(contains="Close “Riverside County”?")
            lead.tap(f"ky:{campaign_id}")
            await lead.wait_for_message(contains="is closed")
            await co.wait_for_message(contains="Riverside County")  # told it was closed
            late = api.user(8101, first_name="Late", language_code="en")
            late.start(created.campaign.respondent_token)
            assert "closed" in (await late.wait_for_message()).content

            lead.send(f"/report {campaign_id}")
            report = await lead.wait_for_message(contains="Preassessment report")
            assert "1 respondent" in report.content  # closing kept the data

            co.send("/campaigns")
            co_card = await co.wait_for_message(contains="Riverside County")
            co.tap(f"kq:{campaign_id}", message_id=co_card.message_id)
            await co.wait_for_message(contains="Riverside County")
            co.send("/campaigns")
            assert "Riverside" not in (await co.wait_for_message()).content


async def test_coordinator_commands_from_a_respondent_get_the_normal_help(
    tmp_path: Path,
) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        await new_campaign(settings)
        someone = api.user(960, first_name="Sam", language_code="en")
        async with running_bot(settings):
            for command in ("/new", "/campaigns", "/report", "/export abc"):
                someone.send(command)
                reply = await someone.wait_for_message()
                assert "1-888-373-7888" in reply.content
                assert "Riverside" not in reply.content


async def test_respondents_are_offered_only_the_campaigns_languages(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        store = await Store.open(settings.database)
        async with store.transaction() as tx:
            campaign = await tx.campaigns.create(
                name="Solo", community_type="rural", flow="preassessment", languages=("es",)
            )
        await store.close()
        user = api.user(970, first_name="Ed", language_code="en")
        async with running_bot(settings):
            user.start(campaign.respondent_token)
            await settle(user)
            assert [d for _, d in user.buttons() if d and d.startswith("l:")] == [
                d for _, d in user.buttons() if d and d.endswith(":es")
            ]
            user.send("/language")
            await settle(user)
            languages = [d for _, d in user.buttons() if d and d.startswith("l:")]
            assert languages and all(d.endswith(":es") for d in languages)
