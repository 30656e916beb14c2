"""The full assessment from first invite to trend, through Telegram (Appendix D and E):
a coordinator sets it up and invites an interviewer, two scorers and a reviewer; the
interviewer records three interviews; each scorer scores them without seeing the other's
scores; differences of a level or more are flagged; agreed scores are entered and confirmed;
the reviewer comments; the coordinator finalises; the scorecard equals Appendix E worked out
here; a second round shows the trend."""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction
from pathlib import Path

from questions.schema import DIMENSION_IDS
from tests.e2e.test_campaign_create import cli, rows
from tests.e2e.test_scorecard_cli import sheet as paper_scorecard
from tests.fakes import FakeBotApi, FakeUser
from tests.helpers.bot_harness import (
    TOKEN,
    answer_everything,
    data_of,
    describe_community,
    new_invite,
    running_bot,
    settings_for,
    settle,
    tap_data,
)

F = Fraction
# Each scorer's scores of the three interviews, dimension by dimension (A-G).
FIRST = [
    [F(4), F(9, 2), F(3), F(5), F(2), F(3), F(4)],
    [F(5), F(5), F(4), F(6), F(3), F(3), F(4)],
    [F(3), F(7, 2), F(3), F(4), F(2), F(5, 2), F(3)],
]
SECOND = [
    [F(4), F(7, 2), F(3), F(5), F(2), F(3), F(4)],  # B a level apart
    [F(5), F(5), F(5), F(6), F(3), F(3), F(4)],  # C a level apart
    [F(3), F(7, 2), F(3), F(4), F(2), F(3), F(3)],  # F half a level apart: not flagged
]
AGREED_B = [F(4), F(5), F(7, 2)]
AGREED_C = [F(3), F(9, 2), F(3)]
AGREED_F = [F(3), F(3), F(3)]


def agreed_scores() -> list[list[Fraction]]:
    """The consensus the scorers reach at their meeting (what the test enters)."""
    agreed = [list(scores) for scores in FIRST]
    for interview in range(3):
        agreed[interview][1] = AGREED_B[interview]
        agreed[interview][2] = AGREED_C[interview]
        agreed[interview][5] = AGREED_F[interview]
    return agreed


def appendix_e(agreed: list[list[Fraction]]) -> tuple[list[int], Fraction, int]:
    """Appendix E by hand: total / interviews per dimension, floored; overall = sum / 7."""
    scores = [sum(column[d] for column in agreed) / len(agreed) for d in range(7)]
    overall = sum(scores, F(0)) / 7
    return [math.floor(s) for s in scores], overall, math.floor(overall)


def shown(score: Fraction) -> str:
    return str(score.numerator) if score.denominator == 1 else f"{float(score):g}"


async def join(user: FakeUser, coordinator: FakeUser, campaign_id: str, role: str) -> None:
    coordinator.tap(f"kI:{campaign_id}:{role[0]}")
    invite = await coordinator.wait_for_message(contains=f"the role of {role}")
    token = re.search(r"start=([A-Za-z0-9_-]+)", invite.content)
    assert token is not None
    user.start(token.group(1))
    await user.wait_for_message(contains=f"with the role of {role}")


async def tap_on_card(user: FakeUser, data: str) -> None:
    """Tap `data` on whichever of her cards shows it (one card per campaign and role)."""
    for _ in range(20):
        for message in reversed(user.chat.visible):
            if any(d == data for _, d in message.buttons()):
                user.tap(data, message.message_id)
                return
        await user.wait_for_message()
    raise AssertionError(f"no card with {data}")


async def record_interview(interviewer: FakeUser, campaign_id: str, note: str) -> str:
    interviewer.send("/work")
    await tap_on_card(interviewer, f"I:{campaign_id}")
    await settle(interviewer)
    await answer_everything(interviewer, text=note)
    interviewer.tap(data_of(interviewer, "S:"))
    recorded = await interviewer.wait_for_message(contains="is recorded")
    label = re.search(r"Interview ([A-Z0-9]{4}) is recorded", recorded.content)
    assert label is not None
    return label.group(1)


