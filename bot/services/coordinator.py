"""The coordinator's use cases: join by invite, set up an assessment, list, report, export,
share, close, mute, invite a co-coordinator, leave. Channel-neutral; returns effects.

Every action re-checks that the coordinator coordinates the campaign named in the command or
the (possibly forged) button; anything else looks exactly like a campaign that does not exist.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.services import closing, team, texts, volunteers, workbench
from bot.services import coordinator_texts as ct
from bot.services.effects import (
    CoordinatorMenu,
    Effects,
    Later,
    Redraw,
    Reply,
    Settle,
    Toast,
    Unbutton,
)
from bot.services.team import invite_digest
from bot.services.views import (
    CampaignCard,
    CoordinatorHelp,
    Phrase,
    PickCampaign,
    QrCode,
    ReportRequest,
    Say,
    SetupStep,
)
from bot.storage.clock import new_id, new_token
from bot.storage.records import Campaign
from bot.storage.repos import Repos
from scoring import RECOMMENDED, CommunityType

COMMANDS = frozenset({"new", "campaigns", "report", "export", "mute", "unmute", "cancel"})
CAMPAIGN_COMMANDS = {"report": "r", "export": "x", "mute": "m", "unmute": "u"}
ACTIONS = frozenset("rxlcomuiqpwykvtsfge")
"""report, export, link, close, reopen, mute, unmute, invite, quit, priorities, what was said;
close (confirmed), keep open; volunteers for the full assessment; the scoring team, the
scorecard's progress, finalise the scores, repeat the assessment (a new round), her own
comment on the scores (Appendix E step 10)."""
COMMUNITY_TYPES = ("rural", "suburban", "urban")
FLOWS = ("preassessment", "capacity_checklist", "full_assessment")
MAX_NAME = 120
MAX_DESCRIPTION = 600
TYPED_STEPS = {"name": "description", "description": "organisation", "organisation": "type"}
"""The set-up steps answered by typing, and the step each leads to."""
SETUP = "setup"
"""The slot of the set-up's newest message: its buttons go when the set-up moves on."""


@dataclass
class Links:
    """Where a link token leads: the bot's deep link (the bot's @username, learnt at start),
    or, for respondents when the web channel has a public address, its page for the campaign,
    which offers both answering in the browser and opening Telegram."""

    bot_username: str = ""
    web_url: str = ""
    """READINESS_WEB_URL: the web channel's public base URL, '' when it has none."""

    def respondent(self, token: str) -> str:
        return self.web(token) or self.telegram(token)

    def telegram(self, token: str) -> str:
        return f"https://t.me/{self.bot_username}?start={token}"

    def web(self, token: str) -> str:
        return f"{self.web_url.rstrip('/')}/c/{token}" if self.web_url else ""


@dataclass(frozen=True)
class CreatedCampaign:
    campaign: Campaign
    coordinator_token: str
    """'' when no invite was made."""


async def create_campaign(
    tx: Repos,
    *,
    name: str,
    community_type: str,
    flow: str,
    description: str = "",
    languages: tuple[str, ...] = (),
    organisation: str = "",
    invite: bool = True,
) -> CreatedCampaign:
    """A campaign and a one-time invite that makes its first user the coordinator; without
    `invite` (no link to show it in), none: `coordinator_invite` makes one later."""
    campaign = await tx.campaigns.create(
        name=name,
        community_type=community_type,
        flow=flow,
        description=description,
        languages=languages,
        organisation=organisation,
    )
    token = await coordinator_invite(tx, campaign.id) if invite else ""
    return CreatedCampaign(campaign, token)


async def coordinator_invite(
    tx: Repos, campaign_id: str | None, created_by: int | None = None
) -> str:
    """A one-time invite's token: it makes its first user a coordinator (of the campaign)."""
    token = new_token()
    await tx.invites.create(invite_digest(token), campaign_id, created_by)
    return token


