"""PySide6 user interface. Talks to the core only through app/ services; no SQL here."""
