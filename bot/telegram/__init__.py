"""The python-telegram-bot adapter: durable intake, the respondent journey, the outbox sender."""