@dataclass
class Desk:
    locales: tuple[str, ...]
    links: Links

    # --- joining -------------------------------------------------------------------------

    async def accept_invite(
        self, tx: Repos, telegram_id: int, token: str, locale: str
    ) -> Effects | None:
        """None when the token is not a coordinator invite."""
        used = await tx.invites.use(invite_digest(token))
        if used is None:
            return None
        if not used.fresh:
            return [Reply(Say.of(locale, texts.INVITE_USED))]
        campaign_id = used.campaign_id
        if used.role is not None and campaign_id is not None:
            joined_campaign = await tx.campaigns.by_id(campaign_id)
            if joined_campaign is None:
                return [Reply(Say.of(locale, texts.INVITE_USED))]
            return await team.join(tx, telegram_id, locale, joined_campaign, used.role)
        await tx.coordinators.add(telegram_id, campaign_id, locale)
        campaign = await tx.campaigns.by_id(campaign_id) if campaign_id else None
        joined = (
            Say.of(locale, texts.COORDINATOR_JOINED, name=campaign.name)
            if campaign
            else Say.of(locale, texts.COORDINATOR_JOINED_GENERAL)
        )
        return [CoordinatorMenu(locale), Reply(joined)]

    # --- commands ------------------------------------------------------------------------

    async def command(
        self, tx: Repos, telegram_id: int, locale: str, command: str, args: str
    ) -> Effects:
        match command:
            case "new":
                draft = {"id": new_id(4), "step": "name"}
                await tx.coordinators.set_draft(telegram_id, json.dumps(draft))
                # A set-up begun before is replaced: its buttons go with it.
                return [Unbutton(SETUP), Reply(Say.of(locale, ct.NEW_NAME), SETUP)]
            case "cancel":
                return await self._cancel(tx, telegram_id, locale)
            case "campaigns":
                return await self._list(tx, telegram_id, locale)
            case "help":
                return [Reply(CoordinatorHelp(locale))]
        return await self._on_campaign(
            tx, telegram_id, locale, CAMPAIGN_COMMANDS[command], args.strip()
        )

    async def _on_campaign(
        self, tx: Repos, telegram_id: int, locale: str, action: str, wanted: str
    ) -> Effects:
        """Run `action` on the named campaign, or ask which one when it is not obvious."""
        mine = await tx.campaigns.of_coordinator(telegram_id)
        if wanted:
            chosen = [c for c in mine if c.id == wanted]
            if not chosen:
                return [Reply(Say.of(locale, ct.NOT_FOUND))]
            return await self._act(tx, telegram_id, locale, action, chosen[0])
        if len(mine) == 1:
            return await self._act(tx, telegram_id, locale, action, mine[0])
        if not mine:
            return [Reply(Say.of(locale, ct.NO_CAMPAIGNS))]
        return [Reply(PickCampaign(locale, action, tuple((c.id, c.name) for c in mine)))]

    async def _list(self, tx: Repos, telegram_id: int, locale: str) -> Effects:
        mine = await tx.campaigns.of_coordinator(telegram_id)
        if not mine:
            return [Reply(Say.of(locale, ct.NO_CAMPAIGNS))]
        progress = await tx.responses.progress([c.id for c in mine])
        contacts = await tx.volunteers.counts([c.id for c in mine])
        effects: Effects = []
        for campaign in mine:
            done, open_now = progress.get(campaign.id, (0, 0))
            asks = campaign.flow == "preassessment"  # only it asks who would take part
            low, high = RECOMMENDED[CommunityType(campaign.community_type)]
            card = CampaignCard(
                locale,
                campaign.id,
                campaign.name,
                campaign.flow,
                campaign.is_open,
                done,
                open_now,
                low,
                high,
                contacts.get(campaign.id, 0) if asks else None,
            )
            effects.append(Reply(card))
        return effects

    # --- buttons -------------------------------------------------------------------------

    async def campaign_button(
        self, tx: Repos, telegram_id: int, locale: str, action: str, campaign_id: str, topic: str
    ) -> Effects:
        campaign = await tx.campaigns.by_id(campaign_id)
        if (
            action not in ACTIONS
            or campaign is None
            or not await tx.coordinators.coordinates(telegram_id, campaign.id)
        ):
            return [Toast(locale, Phrase(ct.NOT_FOUND))]
        if action == "p":
            if campaign.flow != "preassessment":
                return [Toast(locale, Phrase(ct.NOT_FOUND))]
            return [Later(ReportRequest(locale=locale, kind="priorities", campaign_id=campaign.id))]
        if action == "w":
            known = {"A", "B", "C", "D", "E", "F", "G", "community"}
            if topic not in known or campaign.flow != "preassessment":
                return [Reply(Say.of(locale, ct.NOT_FOUND))]
            request = ReportRequest(
                locale=locale, kind="comments", campaign_id=campaign.id, topic=topic
            )
            return [Later(request)]
        return await self._act(tx, telegram_id, locale, action, campaign)

    async def _act(
        self, tx: Repos, telegram_id: int, locale: str, action: str, campaign: Campaign
    ) -> Effects:
        name = campaign.name
        if action in ("r", "x") and await team.blinded(tx, telegram_id, campaign):
            return [Reply(Say.of(locale, team.BLINDED))]
        match action:
            case "r":
                trend = [Later(ReportRequest(locale=locale, kind="trend", campaign_id=campaign.id))]
                if campaign.previous_id is None:
                    trend = []  # one round: no trend yet
                if campaign.flow in team.INTERVIEWER_LED:
                    scored = ReportRequest(locale=locale, kind="scorecard", campaign_id=campaign.id)
                    return [Later(scored), *trend]
                report = ReportRequest(locale=locale, kind="report", campaign_id=campaign.id)
                if campaign.flow != "preassessment":
                    return [Later(report)]
                chart = ReportRequest(locale=locale, kind="chart", campaign_id=campaign.id)
                return [Later(report), Later(chart), *trend]
            case "x":
                files = ReportRequest(locale=locale, kind="export", campaign_id=campaign.id)
                if campaign.flow in team.INTERVIEWER_LED:
                    files = files.model_copy(update={"kind": "scorecards"})
                return [Later(files)]
            case "l":
                link = self.links.respondent(campaign.respondent_token)
                return [
                    Reply(Say.of(locale, ct.LINK_TEXT, name=name, link=link)),
                    Reply(QrCode(link, name)),
                ]
            case "c":
                return await closing.ask_to_close(tx, locale, campaign)
            case "y":
                return await closing.close(tx, telegram_id, locale, campaign)
            case "k":
                return closing.keep_open(locale, campaign)
            case "o":
                return await closing.reopen(tx, telegram_id, locale, campaign)
            case "m" | "u":
                await tx.coordinators.set_muted(campaign.id, telegram_id, muted=action == "m")
                done = ct.MUTED_NOW if action == "m" else ct.UNMUTED_NOW
                return [Reply(Say.of(locale, done, name=name))]
            case "i":
                token = await coordinator_invite(tx, campaign.id, telegram_id)
                link = self.links.telegram(token)
                return [Reply(Say.of(locale, ct.INVITE_TEXT, name=name, link=link))]
            case "q":
                await tx.coordinators.remove(telegram_id, campaign.id)
                return [Reply(Say.of(locale, ct.LEFT_NOW, name=name))]
            case "v":
                return volunteers.listing(locale, campaign)
            case "t":
                return await team.team(tx, locale, campaign)
            case "s":
                return await team.progress(tx, locale, campaign)
            case "f":
                return await team.finalise(tx, telegram_id, locale, campaign)
            case "e":
                draft = {"id": new_id(4), "step": team.COMMENT_STEP, "campaign": campaign.id}
                await tx.coordinators.set_draft(telegram_id, json.dumps(draft))
                return [Reply(Say.of(locale, team.COORDINATOR_COMMENT_ASK, name=name))]
            case "g":
                return await team.repeat(tx, telegram_id, locale, campaign, self.links.respondent)
        return [Toast(locale, Phrase(ct.NOT_FOUND))]

    async def team_button(
        self, tx: Repos, telegram_id: int, locale: str, press: TeamPress
    ) -> Effects:
        """An invite of a role, or the focus of step 10, on one of her campaigns."""
        campaign = await tx.campaigns.by_id(press.campaign_id)
        if campaign is None or not await tx.coordinators.coordinates(telegram_id, campaign.id):
            return [Toast(locale, Phrase(ct.NOT_FOUND))]
        if press.role in team.ROLES:
            link = self.links.telegram
            return await team.invite(tx, telegram_id, locale, campaign, press.role, link)
        if press.focus in workbench.FOCUSES:
            return await team.set_focus(tx, telegram_id, locale, campaign, press.focus)
        if press.member:
            return await team.remove(tx, locale, campaign, press.member, press.confirmed)
        return [Toast(locale, Phrase(ct.NOT_FOUND))]

    async def forget_volunteer(
        self, tx: Repos, telegram_id: int, locale: str, campaign_id: str, volunteer_id: str
    ) -> Effects:
        """'Contacted — delete' on the volunteers' list; only the campaign's coordinators."""
        campaign = await tx.campaigns.by_id(campaign_id)
        if campaign is None or not await tx.coordinators.coordinates(telegram_id, campaign.id):
            return [Toast(locale, Phrase(ct.NOT_FOUND))]
        return await volunteers.forget(tx, locale, campaign, volunteer_id)

    # --- /new set-up ---------------------------------------------------------------------

    async def has_draft(self, tx: Repos, telegram_id: int) -> bool:
        return await tx.coordinators.get_draft(telegram_id) is not None

    async def draft_text(
        self, tx: Repos, telegram_id: int, locale: str, text: str, length: int
    ) -> Effects:
        draft = json.loads(await tx.coordinators.get_draft(telegram_id) or "{}")
        step = draft.get("step")
        if step == team.COMMENT_STEP:
            return await team.comment(tx, telegram_id, locale, str(draft["campaign"]), text)
        if step not in TYPED_STEPS:
            return [Reply(Say.of(locale, ct.NEW_BUTTON_EXPECTED))]
        limit = MAX_DESCRIPTION if step == "description" else MAX_NAME
        if not text.strip() or length > limit:
            return [Reply(Say.of(locale, ct.NEW_TOO_LONG, limit=limit))]
        draft[step] = text.strip()
        draft["step"] = TYPED_STEPS[step]
        # Typed, not tapped: no tap edits the step's message, so its Skip button goes here.
        return [Unbutton(SETUP), *await self._next_step(tx, telegram_id, locale, draft)]

    async def draft_button(
        self, tx: Repos, telegram_id: int, locale: str, button: SetupButton
    ) -> Effects:
        stored = await tx.coordinators.get_draft(telegram_id)
        if stored is None:
            return [Toast(locale, Phrase(ct.SETUP_ENDED))]
        draft: dict[str, Any] = json.loads(stored)
        stale = stale_setup_press(draft, button)
        if stale is not None:
            return [Toast(locale, Phrase(stale))]
        step, value = button.step, button.value
        match step:
            case "description" if value == "skip":
                draft.update(description="", step="organisation")
            case "type" if value in COMMUNITY_TYPES:
                draft.update(type=value, step="flow")
            case "flow" if value in FLOWS:
                draft.update(flow=value, step="languages", languages=[])
            case "languages" if value in self.locales:
                chosen = set(draft.get("languages", [])) ^ {value}
                draft["languages"] = [loc for loc in self.locales if loc in chosen]
                await tx.coordinators.set_draft(telegram_id, json.dumps(draft))
                return [Redraw(SetupStep(locale, draft, self.locales))]
            case "languages" if value == "done":
                draft.update(step="confirm")
            case "confirm" if value == "yes":
                return await self._create(tx, telegram_id, locale, draft)
            case "confirm" if value == "no":
                await tx.coordinators.set_draft(telegram_id, None)
                return [Settle(), Reply(Say.of(locale, ct.NEW_CANCELLED), SETUP)]
            case _:
                return [Toast(locale, Phrase(ct.NEW_BUTTON_EXPECTED))]
        label = CHOICE_LABELS.get(value)
        settled = Settle(locale, Phrase(label)) if label else Settle()
        return [settled, *await self._next_step(tx, telegram_id, locale, draft)]

    async def _cancel(self, tx: Repos, telegram_id: int, locale: str) -> Effects:
        stored = await tx.coordinators.get_draft(telegram_id)
        if stored is None:
            # After a campaign was created, "nothing was created" would not be true.
            return [Reply(Say.of(locale, ct.NOTHING_TO_CANCEL))]
        await tx.coordinators.set_draft(telegram_id, None)
        if json.loads(stored).get("step") == team.COMMENT_STEP:
            return [Reply(Say.of(locale, team.COMMENT_DROPPED))]
        return [Unbutton(SETUP), Reply(Say.of(locale, ct.NEW_CANCELLED), SETUP)]

    async def _next_step(
        self, tx: Repos, telegram_id: int, locale: str, draft: dict[str, Any]
    ) -> Effects:
        await tx.coordinators.set_draft(telegram_id, json.dumps(draft))
        return [Reply(SetupStep(locale, draft, self.locales), SETUP)]

    async def _create(
        self, tx: Repos, telegram_id: int, locale: str, draft: dict[str, Any]
    ) -> Effects:
        campaign = await tx.campaigns.create(
            name=str(draft["name"]),
            community_type=str(draft["type"]),
            flow=str(draft["flow"]),
            description=str(draft.get("description", "")),
            languages=tuple(str(loc) for loc in draft.get("languages") or ()),
            organisation=str(draft.get("organisation", "")),
        )
        await tx.coordinators.add(telegram_id, campaign.id, locale)
        await tx.coordinators.set_draft(telegram_id, None)
        if campaign.flow in team.INTERVIEWER_LED:
            # No respondent link: interviewers conduct it. The team is invited next.
            created = Say.of(locale, ct.NEW_CREATED_LED, name=campaign.name)
            return [Settle(), Reply(created, SETUP), *await team.team(tx, locale, campaign)]
        link = self.links.respondent(campaign.respondent_token)
        low, high = RECOMMENDED[CommunityType(campaign.community_type)]
        created = Say.of(locale, ct.NEW_CREATED, name=campaign.name, link=link, low=low, high=high)
        return [Settle(), Reply(created, SETUP), Reply(QrCode(link, campaign.name))]


