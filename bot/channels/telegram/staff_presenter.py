"""The scoring team's screens in Telegram: the team, each role's card, a whole interview, a
dimension to score with its nine Appendix B statements, hand-in, the consensus sheet, and
the coordinator's view of the scores. Every string is translated here, at render time."""

from __future__ import annotations

import html
from dataclasses import dataclass
from fractions import Fraction

from bot.channels.telegram import callbacks as cb
from bot.channels.telegram.markup import Button, Rendered, Text, clear_row, split_long
from bot.channels.telegram.markup import button as _b
from bot.channels.telegram.markup import escaped as _e
from bot.flows.values import AnswerValue
from bot.i18n import N_, Translator, translator
from bot.render import describe_answer
from bot.services import texts
from bot.services.staff_views import (
    AgreeDimension,
    AgreementRow,
    AgreementView,
    DimensionSheet,
    HandInView,
    InterviewRecord,
    InterviewStatus,
    RemoveConfirm,
    ScoringProgress,
    StaffHome,
    StaffView,
    TeamView,
)
from bot.services.team import ROLE_NAMES
from bot.services.views import Recorded, TeamNotice
from bot.services.workbench import FOCUSES, INTERVIEWER, REVIEWER, SCORER
from bot.workbench_report import FOCUS
from questions.loader import Library
from questions.schema import DIMENSION_IDS, Kind, Question
from scoring import format_score

HALF_STEPS = tuple(Fraction(n, 2) for n in range(2, 19))
"""1, 1.5, ... 9: every score Appendix E allows."""

TEAM_TITLE = N_("<b>The team of “{name}”</b>")
TEAM_EMPTY = N_("No one yet. Invite at least two scorers and a reviewer (Appendix E).")
TEAM_MEMBER = N_("{member} ({role})")
REMOVE_ASK = N_(
    "Remove {member} ({role}) from “{name}”? They lose access to it, and the scores they "
    "handed in no longer count."
)
REMOVE_YES = N_("✖ Remove")
REMOVE_NO = N_("Keep")
INVITE_INTERVIEWER = N_("➕ Invite an interviewer")
INVITE_SCORER = N_("➕ Invite a scorer")
INVITE_REVIEWER = N_("➕ Invite a reviewer")
SCORES_BUTTON = N_("🧮 Scores")
CARD_TITLE = N_("<b>{name}</b>: you are {member} ({role}).")
INTERVIEWER_CARD = N_(
    "Interviews recorded: {count}. Start one when the respondent is with you or on the "
    "phone: read the script aloud, then type what she says under each question."
)
START_INTERVIEW = N_("▶ Start an interview")
SCORER_CARD = N_(
    "Read each interview whole, then score each dimension against its Appendix B "
    "statements. Nobody sees your scores, nor you theirs, until every scorer has handed in."
)
SCORER_LINE = N_("{label}: scored {scored} of 7")
HANDED_IN_LINE = N_("{label}: handed in ✓")
COMPARE_LINE = N_("{label}: differences of a level or more {flagged} · agreed {agreed} of 7")
TO_CONFIRM = N_(" · {count} to confirm")
REVIEWER_CARD = N_(
    "Read the interviews and the proposed agreed scores, then leave your comments for the "
    "coordinator before the scores are finalised (Appendix E step 7)."
)
REVIEWER_LINE = N_("{label}: agreed {agreed} of 7")
NO_INTERVIEWS = N_("No interview is recorded yet.")
FINAL_NOTE = N_("The scores are final.")
COMMENT_WHOLE = N_("💬 Comment on the whole")
COMMENT_DIMENSION = N_("💬 {dimension}")
INTERVIEW_TITLE = N_("<b>Interview {label}</b>")
PROPOSED = N_("<b>Proposed agreed scores</b>")
NOT_AGREED = N_("not agreed yet")
SHEET_TITLE = N_("<b>Interview {label}: {dimension}</b>")
SHEET_ANSWERS = N_("<b>What the respondent said</b>")
SHEET_NO_ANSWERS = N_("(no answer bears on this dimension)")
SHEET_LEVELS = N_("<b>The nine levels (Appendix B)</b>")
SHEET_RULE = N_(
    "A level needs every level below it: score the highest level whose statement, and "
    "every statement below it, the answers support. Use a half step when they show more "
    "than one level but not all of the next."
)
SHEET_CHOSEN = N_("Your score: {score}")
HAND_IN_TITLE = N_("<b>Your scores of interview {label}</b>")
HAND_IN_NOTE = N_(
    "Tap a dimension to change its score. Once handed in, your scores of this interview can "
    "no longer change."
)
HAND_IN_BUTTON = N_("✅ Hand in")
NOT_SCORED = N_("not scored")
AGREEMENT_TITLE = N_("<b>Interview {label}: agreeing the scores</b>")
AGREEMENT_NOTE = N_(
    "⚠️ marks scores a level or more apart: discuss them first. One scorer enters each agreed "
    "score and another confirms it."
)
AGREED_CONFIRMED = N_("agreed {score} ✓")
AGREED_MINE = N_("agreed {score}, waiting for the other scorer")
AGREED_THEIRS = N_("agreed {score}, waiting for you to confirm")
ENTER_SAME = N_("= Enter the identical scores")
CONFIRM_ALL = N_("✔ Confirm {count}")
AGREE_TITLE = N_("<b>Interview {label}: {dimension}</b>")
AGREE_NOTE = N_("Tap the score you agreed on.")
BACK_TO_SHEET = N_("◀ The interview's scores")
BACK_TO_CARD = N_("◀ My interviews")
PROGRESS_TITLE = N_("<b>Scores of “{name}”</b>")
PROGRESS_INTERVIEWS = N_("Interviews recorded: {count}")
PROGRESS_SCORER = N_("{scorer}: handed in {done} of {count}")
PROGRESS_NO_SCORERS = N_("No scorer has joined yet: invite two from the team.")
PROGRESS_UNAGREED = N_("Agreed scores missing or unconfirmed: {count}")
PROGRESS_REVIEWED = N_("The reviewer has commented.")
PROGRESS_NOT_REVIEWED = N_("No reviewer's comment yet.")
PROGRESS_FOCUS = N_("Efforts centre on: {focus}.")
PROGRESS_NO_FOCUS = N_("Where do the community's efforts centre (Appendix E step 10)?")
PROGRESS_FINAL = N_("Final: the scores are locked.")
PROGRESS_ROUNDS = N_("Round {number} of this assessment.")
FINALISE = N_("🔒 Finalise the scores")
COMMENT = N_("💬 Your comment (step 10)")
REPEAT = N_("🔁 Repeat this assessment")
REPORT = N_("📊 Report")
SCORECARDS = N_("📁 Scorecards")
TEAM = N_("👥 Team")
FOCUS_BUTTONS = {
    "criminal_justice": N_("Criminal justice"),
    "public_health": N_("Public health"),
    "both": N_("Both"),
}


