"""An organisation's capacity checklist, from the campaign link to the coordinator's summary."""

from __future__ import annotations

import re
from pathlib import Path

from questions.loader import default_library
from tests.fakes import FakeBotApi, FakeUser
from tests.helpers.bot_harness import (
    TOKEN,
    new_campaign,
    running_bot,
    settings_for,
    settle,
    tap_data,
)

CHECKLIST = default_library().bank("capacity_checklist")
# Items where Yes is the gap ("Does staff need training ...?") are answered No, the others Yes,
# except these: one Partly, one Not sure and one No among the gaps, and Screening to change.
ANSWERS = {
    "prep_trained": "partly",
    "prep_need_ident": "no",
    "prep_need_other": "not_sure",
    "screen_intake": "no",
    "conf_policies": "no",
}
# Real answers run long: with these the review and the result outgrow one Telegram message.
DETAIL = " We would also like to note the context in detail for the task force." * 4
TEXTS = {
    "role_support": "We run a shelter and a legal clinic." + DETAIL,
    "review_gaps": "No interpreter on night shifts." + DETAIL,
    "plan_goal": "Screen every new client for signs of trafficking." + DETAIL * 2,
    "plan_actions": "Train intake staff and adopt a screening form." + DETAIL * 2,
    "plan_timeline": "By the end of next quarter." + DETAIL * 2,
    "plan_partners": "The county health department and the legal aid office." + DETAIL * 2,
    "plan_next_steps": "Draft the form and book the first training." + DETAIL * 2,
    "plan_resources": "Two days of trainer time and printing." + DETAIL * 2,
}


def _last(user: FakeUser) -> str:
    assert user.last is not None
    return user.last.content


def asked(user: FakeUser) -> str:
    """The id of the question the bot asked last."""
    return next(q.id for q in CHECKLIST.questions if q.prompt[:60] in _last(user))


async def answer_checklist(user: FakeUser) -> None:
    """Answers question after question, as planned above, until the review screen begins."""
    for _ in range(len(CHECKLIST.questions) + 1):
        if "Please review your answers." in _last(user):
            return
        qid = asked(user)
        buttons = [d for _, d in user.buttons() if d]
        if any(d.startswith("n:") for d in buttons):
            user.tap(next(d for d in buttons if d.startswith("n:")))
        elif any(d.startswith("a:") for d in buttons):
            default = "no" if _yes_means_gap(qid) else "yes"
            user.tap(next(d for d in buttons if d.endswith(f":{ANSWERS.get(qid, default)}")))
        else:
            user.send(TEXTS.get(qid, "Some notes." + DETAIL))
        await settle(user)
    raise AssertionError("the checklist did not reach the review screen")


async def review_shown(user: FakeUser) -> None:
    """Until the end of the review (a long review comes in parts)."""
    if "Tap a number" not in _last(user):
        await user.wait_for_message(contains="Tap a number")


def since(user: FakeUser, message_id: int) -> str:
    """Everything the bot said after message ``message_id`` (long replies come in parts)."""
    return "\n".join(m.content for m in user.messages if m.message_id > message_id)


def _yes_means_gap(qid: str) -> bool:
    return CHECKLIST.question(qid).yes_means == "need"


async def test_capacity_checklist_in_english(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        settings = settings_for(api, tmp_path)
        created = await new_campaign(settings, flow="capacity_checklist")
        coordinator = api.user(500, first_name="Coord", language_code="en")
        org = api.user(2001, first_name="Maya", username="maya_shelter", language_code="en")
        async with running_bot(settings):
            coordinator.start(created.coordinator_token)
            await coordinator.wait_for_message(contains="coordinator")

            org.start(created.campaign.respondent_token)
            await org.wait_for_message()
            await tap_data(org, "l:", ":en")
            assert "Before we start" in _last(org)
            await tap_data(org, "c:", ":yes")
            last_question = org.chat.messages[-1].message_id
            await answer_checklist(org)
            await review_shown(org)
            review = since(org, last_question)
            assert "Please review your answers." in review
            for section in CHECKLIST.sections[1:]:
                assert section.title in review, section.id
            assert "No interpreter on night shifts" in review  # answers are previewed

            # From the review, Screening changes from No to Yes; then the review comes back.
            await tap_data(org, "e:", ":screen_intake")
            assert asked(org) == "screen_intake"
            await tap_data(org, "a:", ":screen_intake:yes")
            await review_shown(org)

            submitted = org.keyboard_message().message_id
            await tap_data(org, "S:")
            await org.wait_for_message(contains="Your receipt code")
            content = since(org, submitted)
            assert "Your answers per area (in place / partly / gap / not sure):" in content
            assert "Assess internal preparedness" in content
            # A training need answered "no" is in place: nothing is missing there.
            assert re.search(r"training needs[^\n]*: 1 / 1 / 0 / 1\n", content)
            # There is a task force, so "could one be started?" was never asked.
            assert "incorporated into a current collaborative" not in review
            assert re.search(r"in your organization\.: 1 / 0 / 0 / 0\n", content)  # screening
            assert "3 items to work on:" in content
            for answer in ("(Partly)", "(Not sure)", "(No)"):
                assert answer in content
            assert "Your action plan:" in content
            for qid in ("plan_goal", "plan_actions", "plan_timeline"):
                assert TEXTS[qid] in content
            assert re.search(r"Your receipt code: [B-Z]{4}-[B-Z]{4}-[B-Z]{4}", content)

            summary = await coordinator.wait_for_message(contains="New response")
            # Nothing of this organisation's answers: the moment it arrives could tell who.
            assert "Gap" not in summary.content and "3" not in summary.content.split("\n", 1)[1]
            assert "Completed: 1" in summary.content
            for text in (*TEXTS.values(), "Some notes", "Maya"):
                assert text not in summary.content
        assert not [e for e in api.errors if "too long" in e.description]
