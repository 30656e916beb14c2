"""The channels a respondent answers through: Telegram, the web, the terminal.

They do not import each other; the command line puts them together in one process.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from bot.services.coordinator import Links
from bot.storage.db import Store

WebPages = Callable[[Store, bytes, Links, Callable[[], None]], web.Application]
"""Makes another channel's web application, to be served beside the Telegram webhook, from
the bot's store, key, links and the sender's wake-up."""