@dataclass(frozen=True)
class TeamPress:
    """A button of a campaign's team or scores screen: a role to invite, or a focus."""

    campaign_id: str
    role: str = ""
    focus: str = ""
    member: str = ""
    """A member's staff id to remove (asked first; `confirmed` on the confirmation)."""
    confirmed: bool = False


@dataclass(frozen=True)
class SetupButton:
    """A set-up button as pressed: its step, its value, and the set-up it was shown in."""

    step: str
    value: str
    draft_id: str = ""
    """'' on buttons from before set-ups had ids: those are checked by their step only."""


CHOICE_LABELS = {**ct.COMMUNITY_TYPE_NAMES, **ct.FLOW_NAMES, "skip": ct.SKIP}
"""What a tapped set-up message shows as the choice made, by the button's value."""


def stale_setup_press(draft: dict[str, Any], button: SetupButton) -> str | None:
    """Why a set-up button can do nothing in this set-up (the msgid to answer with), or None
    when it answers the step in progress. Old buttons stay where their keyboard could not be removed
    (an edit that failed, a message sent before this check existed)."""
    if button.draft_id and button.draft_id != draft.get("id"):
        return ct.SETUP_EARLIER
    if button.step != draft.get("step"):
        return ct.SETUP_NOT_CURRENT
    return None
