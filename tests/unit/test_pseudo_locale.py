"""Everything the bot shows, in a pseudo-locale made at test time: no English may be left.

The catalog is built from what pybabel extracts now (tests/helpers/pseudo.py) and loaded
through the product's own lookup (bot.i18n.use_catalogs, the console's --catalogs). Then,
through the services and presenters the channels use: whole preassessments and capacity
checklists as a respondent sees them in Telegram and in the console (every question and
rating screen, back, skip, keep, decline, refusals, review, result), the coordinator's
set-up, campaign cards, notices and reports (text, JSON labels, chart), and the menus. A
plain ASCII word anywhere in that, once the data typed into the test is taken out, is
English that a Spanish reader would have seen too; the failure names the text and where.
"""

from __future__ import annotations

import asyncio
import io
import re
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from bot.channels.console.interview import ConsoleInterview
from bot.channels.console.presenter import ConsolePresenter
from bot.channels.telegram.markup import Document, Photo, Rendered, Text
from bot.channels.telegram.menus import COORDINATOR_COMMANDS, RESPONDENT_COMMANDS, menu
from bot.channels.telegram.presenter import Presenter
from bot.cli import main
from bot.flows import rating
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
from bot.flows.values import MAX_MESSAGE_LENGTH
from bot.i18n import DEFAULT_LOCALE, language_name, shipped_locales, translator, use_catalogs
from bot.privacy import RECEIPT_ALPHABET, Addresses, Sealer
from bot.reports import (
    Table,
    build_capacity_report,
    build_preassessment_report,
    capacity_json,
    capacity_text,
    comment_keys,
    export_table,
    preassessment_json,
    preassessment_text,
    priorities_text,
)
from bot.reports.chart import chart_figure
from bot.scorecard_report import scorecard_text
from bot.services import coordinator_texts, reassessment, texts
from bot.services.coordinator import Desk, Links, SetupButton, create_campaign
from bot.services.effects import (
    CoordinatorMenu,
    Effects,
    Later,
    Notify,
    Redraw,
    Reply,
    Settle,
    Toast,
)
from bot.services.reports import Reports
from bot.services.respondent import Respondents, Who
from bot.services.submission import Submitter
from bot.services.views import (
    Consent,
    LanguageChoice,
    QuestionView,
    Result,
    ReviewView,
    View,
)
from bot.storage.db import Store
from bot.storage.records import Campaign
from bot.storage.repos import Repos
from questions.loader import default_library
from questions.schema import Kind
from tests.helpers.pseudo import (
    CLOSE,
    OPEN,
    PSEUDO,
    english_left,
    extract,
    pseudo,
    write_pseudo_catalog,
)
from tests.helpers.rating import truthful_reply

LIBRARY = default_library()
SECRET = b"p" * 32
COORDINATOR = 4711
# What the test types: words that are no English, taken out before looking for English.
NAME, CHECKLIST_NAME = "Zyxvale Qorp", "Qorpvale Zint"
DESCRIPTION = "Qorpish zintlands by Vlask"
ORGANISATION = "Vlaskorp Zintwerk"
TYPED = "Zintar qorpel vlaskin"
NEVER_ISSUED = "BCDF-GHJK-LMNP"
TYPED_DATA = (NAME, CHECKLIST_NAME, DESCRIPTION, ORGANISATION, TYPED, *TYPED.split(), NEVER_ISSUED)
"""TYPED word by word too: the review shows an answer's first words only."""
RECEIPT = re.compile("-".join([f"[{RECEIPT_ALPHABET}]{{4}}"] * 3))
"""A receipt code as the console prints it (the services hand it to no one else)."""


# --- what was shown -----------------------------------------------------------------------------


