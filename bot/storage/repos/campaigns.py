"""Campaigns, their coordinators, one-time invites and coordinators' unfinished set-ups."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import aiosqlite

from bot.storage.clock import new_token, stamp
from bot.storage.records import Campaign, Coordinator
from bot.storage.repos.base import Repository

_ACTIVE = "k.removed_at IS NULL"
COORDINATOR = "coordinator"
"""An invite's role when it makes a coordinator (the others are staff roles)."""


def _campaign(row: aiosqlite.Row | None) -> Campaign | None:
    return None if row is None else Campaign(**dict(row))


class Campaigns(Repository):
    async def create(
        self,
        *,
        name: str,
        community_type: str,
        flow: str,
        description: str = "",
        languages: tuple[str, ...] = (),
        organisation: str = "",
        previous_id: str | None = None,
    ) -> Campaign:
        campaign = Campaign(
            # Hex: operators type it on the command line, where a leading "-" reads as an option.
            id=secrets.token_hex(4),
            name=name,
            community_type=community_type,
            flow=flow,
            respondent_token=new_token(),
            created_at=stamp(),
            closed_at=None,
            description=description,
            languages=",".join(languages),
            organisation=organisation,
            previous_id=previous_id,
        )
        await self._run(
            "INSERT INTO campaigns (id, name, community_type, flow, respondent_token, created_at,"
            " description, languages, organisation, previous_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                campaign.id,
                campaign.name,
                campaign.community_type,
                campaign.flow,
                campaign.respondent_token,
                campaign.created_at,
                campaign.description,
                campaign.languages,
                campaign.organisation,
                campaign.previous_id,
            ),
        )
        return campaign

    async def by_id(self, campaign_id: str) -> Campaign | None:
        return _campaign(await self._one("SELECT * FROM campaigns WHERE id = ?", (campaign_id,)))

    async def by_token(self, token: str) -> Campaign | None:
        return _campaign(
            await self._one("SELECT * FROM campaigns WHERE respondent_token = ?", (token,))
        )

    async def all(self) -> list[Campaign]:
        rows = await self._all("SELECT * FROM campaigns ORDER BY created_at, id")
        return [Campaign(**dict(row)) for row in rows]

    async def of_coordinator(self, telegram_id: int) -> list[Campaign]:
        """The campaigns a (current) coordinator may see: only their own."""
        rows = await self._all(
            "SELECT c.* FROM campaigns c JOIN campaign_coordinators cc ON cc.campaign_id = c.id"
            f" JOIN coordinators k ON k.telegram_id = cc.telegram_id WHERE cc.telegram_id = ?"
            f" AND {_ACTIVE} ORDER BY c.created_at, c.id",
            (telegram_id,),
        )
        return [Campaign(**dict(row)) for row in rows]

    async def set_closed(self, campaign_id: str, closed: bool) -> None:
        await self._run(
            "UPDATE campaigns SET closed_at = ? WHERE id = ?",
            (stamp() if closed else None, campaign_id),
        )

    async def levels_shown(self, campaign_id: str, count: int) -> None:
        await self._run(
            "UPDATE campaigns SET levels_shown_at = ? WHERE id = ?", (count, campaign_id)
        )

    async def finalise(self, campaign_id: str) -> bool:
        """True the first time: the scores are locked from now on."""
        changed = await self._run(
            "UPDATE campaigns SET finalised_at = ? WHERE id = ? AND finalised_at IS NULL",
            (stamp(), campaign_id),
        )
        return changed > 0

    async def set_focus(self, campaign_id: str, focus: str | None) -> None:
        await self._run("UPDATE campaigns SET focus = ? WHERE id = ?", (focus, campaign_id))

    async def rounds(self, campaign_id: str) -> list[Campaign]:
        """Every round of the assessment this campaign belongs to, the first one first."""
        rows = await self._all(
            "WITH RECURSIVE earlier(id, previous_id) AS ("
            " SELECT id, previous_id FROM campaigns WHERE id = ?"
            " UNION SELECT c.id, c.previous_id FROM campaigns c JOIN earlier e"
            " ON c.id = e.previous_id),"
            " later(id, round) AS (SELECT id, 1 FROM earlier WHERE previous_id IS NULL"
            " UNION SELECT c.id, l.round + 1 FROM campaigns c JOIN later l"
            " ON c.previous_id = l.id)"
            " SELECT c.* FROM campaigns c JOIN later USING (id) ORDER BY later.round, c.id",
            (campaign_id,),
        )
        return [Campaign(**dict(row)) for row in rows]

    async def due_for_reassessment(self, finalised_by: str) -> list[Campaign]:
        """Rounds finalised at `finalised_by` or before, that nobody has repeated yet and whose
        coordinators have not been reminded to. Closed ones too: a finalised round usually is."""
        rows = await self._all(
            "SELECT * FROM campaigns c WHERE finalised_at IS NOT NULL AND finalised_at <= ?"
            " AND reassess_reminded_at IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM campaigns n WHERE n.previous_id = c.id)"
            " ORDER BY finalised_at, id",
            (finalised_by,),
        )
        return [Campaign(**dict(row)) for row in rows]

    async def mark_reassess_reminded(self, campaign_id: str) -> bool:
        """True the first time only, and only while no later round exists: the reminder to
        re-assess goes out once, and not for a round that was repeated meanwhile."""
        changed = await self._run(
            "UPDATE campaigns SET reassess_reminded_at = ? WHERE id = ?"
            " AND reassess_reminded_at IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM campaigns n WHERE n.previous_id = campaigns.id)",
            (stamp(), campaign_id),
        )
        return changed > 0

    async def mark_target_reached(self, campaign_id: str) -> bool:
        """True the first time only: the 'recommended count reached' notice goes out once."""
        changed = await self._run(
            "UPDATE campaigns SET target_reached_at = ? WHERE id = ? AND target_reached_at IS NULL",
            (stamp(), campaign_id),
        )
        return changed > 0


