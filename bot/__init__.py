"""Readiness Bot: community readiness interviews over Telegram and the terminal."""
