"""The scoring workbench's records: a campaign's staff, independent scores, agreed scores and
comments on them (Appendix E)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from bot.storage.clock import new_id, stamp
from bot.storage.records import Agreed, Interview, ScoreComment, StaffMember
from bot.storage.repos.base import Repository

LABELLED_BANKS = ("preassessment", "full_assessment")
"""Banks whose interviews scorers score: each completed one gets a label."""
LABEL_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
"""No letters or digits that read alike (0/O, 1/I/L, 5/S, 8/B, 2/Z), said aloud at a meeting."""
LABEL_LENGTH = 4
ROLES = ("interviewer", "scorer", "reviewer")


def fresh_label(taken: set[str]) -> str:
    """A label no other interview of the campaign has, with a letter in it: a scorecard's
    column "7796" would read as the 7,796th interview (23**4 - 5**4 = 279,216 to choose from)."""
    while True:
        label = "".join(secrets.choice(LABEL_ALPHABET) for _ in range(LABEL_LENGTH))
        if label not in taken and not label.isdigit():
            return label


class Staff(Repository):
    async def add(
        self,
        campaign_id: str,
        role: str,
        name: str,
        *,
        telegram_id: int | None = None,
        locale: str = "en",
    ) -> StaffMember:
        """A new member, or the existing one of that role and name (restored if removed)."""
        await self._run(
            "INSERT INTO staff (id, campaign_id, role, name, telegram_id, locale, joined_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id, role, name) DO UPDATE SET"
            " removed_at = NULL, telegram_id = coalesce(excluded.telegram_id, telegram_id),"
            " locale = excluded.locale",
            (new_id(9), campaign_id, role, name, telegram_id, locale, stamp()),
        )
        member = await self.named(campaign_id, role, name)
        assert member is not None
        return member

    async def named(self, campaign_id: str, role: str, name: str) -> StaffMember | None:
        row = await self._one(
            "SELECT * FROM staff WHERE campaign_id = ? AND role = ? AND name = ?"
            " AND removed_at IS NULL",
            (campaign_id, role, name),
        )
        return None if row is None else StaffMember(**dict(row))

    async def member(self, campaign_id: str, role: str, telegram_id: int) -> StaffMember | None:
        """The campaign's current member of that role with that Telegram id, if any."""
        row = await self._one(
            "SELECT * FROM staff WHERE campaign_id = ? AND role = ? AND telegram_id = ?"
            " AND removed_at IS NULL",
            (campaign_id, role, telegram_id),
        )
        return None if row is None else StaffMember(**dict(row))

    async def by_id(self, staff_id: str) -> StaffMember | None:
        row = await self._one(
            "SELECT * FROM staff WHERE id = ? AND removed_at IS NULL", (staff_id,)
        )
        return None if row is None else StaffMember(**dict(row))

    async def of_campaign(self, campaign_id: str, role: str | None = None) -> list[StaffMember]:
        rows = await self._all(
            "SELECT * FROM staff WHERE campaign_id = ? AND (? IS NULL OR role = ?)"
            " AND removed_at IS NULL ORDER BY role, joined_at, name",
            (campaign_id, role, role),
        )
        return [StaffMember(**dict(row)) for row in rows]

    async def of_telegram(self, telegram_id: int) -> list[StaffMember]:
        """Every current role of one person, in every campaign."""
        rows = await self._all(
            "SELECT * FROM staff WHERE telegram_id = ? AND removed_at IS NULL"
            " ORDER BY campaign_id, role",
            (telegram_id,),
        )
        return [StaffMember(**dict(row)) for row in rows]

    async def awaiting(self, telegram_id: int) -> StaffMember | None:
        """Her membership whose typed message is awaited (a reviewer's comment), if any."""
        row = await self._one(
            "SELECT * FROM staff WHERE telegram_id = ? AND awaiting IS NOT NULL"
            " AND removed_at IS NULL LIMIT 1",
            (telegram_id,),
        )
        return None if row is None else StaffMember(**dict(row))

    async def set_awaiting(self, staff_id: str, awaiting: str | None) -> None:
        await self._run("UPDATE staff SET awaiting = ? WHERE id = ?", (awaiting, staff_id))

    async def count(self, campaign_id: str, role: str) -> int:
        """Members of that role the campaign has ever had: numbers a new one's default name."""
        row = await self._one(
            "SELECT count(*) FROM staff WHERE campaign_id = ? AND role = ?", (campaign_id, role)
        )
        return int(row[0]) if row else 0

    async def remove(self, staff_id: str) -> bool:
        changed = await self._run(
            "UPDATE staff SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
            (stamp(), staff_id),
        )
        return changed > 0


class Interviews(Repository):
    """A campaign's completed, labelled interviews: what scorers score."""

    async def of_campaign(self, campaign_id: str) -> list[Interview]:
        # By label, which is random: never in the order the interviews happened.
        rows = await self._all(
            "SELECT id, label, bank, bank_version, locale FROM responses"
            " WHERE campaign_id = ? AND label IS NOT NULL ORDER BY label",
            (campaign_id,),
        )
        return [Interview(*row) for row in rows]

    async def label_of(self, response_id: str) -> str | None:
        row = await self._one("SELECT label FROM responses WHERE id = ?", (response_id,))
        return None if row is None or row[0] is None else str(row[0])

    async def labels(self, campaign_id: str) -> set[str]:
        rows = await self._all(
            "SELECT label FROM responses WHERE campaign_id = ? AND label IS NOT NULL",
            (campaign_id,),
        )
        return {str(row[0]) for row in rows}


