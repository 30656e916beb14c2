"""Repositories: every SQL statement of the bot, each a small function over a connection."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime

import aiosqlite

from bot.flows.values import AnswerValue

Conn = aiosqlite.Connection


def now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime | None = None) -> str:
    return (moment or now()).isoformat(timespec="seconds")


def new_id(nbytes: int = 6) -> str:
    return secrets.token_urlsafe(nbytes)


def new_token() -> str:
    """An unguessable link token: 144 bits, only A-Za-z0-9_- (Telegram's deep-link alphabet)."""
    return secrets.token_urlsafe(18)


# --- campaigns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Campaign:
    id: str
    name: str
    community_type: str
    flow: str
    respondent_token: str
    created_at: str
    closed_at: str | None
    description: str = ""
    languages: str = ""
    target_reached_at: str | None = None

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(code for code in self.languages.split(",") if code)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def _campaign(row: aiosqlite.Row | None) -> Campaign | None:
    return None if row is None else Campaign(**dict(row))


async def create_campaign(
    db: Conn,
    *,
    name: str,
    community_type: str,
    flow: str,
    description: str = "",
    languages: tuple[str, ...] = (),
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
    )
    await db.execute(
        "INSERT INTO campaigns (id, name, community_type, flow, respondent_token, created_at,"
        " description, languages) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            campaign.id,
            campaign.name,
            campaign.community_type,
            campaign.flow,
            campaign.respondent_token,
            campaign.created_at,
            campaign.description,
            campaign.languages,
        ),
    )
    return campaign


async def campaigns_of(db: Conn, telegram_id: int) -> list[Campaign]:
    """The campaigns a (current) coordinator may see: only their own."""
    async with db.execute(
        "SELECT c.* FROM campaigns c JOIN campaign_coordinators cc ON cc.campaign_id = c.id"
        " JOIN coordinators k ON k.telegram_id = cc.telegram_id"
        " WHERE cc.telegram_id = ? AND k.removed_at IS NULL ORDER BY c.created_at, c.id",
        (telegram_id,),
    ) as cursor:
        return [Campaign(**dict(row)) for row in await cursor.fetchall()]


async def coordinates(db: Conn, telegram_id: int, campaign_id: str) -> bool:
    async with db.execute(
        "SELECT 1 FROM campaign_coordinators cc JOIN coordinators k USING (telegram_id)"
        " WHERE cc.telegram_id = ? AND cc.campaign_id = ? AND k.removed_at IS NULL",
        (telegram_id, campaign_id),
    ) as cursor:
        return await cursor.fetchone() is not None


async def set_closed(db: Conn, campaign_id: str, closed: bool) -> None:
    await db.execute(
        "UPDATE campaigns SET closed_at = ? WHERE id = ?",
        (stamp() if closed else None, campaign_id),
    )


async def mark_target_reached(db: Conn, campaign_id: str) -> bool:
    """True the first time only: the 'recommended count reached' notice goes out once."""
    cursor = await db.execute(
        "UPDATE campaigns SET target_reached_at = ? WHERE id = ? AND target_reached_at IS NULL",
        (stamp(), campaign_id),
    )
    return cursor.rowcount > 0


async def set_muted(db: Conn, campaign_id: str, telegram_id: int, muted: bool) -> None:
    await db.execute(
        "UPDATE campaign_coordinators SET muted = ? WHERE campaign_id = ? AND telegram_id = ?",
        (int(muted), campaign_id, telegram_id),
    )


async def remove_coordinator(db: Conn, telegram_id: int, campaign_id: str | None) -> bool:
    """Off one campaign, or (campaign None) off every campaign and coordinator access."""
    if campaign_id is None:
        cursor = await db.execute(
            "UPDATE coordinators SET removed_at = ? WHERE telegram_id = ? AND removed_at IS NULL",
            (stamp(), telegram_id),
        )
        await db.execute("DELETE FROM campaign_coordinators WHERE telegram_id = ?", (telegram_id,))
        return cursor.rowcount > 0
    cursor = await db.execute(
        "DELETE FROM campaign_coordinators WHERE telegram_id = ? AND campaign_id = ?",
        (telegram_id, campaign_id),
    )
    return cursor.rowcount > 0


