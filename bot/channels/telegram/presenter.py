"""Telegram presenter: views become HTML text with inline keyboards, photos and documents.

The one place that knows Telegram's markup; every string is translated here, at render time,
in the view's locale.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from fractions import Fraction

from bot.channels.telegram import callbacks as cb
from bot.channels.telegram.markup import (
    Button,
    Document,
    Photo,
    Rendered,
    Text,
    clear_row,
    leave_row,
    split_long,
)
from bot.channels.telegram.markup import button as _b
from bot.channels.telegram.markup import escaped as _e
from bot.channels.telegram.staff_presenter import STAFF_VIEWS, StaffPresenter
from bot.flows.interview import Ask
from bot.i18n import N_, Translator, is_reviewed, language_name, translator
from bot.render import (
    KEEP_ANSWER,
    PREFER_NOT,
    RenderedQuestion,
    describe_answer,
    privacy_notice,
    reason,
    render_ask,
    review_lines,
    stage_label,
)
from bot.reports import (
    capacity_text,
    comments_text,
    preassessment_text,
    priorities_text,
)
from bot.reports import scored as sr
from bot.results import own_result
from bot.services import coordinator_texts as ct
from bot.services import texts
from bot.services.effects import Settle, Toast
from bot.services.reports import Material
from bot.services.team import INTERVIEWER_LED, SCORED_FLOWS
from bot.services.views import (
    CampaignCard,
    CampaignStatus,
    CloseConfirm,
    Consent,
    CoordinatorHelp,
    DeleteConfirm,
    LanguageChoice,
    Notice,
    PickCampaign,
    QrCode,
    QuestionView,
    ReassessDue,
    Refusal,
    ReportRequest,
    ResponseSummary,
    Result,
    ReviewView,
    Say,
    SetupStep,
    TargetReached,
    TeamNotice,
    View,
    VolunteerAsk,
    Welcome,
)
from questions.loader import Library
from questions.schema import Kind

FLOW_NAMES = ct.FLOW_NAMES
COMMUNITY_TYPES = ct.COMMUNITY_TYPE_NAMES


@dataclass
class Presenter:
    library: Library

    # --- respondent views ----------------------------------------------------------------

    def render(self, view: View) -> list[Rendered]:
        match view:
            case Say():
                return split_long(self.say(view))
            case Refusal(locale=locale, reason=refused):
                return [Text(html.escape(reason(translator(locale), refused)))]
            case Welcome(locale=locale):
                return [self._welcome(translator(locale))]
            case LanguageChoice():
                return [self._languages(view)]
            case Consent():
                return [self._consent(view)]
            case QuestionView():
                return split_long(self.question(view))
            case ReviewView():
                return split_long(self._review(view))
            case Result():
                return split_long(self._result(view))
            case VolunteerAsk(locale=locale, offer_id=oid, limit=limit):
                tr = translator(locale)
                cancel = [[_b(tr.gettext(texts.VOLUNTEER_CANCEL), cb.VolunteerOffer(oid, False))]]
                return [Text(_e(tr, texts.VOLUNTEER_CONSENT, limit=limit), cancel)]
            case DeleteConfirm(locale=locale, session_id=sid):
                tr = translator(locale)
                buttons = [
                    [
                        _b(tr.gettext(texts.DELETE_YES), cb.EraseOpen(sid)),
                        _b(tr.gettext(texts.DELETE_NO), cb.KeepAnswers()),
                    ]
                ]
                return [Text(_e(tr, texts.DELETE_CONFIRM), buttons)]
            case CoordinatorHelp(locale=locale):
                return [Text(_e(translator(locale), ct.COORDINATOR_HELP))]
            case CampaignCard():
                return [self._card(view)]
            case PickCampaign():
                return [self._pick(view)]
            case CloseConfirm():
                return [self._close_confirm(view)]
            case SetupStep():
                return [self.setup_step(view)]
            case QrCode(link=link, caption=caption):
                return [Photo(qr_png(link), caption)]
            case _ if isinstance(view, STAFF_VIEWS):
                return StaffPresenter(self.library).render(view)
        raise TypeError(f"no rendering for {view!r}")

    def say(self, view: Say) -> Text:
        tr = translator(view.locale)
        parts = [_e(tr, phrase.msgid, **phrase.params) for phrase in view.phrases]
        buttons = [clear_row(tr)] if view.offer_clear else []
        return Text("\n\n".join(parts), buttons)

    def toast(self, toast: Toast) -> str:
        tr = translator(toast.locale)
        return tr.format(toast.phrase.msgid, **toast.phrase.params)

    def settled(self, original_html: str, settle: Settle) -> Text:
        """A tapped message with its keyboard gone and, if any, the choice appended."""
        tr = translator(settle.locale)
        shown = None
        if settle.phrase is not None:
            shown = tr.format(settle.phrase.msgid, **settle.phrase.params)
        elif settle.question is not None:
            shown = describe_answer(settle.question, settle.value, tr, self.library.model)
        return Text(original_html + (f"\n\n✅ <b>{html.escape(shown)}</b>" if shown else ""))

    def _welcome(self, tr: Translator) -> Text:
        body = _e(tr, texts.WELCOME) + "\n\n" + _e(tr, texts.FOR_COORDINATORS)
        buttons = [
            [_b(tr.gettext(texts.START_PERSONAL_PRE), cb.PersonalRun("preassessment"))],
            [_b(tr.gettext(texts.START_PERSONAL_CHECKLIST), cb.PersonalRun("capacity_checklist"))],
        ]
        return Text(body, buttons)

    def _languages(self, view: LanguageChoice) -> Text:
        tr = translator(view.locale)
        buttons = [
            _b(
                ("✓ " if locale == view.locale else "") + language_name(locale),
                cb.PickLanguage(view.session_id, locale),
            )
            for locale in view.offered
        ]
        text = _e(tr, N_("Which language would you like to use?"))
        return Text(text, [buttons, leave_row(tr)])

    def _consent(self, view: Consent) -> Text:
        tr = translator(view.locale)
        bank = self.library.bank(view.bank_id)
        parts = [f"<b>{html.escape(tr.gettext(bank.title))}</b>"]
        if view.community:
            parts.append(_who_asks(view, tr))
        description = f"{tr.gettext(bank.description)} {_duration(tr, bank.minutes)}"
        parts.append(html.escape(description))
        notice = privacy_notice(
            tr,
            personal=not view.community,
            unfinished_days=view.unfinished_days,
            reminder_seconds=view.reminder_seconds,
        )
        parts += [html.escape(part) for part in notice]
        body = "\n\n".join(parts)
        buttons = [
            [
                _b(tr.gettext(texts.CONTINUE), cb.ConsentChoice(view.session_id, agreed=True)),
                _b(tr.gettext(texts.NOT_NOW), cb.ConsentChoice(view.session_id, agreed=False)),
            ],
            leave_row(tr),
        ]
        return Text(body, buttons)

    def question(self, view: QuestionView) -> Text:
        tr = translator(view.locale)
        ask, sid = view.ask, view.session_id
        rendered = render_ask(ask, tr, self.library.model)
        qid = ask.question.id
        # Info messages gone past come in the same message: one call, nothing to tap.
        head = "".join(f"{_e(tr, info.prompt)}\n\n" for info in view.passed)
        if rendered.progress:
            head += f"<i>{html.escape(rendered.progress)}</i>\n\n"
        rows: list[list[Button]] = []
        if rendered.gate:
            rows.append([_b(tr.gettext(N_("Read it ▶")), cb.ContinueOn(sid, qid))])
        elif rendered.is_info:
            rows.append([_b(tr.gettext(N_("Continue ▶")), cb.ContinueOn(sid, qid))])
        elif rendered.multi:
            for choice in rendered.choices:
                tick = "☑️" if choice.value in rendered.selection else "⬜"
                rows.append([_b(f"{tick} {choice.label}", cb.TickOption(sid, qid, choice.value))])
            rows.append([_b(tr.gettext(N_("Done ✔")), cb.DoneTicking(sid, qid))])
        else:
            rows.extend(_choice_rows(sid, qid, rendered, ask))
        if rendered.can_keep:
            rows.append([_b(tr.gettext(KEEP_ANSWER), cb.KeepAnswer(sid, qid))])
        if rendered.can_decline:
            rows.append([_b(tr.gettext(PREFER_NOT), cb.DeclineQuestion(sid, qid))])
        navigation: list[Button] = []
        if rendered.can_go_back:
            navigation.append(_b(tr.gettext(N_("◀ Back")), cb.GoBack(sid, view.marker)))
        if rendered.can_skip:
            skip = N_("Skip it ⏭") if rendered.gate else N_("Skip ⏭")
            navigation.append(_b(tr.gettext(skip), cb.SkipQuestion(sid, qid)))
        if navigation:
            rows.append(navigation)
        rows.append(leave_row(tr))
        return Text(head + rendered.text, rows)

    def _review(self, view: ReviewView) -> Text:
        tr = translator(view.locale)
        sid = view.session_id
        heading = _e(tr, N_("Please review your answers."))
        parts = [f"<b>{heading}</b>"]
        numbers: list[Button] = []
        for title, lines in review_lines(view.review, tr, self.library.model):
            parts.append(f"\n<b>{html.escape(title)}</b>")
            for line in lines:
                parts.append(
                    f"{line.number}. {html.escape(line.title)} → <i>{html.escape(line.answer)}</i>"
                )
                numbers.append(_b(f"✏️ {line.number}", cb.EditAnswer(sid, line.question_id)))
        parts.append(
            "\n" + _e(tr, N_("Tap a number to change that answer, or Submit when you are ready."))
        )
        rows = [numbers[i : i + 6] for i in range(0, len(numbers), 6)]
        rows.append([_b(tr.gettext(N_("✅ Submit")), cb.SubmitAnswers(sid))])
        rows.append([_b(tr.gettext(N_("◀ Back")), cb.GoBack(sid, ""))])
        rows.append(leave_row(tr))
        return Text("\n".join(parts), rows)

    def _result(self, view: Result) -> Text:
        tr = translator(view.locale)
        lines = own_result(tr, self.library.model, view.assessment, view.checklist)
        intro = texts.THANKS_PERSONAL if view.personal else texts.THANKS
        body = "\n\n".join(
            [
                _e(tr, intro),
                html.escape("\n".join(lines)),
                tr.format(texts.RECEIPT, code=html.escape(view.receipt)),
                _e(tr, texts.HOTLINE),
            ]
        )
        # Her answers are in the review above this: one tap takes it all off her screen.
        rows = [clear_row(tr)]
        if view.volunteer_offer is not None:
            offer = cb.VolunteerOffer(view.volunteer_offer)
            rows.insert(0, [_b(tr.gettext(texts.VOLUNTEER_BUTTON), offer)])
        return Text(body, rows)

    # --- coordinator views ---------------------------------------------------------------

    def _card(self, view: CampaignCard) -> Text:
        tr = translator(view.locale)
        text = tr.format(
            ct.CAMPAIGN_LINE,
            name=html.escape(view.name),
            flow=html.escape(tr.gettext(FLOW_NAMES[view.flow])),
            state=tr.gettext(ct.STATE_OPEN if view.is_open else ct.STATE_CLOSED),
            done=view.done,
            open=view.open,
            low=view.low,
            high=view.high,
        )
        cid = view.campaign_id
        toggle = (ct.BUTTON_CLOSE, "c") if view.is_open else (ct.BUTTON_REOPEN, "o")

        def button(label: str, action: str) -> Button:
            return _b(tr.gettext(label), cb.CampaignAction(action, cid))

        # Interviewers conduct the full assessment: its card has the team, not a link.
        led = view.flow in INTERVIEWER_LED
        reach = button(ct.BUTTON_TEAM, "t") if led else button(ct.BUTTON_LINK, "l")
        buttons = [
            [button(ct.BUTTON_REPORT, "r"), button(ct.BUTTON_EXPORT, "x")],
            [reach, button(toggle[0], toggle[1])],
            [button(ct.BUTTON_INVITE, "i")],
            [button(ct.BUTTON_MUTE, "m"), button(ct.BUTTON_UNMUTE, "u")],
            [button(ct.BUTTON_LEAVE, "q")],
        ]
        if view.flow in SCORED_FLOWS:
            extra = [button(ct.BUTTON_SCORES, "s")] + ([] if led else [button(ct.BUTTON_TEAM, "t")])
            buttons.insert(2, extra)
        if view.volunteers is not None:
            label = tr.format(ct.BUTTON_VOLUNTEERS, count=view.volunteers)
            buttons.insert(3, [_b(label, cb.CampaignAction("v", cid))])
        return Text(text, buttons)

    def _pick(self, view: PickCampaign) -> Text:
        tr = translator(view.locale)
        buttons = [[_b(name, cb.CampaignAction(view.action, cid))] for cid, name in view.campaigns]
        return Text(_e(tr, ct.PICK_CAMPAIGN), buttons)

    def _close_confirm(self, view: CloseConfirm) -> Text:
        tr = translator(view.locale)
        text = _e(tr, ct.CLOSE_CONFIRM, name=view.name, open=view.open, done=view.done)
        cid = view.campaign_id
        buttons = [
            [
                _b(tr.gettext(ct.BUTTON_CLOSE), cb.CampaignAction("y", cid)),
                _b(tr.gettext(ct.KEEP_OPEN), cb.CampaignAction("k", cid)),
            ]
        ]
        return Text(text, buttons)

    def setup_step(self, view: SetupStep) -> Text:
        tr = translator(view.locale)
        draft = view.draft
        step = draft.get("step")
        draft_id = str(draft.get("id", ""))

        def choice(label: str, value: str) -> list[Button]:
            return [_b(label, cb.SetupChoice(str(step), value, draft_id))]

        if step == "description":
            return Text(_e(tr, ct.NEW_DESCRIPTION), [choice(tr.gettext(ct.SKIP), "skip")])
        if step == "organisation":
            return Text(_e(tr, ct.NEW_ORGANISATION))
        if step == "type":
            rows = [choice(tr.gettext(label), key) for key, label in COMMUNITY_TYPES.items()]
            return Text(_e(tr, ct.NEW_TYPE), rows)
        if step == "flow":
            rows = [choice(tr.gettext(label), bank) for bank, label in FLOW_NAMES.items()]
            return Text(_e(tr, ct.NEW_FLOW), rows)
        if step == "languages":
            chosen = set(_strings(draft.get("languages")))
            drafted = [loc for loc in view.locales if not is_reviewed(loc)]
            buttons = [
                choice(
                    ("☑️ " if loc in chosen else "⬜ ")
                    + language_name(loc)
                    + (" *" if loc in drafted else ""),
                    loc,
                )[0]
                for loc in view.locales
            ]
            rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
            rows.append(choice(tr.gettext(ct.DONE), "done"))
            text = _e(tr, ct.NEW_LANGUAGES)
            if drafted:
                text += "\n\n" + _e(tr, ct.MACHINE_DRAFTED_NOTE)
            return Text(text, rows)
        languages = _strings(draft.get("languages")) or list(view.locales)
        text = tr.format(
            ct.NEW_CONFIRM,
            name=html.escape(str(draft.get("name", ""))),
            description=html.escape(str(draft.get("description", ""))),
            organisation=html.escape(str(draft.get("organisation", ""))),
            type=html.escape(tr.gettext(COMMUNITY_TYPES[str(draft["type"])])),
            flow=html.escape(tr.gettext(FLOW_NAMES[str(draft["flow"])])),
            languages=", ".join(language_name(loc) for loc in languages),
        )
        confirm = [*choice(tr.gettext(ct.CREATE), "yes"), *choice(tr.gettext(ct.CANCEL), "no")]
        return Text(text, [confirm])

    # --- deferred views (rendered when the outbox delivers them) -------------------------

    def deferred(self, view: Notice | ReportRequest, material: Material) -> list[Rendered]:
        tr = translator(view.locale)
        if isinstance(view, CampaignStatus):
            told = ct.CLOSED_BY_OTHER if view.closed else ct.REOPENED_BY_OTHER
            return [Text(_e(tr, told, name=view.campaign))]
        if isinstance(view, TargetReached):
            text = _e(
                tr,
                ct.TARGET_REACHED,
                name=view.campaign,
                count=view.count,
                low=view.low,
                high=view.high,
            )
            return [Text(text)]
        if isinstance(view, ResponseSummary):
            return [self._summary(view, tr)]
        if isinstance(view, ReassessDue):
            text = _e(tr, ct.REASSESS_DUE, name=view.name, day=tr.date(view.finalised_on))
            repeat = _b(tr.gettext(ct.BUTTON_REPEAT), cb.CampaignAction("g", view.campaign_id))
            return [Text(text, [[repeat]])]
        if isinstance(view, TeamNotice):
            return [StaffPresenter(self.library).notice(view)]
        if material.campaign is None:
            return [Text(_e(tr, ct.NOT_FOUND))]
        return self._report(view, material, tr)

    def _summary(self, view: ResponseSummary, tr: Translator) -> Text:
        lines = [
            f"<b>{_e(tr, texts.SUMMARY_TITLE, name=view.campaign)}</b>",
            _e(tr, texts.SUMMARY_COUNT, count=view.count, low=view.low, high=view.high),
        ]
        if view.provisional:
            lines.append(_e(tr, texts.SUMMARY_PROVISIONAL))
        levels = view.levels
        if view.bank != "preassessment":
            return Text("\n".join(lines))
        lines.append("")
        if levels is None:
            lines.append(_e(tr, texts.SUMMARY_LEVELS_LATER, at=view.next_levels_at))
            return Text("\n".join(lines))
        model = self.library.model
        score = Fraction(levels.score)
        level = stage_label(tr, model, levels.level)
        lines.append(
            _e(
                tr,
                texts.SUMMARY_CAMPAIGN,
                covers=levels.covers,
                score=tr.number(score),
                level=level,
            )
        )
        lines.append(_e(tr, texts.SUMMARY_PROCEED if levels.proceed else texts.SUMMARY_WAIT))
        lines.append(
            html.escape(
                tr.fill(
                    tr.ngettext(
                        "{count} of the seven dimensions is at levels 1-3.",
                        "{count} of the seven dimensions are at levels 1-3.",
                        levels.below_4,
                    ),
                    count=levels.below_4,
                )
            )
        )
        if levels.provisional:
            lines.append(_e(tr, texts.SUMMARY_LEVELS_PROVISIONAL))
        lines.append(_e(tr, texts.SUMMARY_LEVELS_LATER, at=view.next_levels_at))
        return Text("\n".join(lines))

    def _report(self, view: ReportRequest, material: Material, tr: Translator) -> list[Rendered]:
        campaign = material.campaign
        assert campaign is not None
        if view.kind == "export":
            return [
                Document(data, name, self._export_caption(name, campaign.name, material.count, tr))
                for name, data in material.files
            ]
        if view.kind == "volunteers":
            return split_long(self._volunteers(campaign.id, campaign.name, material, tr))
        if view.kind in ("scorecard", "scorecards", "trend"):
            return self._scored(view, material, tr)
        if material.capacity is not None:
            return split_long(Text(capacity_text(material.capacity, self.library, tr)))
        report = material.preassessment
        assert report is not None
        match view.kind:
            case "chart":
                assert material.png is not None
                caption = tr.format(ct.CHART_CAPTION, name=campaign.name)
                return [Photo(material.png, caption)]
            case "priorities":
                return split_long(Text(priorities_text(report, self.library, tr)))
            case "comments":
                return split_long(Text(comments_text(report, self.library, tr, view.topic)))
        text = preassessment_text(report, self.library, tr)
        return split_long(Text(text, self._report_buttons(campaign.id, tr)))

    def _scored(self, view: ReportRequest, material: Material, tr: Translator) -> list[Rendered]:
        """The scored result, the scorecard files, or the rounds' trend (Appendix E, Step 7)."""
        campaign = material.campaign
        assert campaign is not None
        if view.kind == "scorecards":
            return [
                Document(data, name, self._scorecard_caption(name, campaign.name, tr))
                for name, data in material.files
            ]
        if view.kind == "trend":
            assert material.trend is not None
            text = sr.trend_text(material.trend, self.library.model, tr)
            caption = tr.format(sr.TREND_CAPTION, name=campaign.name)
        else:
            assert material.scored is not None
            text = sr.scored_text(material.scored, self.library, tr)
            caption = tr.format(sr.SCORED_CAPTION, name=campaign.name)
        rendered = split_long(Text(text))
        if material.png is not None:
            rendered.append(Photo(material.png, caption))
        return rendered

    @staticmethod
    def _scorecard_caption(filename: str, name: str, tr: Translator) -> str:
        if filename.endswith(".xlsx"):
            return tr.format(sr.SCORECARDS_CAPTION_XLSX, name=name)
        title = sr.file_title(filename)
        return tr.format(
            sr.SCORECARDS_CAPTION_CSV, name=name, scorecard=tr.gettext(title) if title else filename
        )

    @staticmethod
    def _volunteers(campaign_id: str, name: str, material: Material, tr: Translator) -> Text:
        """Typed by respondents, so escaped; numbered in listing order, which is random."""
        if not material.volunteers:
            return Text(_e(tr, ct.VOLUNTEERS_NONE, name=name))
        lines = [f"<b>{_e(tr, ct.VOLUNTEERS_TITLE, name=name)}</b>", ""]
        buttons: list[list[Button]] = []
        for number, (vid, contact, day) in enumerate(material.volunteers, start=1):
            lines.append(_e(tr, ct.VOLUNTEER_LINE, number=number, contact=contact, day=day))
            label = tr.format(ct.VOLUNTEER_DELETE, number=number)
            buttons.append([_b(label, cb.ForgetVolunteer(campaign_id, vid))])
        lines += ["", _e(tr, ct.VOLUNTEERS_REMINDER)]
        return Text("\n".join(lines), buttons)

    @staticmethod
    def _export_caption(filename: str, name: str, count: int, tr: Translator) -> str:
        caption = ct.EXPORT_CAPTION_CSV if filename.endswith(".csv") else ct.EXPORT_CAPTION_XLSX
        return tr.format(caption, name=name, count=count)

    def _report_buttons(self, campaign_id: str, tr: Translator) -> list[list[Button]]:
        dimension_buttons = [
            _b(
                tr.format(ct.COMMENTS_BUTTON, dimension=d.id),
                cb.CampaignComments(campaign_id, d.id),
            )
            for d in self.library.model.dimensions
        ]
        return [
            dimension_buttons[:4],
            dimension_buttons[4:],
            [_b(tr.gettext(ct.COMMUNITY), cb.CampaignComments(campaign_id, "community"))],
            [_b(tr.gettext(ct.ALL_PRIORITIES), cb.CampaignAction("p", campaign_id))],
        ]


def _who_asks(view: Consent, tr: Translator) -> str:
    """Typed by the coordinator, so escaped; the community's own description, as written."""
    lines = [_e(tr, texts.ABOUT_COMMUNITY, community=view.community)]
    if view.description:
        lines.append(f"<i>{html.escape(view.description)}</i>")
    if view.organisation:
        lines.append(_e(tr, texts.ASKED_BY, organisation=view.organisation))
    return "\n".join(lines)


def _choice_rows(sid: str, qid: str, rendered: RenderedQuestion, ask: Ask) -> list[list[Button]]:
    buttons = [_b(c.label, cb.AnswerChoice(sid, qid, c.value)) for c in rendered.choices]
    kind = ask.question.kind
    if kind is Kind.SCALE:
        return [buttons[:5], buttons[5:]]
    if kind is Kind.YES_NO:
        return [buttons[:2], buttons[2:]]
    return [[b] for b in buttons]


def qr_png(link: str) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def _duration(tr: Translator, minutes: int) -> str:
    return tr.format(texts.DURATION, minutes=tr.number(minutes))
