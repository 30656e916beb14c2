"""Storage: SQLite through aiosqlite; the only package that speaks SQL."""
