"""The mobile web channel: the same interviews as Telegram, as plain server-rendered pages."""
