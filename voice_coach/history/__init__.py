"""The history: every session and answer in a local SQLite file (store), and its export (archive)."""