@dataclass
class Shown:
    """Every text shown, with where it was shown, and the data it may carry."""

    texts: list[tuple[str, str]] = field(default_factory=list)
    data: set[str] = field(default_factory=lambda: set(TYPED_DATA))
    exported: Table | None = None

    def add(self, where: str, *shown: str) -> None:
        self.texts += [(where, text) for text in shown]

    def rendered(self, where: str, rendered: Rendered) -> None:
        match rendered:
            case Text(text=text, buttons=rows):
                self.add(where, text, *(label for row in rows for label, _ in row))
            case Photo(caption=caption) | Document(caption=caption):
                self.add(where, caption)

    def english(self, prefix: str) -> list[str]:
        return [
            f"{where}: {line}"
            for where, text in self.texts
            if where.startswith(prefix)
            for line in english_left(text, self.data)
        ]

    def of(self, prefix: str) -> list[str]:
        return [text for where, text in self.texts if where.startswith(prefix)]


@dataclass
class World:
    store: Store
    respondents: Respondents
    desk: Desk
    presenter: Presenter
    reports: Reports
    shown: Shown

    async def do(self, where: str, call: Callable[[Repos], Awaitable[Effects]]) -> Effects:
        async with self.store.transaction() as tx:
            effects = await call(tx)
        await self.show(where, effects)  # after the commit, as the sender builds reports
        return effects

    async def show(self, where: str, effects: Effects) -> None:
        for effect in effects:
            match effect:
                case Reply(view=view) | Redraw(view=view):
                    if isinstance(view, Result):
                        self.shown.data.add(view.receipt)
                    for rendered in self.presenter.render(view):
                        self.shown.rendered(where, rendered)
                case Toast():
                    self.shown.add(where, self.presenter.toast(effect))
                case Settle():
                    self.shown.add(where, self.presenter.settled("", effect).text)
                case Later(view=deferred) | Notify(view=deferred):
                    material = await self.reports.material(self.store.read, deferred)
                    for rendered in self.presenter.deferred(deferred, material):
                        self.shown.rendered(f"coordinator/{deferred.kind}", rendered)
                case CoordinatorMenu(locale=locale):
                    self.shown.add(where, *(text for _, text in menu(COORDINATOR_COMMANDS, locale)))


def last_view(effects: Effects) -> View | None:
    views = [e.view for e in effects if isinstance(e, Reply | Redraw)]
    return views[-1] if views else None


# --- respondents --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Respondent:
    """How one respondent answers: a level per dimension (None: I don't know), and more."""

    key: str
    levels: dict[str, Fraction | None] = field(default_factory=dict)
    sector: bool = True
    decline: frozenset[str] = frozenset()
    yes_no: str = "yes"
    detours: bool = False
    """Also err, go back, keep, edit from the review: every screen a respondent can meet."""

    @property
    def who(self) -> Who:
        return Who(key=self.key, language=PSEUDO)


STEPS_AT_MOST = 500
"""A walk that loops (a refusal the walker does not expect) fails instead of hanging."""


