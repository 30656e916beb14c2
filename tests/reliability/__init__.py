"""The reliability campaign: nine scenarios against the real bot, one table of figures.

The swarm scenarios (kill, restart, redelivery, Telegram and database faults, load, storage),
the privacy audit and operations use only the command line (`python -m bot.cli`), the fake Bot
API and the files an installation keeps, so the figures stay valid while the bot's internals
are rewritten; fuzz and access run the bot in this process, to compare the database before and
after each update. `python -m tests.reliability` runs them all (see __main__.py).
"""
