"""Question banks and the Community Readiness Model as validated data."""