class Interview:
    """One respondent's interview through the services, screen by screen."""

    def __init__(self, world: World, person: Respondent, where: str) -> None:
        self.world, self.person, self.where = world, person, where
        self.detoured: set[str] = set()

    async def call(self, call: Callable[[Repos], Awaitable[Effects]]) -> View | None:
        return last_view(await self.world.do(self.where, call))

    async def act(self, session_id: str, event: Event) -> View | None:
        r, who = self.world.respondents, self.person.who
        return await self.call(lambda tx: r.act(tx, who, session_id, event))

    async def run(self, first: View | None) -> Result:
        """From the language choice to the result."""
        r, who = self.world.respondents, self.person.who
        assert isinstance(first, LanguageChoice), first
        sid = first.session_id
        assert sid is not None
        consent = await self.call(lambda tx: r.choose_language(tx, who, sid, PSEUDO))
        assert isinstance(consent, Consent), consent
        view = await self.call(lambda tx: r.consent(tx, who, sid, agreed=True))
        for _ in range(STEPS_AT_MOST):
            if isinstance(view, Result):
                return view
            assert isinstance(view, QuestionView | ReviewView), view
            shown = view
            view = await self.next(view)
            if view is None or not isinstance(view, QuestionView | ReviewView | Result):
                view = shown  # refused: the same screen again
        raise AssertionError(f"{self.person.key} still at {view} after {STEPS_AT_MOST} steps")

    async def next(self, view: QuestionView | ReviewView) -> View | None:
        if isinstance(view, ReviewView):
            return await self.review(view)
        question, sid = view.ask.question, view.session_id
        if self.person.detours and question.kind.value not in self.detoured:
            self.detoured.add(question.kind.value)
            return await self.detour(view)
        match question.kind:
            case Kind.INFO:
                return await self.act(sid, Continue(question.id))
            case Kind.TEXT if question.id in self.person.decline:
                return await self.act(sid, Decline(question.id))
            case Kind.TEXT:
                r, who = self.world.respondents, self.person.who
                return await self.call(lambda tx: r.typed(tx, who, TYPED, len(TYPED)))
            case Kind.SCALE:
                return await self.act(sid, Answer("6", question.id))
            case Kind.CHOICE if question.optional and not self.person.sector:
                return await self.act(sid, Skip(question.id))
            case Kind.CHOICE:
                return await self.act(sid, Answer(question.options[0].id, question.id))
            case Kind.YES_NO:
                value = self.person.yes_no if question.partly else "no"
                return await self.act(sid, Answer(value, question.id))
            case Kind.LEVEL:
                return await self.act(sid, Answer(self.rate(view), question.id))
        raise AssertionError(question.kind)

    def rate(self, view: QuestionView) -> str:
        dimension = view.ask.question.dimension
        assert dimension is not None
        level = self.person.levels.get(dimension, Fraction(4))
        if level is None:
            return rating.DONT_KNOW
        return truthful_reply(view.ask.screen, level)

    async def detour(self, view: QuestionView) -> View | None:
        """Wrong input, a stale button, then back and keep, before answering for real."""
        r, who, sid = self.world.respondents, self.person.who, view.session_id
        question = view.ask.question
        await self.call(lambda tx: r.unusable(tx, who))  # a sticker: what is expected here
        await self.act("no-such-session", Continue(question.id))
        if question.kind is Kind.TEXT:
            long = "z" * (MAX_MESSAGE_LENGTH + 1)
            await self.call(lambda tx: r.typed(tx, who, long, len(long)))
            await self.call(lambda tx: r.typed(tx, who, TYPED, len(TYPED)))
            back = await self.call(lambda tx: r.start(tx, who))  # came back later
            assert isinstance(back, QuestionView)
            again = await self.act(back.session_id, Back(shown=back.marker))
            assert isinstance(again, QuestionView) and again.ask.previous == TYPED
            return await self.act(sid, Keep(question.id))
        await self.call(lambda tx: r.typed(tx, who, TYPED, len(TYPED)))  # typed, not tapped
        if not question.optional and question.content_note is None:
            await self.act(sid, Skip(question.id))  # refused: it cannot be skipped
        return await self.next(view)

    async def review(self, view: ReviewView) -> View | None:
        if self.person.detours and "review" not in self.detoured:
            self.detoured.add("review")
            first = view.review.sections[0].items[0].question
            return await self.act(view.session_id, Edit(first.id))  # answered again, as asked
        return await self.act(view.session_id, Submit())


PANEL = [
    # Four of six cannot rate community climate (E): a provisional dimension.
    Respondent("r1", {"A": Fraction(7, 2), "E": None}, decline=frozenset({"diversity"})),
    Respondent("r2", {"B": Fraction(5), "E": None, "F": Fraction(2)}, yes_no="partly"),
    Respondent("r3", {"C": Fraction(6), "E": None, "G": Fraction(1)}, yes_no="not_sure"),
    Respondent("r4", {"D": Fraction(9), "E": None}, sector=False),
    Respondent("r5", {"A": Fraction(3, 2)}, sector=False),
    Respondent("r6", {}, sector=False, detours=True),
]


async def answer_campaign(world: World, campaign: Campaign, panel: list[Respondent]) -> None:
    r = world.respondents
    for person in panel:
        where = f"respondent/{campaign.flow}/{person.key}"
        first = last_view(
            await world.do(
                where, lambda tx, p=person: r.start(tx, p.who, campaign.respondent_token)
            )
        )
        await Interview(world, person, where).run(first)


