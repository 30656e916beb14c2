"""The coordinator's side of the scoring workbench: the team (interviewers, scorers, a
reviewer) invited by one-time links, the scores' progress, finalising, the focus of step 10
and a new round. The caller has checked that she coordinates the campaign."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from bot.i18n import N_, translator
from bot.services import workbench
from bot.services.coordinator_texts import LINK_TEXT
from bot.services.effects import Effects, Later, Reply, Settle, Toast
from bot.services.staff_views import RemoveConfirm, ScoringProgress, TeamView
from bot.services.views import Phrase, QrCode, ReportRequest, Say
from bot.services.workbench import INTERVIEWER, REVIEWER, SCORER, Refusal
from bot.storage.clock import new_token
from bot.storage.records import Campaign
from bot.storage.repos import Repos
from bot.workbench_report import FOCUS

ROLES = (INTERVIEWER, SCORER, REVIEWER)
ROLE_NAMES = {
    INTERVIEWER: N_("interviewer"),
    SCORER: N_("scorer"),
    REVIEWER: N_("reviewer"),
}
DEFAULT_NAMES = {
    INTERVIEWER: N_("Interviewer {number}"),
    SCORER: N_("Scorer {number}"),
    REVIEWER: N_("Reviewer {number}"),
}
STAFF_INVITE = N_(
    "A one-time link that gives its first user the role of {role} in “{name}”. Forward it "
    "only to that person:\n{link}"
)
STAFF_JOINED = N_(
    "Welcome: you are now {member}, with the role of {role} in “{name}”. You see its "
    "interviews by their labels only, never who gave them. /work shows what there is to do."
)
FINALISED_NOW = N_(
    "The scores of “{name}” are final: overall {score}, level {level}. The full report and "
    "the scorecards follow."
)
REPEATED = N_(
    "A new round of “{name}” is ready, with the same settings, coordinators and team; its "
    "links are new. The report shows the trend over the rounds."
)
FOCUS_SAVED = N_("Saved. Efforts centre on: {focus}.")
REMOVED = N_("{member} is no longer on the team of “{name}”.")
COMMENT_STEP = "comment"
"""The coordinator's draft while she types her comment on the scores."""
COORDINATOR_COMMENT_ASK = N_(
    "Type your comment on the scores of “{name}”: your impressions of the interviews and any "
    "outcomes unique to this community (Appendix E step 10). Send /cancel to leave it."
)
COMMENT_SAVED = N_("Your comment is saved with the scores.")
COMMENT_DROPPED = N_("No comment was saved.")
LinkOf = Callable[[str], str]
INTERVIEWER_LED = ("full_assessment",)
"""Flows whose interviews interviewers conduct: they have no respondent link."""
SCORED_FLOWS = ("preassessment", "full_assessment")
"""Flows whose interviews a team may score (Appendix C's "Analyzing Responses", Appendix E)."""


def invite_digest(token: str) -> str:
    # Only a digest is stored: a copy of the database cannot be used to join.
    return hashlib.sha256(token.encode()).hexdigest()


async def team(tx: Repos, locale: str, campaign: Campaign) -> Effects:
    members = await tx.staff.of_campaign(campaign.id)
    order = {role: index for index, role in enumerate(ROLES)}
    listed = tuple(
        (m.role, m.name, m.id) for m in sorted(members, key=lambda m: (order[m.role], m.joined_at))
    )
    view = TeamView(locale, campaign.id, campaign.name, listed, campaign.flow in INTERVIEWER_LED)
    return [Reply(view)]


async def invite(
    tx: Repos, telegram_id: int, locale: str, campaign: Campaign, role: str, link_of: LinkOf
) -> Effects:
    token = new_token()
    await tx.invites.create(invite_digest(token), campaign.id, telegram_id, role)
    said = Say(
        locale,
        (
            Phrase(
                STAFF_INVITE,
                {"role": ROLE_NAMES[role], "name": campaign.name, "link": link_of(token)},
            ),
        ),
    )
    return [Reply(said)]


async def remove(
    tx: Repos, locale: str, campaign: Campaign, staff_id: str, confirmed: bool
) -> Effects:
    """A member leaves the team: asked first; her handed-in scores stop counting, and she
    no longer sees the campaign. Refused once the scores are final (they are locked)."""
    member = await tx.staff.by_id(staff_id)
    if member is None or member.campaign_id != campaign.id:
        return [Toast(locale, Phrase(workbench.NOT_FOUND))]
    if campaign.finalised_at is not None:
        return [Toast(locale, Phrase(workbench.FINALISED))]
    if not confirmed:
        asked = RemoveConfirm(
            locale, campaign.id, member.id, member.name, member.role, campaign.name
        )
        return [Reply(asked)]
    await tx.staff.remove(member.id)
    done = Phrase(REMOVED, {"member": member.name, "name": campaign.name})
    return [Settle(locale, done), *await team(tx, locale, campaign)]


