"""Repositories: every SQL statement of the bot, grouped by what it is about."""

from __future__ import annotations

import aiosqlite

from bot.storage.repos.campaigns import Campaigns, Coordinators, Invites
from bot.storage.repos.inbox import DeadLetters, Inbox
from bot.storage.repos.info import BotInfo
from bot.storage.repos.outbox import BotMessages, Keyboards, Outbox
from bot.storage.repos.responses import Responses
from bot.storage.repos.scoring import Consensus, Interviews, ScoreComments, Scores, Staff
from bot.storage.repos.sessions import Sessions
from bot.storage.repos.volunteers import Volunteers


class Repos:
    """Every repository over one connection: the writer's (inside a transaction) or the reader's."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.wiped = False
        """Set when this transaction removed a respondent's data (see Store.transaction)."""
        self.campaigns = Campaigns(connection, self)
        self.coordinators = Coordinators(connection, self)
        self.invites = Invites(connection, self)
        self.sessions = Sessions(connection, self)
        self.responses = Responses(connection, self)
        self.inbox = Inbox(connection, self)
        self.outbox = Outbox(connection, self)
        self.bot_messages = BotMessages(connection, self)
        self.keyboards = Keyboards(connection, self)
        self.dead_letters = DeadLetters(connection, self)
        self.info = BotInfo(connection, self)
        self.volunteers = Volunteers(connection, self)
        self.staff = Staff(connection, self)
        self.interviews = Interviews(connection, self)
        self.scores = Scores(connection, self)
        self.consensus = Consensus(connection, self)
        self.score_comments = ScoreComments(connection, self)


__all__ = ["Repos"]