class Scores(Repository):
    """Each scorer's own scores. Another scorer's are read only through `submitted`."""

    async def put(self, response_id: str, scorer_id: str, dimension: str, score: str) -> None:
        await self._run(
            "INSERT INTO scores (response_id, scorer_id, dimension, score) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (response_id, scorer_id, dimension) DO UPDATE SET score = excluded.score",
            (response_id, scorer_id, dimension, score),
        )

    async def put_many(self, rows: Iterable[tuple[str, str, str, str]]) -> None:
        await self._many(
            "INSERT INTO scores (response_id, scorer_id, dimension, score) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (response_id, scorer_id, dimension) DO UPDATE SET score = excluded.score",
            rows,
        )

    async def own(self, response_id: str, scorer_id: str) -> dict[str, str]:
        rows = await self._all(
            "SELECT dimension, score FROM scores WHERE response_id = ? AND scorer_id = ?",
            (response_id, scorer_id),
        )
        return {str(row[0]): str(row[1]) for row in rows}

    async def counts(self, scorer_id: str) -> dict[str, int]:
        """How many dimensions of each interview she has scored: her list, in one read."""
        rows = await self._all(
            "SELECT response_id, count(*) FROM scores WHERE scorer_id = ? GROUP BY response_id",
            (scorer_id,),
        )
        return {str(row[0]): int(row[1]) for row in rows}

    async def submit(self, response_id: str, scorer_id: str) -> bool:
        """True the first time: the interview's scores are handed in."""
        changed = await self._run(
            "INSERT OR IGNORE INTO score_sheets (response_id, scorer_id, submitted_at)"
            " VALUES (?, ?, ?)",
            (response_id, scorer_id, stamp()),
        )
        return changed > 0

    async def sheets(self, campaign_id: str) -> set[tuple[str, str]]:
        """(interview, scorer) for every interview a scorer has handed in."""
        rows = await self._all(
            "SELECT s.response_id, s.scorer_id FROM score_sheets s"
            " JOIN responses r ON r.id = s.response_id WHERE r.campaign_id = ?",
            (campaign_id,),
        )
        return {(str(row[0]), str(row[1])) for row in rows}

    async def submitted(self, campaign_id: str) -> list[tuple[str, str, str, str]]:
        """(interview, scorer, dimension, score) of handed-in interviews only."""
        rows = await self._all(
            "SELECT s.response_id, s.scorer_id, s.dimension, s.score FROM scores s"
            " JOIN score_sheets h ON h.response_id = s.response_id AND h.scorer_id = s.scorer_id"
            " JOIN responses r ON r.id = s.response_id WHERE r.campaign_id = ?",
            (campaign_id,),
        )
        return [(str(a), str(b), str(c), str(d)) for a, b, c, d in rows]


class Consensus(Repository):
    async def enter(
        self,
        response_id: str,
        dimension: str,
        score: str,
        entered_by: str | None,
        *,
        confirmed: bool = False,
    ) -> None:
        """A proposed agreed score; a changed score needs confirming again."""
        moment = stamp()
        await self._run(
            "INSERT INTO consensus (response_id, dimension, score, entered_by, entered_at,"
            " confirmed_by, confirmed_at) VALUES (?, ?, ?, ?, ?, NULL, ?)"
            " ON CONFLICT (response_id, dimension) DO UPDATE SET score = excluded.score,"
            " entered_by = excluded.entered_by, entered_at = excluded.entered_at,"
            " confirmed_by = NULL, confirmed_at = excluded.confirmed_at",
            (response_id, dimension, score, entered_by, moment, moment if confirmed else None),
        )

    async def confirm(self, response_id: str, dimension: str, confirmed_by: str) -> bool:
        """Only a scorer other than the one who entered it can confirm an agreed score."""
        changed = await self._run(
            "UPDATE consensus SET confirmed_by = ?, confirmed_at = ? WHERE response_id = ?"
            " AND dimension = ? AND confirmed_at IS NULL AND entered_by IS NOT ?",
            (confirmed_by, stamp(), response_id, dimension, confirmed_by),
        )
        return changed > 0

    async def of_campaign(self, campaign_id: str) -> list[Agreed]:
        rows = await self._all(
            "SELECT c.response_id, c.dimension, c.score, c.entered_by, c.confirmed_at IS NOT NULL"
            " FROM consensus c JOIN responses r ON r.id = c.response_id WHERE r.campaign_id = ?",
            (campaign_id,),
        )
        return [Agreed(str(a), str(b), str(c), d, bool(e)) for a, b, c, d, e in rows]


class ScoreComments(Repository):
    async def add(
        self, campaign_id: str, *, author: str, role: str, body: str, dimension: str | None
    ) -> None:
        await self._run(
            "INSERT INTO score_comments (id, campaign_id, author, role, dimension, body,"
            " written_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (new_id(9), campaign_id, author, role, dimension, body, stamp()),
        )

    async def of_campaign(self, campaign_id: str) -> list[ScoreComment]:
        rows = await self._all(
            "SELECT author, role, dimension, body, written_at FROM score_comments"
            " WHERE campaign_id = ? ORDER BY written_at, id",
            (campaign_id,),
        )
        return [ScoreComment(*row) for row in rows]
