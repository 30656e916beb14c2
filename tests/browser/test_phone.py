"""The web channel in real headless Chromium on a 360x740 phone screen: whole interviews in
English (JavaScript on, axe-core's accessibility checks on every kind of page) and Spanish
(JavaScript off), back, edit from the review, resume with the code, and Leave now (Back shows
no answer afterwards, and the browser's files hold none)."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import NEUTRAL, Site, chromium
from tests.browser.phone import Phone
from tests.helpers.bot_harness import new_campaign
from tests.helpers.web_harness import CODE

pytestmark = pytest.mark.e2e


def campaign_link(site: Site, flow: str = "preassessment") -> str:
    created = asyncio.run(new_campaign(site.settings, flow=flow))
    return f"/c/{created.campaign.respondent_token}"


@pytest.fixture
def phone(site: Site) -> Iterator[Phone]:
    driver = chromium()
    try:
        yield Phone(driver, site.url)
    finally:
        driver.quit()


def begin(phone: Phone, link: str) -> str:
    """Open the link, answer here; the privacy page's resume code."""
    phone.open(link)
    phone.audit("landing")
    phone.click(phone.css("main form button")[0])
    found = CODE.search(phone.text())
    assert found, phone.text()
    return found.group(0)


def test_a_whole_preassessment_passes_the_accessibility_checks(site: Site, phone: Phone) -> None:
    begin(phone, campaign_link(site))
    phone.answer_all(audit=True)
    assert "How you rated your community" in phone.text()
    phone.audit("result")
    for path, kind in (("/resume", "resume"), ("/erase", "erase"), ("/", "home")):
        phone.open(path)
        phone.audit(kind)
    assert {"landing", "consent", "text", "choice", "review", "result"} <= set(phone.checked)
    assert not any(phone.checked.values()), phone.violations()


def test_a_checklist_in_spanish_with_javascript_off_back_and_an_edit(site: Site) -> None:
    """The one full run with JavaScript off: every page is a plain form."""
    driver = chromium(language="es", javascript=False)
    phone = Phone(driver, site.url, scripts=False)
    try:
        begin(phone, campaign_link(site, "capacity_checklist"))
        assert 'lang="es"' in driver.page_source
        phone.press("action", "agree")
        while phone.kind not in ("choice", "text"):
            phone.answer_one("Sí.")
        first = phone.text()
        phone.answer_one("Sí.")
        phone.press("action", "back")
        assert phone.text().split("\n")[:6] == first.split("\n")[:6]
        while phone.kind != "review":
            phone.answer_one("Tenemos un refugio.")
        phone.click(phone.css('button[name="edit"]')[0])
        assert phone.kind in ("choice", "text", "multi")
        phone.answer_one("Cambiado.")
        assert phone.kind == "review"
        phone.press("action", "submit")
        assert "recibo" in phone.text()
        phone.press_text("Salir ahora")  # the plain form: a redirect to the neutral site
        _wait_for(lambda: NEUTRAL in driver.page_source)
    finally:
        driver.quit()


def test_the_code_resumes_the_interview_in_another_browser(site: Site, phone: Phone) -> None:
    code = begin(phone, campaign_link(site))
    while phone.kind != "text":
        phone.answer_one("")
    question = phone.css("legend")[0].text
    other = Phone(chromium(), site.url)
    try:
        other.open("/resume")
        other.type(code.lower(), "#code")
        other.press_text("Continue")
        assert other.css("legend")[0].text == question
    finally:
        other.driver.quit()


@pytest.mark.parametrize("how", ["button", "escape"])
def test_leave_now_leaves_nothing_to_go_back_to(site: Site, how: str) -> None:
    profile = Path(tempfile.mkdtemp(prefix="phone-profile-"))
    words = f"Words only she may see {how}"
    driver = chromium(profile=profile)
    phone = Phone(driver, site.url)
    try:
        begin(phone, campaign_link(site))
        while phone.kind != "text":
            phone.answer_one("")
        phone.type(words)
        phone.press("action", "answer")
        phone.press("action", "back")  # her words are on the screen again
        assert words in driver.page_source
        if how == "button":
            phone.press_text("Leave now")
        else:
            from selenium.webdriver.common.keys import Keys

            phone.css("body")[0].send_keys(Keys.ESCAPE)
        _wait_for(lambda: NEUTRAL in driver.page_source)
        driver.back()
        _wait_for(lambda: driver.execute_script("return document.readyState") == "complete")
        assert words not in driver.page_source
    finally:
        driver.quit()
    assert not _holds(profile, words.encode()), "the browser's files keep her words"


def _wait_for(condition: Any, seconds: float = 10) -> None:
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(None, seconds, poll_frequency=0.05).until(lambda _: condition())


def _holds(directory: Path, needle: bytes) -> bool:
    for path in directory.rglob("*"):
        if path.is_file():
            try:
                if needle in path.read_bytes():
                    return True
            except OSError:
                continue
    return False
