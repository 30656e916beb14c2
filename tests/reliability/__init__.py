"""Black-box reliability tooling: a swarm of simulated respondents against the real bot process.

Only the command line (`python -m bot.cli`), the fake Bot API and a read-only look at the SQLite
file are used, so the figures stay valid while the bot's internals are rewritten.
"""