async def around_the_interview(world: World, pre: Campaign, checklist: Campaign) -> None:
    """The screens outside a question: welcome, help, links, resume, erase, reminders."""
    r, where = world.respondents, "respondent/around"
    who = Who(key="around", language=PSEUDO)
    await world.do(where, lambda tx: r.start(tx, who))
    await world.do(where, lambda tx: r.start(tx, who, "no-such-link"))
    await world.do(where, lambda tx: r.help(tx, who))
    await world.do(where, lambda tx: r.language_menu(tx, who))
    await world.do(where, lambda tx: r.choose_language(tx, who, None, PSEUDO))
    await world.do(where, lambda tx: r.delete(tx, who, ""))
    await world.do(where, lambda tx: r.delete(tx, who, NEVER_ISSUED))
    await world.do(where, lambda tx: r.typed(tx, who, TYPED, len(TYPED)))
    await world.do(where, lambda tx: r.unusable(tx, who))
    await world.do(where, lambda tx: r.edited(tx, who))
    await world.do(where, lambda tx: r.keep(tx, who))
    await world.do(where, lambda tx: r.stale(tx, who))
    await world.show(where, r.private_only(who))
    await world.do(where, lambda tx: r.start(tx, Who("r1", PSEUDO), pre.respondent_token))

    # An interview under way: language first, then consent, then back days later.
    effects = await world.do(where, lambda tx: r.start(tx, who, pre.respondent_token))
    choice = last_view(effects)
    assert isinstance(choice, LanguageChoice) and choice.session_id is not None
    sid = choice.session_id
    await world.do(where, lambda tx: r.typed(tx, who, TYPED, len(TYPED)))  # buttons expected
    await world.do(where, lambda tx: r.choose_language(tx, who, sid, PSEUDO))
    await world.do(where, lambda tx: r.start(tx, who, pre.respondent_token))
    await world.do(where, lambda tx: r.consent(tx, who, sid, agreed=True))
    await world.do(where, lambda tx: r.start(tx, who))  # welcome back
    await world.do(where, lambda tx: r.start(tx, who, checklist.respondent_token))
    await world.do(where, lambda tx: r.remind(tx, sid))
    await world.do(where, lambda tx: r.delete(tx, who, ""))
    await world.do(where, lambda tx: r.erase_open(tx, who, sid))
    await world.do(where, lambda tx: r.quick_exit(tx, who))

    # Consent declined; a campaign closed before the link is opened.
    declines = Who(key="declines", language=PSEUDO)
    effects = await world.do(where, lambda tx: r.start(tx, declines, pre.respondent_token))
    choice = last_view(effects)
    assert isinstance(choice, LanguageChoice) and choice.session_id is not None
    sid = choice.session_id
    await world.do(where, lambda tx: r.choose_language(tx, declines, sid, PSEUDO))
    await world.do(where, lambda tx: r.consent(tx, declines, sid, agreed=False))
    async with world.store.transaction() as tx:
        await tx.campaigns.set_closed(checklist.id, closed=True)
    await world.do(where, lambda tx: r.start(tx, declines, checklist.respondent_token))
    async with world.store.transaction() as tx:
        await tx.campaigns.set_closed(checklist.id, closed=False)


async def personal_tries(world: World) -> None:
    """A checklist tried alone: the personal result, then erased by its receipt code."""
    r, where = world.respondents, "respondent/personal"
    person = Respondent("alone", yes_no="partly", detours=True)
    first = last_view(
        await world.do(where, lambda tx: r.begin_personal(tx, person.who, "capacity_checklist"))
    )
    result = await Interview(world, person, where).run(first)
    await world.do(where, lambda tx: r.delete(tx, person.who, result.receipt))


# --- coordinators -------------------------------------------------------------------------------


