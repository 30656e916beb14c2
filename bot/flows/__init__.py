"""Interview state machines: pure and transport-agnostic (state + event -> state + prompt)."""
