"""The web channel end to end over HTTP, as a browser with JavaScript off uses it: a whole
preassessment and a checklist, back, edit from the review, resume with the code, the
language, and leaving."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.helpers.bot_harness import new_campaign
from tests.helpers.web_browser import Browser, Page, answer_all
from tests.helpers.web_harness import RunningWeb, resume_code, running_web, web_settings

pytestmark = pytest.mark.e2e


@pytest.fixture
async def web(tmp_path: Path) -> AsyncIterator[RunningWeb]:
    async with running_web(web_settings(tmp_path)) as running:
        yield running


async def opened(web: RunningWeb, browser: Browser, flow: str = "preassessment") -> str:
    """Open a new campaign's link and answer here: the privacy page. Returns the campaign."""
    created = await new_campaign(web.settings, flow=flow)
    landing = await browser.get(f"/c/{created.campaign.respondent_token}")
    assert landing.status == 200 and "Riverside County" in landing.text
    await browser.submit(f"/c/{created.campaign.respondent_token}")
    return created.campaign.id


async def to_first_text(browser: Browser) -> Page:
    page = await browser.press("action", "agree")
    while page.kind != "text":
        page = await browser.press("action", "continue")
    return page


async def test_a_whole_preassessment_is_stored_and_its_result_shown(web: RunningWeb) -> None:
    async with Browser(web.url) as browser:
        campaign = await opened(web, browser)
        consent = browser.page
        assert consent is not None and consent.kind == "consent"
        assert "Your code to continue later" in consent.text
        result = await answer_all(browser, words="Our county has a shelter.")
        assert "How you rated your community" in result.text
        assert result.receipt()
    stored = await web.responses(campaign)
    assert len(stored) == 1
    assert "Our county has a shelter." in stored[0].answers.values()


async def test_a_checklist_in_spanish_negotiated_from_the_browser(web: RunningWeb) -> None:
    async with Browser(web.url, language="es-MX,es;q=0.9,en;q=0.5") as browser:
        campaign = await opened(web, browser, flow="capacity_checklist")
        consent = browser.page
        assert consent is not None and consent.lang == "es" and consent.kind == "consent"
        result = await answer_all(browser, words="Tenemos un refugio.")
        assert result.lang == "es"
    assert len(await web.responses(campaign)) == 1


async def test_back_shows_the_answer_given_and_keep_leaves_it(web: RunningWeb) -> None:
    async with Browser(web.url) as browser:
        await opened(web, browser)
        code = resume_code(browser.page.text)  # type: ignore[union-attr]
        await to_first_text(browser)
        await browser.press("action", "answer", text="First words.")
        back = await browser.press("action", "back")
        assert back.kind == "text", back.text
        assert back.form_with("action", "answer").textarea_value == "First words."
        await browser.press("action", "keep")
    answers = await web.answers(code)
    assert answers is not None and "First words." in answers.values()


async def test_an_answer_changed_from_the_review_returns_to_the_review(web: RunningWeb) -> None:
    async with Browser(web.url) as browser:
        await opened(web, browser)
        code = resume_code(browser.page.text)  # type: ignore[union-attr]
        page = browser.page
        assert page is not None
        while page.kind != "review":
            if page.kind == "text":
                page = await browser.press("action", "answer", text="Before.")
            elif page.kind == "choice":
                page = await browser.press("value", page.choices()[0])
            else:
                page = await browser.press(
                    "action", "agree" if page.kind == "consent" else "continue"
                )
        first_text = next(b for f in page.forms for b in f.buttons if b.name == "edit")
        question = await browser.press("edit", first_text.value)
        assert question.kind == "text"
        review = await browser.press("action", "answer", text="After.")
        assert review.kind == "review" and "After." in review.text
        answers = await web.answers(code)
        assert answers is not None and answers[first_text.value] == "After."


async def test_the_code_resumes_in_another_browser_where_she_stopped(web: RunningWeb) -> None:
    async with Browser(web.url) as first:
        await opened(web, first)
        code = resume_code(first.page.text)  # type: ignore[union-attr]
        question = await to_first_text(first)
        marker = question.form_with("action", "answer").hidden["marker"]
    async with Browser(web.url) as second:
        await second.get("/resume")
        resumed = await second.submit("/resume", {"code": code.lower().replace("-", " ")})
        assert resumed.kind == "text", resumed.text
        assert "Welcome back" in resumed.text
        assert resumed.form_with("action", "answer").hidden["marker"] == marker


async def test_the_same_browser_resumes_by_itself(web: RunningWeb) -> None:
    async with Browser(web.url) as browser:
        await opened(web, browser)
        await to_first_text(browser)
        again = await browser.get("/")
        assert again.kind == "text"


async def test_the_language_changes_on_any_page_and_keeps_the_step(web: RunningWeb) -> None:
    async with Browser(web.url) as browser:
        await opened(web, browser)
        question = await to_first_text(browser)
        marker = question.form_with("action", "answer").hidden["marker"]
        spanish = await browser.submit("/language", {"locale": "es"})
        assert spanish.lang == "es" and spanish.kind == "text"
        assert spanish.form_with("action", "answer").hidden["marker"] == marker


async def test_leave_now_forgets_the_visit_and_back_shows_no_answer(web: RunningWeb) -> None:
    async with Browser(web.url) as browser:
        await opened(web, browser)
        await to_first_text(browser)
        await browser.press("action", "answer", text="Words nobody else may see.")
        left = await browser.press_label("Leave now")
        assert left.status == 303
        assert left.headers["Location"] == web.settings.web_exit_url
        assert "cookies" in left.headers["Clear-Site-Data"]
        assert browser.cookie() is None
        back = await browser.get("/i")
        assert "Words nobody else may see." not in back.html
        assert back.kind != "text"


async def test_every_page_is_uncached_and_names_nothing(web: RunningWeb) -> None:
    async with Browser(web.url) as browser:
        await opened(web, browser)
        await answer_all(browser)
        for page in browser.history:
            if page.status == 303:
                continue
            assert page.headers["Cache-Control"] == "no-store", page.url
            assert page.headers["Referrer-Policy"] == "no-referrer"
            assert "default-src 'none'" in page.headers["Content-Security-Policy"]
            assert page.title == "Questionnaire"
            assert "traffick" not in page.title.lower()


async def test_erasing_the_interview_in_progress(web: RunningWeb) -> None:
    async with Browser(web.url) as browser:
        await opened(web, browser)
        code = resume_code(browser.page.text)  # type: ignore[union-attr]
        await to_first_text(browser)
        await browser.press("action", "answer", text="To be erased.")
        await browser.get("/erase")
        erased = await browser.press("action", "open")
        assert "Your answers have been erased." in erased.text
    assert await web.answers(code) is None


async def test_erasing_submitted_answers_with_the_receipt(web: RunningWeb) -> None:
    async with Browser(web.url) as browser:
        campaign = await opened(web, browser)
        receipt = (await answer_all(browser)).receipt()
        await browser.get("/erase")
        done = await browser.press("action", "receipt", fields={"receipt": receipt})
        assert "have been erased" in done.text
    assert await web.responses(campaign) == []