async def set_up(world: World) -> tuple[Campaign, Campaign]:
    """Joined by invite to a checklist campaign; a preassessment set up with /new."""
    d, where = world.desk, "coordinator/set-up"
    async with world.store.transaction() as tx:
        created = await create_campaign(
            tx, name=CHECKLIST_NAME, community_type="urban", flow="capacity_checklist"
        )
    token = created.coordinator_token
    joined = await world.do(where, lambda tx: _joined(d, tx, token))
    assert joined
    await world.do(where, lambda tx: _joined(d, tx, token))  # used already
    await world.do(where, lambda tx: d.command(tx, COORDINATOR, PSEUDO, "help", ""))
    await world.do(where, lambda tx: d.command(tx, COORDINATOR, PSEUDO, "new", ""))
    await world.do(where, lambda tx: d.command(tx, COORDINATOR, PSEUDO, "cancel", ""))
    await world.do(where, lambda tx: d.command(tx, COORDINATOR, PSEUDO, "new", ""))
    too_long = "z" * 200
    for typed in (too_long, NAME, DESCRIPTION, ORGANISATION):
        await world.do(where, lambda tx, t=typed: d.draft_text(tx, COORDINATOR, PSEUDO, t, len(t)))
    await world.do(where, lambda tx: d.draft_text(tx, COORDINATOR, PSEUDO, NAME, len(NAME)))
    for step, value in [
        ("flow", "preassessment"),  # not this step yet: refused
        ("type", "rural"),
        ("flow", "preassessment"),
        ("languages", PSEUDO),
        ("languages", DEFAULT_LOCALE),
        ("languages", DEFAULT_LOCALE),
        ("languages", "done"),
        ("confirm", "yes"),
    ]:
        pressed = SetupButton(step, value)
        await world.do(where, lambda tx, b=pressed: d.draft_button(tx, COORDINATOR, PSEUDO, b))
    again = SetupButton("confirm", "yes")
    await world.do(where, lambda tx: d.draft_button(tx, COORDINATOR, PSEUDO, again))
    mine = await world.store.read.campaigns.of_coordinator(COORDINATOR)
    (pre,) = [c for c in mine if c.flow == "preassessment"]
    return pre, created.campaign


async def _joined(desk: Desk, tx: Repos, token: str) -> Effects:
    return await desk.accept_invite(tx, COORDINATOR, token, PSEUDO) or []


async def coordinate(world: World, pre: Campaign, checklist: Campaign) -> None:
    """Every command and button on both campaigns, and each report they lead to."""
    d, where = world.desk, "coordinator/desk"
    nobody = COORDINATOR + 1
    await world.do(where, lambda tx: d.command(tx, nobody, PSEUDO, "campaigns", ""))
    await world.do(where, lambda tx: d.command(tx, COORDINATOR, PSEUDO, "campaigns", ""))
    await world.do(where, lambda tx: d.command(tx, COORDINATOR, PSEUDO, "report", ""))
    await world.do(where, lambda tx: d.command(tx, COORDINATOR, PSEUDO, "export", "no-such-id"))
    await world.do(where, lambda tx: d.draft_text(tx, COORDINATOR, PSEUDO, NAME, len(NAME)))
    actions = ["r", "x", "l", "c", "o", "m", "u", "i", "p", "z"]
    for campaign in (pre, checklist):
        for action in actions:
            await world.do(
                where,
                lambda tx, a=action, c=campaign: d.campaign_button(
                    tx, COORDINATOR, PSEUDO, a, c.id, ""
                ),
            )
    for topic in comment_keys(LIBRARY):
        await world.do(
            where,
            lambda tx, t=topic: d.campaign_button(tx, COORDINATOR, PSEUDO, "w", pre.id, t),
        )
    await world.do(where, lambda tx: d.campaign_button(tx, COORDINATOR, PSEUDO, "q", pre.id, ""))


async def remind_to_reassess(world: World, campaign: Campaign) -> None:
    """The six-month reminder, as the loop makes it once the finalised scores are that old."""
    async with world.store.transaction() as tx:
        await tx.campaigns.finalise(campaign.id)
    finalised = await world.store.read.campaigns.by_id(campaign.id)
    assert finalised is not None and finalised.finalised_at is not None
    # The day is CLDR's, not the catalog's: a month's abbreviation may read as English.
    day = datetime.fromisoformat(finalised.finalised_at).date()
    world.shown.data.add(translator(PSEUDO).date(day))
    effects = await world.do("coordinator/desk", lambda tx: reassessment.remind(tx, finalised))
    assert effects, "the coordinator is told"


