"""A respondent's phone in a test: the pages of the web channel as Chromium shows them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.browser.conftest import AXE

SERIOUS = ("serious", "critical")
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values:
    ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})
  .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))))
  .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
"""


@dataclass
class Phone:
    driver: Any
    base: str
    scripts: bool = True
    """False with JavaScript off: axe-core cannot run in the page then."""
    checked: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Page kind -> axe's serious or critical violations there."""

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def css(self, selector: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return list(self.driver.find_elements(By.CSS_SELECTOR, selector))

    def press(self, name: str, value: str | None = None) -> None:
        selector = f'button[name="{name}"]' + (f'[value="{value}"]' if value else "")
        buttons = self.css(selector)
        assert buttons, f"no {selector} on {self.driver.current_url}: {self.text()[:300]}"
        self.click(buttons[0])

    def press_text(self, words: str) -> None:
        for button in self.css("button"):
            if button.text.strip() == words:
                self.click(button)
                return
        raise AssertionError(f"no button {words!r}: {self.text()[:300]}")

    def click(self, element: Any) -> None:
        """Click, and wait until the page it leads to has replaced this one."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.wait import WebDriverWait

        page = self.css("html")[0]
        element.click()

        def replaced(driver: Any) -> bool:
            try:
                page.tag_name  # noqa: B018 - asks the browser whether the old page is still there
                return False
            except WebDriverException:  # stale, or the page in the middle of going
                return bool(driver.execute_script("return document.readyState") == "complete")

        WebDriverWait(
            self.driver, 15, poll_frequency=0.02, ignored_exceptions=(WebDriverException,)
        ).until(replaced)

    def type(self, words: str, selector: str = "textarea") -> None:
        box = self.css(selector)[0]
        box.clear()
        box.send_keys(words)

    def text(self) -> str:
        return str(self.driver.find_element("tag name", "body").text)

    @property
    def kind(self) -> str:
        """What the page asks for, read from its source in one round trip to the browser."""
        source = str(self.driver.page_source)
        question = source.split('class="question"', 1)[1] if 'class="question"' in source else ""
        if 'value="agree"' in source:
            return "consent"
        if 'value="submit"' in source:
            return "review"
        if "<textarea" in question:
            return "text"
        if 'type="checkbox"' in question:
            return "multi"
        if 'value="continue"' in question:
            return "info"
        if 'name="value"' in question:
            return "choice"
        if 'class="code"' in source:
            return "result"
        return "other"

    def answer_one(self, words: str) -> str:
        """Answer the page shown (the first choice, the first tick, `words`); its kind."""
        kind = self.kind
        match kind:
            case "consent":
                self.press("action", "agree")
            case "text":
                self.type(words)
                self.press("action", "answer")
            case "multi":
                self.css('form.question input[type="checkbox"]')[0].click()
                self.press("action", "done")
            case "info":
                self.press("action", "continue")
            case "choice":
                # The last choice: on a self-rating it is "I don't know", which ends that
                # dimension's staircase at its first screen (the steps up look the same).
                self.click(self.css('button[name="value"]')[-1])
            case "review":
                self.press("action", "submit")
        return kind

    def answer_all(self, words: str = "Our county has a shelter.", *, audit: bool = False) -> None:
        for _ in range(200):
            if audit:
                self.audit(self.kind)
            if self.answer_one(words) in ("result", "other"):
                return
        raise AssertionError("the interview did not end")

    def audit(self, kind: str) -> None:
        """axe-core's WCAG checks on this page, once per kind of page; and no sideways scroll
        on the phone's 360 px."""
        if kind in self.checked or not self.scripts:
            return
        self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        found = self.driver.execute_async_script(AXE_RUN)
        self.checked[kind] = [v for v in found if v["impact"] in SERIOUS]
        self.screenshot(kind)
        # WCAG's reflow: 320 CSS px (a small phone, or 640 px at 200% zoom) needs no sideways
        # scroll.
        size = self.driver.get_window_size()
        self.driver.set_window_size(320, size["height"])
        width = self.driver.execute_script("return document.documentElement.scrollWidth")
        inner = self.driver.execute_script("return window.innerWidth")
        self.driver.set_window_size(size["width"], size["height"])
        assert width <= inner, f"{kind}: {width} px wide on a {inner} px screen"

    def screenshot(self, kind: str) -> None:
        """READINESS_WEB_SCREENSHOTS=DIR keeps a picture of each kind of page (docs/web.md)."""
        directory = os.environ.get("READINESS_WEB_SCREENSHOTS")
        if directory:
            lang = self.driver.execute_script("return document.documentElement.lang")
            Path(directory).mkdir(parents=True, exist_ok=True)
            self.driver.save_screenshot(str(Path(directory) / f"{kind}-{lang}.png"))

    def violations(self) -> str:
        return json.dumps({k: v for k, v in self.checked.items() if v}, indent=1)