class Coordinators(Repository):
    async def add(self, telegram_id: int, campaign_id: str | None, locale: str) -> None:
        # A fresh invite restores a removed coordinator: someone chose to let them in again.
        await self._run(
            "INSERT INTO coordinators (telegram_id, locale, joined_at) VALUES (?, ?, ?)"
            " ON CONFLICT (telegram_id) DO UPDATE SET locale = excluded.locale, removed_at = NULL",
            (telegram_id, locale, stamp()),
        )
        if campaign_id is not None:
            await self._run(
                "INSERT OR IGNORE INTO campaign_coordinators (campaign_id, telegram_id)"
                " VALUES (?, ?)",
                (campaign_id, telegram_id),
            )

    async def locale_of(self, telegram_id: int) -> str | None:
        """The coordinator's language, or None for anyone who is not a current coordinator."""
        row = await self._one(
            "SELECT locale FROM coordinators k WHERE telegram_id = ? AND " + _ACTIVE,
            (telegram_id,),
        )
        return None if row is None else str(row[0])

    async def coordinates(self, telegram_id: int, campaign_id: str) -> bool:
        row = await self._one(
            "SELECT 1 FROM campaign_coordinators cc JOIN coordinators k USING (telegram_id)"
            f" WHERE cc.telegram_id = ? AND cc.campaign_id = ? AND {_ACTIVE}",
            (telegram_id, campaign_id),
        )
        return row is not None

    async def of_campaign(
        self, campaign_id: str, *, include_muted: bool = False
    ) -> list[Coordinator]:
        """The campaign's current coordinators; muted ones left out unless asked for."""
        rows = await self._all(
            "SELECT k.telegram_id, k.locale FROM campaign_coordinators cc"
            " JOIN coordinators k USING (telegram_id) WHERE cc.campaign_id = ?"
            f" AND {_ACTIVE} AND (? OR cc.muted = 0) ORDER BY k.telegram_id",
            (campaign_id, int(include_muted)),
        )
        return [Coordinator(row[0], row[1]) for row in rows]

    async def set_muted(self, campaign_id: str, telegram_id: int, muted: bool) -> None:
        await self._run(
            "UPDATE campaign_coordinators SET muted = ? WHERE campaign_id = ? AND telegram_id = ?",
            (int(muted), campaign_id, telegram_id),
        )

    async def remove(self, telegram_id: int, campaign_id: str | None) -> bool:
        """Off one campaign, or (campaign None) off every campaign and coordinator access."""
        if campaign_id is not None:
            return (
                await self._run(
                    "DELETE FROM campaign_coordinators WHERE telegram_id = ? AND campaign_id = ?",
                    (telegram_id, campaign_id),
                )
                > 0
            )
        changed = await self._run(
            "UPDATE coordinators SET removed_at = ? WHERE telegram_id = ? AND removed_at IS NULL",
            (stamp(), telegram_id),
        )
        await self._run("DELETE FROM campaign_coordinators WHERE telegram_id = ?", (telegram_id,))
        return changed > 0

    async def get_draft(self, telegram_id: int) -> str | None:
        row = await self._one(
            "SELECT draft FROM coordinator_drafts WHERE telegram_id = ?", (telegram_id,)
        )
        return None if row is None else str(row[0])

    async def set_draft(self, telegram_id: int, draft: str | None) -> None:
        if draft is None:
            await self._run("DELETE FROM coordinator_drafts WHERE telegram_id = ?", (telegram_id,))
            return
        await self._run(
            "INSERT INTO coordinator_drafts (telegram_id, draft, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (telegram_id) DO UPDATE SET draft = excluded.draft,"
            " updated_at = excluded.updated_at",
            (telegram_id, draft, stamp()),
        )


class Invites(Repository):
    async def create(
        self,
        token_digest: str,
        campaign_id: str | None,
        created_by: int | None = None,
        role: str | None = None,
    ) -> None:
        """`created_by`: the coordinator who invites (None: the operator, or a new campaign);
        `role`: interviewer, scorer or reviewer of the campaign (None: a coordinator)."""
        await self._run(
            "INSERT INTO invites (token_digest, campaign_id, created_at, created_by, role)"
            " VALUES (?, ?, ?, ?, ?)",
            (token_digest, campaign_id, stamp(), created_by, role or COORDINATOR),
        )

    async def use(self, token_digest: str) -> UsedInvite | None:
        """The invite, marked used; None for an unknown one, and for one whose inviter no
        longer coordinates its campaign (their invites go with their access)."""
        row = await self._one(
            "SELECT i.campaign_id, i.used_at, i.role, i.created_by IS NULL OR EXISTS ("
            " SELECT 1 FROM campaign_coordinators cc JOIN coordinators k USING (telegram_id)"
            f" WHERE cc.telegram_id = i.created_by AND cc.campaign_id = i.campaign_id"
            f" AND {_ACTIVE}) AS valid FROM invites i WHERE i.token_digest = ?",
            (token_digest,),
        )
        if row is None or not row["valid"]:
            return None
        role = None if row["role"] == COORDINATOR else row["role"]
        used = UsedInvite(row["used_at"] is None, row["campaign_id"], role)
        if used.fresh:
            await self._run(
                "UPDATE invites SET used_at = ? WHERE token_digest = ?", (stamp(), token_digest)
            )
        return used


@dataclass(frozen=True)
class UsedInvite:
    fresh: bool
    """False: someone used it before (an invite works once)."""
    campaign_id: str | None
    role: str | None
    """None: it makes a coordinator; else a staff role in the campaign."""
