"""Bad input on the web: each gets a clear page, and nothing already answered changes.

Oversized posts, unknown and repeated fields, files, forged question ids and values, replayed
forms, a form from an old step, forged or missing cookies, a wrong CSRF token, expired and
closed interviews, guessing codes, and a redirect to another site."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.storage.db import Store
from tests.helpers.bot_harness import new_campaign
from tests.helpers.web_browser import Browser, Page
from tests.helpers.web_harness import RunningWeb, resume_code, running_web, web_settings

pytestmark = pytest.mark.e2e
STALE = "That page was out of date, so it changed nothing."
NOT_OURS = "That form did not come from this page, or it was sent twice"


@pytest.fixture
async def web(tmp_path: Path) -> AsyncIterator[RunningWeb]:
    async with running_web(web_settings(tmp_path)) as running:
        yield running


@pytest.fixture
async def at_question(web: RunningWeb) -> AsyncIterator[tuple[Browser, str]]:
    """A browser on a typed question, with a typed answer and a choice given before it."""
    created = await new_campaign(web.settings)
    async with Browser(web.url) as browser:
        await browser.get(f"/c/{created.campaign.respondent_token}")
        consent = await browser.submit(f"/c/{created.campaign.respondent_token}")
        code = resume_code(consent.text)
        page = await browser.press("action", "agree")
        while page.kind != "text":
            page = await browser.press("action", "continue")
        page = await browser.press("action", "answer", text="Kept words.")
        while page.kind != "text":
            page = await browser.press("value", page.choices()[0])
        yield browser, code


def fields_of(page: Page, name: str = "action", value: str | None = None) -> dict[str, str]:
    return dict(page.form_with(name, value).hidden)


async def unchanged(web: RunningWeb, code: str, before: dict[str, Any]) -> None:
    assert await web.answers(code) == before


async def test_an_oversized_post_is_refused_before_it_is_read(
    web: RunningWeb, at_question: tuple[Browser, str]
) -> None:
    browser, code = at_question
    before = await web.answers(code)
    assert before is not None and "Kept words." in before.values()
    data = [*fields_of(browser.page).items(), ("action", "answer"), ("text", "x" * 200_000)]  # type: ignore[arg-type]
    page = await browser.post("/i", data)
    assert page.status == 413 and "more than this page takes" in page.text
    await unchanged(web, code, before)


async def test_unknown_repeated_and_file_fields_are_not_our_forms(
    web: RunningWeb, at_question: tuple[Browser, str]
) -> None:
    browser, code = at_question
    before = await web.answers(code)
    hidden = list(fields_of(browser.page).items())  # type: ignore[arg-type]
    for extra in ([("admin", "1")], [("session", "again")], [("marker", "x"), ("marker", "y")]):
        page = await browser.post("/i", [*hidden, ("action", "back"), *extra])
        assert page.status == 400 and NOT_OURS in page.text, extra
    upload = aiohttp.FormData()
    for name, value in hidden:
        upload.add_field(name, value)
    upload.add_field("text", b"file body", filename="answer.txt")
    async with browser.session.post(f"{web.url}/i", data=upload) as response:
        assert response.status == 400
    await unchanged(web, code, before)


async def test_a_forged_value_or_question_changes_nothing(
    web: RunningWeb, at_question: tuple[Browser, str]
) -> None:
    browser, code = at_question
    page = await browser.press("action", "answer", text="Second words.")
    before = await web.answers(code)
    hidden = fields_of(page)
    forged = [
        {**hidden, "value": "not-an-option"},
        {**hidden, "edit": "no_such_question"},
        {**hidden, "session": "forged"},
        {**hidden, "marker": "willing"},
        {**hidden, "action": "launch"},
    ]
    for data in forged:
        shown = await browser.post("/i", list(data.items()))
        assert shown.status == 200, data
        assert shown.text.count("Kept words.") == 0  # the page is the current step again
    await unchanged(web, code, before)


async def test_a_replayed_form_and_one_from_an_old_step_are_stale(
    web: RunningWeb, at_question: tuple[Browser, str]
) -> None:
    browser, code = at_question
    old = fields_of(browser.page, "action", "answer")  # type: ignore[arg-type]
    sent = [*old.items(), ("action", "answer"), ("text", "Second words.")]
    await browser.post("/i", sent)
    before = await web.answers(code)
    replayed = await browser.post("/i", sent)
    assert STALE in replayed.text
    back_then = await browser.post("/i", [*old.items(), ("action", "back")])
    assert STALE in back_then.text
    await unchanged(web, code, before)


async def test_no_cookie_a_forged_cookie_or_a_wrong_token_is_refused(
    web: RunningWeb, at_question: tuple[Browser, str]
) -> None:
    browser, code = at_question
    before = await web.answers(code)
    data = [*fields_of(browser.page).items(), ("action", "back")]  # type: ignore[arg-type]
    async with aiohttp.ClientSession() as stranger:
        async with stranger.post(f"{web.url}/i", data=data, allow_redirects=False) as response:
            assert response.status == 403
            assert "allow cookies" in await response.text()
        forged = {"visit": "A" * 200}
        async with stranger.post(
            f"{web.url}/i", data=data, cookies=forged, allow_redirects=False
        ) as response:
            assert response.status == 403
    wrong = [(k, "0" * 32 if k == "csrf" else v) for k, v in data]
    page = await browser.post("/i", wrong)
    assert page.status == 403 and NOT_OURS in page.text
    await unchanged(web, code, before)


async def test_a_too_long_answer_is_shown_back_and_not_stored(
    web: RunningWeb, at_question: tuple[Browser, str]
) -> None:
    browser, code = at_question
    before = await web.answers(code)
    words = "long " * 1000
    page = await browser.press("action", "answer", text=words)
    assert page.status == 422
    assert "Please shorten it" in page.text
    assert page.form_with("action", "answer").textarea_value == words
    await unchanged(web, code, before)


async def test_an_interview_erased_elsewhere_leaves_a_clear_page(
    web: RunningWeb, at_question: tuple[Browser, str]
) -> None:
    browser, code = at_question
    store = await Store.open(web.settings.database)
    try:
        async with store.transaction() as tx:
            await tx.sessions.expire(before=datetime.max.replace(tzinfo=UTC))
    finally:
        await store.close()
    data = [*fields_of(browser.page).items(), ("action", "answer"), ("text", "Late.")]  # type: ignore[arg-type]
    page = await browser.post("/i", data)
    assert "There is no unfinished interview in this browser." in page.text
    assert await web.answers(code) is None


async def test_a_closed_campaign_takes_no_more_answers(web: RunningWeb) -> None:
    created = await new_campaign(web.settings)
    token = created.campaign.respondent_token
    async with Browser(web.url) as browser:
        await browser.get(f"/c/{token}")
        await browser.submit(f"/c/{token}")
        store = await Store.open(web.settings.database)
        try:
            async with store.transaction() as tx:
                await tx.campaigns.set_closed(created.campaign.id, True)
        finally:
            await store.close()
        page = await browser.press("action", "agree")
        assert "This assessment has closed" in page.text
        landing = await browser.get(f"/c/{token}")
        assert landing.status == 410 and "has closed" in landing.text


async def test_an_unknown_link_and_an_unknown_page(web: RunningWeb) -> None:
    async with Browser(web.url) as browser:
        unknown = await browser.get("/c/nothing-here")
        assert unknown.status == 404 and "This link is not valid" in unknown.text
        missing = await browser.get("/admin")
        assert missing.status == 404 and "There is no page here" in missing.text


async def test_codes_cannot_be_guessed_quickly(web: RunningWeb) -> None:
    async with Browser(web.url) as browser:
        await browser.get("/resume")
        statuses = []
        for _ in range(12):
            page = await browser.submit("/resume", {"code": "BCDF-GHJK"})
            statuses.append(page.status)
            await browser.get("/resume")
        assert statuses[:10] == [404] * 10
        assert statuses[10:] == [429, 429]
        assert "Too many tries" in page.text


async def test_the_language_form_never_leads_to_another_site(web: RunningWeb) -> None:
    async with Browser(web.url) as browser:
        await browser.get("/")
        for target in ("https://evil.example/", "//evil.example/", "/\\evil"):
            csrf = browser.page.forms[-1].hidden["csrf"]  # type: ignore[union-attr]
            async with browser.session.post(
                f"{web.url}/language",
                data={"csrf": csrf, "next": target, "locale": "es"},
                allow_redirects=False,
            ) as response:
                assert response.status == 303
                assert response.headers["Location"] == "/i"
        page = await browser.submit("/language", {"locale": "xx"})
        assert page.status == 400