async def get_draft(db: Conn, telegram_id: int) -> str | None:
    async with db.execute(
        "SELECT draft FROM coordinator_drafts WHERE telegram_id = ?", (telegram_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return None if row is None else str(row[0])


async def set_draft(db: Conn, telegram_id: int, draft: str | None) -> None:
    if draft is None:
        await db.execute("DELETE FROM coordinator_drafts WHERE telegram_id = ?", (telegram_id,))
        return
    await db.execute(
        "INSERT INTO coordinator_drafts (telegram_id, draft, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (telegram_id) DO UPDATE SET draft = excluded.draft,"
        " updated_at = excluded.updated_at",
        (telegram_id, draft, stamp()),
    )


async def campaign_by_id(db: Conn, campaign_id: str) -> Campaign | None:
    async with db.execute("SELECT * FROM campaigns WHERE id = ?", (campaign_id,)) as cursor:
        return _campaign(await cursor.fetchone())


async def campaign_by_token(db: Conn, token: str) -> Campaign | None:
    async with db.execute("SELECT * FROM campaigns WHERE respondent_token = ?", (token,)) as cursor:
        return _campaign(await cursor.fetchone())


async def list_campaigns(db: Conn) -> list[Campaign]:
    async with db.execute("SELECT * FROM campaigns ORDER BY created_at, id") as cursor:
        return [Campaign(**dict(row)) for row in await cursor.fetchall()]


# --- coordinators and invites ------------------------------------------------------------------


async def create_invite(db: Conn, token_digest: str, campaign_id: str | None) -> None:
    await db.execute(
        "INSERT INTO invites (token_digest, campaign_id, created_at) VALUES (?, ?, ?)",
        (token_digest, campaign_id, stamp()),
    )


async def use_invite(db: Conn, token_digest: str) -> tuple[bool, str | None] | None:
    """(newly used, campaign id) for a known invite; None for an unknown one."""
    async with db.execute(
        "SELECT campaign_id, used_at FROM invites WHERE token_digest = ?", (token_digest,)
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    if row["used_at"] is not None:
        return False, row["campaign_id"]
    await db.execute(
        "UPDATE invites SET used_at = ? WHERE token_digest = ?", (stamp(), token_digest)
    )
    return True, row["campaign_id"]


async def add_coordinator(db: Conn, telegram_id: int, campaign_id: str | None, locale: str) -> None:
    # A fresh invite restores a removed coordinator: someone chose to let them in again.
    await db.execute(
        "INSERT INTO coordinators (telegram_id, locale, joined_at) VALUES (?, ?, ?)"
        " ON CONFLICT (telegram_id) DO UPDATE SET locale = excluded.locale, removed_at = NULL",
        (telegram_id, locale, stamp()),
    )
    if campaign_id is not None:
        await db.execute(
            "INSERT OR IGNORE INTO campaign_coordinators (campaign_id, telegram_id) VALUES (?, ?)",
            (campaign_id, telegram_id),
        )


async def coordinators_of(
    db: Conn, campaign_id: str, *, include_muted: bool = False
) -> list[tuple[int, str]]:
    """(telegram id, locale) of the campaign's current coordinators; muted ones left out."""
    async with db.execute(
        "SELECT c.telegram_id, c.locale FROM campaign_coordinators cc"
        " JOIN coordinators c USING (telegram_id) WHERE cc.campaign_id = ?"
        " AND c.removed_at IS NULL AND (? OR cc.muted = 0) ORDER BY c.telegram_id",
        (campaign_id, int(include_muted)),
    ) as cursor:
        return [(row[0], row[1]) for row in await cursor.fetchall()]


async def is_coordinator(db: Conn, telegram_id: int) -> bool:
    async with db.execute(
        "SELECT 1 FROM coordinators WHERE telegram_id = ? AND removed_at IS NULL", (telegram_id,)
    ) as cursor:
        return await cursor.fetchone() is not None


# --- interview sessions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    id: str
    respondent_key: str
    campaign_id: str | None
    bank: str
    stage: str
    state: str
    updated_at: str
    reminder_due: str | None
    reminded: bool


async def session_by_id(db: Conn, session_id: str) -> Session | None:
    async with db.execute(
        "SELECT respondent_key FROM sessions WHERE id = ?", (session_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return None if row is None else await session_of(db, str(row[0]))


async def session_of(db: Conn, respondent_key: str) -> Session | None:
    async with db.execute(
        "SELECT id, respondent_key, campaign_id, bank, stage, state, updated_at, reminder_due,"
        " reminded FROM sessions WHERE respondent_key = ?",
        (respondent_key,),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    return Session(**{**dict(row), "reminded": bool(row["reminded"])})


async def save_session(
    db: Conn,
    session: Session,
    *,
    reminder_chat: bytes | None,
    reminder_due: datetime | None,
) -> None:
    await db.execute(
        "INSERT INTO sessions (id, respondent_key, campaign_id, bank, stage, state, updated_at,"
        " reminder_chat, reminder_due, reminded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET stage = excluded.stage, state = excluded.state,"
        " updated_at = excluded.updated_at, reminder_chat = excluded.reminder_chat,"
        " reminder_due = excluded.reminder_due, reminded = excluded.reminded",
        (
            session.id,
            session.respondent_key,
            session.campaign_id,
            session.bank,
            session.stage,
            session.state,
            stamp(),
            reminder_chat,
            None if reminder_due is None else stamp(reminder_due),
            int(session.reminded),
        ),
    )


async def delete_session(db: Conn, session_id: str) -> None:
    await db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))


async def due_reminders(db: Conn, moment: datetime) -> list[tuple[str, bytes, str]]:
    """(session id, sealed chat id, state) for open interviews silent past their reminder time."""
    async with db.execute(
        "SELECT id, reminder_chat, state FROM sessions WHERE reminded = 0"
        " AND reminder_due IS NOT NULL AND reminder_due <= ? AND reminder_chat IS NOT NULL",
        (stamp(moment),),
    ) as cursor:
        return [(row[0], row[1], row[2]) for row in await cursor.fetchall()]


async def mark_reminded(db: Conn, session_id: str) -> None:
    await db.execute(
        "UPDATE sessions SET reminded = 1, reminder_chat = NULL, reminder_due = NULL WHERE id = ?",
        (session_id,),
    )


# --- submitted responses -----------------------------------------------------------------------


async def has_completed(db: Conn, campaign_id: str, respondent_key: str) -> bool:
    async with db.execute(
        "SELECT 1 FROM completions WHERE campaign_id = ? AND respondent_key = ?",
        (campaign_id, respondent_key),
    ) as cursor:
        return await cursor.fetchone() is not None


async def store_response(
    db: Conn,
    *,
    campaign_id: str | None,
    bank: str,
    bank_version: int,
    locale: str,
    answers: dict[str, AnswerValue],
    receipt_digest: str,
    completed_on: date,
) -> str:
    response_id = new_id(12)
    await db.execute(
        "INSERT INTO responses (id, campaign_id, bank, bank_version, locale, completed_on,"
        " receipt_digest) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            response_id,
            campaign_id,
            bank,
            bank_version,
            locale,
            completed_on.isoformat(),
            receipt_digest,
        ),
    )
    await db.executemany(
        "INSERT INTO answers (response_id, question_id, value) VALUES (?, ?, ?)",
        [(response_id, qid, json.dumps(value)) for qid, value in answers.items()],
    )
    return response_id


async def record_completion(db: Conn, campaign_id: str, respondent_key: str) -> None:
    await db.execute(
        "INSERT OR IGNORE INTO completions (campaign_id, respondent_key) VALUES (?, ?)",
        (campaign_id, respondent_key),
    )


async def erase_response(db: Conn, receipt_digest: str) -> bool:
    cursor = await db.execute("DELETE FROM responses WHERE receipt_digest = ?", (receipt_digest,))
    return cursor.rowcount > 0


@dataclass(frozen=True)
class StoredResponse:
    id: str
    bank: str
    bank_version: int
    locale: str
    completed_on: str
    answers: dict[str, AnswerValue]


async def responses_of(db: Conn, campaign_id: str) -> list[StoredResponse]:
    async with db.execute(
        "SELECT id, bank, bank_version, locale, completed_on FROM responses"
        " WHERE campaign_id = ? ORDER BY completed_on, id",
        (campaign_id,),
    ) as cursor:
        rows = list(await cursor.fetchall())
    found = []
    for row in rows:
        async with db.execute(
            "SELECT question_id, value FROM answers WHERE response_id = ?", (row["id"],)
        ) as cursor:
            answers = {qid: json.loads(value) for qid, value in await cursor.fetchall()}
        found.append(StoredResponse(**dict(row), answers=answers))
    return found


async def count_responses(db: Conn, campaign_id: str) -> int:
    async with db.execute(
        "SELECT COUNT(*) FROM responses WHERE campaign_id = ?", (campaign_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def coordinator_locale(db: Conn, telegram_id: int) -> str | None:
    async with db.execute(
        "SELECT locale FROM coordinators WHERE telegram_id = ? AND removed_at IS NULL",
        (telegram_id,),
    ) as cursor:
        row = await cursor.fetchone()
    return None if row is None else str(row[0])


async def count_open_sessions(db: Conn, campaign_id: str) -> int:
    async with db.execute(
        "SELECT COUNT(*) FROM sessions WHERE campaign_id = ?", (campaign_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


# --- inbox -------------------------------------------------------------------------------------


async def inbox_add(db: Conn, update_id: int, chat_key: str | None, event: str) -> bool:
    """False when the update was seen before (Telegram redelivered it)."""
    cursor = await db.execute(
        "INSERT OR IGNORE INTO inbox (update_id, chat_key, event, received_at) VALUES (?, ?, ?, ?)",
        (update_id, chat_key, event, stamp()),
    )
    return cursor.rowcount > 0


async def inbox_pending(db: Conn, limit: int = 100) -> list[tuple[int, str | None, str]]:
    async with db.execute(
        "SELECT update_id, chat_key, event FROM inbox WHERE processed_at IS NULL"
        " ORDER BY update_id LIMIT ?",
        (limit,),
    ) as cursor:
        return [(row[0], row[1], row[2]) for row in await cursor.fetchall()]


async def inbox_done(db: Conn, update_id: int) -> None:
    # The event (sealed chat, redacted text) is dropped; the id stays to recognise redeliveries.
    await db.execute(
        "UPDATE inbox SET processed_at = ?, event = NULL, chat_key = NULL WHERE update_id = ?",
        (stamp(), update_id),
    )


async def inbox_prune(db: Conn, before: datetime) -> int:
    """Forget ids of updates handled long ago: Telegram redelivers only within a day."""
    cursor = await db.execute(
        "DELETE FROM inbox WHERE processed_at IS NOT NULL AND processed_at < ?", (stamp(before),)
    )
    return cursor.rowcount


# --- outbox ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    id: int
    chat_key: str
    chat: bytes
    kind: str
    payload: str
    attempts: int


async def outbox_add(db: Conn, chat_key: str, chat: bytes, kind: str, payload: dict) -> None:
    await db.execute(
        "INSERT INTO outbox (chat_key, chat, kind, payload, created_at, next_attempt_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (chat_key, chat, kind, json.dumps(payload, ensure_ascii=False), stamp(), stamp()),
    )


async def outbox_heads(db: Conn, moment: datetime) -> list[Outgoing]:
    """The oldest pending message of each chat, if it is due: chats are served in order."""
    async with db.execute(
        "SELECT o.id, o.chat_key, o.chat, o.kind, o.payload, o.attempts FROM outbox o"
        " JOIN (SELECT chat_key, MIN(id) AS id FROM outbox GROUP BY chat_key) head"
        " ON head.id = o.id WHERE o.next_attempt_at <= ? ORDER BY o.id",
        (stamp(moment),),
    ) as cursor:
        return [Outgoing(*row) for row in await cursor.fetchall()]


async def outbox_next_due(db: Conn) -> str | None:
    async with db.execute("SELECT MIN(next_attempt_at) FROM outbox") as cursor:
        row = await cursor.fetchone()
    return None if row is None else row[0]


async def outbox_sent(db: Conn, outgoing_id: int) -> bool:
    """False when the message was withdrawn meanwhile (a quick exit dropped the chat's queue)."""
    cursor = await db.execute("DELETE FROM outbox WHERE id = ?", (outgoing_id,))
    return cursor.rowcount > 0


async def outbox_retry(db: Conn, outgoing_id: int, when: datetime) -> None:
    await db.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?",
        (stamp(when), outgoing_id),
    )


async def outbox_drop_chat(db: Conn, chat_key: str) -> None:
    await db.execute("DELETE FROM outbox WHERE chat_key = ?", (chat_key,))


# --- the bot's own messages, for quick exit ---------------------------------------------------


async def remember_message(db: Conn, chat_key: str, message_id: int) -> None:
    await db.execute(
        "INSERT OR IGNORE INTO bot_messages (chat_key, message_id) VALUES (?, ?)",
        (chat_key, message_id),
    )


async def forget_messages(db: Conn, chat_key: str) -> list[int]:
    async with db.execute(
        "SELECT message_id FROM bot_messages WHERE chat_key = ? ORDER BY message_id", (chat_key,)
    ) as cursor:
        ids = [row[0] for row in await cursor.fetchall()]
    await db.execute("DELETE FROM bot_messages WHERE chat_key = ?", (chat_key,))
    return ids


# --- small key/value facts about the bot --------------------------------------------------------


async def get_info(db: Conn, key: str) -> str | None:
    async with db.execute("SELECT value FROM bot_info WHERE key = ?", (key,)) as cursor:
        row = await cursor.fetchone()
    return None if row is None else str(row[0])


async def set_info(db: Conn, key: str, value: str) -> None:
    await db.execute(
        "INSERT INTO bot_info (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