async def reports_beyond_the_bot(world: World, pre: Campaign, checklist: Campaign) -> None:
    """What reports carry besides Telegram text: JSON labels, the chart's words, a scorecard;
    and the report of fewer respondents (none, one, four) whose text differs."""
    tr = translator(PSEUDO)
    responses = await world.store.read.responses.of_campaign(pre.id)
    for count in (0, 1, 4, len(responses)):
        report = build_preassessment_report(pre, responses[:count], LIBRARY)
        where = f"report/preassessment/{count}"
        world.shown.add(where, preassessment_text(report, LIBRARY, tr))
        world.shown.add(where, priorities_text(report, LIBRARY, tr))
        world.shown.add(where, *json_labels(preassessment_json(report, LIBRARY, tr)))
        world.shown.add(where, *chart_words(report, tr))
        if count:
            world.shown.add(where, scorecard_text(report.assessment, LIBRARY.model, tr))
    answered = await world.store.read.responses.of_campaign(checklist.id)
    for count in (0, len(answered)):
        capacity = build_capacity_report(checklist, answered[:count], LIBRARY)
        where = f"report/capacity/{count}"
        world.shown.add(where, capacity_text(capacity, LIBRARY, tr))
        world.shown.add(where, *json_labels(capacity_json(capacity, LIBRARY, tr)))


LABELS = frozenset(
    {"name", "stage", "goal", "strategy", "opening_strategy", "label", "title", "prompt"}
    | {"decision_reading"}
)
"""The JSON keys whose values are for people to read; the rest are ids, codes and data."""


def json_labels(data: Any, key: str = "") -> Iterator[str]:
    if isinstance(data, dict):
        for name, value in data.items():
            if name != "campaign":  # the campaign's own name and ids, as typed
                yield from json_labels(value, name)
    elif isinstance(data, list):
        for item in data:
            yield from json_labels(item, key)
    elif isinstance(data, str) and key in LABELS:
        yield data


def chart_words(report: Any, tr: Any) -> list[str]:
    from matplotlib.text import Text as Words

    figure = chart_figure(report, LIBRARY, tr)
    figure.canvas.draw()  # tick labels exist once drawn
    return [t.get_text() for t in figure.findobj(Words) if t.get_text()]


# --- the console --------------------------------------------------------------------------------


def console_lines(bank_id: str) -> list[str]:
    """A whole interview typed into the console, with detours: every console screen."""
    typed = ["", "back"]  # what is kept; then back on the first screen (refused)
    for question in LIBRARY.bank(bank_id).questions:
        match question.kind:
            case Kind.INFO:
                typed.append("")
            case Kind.TEXT:
                typed += [TYPED, "back", "keep"] if question.id == "community" else [TYPED]
            case Kind.CHOICE | Kind.SCALE:
                typed += ["99", "skip"] if question.optional else ["99", "1"]
            case Kind.YES_NO:
                typed.append("2" if question.partly else "1")
            case Kind.LEVEL:
                typed += _typed_rating(Fraction(7, 2))
    return [*typed, "99", "1", "pass", ""]  # review: out of range, change answer 1, submit


def _typed_rating(score: Fraction) -> list[str]:
    screen: str | None = rating.BOUNDARY
    typed = []
    while True:
        reply = truthful_reply(screen, score)
        typed.append(str(rating.replies(screen).index(reply) + 1))
        outcome = rating.answer(screen, reply)
        if not isinstance(outcome, rating.Next):
            return typed
        screen = outcome.screen


async def console(world: World, bank_id: str, typed: list[str]) -> str:
    """Half the interview, quit, the rest after a resume: everything the console prints."""
    half = len(typed) // 2
    first = _console_run(world, bank_id, [*typed[:half], "quit"])
    stopped = await first.begin(bank_id, None, PSEUDO)
    assert not stopped.finished and stopped.answers
    second = _console_run(world, bank_id, typed[half:])
    done = await second.resume()
    assert done is not None and done.finished
    out = "\n".join(run.stdout.getvalue() for run in (first, second))
    world.shown.data |= set(RECEIPT.findall(out))
    return out