STAFF_VIEWS = (
    TeamView,
    StaffHome,
    InterviewRecord,
    DimensionSheet,
    HandInView,
    AgreementView,
    AgreeDimension,
    ScoringProgress,
    RemoveConfirm,
    Recorded,
)


TEAM_NOTICES = {
    "to_confirm": N_("Agreed scores of interview {label} of “{name}” wait for your confirmation."),
    "all_handed_in": N_(
        "Every scorer has handed in every interview of “{name}”: the scores can now be "
        "compared and agreed."
    ),
    "ready_for_review": N_(
        "Every agreed score of “{name}” is entered and confirmed: it is ready for the "
        "reviewer's comments."
    ),
    "reviewed": N_("The reviewer has commented on the scores of “{name}”."),
}
OPEN_WORK = N_("Open")


@dataclass
class StaffPresenter:
    library: Library

    def render(self, view: StaffView | Recorded) -> list[Rendered]:
        tr = translator(view.locale)
        match view:
            case TeamView():
                return [self._team(view, tr)]
            case StaffHome():
                return [self._home(view, tr)]
            case InterviewRecord():
                return split_long(self._record(view, tr))
            case DimensionSheet():
                return split_long(self._sheet(view, tr))
            case HandInView():
                return [self._hand_in(view, tr)]
            case AgreementView():
                return [self._agreement(view, tr)]
            case AgreeDimension():
                return [self._agree(view, tr)]
            case ScoringProgress():
                return [self._progress(view, tr)]
            case RemoveConfirm():
                return [self._remove(view, tr)]
            case Recorded(label=label, receipt=code):
                return [Text(_e(tr, texts.RECORDED, label=label, code=code), [clear_row(tr)])]
        raise TypeError(f"no rendering for {view!r}")

    def notice(self, view: TeamNotice) -> Text:
        """What waits for her, with the button that opens it."""
        tr = translator(view.locale)
        text = _e(tr, TEAM_NOTICES[view.event], name=view.name, label=view.label)
        cid = view.campaign_id
        opens: cb.Button = (
            cb.CampaignAction("s", cid)
            if view.role == "coordinator"
            else cb.StaffCard(cid, view.role)
        )
        return Text(text, [[_b(tr.gettext(OPEN_WORK), opens)]])

    # --- the team and the cards ----------------------------------------------------------

    def _team(self, view: TeamView, tr: Translator) -> Text:
        lines = [tr.format(TEAM_TITLE, name=html.escape(view.name))]
        remove: list[list[Button]] = []
        for role, member, staff_id in view.members:
            lines.append(_e(tr, TEAM_MEMBER, member=member, role=tr.gettext(ROLE_NAMES[role])))
            remove.append([_b(f"✖ {member}", cb.RemoveStaff(view.campaign_id, staff_id))])
        if not view.members:
            lines.append(_e(tr, TEAM_EMPTY))
        cid = view.campaign_id
        rows = [
            [_b(tr.gettext(INVITE_SCORER), cb.InviteStaff(cid, SCORER))],
            [_b(tr.gettext(INVITE_REVIEWER), cb.InviteStaff(cid, REVIEWER))],
            [_b(tr.gettext(SCORES_BUTTON), cb.CampaignAction("s", cid))],
        ]
        rows.insert(0, [_b(tr.gettext(INVITE_INTERVIEWER), cb.InviteStaff(cid, INTERVIEWER))])
        return Text("\n".join(lines), rows + _columns(remove))

    def _remove(self, view: RemoveConfirm, tr: Translator) -> Text:
        role = tr.gettext(ROLE_NAMES[view.role])
        text = _e(tr, REMOVE_ASK, member=view.member, role=role, name=view.name)
        yes = cb.RemoveStaff(view.campaign_id, view.staff_id, confirmed=True)
        keep = cb.CampaignAction("t", view.campaign_id)
        return Text(text, [[_b(tr.gettext(REMOVE_YES), yes), _b(tr.gettext(REMOVE_NO), keep)]])

    def _home(self, view: StaffHome, tr: Translator) -> Text:
        role = tr.gettext(ROLE_NAMES[view.role])
        title = tr.format(
            CARD_TITLE, name=html.escape(view.name), member=html.escape(view.member_name), role=role
        )
        cid = view.campaign_id
        if view.role == INTERVIEWER:
            body = _e(tr, INTERVIEWER_CARD, count=len(view.interviews))
            return Text(
                f"{title}\n{body}", [[_b(tr.gettext(START_INTERVIEW), cb.StartInterview(cid))]]
            )
        intro = SCORER_CARD if view.role == SCORER else REVIEWER_CARD
        lines = [title, _e(tr, intro), ""]
        rows: list[list[Button]] = []
        for status in view.interviews:
            lines.append(self._status_line(view, status, tr))
            rows.append([self._status_button(view, status)])
        if not view.interviews:
            lines.append(_e(tr, NO_INTERVIEWS))
        if view.final:
            lines.append("\n" + _e(tr, FINAL_NOTE))
        if view.role == REVIEWER and view.interviews and not view.final:
            rows.append([_b(tr.gettext(COMMENT_WHOLE), cb.CommentOn(cid, "all"))])
            rows.append([_b(d, cb.CommentOn(cid, d)) for d in DIMENSION_IDS])
        return Text("\n".join(lines), _columns(rows))

    def _status_line(self, view: StaffHome, status: InterviewStatus, tr: Translator) -> str:
        label = status.label
        if view.role == REVIEWER:
            return _e(tr, REVIEWER_LINE, label=label, agreed=status.agreed)
        if view.may_compare:
            line = _e(tr, COMPARE_LINE, label=label, flagged=status.flagged, agreed=status.agreed)
            if status.to_confirm:
                line += _e(tr, TO_CONFIRM, count=status.to_confirm)
            return line
        if status.handed_in:
            return _e(tr, HANDED_IN_LINE, label=label)
        return _e(tr, SCORER_LINE, label=label, scored=status.scored)

    def _status_button(self, view: StaffHome, status: InterviewStatus) -> Button:
        cid, label = view.campaign_id, status.label
        if view.role == REVIEWER:
            return _b(f"📖 {label}", cb.InterviewStep("R", cid, label))
        if view.may_compare:
            return _b(f"🤝 {label}", cb.InterviewStep("A", cid, label))
        mark = "✓" if status.handed_in else "✏️"
        return _b(f"{mark} {label}", cb.InterviewStep("O", cid, label))

    # --- reading and scoring -------------------------------------------------------------

    def _record(self, view: InterviewRecord, tr: Translator) -> Text:
        lines = [tr.format(INTERVIEW_TITLE, label=view.label)]
        for number, (question, value) in enumerate(view.items, start=1):
            lines.append(f"\n<b>{number}. {html.escape(tr.gettext(question.prompt))}</b>")
            lines.append(html.escape(self._answer(question, value, tr)))
        if view.proposed:
            lines.append("\n" + tr.gettext(PROPOSED))
            for dimension, score in view.proposed:
                shown = format_score(score) if score is not None else tr.gettext(NOT_AGREED)
                lines.append(f"{self._dimension(dimension, tr)}: {html.escape(shown)}")
        return Text("\n".join(lines))

    def _answer(self, question: Question, value: AnswerValue, tr: Translator) -> str:
        if question.kind is Kind.TEXT and isinstance(value, str):
            return value  # the whole note: a scorer reads all of it
        return describe_answer(question, value, tr, self.library.model)

    def _dimension(self, dimension: str, tr: Translator) -> str:
        return f"{dimension}. {tr.gettext(self.library.model.dimension(dimension).name)}"

    def _sheet(self, view: DimensionSheet, tr: Translator) -> Text:
        name = html.escape(self._dimension(view.dimension, tr))
        lines = [tr.format(SHEET_TITLE, label=view.label, dimension=name), ""]
        lines.append(tr.gettext(SHEET_ANSWERS))
        for question, value in view.items:
            lines.append(f"• <i>{html.escape(tr.gettext(question.prompt))}</i>")
            lines.append(html.escape(self._answer(question, value, tr)))
        if not view.items:
            lines.append(_e(tr, SHEET_NO_ANSWERS))
        lines += ["", tr.gettext(SHEET_LEVELS)]
        for level in self.library.model.levels:
            statement = tr.gettext(level.characteristics[view.dimension])  # type: ignore[index]
            stage = tr.gettext(level.stage)
            lines.append(f"<b>{level.level}. {html.escape(stage)}</b>: {html.escape(statement)}")
        lines += ["", _e(tr, SHEET_RULE)]
        if view.chosen is not None:
            lines.append(_e(tr, SHEET_CHOSEN, score=format_score(view.chosen)))
        cid, label, dim = view.campaign_id, view.label, view.dimension
        scores = [
            _b(_mark(score, view.chosen), cb.ScoreDimension(cid, label, dim, _step(score)))
            for score in HALF_STEPS
        ]
        jump = [
            _b(f"· {d} ·" if d == dim else d, cb.ScoreDimension(cid, label, d))
            for d in DIMENSION_IDS
        ]
        back = [_b(tr.gettext(BACK_TO_CARD), cb.StaffCard(cid, SCORER))]
        return Text("\n".join(lines), [*_rows(scores, 5), jump, back])

    def _hand_in(self, view: HandInView, tr: Translator) -> Text:
        lines = [tr.format(HAND_IN_TITLE, label=view.label)]
        for dimension, score in view.scores:
            shown = format_score(score) if score is not None else tr.gettext(NOT_SCORED)
            lines.append(f"{html.escape(self._dimension(dimension, tr))}: {html.escape(shown)}")
        lines += ["", _e(tr, HAND_IN_NOTE)]
        cid, label = view.campaign_id, view.label
        change = [_b(d, cb.ScoreDimension(cid, label, d)) for d, _ in view.scores]
        rows = [change]
        if all(score is not None for _, score in view.scores):
            rows.append([_b(tr.gettext(HAND_IN_BUTTON), cb.InterviewStep("H", cid, label))])
        rows.append([_b(tr.gettext(BACK_TO_CARD), cb.StaffCard(cid, SCORER))])
        return Text("\n".join(lines), rows)

    # --- agreeing (consensus) ------------------------------------------------------------

    def _agreement(self, view: AgreementView, tr: Translator) -> Text:
        lines = [tr.format(AGREEMENT_TITLE, label=view.label), _e(tr, AGREEMENT_NOTE), ""]
        for row in view.rows:
            lines.append(self._agreement_line(row, tr))
        cid, label = view.campaign_id, view.label
        rows = [
            [
                _b(r.dimension, cb.ScoreDimension(cid, label, r.dimension, agreed=True))
                for r in view.rows
            ]
        ]
        if any(r.agreed is None and len({s for _, s in r.scores}) == 1 for r in view.rows):
            rows.append([_b(tr.gettext(ENTER_SAME), cb.InterviewStep("M", cid, label))])
        waiting = sum(
            1 for r in view.rows if r.agreed is not None and not r.confirmed and not r.entered_by_me
        )
        if waiting:
            confirm = tr.format(CONFIRM_ALL, count=waiting)
            rows.append([_b(confirm, cb.InterviewStep("C", cid, label))])
        rows.append([_b(tr.gettext(BACK_TO_CARD), cb.StaffCard(cid, SCORER))])
        return Text("\n".join(lines), rows)

    def _agreement_line(self, row: AgreementRow, tr: Translator) -> str:
        given = " · ".join(
            f"{html.escape(name)} {format_score(score)}" for name, score in row.scores
        )
        line = f"{'⚠️ ' if row.flagged else ''}<b>{row.dimension}</b>: {given}"
        if row.agreed is not None:
            said = (
                AGREED_CONFIRMED
                if row.confirmed
                else AGREED_MINE
                if row.entered_by_me
                else AGREED_THEIRS
            )
            line += " → " + _e(tr, said, score=format_score(row.agreed))
        return line

    def _agree(self, view: AgreeDimension, tr: Translator) -> Text:
        name = html.escape(self._dimension(view.row.dimension, tr))
        lines = [
            tr.format(AGREE_TITLE, label=view.label, dimension=name),
            self._agreement_line(view.row, tr),
            "",
            _e(tr, SHEET_RULE),
            _e(tr, AGREE_NOTE),
        ]
        cid, label, dim = view.campaign_id, view.label, view.row.dimension
        scores = [
            _b(
                _mark(score, view.row.agreed),
                cb.ScoreDimension(cid, label, dim, _step(score), agreed=True),
            )
            for score in HALF_STEPS
        ]
        back = [_b(tr.gettext(BACK_TO_SHEET), cb.InterviewStep("A", cid, label))]
        return Text("\n".join(lines), [*_rows(scores, 5), back])

    # --- the coordinator's view ----------------------------------------------------------

    def _progress(self, view: ScoringProgress, tr: Translator) -> Text:
        lines = [tr.format(PROGRESS_TITLE, name=html.escape(view.name))]
        if view.rounds > 1:
            lines.append(_e(tr, PROGRESS_ROUNDS, number=view.rounds))
        lines.append(_e(tr, PROGRESS_INTERVIEWS, count=view.interviews))
        for scorer, done in view.scorers:
            lines.append(_e(tr, PROGRESS_SCORER, scorer=scorer, done=done, count=view.interviews))
        if not view.scorers:
            lines.append(_e(tr, PROGRESS_NO_SCORERS))
        lines.append(_e(tr, PROGRESS_UNAGREED, count=view.unagreed))
        lines.append(_e(tr, PROGRESS_REVIEWED if view.reviewed else PROGRESS_NOT_REVIEWED))
        if view.focus in FOCUS:
            lines.append(_e(tr, PROGRESS_FOCUS, focus=tr.gettext(FOCUS[view.focus])))
        elif not view.final:
            lines.append(_e(tr, PROGRESS_NO_FOCUS))
        if view.final:
            lines.append(_e(tr, PROGRESS_FINAL))
        cid = view.campaign_id

        def action(label: str, code: str) -> Button:
            return _b(tr.gettext(label), cb.CampaignAction(code, cid))

        rows: list[list[Button]] = []
        if not view.final:
            focus = [_b(tr.gettext(FOCUS_BUTTONS[f]), cb.ChooseFocus(cid, f)) for f in FOCUSES]
            rows += [focus, [action(COMMENT, "e")], [action(FINALISE, "f")]]
        rows.append([action(REPORT, "r"), action(SCORECARDS, "x")])
        rows.append([action(TEAM, "t")])
        if view.final:
            rows.append([action(REPEAT, "g")])
        return Text("\n".join(lines), rows)


def _step(score: Fraction) -> str:
    """A half step as a button carries it: "4", "4.5"."""
    return str(score.numerator) if score.denominator == 1 else f"{score.numerator // 2}.5"


def _mark(score: Fraction, chosen: Fraction | None) -> str:
    shown = _step(score)
    return f"• {shown} •" if score == chosen else shown


def _rows(buttons: list[Button], width: int) -> list[list[Button]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def _columns(rows: list[list[Button]]) -> list[list[Button]]:
    """One interview per button, two to a row, so a long list stays short on a phone."""
    single = [row[0] for row in rows if len(row) == 1]
    rest = [row for row in rows if len(row) != 1]
    return [*_rows(single, 2), *rest]
