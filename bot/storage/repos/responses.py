"""Submitted answers, unlinked from the respondent, and the record that a key has completed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

import orjson

from bot.flows.values import AnswerValue
from bot.storage.clock import new_id
from bot.storage.records import StoredResponse
from bot.storage.repos.base import Repository
from bot.storage.repos.scoring import LABELLED_BANKS, fresh_label


class Responses(Repository):
    async def store(
        self,
        *,
        campaign_id: str | None,
        bank: str,
        bank_version: int,
        locale: str,
        answers: Mapping[str, AnswerValue],
        receipt_digest: str,
        completed_on: date,
    ) -> str:
        response_id = new_id(12)
        labelled = campaign_id is not None and bank in LABELLED_BANKS
        label = await self._fresh_label(campaign_id) if labelled else None
        await self._run(
            "INSERT INTO responses (id, campaign_id, bank, bank_version, locale, completed_on,"
            " receipt_digest, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                response_id,
                campaign_id,
                bank,
                bank_version,
                locale,
                completed_on.isoformat(),
                receipt_digest,
                label,
            ),
        )
        await self._many(
            "INSERT INTO answers (response_id, question_id, value) VALUES (?, ?, ?)",
            [(response_id, qid, json.dumps(value)) for qid, value in answers.items()],
        )
        return response_id

    async def _fresh_label(self, campaign_id: str | None) -> str:
        while True:
            label = fresh_label(set())
            taken = await self._one(
                "SELECT 1 FROM responses WHERE campaign_id = ? AND label = ?",
                (campaign_id, label),
            )
            if taken is None:
                return label

    async def one(self, response_id: str) -> StoredResponse | None:
        row = await self._one(
            "SELECT r.id, r.bank, r.bank_version, r.locale, r.completed_on,"
            " (SELECT json_group_object(a.question_id, json(a.value)) FROM answers a"
            "  WHERE a.response_id = r.id)"
            " FROM responses r WHERE r.id = ?",
            (response_id,),
        )
        if row is None:
            return None
        return StoredResponse(
            id=row[0],
            bank=row[1],
            bank_version=row[2],
            locale=row[3],
            completed_on=row[4],
            answers=orjson.loads(row[5]),
        )

    async def of_campaign(self, campaign_id: str) -> list[StoredResponse]:
        """Every response with its answers, in one query, in an order unrelated to when each
        was completed (random ids): a list in completion order would tell a coordinator who
        answered what, from who finished when."""
        # One JSON object per response, built by SQLite: one decode per respondent instead of
        # one per answer, which is most of a 10,000-interview report's reading; orjson decodes
        # them in a third of the standard library's time (docs/performance.md).
        rows = await self._all(
            "SELECT r.id, r.bank, r.bank_version, r.locale, r.completed_on,"
            " (SELECT json_group_object(a.question_id, json(a.value)) FROM answers a"
            "  WHERE a.response_id = r.id)"
            " FROM responses r WHERE r.campaign_id = ? ORDER BY r.id",
            (campaign_id,),
        )
        return [
            StoredResponse(
                id=row[0],
                bank=row[1],
                bank_version=row[2],
                locale=row[3],
                completed_on=row[4],
                answers=orjson.loads(row[5]),
            )
            for row in rows
        ]

    async def count(self, campaign_id: str) -> int:
        row = await self._one(
            "SELECT COUNT(*) FROM responses WHERE campaign_id = ?", (campaign_id,)
        )
        return int(row[0]) if row else 0

    async def progress(self, campaign_ids: list[str]) -> dict[str, tuple[int, int]]:
        """(completed, in progress) per campaign, in one statement."""
        if not campaign_ids:
            return {}
        marks = ", ".join("?" * len(campaign_ids))
        rows = await self._all(
            "SELECT c.id, (SELECT COUNT(*) FROM responses r WHERE r.campaign_id = c.id),"
            " (SELECT COUNT(*) FROM sessions s WHERE s.campaign_id = c.id)"
            f" FROM campaigns c WHERE c.id IN ({marks})",
            campaign_ids,
        )
        return {row[0]: (int(row[1]), int(row[2])) for row in rows}

    async def erase(self, receipt_digest: str) -> bool:
        erased = await self._run(
            "DELETE FROM responses WHERE receipt_digest = ?", (receipt_digest,)
        )
        if erased:
            self._wiped()
        return erased > 0

    async def has_completed(self, campaign_id: str, respondent_key: str) -> bool:
        row = await self._one(
            "SELECT 1 FROM completions WHERE campaign_id = ? AND respondent_key = ?",
            (campaign_id, respondent_key),
        )
        return row is not None

    async def record_completion(self, campaign_id: str, respondent_key: str) -> None:
        await self._run(
            "INSERT OR IGNORE INTO completions (campaign_id, respondent_key) VALUES (?, ?)",
            (campaign_id, respondent_key),
        )