async def join(tx: Repos, telegram_id: int, locale: str, campaign: Campaign, role: str) -> Effects:
    """The invite's first user joins the team, under a default name the scorecards show."""
    existing = await tx.staff.member(campaign.id, role, telegram_id)
    if existing is None:
        number = await tx.staff.count(campaign.id, role) + 1
        name = translator(locale).gettext(DEFAULT_NAMES[role]).format(number=number)
        existing = await tx.staff.add(
            campaign.id, role, name, telegram_id=telegram_id, locale=locale
        )
    joined = Phrase(
        STAFF_JOINED,
        {"member": existing.name, "role": ROLE_NAMES[role], "name": campaign.name},
    )
    return [Reply(Say(locale, (joined,)))]


async def progress(tx: Repos, locale: str, campaign: Campaign) -> Effects:
    book = await workbench.workbook(tx, campaign.id)
    assert book is not None
    rounds = await tx.campaigns.rounds(campaign.id)
    view = ScoringProgress(
        locale=locale,
        campaign_id=campaign.id,
        name=campaign.name,
        interviews=len(book.interviews),
        scorers=tuple((s.name, len(book.handed_in(s))) for s in book.scorers),
        unagreed=book.unagreed(),
        reviewed=any(c.role == REVIEWER for c in book.comments),
        final=book.final,
        focus=campaign.focus,
        rounds=len(rounds),
    )
    return [Reply(view)]


async def finalise(tx: Repos, telegram_id: int, locale: str, campaign: Campaign) -> Effects:
    try:
        result = await workbench.finalise(tx, telegram_id, campaign.id)
    except Refusal as refused:
        return [Reply(Say(locale, (Phrase(refused.message, refused.params),)))]
    overall = result.overall
    assert overall is not None  # every interview has its seven agreed scores
    done = Phrase(
        FINALISED_NOW,
        {"name": campaign.name, "score": f"{float(overall.score):.2f}", "level": overall.level},
    )
    return [
        Settle(),
        Reply(Say(locale, (done,))),
        Later(ReportRequest(locale=locale, kind="scorecard", campaign_id=campaign.id)),
        Later(ReportRequest(locale=locale, kind="scorecards", campaign_id=campaign.id)),
    ]


async def set_focus(
    tx: Repos, telegram_id: int, locale: str, campaign: Campaign, focus: str
) -> Effects:
    try:
        await workbench.coordinator_comment(tx, telegram_id, campaign.id, "", focus)
    except Refusal as refused:
        return [Reply(Say(locale, (Phrase(refused.message, refused.params),)))]
    said = Phrase(FOCUS_SAVED, {"focus": FOCUS[focus]})
    return [Settle(locale, said), *await progress(tx, locale, campaign)]


async def comment(tx: Repos, telegram_id: int, locale: str, campaign_id: str, text: str) -> Effects:
    """Her typed comment (step 10); a refusal (too long, finalised) keeps the draft."""
    try:
        await workbench.coordinator_comment(tx, telegram_id, campaign_id, text)
    except Refusal as refused:
        return [Reply(Say(locale, (Phrase(refused.message, refused.params),)))]
    await tx.coordinators.set_draft(telegram_id, None)
    campaign = await tx.campaigns.by_id(campaign_id)
    assert campaign is not None
    return [Reply(Say(locale, (Phrase(COMMENT_SAVED),))), *await progress(tx, locale, campaign)]


async def repeat(
    tx: Repos, telegram_id: int, locale: str, campaign: Campaign, link_of: LinkOf
) -> Effects:
    fresh = await workbench.repeat(tx, telegram_id, campaign.id)
    said = Say(locale, (Phrase(REPEATED, {"name": fresh.name}),))
    if fresh.flow in INTERVIEWER_LED:
        return [Settle(), Reply(said), *await team(tx, locale, fresh)]
    link = link_of(fresh.respondent_token)
    shared = Say(locale, (Phrase(LINK_TEXT, {"name": fresh.name, "link": link}),))
    return [Settle(), Reply(said), Reply(shared), Reply(QrCode(link, fresh.name))]


BLINDED = N_(
    "You score this assessment too: its report and scorecards show the other scorers' scores, "
    "so they open for you once you have handed in every interview (Appendix E step 4)."
)


async def blinded(tx: Repos, telegram_id: int, campaign: Campaign) -> bool:
    """Whether she also scores the campaign and has not handed in every interview yet: then
    nothing that carries another scorer's scores may reach her, coordinator or not."""
    member = await tx.staff.member(campaign.id, SCORER, telegram_id)
    if member is None:
        return False
    book = await workbench.workbook(tx, campaign.id)
    return book is not None and not book.may_compare(member) and bool(book.interviews)
