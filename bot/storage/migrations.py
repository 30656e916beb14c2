"""Schema migrations: an ordered list of small steps, numbered by `PRAGMA user_version`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiosqlite

Migration = Callable[[aiosqlite.Connection], Awaitable[None]]


class SchemaTooNew(RuntimeError):
    """The database was written by a newer version of the program."""


async def _run(db: aiosqlite.Connection, script: str) -> None:
    # Not executescript(): it commits first, which would break the migration's transaction.
    # Statements are split on ";", so comments in a script must not contain one.
    for statement in script.split(";"):
        if statement.strip():
            await db.execute(statement)


async def _001_initial(db: aiosqlite.Connection) -> None:
    await _run(
        db,
        """
        CREATE TABLE campaigns (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            community_type TEXT NOT NULL CHECK (community_type IN ('rural', 'suburban', 'urban')),
            flow TEXT NOT NULL,
            respondent_token TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            closed_at TEXT
        );
        CREATE TABLE coordinators (
            telegram_id INTEGER PRIMARY KEY,
            locale TEXT NOT NULL DEFAULT 'en',
            joined_at TEXT NOT NULL
        );
        CREATE TABLE campaign_coordinators (
            campaign_id TEXT NOT NULL REFERENCES campaigns(id),
            telegram_id INTEGER NOT NULL REFERENCES coordinators(telegram_id),
            PRIMARY KEY (campaign_id, telegram_id)
        ) WITHOUT ROWID;
        CREATE TABLE invites (
            token_digest TEXT PRIMARY KEY,
            campaign_id TEXT REFERENCES campaigns(id),
            created_at TEXT NOT NULL,
            used_at TEXT
        ) WITHOUT ROWID;
        -- Open interviews. Answers live in `state` (already redacted) until submission.
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            respondent_key TEXT NOT NULL,
            campaign_id TEXT REFERENCES campaigns(id),
            bank TEXT NOT NULL,
            stage TEXT NOT NULL,
            state TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            reminder_chat BLOB,
            reminder_due TEXT,
            reminded INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX sessions_one_open ON sessions (respondent_key);
        -- Submitted answers, unlinked from the respondent: random ids and no rowid, so neither
        -- a key nor the insertion order ties a response to a row of `completions`.
        CREATE TABLE responses (
            id TEXT PRIMARY KEY,
            campaign_id TEXT REFERENCES campaigns(id),
            bank TEXT NOT NULL,
            bank_version INTEGER NOT NULL,
            locale TEXT NOT NULL,
            completed_on TEXT NOT NULL,
            receipt_digest TEXT NOT NULL UNIQUE
        ) WITHOUT ROWID;
        CREATE TABLE answers (
            response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (response_id, question_id)
        ) WITHOUT ROWID;
        CREATE TABLE completions (
            campaign_id TEXT NOT NULL REFERENCES campaigns(id),
            respondent_key TEXT NOT NULL,
            PRIMARY KEY (campaign_id, respondent_key)
        ) WITHOUT ROWID;
        -- Durable intake: an update is committed here before its offset is confirmed.
        -- Only a sanitised event is kept (sealed chat id, redacted text, no names).
        CREATE TABLE inbox (
            update_id INTEGER PRIMARY KEY,
            chat_key TEXT,
            event TEXT,
            received_at TEXT NOT NULL,
            processed_at TEXT
        );
        CREATE INDEX inbox_pending ON inbox (processed_at, update_id);
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            chat_key TEXT NOT NULL,
            chat BLOB NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL
        );
        CREATE INDEX outbox_due ON outbox (next_attempt_at, id);
        -- The bot's own messages in a respondent's chat, so quick exit can delete them.
        CREATE TABLE bot_messages (
            chat_key TEXT NOT NULL,
            message_id INTEGER NOT NULL,
            PRIMARY KEY (chat_key, message_id)
        ) WITHOUT ROWID;
        CREATE TABLE bot_info (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        """,
    )


async def _002_coordinator_tools(db: aiosqlite.Connection) -> None:
    """Campaign set-up from Telegram, muting, co-coordinators and the count-reached notice."""
    await _run(
        db,
        """
        ALTER TABLE campaigns ADD COLUMN description TEXT NOT NULL DEFAULT '';
        -- Comma-separated locales offered to respondents (empty: every shipped language).
        ALTER TABLE campaigns ADD COLUMN languages TEXT NOT NULL DEFAULT '';
        ALTER TABLE campaigns ADD COLUMN target_reached_at TEXT;
        ALTER TABLE campaign_coordinators ADD COLUMN muted INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE coordinators ADD COLUMN removed_at TEXT;
        -- A coordinator's unfinished /new set-up (small JSON), deleted when the campaign exists.
        CREATE TABLE coordinator_drafts (
            telegram_id INTEGER PRIMARY KEY,
            draft TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """,
    )


async def _003_engine(db: aiosqlite.Connection) -> None:
    """Indexes for every lookup, millisecond schedules, failure counts and dead letters."""
    await _run(
        db,
        """
        CREATE INDEX sessions_campaign ON sessions (campaign_id);
        CREATE INDEX sessions_reminder ON sessions (reminder_due) WHERE reminded = 0;
        CREATE INDEX coordinator_campaigns ON campaign_coordinators (telegram_id);
        CREATE INDEX responses_campaign ON responses (campaign_id, completed_on);
        -- Whole seconds let a retry go out up to a second before Telegram's retry_after.
        ALTER TABLE outbox ADD COLUMN due_ms INTEGER NOT NULL DEFAULT 0;
        UPDATE outbox SET due_ms = CAST(strftime('%s', next_attempt_at) AS INTEGER) * 1000;
        DROP INDEX outbox_due;
        ALTER TABLE outbox DROP COLUMN next_attempt_at;
        CREATE INDEX outbox_due ON outbox (due_ms);
        CREATE INDEX outbox_chat ON outbox (chat_key, id);
        DROP INDEX inbox_pending;
        CREATE INDEX inbox_pending ON inbox (update_id) WHERE processed_at IS NULL;
        CREATE INDEX inbox_handled ON inbox (processed_at) WHERE processed_at IS NOT NULL;
        -- Telegram lets a bot delete its own messages for 48 hours, so older ids are pruned.
        ALTER TABLE bot_messages ADD COLUMN sent_ms INTEGER NOT NULL DEFAULT 0;
        UPDATE bot_messages SET sent_ms = CAST(strftime('%s', 'now') AS INTEGER) * 1000;
        CREATE INDEX bot_messages_age ON bot_messages (sent_ms);
        -- What kept failing, set aside so the loops move on. No respondent content in clear:
        -- an update's event stays sealed, an outbox message is not kept at all.
        CREATE TABLE dead_letters (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL,
            ref TEXT NOT NULL,
            chat_key TEXT,
            payload TEXT,
            error TEXT NOT NULL,
            failed_at TEXT NOT NULL
        );
        CREATE INDEX dead_letters_chat ON dead_letters (chat_key);
        -- The coordinator who made a co-coordinator invite: it dies with their access.
        ALTER TABLE invites ADD COLUMN created_by INTEGER;
        -- How many responses the last notice with the campaign's levels covered: levels go
        -- out again only 3 responses later, so no difference isolates one respondent.
        ALTER TABLE campaigns ADD COLUMN levels_shown_at INTEGER NOT NULL DEFAULT 0;
        -- Who runs the assessment, told to respondents before they agree (Appendix C).
        ALTER TABLE campaigns ADD COLUMN organisation TEXT NOT NULL DEFAULT ''
        """,
    )


async def _004_keyboards(db: aiosqlite.Connection) -> None:
    """The message whose buttons a later event takes away (a coordinator's set-up step)."""
    await _run(
        db,
        """
        -- One row per chat and slot: the newest message of that kind, while it has buttons.
        CREATE TABLE keyboards (
            chat_key TEXT NOT NULL,
            slot TEXT NOT NULL,
            message_id INTEGER NOT NULL,
            PRIMARY KEY (chat_key, slot)
        ) WITHOUT ROWID
        """,
    )


async def _005_held_questions(db: aiosqlite.Connection) -> None:
    """The question after a typed answer waits in the outbox until she pauses: while it is
    held, another message of hers is more of the same answer."""
    await _run(db, "ALTER TABLE outbox ADD COLUMN held INTEGER NOT NULL DEFAULT 0")


async def _006_volunteers(db: aiosqlite.Connection) -> None:
    """Respondents who offer to be contacted for the full assessment interview. Nothing in
    either table joins a contact to a response: random ids, a deletion digest keyed apart
    from the receipt's, the day only, no key and no chat."""
    await _run(
        db,
        """
        -- Between the Result's button and her typed contact: the key is set only when she
        -- taps, so her next message is known as the contact. Gone once she types it, cancels
        -- or erases, and after two days.
        CREATE TABLE volunteer_offers (
            id TEXT PRIMARY KEY,
            campaign_id TEXT NOT NULL REFERENCES campaigns(id),
            deletion_digest TEXT NOT NULL,
            locale TEXT NOT NULL,
            respondent_key TEXT,
            offered_on TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX volunteer_offers_key ON volunteer_offers (respondent_key)
            WHERE respondent_key IS NOT NULL;
        CREATE INDEX volunteer_offers_digest ON volunteer_offers (deletion_digest);
        CREATE INDEX volunteer_offers_age ON volunteer_offers (offered_on);
        -- The contact as she typed it, sealed: only the campaign's coordinators read it.
        CREATE TABLE volunteers (
            id TEXT PRIMARY KEY,
            campaign_id TEXT NOT NULL REFERENCES campaigns(id),
            contact BLOB NOT NULL,
            deletion_digest TEXT NOT NULL UNIQUE,
            created_on TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX volunteers_campaign ON volunteers (campaign_id)
        """,
    )


async def _007_session_age(db: aiosqlite.Connection) -> None:
    """Unfinished interviews are deleted after a number of days: found by their last change."""
    await _run(db, "CREATE INDEX sessions_age ON sessions (updated_at)")


async def _008_scoring(db: aiosqlite.Connection) -> None:
    """The scoring workbench (Appendix E): interviewers, scorers and reviewers of a campaign,
    each scorer's independent scores, the agreed (consensus) scores, the reviewer's comments,
    finalising, and rounds of re-assessment."""
    await _run(
        db,
        """
        -- Staff of one campaign besides its coordinators. A scorer who scores on paper has no
        -- Telegram id: their scorecard is imported by the operator under their name.
        CREATE TABLE staff (
            id TEXT PRIMARY KEY,
            campaign_id TEXT NOT NULL REFERENCES campaigns(id),
            role TEXT NOT NULL CHECK (role IN ('interviewer', 'scorer', 'reviewer')),
            name TEXT NOT NULL,
            telegram_id INTEGER,
            locale TEXT NOT NULL DEFAULT 'en',
            joined_at TEXT NOT NULL,
            removed_at TEXT,
            UNIQUE (campaign_id, role, name)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX staff_member ON staff (campaign_id, role, telegram_id)
            WHERE telegram_id IS NOT NULL;
        CREATE INDEX staff_telegram ON staff (telegram_id) WHERE telegram_id IS NOT NULL;
        ALTER TABLE invites ADD COLUMN role TEXT NOT NULL DEFAULT 'coordinator';
        ALTER TABLE invites ADD COLUMN name TEXT NOT NULL DEFAULT '';
        -- A short code that names an interview to its scorers ("K7QF"): random, so neither it
        -- nor its order tells when the interview happened or who gave it.
        ALTER TABLE responses ADD COLUMN label TEXT;
        CREATE UNIQUE INDEX responses_label ON responses (campaign_id, label)
            WHERE label IS NOT NULL;
        -- One scorer's score (1-9 in half steps, as text: exact) for one dimension of one
        -- interview. A score sheet marks the interview handed in by that scorer.
        CREATE TABLE scores (
            response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
            scorer_id TEXT NOT NULL REFERENCES staff(id),
            dimension TEXT NOT NULL CHECK (dimension IN ('A', 'B', 'C', 'D', 'E', 'F', 'G')),
            score TEXT NOT NULL,
            PRIMARY KEY (response_id, scorer_id, dimension)
        ) WITHOUT ROWID;
        CREATE TABLE score_sheets (
            response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
            scorer_id TEXT NOT NULL REFERENCES staff(id),
            submitted_at TEXT NOT NULL,
            PRIMARY KEY (response_id, scorer_id)
        ) WITHOUT ROWID;
        CREATE INDEX score_sheets_scorer ON score_sheets (scorer_id);
        -- The agreed score (Appendix E step 6): entered by one scorer, confirmed by another.
        -- An import of a Combined Scorecard agreed on paper is entered and confirmed at once
        -- (entered_by NULL: the operator).
        CREATE TABLE consensus (
            response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
            dimension TEXT NOT NULL CHECK (dimension IN ('A', 'B', 'C', 'D', 'E', 'F', 'G')),
            score TEXT NOT NULL,
            entered_by TEXT REFERENCES staff(id),
            entered_at TEXT NOT NULL,
            confirmed_by TEXT REFERENCES staff(id),
            confirmed_at TEXT,
            PRIMARY KEY (response_id, dimension)
        ) WITHOUT ROWID;
        -- Comments on the proposed scores: the reviewer's (step 7) and the coordinator's own
        -- impressions (step 10), per dimension or for the whole assessment.
        CREATE TABLE score_comments (
            id TEXT PRIMARY KEY,
            campaign_id TEXT NOT NULL REFERENCES campaigns(id),
            author TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('reviewer', 'coordinator')),
            dimension TEXT CHECK (dimension IN ('A', 'B', 'C', 'D', 'E', 'F', 'G')),
            body TEXT NOT NULL,
            written_at TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX score_comments_campaign ON score_comments (campaign_id, written_at);
        -- Step 10: whether the community's efforts centre on a criminal-justice or a
        -- public-health response. Finalising locks the scores.
        ALTER TABLE campaigns ADD COLUMN focus TEXT
            CHECK (focus IN ('criminal_justice', 'public_health', 'both'));
        ALTER TABLE campaigns ADD COLUMN finalised_at TEXT;
        -- Re-assessment (Step 7): a round is a campaign that repeats an earlier one.
        ALTER TABLE campaigns ADD COLUMN previous_id TEXT REFERENCES campaigns(id);
        CREATE INDEX campaigns_previous ON campaigns (previous_id) WHERE previous_id IS NOT NULL
        """,
    )
    await _label_earlier_responses(db)


async def _label_earlier_responses(db: aiosqlite.Connection) -> None:
    # Lazy import: the label alphabet belongs with the repository that makes new labels.
    from bot.storage.repos.scoring import LABELLED_BANKS, fresh_label

    marks = ", ".join("?" * len(LABELLED_BANKS))
    async with db.execute(
        f"SELECT id, campaign_id FROM responses WHERE bank IN ({marks}) ORDER BY id",
        LABELLED_BANKS,
    ) as cursor:
        rows = list(await cursor.fetchall())
    taken: dict[str, set[str]] = {}
    for response_id, campaign_id in rows:
        used = taken.setdefault(campaign_id, set())
        label = fresh_label(used)
        used.add(label)
        await db.execute("UPDATE responses SET label = ? WHERE id = ?", (label, response_id))


async def _009_staff_desk(db: aiosqlite.Connection) -> None:
    """Staff at work in Telegram: what a staff member's next typed message is (a reviewer's
    comment), interviews an interviewer conducts, and the six-month re-assessment reminder
    sent once per finalised round."""
    await _run(
        db,
        """
        -- What the member's next typed message means, as JSON (NULL: nothing is awaited).
        ALTER TABLE staff ADD COLUMN awaiting TEXT;
        -- Found on every typed message, so it must cost an index probe and nothing more.
        CREATE INDEX staff_awaiting ON staff (telegram_id) WHERE awaiting IS NOT NULL;
        -- When the coordinators were reminded to re-assess (Step 7, six months after finalising).
        ALTER TABLE campaigns ADD COLUMN reassess_reminded_at TEXT;
        -- 1: an interviewer conducts the interview and notes the answers (the full assessment).
        ALTER TABLE sessions ADD COLUMN led INTEGER NOT NULL DEFAULT 0
        """,
    )


MIGRATIONS: tuple[Migration, ...] = (
    _001_initial,
    _002_coordinator_tools,
    _003_engine,
    _004_keyboards,
    _005_held_questions,
    _006_volunteers,
    _007_session_age,
    _008_scoring,
    _009_staff_desk,
)
SCHEMA_VERSION = len(MIGRATIONS)


async def migrate(db: aiosqlite.Connection, target: int = SCHEMA_VERSION) -> int:
    """Apply every migration above the database's version; each in its own transaction."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = int(row[0]) if row else 0
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"its schema version {current} is newer than this program's ({SCHEMA_VERSION});"
            " upgrade readiness-bot"
        )
    for version in range(current + 1, target + 1):
        await db.execute("BEGIN IMMEDIATE")
        try:
            await MIGRATIONS[version - 1](db)
            await db.execute(f"PRAGMA user_version = {version:d}")
            await db.commit()
        except BaseException:
            await db.rollback()
            raise
    return target
