"""The coordinator's desk in Telegram: set up, list, report, export, close and share campaigns.

Every action re-checks that the coordinator coordinates the campaign named in the command or
the (possibly forged) button; anything else looks exactly like a campaign that does not exist.
"""

from __future__ import annotations

import html
import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import segno

from bot.i18n import Translator, language_name, translator
from bot.inbound import Incoming
from bot.reports import (
    build_capacity_report,
    build_preassessment_report,
    capacity_text,
    comments_text,
    export_table,
    preassessment_text,
    priorities_text,
    readiness_chart,
    to_csv,
    to_xlsx,
)
from bot.storage import repos
from bot.storage.repos import Campaign, Conn
from bot.telegram import coordinator_texts as ct
from bot.telegram.coordinators import deep_link, invite_digest
from bot.telegram.presenter import FLOW_CODES, Message
from questions.loader import Library
from scoring import RECOMMENDED, CommunityType

if TYPE_CHECKING:
    from bot.telegram.journey import Journey

COMMANDS = frozenset({"new", "campaigns", "report", "export", "mute", "unmute", "cancel"})
FLOW_NAMES = {"preassessment": ct.FLOW_PRE, "capacity_checklist": ct.FLOW_CAP}
TYPES = {"rural": ct.RURAL, "suburban": ct.SUBURBAN, "urban": ct.URBAN}
MAX_NAME = 120
MAX_DESCRIPTION = 600
NOT_MINE = object()