async def score_all(scorer: FakeUser, campaign_id: str, labels: list[str], table: list) -> None:
    for label, scores in zip(labels, table, strict=True):
        scorer.tap(f"JO:{campaign_id}:{label}")
        whole = await scorer.wait_for_message(contains=f"Interview {label}")
        assert "note of interview" in whole.content  # the whole interview first
        for dimension, score in zip(DIMENSION_IDS, scores, strict=True):
            sheet = await scorer.wait_for_message(contains="every level below it")
            assert f"· {dimension} ·" in [label for label, _ in scorer.buttons(sheet.message_id)]
            scorer.tap(f"Q:{campaign_id}:{label}:{dimension}:{shown(score)}")
        await scorer.wait_for_message(contains="Your scores of interview")
        scorer.tap(f"JH:{campaign_id}:{label}")
        await scorer.wait_for_message(contains="is handed in")


def toast_said(api: FakeBotApi, words: str) -> bool:
    return any(words in str(c.get("text", "")) for c in api.calls_to("answerCallbackQuery"))


def scorer_saw(user: FakeUser) -> str:
    return "\n".join(message.content for message in user.messages)


async def test_a_full_assessment_round_and_a_second_round(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        invite = await new_invite(settings)
        coordinator = api.user(900, first_name="Cora", language_code="en")
        interviewer = api.user(910, first_name="Ines", language_code="en")
        ana = api.user(911, first_name="Ana", language_code="en")
        ben = api.user(912, first_name="Ben", language_code="en")
        reviewer = api.user(913, first_name="Rae", language_code="en")
        outsider = api.user(914, first_name="Otto", language_code="en")
        async with running_bot(settings):
            coordinator.start(invite)
            await coordinator.wait_for_message(contains="coordinator")
            campaign_id = await set_up_full_assessment(coordinator)
            await join(interviewer, coordinator, campaign_id, "interviewer")
            await join(ana, coordinator, campaign_id, "scorer")
            await join(ben, coordinator, campaign_id, "scorer")
            await join(reviewer, coordinator, campaign_id, "reviewer")

            labels = [
                await record_interview(interviewer, campaign_id, f"note of interview {n}")
                for n in range(3)
            ]
            assert len(set(labels)) == 3

            # Someone without a role sees nothing of it, even with a forged button.
            outsider.send("/work")
            nothing = await outsider.wait_for_message(contains="no interviews to conduct")
            outsider.tap_data(f"JO:{campaign_id}:{labels[0]}", nothing.message_id)
            await api.wait_until(lambda: toast_said(api, "no role in it"))
            assert not any("note of interview" in m.content for m in outsider.messages)

            ana.send("/work")
            await ana.wait_for_message(contains="you are Scorer 1")
            await score_all(ana, campaign_id, labels, FIRST)
            ben.send("/work")
            # Before he hands in, the consensus sheet is refused, and nothing of Ana's shows.
            card = await ben.wait_for_message(contains="scored 0 of 7")
            ben.tap_data(
                f"JA:{campaign_id}:{labels[0]}", card.message_id
            )  # forged: no such button yet
            await api.wait_until(lambda: toast_said(api, "Hand in your scores of every"))
            await score_all(ben, campaign_id, labels, SECOND)
            assert "Scorer 1" not in scorer_saw(ben).split("Interview")[0]
            for message in ben.messages:
                assert "Scorer 1 " not in message.content

            # Ana, who handed in first, is told when the last sheet is in.
            await ana.wait_for_message(contains="Every scorer has handed in every interview")
            # Steps 5-6: side by side, flagged, entered by Ana and confirmed by Ben.
            for index, label in enumerate(labels):
                ana.send("/work")
                await ana.wait_for_message(contains="differences of a level or more")
                ana.tap(f"JA:{campaign_id}:{label}")
                sheet = await ana.wait_for_message(contains="agreeing the scores")
                flagged = {d for d in DIMENSION_IDS if f"⚠️ <b>{d}</b>" in sheet.content}
                flagged |= {d for d in DIMENSION_IDS if f"⚠️ {d}:" in sheet.content}
                expected = {
                    d
                    for d, a, b in zip(DIMENSION_IDS, FIRST[index], SECOND[index], strict=True)
                    if abs(a - b) >= 1
                }
                assert flagged == expected, (label, sheet.content)
                ana.tap(f"JM:{campaign_id}:{label}")
                await ana.wait_for_message(contains="agreeing the scores")
                for dimension, agreed in (
                    ("B", AGREED_B[index]),
                    ("C", AGREED_C[index]),
                    ("F", AGREED_F[index]),
                ):
                    if (
                        FIRST[index]["ABCDEFG".index(dimension)]
                        != SECOND[index]["ABCDEFG".index(dimension)]
                    ):
                        sheet_id = ana.keyboard_message().message_id
                        ana.tap(f"G:{campaign_id}:{label}:{dimension}")
                        await ana.wait_for_edit("Tap the score you agreed on", sheet_id)
                        ana.tap(f"G:{campaign_id}:{label}:{dimension}:{shown(agreed)}")
                        await ana.wait_for_message(contains="agreeing the scores")
                    elif agreed != FIRST[index]["ABCDEFG".index(dimension)]:
                        raise AssertionError(
                            "the test's consensus must differ only where scores do"
                        )
                await ben.wait_for_message(contains=f"interview {label} of “Riverside County” wait")
                ben.send("/work")
                await ben.wait_for_message(contains="to confirm")
                ben.tap(f"JA:{campaign_id}:{label}")
                await ben.wait_for_message(contains="waiting for you to confirm")
                ben.tap(f"JC:{campaign_id}:{label}")
                confirmed = await ben.wait_for_message(contains="agreeing the scores")
                assert confirmed.content.count("✓") == 7

            # Step 7: the reviewer, told the scores are ready, reads and comments.
            await reviewer.wait_for_message(contains="ready for the reviewer's comments")
            reviewer.send("/work")
            await reviewer.wait_for_message(contains="you are Reviewer 1")
            reviewer.tap(f"JR:{campaign_id}:{labels[0]}")
            read = await reviewer.wait_for_message(contains="Proposed agreed scores")
            assert "note of interview" in scorer_saw(reviewer) and "agreed" in read.content.lower()
            reviewer.tap(f"R:{campaign_id}:all")
            await reviewer.wait_for_message(contains="Type your comment")
            reviewer.send("Leadership scores read a little high against the interviews.")
            await reviewer.wait_for_message(contains="comment is saved")
            await coordinator.wait_for_message(contains="The reviewer has commented")

            # Steps 8-10: focus, finalise; the scorecard is Appendix E.
            coordinator.tap(f"ks:{campaign_id}")
            await coordinator.wait_for_message(contains="Scores of")
            coordinator.tap(f"kF:{campaign_id}:ph")
            await coordinator.wait_for_message(contains="Scores of")
            coordinator.tap(f"ke:{campaign_id}")
            await coordinator.wait_for_message(contains="Type your comment on the scores")
            coordinator.send("Efforts here grew out of the clinics' screening work.")
            await coordinator.wait_for_message(contains="Your comment is saved")
            pressed = coordinator.keyboard_message().message_id
            coordinator.tap(f"kf:{campaign_id}")
            final = await coordinator.wait_for_message(contains="are final")
            await coordinator.wait_for_edit(message_id=pressed)
            assert not coordinator.chat.message(pressed).buttons()  # no second Finalise
            levels, overall, level = appendix_e(agreed_scores())
            assert f"overall {float(overall):.2f}, level {level}" in final.content

        printed = await cli(tmp_path, "scorecard", campaign_id, "--json")
        assert printed.returncode == 0, printed.err
        card = json.loads(printed.out)
        assert [d["level"] for d in card["dimensions"]] == levels
        assert card["overall"]["level"] == level and card["finalised"]
        assert len(card["flagged"]) == 2  # B of one interview, C of another
        assert card["focus"] == "public_health"
        # Written within the same second, the two comments may list either way round.
        assert sorted(c["role"] for c in card["comments"]) == ["coordinator", "reviewer"]

        # Step 7 of the process: a second round, same team, new interviews; this time the
        # scorers score on paper and the operator imports their scorecards.
        async with running_bot(settings):
            coordinator.send("/campaigns")
            await tap_on_card(coordinator, f"ks:{campaign_id}")
            await coordinator.wait_for_message(contains="Final: the scores are locked")
            coordinator.tap(f"kg:{campaign_id}")
            await coordinator.wait_for_message(contains="new round")
            ((second,),) = rows(
                tmp_path, f"SELECT id FROM campaigns WHERE previous_id = '{campaign_id}'"
            )
            second_id = str(second)
            later = [
                await record_interview(interviewer, second_id, f"note of round 2, {n}")
                for n in range(2)
            ]
            raised = {
                d: (str(lv + 1), str(lv + 1)) for d, lv in zip(DIMENSION_IDS, levels, strict=True)
            }
            for scorer in ("Scorer 1", "Scorer 2"):
                paper = tmp_path / f"{scorer}.csv"
                paper.write_text(paper_scorecard("Independent Scorecard", scorer, later, raised))
                ran = await cli(
                    tmp_path, "scorecard", "import", second_id, "--scorer", scorer, str(paper)
                )
                assert ran.returncode == 0, ran.err
            agreed = tmp_path / "combined.csv"
            agreed.write_text(paper_scorecard("Combined Scorecard", "Scorer 1", later, raised))
            ran = await cli(tmp_path, "scorecard", "consensus", second_id, str(agreed))
            assert ran.returncode == 0, ran.err
            reviewer.send("/work")
            await tap_on_card(reviewer, f"R:{second_id}:all")
            await reviewer.wait_for_message(contains="Type your comment")
            reviewer.send("The second round reads consistently with the interviews.")
            await reviewer.wait_for_message(contains="comment is saved")
            coordinator.send("/campaigns")
            await tap_on_card(coordinator, f"ks:{second_id}")
            await coordinator.wait_for_message(contains="Round 2 of this assessment")
            coordinator.tap(f"kf:{second_id}")
            await coordinator.wait_for_message(contains="are final")
            coordinator.send("/campaigns")
            await tap_on_card(coordinator, f"kr:{second_id}")
            trend = await coordinator.wait_for_message(contains="Readiness over the rounds")
            assert "Round 1" in trend.content and "Round 2" in trend.content
            for dimension, before in zip(DIMENSION_IDS, levels, strict=True):
                assert f"{dimension}. " in trend.content
                assert f": {before} → {before + 1} (+1)" in trend.content
            assert f"Overall: {level} → " in trend.content
            chart = await coordinator.wait_for_message(contains="over the rounds of re-assessment")
            assert chart.photo is not None and chart.photo[:8] == b"\x89PNG\r\n\x1a\n"


async def set_up_full_assessment(coordinator: FakeUser) -> str:
    await describe_community(coordinator, "full")
    await tap_data(coordinator, "kn:languages:", "done")
    coordinator.tap(data_of(coordinator, "kn:confirm:", ":yes"))
    await coordinator.wait_for_message(contains="is ready")
    team = await coordinator.wait_for_message(contains="The team of")
    assert "start=" not in team.content  # interviewers conduct it: no respondent link
    return data_of(coordinator, "kI:").split(":")[1]
