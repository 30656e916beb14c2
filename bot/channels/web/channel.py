"""The web channel's pages: each handler turns a request into one service call and a page.

POST, redirect, GET: an answer travels only in a POST body, and the page after it is fetched
anew, so no answer is ever in a URL or in the browser's history, and Back or a reload repeats
nothing. The one exception is the result page, shown once in answer to the submission (there
is no interview left to show it from).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bot.channels.web import forms
from bot.channels.web import texts as web_texts
from bot.channels.web.forms import Form, FormRefused, Posted
from bot.channels.web.pages import Page, WebPresenter, said
from bot.channels.web.throttle import Throttle
from bot.channels.web.visit import COOKIE, Visit, Visits
from bot.flows.events import (
    Answer,
    Back,
    Continue,
    Decline,
    Edit,
    Event,
    Keep,
    Skip,
    Submit,
)
from bot.flows.interview import InterviewState, step_marker
from bot.flows.values import MAX_MESSAGE_LENGTH
from bot.flows.versions import bind
from bot.i18n import (
    accept_language,
    language_name,
    language_tag,
    text_direction,
    translator,
)
from bot.privacy import Addresses, new_resume_code, normalise_resume_code
from bot.render import who_asks
from bot.services import texts
from bot.services.effects import Effects, Notify, Redraw, Reply, Toast
from bot.services.notices import queue_notices
from bot.services.respondent import CONSENT, INTERVIEW, Respondents, Who
from bot.services.views import (
    Consent,
    LanguageChoice,
    Phrase,
    QuestionView,
    Refusal,
    Result,
    ReviewView,
    Say,
    View,
)
from bot.storage.db import Store
from bot.storage.records import Session
from bot.storage.repos import Repos
from bot.text_input import typed_answer
from questions.schema import Kind

log = logging.getLogger(__name__)

Call = Callable[[Repos, Who], Awaitable[Effects]]
SCREENS = (Consent, QuestionView, ReviewView, LanguageChoice)
"""Views that are a step of an interview, shown again by GET /i."""


@dataclass
class WebChannel:
    store: Store
    respondents: Respondents
    addresses: Addresses
    visits: Visits
    presenter: WebPresenter
    exit_url: str
    secure: bool
    telegram_link: Callable[[str], str | None]
    """The campaign's Telegram link for a token, when the bot's @username is known."""
    committed: Callable[[], None] = lambda: None
    """Called after a commit that queued coordinator notices (wakes the Telegram sender)."""
    link_throttle: Throttle = field(default_factory=lambda: Throttle(120, 60.0))
    code_throttle: Throttle = field(default_factory=lambda: Throttle(10, 600.0))
    trust_proxy: bool = False
    env: Environment = field(init=False)

    def __post_init__(self) -> None:
        self.env = Environment(
            loader=PackageLoader("bot.channels.web", "templates"),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
        )

    @property
    def locales(self) -> tuple[str, ...]:
        return self.respondents.locales

    # --- pages -----------------------------------------------------------------------------

    async def home(self, request: web.Request) -> web.StreamResponse:
        visit = self._visit(request)
        if visit.code is not None:
            return self._redirect("/i", visit)
        return self._render(request, visit, Page("home.html", self._locale(request, visit)))

    async def landing(self, request: web.Request) -> web.StreamResponse:
        """The campaign's link: who is asking, and where to answer (here, or in Telegram)."""
        visit = self._visit(request)
        self._throttled(request, self.link_throttle)
        token = request.match_info["token"]
        campaign = await self.store.read.campaigns.by_token(token)
        locale = self._locale(request, visit, campaign.locales if campaign else ())
        if campaign is None or not campaign.is_open:
            why = texts.UNKNOWN_LINK if campaign is None else texts.CAMPAIGN_CLOSED
            status = 404 if campaign is None else 410
            return self._render(request, visit, self._message(locale, why, status=status))
        tr = translator(locale)
        bank = self.presenter.library.bank(campaign.flow)
        asking = who_asks(tr, campaign.name, campaign.description, campaign.organisation)
        context = {
            "title": tr.gettext(bank.title),
            "asking": asking,
            "duration": tr.format(texts.DURATION, minutes=tr.number(bank.minutes)),
            "token": token,
            "telegram": self.telegram_link(token),
        }
        return self._render(request, visit, Page("landing.html", locale, context))

    async def begin(self, request: web.Request) -> web.StreamResponse:
        visit, _ = await self._posted(request, forms.PLAIN)
        self._throttled(request, self.link_throttle)
        token = request.match_info["token"]
        code = visit.code or new_resume_code()
        who = self._who(visit, code)
        locale = self._locale(request, visit)
        effects = await self._transact(
            who, lambda tx, who: self.respondents.start_in(tx, who, token, locale)
        )
        if _screen(effects) is not None:
            visit = Visit(visit.token, code, visit.locale, visit.notes)
        return self._redirect("/i", visit.noting(*_phrases(effects)))

    async def interview(self, request: web.Request) -> web.StreamResponse:
        """The current step of her interview, shown again whenever it is asked for."""
        visit = self._visit(request)
        if visit.code is None:
            return self._render(request, visit, Page("home.html", self._locale(request, visit)))
        who = self._who(visit)
        # Most fetches change nothing: they read committed data, beside the writer's lock.
        effects = await self.respondents.peek(self.store.read, who)
        if effects is None:
            effects = await self._transact(who, self.respondents.screen)
        visit = visit.noting(*_phrases(effects))
        view = _screen(effects)
        if view is None:
            page = self._message(self._locale(request, visit), web_texts.NO_INTERVIEW_HERE)
            return self._render(request, visit, page)
        return self._render(request, visit, self.presenter.page(view))

    async def answer(self, request: web.Request) -> web.StreamResponse:
        visit, form = await self._posted(request, forms.INTERVIEW)
        if visit.code is None:
            return self._redirect("/i", visit.noting(Phrase(web_texts.NO_INTERVIEW_HERE)))
        posted = Posted.of(form)
        if posted.action == "answer" and len(posted.text.strip()) > MAX_MESSAGE_LENGTH:
            return await self._too_long(request, visit, posted.text)
        effects = await self._transact(
            self._who(visit), lambda tx, who: self._press(tx, who, posted)
        )
        result = _result(effects)
        if result is not None:
            return self._render(request, visit, self.presenter.page(result))
        return self._redirect("/i", visit.noting(*_phrases(effects)))

    async def language(self, request: web.Request) -> web.StreamResponse:
        visit, form = await self._posted(request, forms.LANGUAGE)
        locale = form.get("locale")
        if locale not in self.locales:
            raise FormRefused("locale")
        visit = Visit(visit.token, visit.code, locale, visit.notes)
        if visit.code is not None:
            effects = await self._transact(
                self._who(visit), lambda tx, who: self._relanguage(tx, who, locale)
            )
            visit = visit.noting(*_phrases(effects))
        return self._redirect(_local(form.get("next")), visit)

    async def resume_form(self, request: web.Request) -> web.StreamResponse:
        visit = self._visit(request)
        return self._render(request, visit, Page("resume.html", self._locale(request, visit)))

    async def resume(self, request: web.Request) -> web.StreamResponse:
        """A resume code typed in: the interview it names continues in this browser."""
        visit, form = await self._posted(request, forms.RESUME)
        address = self._address(request)
        if self.code_throttle.over(address):
            raise Refused(web_texts.TOO_MANY, 429)
        locale = self._locale(request, visit)
        code = normalise_resume_code(form.get("code"))
        if code is None:
            page = Page("resume.html", locale, {}, 400)
            return self._render(request, visit.noting(Phrase(web_texts.CODE_MALFORMED)), page)
        if await self.store.read.sessions.of(self.visits.respondent_key(code)) is None:
            self.code_throttle.count(address)
            page = Page("resume.html", locale, {}, 404)
            return self._render(request, visit.noting(Phrase(web_texts.CODE_UNKNOWN)), page)
        resumed = Visit(visit.token, code, visit.locale)
        return self._redirect("/i", resumed.noting(Phrase(web_texts.RESUMED)))

    async def pause(self, request: web.Request) -> web.StreamResponse:
        visit = self._visit(request)
        if visit.code is None:
            return self._redirect("/", visit)
        return self._render(request, visit, Page("pause.html", self._locale(request, visit)))

    async def erase_form(self, request: web.Request) -> web.StreamResponse:
        visit = self._visit(request)
        session = None
        if visit.code is not None:
            session = await self.store.read.sessions.of(self.visits.respondent_key(visit.code))
        locale = self._session_locale(session) or self._locale(request, visit)
        page = Page("erase.html", locale, {"session": session.id if session else ""})
        return self._render(request, visit, page)

    async def erase(self, request: web.Request) -> web.StreamResponse:
        visit, form = await self._posted(request, forms.ERASE)
        r = self.respondents
        if form.get("action") == "open" and visit.code is not None:
            session_id = form.get("session")
            effects = await self._transact(
                self._who(visit), lambda tx, who: r.erase_open(tx, who, session_id)
            )
            erased = Visit(visit.token, None, visit.locale, visit.notes)
            return self._redirect("/", erased.noting(*_phrases(effects)))
        if form.get("action") != "receipt":
            raise FormRefused("action")
        address = self._address(request)
        if self.code_throttle.over(address):
            raise Refused(web_texts.TOO_MANY, 429)
        receipt = form.get("receipt")
        who = self._who(visit, visit.code or new_resume_code())
        effects = await self._transact(who, lambda tx, who: r.delete(tx, who, receipt))
        if any(p.msgid == texts.RECEIPT_UNKNOWN for p in _phrases(effects)):
            self.code_throttle.count(address)
        return self._redirect("/erase", visit.noting(*_phrases(effects)))

    async def leave(self, request: web.Request) -> web.StreamResponse:
        """Leave now: always works, even from a page without its cookie (nothing to protect:
        it only forgets this browser's visit; the code still continues the interview)."""
        response = see_other(self.exit_url)
        response.del_cookie(COOKIE, path="/")
        response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response

    # --- what a press on an interview page does -------------------------------------------

    async def _press(self, tx: Repos, who: Who, posted: Posted) -> Effects:
        r = self.respondents
        session = await tx.sessions.of(who.key)
        if session is None:
            return [Reply(Say.of(r.locale_for(who), web_texts.NO_INTERVIEW_HERE))]
        if posted.session != session.id or posted.marker != _marker(session):
            return await r.stale(tx, who)
        if session.stage == CONSENT and posted.action in ("agree", "refuse"):
            return await r.consent(tx, who, session.id, agreed=posted.action == "agree")
        if session.stage != INTERVIEW:
            return await r.stale(tx, who)
        state = InterviewState.from_json(session.state)
        if posted.action == "answer" and self._wants_text(state):
            if posted.values:
                return await r.stale(tx, who)  # a choice's value sent to a text box: forged
            # Typed words only ever arrive through this path, which redacts them.
            return await r.typed(tx, who, typed_answer(posted.text), len(posted.text.strip()))
        if posted.text:
            return await r.stale(tx, who)  # words sent to a step that takes none: forged
        event = _event(posted, state)
        if event is None:
            return await r.stale(tx, who)
        return await r.act(tx, who, session.id, event)

    def _wants_text(self, state: InterviewState) -> bool:
        if state.phase != "asking" or not state.current:
            return False
        bank = bind(self.respondents.library, state).bank
        return bank.question(state.current).kind is Kind.TEXT

    async def _relanguage(self, tx: Repos, who: Who, locale: str) -> Effects:
        session = await tx.sessions.of(who.key)
        if session is None:
            return []
        return await self.respondents.choose_language(tx, who, session.id, locale)

    async def _too_long(self, request: web.Request, visit: Visit, text: str) -> web.StreamResponse:
        """Her text shown back (never lost) with how much shorter it must be; nothing stored."""
        effects = await self._transact(self._who(visit), self.respondents.screen)
        view = _screen(effects)
        if not isinstance(view, QuestionView):
            return self._redirect("/i", visit)
        limit: dict[str, str | int] = {"length": len(text.strip()), "limit": MAX_MESSAGE_LENGTH}
        noted = visit.noting(Phrase(web_texts.TOO_LONG, limit))
        page = self.presenter.page(view, typed=text)
        return self._render(request, noted, Page(page.template, page.locale, page.context, 422))

    # --- plumbing --------------------------------------------------------------------------

    async def _transact(self, who: Who, call: Call) -> Effects:
        async with self.store.transaction() as tx:
            effects = await call(tx, who)
            await queue_notices(tx, self.addresses, effects)
        if any(isinstance(e, Notify) for e in effects):
            self.committed()
        return effects

    def _who(self, visit: Visit, code: str | None = None) -> Who:
        code = code or visit.code
        assert code is not None
        return Who(key=self.visits.respondent_key(code), language=visit.locale)

    def _visit(self, request: web.Request) -> Visit:
        return self.visits.load(request.cookies.get(COOKIE)) or self.visits.new()

    async def _posted(self, request: web.Request, allowed: frozenset[str]) -> tuple[Visit, Form]:
        visit = self.visits.load(request.cookies.get(COOKIE))
        if visit is None:
            raise Refused(web_texts.NEEDS_COOKIES, 403)
        form = forms.checked(await request.post(), allowed)
        if not self.visits.csrf_ok(visit, form.get("csrf")):
            raise Refused(web_texts.NOT_OUR_FORM, 403)
        return visit, form

    def _throttled(self, request: web.Request, throttle: Throttle) -> None:
        if not throttle.allow(self._address(request)):
            raise Refused(web_texts.TOO_MANY, 429)

    def _address(self, request: web.Request) -> str:
        """Held in memory by the throttles only; never logged or stored."""
        forwarded = request.headers.get("X-Forwarded-For", "")
        if self.trust_proxy and forwarded:
            return forwarded.split(",")[-1].strip()
        return request.remote or ""

    def _locale(self, request: web.Request, visit: Visit, offered: tuple[str, ...] = ()) -> str:
        available = tuple(loc for loc in offered if loc in self.locales) or self.locales
        if visit.locale in available:
            return visit.locale
        return accept_language(request.headers.get("Accept-Language"), available)

    @staticmethod
    def _session_locale(session: Session | None) -> str | None:
        return None if session is None else InterviewState.from_json(session.state).locale

    def _message(self, locale: str, *msgids: str, status: int = 200) -> Page:
        tr = translator(locale)
        return self.presenter.message(locale, [said(tr, Phrase(m)) for m in msgids], status)

    def refusal_page(self, request: web.Request, msgid: str, status: int) -> web.Response:
        visit = self.visits.load(request.cookies.get(COOKIE)) or self.visits.new()
        page = self._message(self._locale(request, visit), msgid, status=status)
        return self._render(request, visit, page)

    def _render(self, request: web.Request, visit: Visit, page: Page) -> web.Response:
        tr = translator(page.locale)
        context: dict[str, Any] = {
            "_": tr.gettext,
            "lang": page.locale,
            "lang_tag": language_tag(page.locale),
            "dir": text_direction(page.locale),
            "csrf": self.visits.csrf(visit),
            "languages": [(loc, language_name(loc), language_tag(loc)) for loc in self.locales],
            "here": request.path if request.method == "GET" else "/i",
            "exit_url": self.exit_url,
            "notes": [said(tr, note) for note in visit.notes],
            "code": visit.code,
            "hotline": tr.gettext(texts.HOTLINE),
            "limit": MAX_MESSAGE_LENGTH,
            "confirm": tr.gettext(texts.DELETE_CONFIRM),
            "erase_yes": tr.gettext(texts.DELETE_YES),
            "erase_no": tr.gettext(texts.DELETE_NO),
            "erase_how": tr.gettext(web_texts.DELETE_HOW),
            "resume_line": tr.format(web_texts.RESUME_CODE, code=visit.code),
            "paused": tr.gettext(web_texts.PAUSED),
            "paused_how": tr.format(web_texts.PAUSED_HOW, code=visit.code),
            **page.context,
        }
        body = self.env.get_template(page.template).render(context)
        response = web.Response(text=body, content_type="text/html", status=page.status)
        self._keep(response, visit.said())
        return response

    def _redirect(self, path: str, visit: Visit) -> web.StreamResponse:
        response = see_other(path)
        self._keep(response, visit)
        return response

    def _keep(self, response: web.StreamResponse, visit: Visit) -> None:
        response.set_cookie(
            COOKIE,
            self.visits.dump(visit),
            path="/",
            max_age=self.respondents.unfinished_days * 86400,
            httponly=True,
            samesite="Strict",
            secure=self.secure,
        )