def _console_run(world: World, bank_id: str, typed: list[str]) -> ConsoleInterview:
    return ConsoleInterview(
        store=world.store,
        respondents=world.respondents,
        addresses=Addresses(SECRET, Sealer(SECRET)),
        presenter=ConsolePresenter(LIBRARY),
        stdin=io.StringIO("".join(f"{line}\n" for line in typed)),
        stdout=io.StringIO(),
        code=f"console-{bank_id}",
    )


# --- the whole round ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("pseudo")
    write_pseudo_catalog(extract(folder), folder / "locales")
    use_catalogs(folder / "locales")
    yield folder / "locales"
    use_catalogs(None)


@pytest.fixture(scope="module")
def shown(catalogs: Path, tmp_path_factory: pytest.TempPathFactory) -> Shown:
    assert PSEUDO in shipped_locales()
    return asyncio.run(_round(tmp_path_factory.mktemp("round") / "readiness.db"))


async def _round(database: Path) -> Shown:
    store = await Store.open(database)
    locales = shipped_locales()
    world = World(
        store=store,
        respondents=Respondents(LIBRARY, SECRET, Submitter(SECRET), locales),
        desk=Desk(locales, Links("readiness_test_bot")),
        presenter=Presenter(LIBRARY),
        reports=Reports(LIBRARY),
        shown=Shown(),
    )
    try:
        world.shown.data |= {language_name(loc) for loc in locales}
        pre, checklist = await set_up(world)
        world.shown.data |= {pre.id, checklist.id}
        await answer_campaign(world, pre, PANEL)
        await answer_campaign(world, checklist, PANEL[:3])
        await around_the_interview(world, pre, checklist)
        await personal_tries(world)
        await coordinate(world, pre, checklist)
        await remind_to_reassess(world, checklist)
        await reports_beyond_the_bot(world, pre, checklist)
        for bank_id in ("preassessment", "capacity_checklist"):
            world.shown.add(
                f"console/{bank_id}", await console(world, bank_id, console_lines(bank_id))
            )
        responses = await store.read.responses.of_campaign(pre.id)
        world.shown.exported = export_table(pre, responses, LIBRARY)
    finally:
        await store.close()
    for description in (d for _, d in (*RESPONDENT_COMMANDS, *COORDINATOR_COMMANDS)):
        world.shown.add("menu", translator(PSEUDO).gettext(description))
    return world.shown


def _failure(leftovers: list[str]) -> str:
    return f"{len(leftovers)} lines with English left:\n" + "\n".join(leftovers[:40])


@pytest.mark.parametrize(
    "part", ["respondent/preassessment", "respondent/capacity_checklist", "respondent/around"]
)
def test_what_respondents_see_in_telegram_is_translated(shown: Shown, part: str) -> None:
    assert len(shown.of(part)) > 50
    assert shown.english(part) == [], _failure(shown.english(part))


def test_a_personal_try_is_translated(shown: Shown) -> None:
    assert len(shown.of("respondent/personal")) > 50
    assert shown.english("respondent/personal") == [], _failure(
        shown.english("respondent/personal")
    )


@pytest.mark.parametrize("part", ["coordinator/set-up", "coordinator/desk"])
def test_what_coordinators_do_is_translated(shown: Shown, part: str) -> None:
    assert len(shown.of(part)) > 10
    assert shown.english(part) == [], _failure(shown.english(part))


@pytest.mark.parametrize(
    "kind",
    ["summary", "target", "reassess_due", "report", "chart", "export", "comments", "priorities"],
)
def test_notices_and_reports_in_telegram_are_translated(shown: Shown, kind: str) -> None:
    part = f"coordinator/{kind}"
    assert shown.of(part), part
    assert shown.english(part) == [], _failure(shown.english(part))


@pytest.mark.parametrize("part", ["report/preassessment/", "report/capacity/"])
def test_report_texts_json_labels_and_chart_words_are_translated(shown: Shown, part: str) -> None:
    assert shown.english(part) == [], _failure(shown.english(part))