@dataclass
class Desk:
    library: Library
    bot_username: str = ""

    async def handle(self, journey: Journey, db: Conn, ev: Incoming) -> object:
        """The toast (or None) when this was a coordinator's event; NOT_MINE otherwise."""
        if ev.user_id is None or not await repos.is_coordinator(db, ev.user_id):
            return NOT_MINE
        tr = translator(await repos.coordinator_locale(db, ev.user_id) or "en")
        if ev.kind == "command" and ev.command in COMMANDS:
            await self._command(journey, db, ev, tr)
            return None
        if ev.kind == "command" and ev.command == "help":
            await journey.send(
                db, ev.chat_id, Message(html.escape(tr.gettext(ct.COORDINATOR_HELP)))
            )
            return NOT_MINE  # the respondent help (hotline) follows too
        if ev.kind == "callback" and (ev.callback_data or "").startswith("k"):
            return await self._button(journey, db, ev, tr)
        if ev.kind == "text" and await repos.get_draft(db, ev.user_id) is not None:
            await self._draft_text(journey, db, ev, tr)
            return None
        return NOT_MINE

    # --- commands ------------------------------------------------------------------------

    async def _command(self, journey: Journey, db: Conn, ev: Incoming, tr: Translator) -> None:
        assert ev.user_id is not None
        match ev.command:
            case "new":
                await repos.set_draft(db, ev.user_id, json.dumps({"step": "name"}))
                await self._say(journey, db, ev, tr.gettext(ct.NEW_NAME))
            case "cancel":
                await repos.set_draft(db, ev.user_id, None)
                await self._say(journey, db, ev, tr.gettext(ct.NEW_CANCELLED))
            case "campaigns":
                await self._list(journey, db, ev, tr)
            case "report" | "export" | "mute" | "unmute":
                action = {"report": "r", "export": "x", "mute": "m", "unmute": "u"}[ev.command]
                await self._on_campaign(journey, db, ev, tr, action, ev.args.strip())

    async def _on_campaign(
        self, journey: Journey, db: Conn, ev: Incoming, tr: Translator, action: str, wanted: str
    ) -> None:
        """Run `action` on the named campaign, or ask which one when it is not obvious."""
        assert ev.user_id is not None
        mine = await repos.campaigns_of(db, ev.user_id)
        if wanted:
            chosen = [c for c in mine if c.id == wanted]
            if not chosen:
                await self._say(journey, db, ev, tr.gettext(ct.NOT_FOUND))
                return
            await self._act(journey, db, ev, tr, action, chosen[0])
        elif len(mine) == 1:
            await self._act(journey, db, ev, tr, action, mine[0])
        elif not mine:
            await self._say(journey, db, ev, tr.gettext(ct.NO_CAMPAIGNS))
        else:
            buttons = [[(c.name, f"k{action}:{c.id}")] for c in mine]
            await journey.send(
                db, ev.chat_id, Message(html.escape(tr.gettext(ct.PICK_CAMPAIGN)), buttons)
            )

    async def _list(self, journey: Journey, db: Conn, ev: Incoming, tr: Translator) -> None:
        assert ev.user_id is not None
        mine = await repos.campaigns_of(db, ev.user_id)
        if not mine:
            await self._say(journey, db, ev, tr.gettext(ct.NO_CAMPAIGNS))
            return
        for campaign in mine:
            await journey.send(db, ev.chat_id, await self._card(db, campaign, tr))

    async def _card(self, db: Conn, campaign: Campaign, tr: Translator) -> Message:
        low, high = RECOMMENDED[CommunityType(campaign.community_type)]
        text = tr.gettext(ct.CAMPAIGN_LINE).format(
            name=html.escape(campaign.name),
            flow=html.escape(tr.gettext(FLOW_NAMES[campaign.flow])),
            state=tr.gettext(ct.STATE_OPEN if campaign.is_open else ct.STATE_CLOSED),
            done=await repos.count_responses(db, campaign.id),
            open=await repos.count_open_sessions(db, campaign.id),
            low=low,
            high=high,
        )
        cid = campaign.id
        toggle = (ct.BUTTON_CLOSE, "kc") if campaign.is_open else (ct.BUTTON_REOPEN, "ko")
        buttons = [
            [
                (tr.gettext(ct.BUTTON_REPORT), f"kr:{cid}"),
                (tr.gettext(ct.BUTTON_EXPORT), f"kx:{cid}"),
            ],
            [
                (tr.gettext(ct.BUTTON_LINK), f"kl:{cid}"),
                (tr.gettext(toggle[0]), f"{toggle[1]}:{cid}"),
            ],
            [(tr.gettext(ct.BUTTON_INVITE), f"ki:{cid}")],
            [
                (tr.gettext(ct.BUTTON_MUTE), f"km:{cid}"),
                (tr.gettext(ct.BUTTON_UNMUTE), f"ku:{cid}"),
            ],
            [(tr.gettext(ct.BUTTON_LEAVE), f"kq:{cid}")],
        ]
        return Message(text, buttons)

    # --- buttons -------------------------------------------------------------------------

    async def _button(self, journey: Journey, db: Conn, ev: Incoming, tr: Translator) -> str | None:
        assert ev.user_id is not None
        parts = (ev.callback_data or "").split(":")
        if parts[0] == "kn":
            return await self._draft_button(journey, db, ev, tr, parts[1:])
        if len(parts) < 2 or len(parts[0]) != 2:
            return tr.gettext(ct.NOT_FOUND)
        campaign = await repos.campaign_by_id(db, parts[1])
        if campaign is None or not await repos.coordinates(db, ev.user_id, campaign.id):
            return tr.gettext(ct.NOT_FOUND)
        if parts[0] == "kp" and campaign.flow == "preassessment":
            responses = await repos.responses_of(db, campaign.id)
            report = build_preassessment_report(campaign, responses, self.library)
            text = priorities_text(report, self.library, tr)
            await journey.send(db, ev.chat_id, Message(text), track=False)
            return None
        if parts[0] == "kw":
            await self._comments(journey, db, ev, tr, campaign, parts[2] if len(parts) > 2 else "")
            return None
        await self._act(journey, db, ev, tr, parts[0][1], campaign)
        return None

    async def _act(
        self,
        journey: Journey,
        db: Conn,
        ev: Incoming,
        tr: Translator,
        action: str,
        campaign: Campaign,
    ) -> None:
        assert ev.user_id is not None
        name = campaign.name
        match action:
            case "r":
                await self._report(journey, db, ev, tr, campaign)
            case "x":
                await self._export(journey, db, ev, tr, campaign)
            case "l":
                link = deep_link(self.bot_username, campaign.respondent_token)
                await self._say(
                    journey, db, ev, tr.gettext(ct.LINK_TEXT).format(name=name, link=link)
                )
                await journey.send_photo(db, ev.chat_id, _qr_png(link), caption=name)
            case "c" | "o":
                await repos.set_closed(db, campaign.id, closed=action == "c")
                done = ct.CLOSED_NOW if action == "c" else ct.REOPENED_NOW
                await self._say(journey, db, ev, tr.gettext(done).format(name=name))
            case "m" | "u":
                await repos.set_muted(db, campaign.id, ev.user_id, muted=action == "m")
                done = ct.MUTED_NOW if action == "m" else ct.UNMUTED_NOW
                await self._say(journey, db, ev, tr.gettext(done).format(name=name))
            case "i":
                token = repos.new_token()
                await repos.create_invite(db, invite_digest(token), campaign.id)
                link = deep_link(self.bot_username, token)
                await self._say(
                    journey, db, ev, tr.gettext(ct.INVITE_TEXT).format(name=name, link=link)
                )
            case "q":
                await repos.remove_coordinator(db, ev.user_id, campaign.id)
                await self._say(journey, db, ev, tr.gettext(ct.LEFT_NOW).format(name=name))

    # --- reports -------------------------------------------------------------------------

    async def _report(
        self, journey: Journey, db: Conn, ev: Incoming, tr: Translator, campaign: Campaign
    ) -> None:
        responses = await repos.responses_of(db, campaign.id)
        if campaign.flow == "capacity_checklist":
            report = build_capacity_report(campaign, responses, self.library)
            await journey.send(db, ev.chat_id, Message(capacity_text(report, self.library, tr)))
            return
        pre = build_preassessment_report(campaign, responses, self.library)
        dimension_buttons = [
            (tr.gettext(ct.COMMENTS_BUTTON).format(dimension=d.id), f"kw:{campaign.id}:{d.id}")
            for d in self.library.model.dimensions
        ]
        buttons = [dimension_buttons[:4], dimension_buttons[4:]]
        buttons.append([(tr.gettext(ct.COMMUNITY), f"kw:{campaign.id}:community")])
        buttons.append([(tr.gettext(ct.ALL_PRIORITIES), f"kp:{campaign.id}")])
        await journey.send(
            db, ev.chat_id, Message(preassessment_text(pre, self.library, tr), buttons), track=False
        )
        caption = tr.gettext(ct.CHART_CAPTION).format(name=campaign.name)
        await journey.send_photo(db, ev.chat_id, readiness_chart(pre, self.library, tr), caption)

    async def _comments(
        self,
        journey: Journey,
        db: Conn,
        ev: Incoming,
        tr: Translator,
        campaign: Campaign,
        dimension: str,
    ) -> None:
        known = {d.id for d in self.library.model.dimensions} | {"community"}
        if dimension not in known or campaign.flow != "preassessment":
            await self._say(journey, db, ev, tr.gettext(ct.NOT_FOUND))
            return
        responses = await repos.responses_of(db, campaign.id)
        report = build_preassessment_report(campaign, responses, self.library)
        text = comments_text(report, self.library, tr, dimension)
        await journey.send(db, ev.chat_id, Message(text), track=False)

    async def _export(
        self, journey: Journey, db: Conn, ev: Incoming, tr: Translator, campaign: Campaign
    ) -> None:
        responses = await repos.responses_of(db, campaign.id)
        table = export_table(campaign, responses, self.library)
        stem = f"readiness-{campaign.id}"
        caption = tr.gettext(ct.EXPORT_CAPTION).format(name=campaign.name, count=len(responses))
        await journey.send_document(db, ev.chat_id, to_csv(table), f"{stem}.csv", caption)
        await journey.send_document(db, ev.chat_id, to_xlsx(table), f"{stem}.xlsx", caption)

    # --- /new set-up ---------------------------------------------------------------------

    async def _draft_text(self, journey: Journey, db: Conn, ev: Incoming, tr: Translator) -> None:
        assert ev.user_id is not None
        draft = json.loads(await repos.get_draft(db, ev.user_id) or "{}")
        text = (ev.text or "").strip()
        step = draft.get("step")
        limit = MAX_NAME if step == "name" else MAX_DESCRIPTION
        if step not in ("name", "description"):
            await self._say(journey, db, ev, tr.gettext(ct.NEW_TEXT_EXPECTED))
            return
        if not text or ev.text_length > limit:
            await self._say(journey, db, ev, tr.gettext(ct.NEW_TOO_LONG).format(limit=limit))
            return
        draft[step] = text
        draft["step"] = "description" if step == "name" else "type"
        await self._next_step(journey, db, ev, tr, draft)

    async def _draft_button(
        self, journey: Journey, db: Conn, ev: Incoming, tr: Translator, parts: list[str]
    ) -> str | None:
        assert ev.user_id is not None
        stored = await repos.get_draft(db, ev.user_id)
        if stored is None:
            return tr.gettext(ct.NEW_CANCELLED)
        draft = json.loads(stored)
        step, value = [*parts, "", ""][:2]
        if step != draft.get("step"):
            return tr.gettext(ct.NEW_TEXT_EXPECTED)
        match step:
            case "description" if value == "skip":
                draft.update(description="", step="type")
            case "type" if value in TYPES:
                draft.update(type=value, step="flow")
            case "flow" if value in FLOW_CODES:
                draft.update(flow=FLOW_CODES[value], step="languages", languages=[])
            case "languages" if value in journey.locales:
                chosen = set(draft.get("languages", [])) ^ {value}
                draft["languages"] = [loc for loc in journey.locales if loc in chosen]
                await repos.set_draft(db, ev.user_id, json.dumps(draft))
                await journey.edit(
                    db, ev.chat_id, ev.message_id, self._step_message(tr, draft, journey)
                )
                return None
            case "languages" if value == "done":
                draft.update(step="confirm")
            case "confirm" if value == "yes":
                await self._create(journey, db, ev, tr, draft)
                return None
            case "confirm" if value == "no":
                await repos.set_draft(db, ev.user_id, None)
                await self._say(journey, db, ev, tr.gettext(ct.NEW_CANCELLED))
                return None
            case _:
                return tr.gettext(ct.NEW_TEXT_EXPECTED)
        await self._next_step(journey, db, ev, tr, draft)
        return None

    async def _next_step(
        self, journey: Journey, db: Conn, ev: Incoming, tr: Translator, draft: dict[str, Any]
    ) -> None:
        assert ev.user_id is not None
        await repos.set_draft(db, ev.user_id, json.dumps(draft))
        await journey.send(db, ev.chat_id, self._step_message(tr, draft, journey))

    def _step_message(self, tr: Translator, draft: dict[str, Any], journey: Journey) -> Message:
        step = draft.get("step")
        if step == "description":
            return Message(
                html.escape(tr.gettext(ct.NEW_DESCRIPTION)),
                [[(tr.gettext(ct.SKIP), "kn:description:skip")]],
            )
        if step == "type":
            return Message(
                html.escape(tr.gettext(ct.NEW_TYPE)),
                [[(tr.gettext(label), f"kn:type:{key}")] for key, label in TYPES.items()],
            )
        if step == "flow":
            return Message(
                html.escape(tr.gettext(ct.NEW_FLOW)),
                [
                    [(tr.gettext(FLOW_NAMES[bank]), f"kn:flow:{key}")]
                    for key, bank in FLOW_CODES.items()
                ],
            )
        if step == "languages":
            chosen = set(draft.get("languages") or [])
            rows = [
                [(("☑️ " if loc in chosen else "⬜ ") + language_name(loc), f"kn:languages:{loc}")]
                for loc in journey.locales
            ]
            rows.append([(tr.gettext(ct.DONE), "kn:languages:done")])
            return Message(html.escape(tr.gettext(ct.NEW_LANGUAGES)), rows)
        languages = draft.get("languages") or list(journey.locales)
        text = tr.gettext(ct.NEW_CONFIRM).format(
            name=html.escape(str(draft.get("name", ""))),
            description=html.escape(str(draft.get("description", ""))),
            type=html.escape(tr.gettext(TYPES[str(draft["type"])])),
            flow=html.escape(tr.gettext(FLOW_NAMES[str(draft["flow"])])),
            languages=", ".join(language_name(loc) for loc in languages),
        )
        return Message(
            text,
            [[(tr.gettext(ct.CREATE), "kn:confirm:yes"), (tr.gettext(ct.CANCEL), "kn:confirm:no")]],
        )

    async def _create(
        self, journey: Journey, db: Conn, ev: Incoming, tr: Translator, draft: dict[str, Any]
    ) -> None:
        assert ev.user_id is not None
        languages = tuple(draft.get("languages") or ())
        campaign = await repos.create_campaign(
            db,
            name=str(draft["name"]),
            community_type=str(draft["type"]),
            flow=str(draft["flow"]),
            description=str(draft.get("description", "")),
            languages=tuple(str(loc) for loc in languages),
        )
        await repos.add_coordinator(db, ev.user_id, campaign.id, tr.locale)
        await repos.set_draft(db, ev.user_id, None)
        link = deep_link(self.bot_username, campaign.respondent_token)
        low, high = RECOMMENDED[CommunityType(campaign.community_type)]
        await self._say(
            journey,
            db,
            ev,
            tr.gettext(ct.NEW_CREATED).format(name=campaign.name, link=link, low=low, high=high),
        )
        await journey.send_photo(db, ev.chat_id, _qr_png(link), caption=campaign.name)

    async def _say(self, journey: Journey, db: Conn, ev: Incoming, text: str) -> None:
        await journey.send(db, ev.chat_id, Message(html.escape(text)), track=False)


def _qr_png(link: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()