def see_other(location: str) -> web.Response:
    """303: the browser fetches `location` with GET, so a reload never posts again."""
    return web.Response(status=303, headers={"Location": location})


class Refused(Exception):
    """A request that changes nothing, answered with a page saying why."""

    def __init__(self, msgid: str, status: int) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.status = status


def _marker(session: Session) -> str:
    """Names the page a form came from: consent, or the interview's current step."""
    if session.stage != INTERVIEW:
        return session.stage
    return step_marker(InterviewState.from_json(session.state))


def _event(posted: Posted, state: InterviewState) -> Event | None:
    question = state.current
    match posted.action:
        case "back":
            return Back(shown=posted.marker)
        case "edit":
            return Edit(posted.edit)
        case "submit":
            return Submit()
        case "continue":
            return Continue(question_id=question)
        case "skip":
            return Skip(question_id=question)
        case "decline":
            return Decline(question_id=question)
        case "keep":
            return Keep(question_id=question)
        case "answer" if len(posted.values) == 1:
            return Answer(posted.values[0], question_id=question)
        case "done":
            return Answer(posted.values, question_id=question)
    return None


def _screen(effects: Effects) -> View | None:
    shown = [e.view for e in effects if isinstance(e, Reply | Redraw)]
    steps = [view for view in shown if isinstance(view, SCREENS)]
    return steps[-1] if steps else None


def _result(effects: Effects) -> Result | None:
    found = [e.view for e in effects if isinstance(e, Reply) and isinstance(e.view, Result)]
    return found[-1] if found else None


def _phrases(effects: Effects) -> list[Phrase]:
    found: list[Phrase] = []
    for effect in effects:
        match effect:
            case Reply(view=Say(phrases=phrases)):
                found += phrases
            case Reply(view=Refusal(reason=refused)):
                found.append(Phrase(refused.message, dict(refused.params)))
            case Toast(phrase=phrase):
                found.append(phrase)
    return found


def _local(path: str) -> str:
    """Where the language form returns: a path of this site only, never another's."""
    parts = urlsplit(path)
    # Browsers read a backslash as a slash: "/\\site" would be another site's address.
    local = path.startswith("/") and not path.startswith("//") and "\\" not in path
    if local and not parts.netloc:
        return parts.path or "/"
    return "/i"
