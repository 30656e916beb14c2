"""A small browser for the web channel: fetches pages, reads their forms, presses buttons.

It keeps cookies, follows redirects, and sends exactly what a browser would for the button
pressed (the form's hidden fields, its text box and ticks, and that button's name and value),
so a test reads like a person using the page, with JavaScript off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import aiohttp


@dataclass
class Button:
    label: str
    name: str
    value: str


@dataclass
class PageForm:
    action: str
    hidden: dict[str, str] = field(default_factory=dict)
    buttons: list[Button] = field(default_factory=list)
    checkboxes: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    text_fields: list[str] = field(default_factory=list)
    textarea: str | None = None
    textarea_value: str = ""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.title = ""
        self.text: list[str] = []
        self.lang = ""
        self.dir = ""
        self._form: PageForm | None = None
        self._button: Button | None = None
        self._in_title = False
        self._in_textarea = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang, self.dir = a.get("lang", ""), a.get("dir", "")
        elif tag == "title":
            self._in_title = True
        elif tag in ("script", "style"):
            self._skip += 1
        elif tag == "form":
            self._form = PageForm(a.get("action", ""))
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None:
            kind = a.get("type", "text")
            if kind == "hidden":
                self._form.hidden[a["name"]] = a.get("value", "")
            elif kind == "checkbox":
                self._form.checkboxes.append(a["value"])
                if "checked" in a:
                    self._form.checked.append(a["value"])
            elif kind == "text" and a.get("name"):
                self._form.text_fields.append(a["name"])
        elif tag == "textarea" and self._form is not None:
            self._form.textarea = a["name"]
            self._in_textarea = True
        elif tag == "button" and self._form is not None:
            self._button = Button("", a.get("name", ""), a.get("value", ""))
            self._form.buttons.append(self._button)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in ("script", "style"):
            self._skip -= 1
        elif tag == "form":
            self._form = None
        elif tag == "button":
            self._button = None
        elif tag == "textarea":
            self._in_textarea = False

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title += data
        if self._button is not None:
            self._button.label += data.strip()
        if self._in_textarea and self._form is not None:
            self._form.textarea_value += data
        if data.strip():
            self.text.append(data.strip())


RECEIPT = re.compile(r"\b([B-Z]{4}-[B-Z]{4}(?:-[B-Z]{4})?)\b")
"""A receipt code (consonants only), on the result page whatever its language."""


@dataclass
class Page:
    url: str
    status: int
    html: str
    headers: dict[str, str]
    forms: list[PageForm]
    title: str
    text: str
    lang: str
    dir: str

    def form_with(self, name: str, value: str | None = None) -> PageForm:
        for form in self.forms:
            for button in form.buttons:
                if button.name == name and (value is None or button.value == value):
                    return form
        raise AssertionError(f"no button {name}={value} on {self.url}: {self.text[:300]}")

    def has_button(self, name: str, value: str | None = None) -> bool:
        try:
            self.form_with(name, value)
        except AssertionError:
            return False
        return True

    def choices(self) -> list[str]:
        """The values of the answer buttons of a single-choice question."""
        return [b.value for f in self.forms for b in f.buttons if b.name == "value"]

    @property
    def kind(self) -> str:
        """What the page asks for: consent, text, multi, info, choice, review, result..."""
        if self.has_button("action", "agree"):
            return "consent"
        if self.has_button("action", "submit"):
            return "review"
        for form in self.forms:
            if form.action != "/i":
                continue
            if form.textarea:
                return "text"
            if form.checkboxes:
                return "multi"
            if any(b.name == "action" and b.value == "continue" for b in form.buttons):
                return "info"
            if any(b.name == "value" for b in form.buttons):
                return "choice"
        if RECEIPT.search(self.text):
            return "result"  # the receipt code, in any language
        return "other"

    def receipt(self) -> str:
        found = RECEIPT.search(self.text)
        assert found, self.text
        return found.group(1)


class Browser:
    def __init__(self, base: str, *, language: str = "en") -> None:
        self.base = base.rstrip("/")
        self.session = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            headers={"Accept-Language": language},
        )
        self.page: Page | None = None
        self.history: list[Page] = []

    async def close(self) -> None:
        await self.session.close()

    async def __aenter__(self) -> Browser:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def get(self, path: str) -> Page:
        async with self.session.get(self.base + path, allow_redirects=False) as response:
            return await self._follow(response)

    async def post(self, path: str, data: list[tuple[str, str]]) -> Page:
        async with self.session.post(
            self.base + path, data=data, allow_redirects=False
        ) as response:
            return await self._follow(response)

    async def _follow(self, response: aiohttp.ClientResponse) -> Page:
        """Redirects within the site are followed; one to another site is where it stops
        (nothing here may leave the machine): the page is the redirect itself."""
        location = response.headers.get("Location", "")
        if response.status in (301, 302, 303, 307) and location.startswith("/"):
            return await self.get(location)
        return await self._read(response)

    async def submit(self, action: str, fields: dict[str, str] | None = None) -> Page:
        """Send the form posting to `action` with its (first) button, and `fields` typed in."""
        assert self.page is not None
        form = next((f for f in self.page.forms if f.action == action), None)
        assert form is not None, f"no form to {action} on {self.page.url}"
        return await self._submit(form, form.buttons[0], fields=fields)

    async def press_label(self, label: str) -> Page:
        """Press the button whose words are `label` (a button without a name)."""
        assert self.page is not None
        for form in self.page.forms:
            for button in form.buttons:
                if button.label == label:
                    return await self._submit(form, button)
        raise AssertionError(f"no button {label!r} on {self.page.url}")

    async def press(
        self,
        name: str,
        value: str | None = None,
        *,
        text: str | None = None,
        ticks: list[str] | None = None,
        fields: dict[str, str] | None = None,
    ) -> Page:
        """Press the button `name`(=`value`) of the current page, as a browser submits it."""
        assert self.page is not None
        form = self.page.form_with(name, value)
        button = next(
            b for b in form.buttons if b.name == name and (value is None or b.value == value)
        )
        return await self._submit(form, button, text=text, ticks=ticks, fields=fields)

    async def _submit(
        self,
        form: PageForm,
        button: Button,
        *,
        text: str | None = None,
        ticks: list[str] | None = None,
        fields: dict[str, str] | None = None,
    ) -> Page:
        data = list(form.hidden.items())
        if form.textarea:
            data.append((form.textarea, form.textarea_value if text is None else text))
        for tick in form.checked if ticks is None else ticks:
            data.append(("value", tick))
        data += list((fields or {}).items())
        if button.name:
            data.append((button.name, button.value))
        return await self.post(form.action, data)

    def cookie(self) -> str | None:
        for cookie in self.session.cookie_jar:
            if cookie.key == "visit":
                return cookie.value
        return None

    async def _read(self, response: aiohttp.ClientResponse) -> Page:
        body = await response.text()
        parser = _Parser()
        parser.feed(body)
        page = Page(
            str(response.url.relative()),
            response.status,
            body,
            dict(response.headers),
            parser.forms,
            parser.title.strip(),
            " ".join(parser.text),
            parser.lang,
            parser.dir,
        )
        self.page = page
        self.history.append(page)
        return page


async def answer_all(browser: Browser, *, words: str = "", limit: int = 200) -> Page:
    """From the current page to the result: agree, answer every question (the first choice,
    the first tick, `words` or a sentence for typed answers), then submit."""
    page = browser.page
    assert page is not None
    for number in range(limit):
        match page.kind:
            case "consent":
                page = await browser.press("action", "agree")
            case "text":
                page = await browser.press("action", "answer", text=words or f"Answer {number}.")
            case "multi":
                form = page.form_with("action", "done")
                page = await browser.press("action", "done", ticks=form.checkboxes[:1])
            case "info":
                page = await browser.press("action", "continue")
            case "choice":
                page = await browser.press("value", page.choices()[0])
            case "review":
                page = await browser.press("action", "submit")
            case "result":
                return page
            case _:
                raise AssertionError(f"unexpected page {page.url}: {page.text[:400]}")
    raise AssertionError("the interview did not end")
