"""The terminal channel: interviews read out over the phone, demos, scripts."""
