"""`python -m bot.cli`: the same as the `readiness-bot` command."""

from bot.cli import main

raise SystemExit(main())