@pytest.mark.parametrize("bank", ["preassessment", "capacity_checklist"])
def test_the_console_is_translated(shown: Shown, bank: str) -> None:
    (whole,) = shown.of(f"console/{bank}")
    assert pseudo("Please review your answers.") in whole
    assert shown.english(f"console/{bank}") == [], _failure(shown.english(f"console/{bank}"))


def test_the_menus_are_translated(shown: Shown) -> None:
    assert shown.english("menu") == [], _failure(shown.english("menu"))


def test_every_fixed_text_is_in_the_catalog(catalogs: Path) -> None:
    """A net under the journeys above: each respondent and coordinator text, on its own."""
    tr = translator(PSEUDO)
    english = []
    for module in (texts, coordinator_texts):
        for name, msgid in vars(module).items():
            if name.isupper() and isinstance(msgid, str):
                params = dict.fromkeys(re.findall(r"\{([a-z_]+)\}", msgid), 1)
                shown = tr.gettext(msgid).format(**params)
                english += [f"{module.__name__}.{name}: {line}" for line in english_left(shown)]
    assert english == [], _failure(english)


def test_the_pseudo_locale_is_what_is_shown(shown: Shown) -> None:
    everything = "\n".join(text for _, text in shown.texts)
    progress = translator(PSEUDO).gettext("Question {number} of {total}")
    assert progress == pseudo("Question {number} of {total}") == "⟦Ǫûéšţîöñ {number} öƒ {total}⟧"
    assert "⟦Ǫûéšţîöñ 1 öƒ 26⟧" in everything
    assert everything.count(OPEN) > 1000 and everything.count(CLOSE) > 1000


def test_the_console_takes_the_catalogs_of_a_translator(
    catalogs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n\n\n\n" + TYPED + "\nquit\n"))
    assert main(["console", "--catalogs", str(catalogs), "--lang", PSEUDO]) == 0
    out = capsys.readouterr().out
    found = re.search(r"--resume ([\w-]+)", out)  # a code may hold "-" and "_"
    assert found, out
    code = found.group(1)
    command = f"readiness-bot console --flow preassessment --resume {code}"
    assert pseudo("To continue later: {command}").format(command=command) in out.splitlines()
    assert english_left(out, [*TYPED_DATA, command]) == []


# --- the finder itself, and the one deliberate exception ----------------------------------------


def test_english_is_found_and_named() -> None:
    shown = "⟦Ŕéàďîñéšš⟧ 4,21\n<b>Sectors</b>\n⟦Ŕéàďîñéšš {x}⟧".replace("{x}", "the Riverside")
    assert english_left(shown) == [
        "»Sectors«   [Sectors]",
        "⟦Ŕéàďîñéšš »the« »Riverside«⟧   [the, Riverside]",
    ]
    assert english_left(shown, ["Sectors", "Riverside"]) == ["⟦Ŕéàďîñéšš »the«  ⟧   [the]"]
    assert english_left("⟦Šéñď /delete⟧ <code>⟦çöďé⟧</code> &amp; 4,21 ⟦ƀàçķ⟧") == []


def test_what_a_translator_keeps_is_kept() -> None:
    assert pseudo("<b>Level {level}</b>\n\nSend /delete {code} at https://t.me/x") == (
        "⟦<b>Ĺéṽéĺ {level}</b>⟧\n\n⟦Šéñď /delete {code} àţ https://t.me/x⟧"
    )
    assert pseudo("{answer} {count}") == "{answer} {count}"


def test_exports_stay_english_by_design(shown: Shown) -> None:
    """bot/reports/export.py: labels are English in every export, whatever language the
    interview was in, so files from interviews in different languages line up; the captions
    sent with the files are translated (checked with the notices above)."""
    table = shown.exported
    assert table is not None and len(table.rows) == len(PANEL)
    cells = [str(cell) for row in table.rows for cell in row if cell is not None]
    entries = [text for e in table.dictionary for text in (e.description, e.values)]
    everything = [*table.header, *cells, *entries, *(str(v) for _, v in table.campaign)]
    assert not [text for text in everything if OPEN in text or CLOSE in text]
    assert "Level 4 · Preplanning" in cells
    assert table.header[:3] == ["response", "completed_on", "language"]
    assert {row[2] for row in table.rows} == {PSEUDO}
